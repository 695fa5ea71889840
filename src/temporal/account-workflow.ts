/**
 * The account workflow's client surface (SPEC §8), the one module every caller uses: the
 * screening fan-out, the payment relay, the API, the CLI, the demo and the tests. It knows
 * the workflow id scheme, the options every start takes, and how to reach a run.
 *
 * Every start sets the `ArrearsStage` search attribute (SCREENED), so the run is in the UI's
 * filters from its first moment, and, where the caller knows the account's previous run
 * (a CURED account overdue again), links the new run to it: a memo and a link on its first
 * event that the UI follows. Everything else the run loads itself: its input is `{ accountId }`.
 *
 * startOrRefreshCollection is one account from the collection list into Temporal, in one
 * call: signal-with-start with `figuresRefreshed`. An open run gets the signal (fresh
 * figures); otherwise a new run starts with the signal as its first event. Two racing
 * callers cannot start two runs: the server decides. Why the raw gRPC call there: the SDK's
 * `signalWithStart` (1.24) returns only the run id and drops the response's `started` flag,
 * which is what tells a new run from a signalled one. The payloads still go through the
 * client's (encrypting) converter.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import { encodeUnifiedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { encodeMapToPayloads, encodeToPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import type { FiguresRefreshed } from '../domain/figures-refresh';
import { accountWorkflowId } from '../domain/ids';
import {
  ACCOUNT_COLLECTION_WORKFLOW,
  ArrearsStage,
  figuresRefreshedSignal,
  type AccountCollectionInput,
  type AccountCollectionWorkflow,
} from '../../workflows/account/contract';

export { accountWorkflowId };

/** The memo key of a new run that follows a closed run of the same account: that run's id. */
export const PREVIOUS_RUN_MEMO = 'previousRunId';

export interface StartOrRefresh {
  accountId: string;
  taskQueue: string;
  refresh: FiguresRefreshed;
  /** The account's last known run (from the record); linked from the new run if one starts (needs Temporal server 1.25+ for the link). */
  previousRunId?: string;
}

export interface StartOrRefreshOutcome {
  /** true: a new run started; false: the open run was signalled. */
  started: boolean;
  runId: string;
}

const { EventType, WorkflowIdReusePolicy, WorkflowIdConflictPolicy, TaskQueueKind } = temporal.api.enums.v1;

/** Where a new run starts: every start sets this stage, so the run is filterable from its first moment. */
const STAGE_AT_START = [{ key: ArrearsStage, value: 'SCREENED' }];

/** The handle of the account's workflow (its latest run). */
export function accountHandle(client: Client, accountId: string): WorkflowHandle<AccountCollectionWorkflow> {
  return client.workflow.getHandle<AccountCollectionWorkflow>(accountWorkflowId(accountId));
}

export interface AccountStart {
  accountId: string;
  taskQueue: string;
  /** The account's previous run, when the caller knows it: the new run links to it. */
  previousRunId?: string;
  overrides?: AccountCollectionInput['overrides'];
}

/**
 * Starts the account's workflow. `ifRunning`: 'FAIL' refuses when a run is open (the caller
 * counts it), 'USE_EXISTING' answers with the open run's handle. A closed run is followed by
 * a new run under the same id. Returns the handle and whether this call started the run.
 */
export async function startAccountCollection(
  client: Client,
  start: AccountStart,
  ifRunning: 'FAIL' | 'USE_EXISTING',
): Promise<{ handle: WorkflowHandle<AccountCollectionWorkflow>; started: boolean }> {
  const input: AccountCollectionInput = { accountId: start.accountId, ...(start.overrides ? { overrides: start.overrides } : {}) };
  try {
    const handle = await client.workflow.start<AccountCollectionWorkflow>(ACCOUNT_COLLECTION_WORKFLOW, {
      taskQueue: start.taskQueue,
      workflowId: accountWorkflowId(start.accountId),
      args: [input],
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: STAGE_AT_START,
      ...(start.previousRunId !== undefined && { memo: { [PREVIOUS_RUN_MEMO]: start.previousRunId } }),
    });
    return { handle, started: true };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError) || ifRunning === 'FAIL') throw err;
    return { handle: accountHandle(client, start.accountId), started: false };
  }
}

/** The account's latest run (open or closed), if it ever had one: a new run links to it. */
export async function latestRunId(client: Client, accountId: string): Promise<string | undefined> {
  try {
    return (await accountHandle(client, accountId).describe()).runId;
  } catch {
    return undefined;
  }
}

export async function startOrRefreshCollection(client: Client, req: StartOrRefresh): Promise<StartOrRefreshOutcome> {
  const { namespace, identity, loadedDataConverter: converter } = client.options;
  const workflowId = accountWorkflowId(req.accountId);
  const input: AccountCollectionInput = { accountId: req.accountId };
  const response = await client.workflowService.signalWithStartWorkflowExecution({
    namespace,
    identity,
    // One id per call: a retry of this same request (by the connection) is de-duplicated by the server.
    requestId: randomUUID(),
    workflowId,
    workflowType: { name: ACCOUNT_COLLECTION_WORKFLOW },
    taskQueue: { name: req.taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    input: { payloads: await encodeToPayloads(converter, input) },
    signalName: figuresRefreshedSignal.name,
    signalInput: { payloads: await encodeToPayloads(converter, req.refresh) },
    // An open run is used as it is; a closed one (CURED, or any other end) is followed by a new run.
    workflowIdConflictPolicy: WorkflowIdConflictPolicy.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
    workflowIdReusePolicy: WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
    // visible in UI filters from the first moment, as for any other start
    searchAttributes: { indexedFields: encodeUnifiedSearchAttributes(undefined, STAGE_AT_START) },
    // Only a new run takes these; an open run ignores them. They tie the new run's history
    // to the one before it twice: a memo (`temporal workflow describe`, the UI's memo) and
    // a link on its first event that the UI follows to the earlier run.
    ...(req.previousRunId !== undefined && {
      memo: { fields: await encodeMapToPayloads(converter, { [PREVIOUS_RUN_MEMO]: req.previousRunId }) },
      links: [{ workflowEvent: { namespace, workflowId, runId: req.previousRunId, eventRef: { eventType: EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED } } }],
    }),
  });
  return { started: response.started === true, runId: response.runId ?? '' };
}

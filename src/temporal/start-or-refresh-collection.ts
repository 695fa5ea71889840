/**
 * One account from the collection list into Temporal, in one call: signal-with-start of
 * accountCollection with `figuresRefreshed`. An open run gets the signal (fresh figures);
 * otherwise a new run starts with the signal as its first event: the account's first
 * run, or a new run under the same workflow id after a closed one (a CURED account
 * overdue again). Two racing callers cannot start two runs: the server decides.
 *
 * Why the raw gRPC call: the SDK's `signalWithStart` (1.24) returns only the run id
 * and drops the response's `started` flag, which is what tells a new run from a
 * signalled one. The payloads still go through the client's (encrypting) converter.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { encodeUnifiedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { encodeMapToPayloads, encodeToPayloads } from '@temporalio/common/lib/internal-non-workflow';
import { temporal } from '@temporalio/proto';
import type { FiguresRefreshed } from '../domain/figures-refresh';
import { accountWorkflowId } from '../domain/ids';
import { ACCOUNT_COLLECTION_WORKFLOW, figuresRefreshedSignal, type AccountCollectionInput } from '../../workflows/messages';
import { ArrearsStage } from '../../workflows/search-attributes';

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
    searchAttributes: { indexedFields: encodeUnifiedSearchAttributes(undefined, [{ key: ArrearsStage, value: 'SCREENED' }]) },
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

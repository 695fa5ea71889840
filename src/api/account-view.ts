/**
 * Reading an account (issue 15 §3): its figures, stage, treatment, next step, holds,
 * promises, appointments and timeline. Postgres is the record; the running workflow adds
 * what only it knows (treatment, next step and when, the live figures) through its
 * `summary` query. Personal fields only of the kinds the caller's roles may see, and a view
 * that shows any is written to the access log before it is sent.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { loadAccountFigures } from '../db/account-figures';
import { borrowerPersonalFields, loadAccountRecord, type AccountRecord, type BorrowerPersonalFields } from '../db/account-record';
import { loadAccountTimeline } from '../db/account-timeline';
import { recordAccess } from '../db/access-log';
import type { Queryable } from '../db/pool';
import type { AccountFigures } from '../domain/account';
import { accountWorkflowId } from '../domain/ids';
import type { TimelineEvent } from '../domain/timeline';
import { calendarDateIn } from '../domain/time-zones';
import { kindsShownTo, PERSONAL_DATA_VIEWS_BY_ROLE, type PersonalDataKind } from '../identity/personal-data';
import type { Caller } from '../identity/roles';
import { summaryQuery, type AccountSummary } from '../../workflows/account/contract';

export const ACCOUNT_VIEW_ROUTE = 'GET /accounts/:accountId';
/** How long the view waits for the running workflow's answer before showing the record alone. */
const SUMMARY_DEADLINE_MS = 5_000;

export interface AccountView extends AccountRecord {
  figures: AccountFigures | null;
  /** the running workflow's summary; null when none is running (or it did not answer in time) */
  workflow: { status: string; summary: AccountSummary | null };
  timeline: TimelineEvent[];
  /** the kinds of personal data shown, and the fields */
  personalDataShown: PersonalDataKind[];
  borrower: BorrowerPersonalFields;
}

export interface AccountViewDeps {
  db: Queryable;
  temporal: Client;
  businessTimeZone: string;
}

async function workflowSummary(temporal: Client, accountId: string): Promise<AccountView['workflow']> {
  const handle = temporal.workflow.getHandle(accountWorkflowId(accountId));
  try {
    return await temporal.withDeadline(Date.now() + SUMMARY_DEADLINE_MS, async () => {
      const { status } = await handle.describe();
      // a closed run's query would need a worker to replay it: the record tells its end
      return { status: status.name, summary: status.name === 'RUNNING' ? await handle.query(summaryQuery) : null };
    });
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return { status: 'NONE', summary: null };
    return { status: 'UNANSWERED', summary: null };
  }
}

export async function viewAccount(deps: AccountViewDeps, caller: Caller, accountId: string, limit: number): Promise<AccountView | undefined> {
  const record = await loadAccountRecord(deps.db, accountId, limit);
  if (!record) return undefined;
  const [figures, workflow, timeline] = await Promise.all([
    loadAccountFigures(deps.db, accountId, calendarDateIn(Date.now(), deps.businessTimeZone)),
    workflowSummary(deps.temporal, accountId),
    loadAccountTimeline(deps.db, accountId, limit),
  ]);
  const kinds = kindsShownTo(caller.roles, PERSONAL_DATA_VIEWS_BY_ROLE[ACCOUNT_VIEW_ROUTE]!);
  const borrower = kinds.length > 0 ? await borrowerPersonalFields(deps.db, record, kinds) : {};
  if (kinds.length > 0) await recordAccess(deps.db, { caller, kinds, accountIds: [accountId], via: 'API', purpose: ACCOUNT_VIEW_ROUTE });
  return { ...record, figures: figures ?? null, workflow, timeline, personalDataShown: kinds, borrower };
}

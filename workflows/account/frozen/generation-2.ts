/**
 * accountCollection generations 1 and 2, frozen: runs started before early collection
 * (generation 3, account-collection.ts) replay through this code as they ran. Do not
 * change what it does; fix forward in generation 3.
 *
 * The story so far: the account is SCREENED, its figures are loaded from Postgres,
 * it moves to REMINDING and walks its treatment's cadence (SMS reminders on day
 * offsets, durable timers between them). A payment that clears the overdue amount
 * cures it at any moment, from any stage, and the run completes.
 *
 * Payment events may come twice, late or out of order; each counts once. Postgres
 * holds every payment and reversal before the workflow hears of it, and the figures
 * are always read back from there (account_figures), so arrival order cannot change
 * them. A reversal re-reads the figures: on an open run the account stays in its stage;
 * if it lands while the cure is being recorded, the arrears re-open in a fresh run.
 */
import {
  CancellationScope,
  allHandlersFinished,
  condition,
  continueAsNew,
  isCancellation,
  log,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../../../activities';
import type { AccountFigures } from '../../../src/domain/account';
import { databaseStepOptions, outsideStepOptions } from '../run/step-options';
import { accountRunState, carriedRunState, runSummary } from '../run/run-state';
import { figuresLane, handlePaymentEvents } from '../run/payment-events';
import { figuresSearchAttributes, searchAttributesPublisher } from '../run/publish-search-attributes';
import {
  summaryQuery,
  type AccountCollectionInput,
  type AccountCollectionWorkflow,
  type AccountCollectionResult,
  type AccountSummary,
  type CarriedState,
} from '../contract';
import { ArrearsStage, OnHold, Treatment } from '../contract/search-attributes';
import { stageMover } from '../run/stage-mover';
import { TREATMENTS } from './generation-2-treatments';

const activities = proxyActivities<Activities>(outsideStepOptions);

/**
 * The short Postgres steps (read the figures, record a payment, a stage transition,
 * an audit event) run as local activities: in the worker, inside the workflow task,
 * with no activity task round trip through the server. A cure then costs the server
 * one workflow task instead of three plus two activity tasks, which is what lets
 * payments cure accounts within a second at 100/s (issue 5, bench:payments).
 * They are idempotent like every activity: a local activity may run again when a
 * workflow task is retried. Contacting the borrower stays a regular activity
 * (external provider, own timeouts and retries, visible as its own task).
 */
const databaseSteps = proxyLocalActivities<Pick<Activities, 'loadAccountFigures' | 'applyPaymentEvent' | 'recordStageTransition' | 'recordAuditEvent'>>(databaseStepOptions);

/** Histories recorded before this patch scheduled those steps as regular activities; they replay as they ran. */
export const DATABASE_STEPS_AS_LOCAL_ACTIVITIES = 'database-steps-as-local-activities';

const DAY_MS = 86_400_000;
/** Continue-as-new well before Temporal's history limits, even if the server does not suggest it. */
const DEFAULT_MAX_HISTORY_EVENTS = 10_000;

export async function accountCollectionGeneration2(input: AccountCollectionInput): Promise<AccountCollectionResult> {
  const { accountId, overrides, carried } = input;
  const info = workflowInfo();
  // The only treatment these generations knew.
  const treatment = TREATMENTS.standard;
  const maxHistoryEvents = overrides?.maxHistoryEvents ?? DEFAULT_MAX_HISTORY_EVENTS;
  // Generation 2 of this workflow (every run started since the patch); runs of generation 1 replay as they ran.
  const generation2 = patched(DATABASE_STEPS_AS_LOCAL_ACTIVITIES);
  const db = generation2 ? databaseSteps : activities;

  const state = accountRunState(carried);

  // ---- helpers (closures over this run's state) ----

  // Activities turn the workflow's clock into the business day of the bank's zone.
  const now = () => ({ at: Date.now() });
  /** Stable across retries and continue-as-new, new for a later run of the same account or a re-opening. */
  const effectKey = (kind: string, n: number) =>
    `${info.workflowId}/${info.firstExecutionRunId}${state.reopenings ? `/reopened-${state.reopenings}` : ''}/${kind}/${n}`;
  const isCured = () => state.figures !== undefined && state.figures.amountOverdue === 0;

  const publish = searchAttributesPublisher();
  function publishSearchAttributes(): void {
    const attributes = [
      { key: ArrearsStage, value: state.stage },
      { key: Treatment, value: treatment.id },
      { key: OnHold, value: false },
      ...figuresSearchAttributes(state.figures),
    ];
    publish(attributes);
  }

  const serially = figuresLane();

  function takeFigures(figures: AccountFigures): void {
    state.figures = figures;
    publishSearchAttributes();
  }

  const refreshFigures = () => serially(async () => takeFigures(await db.loadAccountFigures({ accountId, ...now() })));

  const moveTo = stageMover({ accountId, state, db, effectKey, publishSearchAttributes });

  function summarise(): AccountSummary {
    return { ...runSummary(accountId, state), treatment: treatment.id, onHold: false, holds: [] };
  }

  const carriedState = (): CarriedState => carriedRunState(state);

  async function walkCadence(): Promise<void> {
    const startedAt = state.remindingStartedAt ?? Date.now();
    for (; state.cadenceIndex < treatment.steps.length; state.cadenceIndex++) {
      const step = treatment.steps[state.cadenceIndex]!;
      const dueAt = startedAt + step.dayOffset * DAY_MS;
      state.nextStep = { action: `${step.channel} ${step.templateId}`, at: new Date(dueAt).toISOString() };
      if (dueAt > Date.now()) await sleep(dueAt - Date.now());
      await refreshFigures(); // days past due have grown while we waited
      if (isCured()) return;
      const reminder = await activities.sendSmsReminder({
        idempotencyKey: effectKey('reminder', state.cadenceIndex),
        accountId,
        workflowId: info.workflowId,
        templateId: step.templateId,
        ...now(),
      });
      if (reminder.outcome === 'NOT_NEEDED') {
        // Postgres knew of a payment before we did (the API writes first, then signals).
        await refreshFigures();
        if (isCured()) return;
      }
    }
    state.nextStep = null;
  }

  // ---- handlers: registered before the first await ----

  setHandler(summaryQuery, summarise);

  handlePaymentEvents({
    accountId,
    workflowId: info.workflowId,
    ledger: state,
    db,
    serially,
    takeFigures,
    refreshFigures,
    figures: () => state.figures,
  });

  // ---- the story ----

  publishSearchAttributes();
  await refreshFigures();
  if (!carried) await moveTo('SCREENED', 'account is overdue: collection started');
  if (state.stage === 'CURED' && !isCured()) await moveTo('REMINDING', 'overdue again: a payment was reversed as the cure was recorded');
  if (!isCured() && state.stage === 'SCREENED') await moveTo('REMINDING', `treatment ${treatment.id} v${treatment.version}`);

  const cadence = new CancellationScope();
  const cadenceDone = cadence.run(walkCadence).catch((err) => {
    if (!isCancellation(err)) throw err;
  });
  await condition(() => isCured() || workflowInfo().continueAsNewSuggested || workflowInfo().historyLength > maxHistoryEvents);

  if (isCured()) {
    cadence.cancel();
    await cadenceDone;
    state.nextStep = null;
    if (state.stage !== 'CURED') await moveTo('CURED', state.paymentsCounted > 0 ? 'payment cleared the overdue amount' : 'nothing overdue');
    await condition(allHandlersFinished);
    if (isCured()) return { accountId, outcome: state.stage, summary: summarise() };
    // A reversal landed while the cure was being recorded: its sender saw an open run,
    // so this chain carries on. A fresh run re-opens the arrears with a fresh cadence.
    log.info('overdue again as the cure was recorded: re-opening', { accountId, amountOverdue: state.figures?.amountOverdue });
    const reopened: CarriedState = { ...carriedState(), cadenceIndex: 0, remindingStartedAt: null, reopenings: state.reopenings + 1 };
    return continueAsNew<AccountCollectionWorkflow>({ accountId, overrides, carried: reopened });
  }

  // Keep history bounded: hand the state to a fresh run once every handler is done.
  // The cadence needs no cancelling: continue-as-new ends this run and its pending
  // timer or reminder with it, and the next run resumes at the same step (a reminder
  // in flight is not sent twice: its idempotency key is the same in the next run).
  // Generation 1 cancelled it first, and must replay as it ran.
  if (!generation2) {
    cadence.cancel();
    await cadenceDone;
  }
  await condition(allHandlersFinished);
  log.info('continuing as new', { accountId, historyLength: workflowInfo().historyLength });
  return continueAsNew<AccountCollectionWorkflow>({ accountId, overrides, carried: carriedState() });
}

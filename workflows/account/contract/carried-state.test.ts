/**
 * Carried state from every earlier version resumes on the current code (issue 14 §1). The
 * fixtures are real: the state each generation handed to its successor at continue-as-new,
 * taken from the recorded histories (__fixtures__/histories/v*-continued-as-new.json). Each
 * parses with today's schema, and a run started from it on the time-skipping server takes
 * up the account where the state left it (its stage, its ledger) and is cured by a payment.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { decodeFromPayloadsAtIndex, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { createDataConverter } from '../../../src/codec/data-converter';
import { collectionHarness } from '../../../test/collection-harness';
import { eventually } from '../../../test/support';
import { accountWorkflowId } from '../../../src/domain/ids';
import fixtureCodecKey from '../__fixtures__/fixture-codec-key.json';
import { accountCollection } from '../account-collection';
import { accountCollectionInputSchema, CARRIED_STATE_VERSION, paymentReceivedSignal, summaryQuery, type AccountCollectionInput } from '.';
import { createNegotiationActivities } from '../../../activities/negotiation';
import { OutboxSmsProvider } from '../../../activities/providers/sms-provider';
import { runActivity } from '../../../test/activity-testbed';
import { setRiskTier } from '../../../test/early-collection-seeds';

const HISTORIES_DIR = path.join(__dirname, '..', '__fixtures__', 'histories');

/** The input each recorded continue-as-new handed to the next run, by history. */
async function recordedHandOvers(): Promise<{ history: string; input: AccountCollectionInput }[]> {
  const converter = loadDataConverter(createDataConverter({ current: fixtureCodecKey, previous: [] }));
  const handOvers: { history: string; input: AccountCollectionInput }[] = [];
  for (const file of fs.readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('-continued-as-new.json')).sort()) {
    const history = historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORIES_DIR, file), 'utf8')));
    for (const event of history.events ?? []) {
      const payloads = event.workflowExecutionContinuedAsNewEventAttributes?.input?.payloads;
      if (payloads) handOvers.push({ history: path.basename(file, '.json'), input: await decodeFromPayloadsAtIndex(converter, 0, payloads) });
    }
  }
  return handOvers;
}

let handOvers: { history: string; input: AccountCollectionInput }[];
beforeAll(async () => {
  handOvers = await recordedHandOvers();
});

test('every generation that continues as new has its hand-over recorded', () => {
  expect(handOvers.map((h) => h.history)).toEqual([...['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7'].map((v) => `${v}-continued-as-new`), 'v7-plan-continued-as-new']);
  // v1-v5 wrote before the version number existed (version 1, by its absence); v6 writes 2, v7 3
  expect(handOvers.map((h) => h.input.carried?.version)).toEqual([undefined, undefined, undefined, undefined, undefined, 2, 3, 3]);
  expect(CARRIED_STATE_VERSION).toBe(3);
});

test('carried state of every earlier version parses with the current schema', () => {
  for (const { history, input } of handOvers) {
    const parsed = accountCollectionInputSchema.safeParse(input);
    expect({ history, issues: parsed.error?.issues ?? [] }).toEqual({ history, issues: [] });
  }
});

test('the schema is real: a carried treatment choice or field state of the wrong shape is refused', () => {
  const v5 = handOvers.find((h) => h.history === 'v5-continued-as-new')!.input;
  const early = v5.carried!.early!;
  expect(accountCollectionInputSchema.safeParse({ ...v5, carried: { ...v5.carried, early: { ...early, choice: { treatmentId: 'gentle' } } } }).success).toBe(false);
  expect(accountCollectionInputSchema.safeParse({ ...v5, carried: { ...v5.carried, early: { ...early, field: { phase: 'NEGOTIATION' } } } }).success).toBe(false);
  expect(accountCollectionInputSchema.safeParse({ ...v5, carried: { ...v5.carried, version: CARRIED_STATE_VERSION + 1 } }).success).toBe(false);
  const v7 = handOvers.find((h) => h.history === 'v7-plan-continued-as-new')!.input;
  const plan = v7.carried!.early!.plan!;
  expect(accountCollectionInputSchema.safeParse({ ...v7, carried: { ...v7.carried, early: { ...v7.carried!.early, plan: { ...plan, clockElapsedMs: -1 } } } }).success).toBe(false);
  expect(accountCollectionInputSchema.safeParse({ ...v7, carried: { ...v7.carried, early: { ...v7.carried!.early, plan: { ...plan, plan: { planId: 1 } } } } }).success).toBe(false);
});

describe('a run resumes from the carried state of each version', () => {
  const harness = collectionHarness({ name: 'carried' });

  test.each(['v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7'])('%s', async (version) => {
    const { input } = handOvers.find((h) => h.history === `${version}-continued-as-new`)!;
    const carried = input.carried!;
    // The recorded account is not in this database: the same state, for an overdue account that is.
    const accountId = await harness.overdueAccount();
    const resumed: AccountCollectionInput = { accountId, carried: { ...carried, ...(carried.figures ? { figures: { ...carried.figures, accountId } } : {}) } };
    const handle = await harness.env.client.workflow.start(accountCollection, { taskQueue: harness.taskQueue, workflowId: accountWorkflowId(accountId), args: [resumed] });

    // Set up once the treatment is known (a carried choice is kept; a version 1 state gets one now).
    const summary = await eventually(() => handle.query(summaryQuery), (s) => s.treatment !== '(not chosen yet)');
    expect(summary).toMatchObject({ accountId, paymentsCounted: carried.paymentsCounted });
    expect(summary.treatment).toBe(carried.early?.choice.treatmentId ?? summary.treatment);
    await harness.closeOut(handle);
    // It took up the account where the state left it (a version 2 state's cadence had already
    // walked its steps, so that run escalates at once): no fresh start at SCREENED, and its
    // first move leaves the carried stage.
    const { rows } = await harness.pool.query<{ from_stage: string; to_stage: string }>('SELECT from_stage, to_stage FROM stage_transitions WHERE account_id = $1 ORDER BY id', [accountId]);
    expect(rows[0]?.from_stage).toBe(carried.stage);
    expect(rows.map((r) => r.to_stage)).not.toContain('SCREENED');
    expect(rows.at(-1)?.to_stage).toBe('CURED');
  });

  test('v7 on a plan: the plan and its clock are taken up, and paying it up cures', async () => {
    const { input } = handOvers.find((h) => h.history === 'v7-plan-continued-as-new')!;
    const carried = input.carried!;
    const early = carried.early!;
    expect(carried.stage).toBe('PLAN_ACTIVE');
    expect(early.plan).toMatchObject({ plan: { status: 'ACTIVE' }, startedAt: expect.any(Number), breaks: 0 });
    expect(early.plan!.clockElapsedMs).toBeGreaterThan(0);
    // The recorded plan is not in this database: the same state with a plan accepted here.
    const accountId = await harness.overdueAccount();
    await setRiskTier(harness.pool, accountId, 'LOW');
    const at = await harness.serverNow();
    const workflowId = accountWorkflowId(accountId);
    const negotiation = createNegotiationActivities({ pool: harness.pool, smsProvider: new OutboxSmsProvider(harness.pool) });
    const offer = await runActivity(negotiation.makeOffer, { idempotencyKey: `carried-offer-${accountId}`, accountId, workflowId, at });
    const kind = offer.options[0]!.kind;
    const answered = await runActivity(negotiation.respondToOffer, { idempotencyKey: `carried-answer-${accountId}`, accountId, workflowId, response: { answer: 'ACCEPT', offerId: offer.offerId, option: kind, respondedBy: 'BORROWER', via: 'API' }, at });
    if (answered.outcome !== 'PLAN_STARTED') throw new Error(`no plan: ${answered.outcome}`);
    const resumed: AccountCollectionInput = {
      accountId,
      carried: { ...carried, figures: { ...carried.figures!, accountId }, early: { ...early, negotiation: { ...early.negotiation!, offer }, plan: { ...early.plan!, plan: answered.plan } } },
    };
    const handle = await harness.env.client.workflow.start(accountCollection, { taskQueue: harness.taskQueue, workflowId, args: [resumed] });
    const summary = await eventually(() => handle.query(summaryQuery), (s) => !!s.nextStep?.action.startsWith('reminder'));
    expect(summary).toMatchObject({ stage: 'PLAN_ACTIVE', plan: { planId: answered.plan.planId, status: 'ACTIVE', breaks: 0 } });
    // The carried clock counts on: the reminder is projected from the plan's start as carried, less the time already run.
    const reminderAt = Date.parse(`${answered.plan.nextDue!.dueDate}T00:00:00Z`) - 3 * 86_400_000;
    const expected = (await harness.serverNow()) + (reminderAt - early.plan!.startedAt!) - early.plan!.clockElapsedMs;
    expect(Math.abs(Date.parse(summary.nextStep!.at) - Math.max(expected, await harness.serverNow()))).toBeLessThan(60_000);
    // Paid up (and the contract's own installment due meanwhile): CURED.
    const event = await harness.payment(accountId, answered.plan.total + 100_000);
    await harness.pool.query(`INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source, received_at) VALUES ($1, $2, $3, 'CNY', $4, $5, 'API', $6)`, [
      event.eventId,
      accountId,
      event.amount,
      event.valueDate,
      event.method,
      new Date(await harness.serverNow()),
    ]);
    await handle.signal(paymentReceivedSignal, event);
    expect((await handle.result()).outcome).toBe('CURED');
  });
});

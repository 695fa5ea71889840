/**
 * One transition per move (issue 14 §4), on the time-skipping server with the real activities
 * and Postgres: a run's stage transitions form a chain, each place recorded once, whichever
 * path records the move.
 */
import { ApplicationFailure } from '@temporalio/common';
import { createActivities } from '../../../activities';
import { OutboxSmsProvider } from '../../../activities/providers/sms-provider';
import { recordPayment } from '../../../src/db/payments';
import { collectionHarness } from '../../../test/collection-harness';
import { eventually, uniqueId } from '../../../test/support';
import { figuresRefreshedSignal, paymentReceivedSignal, summaryQuery } from '../contract';

/** Events whose first payment step "loses" its answer after writing, as a worker or server crash would. */
const LOST = 'LOST-';

const harness = collectionHarness({
  name: 'stage-moves',
  activities: (pool) => {
    const real = createActivities({ pool, smsProvider: new OutboxSmsProvider(pool) });
    const lost = new Set<string>();
    return {
      ...real,
      async applyPaymentEvent(input: Parameters<typeof real.applyPaymentEvent>[0]) {
        const applied = await real.applyPaymentEvent(input);
        if (!input.event.eventId.startsWith(LOST) || lost.has(input.event.eventId)) return applied;
        lost.add(input.event.eventId);
        throw ApplicationFailure.create({ type: 'AnswerLost', message: 'written, but the answer never reached the run', nonRetryable: true });
      },
    };
  },
});

interface Move {
  from_stage: string | null;
  to_stage: string;
  seq: number | null;
  chain_id: string | null;
}

const movesOf = async (accountId: string) =>
  (await harness.pool.query<Move>('SELECT from_stage, to_stage, seq, chain_id FROM stage_transitions WHERE account_id = $1 ORDER BY seq, id', [accountId])).rows;

/** Every place once, none missing, each move leaving the stage the one before entered. */
function expectChain(moves: Move[]): void {
  expect(moves.map((m) => m.seq)).toEqual(moves.map((_, i) => i));
  expect(new Set(moves.map((m) => m.chain_id)).size).toBe(1);
  moves.forEach((m, i) => expect(m.from_stage).toBe(i === 0 ? null : moves[i - 1]!.to_stage));
}

test('every path records a move under one key: its place in the chain', async () => {
  for (const cure of ['payment step', 'figures read'] as const) {
    const accountId = await harness.overdueAccount();
    const handle = await harness.start(accountId);
    await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'REMINDING');
    const event = await harness.payment(accountId, (await handle.query(summaryQuery)).amountOverdue);
    if (cure === 'payment step') {
      await handle.signal(paymentReceivedSignal, event);
    } else {
      await recordPayment(harness.pool, event, 'API');
      await handle.signal(figuresRefreshedSignal, { refreshId: uniqueId('refresh') });
    }
    expect((await handle.result()).outcome).toBe('CURED');
    const { rows } = await harness.pool.query('SELECT idempotency_key, seq FROM stage_transitions WHERE account_id = $1 AND to_stage = $2', [accountId, 'CURED']);
    expect({ cure, rows }).toEqual({ cure, rows: [{ idempotency_key: `${handle.workflowId}/${handle.firstExecutionRunId}/stage/2`, seq: 2 }] });
    expectChain(await movesOf(accountId));
  }
});

test('a cure the payment step wrote before its answer was lost, then read from the figures, is recorded once', async () => {
  const accountId = await harness.overdueAccount();
  const handle = await harness.start(accountId);
  await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'REMINDING');
  const { amountOverdue } = await handle.query(summaryQuery);

  // The payment step writes the payment and the move to CURED, and its answer never reaches the
  // run (here: it fails after writing; in the field: the Temporal server was killed mid-task).
  const event = { ...(await harness.payment(accountId, amountOverdue)), eventId: uniqueId(LOST) };
  await handle.signal(paymentReceivedSignal, event);
  await eventually(() => movesOf(accountId), (moves) => moves.some((m) => m.to_stage === 'CURED'));
  expect((await handle.query(summaryQuery)).stage).toBe('REMINDING');

  // The run learns of the cure from Postgres (a figures refresh) and moves to CURED itself.
  await handle.signal(figuresRefreshedSignal, { refreshId: uniqueId('refresh') });
  expect((await handle.result()).outcome).toBe('CURED');
  const moves = await movesOf(accountId);
  expect(moves.map((m) => m.to_stage)).toEqual(['SCREENED', 'REMINDING', 'CURED']);
  expectChain(moves);
});

test('two payments that each clear the arrears, arriving together, record one move to CURED', async () => {
  const accountId = await harness.overdueAccount();
  const handle = await harness.start(accountId);
  await eventually(() => handle.query(summaryQuery), (s) => s.stage === 'REMINDING');
  const { amountOverdue } = await handle.query(summaryQuery);

  const [first, second] = [await harness.payment(accountId, amountOverdue), await harness.payment(accountId, amountOverdue)];
  await Promise.all([handle.signal(paymentReceivedSignal, first), handle.signal(paymentReceivedSignal, second)]);

  expect((await handle.result()).outcome).toBe('CURED');
  const moves = await movesOf(accountId);
  expect(moves.map((m) => m.to_stage)).toEqual(['SCREENED', 'REMINDING', 'CURED']);
  expectChain(moves);
});

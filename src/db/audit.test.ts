/** The append-only record of stage moves on the real Postgres: one move per place in a chain. */
import { testPool, uniqueId } from '../../test/support';
import type { Pool } from './pool';
import { recordStageTransition, type StageTransition } from './audit';

let pool: Pool;
beforeAll(() => {
  pool = testPool();
});
afterAll(() => pool.end());

const move = (chainId: string, seq: number, key: string, toStage: string): StageTransition => ({
  idempotencyKey: key,
  accountId: 'ACC-AUDIT',
  workflowId: 'arrears-ACC-AUDIT',
  runId: 'run-1',
  fromStage: 'REMINDING',
  toStage,
  reason: 'test',
  occurredAt: new Date().toISOString(),
  chain: { chainId, seq },
});

const chainOf = async (chainId: string) =>
  (await pool.query('SELECT seq, from_stage, to_stage FROM stage_transitions WHERE chain_id = $1 ORDER BY seq', [chainId])).rows.map(
    (r: { seq: number; from_stage: string | null; to_stage: string }) => `${r.seq}:${r.from_stage ?? '∅'}→${r.to_stage}`,
  );
const moveFrom = (chainId: string, seq: number, fromStage: string | null, toStage: string, key = `${chainId}/stage/${seq}`): StageTransition => ({
  ...move(chainId, seq, key, toStage),
  fromStage,
});

test('the same move twice (a retried step, or a cure recorded by the payment step and by the run) is recorded once', async () => {
  const chainId = uniqueId('chain');
  expect(await recordStageTransition(pool, move(chainId, 2, `${chainId}/stage/2`, 'CURED'))).toEqual({ recorded: true, seq: 2 });
  // the same move again (a retried activity): nothing new, and its place is answered
  expect(await recordStageTransition(pool, move(chainId, 2, `${chainId}/stage/2`, 'CURED'))).toEqual({ recorded: false, seq: 2 });
  // the same move under another key (what once recorded REMINDING→CURED twice): nothing new
  expect(await recordStageTransition(pool, move(chainId, 2, `${chainId}/stage-cure/EVT-1`, 'CURED'))).toEqual({ recorded: false, seq: 2 });
  const { rows } = await pool.query('SELECT idempotency_key FROM stage_transitions WHERE chain_id = $1', [chainId]);
  expect(rows).toEqual([{ idempotency_key: `${chainId}/stage/2` }]);
  // the next place is free
  expect(await recordStageTransition(pool, move(chainId, 3, `${chainId}/stage/3`, 'REMINDING'))).toEqual({ recorded: true, seq: 3 });
});

// What the chaos harness found (issue 19): a workflow task recorded SCREENED and a cure by
// "nothing overdue", then failed (a payment signal arrived as it completed); its retry, with
// the payment first, recorded SCREENED→CURED again at the next place.
test('a move to the stage the chain already stands in is not recorded again', async () => {
  const chainId = uniqueId('chain');
  await recordStageTransition(pool, moveFrom(chainId, 0, null, 'SCREENED'));
  await recordStageTransition(pool, { ...moveFrom(chainId, 1, 'SCREENED', 'CURED'), reason: 'nothing overdue' });
  // the retry's cure by the payment, counted one place later
  expect(await recordStageTransition(pool, moveFrom(chainId, 2, 'SCREENED', 'CURED'))).toEqual({ recorded: false, seq: 1 });
  expect(await chainOf(chainId)).toEqual(['0:∅→SCREENED', '1:SCREENED→CURED']);
});

test('a place taken by another move (a failed task took another path) sends this move to the end of the chain, linked', async () => {
  const chainId = uniqueId('chain');
  await recordStageTransition(pool, moveFrom(chainId, 0, null, 'SCREENED'));
  // the failed task's move at place 1
  await recordStageTransition(pool, moveFrom(chainId, 1, 'SCREENED', 'REMINDING'));
  // its retry: a hold came first, at the same place and with the same key
  const hold = moveFrom(chainId, 1, 'SCREENED', 'ON_HOLD');
  expect(await recordStageTransition(pool, hold)).toEqual({ recorded: true, seq: 2 });
  // retried: found under its own key, not recorded twice
  expect(await recordStageTransition(pool, hold)).toEqual({ recorded: false, seq: 2 });
  // the release, counted by the run at place 2 (taken by the hold it follows): it goes after it
  expect(await recordStageTransition(pool, moveFrom(chainId, 2, 'ON_HOLD', 'SCREENED'))).toEqual({ recorded: true, seq: 3 });
  expect(await chainOf(chainId)).toEqual(['0:∅→SCREENED', '1:SCREENED→REMINDING', '2:REMINDING→ON_HOLD', '3:ON_HOLD→SCREENED']);
});

test('a free place after another move takes the stage the chain ended in as its start', async () => {
  const chainId = uniqueId('chain');
  await recordStageTransition(pool, moveFrom(chainId, 0, null, 'SCREENED'));
  await recordStageTransition(pool, moveFrom(chainId, 1, 'SCREENED', 'CURED'));
  // a run that believes it is still SCREENED moves at place 2
  expect(await recordStageTransition(pool, moveFrom(chainId, 2, 'SCREENED', 'REMINDING'))).toEqual({ recorded: true, seq: 2 });
  expect(await chainOf(chainId)).toEqual(['0:∅→SCREENED', '1:SCREENED→CURED', '2:CURED→REMINDING']);
});

test('moves of one chain written at once keep one move per place', async () => {
  const chainId = uniqueId('chain');
  await recordStageTransition(pool, moveFrom(chainId, 0, null, 'SCREENED'));
  const results = await Promise.all(['REMINDING', 'ON_HOLD', 'CURED', 'LEGAL'].map((to) => recordStageTransition(pool, moveFrom(chainId, 1, 'SCREENED', to, `${chainId}/k/${to}`))));
  expect(results.map((r) => r.seq).sort()).toEqual([1, 2, 3, 4]);
  const chain = await chainOf(chainId);
  expect(chain).toHaveLength(5);
  // every move starts where the one before ended
  const stages = chain.map((m) => m.split(':')[1]!.split('→'));
  for (let i = 1; i < stages.length; i++) expect(stages[i]![0]).toBe(stages[i - 1]![1]);
});

test('a move without a place (a run on older code) is recorded once per key, as before', async () => {
  const key = uniqueId('old');
  const { chain: _chain, ...old } = move('unused', 0, key, 'CURED');
  expect(await recordStageTransition(pool, old)).toEqual({ recorded: true, seq: null });
  expect(await recordStageTransition(pool, old)).toEqual({ recorded: false, seq: null });
});

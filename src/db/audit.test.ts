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

test('a second move at a place the chain already has is refused, and the move there is answered', async () => {
  const chainId = uniqueId('chain');
  expect(await recordStageTransition(pool, move(chainId, 2, `${chainId}/stage/2`, 'CURED'))).toEqual({ recorded: true, atPlace: null });
  // the same move again (a retried activity): nothing new, and it is the move at that place
  expect(await recordStageTransition(pool, move(chainId, 2, `${chainId}/stage/2`, 'CURED'))).toEqual({ recorded: false, atPlace: { idempotencyKey: `${chainId}/stage/2`, toStage: 'CURED' } });
  // the same move under another key (what once recorded REMINDING→CURED twice): refused
  expect(await recordStageTransition(pool, move(chainId, 2, `${chainId}/stage-cure/EVT-1`, 'CURED'))).toEqual({ recorded: false, atPlace: { idempotencyKey: `${chainId}/stage/2`, toStage: 'CURED' } });
  const { rows } = await pool.query('SELECT idempotency_key FROM stage_transitions WHERE chain_id = $1', [chainId]);
  expect(rows).toEqual([{ idempotency_key: `${chainId}/stage/2` }]);
  // the next place is free
  expect(await recordStageTransition(pool, move(chainId, 3, `${chainId}/stage/3`, 'REMINDING'))).toEqual({ recorded: true, atPlace: null });
});

test('a move without a place (a run on older code) is recorded once per key, as before', async () => {
  const key = uniqueId('old');
  const { chain: _chain, ...old } = move('unused', 0, key, 'CURED');
  expect(await recordStageTransition(pool, old)).toEqual({ recorded: true, atPlace: null });
  expect(await recordStageTransition(pool, old)).toEqual({ recorded: false, atPlace: null });
});

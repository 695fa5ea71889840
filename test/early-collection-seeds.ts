/**
 * What the early-collection step tests put into the loan book besides seedAccount's
 * account: payments, contact points, segment signs (broken promises, a refusal), agents.
 * Straight SQL, as the import or the other steps would leave the rows.
 */
import type { Pool } from '../src/db/pool';
import { accountWorkflowId } from '../src/domain/ids';
import { seedCallTask } from './call-tasks';
import { uniqueId } from './support';

/** A payment (not reversed) the repayment triggers apply oldest-due first. */
export async function pay(pool: Pool, accountId: string, amount: number, valueDate: string): Promise<void> {
  await pool.query(`INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source) VALUES ($1, $2, $3, 'CNY', $4, 'BANK_TRANSFER', 'API')`, [
    uniqueId('pay'),
    accountId,
    amount,
    valueDate,
  ]);
}

export const borrowerOf = (accountId: string) => `B-${accountId}`;

export async function addContactPoint(
  pool: Pool,
  accountId: string,
  point: { kind: 'PHONE' | 'EMAIL'; label: 'MOBILE' | 'HOME' | 'WORK'; value: string; preferred?: boolean },
): Promise<void> {
  await pool.query('INSERT INTO borrower_contact_points (borrower_id, kind, label, value, preferred) VALUES ($1, $2, $3, $4, $5)', [
    borrowerOf(accountId),
    point.kind,
    point.label,
    point.value,
    point.preferred ?? false,
  ]);
}

export async function setRiskTier(pool: Pool, accountId: string, tier: string): Promise<void> {
  await pool.query('UPDATE accounts SET risk_tier = $2 WHERE id = $1', [accountId, tier]);
}

/** Promises the borrower broke on this account. */
export async function brokenPromises(pool: Pool, accountId: string, count: number): Promise<void> {
  for (let n = 0; n < count; n++) {
    await pool.query(
      `INSERT INTO payment_promises (idempotency_key, account_id, workflow_id, amount, currency, promised_for, channel, recorded_at, check_at, status, amount_paid, settled_at)
       VALUES ($1, $2, $3, 1000, 'CNY', '2026-05-01', 'CALL', '2026-04-25T02:00:00Z', '2026-05-04T16:00:00Z', 'BROKEN', 0, '2026-05-04T16:00:00Z')`,
      [uniqueId('promise'), accountId, accountWorkflowId(accountId)],
    );
  }
}

/** An agent's call outcome: the borrower said they will not pay. */
export async function refusalOnCall(pool: Pool, accountId: string): Promise<void> {
  const { taskId } = await seedCallTask(pool, accountId, { status: 'EXPIRED' });
  await pool.query(
    `INSERT INTO call_outcomes (agent_task_id, account_id, workflow_id, agent_id, right_party_reached, reason, recorded_at)
     VALUES ($1, $2, $3, 'agent-x', true, 'REFUSAL', now())`,
    [taskId, accountId, accountWorkflowId(accountId)],
  );
}

/** A staff member (an active AGENT unless told); returns the id, unique to the test unless given. */
export async function addAgent(pool: Pool, { id = uniqueId('agent'), role = 'AGENT', active = true }: { id?: string; role?: string; active?: boolean } = {}): Promise<string> {
  await pool.query('INSERT INTO staff (id, display_name, role, active) VALUES ($1, $2, $3, $4)', [id, `Test ${role.toLowerCase()}`, role, active]);
  return id;
}

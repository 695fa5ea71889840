/**
 * Test fixtures: accounts with an exact schedule (principal, interest and fees per
 * installment) and exact payments, written through plain INSERTs so the triggers that
 * keep the repayment state run as they do for every writer.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/pool';

export interface FixtureInstallment {
  due: string;
  principal: number;
  interest?: number;
  fees?: number;
  /** a card statement: when it was cut, its balance, the status the core reported on it */
  statementDate?: string;
  statementBalance?: number;
  reportedCyclesPastDue?: number;
}

export interface FixturePayment {
  amount: number;
  valueDate: string;
  reversed?: boolean;
}

export interface FixtureAccount {
  borrowerId?: string;
  product?: 'LOAN' | 'CREDIT_CARD';
  status?: 'OPEN' | 'CLOSED' | 'WRITTEN_OFF';
  creditLimit?: number;
  openedOn?: string;
  installments?: FixtureInstallment[];
  payments?: FixturePayment[];
}

export const fixtureId = (prefix: string) => `${prefix}-${randomUUID().replaceAll('-', '').slice(0, 12)}`;

/** Writes the borrower (unless given), the account, its schedule and its payments; returns the account id. */
export async function addFixtureAccount(db: Queryable, account: FixtureAccount): Promise<string> {
  const accountId = fixtureId('SCR');
  const borrowerId = account.borrowerId ?? `B-${accountId}`;
  if (!account.borrowerId) await db.query('INSERT INTO borrowers (id) VALUES ($1)', [borrowerId]);
  const installments = account.installments ?? [];
  const principal = installments.reduce((sum, i) => sum + i.principal, 0);
  await db.query(
    `INSERT INTO accounts (id, borrower_id, product, currency, principal, status, opened_on, credit_limit) VALUES ($1, $2, $3, 'CNY', $4, $5, $6, $7)`,
    [accountId, borrowerId, account.product ?? 'LOAN', principal, account.status ?? 'OPEN', account.openedOn ?? '2024-01-01', account.creditLimit ?? null],
  );
  if (installments.length > 0) {
    await db.query(
      `INSERT INTO installments (account_id, seq, due_date, principal_due, interest_due, fees_due, statement_date, statement_balance, reported_cycles_past_due)
       SELECT $1, s, d, p, i, f, sd, sb, r
       FROM unnest($2::int[], $3::date[], $4::bigint[], $5::bigint[], $6::bigint[], $7::date[], $8::bigint[], $9::smallint[]) AS t(s, d, p, i, f, sd, sb, r)`,
      [
        accountId,
        installments.map((_, n) => n + 1),
        installments.map((i) => i.due),
        installments.map((i) => i.principal),
        installments.map((i) => i.interest ?? 0),
        installments.map((i) => i.fees ?? 0),
        installments.map((i) => i.statementDate ?? null),
        installments.map((i) => i.statementBalance ?? null),
        installments.map((i) => i.reportedCyclesPastDue ?? null),
      ],
    );
  }
  for (const [n, payment] of (account.payments ?? []).entries()) {
    await db.query(
      `INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source, reversed_at)
       VALUES ($1, $2, $3, 'CNY', $4, 'BANK_TRANSFER', 'IMPORT', $5)`,
      [`${accountId}-pay-${n + 1}`, accountId, payment.amount, payment.valueDate, payment.reversed ? new Date() : null],
    );
  }
  return accountId;
}

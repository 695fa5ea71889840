import pg from 'pg';
import { listOverdueAccounts } from '../db/account-figures';
import { createPool, type Pool } from '../db/pool';
import { BUCKETS } from '../domain/buckets';
import { isoDateOf } from '../domain/dates';
import { majorToMinorUnits } from '../loan-book/major-units';
import { JSON_SECTIONS, RECORD_SCHEMAS, RECORD_TYPES } from '../loan-book/records';
import { runScreening } from '../screening/scan';
import { ownTestDatabase } from '../../test/own-database';
import { familyContactStanding } from '../contact-policy/family';
import { familyContactsOf } from '../db/family-contacts';
import { demoAnchor, type DemoLoanBook, generateDemoPortfolio, loadDemoPortfolio } from './portfolio';

const anchor = '2026-11-23';

const fen = (yuan: string | undefined) => {
  const result = majorToMinorUnits(yuan ?? '0', 'CNY');
  if (!result.ok) throw new Error(result.message);
  return result.minor;
};

describe('generateDemoPortfolio', () => {
  it('is deterministic: the same options give the same book, another seed another one', () => {
    expect(generateDemoPortfolio({ accounts: 40, anchor, seed: 7 })).toEqual(generateDemoPortfolio({ accounts: 40, anchor, seed: 7 }));
    expect(generateDemoPortfolio({ accounts: 40, anchor, seed: 8 })).not.toEqual(generateDemoPortfolio({ accounts: 40, anchor, seed: 7 }));
  });

  it('lives mostly in Shanghai, one borrower in ten abroad, so some are within contact hours at any hour', () => {
    const book = generateDemoPortfolio({ accounts: 40, anchor });
    const zones = book.borrowers.map((b) => b.time_zone);
    expect(zones.filter((z) => z === 'Asia/Shanghai')).toHaveLength(36);
    expect(book.borrowers.filter((b) => b.time_zone !== 'Asia/Shanghai').map((b) => [b.borrower_id, b.time_zone])).toEqual([
      ['DEMO-B00010', 'America/Los_Angeles'],
      ['DEMO-B00020', 'Europe/London'],
      ['DEMO-B00030', 'America/Los_Angeles'],
      ['DEMO-B00040', 'Europe/London'],
    ]);
  });

  it("is a loan book: every record passes its type's schema of the import", () => {
    const book = generateDemoPortfolio({ accounts: 300, anchor });
    for (const type of RECORD_TYPES) {
      const section = JSON_SECTIONS[type] as keyof DemoLoanBook;
      const failures = book[section].filter((record) => !RECORD_SCHEMAS[type].safeParse(record).success);
      expect({ section, failures }).toEqual({ section, failures: [] });
    }
  });

  it('lays out schedules whose principal adds up to the account principal', () => {
    const { accounts, installments } = generateDemoPortfolio({ accounts: 300, anchor });
    for (const account of accounts) {
      const scheduled = installments.filter((i) => i.account_id === account.account_id).reduce((sum, i) => sum + fen(i.principal_due), 0);
      expect({ account: account.account_id, scheduled }).toEqual({ account: account.account_id, scheduled: fen(account.principal) });
    }
  });

  it('gives every borrower a preferred mobile and a preferred e-mail, and some a work phone', () => {
    const { borrowers, contacts } = generateDemoPortfolio({ accounts: 300, anchor });
    const of = (kind: string, label: string) => new Set(contacts.filter((c) => c.kind === kind && c.label === label).map((c) => c.borrower_id));
    expect(of('PHONE', 'MOBILE').size).toBe(300);
    expect(of('EMAIL', 'HOME').size).toBe(300);
    expect(contacts.filter((c) => c.label !== 'WORK').every((c) => c.preferred === 'true')).toBe(true);
    const working = borrowers.filter((b) => b.workplace !== undefined).map((b) => b.borrower_id);
    expect(working.length).toBeGreaterThan(0);
    expect([...of('PHONE', 'WORK')]).toEqual(working);
  });
});

// The demo ids are fixed (DEMO-A00001…), and the scan reads every account: a database of its own.
describe('loadDemoPortfolio', () => {
  const book = generateDemoPortfolio({ accounts: 300, anchor });
  let pool: Pool;
  let firstLoad: number;

  /** Every loan-book table's rows, as text: a reload that wrote anything (even a timestamp) shows. */
  const TABLES = [
    'borrowers',
    'borrower_personal_data',
    'borrower_contact_points',
    'accounts',
    'installments',
    'payments',
    'signal_outbox',
    'staff',
    'family_contacts',
    'family_contact_personal_data',
    'contact_consents',
  ] as const;
  async function loanBookRows(): Promise<Record<(typeof TABLES)[number], string[]>> {
    const rows = Object.fromEntries(TABLES.map((table) => [table, [] as string[]])) as Record<(typeof TABLES)[number], string[]>;
    for (const table of TABLES) {
      const result = await pool.query<{ row: string }>(`SELECT t::text AS row FROM ${pg.escapeIdentifier(table)} t ORDER BY 1`);
      rows[table] = result.rows.map((r) => r.row);
    }
    return rows;
  }

  beforeAll(async () => {
    pool = createPool(await ownTestDatabase('demo'), 2);
    expect(await demoAnchor(pool, anchor)).toBe(anchor);
    firstLoad = await loadDemoPortfolio(pool, { accounts: 300, anchor });
  });

  afterAll(async () => {
    await pool?.end();
  });

  it('inserts every account on the first load, and each of its records', async () => {
    expect(firstLoad).toBe(300);
    const counted = await pool.query(
      `SELECT (SELECT count(*) FROM borrowers)::int AS borrowers, (SELECT count(*) FROM borrower_contact_points)::int AS contacts,
              (SELECT count(*) FROM installments)::int AS installments, (SELECT count(*) FROM payments WHERE source = 'IMPORT')::int AS payments`,
    );
    expect(counted.rows[0]).toEqual({ borrowers: 300, contacts: book.contacts.length, installments: book.installments.length, payments: book.payments.length });
  });

  it("keeps the preferred mobile and e-mail in the borrower's personal data", async () => {
    const { rows } = await pool.query(`SELECT mobile_phone, email FROM borrower_personal_data WHERE borrower_id = 'DEMO-B00007'`);
    const contact = (kind: string) => book.contacts.find((c) => c.borrower_id === 'DEMO-B00007' && c.kind === kind && c.preferred === 'true')?.value;
    expect(rows).toEqual([{ mobile_phone: contact('PHONE'), email: contact('EMAIL') }]);
  });

  it('seeds the collections team: three call agents, two field collectors and a security colleague with their working hours, a supervisor', async () => {
    const { rows } = await pool.query(`SELECT id, role, active, time_zone, to_char(work_from, 'HH24:MI') AS work_from, to_char(work_until, 'HH24:MI') AS work_until FROM staff ORDER BY id`);
    const at = (time_zone: string, work_from: string, work_until: string) => ({ active: true, time_zone, work_from, work_until });
    expect(rows).toEqual([
      { id: 'agent-01', role: 'AGENT', ...at('Asia/Shanghai', '09:00', '20:00') },
      { id: 'agent-02', role: 'AGENT', ...at('Asia/Shanghai', '09:00', '20:00') },
      { id: 'agent-03', role: 'AGENT', ...at('Asia/Shanghai', '09:00', '20:00') },
      { id: 'collector-01', role: 'COLLECTOR', ...at('Asia/Shanghai', '08:30', '18:30') },
      { id: 'collector-02', role: 'COLLECTOR', ...at('Asia/Shanghai', '10:00', '20:00') },
      { id: 'security-01', role: 'SECURITY', ...at('Asia/Shanghai', '08:30', '20:00') },
      { id: 'supervisor-01', role: 'SUPERVISOR', ...at('Asia/Shanghai', '09:00', '20:00') },
    ]);
  });

  it('names a family contact for four borrowers in ten, in each consent state of SPEC §3 (30 each of 300)', async () => {
    const { contacts, consents } = await familyContactsOf(pool, 'DEMO-B00001');
    expect(contacts).toEqual([{ id: expect.any(Number), relation: 'SPOUSE', source: 'LOAN_APPLICATION', sourceNote: null, verifiedAt: new Date('2025-11-28T02:00:00Z') }]);
    expect(consents).toEqual([{ id: expect.any(Number), familyContactId: contacts[0]?.id, givenAt: new Date('2025-11-23T02:00:00Z'), withdrawnAt: null }]);

    const standings = new Map<string, number>();
    for (let n = 1; n <= 300; n++) {
      const family = await familyContactsOf(pool, `DEMO-B${String(n).padStart(5, '0')}`);
      for (const contact of family.contacts) {
        const standing = familyContactStanding(contact, family.consents, new Date(`${anchor}T12:00:00Z`));
        const key = `${n % 10} ${standing.usable ? 'usable' : standing.reason}`;
        standings.set(key, (standings.get(key) ?? 0) + 1);
      }
    }
    expect(Object.fromEntries(standings)).toEqual({ '1 usable': 30, '3 NOT_VERIFIED': 30, '5 CONSENT_WITHDRAWN': 30, '7 NO_CONSENT': 30 });
  });

  it('announces none of its payments to workflows: they are history, and no run exists yet', async () => {
    expect((await pool.query('SELECT count(*)::int AS n FROM signal_outbox')).rows).toEqual([{ n: 0 }]);
  });

  it('has between 30 % and 70 % of its accounts overdue', async () => {
    const share = (await listOverdueAccounts(pool, anchor)).length / 300;
    expect(share).toBeGreaterThanOrEqual(0.3);
    expect(share).toBeLessThanOrEqual(0.7);
  });

  // Due days are spread over the month, so the most recent missed installment can be
  // anything from 1 day to a month late.
  it('populates every delinquency bucket of the screening', async () => {
    const run = await runScreening(pool, { asOf: anchor });
    expect(run.accountsScanned).toBe(300);
    expect(BUCKETS.filter((b) => b !== 'CURRENT' && !(run.countsByBucket[b] ?? 0))).toEqual([]);
    expect(run.overdueAccounts).toBe((await listOverdueAccounts(pool, anchor)).length);
  });

  // Paid installments are paid to the fen: no account is "overdue" by a rounding remainder.
  it('every overdue account owes at least a real part of an installment', async () => {
    const smallest = Math.min(...(await listOverdueAccounts(pool, anchor)).map((a) => a.amountOverdue));
    expect(smallest).toBeGreaterThan(10_000); // more than 100.00
  });

  it('loading the same portfolio again, even in other slices, inserts no account and writes nothing', async () => {
    const before = await loanBookRows();
    expect(await loadDemoPortfolio(pool, { accounts: 300, anchor })).toBe(0);
    expect(await loadDemoPortfolio(pool, { accounts: 300, anchor }, { accountsPerImport: 128 })).toBe(0);
    expect(await loanBookRows()).toEqual(before);
  });

  it('a larger portfolio later adds its new accounts, in slices, and leaves the first ones as they are', async () => {
    const before = await loanBookRows();
    expect(await loadDemoPortfolio(pool, { accounts: 310, anchor }, { accountsPerImport: 4 })).toBe(10);
    const after = await loanBookRows();
    expect(after.accounts).toHaveLength(310);
    // borrowers 301, 303, 305 and 307 name a family contact
    expect(after.family_contacts.length - before.family_contacts.length).toBe(4);
    expect(after.accounts.filter((row) => before.accounts.includes(row))).toEqual(before.accounts);
  });

  it('is anchored, on a later start, on the day it was first loaded: today, in this run', async () => {
    expect(await demoAnchor(pool, '2031-01-01')).toBe(isoDateOf(Date.now()));
  });
});

/**
 * The demo portfolio `npm start` loads: a few hundred generated borrowers with loan
 * and credit-card accounts, monthly schedules and payment histories, a good share of
 * them overdue across every bucket. Deterministic from a seed and the anchor date;
 * loading it again changes nothing (inserts skip rows that exist).
 */
import type { Pool } from '../db/pool';
import { inTransaction } from '../db/pool';
import { isoDateOf, type IsoDate } from '../domain/dates';

export interface DemoPortfolioOptions {
  accounts: number;
  /** The day the portfolio is generated for: schedules are laid out around it. */
  anchor: IsoDate;
  seed?: number;
}

interface DemoRows {
  borrowers: { id: string; timeZone: string; fullName: string; mobilePhone: string; email: string; homeAddress: string; idNumber: string }[];
  accounts: { id: string; borrowerId: string; product: 'LOAN' | 'CREDIT_CARD'; principal: number; openedOn: IsoDate }[];
  installments: { accountId: string; seq: number; dueDate: IsoDate; principalDue: number; interestDue: number; feesDue: number }[];
  payments: { eventId: string; accountId: string; amount: number; valueDate: IsoDate }[];
}

/** mulberry32: a small, fast, seedable PRNG; deterministic across runs and machines. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SURNAMES = ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu', 'Sun', 'Ma', 'Zhu', 'Hu', 'Guo'];
const GIVEN = ['Wei', 'Fang', 'Na', 'Min', 'Jing', 'Lei', 'Qiang', 'Yan', 'Jun', 'Tao', 'Ming', 'Hui', 'Xin', 'Yu', 'Hao', 'Ling'];
const CITIES = ['Shanghai', 'Beijing', 'Shenzhen', 'Guangzhou', 'Chengdu', 'Hangzhou', 'Wuhan', "Xi'an"];

/** Calendar months later (or earlier); the 31st of a shorter month becomes its last day. */
function addMonths(date: IsoDate, months: number): IsoDate {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(year, month - 1 + months + 1, 0)).getUTCDate();
  return isoDateOf(Date.UTC(year, month - 1 + months, Math.min(day, lastDay)));
}

function addDays(date: IsoDate, days: number): IsoDate {
  return isoDateOf(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);
}

/**
 * Behaviour mix: most borrowers pay on time; the rest stopped paying 1 to 10 months
 * ago (so every bucket is populated), some after a partial payment.
 */
export function generateDemoPortfolio({ accounts, anchor, seed = 20261123 }: DemoPortfolioOptions): DemoRows {
  const random = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
  const rows: DemoRows = { borrowers: [], accounts: [], installments: [], payments: [] };

  for (let n = 1; n <= accounts; n++) {
    const id = String(n).padStart(5, '0');
    const borrowerId = `DEMO-B${id}`;
    const accountId = `DEMO-A${id}`;
    const city = pick(CITIES);
    const fullName = `${pick(SURNAMES)} ${pick(GIVEN)}`;
    rows.borrowers.push({
      id: borrowerId,
      timeZone: 'Asia/Shanghai',
      fullName,
      mobilePhone: `+86139${String(Math.floor(random() * 1e8)).padStart(8, '0')}`,
      email: `${fullName.toLowerCase().replace(' ', '.')}${n}@example.com`,
      homeAddress: `${1 + Math.floor(random() * 300)} Demo Road, ${city}`,
      idNumber: `DEMO${String(Math.floor(random() * 1e10)).padStart(10, '0')}`,
    });

    const product = random() < 0.6 ? 'LOAN' : 'CREDIT_CARD';
    const term = product === 'LOAN' ? 24 : 12;
    // principal 5,000 – 200,000 (major units), in minor units
    const principal = Math.round((5_000 + random() * 195_000) / 10) * 1_000;
    const monthsSinceOpening = 3 + Math.floor(random() * 18);
    // accounts fall due on different days of the month, so lateness spreads over every bucket
    const openedOn = addDays(addMonths(anchor, -monthsSinceOpening), -Math.floor(random() * 28));
    rows.accounts.push({ id: accountId, borrowerId, product, principal, openedOn });

    const monthlyPrincipal = Math.floor(principal / term);
    const monthlyInterest = Math.round(principal * 0.01); // 1 % a month, flat
    const schedule: { dueDate: IsoDate; amountDue: number }[] = [];
    for (let seq = 1; seq <= term; seq++) {
      const dueDate = addMonths(openedOn, seq);
      // the last installment carries the rounding remainder of the principal
      const principalDue = seq === term ? principal - monthlyPrincipal * (term - 1) : monthlyPrincipal;
      schedule.push({ dueDate, amountDue: principalDue + monthlyInterest });
      rows.installments.push({ accountId, seq, dueDate, principalDue, interestDue: monthlyInterest, feesDue: 0 });
    }

    // How many of the installments already due did this borrower pay?
    const due = schedule.filter((i) => i.dueDate < anchor).length;
    const behaviour = random();
    const missed = behaviour < 0.55 ? 0 : Math.min(due, 1 + Math.floor(random() * 10));
    // each paid installment is paid in full, to the fen
    for (const [n, { dueDate, amountDue }] of schedule.slice(0, due - missed).entries()) {
      const late = random() < 0.2 ? Math.floor(random() * 20) : 0;
      rows.payments.push({ eventId: `DEMO-PAY-${accountId}-${n + 1}`, accountId, amount: amountDue, valueDate: addDays(dueDate, late) });
    }
    const oldestMissed = schedule[due - missed];
    if (missed > 0 && oldestMissed && random() < 0.3) {
      rows.payments.push({ eventId: `DEMO-PAY-${accountId}-partial`, accountId, amount: Math.round(oldestMissed.amountDue * 0.4), valueDate: addDays(oldestMissed.dueDate, 5) });
    }
  }
  return rows;
}

/** Loads the portfolio in one transaction; rows that exist are left as they are. Returns the accounts inserted. */
export async function loadDemoPortfolio(pool: Pool, options: DemoPortfolioOptions): Promise<number> {
  const rows = generateDemoPortfolio(options);
  const column = <T, K extends keyof T>(xs: T[], key: K) => xs.map((x) => x[key]);
  return inTransaction(pool, async (db) => {
    const b = rows.borrowers;
    await db.query(
      `INSERT INTO borrowers (id, time_zone) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT (id) DO NOTHING`,
      [column(b, 'id'), column(b, 'timeZone')],
    );
    await db.query(
      `INSERT INTO borrower_personal_data (borrower_id, full_name, mobile_phone, email, home_address, id_number)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) ON CONFLICT (borrower_id) DO NOTHING`,
      [column(b, 'id'), column(b, 'fullName'), column(b, 'mobilePhone'), column(b, 'email'), column(b, 'homeAddress'), column(b, 'idNumber')],
    );
    const a = rows.accounts;
    const inserted = await db.query(
      `INSERT INTO accounts (id, borrower_id, product, currency, principal, opened_on)
       SELECT id, borrower_id, product, 'CNY', principal, opened_on
         FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::date[]) AS t(id, borrower_id, product, principal, opened_on)
       ON CONFLICT (id) DO NOTHING`,
      [column(a, 'id'), column(a, 'borrowerId'), column(a, 'product'), column(a, 'principal'), column(a, 'openedOn')],
    );
    const i = rows.installments;
    await db.query(
      `INSERT INTO installments (account_id, seq, due_date, principal_due, interest_due, fees_due)
       SELECT * FROM unnest($1::text[], $2::int[], $3::date[], $4::bigint[], $5::bigint[], $6::bigint[]) ON CONFLICT DO NOTHING`,
      [column(i, 'accountId'), column(i, 'seq'), column(i, 'dueDate'), column(i, 'principalDue'), column(i, 'interestDue'), column(i, 'feesDue')],
    );
    const p = rows.payments;
    await db.query(
      `INSERT INTO payments (event_id, account_id, amount, currency, value_date, method, source)
       SELECT event_id, account_id, amount, 'CNY', value_date, 'DIRECT_DEBIT', 'DEMO'
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::date[]) AS t(event_id, account_id, amount, value_date)
       ON CONFLICT (event_id) DO NOTHING`,
      [column(p, 'eventId'), column(p, 'accountId'), column(p, 'amount'), column(p, 'valueDate')],
    );
    return inserted.rowCount ?? 0;
  });
}

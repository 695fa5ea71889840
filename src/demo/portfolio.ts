/**
 * The demo portfolio `npm start` loads: a few hundred generated borrowers with loan
 * and credit-card accounts, contact points, monthly schedules and payment histories, a
 * good share of them overdue across every bucket.
 *
 * It is a loan book like any core-banking export: generated as the records of the
 * loan-book JSON layout, and written by the import `arrears import` runs (zod parsing,
 * whole-book checks, set-based upserts in one transaction). Deterministic from a seed and
 * the anchor date, so loading it again is the import's no-op.
 */
import { z } from 'zod';
import type { Pool, Queryable } from '../db/pool';
import { isoDateOf, type IsoDate } from '../domain/dates';
import { importLoanBook } from '../loan-book/import-loan-book';
import { type accountSchema, type borrowerSchema, type contactSchema, formatIssue, type installmentSchema, type paymentSchema } from '../loan-book/records';
import { seedDemoFamilyContacts, seedDemoFieldHours } from './field-collection';
import { seedDemoStaff } from './staff';

export interface DemoPortfolioOptions {
  accounts: number;
  /** The day the portfolio is generated for: schedules are laid out around it. */
  anchor: IsoDate;
  seed?: number;
  /** The share of borrowers behind at the anchor (default 0.45); the simulation starts from fewer. */
  delinquentShare?: number;
}

/** The demo as a loan-book file in the JSON layout: every value text, as the import's record schemas take it. */
export interface DemoLoanBook {
  borrowers: z.input<typeof borrowerSchema>[];
  contacts: z.input<typeof contactSchema>[];
  accounts: z.input<typeof accountSchema>[];
  installments: z.input<typeof installmentSchema>[];
  payments: z.input<typeof paymentSchema>[];
}

const CURRENCY = 'CNY';

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
/** with the city's telephone area code, for landlines */
const CITIES = [
  { city: 'Shanghai', areaCode: '21' },
  { city: 'Beijing', areaCode: '10' },
  { city: 'Shenzhen', areaCode: '755' },
  { city: 'Guangzhou', areaCode: '20' },
  { city: 'Chengdu', areaCode: '28' },
  { city: 'Hangzhou', areaCode: '571' },
  { city: 'Wuhan', areaCode: '27' },
  { city: "Xi'an", areaCode: '29' },
] as const;
const EMPLOYERS = ['Example Trading Co.', 'Example Logistics Ltd.', 'Example Hospital', 'Example Software Co.', 'Example Restaurant'];
/** preferred hours on the mobile, in the borrower's own time zone */
const MOBILE_HOURS = [
  ['12:00', '14:00'],
  ['18:00', '21:00'],
] as const;

/** Calendar months later (or earlier); the 31st of a shorter month becomes its last day. */
function addMonths(date: IsoDate, months: number): IsoDate {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  const lastDay = new Date(Date.UTC(year, month - 1 + months + 1, 0)).getUTCDate();
  return isoDateOf(Date.UTC(year, month - 1 + months, Math.min(day, lastDay)));
}

function addDays(date: IsoDate, days: number): IsoDate {
  return isoDateOf(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000);
}

/** Fen as the file writes them: decimal yuan, exactly ("1234.50"). */
const yuan = (fen: number): string => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;

const digits = (random: () => number, length: number) => String(Math.floor(random() * 10 ** length)).padStart(length, '0');

const emptyBook = (): DemoLoanBook => ({ borrowers: [], contacts: [], accounts: [], installments: [], payments: [] });

/**
 * The accounts one at a time, each with its borrower and records. Behaviour mix: most
 * borrowers pay on time; the rest stopped paying 1 to 10 months ago (so every bucket
 * is populated), some after a partial payment.
 */
function* demoAccounts({ accounts, anchor, seed = 20261123, delinquentShare = 0.45 }: DemoPortfolioOptions): Generator<DemoLoanBook> {
  const random = prng(seed);
  // Contact points draw from a stream of their own: they can change without moving
  // the figures, which the README's examples quote.
  const contactRandom = prng(seed ^ 0x5bd1e995);
  const pick = <T>(xs: readonly T[], from = random): T => xs[Math.floor(from() * xs.length)] as T;

  for (let n = 1; n <= accounts; n++) {
    const book = emptyBook();
    // (the zone comes from n, not the random stream, so the rest of the book stays as it was)
    const id = String(n).padStart(5, '0');
    const borrowerId = `DEMO-B${id}`;
    const accountId = `DEMO-A${id}`;
    const home = pick(CITIES);
    const fullName = `${pick(SURNAMES)} ${pick(GIVEN)}`;
    const mobile = `+86139${digits(random, 8)}`;
    const email = `${fullName.toLowerCase().replace(' ', '.')}${n}@example.com`;
    const homeAddress = `${1 + Math.floor(random() * 300)} Demo Road, ${home.city}`;
    const idNumber = `DEMO${digits(random, 10)}`;

    const work = contactRandom() < 0.4 ? pick(CITIES, contactRandom) : undefined;
    const hours = contactRandom() < 0.4 ? pick(MOBILE_HOURS, contactRandom) : undefined;
    book.borrowers.push({
      borrower_id: borrowerId,
      full_name: fullName,
      id_number: idNumber,
      home_address: homeAddress,
      ...(work && { workplace: pick(EMPLOYERS, contactRandom), work_address: `${1 + Math.floor(contactRandom() * 500)} Example Avenue, ${work.city}` }),
      time_zone: demoTimeZone(n),
    });
    book.contacts.push(
      { borrower_id: borrowerId, kind: 'PHONE', label: 'MOBILE', value: mobile, preferred: 'true', ...(hours && { contact_from: hours[0], contact_until: hours[1] }) },
      { borrower_id: borrowerId, kind: 'EMAIL', label: 'HOME', value: email, preferred: 'true' },
    );
    if (work) {
      const landline = `+86${work.areaCode}${digits(contactRandom, 8)}`;
      book.contacts.push({ borrower_id: borrowerId, kind: 'PHONE', label: 'WORK', value: landline, preferred: 'false', contact_from: '09:00', contact_until: '17:00' });
    }

    const product = random() < 0.6 ? 'LOAN' : 'CREDIT_CARD';
    const term = product === 'LOAN' ? 24 : 12;
    // principal 5,000 – 200,000 yuan, in fen
    const principal = Math.round((5_000 + random() * 195_000) / 10) * 1_000;
    const monthsSinceOpening = 3 + Math.floor(random() * 18);
    // accounts fall due on different days of the month, so lateness spreads over every bucket
    const openedOn = addDays(addMonths(anchor, -monthsSinceOpening), -Math.floor(random() * 28));
    book.accounts.push({
      account_id: accountId,
      borrower_id: borrowerId,
      product,
      currency: CURRENCY,
      principal: yuan(principal),
      // a card's balance is repaid by instalments here; its limit is that balance
      ...(product === 'CREDIT_CARD' && { credit_limit: yuan(principal) }),
      opened_on: openedOn,
    });

    const monthlyPrincipal = Math.floor(principal / term);
    const monthlyInterest = Math.round(principal * 0.01); // 1 % a month, flat
    const schedule: { dueDate: IsoDate; amountDue: number }[] = [];
    for (let seq = 1; seq <= term; seq++) {
      const dueDate = addMonths(openedOn, seq);
      // the last installment carries the rounding remainder of the principal
      const principalDue = seq === term ? principal - monthlyPrincipal * (term - 1) : monthlyPrincipal;
      schedule.push({ dueDate, amountDue: principalDue + monthlyInterest });
      book.installments.push({ account_id: accountId, seq: String(seq), due_date: dueDate, principal_due: yuan(principalDue), interest_due: yuan(monthlyInterest) });
    }

    // How many of the installments already due did this borrower pay?
    const due = schedule.filter((i) => i.dueDate < anchor).length;
    const behaviour = random();
    const missed = behaviour < 1 - delinquentShare ? 0 : Math.min(due, 1 + Math.floor(random() * 10));
    const payment = (suffix: string, fen: number, valueDate: IsoDate) =>
      book.payments.push({ event_id: `DEMO-PAY-${accountId}-${suffix}`, account_id: accountId, amount: yuan(fen), currency: CURRENCY, value_date: valueDate, method: 'DIRECT_DEBIT' });
    // each paid installment is paid in full, to the fen
    for (const [k, { dueDate, amountDue }] of schedule.slice(0, due - missed).entries()) {
      const late = random() < 0.2 ? Math.floor(random() * 20) : 0;
      payment(String(k + 1), amountDue, addDays(dueDate, late));
    }
    const oldestMissed = schedule[due - missed];
    if (missed > 0 && oldestMissed && random() < 0.3) {
      payment('partial', Math.round(oldestMissed.amountDue * 0.4), addDays(oldestMissed.dueDate, 5));
    }
    yield book;
  }
}

function append(book: DemoLoanBook, more: DemoLoanBook): void {
  for (const section of Object.keys(book) as (keyof DemoLoanBook)[]) (book[section] as unknown[]).push(...more[section]);
}

/** The whole portfolio as one loan-book file. */
export function generateDemoPortfolio(options: DemoPortfolioOptions): DemoLoanBook {
  const book = emptyBook();
  for (const account of demoAccounts(options)) append(book, account);
  return book;
}

/**
 * Adds the demo's collections team (src/demo/staff.ts) with the field team's hours, then imports the portfolio as loan-book files of `accountsPerImport` accounts each (a
 * transaction and a file, about 40 MB of JSON, of a bounded size whatever --accounts
 * says); what is stored as a file says is left as it is; then the family contacts of a share
 * of the borrowers (src/demo/field-collection.ts). Returns the accounts inserted.
 * Its payments are history laid out before any run exists (the screening that follows
 * starts the runs), so they are not announced to workflows.
 */
export async function loadDemoPortfolio(pool: Pool, options: DemoPortfolioOptions, { accountsPerImport = 10_000 } = {}): Promise<number> {
  // First the team, so the call tasks of the runs the screening starts have agents to go to,
  // and their visits collectors at work.
  await seedDemoStaff(pool);
  await seedDemoFieldHours(pool);
  let inserted = 0;
  let slice = emptyBook();
  const importSlice = async () => {
    const outcome = await importLoanBook(pool, { format: 'loan-book-json', content: JSON.stringify(slice), announcePayments: false });
    if (!outcome.ok) {
      const first = outcome.issues[0];
      throw new Error(
        `the demo portfolio was rejected by the import (${outcome.issues.length} issues${first ? `, the first: ${formatIssue(first)}` : ''}); ` +
          'a demo of another day may be loaded: rm -rf .data starts from scratch',
      );
    }
    inserted += outcome.counts.accounts.inserted;
    slice = emptyBook();
  };
  for (const account of demoAccounts(options)) {
    append(slice, account);
    if (slice.accounts.length === accountsPerImport) await importSlice();
  }
  if (slice.accounts.length > 0) await importSlice();
  await seedDemoFamilyContacts(pool, options);
  return inserted;
}

const firstLoadRow = z.object({ created_at: z.date().nullable() });

/**
 * The anchor of the demo already loaded: the day its first account was stored (the
 * launcher anchors the demo on the day it loads it), so a later start regenerates the
 * same book, and its import changes nothing. `today` when no demo is loaded yet.
 */
export async function demoAnchor(db: Queryable, today: IsoDate): Promise<IsoDate> {
  const { rows } = await db.query(`SELECT (SELECT created_at FROM accounts WHERE id = 'DEMO-A00001') AS created_at`);
  const { created_at: firstLoad } = firstLoadRow.parse(rows[0]);
  return firstLoad ? isoDateOf(firstLoad) : today;
}

/**
 * Most demo borrowers live in Shanghai; every tenth lives abroad (London, Los Angeles), so
 * at any hour some borrowers are inside the contact policy's hours and the demo shows
 * contacts and call tasks, not only refusals waiting for 08:00 in Shanghai.
 */
export function demoTimeZone(n: number): string {
  if (n % 20 === 0) return 'Europe/London';
  if (n % 20 === 10) return 'America/Los_Angeles';
  return 'Asia/Shanghai';
}

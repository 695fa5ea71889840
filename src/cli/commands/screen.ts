/**
 * `arrears screen [--as-of DATE] [--top N] [--agreement uci-credit-card]`: screens the loan book
 * now (the scan the daily schedule runs), writes the run and its collection list, and
 * prints the counts per bucket and risk tier and the top of the list (and, for the UCI
 * book, the agreement table). Account ids and figures only: no personal data.
 */
import type { Command } from 'commander';
import { z } from 'zod';
import { config } from '../../config';
import { calendarDateIn } from '../../domain/time-zones';
import { formatMoney } from '../../domain/money';
import { formatAgreement, uciAgreement } from '../../loan-book/uci-agreement';
import { loadScreeningConfig } from '../../screening/config';
import { readCollectionList, runScreening, type CollectionListEntry, type ScreeningRunSummary } from '../../screening/scan';
import { withCliContext } from '../context';

const date = (flag: string) => z.iso.date(`${flag} takes a date, YYYY-MM-DD`);
const optionsSchema = z.strictObject({
  asOf: date('--as-of').optional(),
  top: z.coerce.number('--top takes a whole number').int('--top takes a whole number').min(0, '--top takes a whole number').max(10_000, '--top is at most 10000').default(20),
  paymentsThrough: date('--payments-through').optional(),
  allPayments: z.boolean().default(false),
  key: z.string().min(1, '--key takes a non-empty key').max(200, '--key is at most 200 characters').optional(),
  config: z.string().optional(),
  agreement: z.enum(['uci-credit-card'], '--agreement takes uci-credit-card').optional(),
});
type ScreenOptions = z.infer<typeof optionsSchema>;

/**
 * Which payments count. A past date is screened as it stood then: payments value-dated
 * after it did not exist yet. Today (or later) counts every known payment, as live
 * collection does (a payment value-dated tomorrow in the borrower's zone cures today).
 */
export function paymentsThroughFor(opts: Pick<ScreenOptions, 'paymentsThrough' | 'allPayments'>, asOf: string, today: string): string | null {
  if (opts.paymentsThrough && opts.allPayments) throw new Error('--payments-through and --all-payments exclude each other');
  if (opts.paymentsThrough) return opts.paymentsThrough;
  if (opts.allPayments) return null;
  return asOf < today ? asOf : null;
}

const pct = (part: number, whole: number) => (whole === 0 ? '0.0' : ((100 * part) / whole).toFixed(1));

export function printScreening(run: ScreeningRunSummary, top: CollectionListEntry[], write: (line: string) => void): void {
  const payments = run.paymentsThrough ? `payments value-dated through ${run.paymentsThrough}` : 'every known payment';
  const tiers = run.scoreModelVersion ? `score ${run.scoreModelVersion}` : 'tier rules';
  write(`Screening run ${run.screeningRunId} as of ${run.asOf} (${payments}; config ${run.configVersion}, ${tiers})${run.reused ? ', already written under this key' : ''}, ${(run.durationMs / 1000).toFixed(1)} s`);
  write(`  accounts scanned ${run.accountsScanned}, overdue ${run.overdueAccounts} (${pct(run.overdueAccounts, run.accountsScanned)} %)`);
  write('');
  write(`  ${'bucket'.padEnd(10)}${'accounts'.padStart(10)}`);
  for (const [bucket, n] of Object.entries(run.countsByBucket)) write(`  ${bucket.padEnd(10)}${String(n).padStart(10)}`);
  write('');
  write(`  ${'risk tier'.padEnd(10)}${'accounts'.padStart(10)}`);
  for (const [tier, n] of Object.entries(run.countsByTier)) write(`  ${tier.padEnd(10)}${String(n).padStart(10)}`);
  if (top.length === 0) return;
  write('');
  write(`  Collection list, top ${top.length} of ${run.overdueAccounts} (rank 1 = work first)`);
  write(`  ${'rank'.padStart(6)}  ${'account'.padEnd(24)}${'overdue'.padStart(18)}${'DPD'.padStart(6)}  ${'bucket'.padEnd(8)}${'tier'.padEnd(8)}${'score'.padStart(6)}${'priority'.padStart(10)}`);
  for (const e of top) {
    const amount = e.currency ? formatMoney(e.amountOverdue, e.currency) : String(e.amountOverdue);
    write(`  ${String(e.rank).padStart(6)}  ${e.accountId.padEnd(24)}${amount.padStart(18)}${String(e.daysPastDue).padStart(6)}  ${e.bucket.padEnd(8)}${e.riskTier.padEnd(8)}${(e.score === null ? '-' : String(e.score)).padStart(6)}${e.priority.toFixed(3).padStart(10)}`);
  }
}

export function registerScreenCommand(program: Command): void {
  program
    .command('screen')
    .description('Screen the loan book as of a date: days past due, buckets, risk tiers, and the ranked collection list (written to Postgres)')
    .option('--as-of <date>', 'the business date, YYYY-MM-DD (default: today in SCREENING_TIME_ZONE, the bank\'s business day)')
    .option('--top <n>', 'how many of the collection list to print', '20')
    .option(
      '--payments-through <date>',
      'count only payments value-dated on or before this date. Default: the as-of date when it is in the past (the book as it stood then); every known payment when screening today',
    )
    .option('--all-payments', 'count every known payment, whatever its value date (even for a past --as-of)')
    .option('--key <key>', 'idempotency key: the same key again prints the run already written instead of screening twice')
    .option('--config <file>', 'screening rules (default: config/screening.json)')
    .option('--agreement <book>', "after the list, how the buckets agree with a dataset's own labels: uci-credit-card (its September status, PAY_0; for a book imported with --format uci-credit-card)")
    .action(async (rawOptions: unknown) => {
      const parsed = optionsSchema.safeParse(rawOptions);
      if (!parsed.success) throw new Error(parsed.error.issues.map((i) => i.message).join('; '));
      const opts = parsed.data;
      const today = calendarDateIn(Date.now(), config().SCREENING_TIME_ZONE);
      const asOf = opts.asOf ?? today;
      const paymentsThrough = paymentsThroughFor(opts, asOf, today);
      const rules = loadScreeningConfig(opts.config);
      await withCliContext(async ({ pool, log }) => {
        const run = await runScreening(pool, { asOf, paymentsThrough, config: rules, log, ...(opts.key ? { idempotencyKey: opts.key } : {}) });
        const top = opts.top > 0 ? await readCollectionList(pool, run.screeningRunId, { afterRank: 0, limit: opts.top }) : [];
        const write = (line: string) => process.stdout.write(`${line}\n`);
        printScreening(run, top, write);
        if (opts.agreement === 'uci-credit-card') {
          write('');
          for (const line of formatAgreement(await uciAgreement(pool, run.screeningRunId))) write(line);
        }
      });
    });
}

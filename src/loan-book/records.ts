/**
 * The records of a loan-book file, one zod schema per record type. The CSV layout
 * (one `record_type` column) and the JSON layout (one array per type) share these
 * schemas and field names, which are also the database's column names.
 *
 * Values arrive as text (CSV cells; JSON scalars are turned into text first), so one
 * schema serves both formats. Amounts stay decimal text here: they become minor units
 * once the account's currency is known (resolve.ts).
 */
import { z } from 'zod';
import { isoDateSchema } from '../domain/dates';
import { accountIdSchema } from '../domain/ids';
import { currencySchema } from '../domain/money';
import { PAYMENT_METHODS } from '../domain/payment-event';
import { canonicalTimeZone } from '../domain/time-zones';
import { DECIMAL_AMOUNT, DECIMAL_AMOUNT_HINT } from './major-units';

export const RECORD_TYPES = ['BORROWER', 'CONTACT', 'ACCOUNT', 'INSTALLMENT', 'PAYMENT'] as const;

/**
 * A column or key the file names, as an issue may repeat it: a name shaped like a field's
 * (full_name, borowers), or else where it stands. A file without its header line has a
 * borrower's name or phone where the header should be, and an issue must not repeat it.
 */
export const nameAsField = (name: string, where: string) => (/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(name) ? name : `(${where}: not a field name)`);
export type RecordType = (typeof RECORD_TYPES)[number];

/** The JSON layout's array for each record type. */
export const JSON_SECTIONS: Readonly<Record<RecordType, string>> = {
  BORROWER: 'borrowers',
  CONTACT: 'contacts',
  ACCOUNT: 'accounts',
  INSTALLMENT: 'installments',
  PAYMENT: 'payments',
};

export const PRODUCTS = ['LOAN', 'CREDIT_CARD'] as const;
export const ACCOUNT_STATUSES = ['OPEN', 'CLOSED', 'WRITTEN_OFF'] as const;
export const JURISDICTIONS = ['CN', 'US'] as const;
export const CONTACT_KINDS = ['PHONE', 'EMAIL'] as const;
export const CONTACT_LABELS = ['MOBILE', 'HOME', 'WORK'] as const;

const text = (max: number) => z.string().max(max, `at most ${max} characters`);
const signedAmount = z.string().regex(DECIMAL_AMOUNT, DECIMAL_AMOUNT_HINT);
const amount = z.string().regex(/^\d+(?:\.\d+)?$/, `${DECIMAL_AMOUNT_HINT}, not negative`);
const flag = z.enum(['true', 'false'], 'true or false').transform((v) => v === 'true');
const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day, HH:MM');
const timeZone = z.string().transform((name, ctx) => {
  const canonical = canonicalTimeZone(name);
  if (!canonical) ctx.addIssue({ code: 'custom', message: 'an IANA time zone such as Asia/Shanghai' });
  return canonical ?? name;
});
const phone = z.string().regex(/^\+[1-9]\d{6,14}$/, 'an international phone number such as +8613800000000');
const email = z.email('an e-mail address');

export const borrowerSchema = z.strictObject({
  borrower_id: accountIdSchema,
  full_name: text(200),
  id_number: text(40).optional(),
  home_address: text(300).optional(),
  work_address: text(300).optional(),
  workplace: text(200).optional(),
  time_zone: timeZone.default('Asia/Shanghai'),
  jurisdiction: z.enum(JURISDICTIONS).default('CN'),
});

export const contactSchema = z
  .strictObject({
    borrower_id: accountIdSchema,
    kind: z.enum(CONTACT_KINDS),
    label: z.enum(CONTACT_LABELS),
    value: text(200),
    preferred: flag.default(false),
    contact_from: clockTime.optional(),
    contact_until: clockTime.optional(),
  })
  .superRefine((c, ctx) => {
    // Runs even when other fields are bad (zod goes on), so that every bad field is named.
    const check = typeof c.value === 'string' && CONTACT_KINDS.includes(c.kind) ? (c.kind === 'PHONE' ? phone : email).safeParse(c.value) : undefined;
    if (check && !check.success) ctx.addIssue({ code: 'custom', path: ['value'], message: check.error.issues[0]?.message ?? 'invalid' });
    if ((c.contact_from === undefined) !== (c.contact_until === undefined)) {
      ctx.addIssue({ code: 'custom', path: [c.contact_from === undefined ? 'contact_from' : 'contact_until'], message: 'contact_from and contact_until go together' });
    }
  });

export const accountSchema = z
  .strictObject({
    account_id: accountIdSchema,
    borrower_id: accountIdSchema,
    product: z.enum(PRODUCTS),
    currency: currencySchema,
    principal: amount.optional(),
    credit_limit: amount.optional(),
    status: z.enum(ACCOUNT_STATUSES).default('OPEN'),
    opened_on: isoDateSchema,
  })
  .superRefine((a, ctx) => {
    if (a.product === 'LOAN' && a.principal === undefined) ctx.addIssue({ code: 'custom', path: ['principal'], message: 'required for a LOAN' });
    if (a.product === 'CREDIT_CARD' && a.credit_limit === undefined) ctx.addIssue({ code: 'custom', path: ['credit_limit'], message: 'required for a CREDIT_CARD' });
  });

export const installmentSchema = z.strictObject({
  account_id: accountIdSchema,
  seq: z.string().regex(/^[1-9]\d{0,8}$/, 'a whole number from 1').transform(Number),
  due_date: isoDateSchema,
  principal_due: amount.default('0'),
  interest_due: amount.default('0'),
  fees_due: amount.default('0'),
  reported_amount_paid: amount.optional(),
  statement_date: isoDateSchema.optional(),
  /** negative: a credit balance */
  statement_balance: signedAmount.optional(),
  /** the core's own delinquency status of the statement: cycles of minimums past due (-2 … 99; 0 or less: none) */
  reported_cycles_past_due: z
    .string()
    .regex(/^(-[12]|\d{1,2})$/, 'cycles past due, a whole number from -2 to 99')
    .transform(Number)
    .optional(),
});

export const paymentSchema = z.strictObject({
  event_id: z.string().min(1).max(128, 'at most 128 characters'),
  account_id: accountIdSchema,
  amount,
  /** optional: the account's currency; when given it must be the account's */
  currency: currencySchema.optional(),
  value_date: isoDateSchema,
  method: z.enum(PAYMENT_METHODS).default('OTHER'),
  reference: text(140).optional(),
});

export const RECORD_SCHEMAS = {
  BORROWER: borrowerSchema,
  CONTACT: contactSchema,
  ACCOUNT: accountSchema,
  INSTALLMENT: installmentSchema,
  PAYMENT: paymentSchema,
} as const;

/** Every column a loan-book CSV may have, in the documented order. */
export const CSV_COLUMNS: readonly string[] = ['record_type', ...new Set(Object.values(RECORD_SCHEMAS).flatMap((s) => Object.keys(s.shape)))];

export type ParsedRecords = { [T in RecordType]: Located<z.output<(typeof RECORD_SCHEMAS)[T]>>[] };

/** Where a record came from: "line 7" of a CSV, "accounts[2]" of a JSON file. */
export type Located<T> = T & { where: string };

/** One bad value of a bad file: where, which field, why (never the value: it may be personal data). */
export interface ImportIssue {
  where: string;
  field: string;
  message: string;
}

export const formatIssue = (i: ImportIssue) => `${i.where}, ${i.field}: ${i.message}`;

/** The records with their amounts in minor units, as they are written. */
export type BorrowerRecord = z.output<typeof borrowerSchema>;
export type ContactRecord = z.output<typeof contactSchema>;
export type AccountRecord = Omit<z.output<typeof accountSchema>, 'principal' | 'credit_limit'> & { principal?: number; credit_limit?: number };
export type InstallmentRecord = Omit<z.output<typeof installmentSchema>, InstallmentAmount> & {
  principal_due: number;
  interest_due: number;
  fees_due: number;
  reported_amount_paid?: number;
  statement_balance?: number;
};
type InstallmentAmount = 'principal_due' | 'interest_due' | 'fees_due' | 'reported_amount_paid' | 'statement_balance';
export type PaymentRecord = Omit<z.output<typeof paymentSchema>, 'amount' | 'currency'> & { amount: number; currency: string };

export interface LoanBook {
  borrowers: Located<BorrowerRecord>[];
  contacts: Located<ContactRecord>[];
  accounts: Located<AccountRecord>[];
  installments: Located<InstallmentRecord>[];
  payments: Located<PaymentRecord>[];
}

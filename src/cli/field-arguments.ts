/**
 * How the field staff commands read their arguments (src/cli/commands/visits.ts,
 * family-contact.ts): flags into the messages' and records' own schemas, with every
 * problem named by its flag, or, for a visit report file, by its path in the file. Nothing
 * here touches the database or Temporal.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { newConsentSchema, newFamilyContactSchema, verificationSchema } from '../db/family-contacts';
import { confirmAppointmentSchema, visitReportSchema, type VisitReport } from '../domain/field-collection';
import { payloadProblems } from '../domain/input-problems';
import { optionsOf } from './options';

// ---------- appointments and visits ----------

const appointmentIdSchema = z.coerce.number('an appointment number').int('an appointment number').positive('an appointment number').max(Number.MAX_SAFE_INTEGER, 'an appointment number');
export const appointmentIdOf = (raw: string) => optionsOf(appointmentIdSchema, raw, '<appointmentId>');

export interface ConfirmOptions {
  slot: string;
  addressKind: string;
  address?: string;
  by?: string;
  channel: string;
}

/** The confirmation as the update takes it, from the command's options; a bad one names its flags. */
export function confirmationOf(appointmentId: number, raw: ConfirmOptions) {
  return optionsOf(
    confirmAppointmentSchema.partial({ confirmedBy: true }),
    { appointmentId, slotId: raw.slot, address: { kind: raw.addressKind, ...(raw.address === undefined ? {} : { text: raw.address }) }, confirmedBy: raw.by, channel: raw.channel },
    { slotId: '--slot', 'address.kind': '--address-kind', 'address.text': '--address', confirmedBy: '--by', channel: '--channel' },
  );
}

/**
 * The report in `file` (the report without its appointment: the argument names it), checked
 * with the update's schema. Every problem is named, by its path in the file, never with its
 * value (the report is personal data).
 */
export function visitReportFromFile(file: string, appointmentId: number): VisitReport {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new Error(`--file: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? 'unreadable'})`, { cause: err });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new Error(`--file: ${file} is not JSON: ${(err as Error).message}`, { cause: err });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`--file: ${file} holds no report: a JSON object such as examples/visit-report.json`);
  const problems = 'appointmentId' in body ? ['appointmentId: leave it out of the file: the command names the appointment'] : [];
  const report = { ...body, appointmentId };
  const parsed = visitReportSchema.safeParse(report);
  if (!parsed.success) problems.push(...payloadProblems(parsed.error, report, '(report)'));
  if (problems.length > 0) throw new Error(`${file}: the report has ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing was sent:\n  ${problems.join('\n  ')}`);
  return parsed.data as VisitReport;
}

// ---------- family contacts ----------

const recordId = (what: string) => z.coerce.number(`${what} number`).int(`${what} number`).positive(`${what} number`).max(Number.MAX_SAFE_INTEGER, `${what} number`);
const moment = z.iso.datetime({ offset: true, error: 'an ISO date-time with its offset, such as 2026-11-23T10:00:00+08:00' }).transform((s) => new Date(s));
/** --at / --given-at: the moment given, or now */
const momentOf = (raw: string | undefined, flag: string) => (raw === undefined ? new Date() : optionsOf(moment, raw, flag));

export interface AddOptions {
  borrower: string;
  relation: string;
  source: string;
  sourceNote?: string;
  name: string;
  phone: string;
}

export const newFamilyContactOf = (raw: AddOptions) =>
  optionsOf(
    newFamilyContactSchema,
    { borrowerId: raw.borrower, relation: raw.relation, source: raw.source, ...(raw.sourceNote === undefined ? {} : { sourceNote: raw.sourceNote }), fullName: raw.name, phone: raw.phone },
    { borrowerId: '--borrower', relation: '--relation', source: '--source', sourceNote: '--source-note', fullName: '--name', phone: '--phone' },
  );

export interface ConsentOptions {
  borrower: string;
  contact?: string;
  form: string;
  purpose: string;
  documentRef?: string;
  givenAt?: string;
}

export const newConsentOf = (raw: ConsentOptions) =>
  optionsOf(
    newConsentSchema,
    {
      borrowerId: raw.borrower,
      familyContactId: raw.contact === undefined ? null : optionsOf(recordId('a family contact'), raw.contact, '--contact'),
      form: raw.form,
      purpose: raw.purpose,
      ...(raw.documentRef === undefined ? {} : { documentRef: raw.documentRef }),
      givenAt: momentOf(raw.givenAt, '--given-at'),
    },
    { borrowerId: '--borrower', form: '--form', purpose: '--purpose', documentRef: '--document-ref' },
  );

export const consentWithdrawalOf = (rawId: string, raw: { at?: string }) => ({ consentId: optionsOf(recordId('a consent'), rawId, '<consentId>'), at: momentOf(raw.at, '--at') });

export interface VerifyOptions {
  method: string;
  by: string;
  at?: string;
}

export const verificationOf = (rawId: string, raw: VerifyOptions) =>
  optionsOf(
    verificationSchema,
    { familyContactId: optionsOf(recordId('a family contact'), rawId, '<familyContactId>'), method: raw.method, verifiedBy: raw.by, at: momentOf(raw.at, '--at') },
    { method: '--method', verifiedBy: '--by' },
  );

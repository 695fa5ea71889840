/**
 * How the legal commands read their arguments (src/cli/commands/legal.ts): the list
 * filters, and the update payloads (recordLegalOutcome, approveWriteOff, recallPlacement)
 * from flags into the updates' own schemas, every problem named by its flag. Nothing here
 * touches the database or Temporal.
 */
import { z } from 'zod';
import { isoDateSchema } from '../domain/dates';
import { accountIdSchema } from '../domain/ids';
import { approveWriteOffSchema, recallPlacementSchema, recordLegalOutcomeSchema, WRITE_OFF_STATUSES } from '../domain/legal';
import { optionsOf } from './options';

const positiveId = (what: string) => z.coerce.number(what).int(what).positive(what).max(Number.MAX_SAFE_INTEGER, what);
const limit = z.coerce.number().int().min(1).max(1000).default(50);

export const caseIdOf = (raw: string) => optionsOf(positiveId('a case number'), raw, '<caseId>');
export const placementIdOf = (raw: string) => optionsOf(positiveId('a placement number'), raw, '<placementId>');
export const recommendationIdOf = (raw: string) => optionsOf(positiveId('a write-off number'), raw, '<recommendationId>');
export const accountIdOf = (raw: string) => optionsOf(accountIdSchema, raw, '<accountId>');

export const caseFilterOf = (raw: unknown) =>
  optionsOf(
    z.strictObject({ account: accountIdSchema.optional(), open: z.boolean().default(false), hearingFrom: isoDateSchema.optional(), hearingTo: isoDateSchema.optional(), limit }),
    raw,
    { account: '--account', hearingFrom: '--hearing-from', hearingTo: '--hearing-to', limit: '--limit' },
  );

export const placementFilterOf = (raw: unknown) =>
  optionsOf(z.strictObject({ account: accountIdSchema.optional(), agency: z.string().min(1).optional(), inForce: z.boolean().default(false), limit }), raw, { account: '--account', agency: '--agency', limit: '--limit' });

export const writeOffFilterOf = (raw: unknown) =>
  optionsOf(z.strictObject({ account: accountIdSchema.optional(), status: z.enum(WRITE_OFF_STATUSES).optional(), limit }), raw, { account: '--account', status: '--status', limit: '--limit' });

export interface OutcomeOptions {
  outcome: string;
  on: string;
  by: string;
  amount?: string;
  currency?: string;
  courtReference?: string;
  hearing?: string;
  note?: string;
}

/** recordLegalOutcome's payload for a case; the amount is minor units, as the update takes it. */
export function legalOutcomeOf(caseId: number, o: OutcomeOptions) {
  return optionsOf(
    recordLegalOutcomeSchema,
    {
      outcome: o.outcome,
      caseId,
      occurredOn: o.on,
      reportedBy: o.by,
      ...(o.amount === undefined ? {} : { amount: Number(o.amount) }),
      ...(o.currency === undefined ? {} : { currency: o.currency }),
      ...(o.courtReference === undefined ? {} : { courtReference: o.courtReference }),
      ...(o.hearing === undefined ? {} : { hearingOn: o.hearing }),
      ...(o.note === undefined ? {} : { note: o.note }),
    },
    { outcome: '--outcome', occurredOn: '--on', reportedBy: '--by', amount: '--amount', currency: '--currency', courtReference: '--court-reference', hearingOn: '--hearing', note: '--note' },
  );
}

export function writeOffDecisionOf(recommendationId: number, o: { decision: string; by: string; reason: string }) {
  return optionsOf(approveWriteOffSchema, { recommendationId, supervisorId: o.by, decision: o.decision, reason: o.reason }, { supervisorId: '--by', decision: '--decision', reason: '--reason' });
}

export function recallOf(placementId: number, o: { by: string; reason: string }) {
  return optionsOf(recallPlacementSchema, { placementId, supervisorId: o.by, reason: o.reason }, { supervisorId: '--by', reason: '--reason' });
}

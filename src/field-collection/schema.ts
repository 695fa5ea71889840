/**
 * The shape of config/field-collection.json (SPEC §2 steps 5-6, issue 7): how an appointment
 * is arranged and a visit followed up. zod only; loaded once when the worker starts.
 */
import { z } from 'zod';
import { RECOMMENDED_ACTIONS } from '../domain/field-collection';
import { ACTIVE_STAGES } from '../domain/stages';
import { CHANNELS } from '../treatments/schema';

const templateId = z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a lower-case template id such as sms-appointment');
const hours = z.number().int().min(1).max(24 * 30);
const tierName = z.string().regex(/^[A-Z][A-Z0-9_]{0,31}$/, 'an upper-case risk tier such as HIGH');
const laterStage = z.enum(ACTIVE_STAGES).exclude(['SCREENED', 'APPOINTMENT', 'VISIT']);

export const fieldCollectionConfigSchema = z.strictObject({
  version: z.string().regex(/^\d{4}\.\d+$/, 'a version such as 2026.1'),
  appointment: z.strictObject({
    /** the borrower's own contact methods, tried in this order (SPEC §2 step 5) */
    contactOrder: z
      .array(z.enum(CHANNELS))
      .min(1)
      .refine((order) => new Set(order).size === order.length, 'each channel once'),
    templates: z.strictObject({ CALL: templateId, SMS: templateId, EMAIL: templateId }),
    familyCallbackTemplate: templateId,
    visitNoticeTemplate: templateId,
    callWindowHours: hours,
    confirmWindowHours: hours,
    slotsProposed: z.number().int().min(1).max(9),
    slotMinutes: z.number().int().min(15).max(480),
    /** no slot sooner than this after the proposal: time to read it and plan the trip */
    earliestLeadHours: z.number().int().min(0).max(24 * 14),
    /** how far ahead to look for free staff */
    searchDays: z.number().int().min(1).max(60),
    /** no confirmation in the window: an unannounced VISIT or LEGAL, per treatment */
    onNoConfirmation: z.strictObject({
      default: z.enum(['VISIT', 'LEGAL']),
      byTreatment: z.record(z.string(), z.enum(['VISIT', 'LEGAL'])),
    }),
  }),
  visit: z.strictObject({
    maxReschedules: z.number().int().min(0).max(10),
    reportDeadlineHours: hours,
    /** risk tiers that send a security colleague with the collector */
    securityForRiskTiers: z.array(tierName),
    onVisitsExhausted: laterStage,
    /** where a report's recommended action takes the account (REMINDING: back to watching for payment) */
    afterReport: z.record(z.enum(RECOMMENDED_ACTIONS), laterStage),
  }),
});

export type FieldCollectionConfig = z.infer<typeof fieldCollectionConfigSchema>;

/**
 * A message template file under templates/ (issue 6 §2): `<id>.v<version>.json` holding
 * { id, version, channel, audience?, subject?, text }. Text and subject use `{{placeholder}}`
 * for the account's figures; only the names in PLACEHOLDERS exist, so a typo is refused when
 * the file is loaded, not when a borrower would receive it. A CALL template is the script the
 * agent reads.
 *
 * The audience is the borrower (the default) or a FAMILY member (SPEC §3): a family message
 * only asks the borrower to call the bank back, so it may name the bank's contact and nothing
 * of the account (FAMILY_PLACEHOLDERS), and no word of its text may speak of a debt.
 */
import { z } from 'zod';
import { CHANNELS } from '../treatments/schema';
import { debtWordsIn } from './blocklist';

export const PLACEHOLDERS = [
  'bankName',
  'bankContact',
  'product',
  'accountTail',
  'amountOverdue',
  'dueDate',
  'howToPay',
  /** an appointment's proposed slots in the borrower's zone: "Tue 24 Nov 18:00-19:30, Thu 26 Nov 18:30-20:00" */
  'proposedSlots',
  /** a booked visit's time in the borrower's zone: "Tue 24 Nov 18:00-19:30" */
  'visitTime',
  /** an offer's options in plain words: "1) the overdue amount in 7 monthly payments of CNY 417.85 …; 2) …" */
  'offerOptions',
  /** the last day an offer can be accepted */
  'offerValidUntil',
  /** a plan instalment still to pay: "CNY 203.57 due on 2026-12-15" */
  'planInstalment',
] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export const AUDIENCES = ['BORROWER', 'FAMILY'] as const;
export type Audience = (typeof AUDIENCES)[number];

/** What a message to a family member may carry: who asks, and where to call back. */
export const FAMILY_PLACEHOLDERS: readonly Placeholder[] = ['bankName', 'bankContact'];

export const PLACEHOLDER_PATTERN = /\{\{\s*([^}\s]*)\s*\}\}/g;

const placeholdersIn = (text: string) => [...text.matchAll(PLACEHOLDER_PATTERN)].map(([, name]) => name ?? '');

const textWithPlaceholders = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    for (const name of placeholdersIn(text)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(name))
        ctx.addIssue({ code: 'custom', message: `unknown placeholder {{${name}}} (known: ${PLACEHOLDERS.join(', ')})` });
    }
  });

export const templateFileSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a lower-case template id such as sms-first-reminder'),
    version: z.number().int().min(1),
    channel: z.enum(CHANNELS),
    audience: z.enum(AUDIENCES).default('BORROWER'),
    subject: textWithPlaceholders.optional(),
    text: textWithPlaceholders,
  })
  .superRefine((t, ctx) => {
    if (t.channel === 'EMAIL' && !t.subject) ctx.addIssue({ code: 'custom', path: ['subject'], message: 'an e-mail template needs a subject' });
    if (t.channel !== 'EMAIL' && t.subject) ctx.addIssue({ code: 'custom', path: ['subject'], message: `a ${t.channel} template has no subject` });
    if (t.audience === 'FAMILY') {
      for (const field of ['subject', 'text'] as const) {
        const text = t[field];
        if (text === undefined) continue;
        for (const name of placeholdersIn(text)) {
          if ((PLACEHOLDERS as readonly string[]).includes(name) && !FAMILY_PLACEHOLDERS.includes(name as Placeholder))
            ctx.addIssue({ code: 'custom', path: [field], message: `a FAMILY template may not use {{${name}}} (only ${FAMILY_PLACEHOLDERS.join(', ')}): it must not disclose the debt` });
        }
        const words = debtWordsIn(text);
        if (words.length > 0) ctx.addIssue({ code: 'custom', path: [field], message: `a FAMILY template must not speak of the debt: ${words.join(', ')}` });
      }
    }
  });

export type TemplateFile = z.infer<typeof templateFileSchema>;

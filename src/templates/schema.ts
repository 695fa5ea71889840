/**
 * A message template file under templates/ (issue 6 §2): `<id>.v<version>.json` holding
 * { id, version, channel, subject?, text }. Text and subject use `{{placeholder}}` for
 * the account's figures; only the names in PLACEHOLDERS exist, so a typo is refused when
 * the file is loaded, not when a borrower would receive it. A CALL template is the
 * script the agent reads.
 */
import { z } from 'zod';
import { CHANNELS } from '../treatments/schema';

export const PLACEHOLDERS = ['bankName', 'bankContact', 'product', 'accountTail', 'amountOverdue', 'dueDate', 'howToPay'] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export const PLACEHOLDER_PATTERN = /\{\{\s*([^}\s]*)\s*\}\}/g;

const textWithPlaceholders = z
  .string()
  .min(1)
  .superRefine((text, ctx) => {
    for (const [, name] of text.matchAll(PLACEHOLDER_PATTERN)) {
      if (!(PLACEHOLDERS as readonly string[]).includes(name ?? ''))
        ctx.addIssue({ code: 'custom', message: `unknown placeholder {{${name}}} (known: ${PLACEHOLDERS.join(', ')})` });
    }
  });

export const templateFileSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/, 'a lower-case template id such as sms-first-reminder'),
    version: z.number().int().min(1),
    channel: z.enum(CHANNELS),
    subject: textWithPlaceholders.optional(),
    text: textWithPlaceholders,
  })
  .superRefine((t, ctx) => {
    if (t.channel === 'EMAIL' && !t.subject) ctx.addIssue({ code: 'custom', path: ['subject'], message: 'an e-mail template needs a subject' });
    if (t.channel !== 'EMAIL' && t.subject) ctx.addIssue({ code: 'custom', path: ['subject'], message: `a ${t.channel} template has no subject` });
  });

export type TemplateFile = z.infer<typeof templateFileSchema>;

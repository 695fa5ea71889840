/**
 * Renders a template with the account's figures: amount with its currency, the due date,
 * how to pay and the bank's contact. Returns what is stored with the contact attempt
 * (template id and version, channel, subject, text). Version 1 of the two SMS templates
 * still lives in code (activities/templates.ts, used by running workflows); asking for it
 * here renders that code, so old ids and versions keep working.
 */
import { BANK_CONTACT, BANK_NAME, TEMPLATES, type ReminderContext } from '../../activities/templates';
import { formatMoney } from '../domain/money';
import type { Channel } from '../treatments/schema';
import { catalogueKey, type TemplateCatalogue } from './catalogue';
import { PLACEHOLDER_PATTERN, type Placeholder } from './schema';

export const HOW_TO_PAY = 'in the mobile app, in online banking or at any branch';

export interface RenderedMessage {
  templateId: string;
  version: number;
  channel: Channel;
  subject?: string;
  text: string;
}

export interface TemplateRef {
  templateId: string;
  /** The newest version in the catalogue when omitted. */
  version?: number;
}

export class TemplateRenderError extends Error {
  override name = 'TemplateRenderError';
}

function figures(ctx: ReminderContext): Record<Placeholder, string | null> {
  return {
    bankName: BANK_NAME,
    bankContact: BANK_CONTACT,
    product: ctx.product === 'LOAN' ? 'loan' : 'credit card',
    accountTail: ctx.accountId.slice(-4),
    amountOverdue: formatMoney(ctx.amountOverdue, ctx.currency),
    dueDate: ctx.oldestUnpaidDueDate,
    howToPay: HOW_TO_PAY,
  };
}

function fill(text: string, values: Record<Placeholder, string | null>, templateId: string): string {
  return text.replace(PLACEHOLDER_PATTERN, (_match, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name as Placeholder] : undefined;
    // A message with a gap ("overdue since .") is worse than none: the step fails and is retried or flagged.
    if (value === undefined || value === null) throw new TemplateRenderError(`template ${templateId} needs {{${name}}}, which this account does not have`);
    return value;
  });
}

export function newestVersion(catalogue: TemplateCatalogue, templateId: string): number | undefined {
  let newest: number | undefined;
  for (const t of catalogue.values()) if (t.id === templateId && (newest === undefined || t.version > newest)) newest = t.version;
  return newest;
}

export function renderTemplate(catalogue: TemplateCatalogue, ref: TemplateRef, ctx: ReminderContext): RenderedMessage {
  const version = ref.version ?? newestVersion(catalogue, ref.templateId) ?? TEMPLATES[ref.templateId]?.version;
  const file = version === undefined ? undefined : catalogue.get(catalogueKey(ref.templateId, version));
  if (file) {
    const values = figures(ctx);
    const subject = file.subject === undefined ? undefined : fill(file.subject, values, file.id);
    return { templateId: file.id, version: file.version, channel: file.channel, ...(subject === undefined ? {} : { subject }), text: fill(file.text, values, file.id) };
  }
  const coded = TEMPLATES[ref.templateId];
  if (coded && coded.version === version) return { templateId: coded.id, version: coded.version, channel: 'SMS', text: coded.render(ctx) };
  throw new TemplateRenderError(`no template ${ref.templateId}${ref.version === undefined ? '' : ` version ${ref.version}`}`);
}

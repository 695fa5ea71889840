/**
 * Renders a template with the account's figures: amount with its currency, the due date,
 * how to pay and the bank's contact; for an appointment, its proposed slots or its booked
 * time. Returns what is stored with the contact attempt (template id and version, channel,
 * subject, text). Version 1 of the two SMS templates still lives in code
 * (activities/templates.ts, used by running workflows); asking for it here renders that
 * code, so old ids and versions keep working.
 *
 * A message to a family member (renderFamilyMessage) gets the bank's name and contact only,
 * and its rendered text is checked once more for words of the debt: a filled-in value (the
 * bank's own name, say) must not disclose what the template does not.
 */
import { BANK_CONTACT, BANK_NAME, TEMPLATES, type ReminderContext } from '../../activities/templates';
import { formatMoney } from '../domain/money';
import type { Channel } from '../treatments/schema';
import { debtWordsIn } from './blocklist';
import { catalogueKey, type TemplateCatalogue } from './catalogue';
import { FAMILY_PLACEHOLDERS, PLACEHOLDER_PATTERN, type Audience, type Placeholder, type TemplateFile } from './schema';

export const HOW_TO_PAY = 'in the mobile app, in online banking or at any branch';

export interface RenderedMessage {
  templateId: string;
  version: number;
  channel: Channel;
  audience: Audience;
  subject?: string;
  text: string;
}

/** The account's figures, and for an appointment its times as the borrower reads them (src/templates/visit-times.ts). */
export interface MessageContext extends ReminderContext {
  proposedSlots?: string | null;
  visitTime?: string | null;
  /** negotiation (src/templates/offer-text.ts) */
  offerOptions?: string | null;
  offerValidUntil?: string | null;
  planInstalment?: string | null;
}

export interface TemplateRef {
  templateId: string;
  /** The newest version in the catalogue when omitted. */
  version?: number;
}

export class TemplateRenderError extends Error {
  override name = 'TemplateRenderError';
}

type Values = Partial<Record<Placeholder, string | null>>;

const BANK: Values = { bankName: BANK_NAME, bankContact: BANK_CONTACT };

function figures(ctx: MessageContext): Values {
  return {
    ...BANK,
    product: ctx.product === 'LOAN' ? 'loan' : 'credit card',
    accountTail: ctx.accountId.slice(-4),
    amountOverdue: formatMoney(ctx.amountOverdue, ctx.currency),
    dueDate: ctx.oldestUnpaidDueDate,
    howToPay: HOW_TO_PAY,
    proposedSlots: ctx.proposedSlots ?? null,
    visitTime: ctx.visitTime ?? null,
    offerOptions: ctx.offerOptions ?? null,
    offerValidUntil: ctx.offerValidUntil ?? null,
    planInstalment: ctx.planInstalment ?? null,
  };
}

function fill(text: string, values: Values, templateId: string): string {
  return text.replace(PLACEHOLDER_PATTERN, (_match, name: string) => {
    const value = Object.hasOwn(values, name) ? values[name as Placeholder] : undefined;
    // A message with a gap ("overdue since .") is worse than none: the step fails and is retried or flagged.
    if (value === undefined || value === null) throw new TemplateRenderError(`template ${templateId} needs {{${name}}}, which this account does not have`);
    return value;
  });
}

function rendered(file: TemplateFile, values: Values): RenderedMessage {
  const subject = file.subject === undefined ? undefined : fill(file.subject, values, file.id);
  return { templateId: file.id, version: file.version, channel: file.channel, audience: file.audience, ...(subject === undefined ? {} : { subject }), text: fill(file.text, values, file.id) };
}

export function newestVersion(catalogue: TemplateCatalogue, templateId: string): number | undefined {
  let newest: number | undefined;
  for (const t of catalogue.values()) if (t.id === templateId && (newest === undefined || t.version > newest)) newest = t.version;
  return newest;
}

export function renderTemplate(catalogue: TemplateCatalogue, ref: TemplateRef, ctx: MessageContext): RenderedMessage {
  const version = ref.version ?? newestVersion(catalogue, ref.templateId) ?? TEMPLATES[ref.templateId]?.version;
  const file = version === undefined ? undefined : catalogue.get(catalogueKey(ref.templateId, version));
  if (file) return rendered(file, figures(ctx));
  const coded = TEMPLATES[ref.templateId];
  if (coded && coded.version === version) return { templateId: coded.id, version: coded.version, channel: 'SMS', audience: 'BORROWER', text: coded.render(ctx) };
  throw new TemplateRenderError(`no template ${ref.templateId}${ref.version === undefined ? '' : ` version ${ref.version}`}`);
}

/** A call-back request to a family member (SPEC §3): a FAMILY template, filled with the bank's name and contact only. */
export function renderFamilyMessage(catalogue: TemplateCatalogue, ref: TemplateRef): RenderedMessage {
  const version = ref.version ?? newestVersion(catalogue, ref.templateId);
  const file = version === undefined ? undefined : catalogue.get(catalogueKey(ref.templateId, version));
  if (!file) throw new TemplateRenderError(`no template ${ref.templateId}${ref.version === undefined ? '' : ` version ${ref.version}`}`);
  if (file.audience !== 'FAMILY') throw new TemplateRenderError(`template ${file.id} v${file.version} is for the borrower, not a family member (audience ${file.audience})`);
  const message = rendered(file, Object.fromEntries(FAMILY_PLACEHOLDERS.map((name) => [name, BANK[name] ?? null])));
  const words = debtWordsIn(`${message.subject ?? ''}\n${message.text}`);
  if (words.length > 0) throw new TemplateRenderError(`template ${file.id} v${file.version} would tell a family member of the debt once filled in (${words.join(', ')})`);
  return message;
}

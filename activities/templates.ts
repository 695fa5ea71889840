/**
 * Message templates: versioned, polite and factual (SPEC §4). The rendered text is
 * stored with each contact attempt together with the template id and version.
 */
import { formatMoney } from '../src/domain/money';

export interface ReminderContext {
  product: 'LOAN' | 'CREDIT_CARD';
  accountId: string;
  currency: string;
  amountOverdue: number;
  oldestUnpaidDueDate: string | null;
}

export interface Template {
  id: string;
  version: number;
  render(ctx: ReminderContext): string;
}

export const BANK_NAME = 'Arrears Bank';
export const BANK_CONTACT = '95555 (08:00-21:00)';

const productLabel = (p: ReminderContext['product']) => (p === 'LOAN' ? 'loan' : 'credit card');
const accountTail = (accountId: string) => accountId.slice(-4);

export const TEMPLATES: Record<string, Template> = {
  'sms-first-reminder': {
    id: 'sms-first-reminder',
    version: 1,
    render: (c) =>
      `[${BANK_NAME}] Your ${productLabel(c.product)} account ending ${accountTail(c.accountId)} has ${formatMoney(c.amountOverdue, c.currency)} overdue` +
      `${c.oldestUnpaidDueDate ? ` since ${c.oldestUnpaidDueDate}` : ''}. You can pay in the mobile app, online banking or at any branch. ` +
      `Questions or difficulties paying: call ${BANK_CONTACT}. If you have already paid, thank you and please ignore this message.`,
  },
  'sms-second-reminder': {
    id: 'sms-second-reminder',
    version: 1,
    render: (c) =>
      `[${BANK_NAME}] Reminder: ${formatMoney(c.amountOverdue, c.currency)} is still overdue on your ${productLabel(c.product)} account ending ` +
      `${accountTail(c.accountId)}. Please pay in the mobile app, online banking or at a branch, or call ${BANK_CONTACT} to talk about options.`,
  },
};

export function templateFor(templateId: string): Template {
  const template = TEMPLATES[templateId];
  if (!template) throw new Error(`unknown template ${templateId}`);
  return template;
}

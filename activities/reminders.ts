/**
 * Reminders to the borrower. Exactly once per idempotency key: a retry (or a replayed
 * step after continue-as-new) finds the first attempt and sends nothing.
 */
import { log } from '@temporalio/activity';
import { loadAccountFigures } from '../src/db/account-figures';
import { loadAccountContact } from '../src/db/borrowers';
import { findContactAttempt, recordContactAttempt } from '../src/db/contact-attempts';
import type { IsoDate } from '../src/domain/dates';
import type { ActivityDeps } from './deps';
import { templateFor } from './templates';

export interface SendReminderInput {
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  templateId: string;
  asOf: IsoDate;
}

export type ReminderOutcome = 'SENT' | 'ALREADY_SENT' | 'NO_CONTACT_METHOD';

export interface ReminderResult {
  outcome: ReminderOutcome;
  contactAttemptId: number;
}

export function createReminderActivities({ pool, smsProvider }: ActivityDeps) {
  return {
    async sendSmsReminder(input: SendReminderInput): Promise<ReminderResult> {
      const { idempotencyKey, accountId, workflowId, templateId, asOf } = input;
      const earlier = await findContactAttempt(pool, idempotencyKey);
      if (earlier) {
        log.info('reminder already recorded for this key; not sending again', { accountId, workflowId, contactAttemptId: earlier.id });
        return { outcome: 'ALREADY_SENT', contactAttemptId: earlier.id };
      }
      const [contact, figures] = await Promise.all([loadAccountContact(pool, accountId), loadAccountFigures(pool, accountId, asOf)]);
      if (!contact || !figures) throw new Error(`account ${accountId} vanished from the loan book`);
      const template = templateFor(templateId);
      const renderedText = template.render({ product: contact.product, ...figures });
      const base = { idempotencyKey, accountId, borrowerId: contact.borrower_id, workflowId, channel: 'SMS' as const, templateId, templateVersion: template.version, renderedText };

      if (!contact.mobile_phone) {
        const row = await recordContactAttempt(pool, { ...base, status: 'FAILED', provider: 'none', providerMessageId: null });
        log.warn('no mobile phone on file; SMS reminder not sent', { accountId, workflowId });
        return { outcome: 'NO_CONTACT_METHOD', contactAttemptId: row.id };
      }
      // The provider dedupes on the same key, so a crash between here and the insert below is harmless.
      const { providerMessageId } = await smsProvider.send({ idempotencyKey, to: contact.mobile_phone, body: renderedText });
      const row = await recordContactAttempt(pool, { ...base, status: 'SENT', provider: smsProvider.name, providerMessageId });
      log.info('SMS reminder sent', { accountId, workflowId, templateId, contactAttemptId: row.id });
      return { outcome: 'SENT', contactAttemptId: row.id };
    },
  };
}

/**
 * Reminders to the borrower. Exactly once per idempotency key: a retry (or a replayed
 * step after continue-as-new) finds the first attempt and sends nothing.
 *
 * No reminder after a cure: the figures are read again right before the hand-off to
 * the provider, so an attempt that started (or is retried) after the payment reached
 * Postgres sends nothing and says NOT_NEEDED. The hand-off itself is the point of no
 * return: a message the provider has accepted cannot be called back.
 */
import { log } from '@temporalio/activity';
import { loadAccountFigures } from '../src/db/account-figures';
import { loadAccountContact } from '../src/db/borrowers';
import { findContactAttempt, recordContactAttempt } from '../src/db/contact-attempts';
import { businessDayOf, type BusinessMoment } from './business-day';
import type { ActivityDeps } from './deps';
import { templateFor } from './templates';

export interface SendReminderInput extends BusinessMoment {
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
  templateId: string;
}

export type ReminderOutcome = 'SENT' | 'ALREADY_SENT' | 'NO_CONTACT_METHOD' | 'NOT_NEEDED';

export type ReminderResult =
  | { outcome: Exclude<ReminderOutcome, 'NOT_NEEDED'>; contactAttemptId: number }
  /** Nothing overdue any more: no contact was made, so no contact attempt is recorded. */
  | { outcome: 'NOT_NEEDED'; contactAttemptId: null };

export function createReminderActivities({ pool, smsProvider, businessTimeZone }: ActivityDeps) {
  return {
    async sendSmsReminder(input: SendReminderInput): Promise<ReminderResult> {
      const { idempotencyKey, accountId, workflowId, templateId } = input;
      const earlier = await findContactAttempt(pool, idempotencyKey);
      if (earlier) {
        log.info('reminder already recorded for this key; not sending again', { accountId, workflowId, contactAttemptId: earlier.id });
        return { outcome: 'ALREADY_SENT', contactAttemptId: earlier.id };
      }
      const contact = await loadAccountContact(pool, accountId);
      // Read last, as close to the hand-off as we can: a payment may have landed meanwhile.
      const figures = await loadAccountFigures(pool, accountId, businessDayOf(input, businessTimeZone));
      if (!contact || !figures) throw new Error(`account ${accountId} vanished from the loan book`);
      if (figures.amountOverdue === 0) {
        // Not a contact attempt (nothing went out), so no contact_attempts row; the log says why.
        log.info('nothing overdue any more; SMS reminder not needed', { accountId, workflowId, templateId });
        return { outcome: 'NOT_NEEDED', contactAttemptId: null };
      }
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

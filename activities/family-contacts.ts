/**
 * Issue 7 §1, SPEC §3: a call-back request to a family member of the borrower, only with
 * the borrower's recorded, unwithdrawn consent, to a verified number, with a message that
 * never discloses the debt; the contact records the consent it relied on. Through the
 * contact policy like every outbound contact.
 *
 * The borrower's family contacts are taken in the order they were named. Each is judged at
 * the workflow's moment (`at`) by the rules of src/contact-policy/family.ts; the first usable
 * one gets the FAMILY template by SMS. The contact policy judges it once more under the
 * borrower's lock, where a consent withdrawn meanwhile is seen (the contact is then skipped
 * like the others), and records it exactly once per idempotency key, with the family contact
 * and the consent. A retry finds the record (ALREADY_SENT) and only makes sure the provider
 * has the message. Nothing overdue any more: NOT_NEEDED, nothing recorded, as for the
 * borrower's own contacts. Names and numbers are read here, for the provider only, and
 * never logged or returned.
 */
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { loadContactPolicyConfig } from '../src/contact-policy/config';
import { familyContactStanding } from '../src/contact-policy/family';
import { withContactPermit } from '../src/contact-policy/permit';
import { loadAccountFigures } from '../src/db/account-figures';
import { markStepUndeliverable } from '../src/db/contact-steps';
import { familyContactRecipient, familyContactsOf, findFamilyContactAttempt, type FamilyContactAttempt } from '../src/db/family-contacts';
import { borrowerOfAccount } from '../src/db/holds';
import { FailureType } from '../src/domain/failures';
import type { ContactFamilyInput, FamilyContactResult, FamilyContactSkip } from '../src/domain/field-collection';
import { loadTemplateCatalogue } from '../src/templates/catalogue';
import { renderFamilyMessage, TemplateRenderError, type RenderedMessage } from '../src/templates/render';
import { businessDayOf } from './business-day';
import { accountNotFound } from './contact';
import type { ActivityDeps } from './deps';
import { createMessageHandOff, type RecordedMessage } from './message-hand-off';
import { OutboxEmailProvider } from './providers/email-provider';

const misconfigured = (message: string, cause?: Error) => ApplicationFailure.create({ type: FailureType.WorkerMisconfigured, message, nonRetryable: true, ...(cause ? { cause } : {}) });

export function createFamilyContactActivities(deps: ActivityDeps) {
  const { pool, smsProvider, businessTimeZone } = deps;
  // Loaded once, when the worker starts: a bad file stops it there, not at a borrower's step.
  const policies = deps.contactPolicies ?? loadContactPolicyConfig();
  const templates = deps.templates ?? loadTemplateCatalogue();
  const handOff = createMessageHandOff({ pool, smsProvider, emailProvider: deps.emailProvider ?? new OutboxEmailProvider(pool) });

  /** The FAMILY template by SMS, or the worker is set up wrong (a config naming a borrower's template, say). */
  function render(templateId: string): RenderedMessage {
    let message: RenderedMessage;
    try {
      message = renderFamilyMessage(templates, { templateId });
    } catch (err) {
      if (!(err instanceof TemplateRenderError)) throw err;
      throw misconfigured(err.message, err);
    }
    if (message.channel !== 'SMS') throw misconfigured(`template ${message.templateId} v${message.version} is for ${message.channel}; a family call-back request is an SMS`);
    return message;
  }

  const stillOverdue = async (input: ContactFamilyInput) => {
    const figures = await loadAccountFigures(pool, input.accountId, businessDayOf(input, businessTimeZone));
    if (!figures) throw accountNotFound(input.accountId);
    return figures.amountOverdue > 0;
  };

  /** Hands the recorded SMS to the provider if it does not have it yet; false: it refused the number (FAILED). */
  async function delivered(input: ContactFamilyInput, attempt: Pick<FamilyContactAttempt, 'id' | 'provider_message_id' | 'rendered_text'>, familyContactId: number): Promise<boolean> {
    if (attempt.provider_message_id !== null) return true;
    const to = await familyContactRecipient(pool, familyContactId);
    if (!to) throw new Error(`family contact ${familyContactId} has no number on file`);
    const recorded: RecordedMessage = { attemptId: attempt.id, channel: 'SMS', providerMessageId: null, text: attempt.rendered_text, subject: null };
    return handOff(input, recorded, to);
  }

  /** A retry that finds the request recorded under its key. */
  async function resume(input: ContactFamilyInput, attempt: FamilyContactAttempt): Promise<FamilyContactResult> {
    const { accountId, workflowId, idempotencyKey } = input;
    const { family_contact_id: familyContactId, consent_id: consentId } = attempt;
    if (attempt.account_id !== accountId) throw new Error(`contact key ${idempotencyKey} belongs to another account`);
    if (familyContactId === null || consentId === null) throw new Error(`contact key ${idempotencyKey} is a contact to the borrower, not a family call-back request`);
    const undeliverable: FamilyContactResult = { outcome: 'NO_USABLE_FAMILY_CONTACT', skipped: [{ familyContactId, reason: 'UNDELIVERABLE' }] };
    if (attempt.status !== 'SENT') return (await stillOverdue(input)) ? undeliverable : { outcome: 'NOT_NEEDED' };
    if (attempt.provider_message_id === null && !(await stillOverdue(input))) {
      // Recorded, never handed off: no call-back request after a cure.
      await markStepUndeliverable(pool, attempt.id);
      log.info('nothing overdue any more; the undelivered call-back request is not handed off', { accountId, workflowId, contactAttemptId: attempt.id });
      return { outcome: 'NOT_NEEDED' };
    }
    if (!(await delivered(input, attempt, familyContactId))) return undeliverable;
    log.info('call-back request already recorded for this key; not contacting again', { accountId, workflowId, contactAttemptId: attempt.id, familyContactId });
    return { outcome: 'ALREADY_SENT', contactAttemptId: attempt.id, familyContactId, consentId };
  }

  return {
    async contactFamilyForCallback(input: ContactFamilyInput): Promise<FamilyContactResult> {
      const { idempotencyKey, accountId, workflowId } = input;
      const earlier = await findFamilyContactAttempt(pool, idempotencyKey);
      if (earlier) return resume(input, earlier);

      const message = render(input.templateId);
      const borrowerId = await borrowerOfAccount(pool, accountId);
      if (!borrowerId) throw accountNotFound(accountId);
      if (!(await stillOverdue(input))) {
        log.info('nothing overdue any more; call-back request not needed', { accountId, workflowId });
        return { outcome: 'NOT_NEEDED' };
      }

      const at = new Date(input.at);
      const asOf = businessDayOf(input, businessTimeZone);
      const skipped: FamilyContactSkip[] = [];
      const { contacts, consents } = await familyContactsOf(pool, borrowerId);
      for (const contact of contacts) {
        const standing = familyContactStanding(contact, consents, at);
        if (!standing.usable) {
          skipped.push({ familyContactId: contact.id, reason: standing.reason });
          continue;
        }
        const to = await familyContactRecipient(pool, contact.id);
        if (!to) throw new Error(`family contact ${contact.id} has no number on file`);
        const request = { borrowerId, accountId, channel: 'SMS' as const, to, at, idempotencyKey, blockKey: `${idempotencyKey}@${at.toISOString()}#${contact.id}`, familyContactId: contact.id };
        const permit = await withContactPermit(pool, request, policies, async (p) => {
          // Once more under the borrower's lock, the last moment before the record: a payment may have landed.
          const latest = await loadAccountFigures(p.db, accountId, asOf);
          if (!latest || latest.amountOverdue === 0) return undefined;
          const inTransaction = smsProvider.within?.(p.db);
          const providerMessageId = inTransaction ? (await inTransaction.send({ idempotencyKey, to, body: message.text })).providerMessageId : null;
          await p.recordAttempt({ workflowId, templateId: message.templateId, templateVersion: message.version, renderedText: message.text, provider: smsProvider.name, providerMessageId });
          return findFamilyContactAttempt(p.db, idempotencyKey);
        });
        if (!permit.allowed) {
          if (permit.rule === 'THIRD_PARTY') {
            // Its standing changed between the look and the lock (a consent withdrawn meanwhile): judged again, skipped.
            const now = await familyContactsOf(pool, borrowerId);
            const again = familyContactStanding(now.contacts.find((c) => c.id === contact.id) ?? contact, now.consents, at);
            if (!again.usable) {
              skipped.push({ familyContactId: contact.id, reason: again.reason });
              continue;
            }
          }
          log.info('call-back request blocked by the contact policy', { accountId, workflowId, familyContactId: contact.id, rule: permit.rule, nextAllowedAt: permit.nextAllowedAt });
          return { outcome: 'BLOCKED', rule: permit.rule, reason: permit.reason, nextAllowedAt: permit.nextAllowedAt };
        }
        const attempt = permit.value;
        if (!attempt) {
          log.info('nothing overdue any more; call-back request not needed', { accountId, workflowId });
          return { outcome: 'NOT_NEEDED' };
        }
        if (attempt.consent_id === null) throw new Error(`call-back request ${attempt.id} was recorded without its consent`);
        if (!(await delivered(input, attempt, contact.id))) return { outcome: 'NO_USABLE_FAMILY_CONTACT', skipped: [...skipped, { familyContactId: contact.id, reason: 'UNDELIVERABLE' }] };
        log.info('call-back request sent to a family contact', { accountId, workflowId, contactAttemptId: attempt.id, familyContactId: contact.id, consentId: attempt.consent_id });
        return { outcome: 'SENT', contactAttemptId: attempt.id, familyContactId: contact.id, consentId: attempt.consent_id };
      }
      log.info('no family contact may be used', { accountId, workflowId, skipped: skipped.map((s) => `${s.familyContactId}:${s.reason}`) });
      return { outcome: 'NO_USABLE_FAMILY_CONTACT', skipped };
    },
  };
}

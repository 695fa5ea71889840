/**
 * Handing a recorded SMS or e-mail to its provider (issue 6 §2): "recorded" means
 * "delivered". A provider that hands off inside the contact policy's transaction (the SMS
 * outbox) already gave its message id; one that calls out (an HTTP gateway, SMTP) is handed
 * the message after the commit, and again, with the same key, by any retry that finds the
 * record without the provider's message id (providers send once per key). Shared by the
 * borrower's contact steps and the family call-back request.
 */
import { log } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { completeStepAttempt, markStepUndeliverable } from '../src/db/contact-steps';
import type { Pool } from '../src/db/pool';
import { FailureType } from '../src/domain/failures';
import type { EmailProvider } from './providers/email-provider';
import type { SmsProvider } from './providers/sms-provider';

/** A recorded SMS or e-mail, as much of it as a hand-off needs. */
export interface RecordedMessage {
  attemptId: number;
  channel: 'SMS' | 'EMAIL';
  /** set once the provider has the message */
  providerMessageId: string | null;
  text: string;
  subject: string | null;
}

/** Whose message it is, for the provider's key and the log. */
export interface HandOffRef {
  idempotencyKey: string;
  accountId: string;
  workflowId: string;
}

/**
 * A refusal of the message itself, which sending it again cannot cure: the HTTP gateway's
 * 4xx, or an SMTP server rejecting the recipient (a 5xx reply to the envelope). A server
 * that is down or busy is not one: the step is retried.
 */
function refusedByProvider(err: unknown): boolean {
  if (err instanceof ApplicationFailure) return err.type === FailureType.ProviderRejected;
  const smtp = err as { code?: unknown; responseCode?: unknown };
  return smtp.code === 'EENVELOPE' && typeof smtp.responseCode === 'number' && smtp.responseCode >= 500 && smtp.responseCode < 600;
}

/**
 * Makes sure the provider has the message (again, with the same key, if unsure); a no-op
 * once it has. false: the provider refused the message itself, and the attempt is FAILED.
 */
export function createMessageHandOff({ pool, smsProvider, emailProvider }: { pool: Pool; smsProvider: SmsProvider; emailProvider: EmailProvider }) {
  return async function handOff(ref: HandOffRef, recorded: RecordedMessage, to: string): Promise<boolean> {
    if (recorded.providerMessageId !== null) return true;
    const { idempotencyKey } = ref;
    let providerMessageId: string;
    try {
      if (recorded.channel === 'SMS') {
        ({ providerMessageId } = await smsProvider.send({ idempotencyKey, to, body: recorded.text }));
      } else {
        if (recorded.subject === null) throw new Error(`recorded e-mail ${recorded.attemptId} has no subject`);
        ({ providerMessageId } = await emailProvider.send({ idempotencyKey, to, subject: recorded.subject, text: recorded.text }));
      }
    } catch (err) {
      if (!refusedByProvider(err)) throw err;
      await markStepUndeliverable(pool, recorded.attemptId);
      log.warn('the provider refused the message; contact attempt failed', { accountId: ref.accountId, workflowId: ref.workflowId, channel: recorded.channel, contactAttemptId: recorded.attemptId });
      return false;
    }
    await completeStepAttempt(pool, recorded.attemptId, { providerMessageId });
    return true;
  };
}

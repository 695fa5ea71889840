/**
 * The borrower's SMS replies the provider forwards (issue 15 §5), each kept once by the
 * provider's message id, with the sender as a digest. An opt-out reply opts every borrower
 * whose number it came from out of SMS, in the same transaction.
 */
import { z } from 'zod';
import { recordOptOut } from '../contact-policy/records';
import type { ReplyIntent } from '../contact-policy/sms-reply';
import { inTransaction, type Pool } from './pool';

export interface InboundReply {
  providerMessageId: string;
  /** the sender's number, compared as a digest and never stored */
  from: string;
  intent: ReplyIntent;
  receivedAt: Date;
}

export interface InboundReplyOutcome {
  intent: ReplyIntent;
  /** borrowers the number belongs to (for an opt-out: each now opted out of SMS) */
  borrowersMatched: number;
  /** true: this message id was already recorded; nothing changed */
  duplicate: boolean;
}

const storedRow = z.object({ intent: z.enum(['OPT_OUT', 'OTHER']), borrowers_matched: z.number().int() });

/** Every borrower the number is theirs (a contact point or the mobile on file), by the contact policy's digest. */
const BORROWERS_OF_NUMBER_SQL = `
  SELECT DISTINCT borrower_id FROM (
    SELECT p.borrower_id FROM borrower_contact_points p WHERE p.kind = 'PHONE' AND contact_recipient_key(p.value) = contact_recipient_key($1)
    UNION
    SELECT d.borrower_id FROM borrower_personal_data d WHERE contact_recipient_key(d.mobile_phone) = contact_recipient_key($1)
  ) numbers ORDER BY borrower_id`;

export async function recordInboundReply(pool: Pool, reply: InboundReply): Promise<InboundReplyOutcome> {
  return inTransaction(pool, async (db) => {
    const { rows: borrowers } = await db.query<{ borrower_id: string }>(BORROWERS_OF_NUMBER_SQL, [reply.from]);
    const inserted = await db.query(
      `INSERT INTO inbound_sms_replies (provider_message_id, sender_key, intent, borrowers_matched, received_at)
       VALUES ($1, contact_recipient_key($2), $3, $4, $5) ON CONFLICT (provider_message_id) DO NOTHING`,
      [reply.providerMessageId, reply.from, reply.intent, borrowers.length, reply.receivedAt],
    );
    if (inserted.rowCount === 0) {
      const { rows } = await db.query('SELECT intent, borrowers_matched FROM inbound_sms_replies WHERE provider_message_id = $1', [reply.providerMessageId]);
      const stored = storedRow.parse(rows[0]);
      return { intent: stored.intent, borrowersMatched: stored.borrowers_matched, duplicate: true };
    }
    if (reply.intent === 'OPT_OUT') {
      for (const { borrower_id } of borrowers) await recordOptOut(db, borrower_id, 'SMS', { kind: 'SMS_REPLY', inboundMessageId: reply.providerMessageId });
    }
    return { intent: reply.intent, borrowersMatched: borrowers.length, duplicate: false };
  });
}

/**
 * The contact policy against Postgres: before an outbound contact, lock the borrower,
 * gather the facts (their contacts on every account, opt-outs, cease-contact, the account's
 * hold, whether the recipient is theirs or a family contact they consented to), decide, and
 * either record the block or let the caller record its contact — all in one transaction. The lock is what keeps two accounts
 * of one borrower from both slipping under a cap: the second waits, then counts the first.
 */
import { z } from 'zod';
import { recordContactAttempt, type ContactAttemptRow, type NewContactAttempt } from '../db/contact-attempts';
import { familyContactsOf } from '../db/family-contacts';
import { inTransaction, type Pool, type PoolClient } from '../db/pool';
import { BORROWER_CONTACT_LOCK_SQL } from './lock';
import { decideContact, type CallOutcome, type ContactDecision, type ContactFacts } from './decide';
import { familyContactStanding, type FamilyContactStanding } from './family';
import { CONTACT_CHANNELS, HOLD_REASONS, policyFor, type ContactChannel, type ContactPolicySet } from './policy';

export interface ContactRequest {
  borrowerId: string;
  accountId: string;
  channel: ContactChannel;
  /** the number or address; compared as a digest, never logged or stored in the clear here */
  to: string;
  /** the moment of the contact (the activity's now) */
  at: Date;
  /**
   * The contact's idempotency key (the activity's): a retry whose contact was already
   * recorded is let through to find it (not counted against itself), and a block is
   * recorded once per key.
   */
  idempotencyKey?: string;
  /**
   * The key the block is recorded under (default: idempotencyKey). A caller that asks again
   * under one contact key at a later moment (a workflow waiting out a block) gives each ask
   * its own, so every refusal is recorded, and a retry of the same ask records it once.
   */
  blockKey?: string;
  /**
   * The contact goes to this family contact of the borrower (SPEC §3), not to the borrower:
   * `to` must be its number, and its consent and verification are judged at `at`, under the
   * lock. The record names it and the consent it relied on.
   */
  familyContactId?: number;
}

export type ContactBlock = Extract<ContactDecision, { allowed: false }>;

const factsRow = z.object({
  time_zone: z.string(),
  jurisdiction: z.string(),
  account_is_borrowers: z.boolean(),
  cease_contact: z.boolean(),
  opted_out: z.boolean(),
  hold: z.enum(HOLD_REASONS).nullable(),
  recipient_key: z.string(),
  recipient_is_borrower: z.boolean(),
  recipient_is_family_contact: z.boolean(),
  already_recorded: z.boolean(),
  past_contacts: z.array(
    z.object({
      channel: z.enum(CONTACT_CHANNELS),
      at: z.string(),
      recipientKey: z.string().nullable(),
      callOutcome: z.enum(['CONNECTED', 'UNANSWERED']).nullable(),
    }),
  ),
});

/**
 * Opt-outs, cease-contact and holds are read as they stand now; past contacts over the
 * longest window the policy counts (plus two days: a local day starts up to 26 h before),
 * and any stamped after the asking moment: another account's contact committed first may
 * carry a later workflow time (decide.ts counts it).
 */
const FACTS_SQL = `
  SELECT b.time_zone, b.jurisdiction,
         EXISTS (SELECT 1 FROM accounts a WHERE a.id = $2 AND a.borrower_id = b.id) AS account_is_borrowers,
         EXISTS (SELECT 1 FROM contact_cease_requests c
                 WHERE c.borrower_id = b.id AND (c.account_id IS NULL OR c.account_id = $2)) AS cease_contact,
         EXISTS (SELECT 1 FROM contact_opt_outs o
                 WHERE o.borrower_id = b.id AND o.channel = $3 AND o.withdrawn_at IS NULL) AS opted_out,
         (SELECT h.reason FROM contact_holds h
          WHERE h.account_id = $2 AND h.released_at IS NULL ORDER BY h.placed_at LIMIT 1) AS hold,
         k.key AS recipient_key,
         (EXISTS (SELECT 1 FROM borrower_contact_points p WHERE p.borrower_id = b.id AND contact_recipient_key(p.value) = k.key)
          OR EXISTS (SELECT 1 FROM borrower_personal_data d
                     WHERE d.borrower_id = b.id AND k.key IN (contact_recipient_key(d.mobile_phone), contact_recipient_key(d.email))))
           AS recipient_is_borrower,
         EXISTS (SELECT 1 FROM family_contacts f JOIN family_contact_personal_data fp ON fp.family_contact_id = f.id
                 WHERE f.id = $8 AND f.borrower_id = b.id AND contact_recipient_key(fp.phone) = k.key) AS recipient_is_family_contact,
         EXISTS (SELECT 1 FROM contact_attempts r WHERE r.idempotency_key = $7 AND r.account_id = $2 AND r.status = 'SENT') AS already_recorded,
         coalesce((SELECT json_agg(json_build_object('channel', ca.channel, 'at', ca.attempted_at,
                                                     'recipientKey', ca.recipient_key, 'callOutcome', ca.call_outcome)
                                   ORDER BY ca.attempted_at)
                   FROM contact_attempts ca
                   WHERE ca.borrower_id = b.id AND ca.status = 'SENT'
                     AND ca.attempted_at > $5::timestamptz - make_interval(days => $6)),
                  '[]'::json) AS past_contacts
  FROM borrowers b CROSS JOIN (SELECT contact_recipient_key($4) AS key) k
  WHERE b.id = $1`;

/**
 * Checks one contact inside the caller's transaction: takes the borrower's advisory lock
 * (held to commit), gathers the facts, decides; a block is recorded with its rule.
 */
export async function checkContactPolicy(
  db: PoolClient,
  request: ContactRequest,
  policies: ContactPolicySet,
): Promise<{ decision: ContactDecision; recipientKey: string; familyConsentId: number | null }> {
  await db.query(`SELECT ${BORROWER_CONTACT_LOCK_SQL('$1')}`, [request.borrowerId]);
  const { rows } = await db.query(FACTS_SQL, [
    request.borrowerId,
    request.accountId,
    request.channel,
    request.to,
    request.at,
    lookbackDays(policies),
    request.idempotencyKey ?? null,
    request.familyContactId ?? null,
  ]);
  if (!rows[0]) throw new Error(`no borrower ${request.borrowerId}`);
  const row = factsRow.parse(rows[0]);
  if (!row.account_is_borrowers) throw new Error(`account ${request.accountId} is not borrower ${request.borrowerId}'s`);
  // A retry of a contact this very check already let through: the caller finds its row.
  if (row.already_recorded) return { decision: { allowed: true }, recipientKey: row.recipient_key, familyConsentId: null };
  const familyContact = request.familyContactId !== undefined && row.recipient_is_family_contact ? await familyStanding(db, request.borrowerId, request.familyContactId, request.at) : null;
  const policy = policyFor(policies, row.jurisdiction);
  const facts: ContactFacts = {
    at: request.at,
    timeZone: row.time_zone,
    channel: request.channel,
    recipientKey: row.recipient_key,
    // A message for a family member is judged as one, even on a number the borrower shares.
    recipientIsBorrower: request.familyContactId === undefined && row.recipient_is_borrower,
    familyContact,
    ceaseContact: row.cease_contact,
    optedOut: row.opted_out,
    hold: row.hold,
    pastContacts: row.past_contacts,
  };
  const decision = decideContact(facts, policy);
  if (!decision.allowed) await recordBlock(db, request, decision, policy.version);
  return { decision, recipientKey: row.recipient_key, familyConsentId: familyContact?.usable ? familyContact.consentId : null };
}

/** The family contact's standing at `at` (SPEC §3), read in the check's transaction. */
async function familyStanding(db: PoolClient, borrowerId: string, familyContactId: number, at: Date): Promise<FamilyContactStanding | null> {
  const { contacts, consents } = await familyContactsOf(db, borrowerId);
  const contact = contacts.find((c) => c.id === familyContactId);
  return contact ? familyContactStanding(contact, consents, at) : null;
}

/** The days of history any jurisdiction's policy can count, so one query serves all. */
function lookbackDays(policies: ContactPolicySet): number {
  const days = Object.values(policies.policies).map((p) => Math.max(p.figures.WINDOW_DAYS ?? 1, p.figures.QUIET_DAYS_AFTER_CONVERSATION ?? 0));
  return Math.max(1, ...days) + 2;
}

async function recordBlock(db: PoolClient, request: ContactRequest, block: ContactBlock, policyVersion: string): Promise<void> {
  await db.query(
    `INSERT INTO contact_blocks (idempotency_key, borrower_id, account_id, channel, rule, reason, policy_version, next_allowed_at, asked_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (idempotency_key) DO NOTHING`,
    [request.blockKey ?? request.idempotencyKey ?? null, request.borrowerId, request.accountId, request.channel, block.rule, block.reason, policyVersion, block.nextAllowedAt, request.at],
  );
}

/** The contact as the caller records it; the permit fills in whose, which channel, when and to whom. */
export type PermittedContact = Omit<NewContactAttempt, 'accountId' | 'borrowerId' | 'channel' | 'status' | 'idempotencyKey'> & {
  /** defaults to the request's */
  idempotencyKey?: string;
  callOutcome?: CallOutcome | null;
};

export interface ContactPermit {
  /** the transaction the check ran in (and holds the borrower's lock) */
  db: PoolClient;
  recordAttempt(contact: PermittedContact): Promise<ContactAttemptRow>;
}

export type PermitOutcome<T> = { allowed: true; value: T } | ContactBlock;

/**
 * Checks the contact and, when it is allowed, runs `send` in the same transaction, under the
 * borrower's lock: the check and the record commit together or not at all. `send` records
 * the contact with `permit.recordAttempt` (and writes its outbox row); it should not wait
 * on slow providers, since the borrower's other contacts wait for the lock meanwhile.
 */
export async function withContactPermit<T>(
  pool: Pool,
  request: ContactRequest,
  policies: ContactPolicySet,
  send: (permit: ContactPermit) => Promise<T>,
): Promise<PermitOutcome<T>> {
  return inTransaction(pool, async (db) => {
    const { decision, recipientKey, familyConsentId } = await checkContactPolicy(db, request, policies);
    if (!decision.allowed) return decision;
    const permit: ContactPermit = {
      db,
      async recordAttempt(contact) {
        const { callOutcome = null, idempotencyKey = request.idempotencyKey, ...rest } = contact;
        if (!idempotencyKey) throw new Error('a contact needs an idempotency key (on the request or the contact)');
        const row = await recordContactAttempt(db, { ...rest, idempotencyKey, accountId: request.accountId, borrowerId: request.borrowerId, channel: request.channel, status: 'SENT' });
        // The shared insert knows nothing of the policy's columns; a fresh row gets them here
        // (a retry that found its first row leaves it as it was). A family contact's record
        // names the consent it relied on (SPEC §3).
        await db.query(
          `UPDATE contact_attempts SET recipient_key = $2, call_outcome = $3, attempted_at = $4, family_contact_id = $5, consent_id = $6
           WHERE id = $1 AND recipient_key IS NULL`,
          [row.id, recipientKey, callOutcome, request.at, familyConsentId === null ? null : (request.familyContactId ?? null), familyConsentId],
        );
        return row;
      },
    };
    return { allowed: true as const, value: await send(permit) };
  });
}

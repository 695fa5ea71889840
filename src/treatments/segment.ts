/**
 * An account's segment for the treatment choice (SPEC §2 step 2), read in one query: the
 * lateness and repayment behaviour from account_figures (the one implementation of the
 * figures; the tier is the latest screening's), and the signs of wilful default the
 * workflow's own records hold: promises broken on this account, a refusal to pay told to
 * an agent on a call.
 */
import { z } from 'zod';
import { UNRATED } from '../domain/account';
import { bucketFor } from '../domain/buckets';
import type { IsoDate } from '../domain/dates';
import type { Queryable } from '../db/pool';
import type { Segment } from './choose-treatment';

const segmentRow = z.object({
  days_past_due: z.number().int().min(0),
  risk_tier: z.string().nullable(),
  on_time_ratio: z.number().min(0).max(1).nullable(),
  broken_promises: z.number().int().min(0),
  refused_to_pay: z.boolean(),
});

const SEGMENT_SQL = `
  SELECT f.days_past_due, f.risk_tier, f.on_time_ratio,
         (SELECT count(*)::int FROM payment_promises p WHERE p.account_id = f.account_id AND p.status = 'BROKEN') AS broken_promises,
         EXISTS (SELECT 1 FROM call_outcomes c WHERE c.account_id = f.account_id AND c.reason = 'REFUSAL') AS refused_to_pay
  FROM account_figures($2::date) f
  WHERE f.account_id = $1`;

/** The account's segment as of the business day; undefined for an account not in the loan book. */
export async function loadSegment(db: Queryable, accountId: string, asOf: IsoDate): Promise<Segment | undefined> {
  const { rows } = await db.query(SEGMENT_SQL, [accountId, asOf]);
  if (!rows[0]) return undefined;
  const r = segmentRow.parse(rows[0]);
  return {
    bucket: bucketFor(r.days_past_due),
    riskTier: r.risk_tier ?? UNRATED,
    onTimeRatio: r.on_time_ratio,
    brokenPromises: r.broken_promises,
    refusedToPay: r.refused_to_pay,
  };
}

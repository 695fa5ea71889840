-- Up Migration

-- Effectiveness (SPEC §6, issue 18 §1): the facts every report metric is computed from, as
-- views over the records. Each view says beside it what it counts; the rates themselves
-- (numerator / denominator over a period, by bucket, treatment or experiment) are summed
-- by src/effectiveness/queries.ts. Plain views, not materialised: they read the records
-- as they are, and the daily screening schedule belongs to the account workflows' owners.

-- One row per entry into collection: a run chain's move to SCREENED. An account cured and
-- overdue again enters again; its episode lasts until the next entry (`during`).
--   treatment   the TREATMENT_CHOSEN audit event of the episode ('none' before one is chosen)
--   experiment  that event's experiment arm, "<experiment>:<arm>" ('none': not in an experiment)
--   bucket, balance_entering   from the collection list of the screening run nearest the
--               entry, within 7 days (the run that started it); 'UNSCREENED' / NULL when
--               there is none (a run started by hand)
--   cured_at    the episode's first move to CURED; days_to_cure from the entry, whole days
-- Set-based (joins, not a lookup per entry): the reports read every entry of a period.
CREATE VIEW collection_entries AS
WITH entries AS (
  SELECT s.account_id, s.workflow_id, s.occurred_at AS entered_at, (s.occurred_at AT TIME ZONE 'UTC')::date AS entered_on,
         lead(s.occurred_at) OVER (PARTITION BY s.account_id ORDER BY s.occurred_at, s.id) AS next_entered_at
  FROM stage_transitions s
  WHERE s.to_stage = 'SCREENED'
),
treatments AS (
  SELECT DISTINCT ON (e.account_id, e.entered_at) e.account_id, e.entered_at,
         a.detail->>'treatmentId' AS treatment, a.detail->>'experiment' AS experiment
  FROM entries e
  JOIN audit_events a ON a.account_id = e.account_id AND a.kind = 'TREATMENT_CHOSEN'
   AND a.occurred_at >= e.entered_at AND (e.next_entered_at IS NULL OR a.occurred_at < e.next_entered_at)
  ORDER BY e.account_id, e.entered_at, a.occurred_at, a.id
),
buckets AS (
  SELECT DISTINCT ON (e.account_id, e.entered_at) e.account_id, e.entered_at, cl.bucket, cl.amount_overdue
  FROM entries e
  JOIN screening_runs r ON r.as_of BETWEEN e.entered_on - 7 AND e.entered_on + 7
  JOIN collection_list cl ON cl.screening_run_id = r.id AND cl.account_id = e.account_id
  ORDER BY e.account_id, e.entered_at, abs(r.as_of - e.entered_on), r.as_of DESC, r.id DESC
),
cures AS (
  SELECT e.account_id, e.entered_at, min(x.occurred_at) AS cured_at
  FROM entries e
  JOIN stage_transitions x ON x.account_id = e.account_id AND x.to_stage = 'CURED'
   AND x.occurred_at >= e.entered_at AND (e.next_entered_at IS NULL OR x.occurred_at < e.next_entered_at)
  GROUP BY 1, 2
)
SELECT e.account_id, e.workflow_id, e.entered_at, e.entered_on,
       tstzrange(e.entered_at, e.next_entered_at, '[)') AS during,
       coalesce(t.treatment, 'none') AS treatment,
       coalesce(t.experiment, 'none') AS experiment,
       coalesce(b.bucket, 'UNSCREENED') AS bucket,
       b.amount_overdue AS balance_entering,
       c.cured_at,
       floor(extract(epoch FROM c.cured_at - e.entered_at) / 86400)::integer AS days_to_cure
FROM entries e
LEFT JOIN treatments t USING (account_id, entered_at)
LEFT JOIN buckets b USING (account_id, entered_at)
LEFT JOIN cures c USING (account_id, entered_at);
COMMENT ON VIEW collection_entries IS
  'One row per entry into collection (move to SCREENED), with its treatment, experiment, bucket and balance at entry, and its cure. Cure rate = entries cured within N days / entries.';

-- Amount recovered: every payment (not reversed) value-dated within an episode of
-- collection, from the entry date to the next entry, with the episode's dimensions.
-- Liquidation rate = recovered on the entries of a period / their balance entering.
CREATE VIEW recovered_payments AS
SELECT p.event_id, p.account_id, p.amount, p.value_date, e.entered_at, e.treatment, e.experiment, e.bucket
FROM payments p
JOIN collection_entries e
  ON e.account_id = p.account_id AND p.value_date >= e.entered_on
 AND (upper(e.during) IS NULL OR p.value_date < (upper(e.during) AT TIME ZONE 'UTC')::date)
WHERE p.reversed_at IS NULL;
COMMENT ON VIEW recovered_payments IS
  'Payments (not reversed) value-dated within an episode of collection. Amount recovered = their sum; liquidation rate = recovered / balance entering.';

-- The rates other than cure, as one list of facts: one row per unit of a denominator,
-- `hit` when it also counts in the numerator, dated, with the episode it belongs to
-- (the entry whose episode holds it; an event before any entry is reported under 'none' /
-- 'UNSCREENED').
--   PROMISE_KEPT        promises due and settled (kept or broken), dated by promised_for;
--                       hit = kept. Rate = kept / promises due.
--   RIGHT_PARTY_CONTACT calls connected, dated by the attempt; hit = the agent recorded that
--                       the right party was reached. Rate = calls reaching the borrower / calls connected.
--   APPOINTMENT_CONFIRMED arranged appointments proposed to the borrower; hit = confirmed.
--                       Rate = confirmed / proposed.
--   VISIT_SUCCESS       visits reported; hit = a payment (not reversed) value-dated within 30
--                       days after the visit (a plan agreed will count too once plans exist).
--                       Rate = visits with a payment / visits.
--   CONTACT_BLOCKED     every outbound contact asked for: made (any status) or refused by the
--                       contact policy; hit = refused, `rule` = the rule that refused it.
--                       Rate = blocked by the rule / contacts asked for.
CREATE VIEW effectiveness_facts AS
WITH facts AS (
  SELECT 'PROMISE_KEPT'::text AS metric, pp.account_id, (pp.promised_for::timestamp AT TIME ZONE 'UTC') AS at,
         pp.promised_for AS occurred_on, pp.status = 'KEPT' AS hit, NULL::text AS rule
  FROM payment_promises pp WHERE pp.status IN ('KEPT', 'BROKEN')
  UNION ALL
  SELECT 'RIGHT_PARTY_CONTACT', ca.account_id, ca.attempted_at, (ca.attempted_at AT TIME ZONE 'UTC')::date,
         coalesce(co.right_party_reached, false), NULL
  FROM contact_attempts ca
  LEFT JOIN agent_tasks t ON t.contact_attempt_id = ca.id
  LEFT JOIN call_outcomes co ON co.agent_task_id = t.id
  WHERE ca.channel = 'CALL' AND ca.call_outcome = 'CONNECTED'
  UNION ALL
  SELECT 'APPOINTMENT_CONFIRMED', ap.account_id, ap.proposed_at, (ap.proposed_at AT TIME ZONE 'UTC')::date,
         ap.confirmed_at IS NOT NULL, NULL
  FROM appointments ap WHERE ap.kind = 'ARRANGED' AND ap.proposed_at IS NOT NULL
  UNION ALL
  SELECT 'VISIT_SUCCESS', vr.account_id, vr.visited_at, (vr.visited_at AT TIME ZONE 'UTC')::date,
         EXISTS (SELECT 1 FROM payments p
                 WHERE p.account_id = vr.account_id AND p.reversed_at IS NULL
                   AND p.value_date >= (vr.visited_at AT TIME ZONE 'UTC')::date
                   AND p.value_date <= (vr.visited_at AT TIME ZONE 'UTC')::date + 30), NULL
  FROM visit_reports vr
  UNION ALL
  SELECT 'CONTACT_BLOCKED', ca.account_id, ca.attempted_at, (ca.attempted_at AT TIME ZONE 'UTC')::date, false, NULL
  FROM contact_attempts ca
  UNION ALL
  SELECT 'CONTACT_BLOCKED', cb.account_id, cb.asked_at, (cb.asked_at AT TIME ZONE 'UTC')::date, true, cb.rule
  FROM contact_blocks cb
)
SELECT f.metric, f.account_id, f.occurred_on, f.hit, f.rule,
       coalesce(e.treatment, 'none') AS treatment, coalesce(e.experiment, 'none') AS experiment,
       coalesce(e.bucket, 'UNSCREENED') AS bucket
FROM facts f
LEFT JOIN collection_entries e ON e.account_id = f.account_id AND e.during @> f.at;
COMMENT ON VIEW effectiveness_facts IS
  'One row per unit of a rate''s denominator (metric), hit when it counts in the numerator: PROMISE_KEPT, RIGHT_PARTY_CONTACT, APPOINTMENT_CONFIRMED, VISIT_SUCCESS, CONTACT_BLOCKED (by rule).';

-- What collection cost, in units the cost config prices (config/collection-costs.json):
--   SMS, EMAIL   messages sent;  CALL_CONNECTED, CALL_UNANSWERED   call attempts by outcome
--   (priced per minute times the config's minutes per call: call durations are not recorded);
--   VISIT        visits made (reported, no-show or report overdue);
--   LEGAL_STEP   none yet: the legal stage is not built. Cost per unit recovered = cost / recovered.
CREATE VIEW collection_cost_units AS
WITH units AS (
  SELECT ca.account_id, ca.attempted_at AS at,
         CASE WHEN ca.channel <> 'CALL' THEN ca.channel
              WHEN ca.call_outcome = 'CONNECTED' THEN 'CALL_CONNECTED' ELSE 'CALL_UNANSWERED' END AS unit
  FROM contact_attempts ca WHERE ca.status = 'SENT'
  UNION ALL
  SELECT ap.account_id, ap.starts_at, 'VISIT'
  FROM appointments ap WHERE ap.status IN ('VISITED', 'NO_SHOW', 'REPORT_OVERDUE')
)
SELECT u.unit, u.account_id, (u.at AT TIME ZONE 'UTC')::date AS occurred_on,
       coalesce(e.treatment, 'none') AS treatment, coalesce(e.experiment, 'none') AS experiment,
       coalesce(e.bucket, 'UNSCREENED') AS bucket
FROM units u
LEFT JOIN collection_entries e ON e.account_id = u.account_id AND e.during @> u.at;
COMMENT ON VIEW collection_cost_units IS
  'One row per unit of collection effort the cost config prices (SMS, EMAIL, CALL_CONNECTED, CALL_UNANSWERED, VISIT). Cost per unit recovered = priced cost / amount recovered.';

-- Roll rates, month over month. A month's snapshot is its last finished screening run.
-- Each account's bucket per run is in the run's collection list (the overdue accounts);
-- an account absent from the list had nothing overdue that day or was no longer open, and
-- counts as CURRENT, whose size is the run's count of CURRENT accounts.
CREATE VIEW monthly_screening_snapshots AS
SELECT DISTINCT ON (date_trunc('month', r.as_of))
       date_trunc('month', r.as_of)::date AS month, r.id AS screening_run_id, r.as_of,
       coalesce((r.counts_by_bucket->>'CURRENT')::integer, 0) AS current_accounts
FROM screening_runs r
WHERE r.finished_at IS NOT NULL
ORDER BY date_trunc('month', r.as_of), r.as_of DESC, r.id DESC;

-- The transition matrix between two consecutive months' snapshots: of the accounts in
-- from_bucket at the end of from_month, how many are in to_bucket at the end of the next
-- month. Roll rate = accounts / from_accounts (share of bucket N in bucket M one cycle later).
-- CURRENT → CURRENT is what is left of the CURRENT count once the accounts that became
-- overdue are taken out (accounts opened in between count as CURRENT before).
CREATE VIEW roll_rates AS
WITH pairs AS (
  SELECT a.month AS from_month, a.screening_run_id AS from_run, a.current_accounts,
         b.month AS to_month, b.screening_run_id AS to_run
  FROM monthly_screening_snapshots a
  JOIN monthly_screening_snapshots b ON b.month = (a.month + interval '1 month')::date
),
moves AS (
  -- listed at the earlier snapshot: its bucket at the later one, CURRENT when not listed
  SELECT p.from_month, p.to_month, f.bucket AS from_bucket, coalesce(t.bucket, 'CURRENT') AS to_bucket, count(*)::integer AS accounts
  FROM pairs p
  JOIN collection_list f ON f.screening_run_id = p.from_run
  LEFT JOIN collection_list t ON t.screening_run_id = p.to_run AND t.account_id = f.account_id
  GROUP BY 1, 2, 3, 4
  UNION ALL
  -- not listed at the earlier snapshot (CURRENT), listed at the later
  SELECT p.from_month, p.to_month, 'CURRENT', t.bucket, count(*)::integer
  FROM pairs p
  JOIN collection_list t ON t.screening_run_id = p.to_run
  WHERE NOT EXISTS (SELECT 1 FROM collection_list f WHERE f.screening_run_id = p.from_run AND f.account_id = t.account_id)
  GROUP BY 1, 2, 3, 4
),
stayed_current AS (
  SELECT p.from_month, p.to_month, 'CURRENT'::text AS from_bucket, 'CURRENT'::text AS to_bucket,
         greatest(0, p.current_accounts - coalesce((SELECT sum(m.accounts) FROM moves m
                                                     WHERE m.from_month = p.from_month AND m.from_bucket = 'CURRENT'), 0))::integer AS accounts
  FROM pairs p
),
matrix AS (SELECT * FROM moves UNION ALL SELECT * FROM stayed_current)
SELECT m.from_month, m.to_month, m.from_bucket, m.to_bucket, m.accounts,
       sum(m.accounts) OVER (PARTITION BY m.from_month, m.from_bucket)::integer AS from_accounts,
       m.accounts::double precision / nullif(sum(m.accounts) OVER (PARTITION BY m.from_month, m.from_bucket), 0) AS roll_rate
FROM matrix m;
COMMENT ON VIEW roll_rates IS
  'Month-over-month bucket transition matrix from the last screening run of each month. Roll rate = accounts in to_bucket one month later / accounts in from_bucket.';

-- Down Migration

DROP VIEW roll_rates;
DROP VIEW monthly_screening_snapshots;
DROP VIEW collection_cost_units;
DROP VIEW effectiveness_facts;
DROP VIEW recovered_payments;
DROP VIEW collection_entries;

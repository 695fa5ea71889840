-- One transition per move (issue 14 §4). A run's stage transitions form a chain: the n-th
-- move of a chain of runs (continue-as-new and re-openings included) is recorded once. The
-- idempotency key alone could not say so: two paths that keyed the same move differently
-- (the run's numbered move and the payment step's cure) recorded REMINDING→CURED twice.
--
-- chain_id: the workflow id and its first run's id (what every run of the chain shares);
-- seq: the move's place in the chain (0: the first, from no stage). Rows written before
-- (and by runs still on the old code) carry neither and stay as they are.
ALTER TABLE stage_transitions ADD COLUMN chain_id text, ADD COLUMN seq integer;
ALTER TABLE stage_transitions ADD CONSTRAINT stage_transitions_chain_place CHECK ((chain_id IS NULL) = (seq IS NULL) AND (seq IS NULL OR seq >= 0));
CREATE UNIQUE INDEX stage_transitions_one_per_place ON stage_transitions (chain_id, seq) WHERE chain_id IS NOT NULL;

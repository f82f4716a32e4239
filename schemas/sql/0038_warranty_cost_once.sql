-- 0038 a warranty job's cost is booked once, by whoever did the work
-- (docs/billing.md "Who bears the warranty cost", docs/claims.md).
--   * billing.settlements.work_org: the dealer or provider whose technician
--     did the work (NULL: the branch's own technician), recorded when the
--     work is accepted. Only the branch's own free work is booked as its
--     warranty cost then (warranty_booked_at); an organisation's is booked
--     when head office approves its claim (the claim credit).
--   * claims reads who did the work (dispatch.work_orders.technician_id, and
--     ref.technicians, granted in 0002): a claim is for the claimant's own
--     technicians' work only.
--   * A rejected claim may be corrected and filed again: the new claim
--     names the one it refiles, which moves to 'superseded'. At most one
--     claim per work order is not superseded (the index below replaces the
--     UNIQUE of 0032), so a claim beside an open or approved one is refused.

ALTER TABLE billing.settlements
    ADD COLUMN work_org text REFERENCES ref.organisations (id);

GRANT SELECT (technician_id) ON dispatch.work_orders TO kefu_claims;

ALTER TABLE claims.claims DROP CONSTRAINT claims_work_order_id_key;
ALTER TABLE claims.claims DROP CONSTRAINT claims_status_check;
ALTER TABLE claims.claims
    ADD CONSTRAINT claims_status_check
        CHECK (status IN ('filed', 'reviewed', 'approved', 'rejected', 'closed', 'superseded')),
    ADD COLUMN refiles bigint REFERENCES claims.claims (id);
CREATE UNIQUE INDEX claims_one_live_per_work_order ON claims.claims (work_order_id) WHERE status <> 'superseded';
CREATE UNIQUE INDEX claims_refiled_once ON claims.claims (refiles) WHERE refiles IS NOT NULL;
CREATE INDEX claims_work_order_idx ON claims.claims (work_order_id, id);

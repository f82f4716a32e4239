-- 0033 what claims reads of the others (docs/claims.md "What claims reads").
-- A claim is filed by a dealer's or provider's staff, who act for no branch
-- (0013): the service reads the work for the system and confines in its own
-- code to the claimant's organisation, the reviewer's region or head office,
-- so kefu_claims acts for every branch like the other services' handlers.
GRANT kefu_all_branches TO kefu_claims;

-- The work claimed: an accepted or completed work order with a done report
-- (its cause, its replaced parts, when it was reported).
GRANT SELECT (id, ticket_id, branch_id, status) ON dispatch.work_orders TO kefu_claims;
GRANT SELECT (work_order_id, ticket_id, branch_id, parts, cause, unit_serial, reported_at)
    ON dispatch.done_reports TO kefu_claims;

-- The ticket: its branch, product and warranty card, never the customer
-- (claims reads no phone number or address: ref.customers' contact columns
-- stay ungranted, 0016). The three-repairs flag (intake.tickets.
-- replacement_fault) is granted by the migration that adds it.
GRANT SELECT (id, branch_id, product_code, serial, warranty_card) ON intake.tickets TO kefu_claims;

-- 0034 the three-repairs rule (三包, docs/intake.md "The three-repairs
-- rule") and SLA clocks of the money subjects (docs/sla.md "Subjects").
--
--   intake.repairs                  one row per done report of a repair, as
--                                   intake learnt it from workorder.done: the
--                                   unit (serial, warranty card, product), the
--                                   fault code, and whether the repair was
--                                   within the unit's warranty on its day
--   intake.tickets.replacement_fault the fault repaired `intake.replace_after`
--                                   times within warranty on the ticket's
--                                   unit: its next resolution is a
--                                   replacement (NULL: the rule does not apply)
--   dispatch.sla_clocks.subject_kind + dispute, claim, payment_stage, deposit
--
-- Who reads the flag: claims and billing (the ticket's id, branch and flag
-- only), and dispatch, which shows it on the technician's work orders.

CREATE TABLE intake.repairs (
    work_order_id   bigint      PRIMARY KEY CHECK (work_order_id > 0),
    ticket_id       bigint      NOT NULL REFERENCES intake.tickets (id),
    branch_id       text        NOT NULL REFERENCES ref.branches (id),
    serial          text        CHECK (char_length(serial) BETWEEN 1 AND 64),
    warranty_card   text        CHECK (char_length(warranty_card) BETWEEN 1 AND 64),
    product_code    text        REFERENCES ref.products (code),
    fault           text        NOT NULL CHECK (fault ~ '^[A-Za-z0-9_-]{1,32}$'),
    done_at         timestamptz NOT NULL,
    -- the repair's day (the branch's zone) was within the warranty card's
    -- period (ref.products.warranty_months from the purchase or install date)
    within_warranty bool        NOT NULL
);
-- A unit's repairs: by serial, or by warranty card (and product).
CREATE INDEX repairs_serial_idx ON intake.repairs (serial) WHERE serial IS NOT NULL;
CREATE INDEX repairs_card_idx ON intake.repairs (warranty_card) WHERE warranty_card IS NOT NULL;
CREATE INDEX repairs_ticket_idx ON intake.repairs (ticket_id);

ALTER TABLE intake.repairs ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_confined ON intake.repairs
    USING ((SELECT kefu.scope_all()) OR branch_id = ANY ((SELECT kefu.scope_branches())::text[]));
-- Append-only: a repair happened.
GRANT SELECT, INSERT ON intake.repairs TO kefu_intake;

-- The warranty repairs of a unit, wherever they were done: the rule counts a
-- unit's repairs in every branch (a unit may be repaired where its customer
-- moved), while the transaction asking (an agent's ticket.submit) sees only
-- its own branches. As history_by_request (0014): read as the owner,
-- returning ids, the unit's keys and fault codes only, no customer data.
-- A unit is its serial, else its warranty card (and product); the card's
-- serial stands in for a serial the ticket did not name (unit_serial: the
-- serial the unit was looked up by, on every row). The caller
-- applies the rule (services/intake/repairs_rule.h) to the candidates.
CREATE FUNCTION intake.unit_repairs(p_serial text, p_card text, p_product text)
RETURNS TABLE (work_order_id bigint, ticket_id bigint, serial text, warranty_card text,
               product_code text, fault text, unit_serial text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    WITH u AS (SELECT coalesce(p_serial, (SELECT w.serial FROM ref.warranty_cards w
                                           WHERE w.card_no = p_card)) AS serial)
    SELECT r.work_order_id, r.ticket_id, r.serial, r.warranty_card, r.product_code, r.fault, u.serial
      FROM intake.repairs r, u
     WHERE r.within_warranty
       AND (r.serial = u.serial OR (r.warranty_card = p_card AND r.product_code = p_product))
     ORDER BY r.done_at, r.work_order_id
$$;
REVOKE ALL ON FUNCTION intake.unit_repairs(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION intake.unit_repairs(text, text, text) TO kefu_intake;

ALTER TABLE intake.tickets
    ADD COLUMN replacement_fault text CHECK (replacement_fault ~ '^[A-Za-z0-9_-]{1,32}$');
-- Set with its history row (replacement_flagged) in the same transaction (0015).
GRANT UPDATE (replacement_fault) ON intake.tickets TO kefu_intake;
GRANT SELECT (id, branch_id, replacement_fault) ON intake.tickets TO kefu_claims, kefu_billing, kefu_dispatch;

ALTER TABLE intake.ticket_history DROP CONSTRAINT ticket_history_event_check;
ALTER TABLE intake.ticket_history ADD CONSTRAINT ticket_history_event_check
    CHECK (event IN ('created', 'repeat_contact', 'closed_at_intake', 'work_order_assigned',
                     'work_order_unassigned', 'clock_started', 'clock_stopped', 'sla_warning',
                     'sla_escalated', 'sla_informed',
                     'first_reply', 'marked_complex', 'plan_sent', 'work_order_arranged',
                     'call_centre_checked', 'technician_arrived', 'work_order_completed',
                     'ticket_resolved', 'complaint_decided', 'callback_done', 'ticket_reopened',
                     'ticket_closed', 'paused', 'resumed', 'escalation_acknowledged',
                     'clock_paused', 'clock_resumed', 'clock_restarted',
                     'work_order_done', 'inspection_failed',
                     -- 0034: the three-repairs rule flagged the ticket
                     'replacement_flagged'));

-- The money subjects' clocks (sla.subject from billing and claims). deposit
-- is listed for the provider's deposit top-up; a deposit concerns no ticket,
-- and its clocks wait for a subject that needs none (docs/sla.md).
ALTER TABLE dispatch.sla_clocks DROP CONSTRAINT sla_clocks_subject_kind_check;
ALTER TABLE dispatch.sla_clocks ADD CONSTRAINT sla_clocks_subject_kind_check
    CHECK (subject_kind IN ('ticket', 'work_order', 'inspection', 'callback',
                            'dispute', 'claim', 'payment_stage', 'deposit'));

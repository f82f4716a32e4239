-- 0036 settlements and disputes of jobs (docs/billing.md "Settlement").
--   billing.settlements       one per work order with an estimate: the done
--                             report priced against the approved estimate
--                             (status priced, or awaiting_approval with
--                             hold_reason when it overran the branch's share),
--                             offered to the customer when the work is
--                             accepted (open), disputed, then accepted with
--                             the customer's name and time and its invoice.
--                             warranty_total is booked as warranty cost
--                             (ledger key warranty:<work_order_id>) at
--                             warranty_booked_at: the monthly report's source
--                             of free warranty work.
--   billing.settlement_lines  every line with its reason; a disputed line keeps
--                             its original amount, the customer's reason and
--                             the decision (upheld: amount reduced or removed;
--                             rejected: it stands).
--   billing.disputes          one per dispute of a settlement: opened, decided
--                             (the decision clock is dispatch's: sla.subject
--                             kind dispute).
-- Money is bigint minor units with its ISO 4217 code (common/base/money.h).

CREATE TABLE billing.settlements (
    id                 bigserial   PRIMARY KEY,
    work_order_id      bigint      NOT NULL UNIQUE,
    ticket_id          bigint      NOT NULL,
    branch_id          text        NOT NULL REFERENCES ref.branches (id),
    customer_id        text        CHECK (char_length(customer_id) <= 64),
    -- services/billing/settlement_states.c: the one table of its moves
    status             text        NOT NULL CHECK (status IN ('priced', 'awaiting_approval', 'open', 'disputed',
                                                              'accepted')),
    hold_reason        text        CHECK (char_length(hold_reason) <= 300),
    currency           text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    coverage           text        NOT NULL CHECK (coverage IN ('warranty', 'chargeable')),
    reason             text        NOT NULL CHECK (char_length(reason) <= 32),
    approved_total     bigint      NOT NULL CHECK (approved_total >= 0), -- the approved estimate's
    total              bigint      NOT NULL CHECK (total >= 0),          -- what the customer pays
    warranty_total     bigint      NOT NULL CHECK (warranty_total >= 0),
    reapproved_name    text        CHECK (char_length(reapproved_name) BETWEEN 1 AND 200),
    reapproved_at      timestamptz,
    work_accepted_at   timestamptz,
    warranty_booked_at timestamptz,
    accepted_name      text        CHECK (char_length(accepted_name) BETWEEN 1 AND 200),
    accepted_by        text        CHECK (char_length(accepted_by) <= 64),
    accepted_at        timestamptz,
    invoice_number     text        CHECK (char_length(invoice_number) <= 64),
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz NOT NULL,
    CHECK ((status = 'accepted') = (accepted_at IS NOT NULL))
);
CREATE INDEX settlements_ticket_idx ON billing.settlements (ticket_id);
CREATE INDEX settlements_booked_idx ON billing.settlements (branch_id, warranty_booked_at)
    WHERE warranty_booked_at IS NOT NULL;

CREATE TABLE billing.disputes (
    id            bigserial   PRIMARY KEY,
    settlement_id bigint      NOT NULL REFERENCES billing.settlements (id),
    branch_id     text        NOT NULL REFERENCES ref.branches (id),
    status        text        NOT NULL CHECK (status IN ('open', 'decided')),
    opened_by     text        NOT NULL CHECK (char_length(opened_by) <= 64),
    opened_at     timestamptz NOT NULL,
    decided_by    text        CHECK (char_length(decided_by) <= 64),
    decided_at    timestamptz,
    CHECK ((status = 'decided') = (decided_at IS NOT NULL))
);
CREATE UNIQUE INDEX disputes_one_open_idx ON billing.disputes (settlement_id) WHERE status = 'open';

-- A settlement's line has the shape (and the CHECKs) of an estimate's line,
-- and what a dispute adds.
CREATE TABLE billing.settlement_lines (
    settlement_id   bigint NOT NULL REFERENCES billing.settlements (id),
    LIKE billing.estimate_lines INCLUDING CONSTRAINTS,
    dispute_id      bigint REFERENCES billing.disputes (id),
    dispute_reason  text   CHECK (char_length(dispute_reason) BETWEEN 1 AND 500),
    original_amount bigint CHECK (original_amount >= 0),
    decision        text   CHECK (decision IN ('upheld', 'rejected')),
    decision_note   text   CHECK (char_length(decision_note) <= 500)
);
ALTER TABLE billing.settlement_lines DROP COLUMN estimate_id;
ALTER TABLE billing.settlement_lines ADD PRIMARY KEY (settlement_id, position);

GRANT SELECT, INSERT, UPDATE ON billing.settlements, billing.disputes, billing.settlement_lines TO kefu_billing;
GRANT USAGE, SELECT ON SEQUENCE billing.settlements_id_seq, billing.disputes_id_seq TO kefu_billing;

ALTER TABLE billing.settlements ENABLE ROW LEVEL SECURITY;
ALTER TABLE billing.disputes ENABLE ROW LEVEL SECURITY;
ALTER TABLE billing.settlement_lines ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_confined ON billing.settlements
    USING ((SELECT kefu.scope_all()) OR branch_id = ANY ((SELECT kefu.scope_branches())::text[]));
CREATE POLICY branch_confined ON billing.disputes
    USING ((SELECT kefu.scope_all()) OR branch_id = ANY ((SELECT kefu.scope_branches())::text[]));
CREATE POLICY branch_confined ON billing.settlement_lines
    USING ((SELECT kefu.scope_all())
           OR EXISTS (SELECT 1 FROM billing.settlements s WHERE s.id = settlement_id));


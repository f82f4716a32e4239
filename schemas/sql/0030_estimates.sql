-- 0030 billing's estimates (docs/billing.md "The flow"): made from the
-- technician's diagnosis (message workorder.diagnosed), each line decided
-- warranty or chargeable with its reason (model/warranty.h), approved by
-- the customer (name and time recorded); and the install dates billing
-- learns when an installation's work is accepted. Owned by the billing
-- service (role kefu_billing). Money is bigint minor units with its
-- ISO 4217 code (common/base/money.h).
--
-- What billing reads of intake, and nothing more: a ticket's branch,
-- customer id, product, serial and warranty card (never phone or address).

CREATE TABLE billing.estimates (
    id               bigserial   PRIMARY KEY,
    work_order_id    bigint      NOT NULL UNIQUE,
    ticket_id        bigint      NOT NULL,
    branch_id        text        NOT NULL REFERENCES ref.branches (id),
    -- services/billing/estimate_states.c: the one table of its moves
    status           text        NOT NULL CHECK (status IN ('awaiting_finding', 'awaiting_approval', 'approved',
                                                            'free')),
    currency         text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    fault_code       text        NOT NULL CHECK (fault_code ~ '^[A-Za-z0-9_-]{1,32}$'),
    card_no          text        CHECK (char_length(card_no) <= 64),
    product_code     text        CHECK (char_length(product_code) <= 64),
    -- findings the technician reported that wait for, or got, a service advisor's word
    findings         text[]      NOT NULL DEFAULT '{}',
    confirmed        text[]      NOT NULL DEFAULT '{}',
    dismissed        text[]      NOT NULL DEFAULT '{}',
    coverage         text        NOT NULL CHECK (coverage IN ('warranty', 'chargeable')),
    reason           text        NOT NULL CHECK (char_length(reason) <= 32),
    labour_minutes   int         NOT NULL CHECK (labour_minutes >= 0),
    distance_m       int         NOT NULL CHECK (distance_m >= 0),
    total            bigint      NOT NULL CHECK (total >= 0), -- what the customer pays
    warranty_total   bigint      NOT NULL CHECK (warranty_total >= 0),
    approved_name    text        CHECK (char_length(approved_name) BETWEEN 1 AND 200),
    approved_by      text        CHECK (char_length(approved_by) <= 64),
    approved_at      timestamptz,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL,
    CHECK ((status = 'approved') = (approved_at IS NOT NULL))
);
CREATE INDEX estimates_ticket_idx ON billing.estimates (ticket_id);

CREATE TABLE billing.estimate_lines (
    estimate_id bigint NOT NULL REFERENCES billing.estimates (id),
    position    int    NOT NULL CHECK (position >= 1),
    kind        text   NOT NULL CHECK (kind IN ('part', 'labour', 'travel')),
    code        text   CHECK (char_length(code) <= 64),
    description text   NOT NULL CHECK (char_length(description) <= 200),
    quantity    bigint NOT NULL CHECK (quantity >= 0),
    unit_amount bigint NOT NULL CHECK (unit_amount >= 0),
    amount      bigint NOT NULL CHECK (amount >= 0),
    coverage    text   NOT NULL CHECK (coverage IN ('warranty', 'chargeable')),
    reason      text   NOT NULL CHECK (char_length(reason) <= 32),
    PRIMARY KEY (estimate_id, position)
);

-- Install dates learnt from accepted installation work orders: they count
-- before the date on the card (docs/billing.md "Install date").
CREATE TABLE billing.installs (
    ticket_id     bigint      PRIMARY KEY,
    branch_id     text        NOT NULL REFERENCES ref.branches (id),
    card_no       text        CHECK (char_length(card_no) <= 64),
    serial        text        CHECK (char_length(serial) <= 64),
    product_code  text        CHECK (char_length(product_code) <= 64),
    work_order_id bigint      NOT NULL,
    install_date  date        NOT NULL,
    recorded_at   timestamptz NOT NULL
);
CREATE INDEX installs_card_idx ON billing.installs (card_no);

GRANT SELECT, INSERT, UPDATE ON billing.estimates TO kefu_billing;
GRANT SELECT, INSERT, DELETE ON billing.estimate_lines TO kefu_billing;
GRANT SELECT, INSERT ON billing.installs TO kefu_billing;
GRANT USAGE, SELECT ON SEQUENCE billing.estimates_id_seq TO kefu_billing;

-- Branch confinement (0014): estimates and installs by their branch, lines
-- through their estimate.
ALTER TABLE billing.estimates ENABLE ROW LEVEL SECURITY;
ALTER TABLE billing.installs ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_confined ON billing.estimates
    USING ((SELECT kefu.scope_all()) OR branch_id = ANY ((SELECT kefu.scope_branches())::text[]));
CREATE POLICY branch_confined ON billing.installs
    USING ((SELECT kefu.scope_all()) OR branch_id = ANY ((SELECT kefu.scope_branches())::text[]));
ALTER TABLE billing.estimate_lines ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_confined ON billing.estimate_lines
    USING ((SELECT kefu.scope_all())
           OR EXISTS (SELECT 1 FROM billing.estimates e WHERE e.id = estimate_id));

-- Its message handlers act for the system (every branch).
GRANT kefu_all_branches TO kefu_billing;

GRANT USAGE ON SCHEMA intake TO kefu_billing;
GRANT SELECT (id, branch_id, customer_id, product_code, serial, warranty_card, kind)
    ON intake.tickets TO kefu_billing;

-- 0028 invoices, credit notes, payments, project payment stages and claim
-- credits (docs/ledger.md). billing writes them alone, as kefu_billing;
-- each of their money movements is also an entry of billing.ledger_entries
-- (0027), posted in the same transaction.
--   * billing.number_counters: the last number given per branch, series
--     (INV invoices, CN credit notes) and year (the year in the branch's
--     time zone). Taken FOR UPDATE in the transaction that numbers, so
--     numbers are gap-free and never doubled, also with several billing
--     instances: never a sequence (a rolled-back nextval leaves a gap).
--   * billing.invoices: one per settlement (source names it) or per manual
--     or stage invoice; amount, what was paid, its status; a void one keeps
--     its number and names its credit note.
--   * billing.credit_notes: the credit note that balances a voided invoice.
--   * billing.payments: one per receipt reference (bank, WeChat, cash).
--   * billing.projects / billing.payment_stages: a project's stages
--     (deposit, mid-term, final), each invoiced when it falls due.
--   * billing.claim_credits: approved claims credited to a dealer.
-- Rows are records: only status columns change (invoice status and paid,
-- a stage's due and paid times); claim credits, credit notes and payments
-- are append-only.

CREATE TABLE billing.number_counters (
    branch_id text NOT NULL REFERENCES ref.branches (id),
    series    text NOT NULL CHECK (series IN ('INV', 'CN')),
    year      int  NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    last      int  NOT NULL DEFAULT 0 CHECK (last BETWEEN 0 AND 999999),
    PRIMARY KEY (branch_id, series, year)
);

CREATE TABLE billing.invoices (
    id            bigserial   PRIMARY KEY,
    number        text        NOT NULL UNIQUE CHECK (char_length(number) BETWEEN 1 AND 64),
    branch_id     text        NOT NULL REFERENCES ref.branches (id),
    year          int         NOT NULL,
    seq           int         NOT NULL CHECK (seq > 0),
    source        text        NOT NULL UNIQUE CHECK (char_length(source) BETWEEN 1 AND 200),
    customer_id   text        NOT NULL CHECK (char_length(customer_id) BETWEEN 1 AND 64),
    settlement_id bigint      CHECK (settlement_id > 0),
    work_order_id bigint      CHECK (work_order_id > 0),
    ticket_id     bigint      CHECK (ticket_id > 0),
    description   text        CHECK (char_length(description) BETWEEN 1 AND 200),
    amount        bigint      NOT NULL CHECK (amount > 0),
    currency      text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    paid          bigint      NOT NULL DEFAULT 0 CHECK (paid >= 0 AND paid <= amount),
    status        text        NOT NULL DEFAULT 'open'
                  CHECK (status IN ('open', 'partly_paid', 'paid', 'void')),
    issued_at     timestamptz NOT NULL,
    issued_by     text        NOT NULL CHECK (char_length(issued_by) BETWEEN 1 AND 64),
    UNIQUE (branch_id, year, seq)
);
CREATE INDEX invoices_ticket_idx ON billing.invoices (ticket_id);
CREATE INDEX invoices_branch_issued_idx ON billing.invoices (branch_id, issued_at);

CREATE TABLE billing.credit_notes (
    id         bigserial   PRIMARY KEY,
    number     text        NOT NULL UNIQUE CHECK (char_length(number) BETWEEN 1 AND 64),
    invoice_id bigint      NOT NULL UNIQUE REFERENCES billing.invoices (id),
    branch_id  text        NOT NULL REFERENCES ref.branches (id),
    year       int         NOT NULL,
    seq        int         NOT NULL CHECK (seq > 0),
    amount     bigint      NOT NULL CHECK (amount > 0),
    currency   text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    reason     text        NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 500),
    issued_at  timestamptz NOT NULL,
    issued_by  text        NOT NULL CHECK (char_length(issued_by) BETWEEN 1 AND 64),
    UNIQUE (branch_id, year, seq)
);

CREATE TABLE billing.payments (
    id          bigserial   PRIMARY KEY,
    reference   text        NOT NULL UNIQUE CHECK (char_length(reference) BETWEEN 1 AND 64),
    invoice_id  bigint      NOT NULL REFERENCES billing.invoices (id),
    branch_id   text        NOT NULL REFERENCES ref.branches (id),
    amount      bigint      NOT NULL CHECK (amount > 0),
    currency    text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    received_at timestamptz NOT NULL,
    recorded_by text        NOT NULL CHECK (char_length(recorded_by) BETWEEN 1 AND 64)
);
CREATE INDEX payments_invoice_idx ON billing.payments (invoice_id);

-- A project pays in stages; ticket_id is the project's (installation) ticket.
CREATE TABLE billing.projects (
    ticket_id   bigint      PRIMARY KEY CHECK (ticket_id > 0),
    branch_id   text        NOT NULL REFERENCES ref.branches (id),
    customer_id text        NOT NULL CHECK (char_length(customer_id) BETWEEN 1 AND 64),
    currency    text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    opened_at   timestamptz NOT NULL,
    opened_by   text        NOT NULL CHECK (char_length(opened_by) BETWEEN 1 AND 64)
);

CREATE TABLE billing.payment_stages (
    id         bigserial   PRIMARY KEY,
    ticket_id  bigint      NOT NULL REFERENCES billing.projects (ticket_id),
    branch_id  text        NOT NULL REFERENCES ref.branches (id),
    stage      text        NOT NULL CHECK (stage IN ('deposit', 'mid_term', 'final')),
    amount     bigint      NOT NULL CHECK (amount > 0),
    status     text        NOT NULL DEFAULT 'waiting' CHECK (status IN ('waiting', 'due', 'paid')),
    invoice_id bigint      UNIQUE REFERENCES billing.invoices (id),
    due_at     timestamptz,
    paid_at    timestamptz,
    UNIQUE (ticket_id, stage),
    CHECK ((status = 'waiting') = (invoice_id IS NULL)),
    CHECK ((status = 'paid') = (paid_at IS NOT NULL))
);

CREATE TABLE billing.claim_credits (
    claim_id       bigint      PRIMARY KEY CHECK (claim_id > 0),
    branch_id      text        NOT NULL REFERENCES ref.branches (id),
    dealer_id      text        NOT NULL CHECK (char_length(dealer_id) BETWEEN 1 AND 64),
    ticket_id      bigint      NOT NULL CHECK (ticket_id > 0),
    work_order_id  bigint      NOT NULL CHECK (work_order_id > 0),
    amount         bigint      NOT NULL CHECK (amount > 0),
    currency       text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    responsibility text        NOT NULL
                   CHECK (responsibility IN ('product_quality', 'installation', 'customer_misuse')),
    credited_at    timestamptz NOT NULL
);
CREATE INDEX claim_credits_dealer_idx ON billing.claim_credits (dealer_id);

DO $$
DECLARE
    t text;
    -- branch confinement (0014), as every branch table
    confined constant text := 'ALTER TABLE %1$s ENABLE ROW LEVEL SECURITY;'
        ' CREATE POLICY branch_confined ON %1$s USING ((SELECT kefu.scope_all())'
        ' OR branch_id = ANY ((SELECT kefu.scope_branches())::text[]))';
BEGIN
    FOREACH t IN ARRAY ARRAY['billing.credit_notes', 'billing.payments', 'billing.claim_credits']
    LOOP
        EXECUTE format('CREATE TRIGGER append_only BEFORE UPDATE OR DELETE ON %s'
                       ' FOR EACH ROW EXECUTE FUNCTION kefu.refuse_change()', t);
        EXECUTE format('CREATE TRIGGER no_truncate BEFORE TRUNCATE ON %s'
                       ' FOR EACH STATEMENT EXECUTE FUNCTION kefu.refuse_change()', t);
    END LOOP;
    FOREACH t IN ARRAY ARRAY['billing.number_counters', 'billing.invoices', 'billing.credit_notes',
                             'billing.payments', 'billing.projects', 'billing.payment_stages',
                             'billing.claim_credits']
    LOOP
        EXECUTE format(confined, t);
    END LOOP;
END
$$;

GRANT SELECT, INSERT, UPDATE ON billing.number_counters, billing.invoices, billing.payment_stages
    TO kefu_billing;
GRANT SELECT, INSERT ON billing.credit_notes, billing.payments, billing.projects, billing.claim_credits
    TO kefu_billing;
GRANT USAGE ON SEQUENCE billing.invoices_id_seq, billing.credit_notes_id_seq, billing.payments_id_seq,
    billing.payment_stages_id_seq TO kefu_billing;

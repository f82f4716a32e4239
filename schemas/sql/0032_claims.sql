-- 0032 claims: dealers' and service providers' warranty claims, the parts
-- they must send back, defects recorded against lots, and returns
-- (docs/claims.md). claims owns schema claims and writes it alone, as
-- kefu_claims.
--   * claims.claims: one per work order (a second claim for the same work
--     is refused): what the claimant filed (product, spec, quantity, the
--     purchase proof, the install date, description, cause, the photos as
--     references, the amount), the three-repairs flag the ticket carried,
--     the regional manager's review and head office's decision;
--   * claims.claim_parts: the parts the done report replaced, each to be
--     returned and checked before the claim closes;
--   * claims.lot_defects: defects recorded against a lot (ref.lots);
--   * claims.returns: the returns accepted, with the figures of the rule
--     that allowed them (a refused return is not stored: it changes nothing).
-- Money is bigint minor units with an ISO 4217 code (common/base/money.h).
-- Claims and their parts carry the work's branch and are confined by it
-- like every branch table (0014); a pre-sale return and a lot's defects
-- belong to a dealer, not a branch: the service confines them to the
-- dealer's staff (and head office), and the returns' policy lets only a
-- transaction acting for every branch see a pre-sale return.

CREATE TABLE claims.claims (
    id                   bigserial   PRIMARY KEY,
    work_order_id        bigint      NOT NULL UNIQUE CHECK (work_order_id > 0),
    ticket_id            bigint      NOT NULL CHECK (ticket_id > 0),
    branch_id            text        NOT NULL REFERENCES ref.branches (id),
    org_id               text        NOT NULL REFERENCES ref.organisations (id),
    product_code         text        NOT NULL REFERENCES ref.products (code),
    spec                 text        NOT NULL CHECK (char_length(spec) BETWEEN 1 AND 200),
    quantity             int         NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
    purchase_proof       text        NOT NULL CHECK (char_length(purchase_proof) BETWEEN 1 AND 256),
    install_date         date        NOT NULL,
    description          text        NOT NULL CHECK (char_length(description) BETWEEN 1 AND 4000),
    cause                text        NOT NULL CHECK (cause ~ '^[A-Za-z0-9_-]{1,32}$'),
    photos               jsonb       NOT NULL CHECK (jsonb_typeof(photos) = 'array'),
    amount               bigint      NOT NULL CHECK (amount > 0),
    currency             text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    unrepairable_on_site bool        NOT NULL DEFAULT false,
    replacement_fault    text        CHECK (char_length(replacement_fault) BETWEEN 1 AND 32),
    status               text        NOT NULL DEFAULT 'filed'
                         CHECK (status IN ('filed', 'reviewed', 'approved', 'rejected', 'closed')),
    filed_by             text        NOT NULL CHECK (char_length(filed_by) BETWEEN 1 AND 64),
    filed_at             timestamptz NOT NULL,
    recommendation       text        CHECK (recommendation IN ('approve', 'reject')),
    review_note          text        CHECK (char_length(review_note) <= 2000),
    reviewed_by          text        CHECK (char_length(reviewed_by) BETWEEN 1 AND 64),
    reviewed_at          timestamptz,
    decision             text        CHECK (decision IN ('approve', 'reject')),
    responsibility       text        CHECK (responsibility IN ('product_quality', 'installation', 'customer_misuse')),
    approved_amount      bigint      CHECK (approved_amount > 0 AND approved_amount <= amount),
    decision_note        text        CHECK (char_length(decision_note) <= 2000),
    decided_by           text        CHECK (char_length(decided_by) BETWEEN 1 AND 64),
    decided_at           timestamptz,
    closed_at            timestamptz,
    CHECK ((reviewed_at IS NULL) = (recommendation IS NULL)),
    CHECK ((decided_at IS NULL) = (decision IS NULL)),
    CHECK ((decision = 'approve') = (approved_amount IS NOT NULL)),
    CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX claims_org_idx ON claims.claims (org_id, id);
CREATE INDEX claims_branch_status_idx ON claims.claims (branch_id, status, id);

CREATE TABLE claims.claim_parts (
    claim_id        bigint      NOT NULL REFERENCES claims.claims (id),
    position        int         NOT NULL CHECK (position BETWEEN 0 AND 99),
    branch_id       text        NOT NULL REFERENCES ref.branches (id),
    code            text        NOT NULL CHECK (code ~ '^[A-Za-z0-9_.-]{1,64}$'),
    quantity        int         NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
    serial          text        CHECK (char_length(serial) BETWEEN 1 AND 64),
    returned_serial text        CHECK (char_length(returned_serial) BETWEEN 1 AND 64),
    returned_by     text        CHECK (char_length(returned_by) BETWEEN 1 AND 64),
    returned_at     timestamptz,
    check_result    text        CHECK (check_result IN ('ok', 'not_as_stated')),
    check_note      text        CHECK (char_length(check_note) <= 2000),
    checked_by      text        CHECK (char_length(checked_by) BETWEEN 1 AND 64),
    checked_at      timestamptz,
    PRIMARY KEY (claim_id, position),
    CHECK ((returned_at IS NULL) = (returned_by IS NULL)),
    CHECK ((checked_at IS NULL) = (check_result IS NULL)),
    CHECK (checked_at IS NULL OR returned_at IS NOT NULL)
);

CREATE TABLE claims.lot_defects (
    id          bigserial   PRIMARY KEY,
    lot         text        NOT NULL REFERENCES ref.lots (lot),
    count       int         NOT NULL CHECK (count BETWEEN 1 AND 1000000),
    note        text        CHECK (char_length(note) <= 2000),
    recorded_by text        NOT NULL CHECK (char_length(recorded_by) BETWEEN 1 AND 64),
    recorded_at timestamptz NOT NULL
);
CREATE INDEX lot_defects_lot_idx ON claims.lot_defects (lot);

CREATE TABLE claims.returns (
    id            bigserial   PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('pre_sale', 'after_sale')),
    lot           text        REFERENCES ref.lots (lot),
    claim_id      bigint      REFERENCES claims.claims (id),
    branch_id     text        REFERENCES ref.branches (id),
    org_id        text        NOT NULL REFERENCES ref.organisations (id),
    -- pre-sale: the figures the rule was applied to
    defects       int         CHECK (defects >= 0),
    quantity      int         CHECK (quantity > 0),
    rate_bp       int         CHECK (rate_bp BETWEEN 0 AND 10000),
    age_days      int,
    requested_by  text        NOT NULL CHECK (char_length(requested_by) BETWEEN 1 AND 64),
    requested_at  timestamptz NOT NULL,
    CHECK ((kind = 'pre_sale') = (lot IS NOT NULL AND claim_id IS NULL AND branch_id IS NULL)),
    CHECK ((kind = 'after_sale') = (claim_id IS NOT NULL AND branch_id IS NOT NULL))
);
-- A lot is returned once; a claim's product once.
CREATE UNIQUE INDEX returns_lot_idx ON claims.returns (lot) WHERE kind = 'pre_sale';
CREATE UNIQUE INDEX returns_claim_idx ON claims.returns (claim_id) WHERE kind = 'after_sale';

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['claims.claims', 'claims.claim_parts', 'claims.returns']
    LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY branch_confined ON %s'
                       ' USING ((SELECT kefu.scope_all())'
                       '        OR branch_id = ANY ((SELECT kefu.scope_branches())::text[]))', t);
    END LOOP;
END
$$;

-- Rows are never deleted: a claim, a defect and a return are records.
GRANT SELECT, INSERT, UPDATE ON claims.claims, claims.claim_parts TO kefu_claims;
GRANT SELECT, INSERT ON claims.lot_defects, claims.returns TO kefu_claims;
GRANT USAGE ON SEQUENCE claims.claims_id_seq, claims.lot_defects_id_seq, claims.returns_id_seq TO kefu_claims;

-- 0027 ledger: billing's book of every movement of money (docs/ledger.md).
-- billing owns schema billing and writes it alone, as kefu_billing.
--   * billing.ledger_entries: one row per business event that moves money,
--     an amount from one account (credit) to another (debit), so every
--     entry balances by construction. Append-only: the database refuses
--     UPDATE, DELETE and TRUNCATE (a correction is a new entry the other
--     way). The key names the event ("claim:42", "payment:INV-…:WX123")
--     and is unique: the same event posted twice is booked once.
-- branch_id is the branch whose books the entry belongs to; NULL for head
-- office's own books (provider rewards, deposits, fines), which only a
-- transaction acting for every branch sees.

-- Its message handlers act for every branch (an approved claim, a signed
-- inspection level of any branch), as qc's do (0019).
GRANT kefu_all_branches TO kefu_billing;

CREATE TABLE billing.ledger_entries (
    id        bigserial   PRIMARY KEY,
    key       text        NOT NULL UNIQUE CHECK (char_length(key) BETWEEN 1 AND 200),
    kind      text        NOT NULL CHECK (kind IN ('charge', 'credit_note', 'payment', 'warranty',
                                                   'claim_credit', 'reward', 'penalty', 'deposit',
                                                   'reward_via_dealer', 'correction')),
    debit     text        NOT NULL,
    credit    text        NOT NULL,
    amount    bigint      NOT NULL CHECK (amount > 0),
    currency  text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    branch_id text        REFERENCES ref.branches (id),
    party     text        CHECK (char_length(party) BETWEEN 1 AND 64),
    ref       text        CHECK (char_length(ref) BETWEEN 1 AND 200),
    at        timestamptz NOT NULL,
    actor     text        NOT NULL CHECK (char_length(actor) BETWEEN 1 AND 64),
    CHECK (debit IN ('cash', 'customer_receivables', 'service_revenue', 'warranty_cost',
                     'dealer_accounts', 'provider_rewards_payable', 'deposits', 'penalties',
                     'other_receivables')),
    CHECK (credit IN ('cash', 'customer_receivables', 'service_revenue', 'warranty_cost',
                      'dealer_accounts', 'provider_rewards_payable', 'deposits', 'penalties',
                      'other_receivables')),
    CHECK (debit <> credit)
);
-- The monthly report: a branch's entries of a period.
CREATE INDEX ledger_entries_branch_at_idx ON billing.ledger_entries (branch_id, at);
-- An account's balance for one party (account.get).
CREATE INDEX ledger_entries_party_idx ON billing.ledger_entries (party) WHERE party IS NOT NULL;

CREATE TRIGGER ledger_entries_append_only
    BEFORE UPDATE OR DELETE ON billing.ledger_entries
    FOR EACH ROW EXECUTE FUNCTION kefu.refuse_change();
CREATE TRIGGER ledger_entries_no_truncate
    BEFORE TRUNCATE ON billing.ledger_entries
    FOR EACH STATEMENT EXECUTE FUNCTION kefu.refuse_change();

-- Branch confinement (0014), as every branch table; a head-office row
-- (branch_id NULL) matches no branch list, so only scope_all sees it.
ALTER TABLE billing.ledger_entries ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_confined ON billing.ledger_entries
    USING ((SELECT kefu.scope_all())
           OR branch_id = ANY ((SELECT kefu.scope_branches())::text[]));

GRANT SELECT, INSERT ON billing.ledger_entries TO kefu_billing;
GRANT USAGE ON SEQUENCE billing.ledger_entries_id_seq TO kefu_billing;

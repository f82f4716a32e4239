-- 0031 providers: service-provider settlement (docs/providers.md). billing
-- owns these tables and writes them alone, as kefu_billing; they are head
-- office's books, not a branch's (a provider serves regions), so they carry
-- no branch and only a transaction acting for every branch reads them
-- (billing states that for the provider requests, whose callers it checks
-- itself: head office, a regional manager, finance, the provider's staff).
--   * billing.provider_months: a provider's score of a month, as qc's
--     monthly report gives it, recorded by head office or the regional
--     manager; it may be recorded again until its quarter is settled;
--   * billing.provider_incidents: media-exposure incidents (no reward for
--     the rest of that year when the providers file says so);
--   * billing.provider_penalties: penalties and fraud fines, each taken at
--     the provider's next settlement from the reward, then the deposit,
--     then other receivables (what it took from each is kept on the row);
--   * billing.provider_deposits, billing.deposit_movements: the deposit held
--     and every change of it; short after a penalty, it must be topped up
--     within billing.deposit_topup_days;
--   * billing.provider_settlements: a quarter's settlement with every figure
--     the statement shows, and where a dealer pays the reward, the notice
--     and the provider's confirmation.
-- Every money movement is also an entry of billing.ledger_entries (0027).
-- Amounts are bigint minor units with an ISO 4217 code; scores and
-- averages hundredths of a point, coefficients thousandths.

CREATE TABLE billing.provider_months (
    provider_id text        NOT NULL REFERENCES ref.organisations (id),
    month       text        NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    score       int         NOT NULL CHECK (score BETWEEN 0 AND 10000),
    note        text        CHECK (char_length(note) BETWEEN 1 AND 2000),
    recorded_by text        NOT NULL CHECK (char_length(recorded_by) BETWEEN 1 AND 64),
    recorded_at timestamptz NOT NULL,
    PRIMARY KEY (provider_id, month)
);

CREATE TABLE billing.provider_incidents (
    id          bigserial   PRIMARY KEY,
    provider_id text        NOT NULL REFERENCES ref.organisations (id),
    kind        text        NOT NULL CHECK (kind IN ('media_exposure')),
    occurred_on date        NOT NULL,
    description text        NOT NULL CHECK (char_length(description) BETWEEN 1 AND 2000),
    recorded_by text        NOT NULL CHECK (char_length(recorded_by) BETWEEN 1 AND 64),
    recorded_at timestamptz NOT NULL,
    request_id  text        NOT NULL CHECK (char_length(request_id) BETWEEN 1 AND 64),
    UNIQUE (recorded_by, request_id)
);
CREATE INDEX provider_incidents_idx ON billing.provider_incidents (provider_id, occurred_on);

-- A penalty is pending until a settlement takes it (settled_year/quarter
-- and the three parts set together, once).
CREATE TABLE billing.provider_penalties (
    id            bigserial   PRIMARY KEY,
    provider_id   text        NOT NULL REFERENCES ref.organisations (id),
    kind          text        NOT NULL CHECK (kind IN ('penalty', 'fraud')),
    amount        bigint      NOT NULL CHECK (amount > 0),
    currency      text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    involved      bigint      CHECK (involved > 0),
    factor        int         CHECK (factor BETWEEN 1 AND 1000),
    reason        text        NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 2000),
    recorded_by   text        NOT NULL CHECK (char_length(recorded_by) BETWEEN 1 AND 64),
    recorded_at   timestamptz NOT NULL,
    request_id    text        NOT NULL CHECK (char_length(request_id) BETWEEN 1 AND 64),
    settled_year  int,
    settled_q     int         CHECK (settled_q BETWEEN 1 AND 4),
    from_reward   bigint      CHECK (from_reward >= 0),
    from_deposit  bigint      CHECK (from_deposit >= 0),
    from_other    bigint      CHECK (from_other >= 0),
    UNIQUE (recorded_by, request_id),
    CHECK ((kind = 'fraud') = (involved IS NOT NULL AND factor IS NOT NULL)),
    CHECK ((settled_year IS NULL) = (settled_q IS NULL) AND (settled_q IS NULL) = (from_reward IS NULL)
           AND (from_reward IS NULL) = (from_deposit IS NULL) AND (from_deposit IS NULL) = (from_other IS NULL)),
    CHECK (from_reward IS NULL OR from_reward + from_deposit + from_other = amount)
);
CREATE INDEX provider_penalties_pending_idx ON billing.provider_penalties (provider_id) WHERE settled_q IS NULL;

-- id: the deposit as an SLA subject (sla.subject kind deposit).
CREATE TABLE billing.provider_deposits (
    provider_id text        PRIMARY KEY REFERENCES ref.organisations (id),
    id          bigserial   UNIQUE,
    currency    text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    held        bigint      NOT NULL CHECK (held >= 0),
    state       text        NOT NULL CHECK (state IN ('ok', 'short')),
    due_at      timestamptz,
    updated_at  timestamptz NOT NULL,
    CHECK ((state = 'short') = (due_at IS NOT NULL))
);

CREATE TABLE billing.deposit_movements (
    id          bigserial   PRIMARY KEY,
    provider_id text        NOT NULL REFERENCES ref.organisations (id),
    kind        text        NOT NULL CHECK (kind IN ('received', 'topped_up', 'penalty')),
    amount      bigint      NOT NULL CHECK (amount > 0),
    held_after  bigint      NOT NULL CHECK (held_after >= 0),
    ref         text        NOT NULL CHECK (char_length(ref) BETWEEN 1 AND 200),
    at          timestamptz NOT NULL,
    actor       text        NOT NULL CHECK (char_length(actor) BETWEEN 1 AND 64),
    UNIQUE (ref)
);
CREATE INDEX deposit_movements_provider_idx ON billing.deposit_movements (provider_id, at);

CREATE TABLE billing.provider_settlements (
    provider_id  text        NOT NULL REFERENCES ref.organisations (id),
    year         int         NOT NULL CHECK (year BETWEEN 2000 AND 9999),
    quarter      int         NOT NULL CHECK (quarter BETWEEN 1 AND 4),
    months       int         NOT NULL CHECK (months BETWEEN 0 AND 3),
    scores       int[]       NOT NULL,
    average      int         NOT NULL CHECK (average BETWEEN 0 AND 10000),
    grade        text        NOT NULL CHECK (char_length(grade) BETWEEN 1 AND 16),
    coefficient  int         NOT NULL CHECK (coefficient >= 0),
    eligible     bool        NOT NULL,
    reason       text        CHECK (char_length(reason) <= 400),
    callbacks    int         NOT NULL CHECK (callbacks >= 0),
    satisfied    int         NOT NULL CHECK (satisfied BETWEEN 0 AND callbacks),
    base         bigint      NOT NULL CHECK (base >= 0),
    reward       bigint      NOT NULL CHECK (reward >= 0),
    taken        bigint      NOT NULL CHECK (taken >= 0 AND taken <= reward),
    currency     text        NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
    dealer_id    text        REFERENCES ref.organisations (id),
    state        text        NOT NULL CHECK (state IN ('settled', 'noticed', 'confirmed')),
    settled_by   text        NOT NULL CHECK (char_length(settled_by) BETWEEN 1 AND 64),
    settled_at   timestamptz NOT NULL,
    noticed_by   text        CHECK (char_length(noticed_by) BETWEEN 1 AND 64),
    noticed_at   timestamptz,
    confirmed_by text        CHECK (char_length(confirmed_by) BETWEEN 1 AND 64),
    confirmed_at timestamptz,
    PRIMARY KEY (provider_id, year, quarter),
    CHECK (state = 'settled' OR dealer_id IS NOT NULL),
    CHECK ((state = 'settled') = (noticed_at IS NULL)),
    CHECK ((state = 'confirmed') = (confirmed_at IS NOT NULL))
);

-- Head office's books: only a transaction acting for every branch reads
-- or writes them (billing states it for the provider requests).
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['billing.provider_months', 'billing.provider_incidents',
                             'billing.provider_penalties', 'billing.provider_deposits',
                             'billing.deposit_movements', 'billing.provider_settlements']
    LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY head_office ON %s USING ((SELECT kefu.scope_all()))', t);
    END LOOP;
END
$$;

CREATE TRIGGER deposit_movements_append_only
    BEFORE UPDATE OR DELETE ON billing.deposit_movements
    FOR EACH ROW EXECUTE FUNCTION kefu.refuse_change();
CREATE TRIGGER provider_incidents_append_only
    BEFORE UPDATE OR DELETE ON billing.provider_incidents
    FOR EACH ROW EXECUTE FUNCTION kefu.refuse_change();

GRANT SELECT, INSERT, UPDATE ON billing.provider_months, billing.provider_penalties,
    billing.provider_deposits, billing.provider_settlements TO kefu_billing;
GRANT SELECT, INSERT ON billing.provider_incidents, billing.deposit_movements TO kefu_billing;
GRANT USAGE ON SEQUENCE billing.provider_incidents_id_seq, billing.provider_penalties_id_seq,
    billing.provider_deposits_id_seq, billing.deposit_movements_id_seq TO kefu_billing;

-- A provider's callbacks of a period, for the satisfaction rule: how many
-- were recorded with an outcome and how many of those were satisfied,
-- over the work of its technicians in every branch. Counts only: no
-- customer, no ticket. SECURITY DEFINER (owned by kefu_owner) because a
-- provider's technicians and callbacks lie in many branches and billing
-- has no other grant on callback's tables.
CREATE FUNCTION billing.provider_callbacks(provider text, from_at timestamptz, to_at timestamptz,
                                           OUT recorded bigint, OUT satisfied bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT count(*), count(*) FILTER (WHERE c.outcome = 'satisfied')
      FROM callback.callbacks c
      JOIN ref.technicians t ON t.id = c.technician_id
     WHERE t.organisation_id = provider
       AND c.outcome IN ('satisfied', 'neutral', 'dissatisfied')
       AND c.recorded_at >= from_at AND c.recorded_at < to_at
$$;
REVOKE ALL ON FUNCTION billing.provider_callbacks(text, timestamptz, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION billing.provider_callbacks(text, timestamptz, timestamptz) TO kefu_billing;

-- 0021 scores: qc's monthly scores (docs/scores.md). qc owns these tables
-- and writes them alone, as kefu_qc:
--   * qc.score_samples: the agent tickets sampled for a month (one row per
--     ticket: sampling a month twice adds nothing);
--   * qc.score_forms: the weighted call-handling form a qc inspector filled
--     for a sampled ticket (one per ticket);
--   * qc.assessment_notices: recorded events (考核通知书), each a deduction
--     or bonus from the configured standard, with its reason and the person
--     who recorded it; never changed or deleted;
--   * qc.regional_assessments: the regional service manager's assessment of
--     a person or a provider for a month (0 to 100, one weighted part);
--     a later assessment of the same month replaces the earlier one.
-- Every row carries its branch and is confined by it (0014).
--
-- What qc reads of others for the scores, and nothing more (column grants;
-- the tables' own row-level security confines every read to the branches
-- the transaction acts for):
--   intake.tickets        id, branch, kind, status, times, and the staff
--                         member a complaint names (no customer, no text)
--   intake.ticket_history ticket, event, actor, time (who took a ticket in)
--   dispatch.work_orders  ticket, branch, technician, status, purpose,
--                         arrival (whose arrival, which work was accepted)
--   dispatch.sla_clocks   ticket, branch, clock name and its instants
--                         (arrival and complaint-decision compliance)
--   callback.callbacks    ticket, branch, technician, agent, outcome and
--                         when it was recorded, through qc.callback_outcomes
-- No customer phone number or address: qc reads no ref.customers column.

-- A complaint may name the staff member complained about (intake checks
-- that it is a known active staff id; ticket.submit's complained_staff_id).
ALTER TABLE intake.tickets
    ADD COLUMN complained_staff_id text CHECK (complained_staff_id <> '' AND char_length(complained_staff_id) <= 64),
    ADD CONSTRAINT tickets_complained_staff_check CHECK (complained_staff_id IS NULL OR kind = 'complaint');
CREATE INDEX tickets_complained_staff_idx ON intake.tickets (complained_staff_id, created_at)
    WHERE complained_staff_id IS NOT NULL;

CREATE TABLE qc.score_samples (
    ticket_id  bigint      PRIMARY KEY CHECK (ticket_id > 0),
    branch_id  text        NOT NULL REFERENCES ref.branches (id),
    agent_id   text        NOT NULL CHECK (agent_id <> '' AND char_length(agent_id) <= 64),
    month      text        NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    sampled_by text        NOT NULL CHECK (sampled_by <> '' AND char_length(sampled_by) <= 64),
    sampled_at timestamptz NOT NULL
);
CREATE INDEX score_samples_month_idx ON qc.score_samples (branch_id, month, agent_id);

CREATE TABLE qc.score_forms (
    ticket_id bigint        PRIMARY KEY REFERENCES qc.score_samples (ticket_id),
    branch_id text          NOT NULL REFERENCES ref.branches (id),
    agent_id  text          NOT NULL CHECK (agent_id <> '' AND char_length(agent_id) <= 64),
    month     text          NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    items     jsonb         NOT NULL CHECK (jsonb_typeof(items) = 'array'),
    total     numeric(5, 2) NOT NULL CHECK (total BETWEEN 0 AND 100),
    note      text          CHECK (char_length(note) <= 2000),
    scored_by text          NOT NULL CHECK (scored_by <> '' AND char_length(scored_by) <= 64),
    scored_at timestamptz   NOT NULL
);
CREATE INDEX score_forms_month_idx ON qc.score_forms (branch_id, month, agent_id);

CREATE TABLE qc.assessment_notices (
    id           bigserial     PRIMARY KEY,
    branch_id    text          NOT NULL REFERENCES ref.branches (id),
    subject      text          NOT NULL CHECK (subject <> '' AND char_length(subject) <= 64),
    subject_kind text          NOT NULL CHECK (subject_kind IN ('staff', 'provider')),
    month        text          NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    code         text          NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,64}$'),
    points       numeric(6, 2) NOT NULL CHECK (points BETWEEN -100 AND 100 AND points <> 0),
    reason       text          NOT NULL CHECK (char_length(reason) BETWEEN 1 AND 2000),
    occurred_at  timestamptz   NOT NULL,
    recorded_by  text          NOT NULL CHECK (recorded_by <> '' AND char_length(recorded_by) <= 64),
    recorded_at  timestamptz   NOT NULL,
    request_id   text          CHECK (char_length(request_id) BETWEEN 1 AND 64)
);
CREATE INDEX assessment_notices_month_idx ON qc.assessment_notices (branch_id, month, subject);
-- A recorder's request_id identifies one notice (a retried request records nothing twice).
CREATE UNIQUE INDEX assessment_notices_request ON qc.assessment_notices (recorded_by, request_id)
    WHERE request_id IS NOT NULL;

CREATE TABLE qc.regional_assessments (
    branch_id    text          NOT NULL REFERENCES ref.branches (id),
    subject      text          NOT NULL CHECK (subject <> '' AND char_length(subject) <= 64),
    subject_kind text          NOT NULL CHECK (subject_kind IN ('staff', 'provider')),
    month        text          NOT NULL CHECK (month ~ '^[0-9]{4}-(0[1-9]|1[0-2])$'),
    points       numeric(5, 2) NOT NULL CHECK (points BETWEEN 0 AND 100),
    note         text          CHECK (char_length(note) <= 2000),
    assessed_by  text          NOT NULL CHECK (assessed_by <> '' AND char_length(assessed_by) <= 64),
    assessed_at  timestamptz   NOT NULL,
    PRIMARY KEY (branch_id, subject, month)
);

-- Notices are a record: the trigger of 0015 refuses any change or deletion.
CREATE TRIGGER assessment_notices_append_only
    BEFORE UPDATE OR DELETE ON qc.assessment_notices
    FOR EACH ROW EXECUTE FUNCTION kefu.refuse_change();

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['qc.score_samples', 'qc.score_forms', 'qc.assessment_notices',
                             'qc.regional_assessments']
    LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY branch_confined ON %s'
                       ' USING ((SELECT kefu.scope_all())'
                       '        OR branch_id = ANY ((SELECT kefu.scope_branches())::text[]))', t);
    END LOOP;
END
$$;

GRANT SELECT, INSERT ON qc.score_samples, qc.score_forms, qc.assessment_notices TO kefu_qc;
GRANT SELECT, INSERT, UPDATE ON qc.regional_assessments TO kefu_qc;
GRANT USAGE ON SEQUENCE qc.assessment_notices_id_seq TO kefu_qc;

-- What qc reads of intake and dispatch: these columns only.
GRANT USAGE ON SCHEMA intake, dispatch TO kefu_qc;
GRANT SELECT (id, branch_id, kind, status, created_at, closed_at, complained_staff_id)
    ON intake.tickets TO kefu_qc;
GRANT SELECT (id, ticket_id, event, actor, at) ON intake.ticket_history TO kefu_qc;
GRANT SELECT (id, ticket_id, branch_id, technician_id, status, purpose, arrived_at, accepted_at)
    ON dispatch.work_orders TO kefu_qc;
GRANT SELECT (id, ticket_id, branch_id, clock, state, due_at, stopped_at, breached_at)
    ON dispatch.sla_clocks TO kefu_qc;

-- Callback outcomes per ticket, read as the caller (security_invoker: the
-- callbacks' own row-level security confines it). Over callback.callbacks
-- when callback's migration made it; before that, an empty view of the
-- same shape, so the scores work and count no callback.
DO $$
BEGIN
    IF to_regclass('callback.callbacks') IS NOT NULL THEN
        EXECUTE 'GRANT USAGE ON SCHEMA callback TO kefu_qc';
        EXECUTE 'GRANT SELECT (id, ticket_id, branch_id, technician_id, agent_id, outcome, recorded_at)'
                ' ON callback.callbacks TO kefu_qc';
        EXECUTE 'CREATE VIEW qc.callback_outcomes WITH (security_invoker = true) AS'
                ' SELECT ticket_id, branch_id, technician_id, agent_id, outcome, recorded_at'
                '   FROM callback.callbacks WHERE outcome IN (''satisfied'', ''neutral'', ''dissatisfied'')';
    ELSE
        EXECUTE 'CREATE VIEW qc.callback_outcomes WITH (security_invoker = true) AS'
                ' SELECT NULL::bigint AS ticket_id, NULL::text AS branch_id, NULL::text AS technician_id,'
                '        NULL::text AS agent_id, NULL::text AS outcome, NULL::timestamptz AS recorded_at'
                '  WHERE false';
    END IF;
END
$$;
GRANT SELECT ON qc.callback_outcomes TO kefu_qc;

-- The service provider a technician belongs to, for the providers' scores.
-- A provider's technicians belong to no branch (0022 adds
-- ref.technicians.organisation_id), so a caller confined to branches would
-- see none of them; which organisation a technician works for is no
-- branch's secret. Read through the row (to_jsonb), so it answers before
-- and after the column exists; ids and organisations only.
CREATE FUNCTION qc.technician_organisations(ids text[])
RETURNS TABLE (id text, organisation text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT t.id, to_jsonb(t) ->> 'organisation_id' FROM ref.technicians t WHERE t.id = ANY (ids)
$$;
REVOKE ALL ON FUNCTION qc.technician_organisations(text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION qc.technician_organisations(text[]) TO kefu_qc;

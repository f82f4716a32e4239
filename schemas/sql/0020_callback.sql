-- 0020 callback: callbacks (回访) after finished work and periodic ones,
-- their attempts, and the rest hours customers set themselves
-- (docs/callback.md). Owned by the callback service (role kefu_callback).
--
-- What callback reads of others, and nothing more:
--   intake.tickets        a ticket's branch, customer, product, kind, status
--                         and times (to schedule, and for the coverage report)
--   intake.ticket_history ticket id, event and time (how often a ticket was
--                         reopened: each reopening is a new completion)
--   dispatch.work_orders  ticket, branch, technician, status (the technician a
--                         callback's satisfaction counts for)
--   ref.customers         the phone number only through callback.call_phone,
--                         which reads it for a callback that is open and
--                         records the read in ref.contact_reads (0016)
-- All of it under the same row-level branch confinement (0014).

CREATE TABLE callback.callbacks (
    id            bigserial   PRIMARY KEY,
    ticket_id     bigint      NOT NULL,
    branch_id     text        NOT NULL REFERENCES ref.branches (id),
    customer_id   text        NOT NULL CHECK (char_length(customer_id) <= 64),
    purpose       text        NOT NULL CHECK (purpose IN ('after_work', 'periodic')),
    -- what made it due: ticket_resolved or workorder_accepted (after work);
    -- important, long_term, warranty or project (periodic)
    cause         text        NOT NULL CHECK (cause IN ('ticket_resolved', 'workorder_accepted', 'important',
                                                        'long_term', 'warranty', 'project')),
    -- after work: how often the ticket had been reopened (one callback per completion);
    -- periodic: the period it covers ("2026-07", "2026-H2", …)
    round         int         NOT NULL DEFAULT 0 CHECK (round >= 0),
    period        text        CHECK (char_length(period) <= 16),
    technician_id text        CHECK (char_length(technician_id) <= 64),
    status        text        NOT NULL DEFAULT 'scheduled'
                              CHECK (status IN ('scheduled', 'retrying', 'recorded', 'unreachable', 'cancelled')),
    agent_id      text        CHECK (char_length(agent_id) <= 64),
    completed_at  timestamptz NOT NULL,
    due_at        timestamptz NOT NULL,
    next_call_at  timestamptz,
    attempts      int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    outcome       text        CHECK (outcome IN ('satisfied', 'neutral', 'dissatisfied', 'unreachable')),
    reasons       text[]      NOT NULL DEFAULT '{}',
    note          text        CHECK (char_length(note) <= 2000),
    recorded_by   text        CHECK (char_length(recorded_by) <= 64),
    recorded_at   timestamptz,
    closed_reason text        CHECK (char_length(closed_reason) <= 200),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK ((status IN ('recorded', 'unreachable')) = (outcome IS NOT NULL)),
    CHECK ((purpose = 'periodic') = (period IS NOT NULL))
);
-- One after-work callback per completion of a ticket; one periodic callback
-- per customer, cause and period.
CREATE UNIQUE INDEX callbacks_after_work_idx ON callback.callbacks (ticket_id, round)
    WHERE purpose = 'after_work';
CREATE UNIQUE INDEX callbacks_periodic_idx ON callback.callbacks (customer_id, cause, period)
    WHERE purpose = 'periodic';
-- The work lists, and the agents' load.
CREATE INDEX callbacks_open_agent_idx ON callback.callbacks (agent_id, due_at)
    WHERE status IN ('scheduled', 'retrying');
CREATE INDEX callbacks_branch_idx ON callback.callbacks (branch_id, completed_at);
CREATE INDEX callbacks_ticket_idx ON callback.callbacks (ticket_id, id);

CREATE TABLE callback.attempts (
    id          bigserial   PRIMARY KEY,
    callback_id bigint      NOT NULL REFERENCES callback.callbacks (id),
    at          timestamptz NOT NULL,
    agent_id    text        NOT NULL CHECK (char_length(agent_id) <= 64),
    reached     bool        NOT NULL,
    reason      text        CHECK (char_length(reason) <= 32),
    note        text        CHECK (char_length(note) <= 2000)
);
CREATE INDEX attempts_callback_idx ON callback.attempts (callback_id, id);
CREATE TRIGGER attempts_append_only
    BEFORE UPDATE OR DELETE ON callback.attempts
    FOR EACH ROW EXECUTE FUNCTION kefu.refuse_change();
CREATE TRIGGER attempts_no_truncate
    BEFORE TRUNCATE ON callback.attempts
    FOR EACH STATEMENT EXECUTE FUNCTION kefu.refuse_change();

-- A customer's own rest hours (the text form of docs/callback.md, checked
-- by the service); the branch's default applies to everyone else.
CREATE TABLE callback.rest_hours (
    customer_id text        PRIMARY KEY CHECK (char_length(customer_id) <= 64),
    branch_id   text        NOT NULL REFERENCES ref.branches (id),
    windows     text        NOT NULL CHECK (char_length(windows) <= 64),
    set_by      text        NOT NULL CHECK (char_length(set_by) <= 64),
    set_at      timestamptz NOT NULL
);

GRANT SELECT, INSERT, UPDATE ON callback.callbacks TO kefu_callback;
GRANT SELECT, INSERT ON callback.attempts TO kefu_callback;
GRANT SELECT, INSERT, UPDATE, DELETE ON callback.rest_hours TO kefu_callback;
GRANT USAGE, SELECT ON SEQUENCE callback.callbacks_id_seq, callback.attempts_id_seq TO kefu_callback;

-- Branch confinement (0014): the same policy as every branch table.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['callback.callbacks', 'callback.rest_hours']
    LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY branch_confined ON %s'
                       ' USING ((SELECT kefu.scope_all())'
                       '        OR branch_id = ANY ((SELECT kefu.scope_branches())::text[]))', t);
    END LOOP;
END
$$;
ALTER TABLE callback.attempts ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_confined ON callback.attempts
    USING ((SELECT kefu.scope_all())
           OR EXISTS (SELECT 1 FROM callback.callbacks c WHERE c.id = callback_id));

-- Its message handlers and timers act for the system (every branch).
GRANT kefu_all_branches TO kefu_callback;

-- What it reads of intake and dispatch: these columns only.
GRANT SELECT (id, branch_id, customer_id, product_code, warranty_card, kind, status, created_at,
              updated_at, closed_at)
    ON intake.tickets TO kefu_callback;
GRANT SELECT (id, ticket_id, event, at) ON intake.ticket_history TO kefu_callback;
GRANT SELECT (id, ticket_id, branch_id, technician_id, status) ON dispatch.work_orders TO kefu_callback;

-- The phone number of the customer of an OPEN callback the transaction acts
-- for, read by the principal who is to make the call, and the read recorded
-- in the same statement (the audit of 0016 cannot be skipped). NULL when the
-- callback is not open, not in the transaction's branches, or has no phone.
CREATE FUNCTION callback.call_phone(p_callback bigint, p_principal text, p_request text)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    cust text;
    tick bigint;
    phone_no text;
BEGIN
    SELECT c.customer_id, c.ticket_id INTO cust, tick
      FROM callback.callbacks c
     WHERE c.id = p_callback AND c.status IN ('scheduled', 'retrying')
       AND (coalesce(current_setting('kefu.branches', true), '') = '*'
            OR c.branch_id = ANY (kefu.scope_branches()));
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT cu.phone INTO phone_no FROM ref.customers cu WHERE cu.id = cust;
    IF phone_no IS NULL THEN
        RETURN NULL;
    END IF;
    INSERT INTO ref.contact_reads (at, principal, customer_id, request, ticket_id)
    VALUES (now(), p_principal, cust, p_request, tick);
    RETURN phone_no;
END
$$;
REVOKE ALL ON FUNCTION callback.call_phone(bigint, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION callback.call_phone(bigint, text, text) TO kefu_callback;

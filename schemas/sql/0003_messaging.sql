-- 0003 messaging: the durable-messaging tables of common/bus.h, the same in
-- each of the six service schemas —
--   outbox        messages written in the sender's state-changing transaction,
--                 one row per destination, relayed until acknowledged or dead;
--   inbox         ids of messages already applied (idempotent receipt);
--   dead_letters  messages that could not be processed, with the reason;
--   endpoints     live instances and the endpoint each one is bound to.
-- The owning service role gets full DML on its own four tables; every
-- service role may read every endpoints table (peer discovery).

CREATE FUNCTION kefu.add_messaging_tables(svc text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    own_role text := 'kefu_' || svc;
    r text;
BEGIN
    IF svc NOT IN ('intake', 'dispatch', 'qc', 'billing', 'callback', 'claims') THEN
        RAISE EXCEPTION 'add_messaging_tables: unknown service "%"', svc;
    END IF;

    EXECUTE format($f$
        CREATE TABLE %1$I.outbox (
            id              bigserial   PRIMARY KEY,
            message_id      uuid        NOT NULL,
            destination     text        NOT NULL CHECK (destination <> ''),
            type            text        NOT NULL CHECK (type <> ''),
            payload         text        NOT NULL,
            created_at      timestamptz NOT NULL DEFAULT now(),
            attempts        int         NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            next_attempt_at timestamptz NOT NULL DEFAULT now(),
            acked_at        timestamptz,
            dead_at         timestamptz,
            last_error      text,
            UNIQUE (message_id, destination)
        )$f$, svc);
    EXECUTE format('CREATE INDEX outbox_due_idx ON %I.outbox (next_attempt_at)
                    WHERE acked_at IS NULL AND dead_at IS NULL', svc);

    EXECUTE format($f$
        CREATE TABLE %1$I.inbox (
            message_id  uuid        PRIMARY KEY,
            type        text        NOT NULL,
            source      text        NOT NULL,
            received_at timestamptz NOT NULL DEFAULT now()
        )$f$, svc);

    EXECUTE format($f$
        CREATE TABLE %1$I.dead_letters (
            id         bigserial   PRIMARY KEY,
            message_id uuid,
            type       text,
            source     text,
            reason     text        NOT NULL,
            payload    text        NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        )$f$, svc);
    EXECUTE format('CREATE INDEX dead_letters_created_idx ON %I.dead_letters (created_at)', svc);

    EXECUTE format($f$
        CREATE TABLE %1$I.endpoints (
            instance     text        PRIMARY KEY CHECK (instance <> ''),
            endpoint     text        NOT NULL CHECK (endpoint <> ''),
            host         text,
            pid          int,
            started_at   timestamptz NOT NULL DEFAULT now(),
            heartbeat_at timestamptz NOT NULL DEFAULT now()
        )$f$, svc);

    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %1$I.outbox, %1$I.inbox,
                    %1$I.dead_letters, %1$I.endpoints TO %2$I', svc, own_role);
    EXECUTE format('GRANT USAGE, SELECT ON SEQUENCE %1$I.outbox_id_seq,
                    %1$I.dead_letters_id_seq TO %2$I', svc, own_role);
    FOREACH r IN ARRAY ARRAY['kefu_intake', 'kefu_dispatch', 'kefu_qc',
                             'kefu_billing', 'kefu_callback', 'kefu_claims']
    LOOP
        EXECUTE format('GRANT SELECT ON %I.endpoints TO %I', svc, r);
    END LOOP;
END
$$;
REVOKE ALL ON FUNCTION kefu.add_messaging_tables(text) FROM PUBLIC;

SELECT kefu.add_messaging_tables('intake');
SELECT kefu.add_messaging_tables('dispatch');
SELECT kefu.add_messaging_tables('qc');
SELECT kefu.add_messaging_tables('billing');
SELECT kefu.add_messaging_tables('callback');
SELECT kefu.add_messaging_tables('claims');

-- 0001 roles and schemas: one LOGIN role per service (no password; the
-- server's pg_hba.conf decides how they authenticate), one schema per
-- service, `ref` for shared reference data and `kefu` for bookkeeping.
-- Runs as kefu_owner (CREATEROLE, owner of database kefu), which owns every
-- object; service roles get only what later migrations grant explicitly.

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['kefu_intake', 'kefu_dispatch', 'kefu_qc',
                             'kefu_billing', 'kefu_callback', 'kefu_claims']
    LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', r);
        END IF;
    END LOOP;
END
$$;

CREATE SCHEMA IF NOT EXISTS kefu;
CREATE SCHEMA IF NOT EXISTS ref;
CREATE SCHEMA IF NOT EXISTS intake;
CREATE SCHEMA IF NOT EXISTS dispatch;
CREATE SCHEMA IF NOT EXISTS qc;
CREATE SCHEMA IF NOT EXISTS billing;
CREATE SCHEMA IF NOT EXISTS callback;
CREATE SCHEMA IF NOT EXISTS claims;

-- Nobody but the owner creates objects anywhere (PostgreSQL 15 already
-- revokes CREATE on public from PUBLIC; said again for older servers).
REVOKE CREATE ON SCHEMA public FROM PUBLIC;

-- Every service reads reference data and may look up its peers' endpoints
-- (the tables themselves are granted table by table).
GRANT USAGE ON SCHEMA ref, intake, dispatch, qc, billing, callback, claims
    TO kefu_intake, kefu_dispatch, kefu_qc, kefu_billing, kefu_callback, kefu_claims;

-- Functions shared by later migrations.

-- Refuses UPDATE, DELETE and TRUNCATE on append-only tables (history).
CREATE OR REPLACE FUNCTION kefu.refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '%.% is append-only: % refused', TG_TABLE_SCHEMA, TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
REVOKE ALL ON FUNCTION kefu.refuse_change() FROM PUBLIC;

-- 0014 branch confinement: PostgreSQL's row-level security refuses, as a
-- second line behind the services' own checks, every row of a branch the
-- transaction does not act for (docs/security.md "Branch confinement").
--
-- Each transaction states the branches it acts for in the setting
-- kefu.branches (set_config('kefu.branches', …, true), common/db/scope.h):
--   ''  or unset   nothing: no branch row is visible (fail closed);
--   'SH01,BJ01'    exactly those branches (ids are 1 to 32 of A-Z a-z 0-9 _ -,
--                  common/ref/org.c, so a comma never occurs inside one);
--   '*'            every branch, and the customers not yet given to a
--                  branch — honoured only for members of kefu_all_branches,
--                  ineffective (nothing visible) for any other role.
--
-- The policies bind every role but the tables' owner: kefu_owner (migrations,
-- `kefuctl admin`) owns every table and is exempt, deliberately (no FORCE).
-- Messaging tables (outbox, inbox, dead_letters, endpoints), dispatch.sweeps
-- and the organisation's shape (tiers, regions, branches, products,
-- calendars) are not branch data: no policies there.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kefu_all_branches') THEN
        CREATE ROLE kefu_all_branches NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;
-- The services that act for the system (message handlers, timers, the
-- named cross-branch steps of ticket.submit). qc, billing, callback and
-- claims join when they get such work.
GRANT kefu_all_branches TO kefu_intake, kefu_dispatch;

-- Whether the transaction acts for every branch. Plain SQL and STABLE, so
-- the policies below call it once per statement (as an InitPlan: the
-- `(SELECT …)` around it), not once per row.
CREATE FUNCTION kefu.scope_all() RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT coalesce(current_setting('kefu.branches', true), '') = '*'
           AND pg_has_role(current_user, 'kefu_all_branches', 'MEMBER')
$$;

-- The branches the transaction acts for ('{}' for nothing and for '*').
CREATE FUNCTION kefu.scope_branches() RETURNS text[]
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN s IS NULL OR s IN ('', '*') THEN '{}'::text[]
                ELSE string_to_array(s, ',') END
      FROM (SELECT current_setting('kefu.branches', true) AS s) x
$$;

-- Every role calls them inside the policies; nothing else in schema kefu
-- becomes usable (add_messaging_tables is the owner's alone).
GRANT USAGE ON SCHEMA kefu
    TO kefu_intake, kefu_dispatch, kefu_qc, kefu_billing, kefu_callback, kefu_claims;
REVOKE ALL ON FUNCTION kefu.add_messaging_tables(text) FROM PUBLIC;

-- Tables with a branch_id column.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['ref.customers', 'ref.technicians', 'intake.tickets',
                             'dispatch.work_orders', 'dispatch.sla_clocks']
    LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY branch_confined ON %s'
                       ' USING ((SELECT kefu.scope_all())'
                       '        OR branch_id = ANY ((SELECT kefu.scope_branches())::text[]))', t);
    END LOOP;
END
$$;

-- Tables confined through the row they belong to (whose own policy applies
-- inside the sub-query).
ALTER TABLE ref.warranty_cards ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_confined ON ref.warranty_cards
    USING ((SELECT kefu.scope_all())
           OR EXISTS (SELECT 1 FROM ref.customers c WHERE c.id = customer_id));

-- A customer not yet given to a branch (opened at intake, or listed without
-- one) is seen by the staff of the branches of the customer's region: the
-- branches that would serve them.
CREATE POLICY unassigned_in_region ON ref.customers
    USING (branch_id IS NULL
           AND EXISTS (SELECT 1 FROM ref.branches b
                        WHERE b.region_id = customers.region_id
                          AND b.id = ANY ((SELECT kefu.scope_branches())::text[])));

ALTER TABLE intake.ticket_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_confined ON intake.ticket_history
    USING ((SELECT kefu.scope_all())
           OR EXISTS (SELECT 1 FROM intake.tickets t WHERE t.id = ticket_id));

-- The history row a ticket.event request_id wrote (its replay). Under a
-- policy, PostgreSQL uses an index only through leakproof operators, and
-- jsonb's ->> and ? are not: the expression index of 0009 would be passed
-- over for a scan of the whole history. This function reads through the
-- index as the owner and returns keys only; the caller joins them with
-- intake.tickets, whose policy then confines the answer.
CREATE FUNCTION intake.history_by_request(request_id text)
RETURNS TABLE (id bigint, ticket_id bigint, event text, at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT h.id, h.ticket_id, h.event, h.at FROM intake.ticket_history h
     WHERE h.detail ? 'request_id' AND h.detail ->> 'request_id' = request_id
$$;
REVOKE ALL ON FUNCTION intake.history_by_request(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION intake.history_by_request(text) TO kefu_intake;

ALTER TABLE dispatch.work_order_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_confined ON dispatch.work_order_history
    USING ((SELECT kefu.scope_all())
           OR EXISTS (SELECT 1 FROM dispatch.work_orders w WHERE w.id = work_order_id));

ALTER TABLE dispatch.technician_load ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_confined ON dispatch.technician_load
    USING ((SELECT kefu.scope_all())
           OR EXISTS (SELECT 1 FROM ref.technicians t WHERE t.id = technician_id));

-- Escalations carry their clock's branch: intake reads them (an
-- acknowledgement names one) but may not read dispatch.sla_clocks, so the
-- policy cannot look through the clock. The trigger fills it from the
-- clock as the owner, whatever the inserting transaction may see.
ALTER TABLE dispatch.escalations ADD COLUMN branch_id text REFERENCES ref.branches (id);
UPDATE dispatch.escalations e SET branch_id = c.branch_id
  FROM dispatch.sla_clocks c WHERE c.id = e.clock_id;
ALTER TABLE dispatch.escalations ALTER COLUMN branch_id SET NOT NULL;

CREATE FUNCTION dispatch.escalation_branch() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    SELECT c.branch_id INTO NEW.branch_id FROM dispatch.sla_clocks c WHERE c.id = NEW.clock_id;
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION dispatch.escalation_branch() FROM PUBLIC;
CREATE TRIGGER escalations_branch
    BEFORE INSERT OR UPDATE OF clock_id ON dispatch.escalations
    FOR EACH ROW EXECUTE FUNCTION dispatch.escalation_branch();

ALTER TABLE dispatch.escalations ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_confined ON dispatch.escalations
    USING ((SELECT kefu.scope_all()) OR branch_id = ANY ((SELECT kefu.scope_branches())::text[]));

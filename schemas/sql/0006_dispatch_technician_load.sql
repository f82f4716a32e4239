-- 0006 dispatch: a technician's load kept as a counter.
-- The load of a technician stays, by definition, the number of its work
-- orders in status 'assigned' (0005). This table holds that number per
-- technician, kept by a trigger on dispatch.work_orders inside the very
-- transaction of every change, so it is never out of step. Assignment reads
-- one row per technician instead of counting: the count visited every
-- assigned work order of the branch (a heap fetch each) for every new
-- ticket, a cost that grew with the backlog (1.1 ms per ticket at 2,000
-- assigned orders in one branch; measured with EXPLAIN ANALYZE, see
-- bench/README.md). The partial index work_orders_load_idx (0005) stays for
-- ad hoc queries.

CREATE TABLE dispatch.technician_load (
    technician_id text PRIMARY KEY,
    load          int  NOT NULL DEFAULT 0
);

CREATE FUNCTION dispatch.track_load() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        IF OLD.status = NEW.status AND OLD.technician_id IS NOT DISTINCT FROM NEW.technician_id THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        IF OLD.status = 'assigned' AND OLD.technician_id IS NOT NULL THEN
            UPDATE dispatch.technician_load SET load = load - 1
             WHERE technician_id = OLD.technician_id;
        END IF;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        IF NEW.status = 'assigned' AND NEW.technician_id IS NOT NULL THEN
            INSERT INTO dispatch.technician_load AS l (technician_id, load)
            VALUES (NEW.technician_id, 1)
            ON CONFLICT (technician_id) DO UPDATE SET load = l.load + 1;
        END IF;
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION dispatch.track_load() FROM PUBLIC;

CREATE FUNCTION dispatch.reset_load() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM dispatch.technician_load;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION dispatch.reset_load() FROM PUBLIC;

CREATE TRIGGER work_orders_track_load
    AFTER INSERT OR DELETE OR UPDATE OF status, technician_id ON dispatch.work_orders
    FOR EACH ROW EXECUTE FUNCTION dispatch.track_load();
CREATE TRIGGER work_orders_reset_load
    AFTER TRUNCATE ON dispatch.work_orders
    FOR EACH STATEMENT EXECUTE FUNCTION dispatch.reset_load();

INSERT INTO dispatch.technician_load (technician_id, load)
SELECT technician_id, count(*) FROM dispatch.work_orders
 WHERE status = 'assigned' AND technician_id IS NOT NULL
 GROUP BY technician_id;

GRANT SELECT, INSERT, UPDATE, DELETE ON dispatch.technician_load TO kefu_dispatch;

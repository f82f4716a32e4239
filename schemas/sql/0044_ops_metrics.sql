-- 0044 ops metrics: the figures that describe the whole database, read by
-- whichever service instance exports them (common/ops/db_metrics.h,
-- docs/operations.md "Metrics").
--   ops.db_metrics(now, clocks)  in one statement: the running SLA clocks of
--                                each clock kind — open (every running clock),
--                                at risk (past its warning instant, not yet
--                                due) and breached (past its due instant) at
--                                `now` (the caller's clock, so the injected
--                                test clock moves them) — and for each
--                                service's outbox the unsent rows (neither
--                                acknowledged nor dead) and the age in
--                                seconds of the oldest (by the database's
--                                clock, which stamps created_at). `clocks`:
--                                kinds reported even with nothing running,
--                                so their series do not vanish at zero.
--                                SECURITY DEFINER (owned by kefu_owner, whom
--                                row-level security exempts): it counts every
--                                branch's clocks and returns no row of any.
--   ops.db_metrics_exporter()    true when this session holds, or has just
--                                taken, the one session-level advisory lock
--                                of the exporter: exactly one connection of
--                                all instances exports these figures, and when
--                                it closes (its process died) the next caller
--                                takes over.
--   sla_clocks_running_idx       the running clocks by kind and instants: the
--                                count is an index-only scan of the running
--                                clocks, not a read of every clock ever kept.

CREATE SCHEMA IF NOT EXISTS ops;

CREATE INDEX sla_clocks_running_idx ON dispatch.sla_clocks (clock, warn_at, due_at)
    WHERE state = 'running';

CREATE FUNCTION ops.db_metrics(p_now timestamptz, p_clocks text[])
RETURNS TABLE (metric text, label text, value double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    WITH running AS (
        SELECT clock,
               count(*) AS open,
               count(*) FILTER (WHERE warn_at <= p_now AND due_at > p_now) AS at_risk,
               count(*) FILTER (WHERE due_at <= p_now) AS breached
          FROM dispatch.sla_clocks
         WHERE state = 'running'
         GROUP BY clock),
    kinds AS (
        SELECT k.clock, coalesce(r.open, 0) AS open, coalesce(r.at_risk, 0) AS at_risk,
               coalesce(r.breached, 0) AS breached
          FROM (SELECT unnest(coalesce(p_clocks, '{}')) AS clock UNION SELECT clock FROM running) k
          LEFT JOIN running r ON r.clock = k.clock
         WHERE k.clock IS NOT NULL),
    outboxes AS (
        SELECT 'intake' AS outbox, count(*) AS depth, min(created_at) AS oldest
          FROM intake.outbox WHERE acked_at IS NULL AND dead_at IS NULL
        UNION ALL
        SELECT 'dispatch', count(*), min(created_at)
          FROM dispatch.outbox WHERE acked_at IS NULL AND dead_at IS NULL
        UNION ALL
        SELECT 'qc', count(*), min(created_at)
          FROM qc.outbox WHERE acked_at IS NULL AND dead_at IS NULL
        UNION ALL
        SELECT 'billing', count(*), min(created_at)
          FROM billing.outbox WHERE acked_at IS NULL AND dead_at IS NULL
        UNION ALL
        SELECT 'callback', count(*), min(created_at)
          FROM callback.outbox WHERE acked_at IS NULL AND dead_at IS NULL
        UNION ALL
        SELECT 'claims', count(*), min(created_at)
          FROM claims.outbox WHERE acked_at IS NULL AND dead_at IS NULL)
    SELECT m.metric, m.label, m.value FROM (
        SELECT 'kefu_sla_clocks_open' AS metric, clock AS label, open::float8 AS value FROM kinds
        UNION ALL
        SELECT 'kefu_sla_clocks_at_risk', clock, at_risk::float8 FROM kinds
        UNION ALL
        SELECT 'kefu_sla_clocks_breached', clock, breached::float8 FROM kinds
        UNION ALL
        SELECT 'kefu_outbox_depth', outbox, depth::float8 FROM outboxes
        UNION ALL
        SELECT 'kefu_outbox_oldest_age_seconds', outbox,
               coalesce(greatest(extract(epoch FROM now() - oldest), 0), 0)::float8 FROM outboxes) m
     ORDER BY m.metric, m.label
$$;

-- The lock's key: 'kefu' 'ops1' as two 32-bit halves, beyond the range of
-- the hashtext() keys the services lock with, so it never meets one.
-- pg_locks is read first: taking a held session lock again would stack it.
CREATE FUNCTION ops.db_metrics_exporter()
RETURNS boolean
LANGUAGE sql VOLATILE SET search_path = pg_catalog AS $$
    SELECT CASE
        WHEN EXISTS (SELECT 1 FROM pg_locks
                      WHERE locktype = 'advisory' AND pid = pg_backend_pid() AND granted
                        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                        AND classid = 1801807477::oid AND objid = 1869640497::oid AND objsubid = 1)
        THEN true
        ELSE pg_try_advisory_lock(7738704189272912689)
    END
$$;

REVOKE ALL ON FUNCTION ops.db_metrics(timestamptz, text[]), ops.db_metrics_exporter() FROM PUBLIC;
GRANT USAGE ON SCHEMA ops
    TO kefu_intake, kefu_dispatch, kefu_qc, kefu_billing, kefu_callback, kefu_claims, kefu_gateway;
GRANT EXECUTE ON FUNCTION ops.db_metrics(timestamptz, text[]), ops.db_metrics_exporter()
    TO kefu_intake, kefu_dispatch, kefu_qc, kefu_billing, kefu_callback, kefu_claims, kefu_gateway;

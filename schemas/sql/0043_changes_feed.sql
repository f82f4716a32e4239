-- 0043 changes feed: what the console's live screens listen to (docs/gateway.md
-- "Live changes").
--   kefu.notify_change()   a statement-level AFTER trigger function: when the
--                          statement changed at least one row it raises
--                          pg_notify('kefu_changes', <topic>), the topic
--                          being the trigger's argument. The payload names
--                          only the kind of thing that changed, never which
--                          one: a listener learns nothing of any branch's
--                          data, and reads what it shows through the API,
--                          under its caller's confinement. PostgreSQL folds
--                          identical notifications of one transaction into
--                          one, and delivers them at commit only.
--   topics                 ticket      intake.tickets, intake.ticket_history,
--                                      intake.repairs
--                          clock       dispatch.sla_clocks
--                          escalation  dispatch.escalations
--                          workorder   dispatch.work_orders
--                          inspection  qc.inspections, qc.inspection_levels
--                          callback    callback.callbacks, callback.attempts
--                          settlement  billing.settlements, billing.estimates
--                          claim       claims.claims
--                          access      auth.tokens, auth.staff (updates only:
--                                      a session revoked, a staff member made
--                                      inactive; the gateway re-checks its
--                                      open streams' credentials and never
--                                      passes this topic on)
--   auth.token_open(hash, at)  whether a token (bearer or session) is open at
--                          `at`: not revoked, not expired, its holder active.
--                          The gateway (role kefu_gateway, which reads no
--                          table) checks a stream's caller with it when the
--                          stream opens and again while it runs.
-- Each trigger reads its statement's transition table only to learn whether
-- a row changed: a sweep's UPDATE that matched nothing raises nothing.

CREATE FUNCTION kefu.notify_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM kefu_changed) THEN
        PERFORM pg_notify('kefu_changes', TG_ARGV[0]);
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION kefu.notify_change() FROM PUBLIC;

-- One trigger per table and operation: a trigger with a transition table
-- takes one event only. p_ops: which of INSERT, UPDATE, DELETE.
CREATE FUNCTION kefu.add_change_triggers(p_table regclass, p_topic text, p_ops text[])
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    op text;
BEGIN
    FOREACH op IN ARRAY p_ops LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER %s ON %s REFERENCING %s TABLE AS kefu_changed '
                       'FOR EACH STATEMENT EXECUTE FUNCTION kefu.notify_change(%L)',
                       'changes_' || lower(op), op, p_table,
                       CASE op WHEN 'DELETE' THEN 'OLD' ELSE 'NEW' END, p_topic);
    END LOOP;
END
$$;

SELECT kefu.add_change_triggers(t.tbl, t.topic, t.ops)
  FROM (VALUES ('intake.tickets'::regclass,        'ticket',     ARRAY['INSERT', 'UPDATE']),
               ('intake.ticket_history'::regclass, 'ticket',     ARRAY['INSERT']),
               ('intake.repairs'::regclass,        'ticket',     ARRAY['INSERT', 'UPDATE', 'DELETE']),
               ('dispatch.sla_clocks'::regclass,   'clock',      ARRAY['INSERT', 'UPDATE', 'DELETE']),
               ('dispatch.escalations'::regclass,  'escalation', ARRAY['INSERT', 'UPDATE', 'DELETE']),
               ('dispatch.work_orders'::regclass,  'workorder',  ARRAY['INSERT', 'UPDATE', 'DELETE']),
               ('qc.inspections'::regclass,        'inspection', ARRAY['INSERT', 'UPDATE', 'DELETE']),
               ('qc.inspection_levels'::regclass,  'inspection', ARRAY['INSERT', 'UPDATE', 'DELETE']),
               ('callback.callbacks'::regclass,    'callback',   ARRAY['INSERT', 'UPDATE', 'DELETE']),
               ('callback.attempts'::regclass,     'callback',   ARRAY['INSERT']),
               ('billing.settlements'::regclass,   'settlement', ARRAY['INSERT', 'UPDATE', 'DELETE']),
               ('billing.estimates'::regclass,     'settlement', ARRAY['INSERT', 'UPDATE', 'DELETE']),
               ('claims.claims'::regclass,         'claim',      ARRAY['INSERT', 'UPDATE', 'DELETE']),
               ('auth.tokens'::regclass,           'access',     ARRAY['UPDATE']),
               ('auth.staff'::regclass,            'access',     ARRAY['UPDATE'])) AS t (tbl, topic, ops);

DROP FUNCTION kefu.add_change_triggers(regclass, text, text[]);

CREATE FUNCTION auth.token_open(p_hash text, p_at timestamptz)
RETURNS bool
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT EXISTS (SELECT 1 FROM auth.credentials c
                    WHERE c.hash = p_hash AND NOT c.revoked AND c.active
                      AND (c.expires_us IS NULL
                           OR c.expires_us > (extract(epoch FROM p_at) * 1000000)::bigint))
$$;
REVOKE ALL ON FUNCTION auth.token_open(text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION auth.token_open(text, timestamptz) TO kefu_gateway;

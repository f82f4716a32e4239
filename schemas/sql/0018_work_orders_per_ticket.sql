-- 0018 several work orders per ticket, the done report, acceptance.
-- A ticket keeps one work order per visit: the first visit, a rework after a
-- failed inspection (follows: the work order whose inspection failed), a
-- revisit after the ticket was reopened (reopen_history_id: the ticket's
-- ticket_reopened history row). Each may be created once: the unique
-- indexes make a redelivered message create nothing twice.

ALTER TABLE dispatch.work_orders DROP CONSTRAINT work_orders_ticket_id_key;
ALTER TABLE dispatch.work_orders DROP CONSTRAINT work_orders_status_check;
ALTER TABLE dispatch.work_orders ADD CONSTRAINT work_orders_status_check
    CHECK (status IN ('unassigned', 'assigned', 'completed', 'accepted', 'rework', 'cancelled'));
ALTER TABLE dispatch.work_orders
    ADD COLUMN purpose           text   NOT NULL DEFAULT 'visit' CHECK (purpose IN ('visit', 'rework', 'revisit')),
    ADD COLUMN follows           bigint REFERENCES dispatch.work_orders (id),
    ADD COLUMN reopen_history_id bigint,
    ADD COLUMN accepted_at       timestamptz,
    ADD CONSTRAINT work_orders_follow_up_check CHECK (
        (purpose = 'visit' AND follows IS NULL AND reopen_history_id IS NULL)
        OR (purpose = 'rework' AND follows IS NOT NULL)
        OR (purpose = 'revisit' AND reopen_history_id IS NOT NULL));
CREATE UNIQUE INDEX work_orders_visit_idx ON dispatch.work_orders (ticket_id) WHERE purpose = 'visit';
CREATE UNIQUE INDEX work_orders_rework_idx ON dispatch.work_orders (follows) WHERE purpose = 'rework';
CREATE UNIQUE INDEX work_orders_revisit_idx ON dispatch.work_orders (ticket_id, reopen_history_id)
    WHERE purpose = 'revisit';
CREATE INDEX work_orders_ticket_idx ON dispatch.work_orders (ticket_id, id);

-- The technician's done report: what was done, as billing will price it.
CREATE TABLE dispatch.done_reports (
    work_order_id  bigint      PRIMARY KEY REFERENCES dispatch.work_orders (id),
    ticket_id      bigint      NOT NULL,
    branch_id      text        NOT NULL REFERENCES ref.branches (id),
    technician_id  text        NOT NULL CHECK (technician_id <> '' AND char_length(technician_id) <= 64),
    reported_by    text        NOT NULL CHECK (reported_by <> '' AND char_length(reported_by) <= 64),
    parts          jsonb       NOT NULL CHECK (jsonb_typeof(parts) = 'array'),
    labour_minutes int         NOT NULL CHECK (labour_minutes BETWEEN 0 AND 100000),
    distance_m     int         NOT NULL CHECK (distance_m BETWEEN 0 AND 10000000),
    cause          text        NOT NULL CHECK (cause ~ '^[A-Za-z0-9_-]{1,32}$'),
    photos         jsonb       NOT NULL CHECK (jsonb_typeof(photos) = 'array'),
    unit_serial    text        CHECK (char_length(unit_serial) BETWEEN 1 AND 64),
    note           text        CHECK (char_length(note) <= 2000),
    reported_at    timestamptz NOT NULL
);
CREATE INDEX done_reports_ticket_idx ON dispatch.done_reports (ticket_id);

ALTER TABLE dispatch.done_reports ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_confined ON dispatch.done_reports
    USING ((SELECT kefu.scope_all()) OR branch_id = ANY ((SELECT kefu.scope_branches())::text[]));

GRANT SELECT, INSERT ON dispatch.done_reports TO kefu_dispatch;
-- billing prices the report (its issue); it reads nothing else of dispatch's
GRANT USAGE ON SCHEMA dispatch TO kefu_billing;
GRANT SELECT ON dispatch.done_reports TO kefu_billing;

-- The ticket's history records the inspections' failures (message
-- inspection.failed) beside the events it had.
ALTER TABLE intake.ticket_history DROP CONSTRAINT ticket_history_event_check;
ALTER TABLE intake.ticket_history ADD CONSTRAINT ticket_history_event_check
    CHECK (event IN ('created', 'repeat_contact', 'closed_at_intake', 'work_order_assigned',
                     'work_order_unassigned', 'clock_started', 'clock_stopped', 'sla_warning',
                     'sla_escalated', 'sla_informed',
                     'first_reply', 'marked_complex', 'plan_sent', 'work_order_arranged',
                     'call_centre_checked', 'technician_arrived', 'work_order_completed',
                     'ticket_resolved', 'complaint_decided', 'callback_done', 'ticket_reopened',
                     'ticket_closed', 'paused', 'resumed', 'escalation_acknowledged',
                     'clock_paused', 'clock_resumed', 'clock_restarted',
                     -- 0018: the work orders' reports and failed inspections
                     'work_order_done', 'inspection_failed'));

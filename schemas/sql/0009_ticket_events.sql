-- 0009 ticket events: what people do to a ticket after it was taken in —
-- reply, pause and resume (waiting on the customer or for parts), resolve,
-- reopen, close, the work order's arrangement, arrival and completion, and
-- the acknowledgement of an escalation (request ticket.event, message
-- ticket.updated; docs/intake.md "Ticket events"). Intake records each one in
-- the ticket's history; the dispatcher moves the SLA clocks and the work
-- order on it.

-- A ticket is 'resolved' between its solution and its closing (the callback
-- happens then). paused_reason is set while the ticket waits on someone
-- outside the company; its clocks do not run meanwhile.
ALTER TABLE intake.tickets DROP CONSTRAINT tickets_status_check;
ALTER TABLE intake.tickets ADD CONSTRAINT tickets_status_check
    CHECK (status IN ('open', 'unassigned', 'assigned', 'resolved', 'closed'));
ALTER TABLE intake.tickets
    ADD COLUMN paused_reason text CHECK (paused_reason IN ('waiting_customer', 'waiting_parts')),
    ADD COLUMN paused_at     timestamptz,
    ADD CONSTRAINT tickets_paused_check CHECK ((paused_reason IS NULL) = (paused_at IS NULL));

ALTER TABLE intake.ticket_history DROP CONSTRAINT ticket_history_event_check;
ALTER TABLE intake.ticket_history ADD CONSTRAINT ticket_history_event_check
    CHECK (event IN ('created', 'repeat_contact', 'closed_at_intake', 'work_order_assigned',
                     'work_order_unassigned', 'clock_started', 'clock_stopped', 'sla_warning',
                     'sla_escalated', 'sla_informed',
                     -- 0009: people's events (request ticket.event) ...
                     'first_reply', 'marked_complex', 'plan_sent', 'work_order_arranged',
                     'call_centre_checked', 'technician_arrived', 'work_order_completed',
                     'ticket_resolved', 'complaint_decided', 'callback_done', 'ticket_reopened',
                     'ticket_closed', 'paused', 'resumed', 'escalation_acknowledged',
                     -- ... and what they did to the clocks (message sla.clock)
                     'clock_paused', 'clock_resumed', 'clock_restarted'));
-- A client's retry of a ticket.event with the same request_id is answered
-- from the row it wrote the first time.
CREATE UNIQUE INDEX ticket_history_request_idx ON intake.ticket_history ((detail ->> 'request_id'))
    WHERE detail ? 'request_id';

-- Intake checks an acknowledgement against the escalation it names (so a
-- wrong id is refused to the person who typed it): these columns only.
GRANT USAGE ON SCHEMA dispatch TO kefu_intake;
GRANT SELECT (id, ticket_id, kind, level, acknowledged_by, acknowledged_at)
    ON dispatch.escalations TO kefu_intake;

-- The work order's progress; status stays 'assigned' (it counts in the
-- technician's load) until completed.
ALTER TABLE dispatch.work_orders
    ADD COLUMN arranged_at  timestamptz,
    ADD COLUMN arrived_at   timestamptz,
    ADD COLUMN completed_at timestamptz;

-- A clock the ticket's policy restarts when the ticket is reopened
-- (policy key reopen_restarts). A paused clock keeps in remaining_us the
-- time left to its due instant, or, once breached, to its next escalation.
ALTER TABLE dispatch.sla_clocks
    ADD COLUMN restart_on_reopen bool NOT NULL DEFAULT false,
    ADD COLUMN paused_at         timestamptz,
    ADD COLUMN restarts          int  NOT NULL DEFAULT 0 CHECK (restarts >= 0),
    ADD CONSTRAINT sla_clocks_paused_at_check CHECK (state <> 'paused' OR paused_at IS NOT NULL);

-- A clock whose breach takes the work order from its technician and gives
-- it to another (target key on_breach: redispatch) instead of escalating.
-- passed_over: the technicians who let the order lapse; it is not given
-- back to them.
ALTER TABLE dispatch.sla_clocks
    ADD COLUMN on_breach text NOT NULL DEFAULT 'escalate' CHECK (on_breach IN ('escalate', 'redispatch'));
CREATE INDEX sla_clocks_redispatch_idx ON dispatch.sla_clocks (due_at)
    WHERE state = 'running' AND on_breach = 'redispatch';
ALTER TABLE dispatch.work_orders
    ADD COLUMN passed_over text[] NOT NULL DEFAULT '{}';

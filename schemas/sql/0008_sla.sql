-- 0008 sla: the dispatcher's SLA clocks and the durable record of every
-- at-risk warning and escalation (docs/sla.md "The engine"). Owned by the
-- dispatch service (role kefu_dispatch). Deadlines live here, not in
-- memory: a restarted dispatcher fires what fell due while it was down.

-- One clock of one ticket. A clock whose starting event has not happened
-- yet waits in state 'pending' (no instants); 'running' clocks carry their
-- due and warning instants; 'paused' ones the business (or calendar) time
-- left; 'stopped' ones when they stopped.
CREATE TABLE dispatch.sla_clocks (
    id                 bigserial   PRIMARY KEY,
    ticket_id          bigint      NOT NULL,
    branch_id          text        NOT NULL REFERENCES ref.branches (id),
    clock              text        NOT NULL CHECK (clock ~ '^[a-z_]{1,32}$'),
    policy             text        NOT NULL CHECK (policy <> '' AND char_length(policy) <= 64),
    target_kind        text        NOT NULL CHECK (target_kind IN ('minutes', 'working_days')),
    target_amount      int         NOT NULL CHECK (target_amount > 0),
    time_kind          text        NOT NULL CHECK (time_kind IN ('business', 'calendar')),
    starts_on          text        NOT NULL CHECK (starts_on <> ''),
    stops_on           text        NOT NULL CHECK (stops_on <> ''),
    warn_percent       int         NOT NULL CHECK (warn_percent BETWEEN 1 AND 99),
    repeat_minutes     int         NOT NULL CHECK (repeat_minutes BETWEEN 1 AND 10080),
    state              text        NOT NULL CHECK (state IN ('pending', 'running', 'paused', 'stopped')),
    started_at         timestamptz,
    due_at             timestamptz,
    warn_at            timestamptz,
    remaining_us       bigint      CHECK (remaining_us >= 0),
    warned_at          timestamptz,
    breached_at        timestamptz,
    stopped_at         timestamptz,
    level              text        CHECK (level IN ('team_lead', 'department_head',
                                                    'centre_director', 'general_manager')),
    next_escalation_at timestamptz,
    flags              text[]      NOT NULL DEFAULT '{}',
    UNIQUE (ticket_id, clock),
    CHECK (state <> 'running' OR (started_at IS NOT NULL AND due_at IS NOT NULL AND warn_at IS NOT NULL)),
    CHECK (state <> 'paused' OR remaining_us IS NOT NULL),
    CHECK (state <> 'stopped' OR stopped_at IS NOT NULL)
);
-- What the timer looks for: the next due instant of each kind, running clocks only.
CREATE INDEX sla_clocks_warn_idx ON dispatch.sla_clocks (warn_at)
    WHERE state = 'running' AND warned_at IS NULL;
CREATE INDEX sla_clocks_due_idx ON dispatch.sla_clocks (due_at)
    WHERE state = 'running' AND breached_at IS NULL;
CREATE INDEX sla_clocks_escalation_idx ON dispatch.sla_clocks (next_escalation_at)
    WHERE state = 'running' AND next_escalation_at IS NOT NULL;

-- Every warning and escalation, written in the transaction that changed
-- the clock. notified_at: when the notification adapter delivered it (NULL:
-- not yet; the dispatcher delivers these after commit and again after a
-- restart — at least once).
CREATE TABLE dispatch.escalations (
    id              bigserial   PRIMARY KEY,
    clock_id        bigint      NOT NULL REFERENCES dispatch.sla_clocks (id),
    ticket_id       bigint      NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('warning', 'escalation', 'skip_level', 'informed')),
    level           text        NOT NULL CHECK (level IN ('team_lead', 'department_head',
                                                          'centre_director', 'general_manager')),
    recipient_name  text        NOT NULL CHECK (recipient_name <> '' AND char_length(recipient_name) <= 200),
    recipient_email text        NOT NULL CHECK (char_length(recipient_email) <= 254),
    reason          text        NOT NULL CHECK (char_length(reason) <= 1000),
    at              timestamptz NOT NULL,
    notified_at     timestamptz,
    acknowledged_by text        CHECK (char_length(acknowledged_by) <= 200),
    acknowledged_at timestamptz,
    CHECK ((acknowledged_by IS NULL) = (acknowledged_at IS NULL))
);
CREATE INDEX escalations_clock_idx ON dispatch.escalations (clock_id, id);
CREATE INDEX escalations_ticket_idx ON dispatch.escalations (ticket_id, id);
CREATE INDEX escalations_unnotified_idx ON dispatch.escalations (id) WHERE notified_at IS NULL;

GRANT SELECT, INSERT, UPDATE ON dispatch.sla_clocks, dispatch.escalations TO kefu_dispatch;
GRANT USAGE, SELECT ON SEQUENCE dispatch.sla_clocks_id_seq, dispatch.escalations_id_seq TO kefu_dispatch;

-- The ticket history records the clocks' life and every warning and
-- escalation (messages sla.clock, sla.warning, sla.escalated).
ALTER TABLE intake.ticket_history DROP CONSTRAINT ticket_history_event_check;
ALTER TABLE intake.ticket_history ADD CONSTRAINT ticket_history_event_check
    CHECK (event IN ('created', 'repeat_contact', 'closed_at_intake', 'work_order_assigned',
                     'work_order_unassigned', 'clock_started', 'clock_stopped', 'sla_warning',
                     'sla_escalated', 'sla_informed'));

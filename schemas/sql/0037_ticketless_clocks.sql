-- 0037 SLA clocks of a subject that concerns no ticket: a provider's
-- deposit, short after a penalty, which must be topped up within
-- billing.deposit_topup_days (docs/sla.md "Subjects", docs/providers.md
-- "Deposits"). billing tells dispatch (sla.subject kind deposit, events
-- short and topped_up); dispatch keeps the clock, fires its warning and
-- escalations like any clock's and keeps its history here.
--
--   dispatch.sla_clocks.ticket_id   NULL for a deposit's clock (and only for
--                                   it): a deposit concerns no ticket
--   dispatch.sla_clocks.branch_id   NULL for a deposit's clock: a provider's
--                                   books are head office's, not a branch's
--                                   (0031), so its clock is too. The branch
--                                   policy of 0014 (scope_all OR branch_id =
--                                   ANY scope_branches) then shows it to a
--                                   transaction acting for every branch only
--   dispatch.escalations            ticket_id and branch_id NULL for such a
--                                   clock's records (the trigger of 0014
--                                   copies the clock's NULL branch)
--   dispatch.subject_clock_history  what happened to a ticketless clock
--                                   (a ticket's clocks have the ticket's
--                                   history, intake's): started, stopped,
--                                   restarted for the subject's next episode
--                                   (a deposit short again later). Append-only.
--
-- The unique key of 0025 (ticket_id, subject_kind, subject_id, clock) is
-- NULLS NOT DISTINCT: one clock of a name per deposit, found through the
-- same index (ticket_id IS NULL is an index condition).

ALTER TABLE dispatch.sla_clocks
    ALTER COLUMN ticket_id DROP NOT NULL,
    ALTER COLUMN branch_id DROP NOT NULL,
    ADD CONSTRAINT sla_clocks_ticketless_check CHECK ((ticket_id IS NULL) = (subject_kind = 'deposit')),
    ADD CONSTRAINT sla_clocks_head_office_check CHECK ((branch_id IS NULL) = (subject_kind = 'deposit'));

ALTER TABLE dispatch.escalations
    ALTER COLUMN ticket_id DROP NOT NULL,
    ALTER COLUMN branch_id DROP NOT NULL;

CREATE TABLE dispatch.subject_clock_history (
    id       bigserial   PRIMARY KEY,
    clock_id bigint      NOT NULL REFERENCES dispatch.sla_clocks (id),
    at       timestamptz NOT NULL,
    event    text        NOT NULL CHECK (event IN ('clock_started', 'clock_stopped', 'clock_restarted')),
    -- the subject's event that moved it (deposit_short, ...), the due instant,
    -- and for a stop whether it was met
    detail   jsonb       NOT NULL
);
CREATE INDEX subject_clock_history_clock_idx ON dispatch.subject_clock_history (clock_id, id);

CREATE TRIGGER subject_clock_history_append_only
    BEFORE UPDATE OR DELETE ON dispatch.subject_clock_history
    FOR EACH ROW EXECUTE FUNCTION kefu.refuse_change();

-- Confined through its clock (whose own policy applies inside the sub-query).
ALTER TABLE dispatch.subject_clock_history ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_confined ON dispatch.subject_clock_history
    USING ((SELECT kefu.scope_all())
           OR EXISTS (SELECT 1 FROM dispatch.sla_clocks c WHERE c.id = clock_id));

GRANT SELECT, INSERT ON dispatch.subject_clock_history TO kefu_dispatch;
GRANT USAGE ON SEQUENCE dispatch.subject_clock_history_id_seq TO kefu_dispatch;

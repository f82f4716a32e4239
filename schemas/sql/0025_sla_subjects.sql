-- 0025 SLA clocks belong to a subject (docs/sla.md "Subjects"): a ticket,
-- a work order, an inspection or a callback (the next issue adds its own
-- kinds to the CHECK list). ticket_id stays: it is the ticket the subject
-- concerns, through which the history, the escalations and intake's view
-- of the clock go.
--
-- A ticket's own clock is ('ticket', NULL): the ticket is already named by
-- ticket_id, and every existing row and every statement that makes a
-- ticket's clocks stays as it was (no second copy of the id to write on
-- the busiest insert). Any other subject names its id.
--
-- The uniqueness was one clock of a name per ticket; it becomes one per
-- subject (NULLS NOT DISTINCT: a ticket's own clocks stay one per name).
-- The unique index leads with ticket_id, so it serves what the old one
-- served (a ticket's clocks) and a subject's clocks too: every event of a
-- subject names the ticket it concerns. One index, as before.
ALTER TABLE dispatch.sla_clocks
    ADD COLUMN subject_kind text   NOT NULL DEFAULT 'ticket'
        CHECK (subject_kind IN ('ticket', 'work_order', 'inspection', 'callback')),
    ADD COLUMN subject_id   bigint CHECK (subject_id > 0),
    ADD CONSTRAINT sla_clocks_subject_check CHECK ((subject_kind = 'ticket') = (subject_id IS NULL));
ALTER TABLE dispatch.sla_clocks
    ADD CONSTRAINT sla_clocks_subject_clock_key
        UNIQUE NULLS NOT DISTINCT (ticket_id, subject_kind, subject_id, clock);
ALTER TABLE dispatch.sla_clocks DROP CONSTRAINT sla_clocks_ticket_id_clock_key;

-- 0015 no silent edits: every change to a ticket leaves a history row, and
-- tickets are never deleted — enforced here, not left to the code
-- remembering (docs/database.md "Tickets: no silent edits").
--
-- 1. Column privileges. kefu_intake may UPDATE only the columns its flows
--    move: status, the pause, closing and resolution, the repeat-contact
--    count and updated_at. What the customer reported (description, kind,
--    channel, product, serial, …) and where the ticket belongs (branch,
--    customer) cannot be changed by any service role at all.
-- 2. A deferred constraint trigger. At COMMIT, every ticket row the
--    transaction updated must have a history row written by that same
--    transaction, or the transaction fails. Chosen over a trigger that writes
--    the history row itself because intake already writes a meaningful row
--    (actor, event, request id, detail) beside every change, and an automatic
--    row would either duplicate it or know nothing of who did what and why.
--    Deferred to COMMIT because intake writes the row after the UPDATE, in
--    a later statement of the same transaction (tickets_events.c) or in the
--    same statement (tickets.c, events.c).
--    "Same transaction" is the top-level transaction id: each history row
--    records pg_current_xact_id() in written_in_xact, set by a trigger (a
--    value the writer supplies is overwritten). Not xmin: intake's bus and
--    batches work in savepoints, whose rows carry a subtransaction's xid.
-- 3. No deletion. DELETE is revoked, and triggers refuse DELETE and
--    TRUNCATE for everyone, kefu_owner included. The history, which
--    references every ticket, is append-only (0004) already.
-- What kefu_owner (and a superuser) can still do: as the table's owner it
-- may ALTER TABLE ... DISABLE TRIGGER — a deliberate schema change, in its
-- own transaction, that is visible in the server log — and, for an ordinary
-- correction, UPDATE any column provided it writes the history row (actor,
-- event, why) in the same transaction, like the service.

-- 1. Column privileges.
REVOKE UPDATE, DELETE, TRUNCATE ON intake.tickets FROM kefu_intake;
GRANT UPDATE (status, paused_reason, paused_at, closed_at, resolution, contact_count, updated_at)
    ON intake.tickets TO kefu_intake;

-- 2. The transaction each history row was written in (NULL: before 0015).
ALTER TABLE intake.ticket_history ADD COLUMN written_in_xact xid8;

CREATE FUNCTION intake.stamp_history_xact() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.written_in_xact := pg_current_xact_id();
    RETURN NEW;
END
$$;
REVOKE ALL ON FUNCTION intake.stamp_history_xact() FROM PUBLIC;
CREATE TRIGGER ticket_history_stamp_xact
    BEFORE INSERT ON intake.ticket_history
    FOR EACH ROW EXECUTE FUNCTION intake.stamp_history_xact();

CREATE FUNCTION intake.require_ticket_history() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM intake.ticket_history h
                   WHERE h.ticket_id = NEW.id AND h.written_in_xact = pg_current_xact_id()) THEN
        RAISE EXCEPTION 'intake.tickets: ticket % was changed without a history row in the same transaction', NEW.id
            USING ERRCODE = 'integrity_constraint_violation',
                  HINT = 'write the change''s intake.ticket_history row (actor, event) before COMMIT';
    END IF;
    RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION intake.require_ticket_history() FROM PUBLIC;
CREATE CONSTRAINT TRIGGER tickets_change_has_history
    AFTER UPDATE ON intake.tickets
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION intake.require_ticket_history();

-- 3. No deletion.
CREATE FUNCTION intake.refuse_ticket_removal() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'intake.tickets: tickets are never deleted: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
REVOKE ALL ON FUNCTION intake.refuse_ticket_removal() FROM PUBLIC;
CREATE TRIGGER tickets_no_delete
    BEFORE DELETE ON intake.tickets
    FOR EACH ROW EXECUTE FUNCTION intake.refuse_ticket_removal();
CREATE TRIGGER tickets_no_truncate
    BEFORE TRUNCATE ON intake.tickets
    FOR EACH STATEMENT EXECUTE FUNCTION intake.refuse_ticket_removal();

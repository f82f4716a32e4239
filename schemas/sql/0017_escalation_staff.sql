-- 0017 escalation staff: ladders name people by staff id (sla.yaml
-- `staff: TL01`; name and e-mail come from auth.staff_directory), and each
-- warning and escalation records whom it went to and who may acknowledge it.
--   recipient_staff  the staff id of the ladder level it went to
--   may_acknowledge  the staff ids of that level and of every level above it
--                    on the same ladder: intake refuses an acknowledgement
--                    by anybody else (docs/security.md)
-- Rows written before this migration have neither: nobody may acknowledge
-- them (their clocks escalate again under new records, which have both).
ALTER TABLE dispatch.escalations
    ADD COLUMN recipient_staff text   CHECK (recipient_staff <> '' AND char_length(recipient_staff) <= 64),
    ADD COLUMN may_acknowledge text[] CHECK (cardinality(may_acknowledge) BETWEEN 1 AND 4);

-- Intake checks an acknowledgement against them.
GRANT SELECT (recipient_staff, may_acknowledge) ON dispatch.escalations TO kefu_intake;

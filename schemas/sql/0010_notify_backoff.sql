-- 0010 notification back-off: a notification the adapter could not deliver
-- (relay down, recipient refused) waits before it is tried again, with a
-- doubling delay, and does not hold back the ones behind it. The record
-- stays unnotified until delivered: at least once, never dropped.
ALTER TABLE dispatch.escalations
    ADD COLUMN notify_attempts   int  NOT NULL DEFAULT 0 CHECK (notify_attempts >= 0),
    ADD COLUMN next_notify_at    timestamptz,
    ADD COLUMN last_notify_error text CHECK (char_length(last_notify_error) <= 1000);

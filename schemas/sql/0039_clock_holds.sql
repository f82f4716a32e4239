-- 0039 what holds a paused clock (docs/sla.md "Clock life"). A ticket's
-- clocks pause while it waits on someone outside the company: a person's
-- `paused` event (waiting on the customer or for parts), and a work order
-- waiting for the customer's approval of its estimate (estimate.pending,
-- until estimate.approved). Either may begin while the other holds the
-- clocks, so a clock runs again only when the last hold is released.
--
--   dispatch.sla_clocks.paused_by  the holds of a paused clock: 'waiting'
--                                  (a person's pause, resumed by `resumed`)
--                                  and 'approval:<work order id>'. Only a
--                                  paused clock's value means anything.

ALTER TABLE dispatch.sla_clocks
    ADD COLUMN paused_by text[] NOT NULL DEFAULT '{}'
        CHECK (cardinality(paused_by) <= 16);

-- Clocks paused before this migration were paused by a person.
UPDATE dispatch.sla_clocks SET paused_by = '{waiting}' WHERE state = 'paused';

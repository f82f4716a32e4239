-- 0024 callback: periodic callbacks (docs/callback.md "Periodic callbacks").
-- The callback service's timer creates them; a unique key per customer,
-- cause and period (per project ticket and period for projects: a customer
-- may have two projects) makes a second instance, a restart or a repeated
-- pass create nothing (INSERT ... ON CONFLICT DO NOTHING).

DROP INDEX callback.callbacks_periodic_idx;
CREATE UNIQUE INDEX callbacks_periodic_idx ON callback.callbacks (customer_id, cause, period)
    WHERE purpose = 'periodic' AND cause <> 'project';
CREATE UNIQUE INDEX callbacks_project_idx ON callback.callbacks (ticket_id, period)
    WHERE purpose = 'periodic' AND cause = 'project';


-- 0011 the dispatcher's sweep marks: one row per instance and periodic job
-- ('sla': the SLA engine fired and delivered everything due; 'assign':
-- lapsed orders re-dispatched and waiting orders tried again), holding the
-- instant of the service's clock that the job's last complete run started
-- from. Operators read it as the dispatcher's heartbeat (a swept_at that
-- stops moving is a stuck job); tests wait on it to know a job has run past
-- a moment of the injected clock instead of sleeping.
CREATE TABLE dispatch.sweeps (
    instance      text        NOT NULL CHECK (instance <> ''),
    job           text        NOT NULL CHECK (job IN ('sla', 'assign')),
    swept_through timestamptz NOT NULL,
    swept_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (instance, job)
);
GRANT SELECT, INSERT, UPDATE ON dispatch.sweeps TO kefu_dispatch;

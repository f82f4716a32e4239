-- 0029 the technician's diagnosis, and a work order waiting for the
-- customer's approval of its estimate (docs/billing.md "The flow").
--   dispatch.work_orders.status  + awaiting_approval: billing estimated
--                                  chargeable work (or a finding waits for a
--                                  service advisor); the work waits until
--                                  billing says it is approved, then the order
--                                  is assigned again (model/work_order.h)
--   dispatch.diagnoses           what the technician found before the work:
--                                  the fault, the parts, labour and distance
--                                  expected, findings that may exclude
--                                  warranty, photos. One per work order.

ALTER TABLE dispatch.work_orders DROP CONSTRAINT work_orders_status_check;
ALTER TABLE dispatch.work_orders ADD CONSTRAINT work_orders_status_check
    CHECK (status IN ('unassigned', 'assigned', 'completed', 'accepted', 'rework', 'cancelled',
                      'awaiting_approval'));

CREATE TABLE dispatch.diagnoses (
    work_order_id  bigint      PRIMARY KEY REFERENCES dispatch.work_orders (id),
    ticket_id      bigint      NOT NULL,
    branch_id      text        NOT NULL REFERENCES ref.branches (id),
    technician_id  text        NOT NULL CHECK (technician_id <> '' AND char_length(technician_id) <= 64),
    diagnosed_by   text        NOT NULL CHECK (diagnosed_by <> '' AND char_length(diagnosed_by) <= 64),
    fault_code     text        NOT NULL CHECK (fault_code ~ '^[A-Za-z0-9_-]{1,32}$'),
    parts          jsonb       NOT NULL CHECK (jsonb_typeof(parts) = 'array'),
    labour_minutes int         NOT NULL CHECK (labour_minutes BETWEEN 0 AND 43200),
    distance_m     int         NOT NULL CHECK (distance_m BETWEEN 0 AND 2000000),
    findings       text[]      NOT NULL DEFAULT '{}'
                               CHECK (findings <@ ARRAY['misuse', 'force_majeure', 'unauthorised_maintenance']),
    photos         jsonb       NOT NULL CHECK (jsonb_typeof(photos) = 'array'),
    note           text        CHECK (char_length(note) <= 2000),
    diagnosed_at   timestamptz NOT NULL
);
CREATE INDEX diagnoses_ticket_idx ON dispatch.diagnoses (ticket_id);

ALTER TABLE dispatch.diagnoses ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_confined ON dispatch.diagnoses
    USING ((SELECT kefu.scope_all()) OR branch_id = ANY ((SELECT kefu.scope_branches())::text[]));

GRANT SELECT, INSERT ON dispatch.diagnoses TO kefu_dispatch;
GRANT SELECT ON dispatch.diagnoses TO kefu_billing;

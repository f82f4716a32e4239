-- 0005 dispatch: work orders (one per ticket in this release) and their
-- append-only history. Owned by the dispatch service (role kefu_dispatch).
-- A technician's load is the number of its work orders in status assigned.

CREATE TABLE dispatch.work_orders (
    id                bigserial   PRIMARY KEY,
    ticket_id         bigint      NOT NULL UNIQUE,
    branch_id         text        NOT NULL REFERENCES ref.branches (id),
    kind              text        NOT NULL CHECK (kind IN ('consultation', 'repair', 'installation', 'complaint', 'return', 'suggestion')),
    priority          text        NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    product_code      text,
    product_line      text,
    premium           bool        NOT NULL DEFAULT false,
    status            text        NOT NULL DEFAULT 'unassigned' CHECK (status IN ('unassigned', 'assigned', 'completed', 'cancelled')),
    technician_id     text        REFERENCES ref.technicians (id),
    unassigned_reason text,
    created_at        timestamptz NOT NULL DEFAULT now(),
    assigned_at       timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'assigned' OR technician_id IS NOT NULL)
);
-- Load per technician, and the queue of work orders waiting for someone.
CREATE INDEX work_orders_load_idx ON dispatch.work_orders (technician_id) WHERE status = 'assigned';
CREATE INDEX work_orders_waiting_idx ON dispatch.work_orders (branch_id, created_at) WHERE status = 'unassigned';

CREATE TABLE dispatch.work_order_history (
    id            bigserial   PRIMARY KEY,
    work_order_id bigint      NOT NULL REFERENCES dispatch.work_orders (id),
    at            timestamptz NOT NULL DEFAULT now(),
    event         text        NOT NULL CHECK (event <> ''),
    detail        jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX work_order_history_wo_idx ON dispatch.work_order_history (work_order_id, id);

CREATE TRIGGER work_order_history_append_only
    BEFORE UPDATE OR DELETE ON dispatch.work_order_history
    FOR EACH ROW EXECUTE FUNCTION kefu.refuse_change();
CREATE TRIGGER work_order_history_no_truncate
    BEFORE TRUNCATE ON dispatch.work_order_history
    FOR EACH STATEMENT EXECUTE FUNCTION kefu.refuse_change();

GRANT SELECT, INSERT, UPDATE, DELETE ON dispatch.work_orders TO kefu_dispatch;
GRANT SELECT, INSERT ON dispatch.work_order_history TO kefu_dispatch;
GRANT USAGE, SELECT ON SEQUENCE dispatch.work_orders_id_seq, dispatch.work_order_history_id_seq TO kefu_dispatch;

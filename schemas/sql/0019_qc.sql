-- 0019 qc: the inspection of every work order reported done, level by level
-- (docs/qc.md). qc owns schema qc and writes it alone, as kefu_qc.
--   * qc.inspections: one per work order, made from the workorder.done
--     message with the plan chosen for its product line and kind; open
--     until its last level passes (passed) or a level fails (failed);
--   * qc.inspection_levels: the plan's levels of that inspection in order,
--     each with the role that signs it, when it became the next to sign
--     (started_at: what inspection deadlines measure), who signed it when,
--     the item values (items) and, when it failed, the failure report
--     (failed_items).
-- Both carry their work order's branch and are confined by it, like every
-- branch table (0014). qc reads no customer data at all: the work order's
-- message carries what it needs.

-- Its message handler acts for every branch (a work order of any branch
-- may be reported done), as intake's and dispatch's do.
GRANT kefu_all_branches TO kefu_qc;

CREATE TABLE qc.inspections (
    id            bigserial   PRIMARY KEY,
    work_order_id bigint      NOT NULL UNIQUE CHECK (work_order_id > 0),
    ticket_id     bigint      NOT NULL CHECK (ticket_id > 0),
    branch_id     text        NOT NULL REFERENCES ref.branches (id),
    technician_id text        NOT NULL CHECK (char_length(technician_id) BETWEEN 1 AND 64),
    kind          text        NOT NULL CHECK (char_length(kind) BETWEEN 1 AND 16),
    product_line  text        CHECK (char_length(product_line) BETWEEN 1 AND 64),
    plan          text        NOT NULL CHECK (char_length(plan) BETWEEN 1 AND 64),
    rework_of     bigint      CHECK (rework_of > 0),
    status        text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'passed', 'failed')),
    done_at       timestamptz NOT NULL,
    created_at    timestamptz NOT NULL,
    closed_at     timestamptz,
    CHECK ((status = 'open') = (closed_at IS NULL))
);
CREATE INDEX inspections_ticket_idx ON qc.inspections (ticket_id);

CREATE TABLE qc.inspection_levels (
    inspection_id bigint      NOT NULL REFERENCES qc.inspections (id),
    position      int         NOT NULL CHECK (position BETWEEN 0 AND 15),
    name          text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 64),
    role          text        NOT NULL CHECK (char_length(role) BETWEEN 1 AND 32),
    branch_id     text        NOT NULL REFERENCES ref.branches (id),
    status        text        NOT NULL
                  CHECK (status IN ('waiting', 'pending', 'passed', 'failed', 'carried')),
    started_at    timestamptz,
    signed_by     text        CHECK (char_length(signed_by) BETWEEN 1 AND 64),
    signed_at     timestamptz,
    request_id    text        CHECK (char_length(request_id) BETWEEN 1 AND 64),
    items         jsonb,
    failed_items  jsonb,
    PRIMARY KEY (inspection_id, position),
    UNIQUE (inspection_id, name),
    CHECK ((status IN ('passed', 'failed')) = (signed_by IS NOT NULL AND signed_at IS NOT NULL)),
    CHECK (status IN ('waiting', 'carried') OR started_at IS NOT NULL)
);
-- Nobody signs two levels of one work order (one inspection per work order):
-- the database refuses it as well as the service.
CREATE UNIQUE INDEX inspection_levels_one_signature
    ON qc.inspection_levels (inspection_id, signed_by) WHERE signed_by IS NOT NULL;
-- A signer's request_id identifies one signature (a retried request replays it).
CREATE UNIQUE INDEX inspection_levels_request
    ON qc.inspection_levels (signed_by, request_id) WHERE request_id IS NOT NULL;
-- inspection.pending: the levels waiting for a role's signature, oldest first.
CREATE INDEX inspection_levels_pending_idx
    ON qc.inspection_levels (role, started_at) WHERE status = 'pending';

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['qc.inspections', 'qc.inspection_levels']
    LOOP
        EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY branch_confined ON %s'
                       ' USING ((SELECT kefu.scope_all())'
                       '        OR branch_id = ANY ((SELECT kefu.scope_branches())::text[]))', t);
    END LOOP;
END
$$;

-- Rows are never deleted: an inspection is a record.
GRANT SELECT, INSERT, UPDATE ON qc.inspections, qc.inspection_levels TO kefu_qc;
GRANT USAGE ON SEQUENCE qc.inspections_id_seq TO kefu_qc;

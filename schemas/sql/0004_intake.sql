-- 0004 intake: tickets and their append-only history. Owned by the intake
-- service (role kefu_intake): full DML on tickets, INSERT/SELECT only on
-- the history, which a trigger keeps append-only for everyone.

CREATE TABLE intake.tickets (
    id            bigserial   PRIMARY KEY,
    branch_id     text        NOT NULL REFERENCES ref.branches (id),
    customer_id   text        NOT NULL REFERENCES ref.customers (id),
    product_code  text        REFERENCES ref.products (code),
    serial        text        CHECK (char_length(serial) <= 64),
    warranty_card text        CHECK (char_length(warranty_card) <= 64),
    channel       text        NOT NULL CHECK (channel IN ('hotline', 'web', 'chat', 'email', 'walk_in', 'dealer')),
    kind          text        NOT NULL CHECK (kind IN ('consultation', 'repair', 'installation', 'complaint', 'return', 'suggestion')),
    priority      text        NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
    status        text        NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'unassigned', 'assigned', 'closed')),
    description   text        NOT NULL CHECK (char_length(description) <= 10000),
    contact_count int         NOT NULL DEFAULT 1 CHECK (contact_count >= 1),
    request_id    text        UNIQUE CHECK (char_length(request_id) <= 64),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    closed_at     timestamptz,
    resolution    text        CHECK (char_length(resolution) <= 10000)
);
-- Repeat contacts: the open ticket of a customer about a product.
CREATE INDEX tickets_open_customer_idx ON intake.tickets (customer_id, product_code)
    WHERE status <> 'closed';
CREATE INDEX tickets_branch_status_idx ON intake.tickets (branch_id, status, id);
CREATE INDEX tickets_status_idx ON intake.tickets (status, id);

CREATE TABLE intake.ticket_history (
    id        bigserial   PRIMARY KEY,
    ticket_id bigint      NOT NULL REFERENCES intake.tickets (id),
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text        NOT NULL CHECK (actor <> '' AND char_length(actor) <= 200),
    event     text        NOT NULL CHECK (event IN ('created', 'repeat_contact', 'closed_at_intake',
                                                    'work_order_assigned', 'work_order_unassigned')),
    detail    jsonb       NOT NULL DEFAULT '{}'
);
CREATE INDEX ticket_history_ticket_idx ON intake.ticket_history (ticket_id, id);

CREATE TRIGGER ticket_history_append_only
    BEFORE UPDATE OR DELETE ON intake.ticket_history
    FOR EACH ROW EXECUTE FUNCTION kefu.refuse_change();
CREATE TRIGGER ticket_history_no_truncate
    BEFORE TRUNCATE ON intake.ticket_history
    FOR EACH STATEMENT EXECUTE FUNCTION kefu.refuse_change();

GRANT SELECT, INSERT, UPDATE, DELETE ON intake.tickets TO kefu_intake;
GRANT SELECT, INSERT ON intake.ticket_history TO kefu_intake;
GRANT USAGE, SELECT ON SEQUENCE intake.tickets_id_seq, intake.ticket_history_id_seq TO kefu_intake;

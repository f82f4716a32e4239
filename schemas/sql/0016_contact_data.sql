-- 0016 contact data: a customer's phone number and address are read only by
-- the role that needs them, and every read of them in full is recorded.
--   * intake takes requests in and shows a ticket's detail to staff of the
--     ticket's branch: it reads phone and address (and records each full
--     read in ref.contact_reads, services/intake/tickets_read.c);
--   * every other service reads the customer's id, name, region, branch and
--     class, never the phone number or the address.
-- Later services that call customers back are granted the columns in their
-- own migration, with the same audit.

REVOKE SELECT ON ref.customers FROM kefu_intake, kefu_dispatch, kefu_qc, kefu_billing,
    kefu_callback, kefu_claims;
GRANT SELECT (id, name, region_id, branch_id, class, created_at) ON ref.customers
    TO kefu_intake, kefu_dispatch, kefu_qc, kefu_billing, kefu_callback, kefu_claims;
GRANT SELECT (phone, address) ON ref.customers TO kefu_intake;

-- Who read which customer's full contact data, when, through which request.
-- Append-only for everyone (kefuctl admin audit reads it as the owner).
CREATE TABLE ref.contact_reads (
    id          bigserial   PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT now(),
    principal   text        NOT NULL CHECK (principal <> '' AND char_length(principal) <= 64),
    customer_id text        NOT NULL CHECK (char_length(customer_id) <= 64),
    request     text        NOT NULL CHECK (char_length(request) <= 32),
    ticket_id   bigint
);
CREATE INDEX contact_reads_customer_idx ON ref.contact_reads (customer_id, id);
CREATE INDEX contact_reads_principal_idx ON ref.contact_reads (principal, id);
CREATE TRIGGER contact_reads_append_only
    BEFORE UPDATE OR DELETE ON ref.contact_reads
    FOR EACH ROW EXECUTE FUNCTION kefu.refuse_change();
CREATE TRIGGER contact_reads_no_truncate
    BEFORE TRUNCATE ON ref.contact_reads
    FOR EACH STATEMENT EXECUTE FUNCTION kefu.refuse_change();
GRANT INSERT ON ref.contact_reads TO kefu_intake;
GRANT USAGE ON SEQUENCE ref.contact_reads_id_seq TO kefu_intake;

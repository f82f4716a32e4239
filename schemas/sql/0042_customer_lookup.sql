-- 0042 customer look-up and CTI screen pops (docs/intake.md "Finding a
-- customer" and "Screen pops"). Owned by intake (role kefu_intake).
--   ref.customers.phone_key  the phone as intake compares it: without the
--                            spaces and dashes people type (the form
--                            ticket.submit stores), so "0512-66001234" and
--                            "051266001234" are one number. A stored
--                            generated column, not an expression index:
--                            under row-level security only leakproof
--                            operators reach an index, and `=` on a column
--                            is one while a function of the column is not.
--   customers_name_c_idx     names by prefix (a range in byte order, which
--                            the same rule lets through); containment is a
--                            scan, bounded by the request's limit.
--   intake.screen_pops       what a phone system's call opened: a random id
--                            (the opaque link), the caller's number, who
--                            asked, the branches they act for, and when it
--                            expires (intake.screenpop_seconds). Confined
--                            like every branch table: a pop is read by
--                            staff of a branch the opener acts for. Rows
--                            past expires_at are deleted by the next open
--                            or read.

ALTER TABLE ref.customers
    ADD COLUMN phone_key text GENERATED ALWAYS AS (translate(phone, ' -', '')) STORED;
CREATE INDEX customers_phone_key_idx ON ref.customers (phone_key);
CREATE INDEX customers_name_c_idx ON ref.customers (name COLLATE "C");
GRANT SELECT (phone_key) ON ref.customers TO kefu_intake;

CREATE TABLE intake.screen_pops (
    -- 128 random bits, URL-safe base64 without padding (22 characters)
    id          text        PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{22}$'),
    phone       text        NOT NULL CHECK (phone <> '' AND char_length(phone) <= 32),
    principal   text        NOT NULL CHECK (principal <> '' AND char_length(principal) <= 64),
    -- the opener's branches (every branch's id when the opener acts for all)
    branches    text[]      NOT NULL CHECK (cardinality(branches) > 0),
    created_at  timestamptz NOT NULL,
    expires_at  timestamptz NOT NULL CHECK (expires_at > created_at)
);
CREATE INDEX screen_pops_expires_idx ON intake.screen_pops (expires_at);

ALTER TABLE intake.screen_pops ENABLE ROW LEVEL SECURITY;
CREATE POLICY branch_confined ON intake.screen_pops
    USING ((SELECT kefu.scope_all()) OR branches && (SELECT kefu.scope_branches())::text[]);

GRANT SELECT, INSERT, DELETE ON intake.screen_pops TO kefu_intake;

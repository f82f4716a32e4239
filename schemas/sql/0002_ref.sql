-- 0002 ref: shared reference data — region tiers, regions, branches with
-- their hours, products, customers and warranty cards, technicians.
-- Written by `kefuctl admin load` (as kefu_owner); intake also inserts
-- customers opened at intake (ids from ref.customer_seq). Every service
-- reads all of it.

CREATE TABLE ref.tiers (
    name text PRIMARY KEY CHECK (name <> '' AND char_length(name) <= 64),
    ord  int  NOT NULL DEFAULT 0
);

CREATE TABLE ref.regions (
    id   text PRIMARY KEY CHECK (id <> '' AND char_length(id) <= 64),
    name text NOT NULL CHECK (char_length(name) <= 200),
    tier text NOT NULL REFERENCES ref.tiers (name)
);

CREATE TABLE ref.branches (
    id        text  PRIMARY KEY CHECK (id <> '' AND char_length(id) <= 64),
    name      text  NOT NULL CHECK (char_length(name) <= 200),
    region_id text  NOT NULL REFERENCES ref.regions (id),
    timezone  text  NOT NULL CHECK (timezone <> ''),
    hours     jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(hours) = 'object')
);
CREATE INDEX branches_region_idx ON ref.branches (region_id);

CREATE TABLE ref.products (
    code            text PRIMARY KEY CHECK (code <> '' AND char_length(code) <= 64),
    name            text NOT NULL CHECK (char_length(name) <= 200),
    line            text NOT NULL CHECK (line <> '' AND char_length(line) <= 64),
    premium         bool NOT NULL DEFAULT false,
    warranty_months int  NOT NULL DEFAULT 12 CHECK (warranty_months BETWEEN 0 AND 1200)
);

-- Customers opened at intake: 'C' || lpad(nextval('ref.customer_seq')::text, 6, '0').
CREATE SEQUENCE ref.customer_seq;

CREATE TABLE ref.customers (
    id         text        PRIMARY KEY CHECK (id <> '' AND char_length(id) <= 64),
    name       text        NOT NULL CHECK (char_length(name) <= 200),
    phone      text        CHECK (char_length(phone) <= 64),
    address    text        CHECK (char_length(address) <= 1000),
    region_id  text        NOT NULL REFERENCES ref.regions (id),
    branch_id  text        REFERENCES ref.branches (id),
    class      text        NOT NULL DEFAULT 'regular' CHECK (class <> '' AND char_length(class) <= 32),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX customers_phone_idx ON ref.customers (phone);

CREATE TABLE ref.warranty_cards (
    card_no       text PRIMARY KEY CHECK (card_no <> '' AND char_length(card_no) <= 64),
    customer_id   text NOT NULL REFERENCES ref.customers (id),
    product_code  text NOT NULL REFERENCES ref.products (code),
    serial        text CHECK (char_length(serial) <= 64),
    purchase_date date
);
CREATE INDEX warranty_cards_customer_idx ON ref.warranty_cards (customer_id);

CREATE TABLE ref.technicians (
    id        text   PRIMARY KEY CHECK (id <> '' AND char_length(id) <= 64),
    name      text   NOT NULL CHECK (char_length(name) <= 200),
    branch_id text   NOT NULL REFERENCES ref.branches (id),
    grade     text   NOT NULL CHECK (grade IN ('trainee', 'junior', 'intermediate', 'senior')),
    skills    text[] NOT NULL DEFAULT '{}',
    capacity  int    NOT NULL CHECK (capacity > 0),
    shift     jsonb  NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(shift) = 'object'),
    active    bool   NOT NULL DEFAULT true
);
CREATE INDEX technicians_branch_idx ON ref.technicians (branch_id) WHERE active;

GRANT SELECT ON ref.tiers, ref.regions, ref.branches, ref.products, ref.customers,
                ref.warranty_cards, ref.technicians
    TO kefu_intake, kefu_dispatch, kefu_qc, kefu_billing, kefu_callback, kefu_claims;

-- The customer file is opened at intake.
GRANT INSERT ON ref.customers TO kefu_intake;
GRANT USAGE, SELECT ON SEQUENCE ref.customer_seq TO kefu_intake;

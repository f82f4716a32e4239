-- 0013 identity: who may ask kefu for anything (docs/security.md).
--   ref.centres, ref.centre_branches  regional call centres and the branches they serve
--   ref.organisations                 dealers and authorised service providers
--   auth.staff                        people: placement, roles, Argon2id password hash
--   auth.service_accounts             programs (phone system, web form): branches and requests
--   auth.tokens                       bearer tokens, stored only as their BLAKE2b-256 hash
--   auth.credentials                  the one read services make: token hash -> principal and scope
-- Written by `kefuctl admin load` and `kefuctl admin staff|tokens` (as kefu_owner).
-- Services read only auth.credentials, a view without password hashes.

CREATE SCHEMA IF NOT EXISTS auth;

CREATE TABLE ref.centres (
    id   text PRIMARY KEY CHECK (id <> '' AND char_length(id) <= 64),
    name text NOT NULL CHECK (char_length(name) <= 200)
);
CREATE TABLE ref.centre_branches (
    centre_id text NOT NULL REFERENCES ref.centres (id) ON DELETE CASCADE,
    branch_id text NOT NULL REFERENCES ref.branches (id),
    PRIMARY KEY (centre_id, branch_id)
);

CREATE TABLE ref.organisations (
    id       text   PRIMARY KEY CHECK (id <> '' AND char_length(id) <= 64),
    name     text   NOT NULL CHECK (char_length(name) <= 200),
    kind     text   NOT NULL CHECK (kind IN ('dealer', 'provider')),
    regions  text[] NOT NULL CHECK (cardinality(regions) >= 1),
    contract text   NOT NULL CHECK (char_length(contract) <= 64),
    account  text   NOT NULL CHECK (char_length(account) <= 64)
);

CREATE FUNCTION auth.role_names() RETURNS text[]
LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['agent', 'technician', 'team_lead', 'qc_inspector', 'service_advisor',
                 'department_head', 'centre_director', 'general_manager', 'regional_manager',
                 'head_office', 'finance', 'operator', 'dealer_staff', 'provider_staff']
$$;

CREATE TABLE auth.staff (
    id            text        PRIMARY KEY CHECK (id <> '' AND char_length(id) <= 64),
    name          text        NOT NULL CHECK (char_length(name) <= 200),
    place         text        NOT NULL CHECK (place IN ('branch', 'centre', 'region', 'organisation', 'company')),
    place_id      text        CHECK ((place = 'company') = (place_id IS NULL)),
    roles         text[]      NOT NULL CHECK (cardinality(roles) >= 1 AND roles <@ auth.role_names()),
    active        bool        NOT NULL DEFAULT true,
    -- work contact, where escalations reach the person (not customer data)
    email         text        CHECK (char_length(email) <= 254),
    phone         text        CHECK (char_length(phone) <= 32),
    -- libsodium crypto_pwhash_str (Argon2id), set by `kefuctl admin staff password`
    password_hash text        CHECK (password_hash LIKE '$argon2id$%'),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE auth.service_accounts (
    id       text   PRIMARY KEY CHECK (id <> '' AND char_length(id) <= 64),
    name     text   NOT NULL CHECK (char_length(name) <= 200),
    branches text[] NOT NULL CHECK (cardinality(branches) >= 1),
    requests text[] NOT NULL CHECK (cardinality(requests) >= 1),
    active   bool   NOT NULL DEFAULT true
);

CREATE TABLE auth.tokens (
    id         bigserial   PRIMARY KEY,
    -- hex of BLAKE2b-256 of the whole token; the token itself is never stored
    hash       text        NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
    -- the first characters of the token, so that an operator can tell tokens apart
    prefix     text        NOT NULL CHECK (char_length(prefix) <= 16),
    staff_id   text        REFERENCES auth.staff (id),
    account_id text        REFERENCES auth.service_accounts (id),
    label      text        NOT NULL DEFAULT '' CHECK (char_length(label) <= 200),
    created_at timestamptz NOT NULL,
    expires_at timestamptz,
    revoked_at timestamptz,
    CHECK ((staff_id IS NULL) <> (account_id IS NULL))
);

-- What a service learns from a token: who, their roles, their scope.
-- branches NULL means every branch (the company); '{}' none (an organisation).
CREATE VIEW auth.credentials AS
SELECT t.hash,
       t.id AS token_id,
       coalesce(t.staff_id, t.account_id) AS principal,
       CASE WHEN t.staff_id IS NOT NULL THEN 'staff' ELSE 'service' END AS kind,
       coalesce(s.roles, '{}') AS roles,
       CASE
           WHEN a.id IS NOT NULL THEN a.branches
           WHEN s.place = 'branch' THEN ARRAY[s.place_id]
           WHEN s.place = 'centre' THEN
               (SELECT coalesce(array_agg(cb.branch_id ORDER BY cb.branch_id), '{}')
                  FROM ref.centre_branches cb WHERE cb.centre_id = s.place_id)
           WHEN s.place = 'region' THEN
               (SELECT coalesce(array_agg(b.id ORDER BY b.id), '{}')
                  FROM ref.branches b WHERE b.region_id = s.place_id)
           WHEN s.place = 'organisation' THEN '{}'::text[]
       END AS branches,
       CASE WHEN s.place = 'organisation' THEN s.place_id END AS organisation,
       coalesce(s.place, 'service') AS place,
       coalesce(a.requests, '{}') AS requests,
       (extract(epoch FROM t.expires_at) * 1000000)::bigint AS expires_us,
       t.revoked_at IS NOT NULL AS revoked,
       coalesce(s.active, a.active) AS active
  FROM auth.tokens t
  LEFT JOIN auth.staff s ON s.id = t.staff_id
  LEFT JOIN auth.service_accounts a ON a.id = t.account_id;

-- The staff directory without credentials: who is who, for escalation
-- ladders (which name staff ids) and acknowledgements.
CREATE VIEW auth.staff_directory AS
SELECT id, name, place, place_id, roles, active, email, phone FROM auth.staff;

-- Every service checks tokens against the view, read-only; nothing else in
-- auth is theirs to read (password hashes above all).
GRANT USAGE ON SCHEMA auth TO kefu_intake, kefu_dispatch, kefu_qc, kefu_billing, kefu_callback, kefu_claims;
GRANT SELECT ON auth.credentials, auth.staff_directory TO kefu_intake, kefu_dispatch, kefu_qc, kefu_billing, kefu_callback, kefu_claims;
GRANT SELECT ON ref.centres, ref.centre_branches, ref.organisations
    TO kefu_intake, kefu_dispatch, kefu_qc, kefu_billing, kefu_callback, kefu_claims;

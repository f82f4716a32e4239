-- 0040 sessions: staff log-in through the gateway (docs/gateway.md "Log-in
-- and sessions", docs/security.md "Passwords" and "Failed log-ins").
--   kefu_gateway               the gateway's role (LOGIN): no table at all, only
--                              the four functions below (SECURITY DEFINER, owned
--                              by kefu_owner), so a gateway can read one active
--                              staff member's password hash by id, open and
--                              close session tokens and keep the failure
--                              record, and nothing else.
--   auth.tokens.kind           'bearer' (kefuctl admin tokens) or 'session' (a
--                              log-in); address: where a session logged in from
--   auth.login_failures        one row per failed log-in: account (the staff id
--                              as typed, known or not), address, time; written
--                              before the password is checked and removed when
--                              it was right; every gateway instance counts
--                              from here. Rows older
--                              than a day are pruned as new ones are written.
--   auth.login_addresses       the addresses an account logged in from
--                              successfully, with the last time: such a pair is
--                              throttled only by its own failures, so an
--                              attacker elsewhere cannot lock its user out.
-- The rule (limits, window, Retry-After) is the gateway's
-- (services/gateway/login.c): it passes the limits in, login_begin applies
-- them under its locks and reports the times Retry-After is computed from.
-- Times are the gateway's clock (common/base/clock.h), passed in, so that the
-- injected test clock moves log-ins and expiry like everything else.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'kefu_gateway') THEN
        CREATE ROLE kefu_gateway LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
    END IF;
END
$$;

ALTER TABLE auth.tokens
    ADD COLUMN kind    text NOT NULL DEFAULT 'bearer' CHECK (kind IN ('bearer', 'session')),
    ADD COLUMN address inet;

CREATE TABLE auth.login_failures (
    id       bigserial   PRIMARY KEY,
    staff_id text        NOT NULL CHECK (char_length(staff_id) BETWEEN 1 AND 64),
    address  inet        NOT NULL,
    at       timestamptz NOT NULL
);
CREATE INDEX login_failures_staff_idx ON auth.login_failures (staff_id, at DESC);
CREATE INDEX login_failures_address_idx ON auth.login_failures (address, at DESC);
CREATE INDEX login_failures_at_idx ON auth.login_failures (at);

CREATE TABLE auth.login_addresses (
    staff_id        text        NOT NULL REFERENCES auth.staff (id),
    address         inet        NOT NULL,
    last_success_at timestamptz NOT NULL,
    PRIMARY KEY (staff_id, address)
);

-- Before checking a password, under a lock on the account and one on the
-- address (every gateway instance, every connection: concurrent attempts
-- are counted one after the other, never all against the same old count):
-- the hash of an active staff member (NULL when the id is unknown, inactive
-- or has no password: the gateway then checks a dummy hash, so both take the
-- same time), whether the pair logged in successfully since p_known_since,
-- the newest p_max failure times (microseconds since the epoch, newest
-- first) since p_since of the account, of the address and of the pair, and
-- attempt: when the attempt is within the limits (login.h's rule, the
-- limits passed in), the id of the failure row written for it at p_at
-- before its password is checked (a right password removes it in
-- session_open), else NULL (throttled: nothing written). Failure rows older
-- than a day are removed in bounded steps (the window is far shorter).
CREATE FUNCTION auth.login_begin(p_staff text, p_address inet, p_at timestamptz,
                                 p_since timestamptz, p_known_since timestamptz, p_max int,
                                 p_account_limit int, p_address_limit int, p_pair_limit int)
RETURNS TABLE (password_hash text, known bool, account_times bigint[], address_times bigint[],
               pair_times bigint[], attempt bigint)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    k_account bigint := hashtext('kefu.login.account:' || p_staff);
    k_address bigint := hashtext('kefu.login.address:' || host(p_address));
BEGIN
    -- in key order, so that two attempts never wait for each other's second lock
    PERFORM pg_advisory_xact_lock(least(k_account, k_address));
    PERFORM pg_advisory_xact_lock(greatest(k_account, k_address));
    password_hash := (SELECT s.password_hash FROM auth.staff s WHERE s.id = p_staff AND s.active);
    known := EXISTS (SELECT 1 FROM auth.login_addresses a
                      WHERE a.staff_id = p_staff AND a.address = p_address
                        AND a.last_success_at >= p_known_since);
    account_times := ARRAY(SELECT (extract(epoch FROM f.at) * 1000000)::bigint FROM auth.login_failures f
                            WHERE f.staff_id = p_staff AND f.at >= p_since ORDER BY f.at DESC LIMIT p_max);
    address_times := ARRAY(SELECT (extract(epoch FROM f.at) * 1000000)::bigint FROM auth.login_failures f
                            WHERE f.address = p_address AND f.at >= p_since ORDER BY f.at DESC LIMIT p_max);
    pair_times := ARRAY(SELECT (extract(epoch FROM f.at) * 1000000)::bigint FROM auth.login_failures f
                         WHERE f.staff_id = p_staff AND f.address = p_address AND f.at >= p_since
                         ORDER BY f.at DESC LIMIT p_max);
    attempt := NULL;
    IF (known AND cardinality(pair_times) < p_pair_limit)
       OR (NOT known AND cardinality(account_times) < p_account_limit
           AND cardinality(address_times) < p_address_limit) THEN
        INSERT INTO auth.login_failures (staff_id, address, at) VALUES (p_staff, p_address, p_at)
        RETURNING id INTO attempt;
        DELETE FROM auth.login_failures
         WHERE id IN (SELECT f.id FROM auth.login_failures f
                       WHERE f.at < p_at - interval '1 day' ORDER BY f.at LIMIT 100);
    END IF;
    RETURN NEXT;
END
$$;

-- A right password: the session token (its hash, never the token), the pair
-- remembered as known and its own failures forgotten, the attempt's own row
-- among them (not the account's nor the address's: a success here does not
-- reset an attack from elsewhere).
-- Returns who logged in, as the services will see the token; no row, and
-- nothing written, when the staff member is no longer active or has no
-- password.
CREATE FUNCTION auth.session_open(p_staff text, p_hash text, p_prefix text, p_address inet,
                                  p_at timestamptz, p_expires_at timestamptz)
RETURNS TABLE (staff text, name text, roles text[], branches text[])
LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    -- only for an active staff member with a password, held so while the
    -- token is written (deactivated after the check: no session, no row)
    PERFORM 1 FROM auth.staff s
     WHERE s.id = p_staff AND s.active AND s.password_hash IS NOT NULL FOR SHARE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    INSERT INTO auth.tokens (hash, prefix, staff_id, label, created_at, expires_at, kind, address)
    VALUES (p_hash, p_prefix, p_staff, 'session', p_at, p_expires_at, 'session', p_address);
    INSERT INTO auth.login_addresses (staff_id, address, last_success_at)
    VALUES (p_staff, p_address, p_at)
    ON CONFLICT ON CONSTRAINT login_addresses_pkey
    DO UPDATE SET last_success_at = greatest(auth.login_addresses.last_success_at, EXCLUDED.last_success_at);
    DELETE FROM auth.login_failures f WHERE f.staff_id = p_staff AND f.address = p_address;
    RETURN QUERY
    SELECT c.principal, s.name, c.roles, c.branches
      FROM auth.credentials c JOIN auth.staff s ON s.id = c.principal
     WHERE c.hash = p_hash;
END
$$;

-- Who a session token belongs to while it is open (not revoked, not expired
-- at p_at, its holder active): no row otherwise. Bearer tokens are not
-- sessions and get no row.
CREATE FUNCTION auth.session_who(p_hash text, p_at timestamptz)
RETURNS TABLE (staff text, name text, roles text[], branches text[], expires_us bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog AS $$
    SELECT c.principal, s.name, c.roles, c.branches, c.expires_us
      FROM auth.tokens t
      JOIN auth.credentials c ON c.hash = t.hash
      JOIN auth.staff s ON s.id = t.staff_id
     WHERE t.hash = p_hash AND t.kind = 'session' AND t.revoked_at IS NULL
       AND t.expires_at > p_at AND s.active
$$;

-- Log-out: revokes the session (true), or false when it was no open session.
CREATE FUNCTION auth.session_close(p_hash text, p_at timestamptz)
RETURNS bool
LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = pg_catalog AS $$
    WITH closed AS (
        UPDATE auth.tokens SET revoked_at = p_at
         WHERE hash = p_hash AND kind = 'session' AND revoked_at IS NULL
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM closed)
$$;

REVOKE ALL ON FUNCTION auth.login_begin(text, inet, timestamptz, timestamptz, timestamptz, int, int, int, int),
                       auth.session_open(text, text, text, inet, timestamptz, timestamptz),
                       auth.session_who(text, timestamptz),
                       auth.session_close(text, timestamptz) FROM PUBLIC;
GRANT USAGE ON SCHEMA auth TO kefu_gateway;
GRANT EXECUTE ON FUNCTION auth.login_begin(text, inet, timestamptz, timestamptz, timestamptz, int, int, int, int),
                          auth.session_open(text, text, text, inet, timestamptz, timestamptz),
                          auth.session_who(text, timestamptz),
                          auth.session_close(text, timestamptz) TO kefu_gateway;

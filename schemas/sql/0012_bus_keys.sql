-- 0012 bus keys: every instance publishes its CurveZMQ public key beside its
-- bus endpoint, so that peers connect with the right server key
-- (docs/messaging.md "Keys"). Publishing a key here trusts nothing: a peer
-- connects only when the key is also among the keys the operator installed
-- for that service (messaging.keys_dir), and every receiver checks the
-- sender's key the same way. 40 characters of Z85 (32 bytes); NULL only
-- in rows written before this migration.
DO $$
DECLARE
    svc text;
BEGIN
    FOREACH svc IN ARRAY ARRAY['intake', 'dispatch', 'qc', 'billing', 'callback', 'claims']
    LOOP
        EXECUTE format($f$
            ALTER TABLE %I.endpoints ADD COLUMN public_key text
                CHECK (public_key ~ '^[!-~]{40}$')
        $f$, svc);
    END LOOP;
END
$$;

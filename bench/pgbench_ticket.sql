-- pgbench reference transaction for `make bench`: what intake's submit does at
-- its core, one ticket row and one outbox row in one transaction, nothing else.
-- n: the customers bench/run.sh loaded (pgbench -D n=N)
\set c random(1, :n)
BEGIN;
INSERT INTO intake.tickets (branch_id, customer_id, product_code, channel, kind, priority,
                            status, description, created_at, updated_at)
VALUES ('SH01', 'B' || lpad(:c::text, 6, '0'), 'AC-3200', 'hotline', 'repair', 'normal',
        'open', '压测：空调不制冷', now(), now());
INSERT INTO intake.outbox (message_id, destination, type, payload)
VALUES (gen_random_uuid(), 'dispatch', 'ticket.created',
        '{"id":"00000000-0000-4000-8000-000000000000","type":"ticket.created","version":1,"ts":"2026-11-22T00:00:00.000000Z","source":{"service":"intake","instance":"intake-bench"},"branch":"SH01","correlation_id":"1","body":{"ticket_id":1,"status":"open","branch":"SH01","customer_id":"B000001","region":"SH","tier":"city","kind":"repair","channel":"hotline","priority":"normal","product":{"code":"AC-3200","line":"air-conditioner","premium":false},"description":"压测：空调不制冷","created_at":"2026-11-22T00:00:00.000000Z"}}');
COMMIT;

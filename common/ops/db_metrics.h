/*  db_metrics — the metrics that describe the whole database rather than
 *  one process: the running SLA clocks of each kind (open, at risk,
 *  breached) and each service's outbox (unsent rows, age of the oldest).
 *  Exported once, by the one instance holding the exporter lock, however
 *  many instances run (docs/operations.md "Metrics"). Both calls are one
 *  round trip to functions of migration 0044 (schema ops), granted to every
 *  service role.
 */
#ifndef KEFU_OPS_DB_METRICS_H
#define KEFU_OPS_DB_METRICS_H

#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*  The five metrics in Prometheus text format 0.0.4, each with its # HELP
 *  and # TYPE lines: kefu_sla_clocks_open, kefu_sla_clocks_at_risk and
 *  kefu_sla_clocks_breached (label clock; every built-in clock kind, zero
 *  when none runs, and any other kind running) at now_us (the caller's
 *  clock_now_us), kefu_outbox_depth and kefu_outbox_oldest_age_seconds
 *  (label outbox: intake, dispatch, qc, billing, callback, claims).
 *  Returns a malloc'd string the caller frees, or NULL with the reason in
 *  err. conn must be idle (no result pending). */
char *ops_db_metrics_text (PGconn *conn, int64_t now_us, char *err, size_t errsize);

/*  True when this connection holds the exporter lock, or has just taken it
 *  (a session-level advisory lock: it lasts until the connection closes).
 *  False when another connection holds it, or on any error (the connection
 *  is broken: nothing to export through it). Call before each export, so
 *  that another instance takes over within one interval of the holder's
 *  death. */
bool ops_db_metrics_exporter (PGconn *conn);

#endif

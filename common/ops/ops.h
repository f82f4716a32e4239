/*  ops — what an operator reaches of a running service (docs/operations.md):
 *  the Prometheus metrics at services.<name>.metrics (off by default) and
 *  /healthz and /readyz at services.<name>.health (on by default), each on
 *  a small HTTP listener (libmicrohttpd) with a thread of its own, so that
 *  neither ever waits on the service's loop nor the loop on them.
 *
 *  GET /metrics   the registry (ops_metrics.h) in Prometheus text format
 *                 0.0.4, every series labelled service and instance, then
 *                 the whole-database figures (db_metrics.h: SLA clocks,
 *                 outboxes) when this instance is the one that exports
 *                 them: of all instances asked, the one whose metrics
 *                 connection holds the exporter lock
 *  GET /healthz   200 "ok" while the service's loop runs (it has passed
 *                 within OPS_STALL_S), else 503 with the reason
 *  GET /readyz    200 "ready" when the service can serve: started (its
 *                 endpoints bound, the database reached once), its loop
 *                 running, and PostgreSQL answering within
 *                 OPS_DB_TIMEOUT_S now; else 503 with a short reason
 *  Only GET and HEAD (405 otherwise), a handful of connections, a few
 *  kilobytes per request, 5 s to send it. Each bound address is logged as
 *  "ops_listening" (what: metrics or health, listen: host:port).
 */
#ifndef KEFU_OPS_H
#define KEFU_OPS_H

#include <stdbool.h>
#include <stddef.h>

#define OPS_STALL_S 30 /* /healthz: the loop must have passed this recently */
#define OPS_DB_TIMEOUT_S 2 /* /readyz: PostgreSQL must answer within this */

typedef struct ops_s ops_t;

typedef struct {
    const char *service; /* "intake" … "gateway" */
    const char *instance;
    const char *metrics; /* host:port, or NULL / "off": no metrics listener */
    const char *health; /* host:port, or NULL / "off": no health listener */
    const char *conninfo; /* libpq conninfo of the service's own role: readiness,
                             whole-database figures */
    bool watch_loop; /* the service calls ops_beat from its loop */
    bool export_db; /* may export the whole-database figures (the six services' roles may) */
} ops_opts_t;

/*  Starts the listeners opts asks for. Returns NULL with the reason in err
 *  when an address cannot be bound (or memory runs out). Copies opts. */
ops_t *ops_start (const ops_opts_t *opts, char *err, size_t errsize);
/*  Stops both listeners (waits for their threads). */
void ops_stop (ops_t **self_p);

/*  The loop passed (cheap: one atomic store). */
void ops_beat (ops_t *self);
/*  The service has started serving (true) or is stopping (false). */
void ops_set_ready (ops_t *self, bool ready);

/*  The bound addresses ("127.0.0.1:41234"), "" when that listener is off. */
const char *ops_metrics_address (const ops_t *self);
const char *ops_health_address (const ops_t *self);

#endif

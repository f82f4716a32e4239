/*  ops_metrics — kefu's own metrics (docs/operations.md, "Metrics"): the
 *  families every service has, in one process-wide registry, and the hooks
 *  the service kit, the bus and the database handle call to count.
 *
 *  Every label value comes from a set known in advance: request names of
 *  the service's request table (ops_metrics_requests), reply codes, message
 *  types of routes.h, destination services, database operations, the
 *  gateway's route patterns. Anything else is counted under "other".
 *
 *  Hooks are cheap (an atomic add after a short look-up) and always count,
 *  whether or not the metrics listener is on. Any thread may call them.
 */
#ifndef KEFU_OPS_METRICS_H
#define KEFU_OPS_METRICS_H

#include <stdint.h>

#include "metrics.h"

/*  The process's registry, made with every family at first use. */
met_registry_t *ops_metrics_registry (void);

/*  The request names of a service's table, for the request label: names
 *  not made known here are counted as "other". Borrows the strings (a
 *  static table's). At most 128 names in all. */
void ops_metrics_request_name (const char *name);

/*  A request read from a client (name as sent, NULL when none could be
 *  read), and the reply it got (code: rpl_code_name's word). */
void ops_count_request (const char *name);
void ops_count_reply (const char *name, const char *code);

/*  The bus. type as it came (NULL or unknown: "other"). */
void ops_count_message_in (const char *type);
void ops_count_message_out (const char *type, const char *destination);
void ops_count_redelivery (const char *type);
void ops_count_dead_letter (const char *type);
void ops_count_duplicate (void);

/*  One round trip to PostgreSQL: op is "statement", "pipeline", "command"
 *  or "commit"; seconds, from clock_mono_s-like timing of the caller. */
void ops_observe_db (const char *op, double seconds);
/*  Monotonic seconds, for timing round trips. */
double ops_now_s (void);

/*  dispatch: an escalation raised `seconds` after its due instant (by the
 *  service's clock, which tests move). */
void ops_observe_escalation_lateness (double seconds);

/*  gateway: an HTTP request answered. route: the pattern of the route
 *  table, GW_CONSOLE_ROUTE, the session path, or NULL (no route matched). */
void ops_count_http (const char *route, int status);

#endif

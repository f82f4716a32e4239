/*  service — what every kefu service process does besides its own domain:
 *  parse --config/--instance, load configuration and schemas, open the
 *  database as the service's own role, bind the bus, run one poll loop over
 *  the bus sockets, any extra sockets (a request endpoint,
 *  request_endpoint.h) and named timers, log "ready", stop cleanly on
 *  SIGTERM or SIGINT, and call the service's reload hook on SIGHUP. While
 *  the loop runs, /healthz and /readyz answer at services.<name>.health and
 *  the metrics at services.<name>.metrics when set (ops/ops.h).
 *
 *  Usage (services/<name>/main.c):
 *      svc_t *svc = svc_new ("dispatch", argc, argv);
 *      if (!svc) return 1;
 *      dispatch_t *d = dispatch_new (svc);          // registers handlers
 *      int rc = svc_run (svc);
 *      dispatch_destroy (&d); svc_destroy (&svc);
 *      return rc == 0 ? 0 : 1;
 *
 *  Command line: kefu-<name> [--config FILE] [--instance NAME]
 *  (defaults: $KEFU_CONFIG or deploy/demo/kefu.yaml; instance "<name>-<pid>").
 */
#ifndef KEFU_SERVICE_H
#define KEFU_SERVICE_H

#include "msg/bus.h"
#include "msg/keyring.h"
#include "conf/config.h"
#include "db/db.h"
#include "msg/schema.h"

typedef struct svc_s svc_t;

/*  Sets everything up; on a bad argument or configuration prints the
 *  reason to stderr and returns NULL. Does not require the database to be
 *  up yet: the loop connects (and reconnects) by itself. */
svc_t *svc_new (const char *service, int argc, char **argv);
void svc_destroy (svc_t **self_p);

const cfg_t *svc_cfg (const svc_t *self);
db_t *svc_db (svc_t *self);
bus_t *svc_bus (svc_t *self);
const schema_set_t *svc_schemas (const svc_t *self);
void *svc_zctx (svc_t *self);
const char *svc_name (const svc_t *self);
const char *svc_instance (const svc_t *self);
/*  The service's configured request endpoint (services.<name>.api, for
 *  request_endpoint.h), borrowed; NULL for an unknown service name. */
const char *svc_api (const svc_t *self);
/*  services.<name>.api_curve (borrowed), or NULL: the request endpoint
 *  that serves CURVE (request_endpoint.h). */
const char *svc_api_curve (const svc_t *self);
/*  The service's CurveZMQ keys (keyring.h), borrowed. */
const keyring_t *svc_keys (const svc_t *self);

/*  Adds a socket to the loop; fn is called when it is readable. */
typedef int (*svc_socket_fn) (svc_t *svc, void *socket, void *ctx);
int svc_add_socket (svc_t *self, void *socket, svc_socket_fn fn, void *ctx);

/*  Named timers: each calls fn about every interval_ms while the database
 *  is up, and once as soon as it first connects. A service has up to
 *  SVC_MAX_TIMERS, each with a name of its own ("sla", "assign"), run in
 *  the order added; a slow one delays the others, never skips them.
 *  Returns 0, or -1 for a name already taken, too long (31 bytes), a bad
 *  interval or too many timers. */
#define SVC_MAX_TIMERS 8
typedef int (*svc_timer_fn) (svc_t *svc, void *ctx);
int svc_add_timer (svc_t *self, const char *name, int interval_ms, svc_timer_fn fn, void *ctx);

/*  Reload hook: after a SIGHUP the loop (never the signal handler) calls
 *  fn once, between messages and timer runs, so it may use the database
 *  and swap what the handlers read. fn returns 0 when it applied the new
 *  configuration, -1 when it kept the old one (it logs why). One hook per
 *  service; a later call replaces it. Without a hook a SIGHUP is logged
 *  ("reload_ignored") and changes nothing. kefu.yaml itself is never
 *  re-read: that takes a restart. */
typedef int (*svc_reload_fn) (svc_t *svc, void *ctx);
int svc_on_reload (svc_t *self, svc_reload_fn fn, void *ctx);

/*  Runs until SIGTERM/SIGINT (SIGHUP: the reload hook above). Returns 0 on
 *  a clean stop, -1 on a fatal start-up failure (cannot bind the bus, the
 *  health or the metrics address). */
int svc_run (svc_t *self);

/*  Asks the loop to stop (tests, fatal errors). */
void svc_stop (svc_t *self);

#endif

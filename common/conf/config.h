/*  config — the runtime configuration every service and kefuctl loads
 *  (deploy/demo/kefu.yaml is the annotated example). Loaded once, validated
 *  completely, defaults applied here, values in effect logged by the caller.
 *
 *  cfg_t holds what every service shares: database, messaging, endpoints
 *  (services.*), log and schemas_dir. Every other top-level key is a
 *  section owned by the code that reads it (dispatch:, notify:), declared
 *  as a table (conf_section.h) and listed once in conf_sections.c; a
 *  top-level key that is neither is refused. A service loads the shared
 *  part and the sections it reads (cfg_load_for); cfg_load loads every
 *  section (kefuctl, and `kefuctl admin check-config`).
 *
 *  Environment overrides (connection settings only):
 *    KEFU_DB_CONNINFO   libpq conninfo without user/password ("host=/run/x port=5433 dbname=kefu")
 *    KEFU_DB_PASSWORD   password for the service's role (if the server asks)
 *    KEFU_INTAKE_API    the intake request endpoint kefuctl talks to
 *    KEFU_DISPATCH_API  dispatch's request endpoint (services.dispatch.api): where
 *                       a dispatcher binds it and kefuctl's SLA reads go
 *    KEFU_SCHEMAS_DIR   where schemas/ lives
 *    KEFU_KEYS_DIR      messaging.keys_dir (the installed CurveZMQ keys)
 *    KEFU_<NAME>_METRICS, KEFU_<NAME>_HEALTH  services.<name>.metrics and .health
 *                       (KEFU_INTAKE_METRICS …; the gateway's are rows of its section)
 *    KEFU_SMTP_PASSWORD the SMTP relay's password (notify.smtp.password: a row of
 *                       the notify section's table, conf_section_env)
 *  Each service connects as its own role: user "kefu_<service>"
 *  (database.role_prefix, default "kefu_"); kefuctl admin uses "kefu_owner".
 */
#ifndef KEFU_CONFIG_H
#define KEFU_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "base/log.h"
#include "conf_section.h"

#define CFG_SERVICE_COUNT 6
/*  The index of "dispatch" in cfg_service_names (its endpoints[] entry). */
#define CFG_SVC_DISPATCH 1
#define CFG_SVC_QC 2
#define CFG_SVC_BILLING 3
#define CFG_SVC_CALLBACK 4
#define CFG_SVC_CLAIMS 5
/*  services.<name>.api by default for the services kefuctl asks: a fixed
 *  port each, so kefuctl finds them. */
#define CFG_DISPATCH_API "tcp://127.0.0.1:7102"
#define CFG_QC_API "tcp://127.0.0.1:7103"
#define CFG_BILLING_API "tcp://127.0.0.1:7104"
#define CFG_CALLBACK_API "tcp://127.0.0.1:7105"
#define CFG_CLAIMS_API "tcp://127.0.0.1:7106"
extern const char *const cfg_service_names[CFG_SERVICE_COUNT]; /* intake, dispatch, qc, billing, callback, claims */

/*  The default services.<name>.api of service index i (NULL for intake,
 *  whose default is intake_api's). */
const char *cfg_default_api (int i);

typedef struct {
    char *bind;        /* inbound message endpoint, default "tcp://127.0.0.1:*" */
    char *advertise;   /* endpoint peers connect to; NULL = the bound endpoint */
    char *api;         /* request endpoint of dispatch, qc, billing, callback and
                          claims (default CFG_DISPATCH_API, CFG_QC_API, CFG_BILLING_API,
                          CFG_CALLBACK_API, CFG_CLAIMS_API); NULL for intake (its own
                          is intake_api) */
    char *api_curve;   /* services.<name>.api_curve: a second request endpoint that
                          serves CURVE (clients on other hosts); NULL = none */
    char *metrics;     /* services.<name>.metrics: the Prometheus listener (ops.h),
                          host:port; NULL or "off" = none (the default) */
    char *health;      /* services.<name>.health: /healthz and /readyz, host:port or
                          "off"; default 127.0.0.1:7191 (intake) … 7196 (claims) */
} cfg_endpoint_t;

typedef struct {
    char *path;                 /* file it came from */

    /* database: */
    char *db_conninfo;          /* database.conninfo, default "dbname=kefu" */
    char *db_role_prefix;       /* database.role_prefix, default "kefu_" */
    char *db_password;          /* from KEFU_DB_PASSWORD only; NULL if unset */
    int db_retry_max_ms;        /* database.reconnect_max_ms, default 5000 */

    /* messaging: */
    int ack_timeout_ms;         /* messaging.ack_timeout_ms, default 2000 */
    int retry_initial_ms;       /* messaging.retry_initial_ms, default 250 */
    int retry_max_ms;           /* messaging.retry_max_ms, default 30000 */
    int max_attempts;           /* messaging.max_attempts, default 100, then dead letter */
    int high_water_mark;        /* messaging.high_water_mark, default 10000 */
    int relay_batch;            /* messaging.relay_batch, default 200 */
    int poll_ms;                /* messaging.poll_ms: idle relay/timer period, default 200 */
    int discovery_ms;           /* messaging.discovery_ms: peer refresh, default 1000 */
    char *keys_dir;             /* messaging.keys_dir: installed CurveZMQ keys, default
                                   "/etc/kefu/keys" (keyring.h) */

    /* services: (one entry per name in cfg_service_names, same order) */
    cfg_endpoint_t endpoints[CFG_SERVICE_COUNT];
    char *intake_api;           /* services.intake.api, default "tcp://127.0.0.1:7100" */

    char *schemas_dir;          /* schemas_dir, default "schemas" */
    log_level_t log_level;      /* log.level, default info */

    /* the sections: one per conf_sections entry, the struct its table fills,
     * NULL when not loaded; read through cfg_section */
    void **sections;
} cfg_t;

/*  Loads and validates a whole file: the shared part and every known
 *  section. Returns the config or NULL with "file:line: key: reason" in
 *  err. Applies environment overrides. */
cfg_t *cfg_load (const char *path, char *err, size_t errsize);
/*  Same from text (tests). */
cfg_t *cfg_load_string (const char *name, const char *text, char *err, size_t errsize);
/*  What a service loads: the shared part and the sections `service` reads
 *  (conf_section_read_by); another known section is accepted unread, an
 *  unknown top-level key refused. service NULL: every section, as cfg_load. */
cfg_t *cfg_load_for (const char *path, const char *service, char *err, size_t errsize);
cfg_t *cfg_load_string_for (const char *name, const char *text, const char *service, char *err,
                            size_t errsize);
void cfg_destroy (cfg_t **self_p);

/*  Index of a service name in cfg_service_names, or -1. */
int cfg_service_index (const char *service);

/*  libpq conninfo for the given role ("kefu_intake"…), caller frees:
 *  db_conninfo + " user=<role>" (+ password when set) + application_name. */
char *cfg_conninfo_for (const cfg_t *self, const char *role, const char *application_name);

/*  The struct a section's table filled (borrowed), or NULL when the section
 *  was not loaded. Owners wrap this in a typed accessor (dispatch_config,
 *  notify_config). */
const void *cfg_section (const cfg_t *self, const conf_section_t *section);

/*  Logs the values in effect: one "config" line for the shared part, then
 *  one "config" line per loaded section (with "section": its name). */
void cfg_log (const cfg_t *self);

#endif

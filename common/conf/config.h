/*  config — the runtime configuration every service and kefuctl loads
 *  (deploy/demo/kefu.yaml is the annotated example). Loaded once, validated
 *  completely, defaults applied here, values in effect logged by the caller.
 *
 *  Environment overrides (connection settings only):
 *    KEFU_DB_CONNINFO   libpq conninfo without user/password ("host=/run/x port=5433 dbname=kefu")
 *    KEFU_DB_PASSWORD   password for the service's role (if the server asks)
 *    KEFU_INTAKE_API    the intake request endpoint kefuctl talks to
 *    KEFU_SCHEMAS_DIR   where schemas/ lives
 *    KEFU_SMTP_PASSWORD the SMTP relay's password (notify.smtp.password)
 *  Each service connects as its own role: user "kefu_<service>"
 *  (database.role_prefix, default "kefu_"); kefuctl admin uses "kefu_owner".
 */
#ifndef KEFU_CONFIG_H
#define KEFU_CONFIG_H

#include <stdbool.h>
#include <stdint.h>

#include "base/log.h"

#define CFG_SERVICE_COUNT 6
extern const char *const cfg_service_names[CFG_SERVICE_COUNT]; /* intake, dispatch, qc, billing, callback, claims */

/*  notify.adapter: where SLA warnings and escalations go (common/notify.h). */
typedef enum { CFG_NOTIFY_LOG, CFG_NOTIFY_FILE, CFG_NOTIFY_SMTP } cfg_notify_adapter_t;

typedef struct {
    char *bind;        /* inbound message endpoint, default "tcp://127.0.0.1:*" */
    char *advertise;   /* endpoint peers connect to; NULL = the bound endpoint */
    char *api;         /* request endpoint of qc, billing, callback, claims, default
                          "tcp://127.0.0.1:*"; NULL for dispatch (no requests) and
                          intake (its own is intake_api) */
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

    /* services: (one entry per name in cfg_service_names, same order) */
    cfg_endpoint_t endpoints[CFG_SERVICE_COUNT];
    char *intake_api;           /* services.intake.api, default "tcp://127.0.0.1:7100" */

    /* dispatch: */
    char **visit_kinds;         /* dispatch.visit_kinds, default repair, installation, return */
    int n_visit_kinds;
    int assign_retry_ms;        /* dispatch.assign_retry_ms, default 2000 */
    int min_grade_repair;       /* dispatch.min_grade.repair, default intermediate (org_grade_t) */
    int min_grade_premium;      /* dispatch.min_grade.premium, default intermediate */
    int min_grade_other;        /* dispatch.min_grade.other, default trainee */
    char *sla_file;             /* dispatch.sla_file, default "deploy/demo/sla.yaml" */
    int sla_tick_ms;            /* dispatch.sla_tick_ms: SLA timer period, default 250 */
    /* notify: */
    char *notify_file;          /* notify.file: JSON lines of notifications; NULL = the service log */
    cfg_notify_adapter_t notify_adapter; /* notify.adapter: default file when notify.file is set, else log */
    char *smtp_host;            /* notify.smtp.host (required for smtp) */
    int smtp_port;              /* notify.smtp.port, default 25 */
    char *smtp_from;            /* notify.smtp.from (required for smtp) */
    char *smtp_helo;            /* notify.smtp.helo; NULL = this host's name */
    int smtp_timeout_ms;        /* notify.smtp.timeout_ms, default 5000 */
    char *smtp_username;        /* notify.smtp.username; NULL = no AUTH */
    char *smtp_password;        /* notify.smtp.password, or KEFU_SMTP_PASSWORD */

    char *schemas_dir;          /* schemas_dir, default "schemas" */
    log_level_t log_level;      /* log.level, default info */
} cfg_t;

/*  Loads and validates a file. Returns the config or NULL with
 *  "file:line: key: reason" in err. Applies environment overrides. */
cfg_t *cfg_load (const char *path, char *err, size_t errsize);
/*  Same from text (tests). */
cfg_t *cfg_load_string (const char *name, const char *text, char *err, size_t errsize);
void cfg_destroy (cfg_t **self_p);

/*  Index of a service name in cfg_service_names, or -1. */
int cfg_service_index (const char *service);

/*  libpq conninfo for the given role ("kefu_intake"…), caller frees:
 *  db_conninfo + " user=<role>" (+ password when set) + application_name. */
char *cfg_conninfo_for (const cfg_t *self, const char *role, const char *application_name);

/*  True when dispatch should create a work order for a ticket of this kind. */
bool cfg_kind_needs_visit (const cfg_t *self, const char *kind);

/*  Logs the values in effect (one "config" line). */
void cfg_log (const cfg_t *self);

#endif

/*  kctl — what every kefuctl command shares: the global options, the
 *  configuration, exit codes, output helpers, and the command entry points.
 *
 *  Exit codes (documented in docs/kefuctl.md):
 *    0  success
 *    1  refused by the server, not found, or the system could not be reached
 *    2  bad command line or bad configuration file (nothing was sent)
 *  Command functions return one of these codes (they are process exit
 *  statuses, not the 0/-1 of library functions).
 */
#ifndef KEFUCTL_KCTL_H
#define KEFUCTL_KCTL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "args.h"
#include "client.h"
#include "conf/config.h"
#include "db/db.h"
#include "time/tz.h"

#define KCTL_OK 0
#define KCTL_FAILED 1
#define KCTL_USAGE 2

#define KCTL_DEFAULT_CONFIG "deploy/demo/kefu.yaml"
#define KCTL_DEFAULT_TIMEOUT_MS 5000
#define KCTL_DEFAULT_RETRIES 5

typedef struct {
    /* raw global option values (borrowed from argv) */
    const char *config_opt, *endpoint_opt, *timeout_opt, *retries_opt;
    bool json, help;
    /* effective values */
    const char *config_path;
    int timeout_ms;
    int retries;
    cfg_t *cfg;          /* loaded by kctl_load_config */
    char token[128];     /* the caller's token (token_file.h); "" for admin commands */
    args_spec_t globals[7];
} kctl_t;

/*  Initialises the context and its global option table. */
void kctl_init (kctl_t *self);
/*  Frees what the context owns. */
void kctl_fini (kctl_t *self);
/*  The spec-table list {globals, extra, NULL} for args_parse. */
#define KCTL_SPECS(k, extra) ((const args_spec_t *const[]) { (k)->globals, (extra), NULL })

/*  Checks the global option values after parsing (timeout, retries,
 *  --endpoint: intake's or dispatch's, whichever the command asks) and
 *  loads the configuration. --endpoint is checked like KEFU_INTAKE_API
 *  (common/conf/config.c), and must also be one kefuctl can connect to
 *  (tcp://HOST:PORT or ipc://PATH; no * port, no inproc), so a
 *  malformed one is refused at once instead of being waited for. Returns
 *  0, or -1 after printing the reason (the caller exits KCTL_USAGE). */
int kctl_setup (kctl_t *self, const char *cmd);

/*  The intake endpoint in effect: --endpoint, else the configuration's. */
const char *kctl_endpoint (const kctl_t *self);

/*  The request endpoint in effect of the service with index `svc` in
 *  cfg_service_names (CFG_SVC_DISPATCH, CFG_SVC_QC, CFG_SVC_CALLBACK):
 *  --endpoint, else services.<name>.api (KEFU_<NAME>_API), else its
 *  default (cfg_default_api). */
const char *kctl_service_endpoint (const kctl_t *self, int svc);

/*  Client options for a request command: endpoint, time-out and retries in
 *  effect, progress lines on stderr prefixed "kefuctl <cmd>". `cmd` is
 *  borrowed and must outlive the options. */
client_opts_t kctl_client_opts (const kctl_t *self, const char *cmd);

/*  The same for a request to another service's endpoint (index as for
 *  kctl_service_endpoint). */
client_opts_t kctl_service_opts (const kctl_t *self, const char *cmd, int svc);

/*  Asks service `svc` (as kctl_service_endpoint) `request` with body;
 *  prints a refusal or failure as "kefuctl <cmd>: <code>: <message>".
 *  Returns 0 with *result (the caller's), or -1. */
int kctl_ask (const kctl_t *self, const char *cmd, int svc, const char *request, const cJSON *body,
              cJSON **result);

/*  kctl_service_opts for dispatch: the SLA reads (board, clocks, due, report)
 *  and the done report. */
client_opts_t kctl_dispatch_opts (const kctl_t *self, const char *cmd);

/*  The text of a refusal (err as client_call gives it, "<code>: <message>")
 *  after "<code>: <field>: " when it has that code and names that field
 *  ("body.branch"), so a command can say it in its own words; else NULL. */
const char *kctl_refusal (const char *err, const char *code, const char *field);

/*  Connects to PostgreSQL as `role` for a database command (`cmd` names it
 *  in messages: "admin migrate"). Returns the connection (caller
 *  db_destroys), or NULL after printing why on stderr, with what to do:
 *  without KEFU_DB_CONNINFO, that `. run/env` sets it for the database of
 *  `make run`. */
db_t *kctl_db_connect (const kctl_t *self, const char *cmd, const char *role);

/*  Prints, after a failed connection to PostgreSQL, where the connection
 *  came from and what to do (`. run/env` under make run). */
void kctl_db_hint (const kctl_t *self, const char *cmd);

/*  Prints a JSON value compactly on one stdout line. Returns 0 or -1. */
int kctl_print_json (const cJSON *item);

/*  Prints a request's result: compact JSON under --json, else through
 *  print, the command's own text. Returns KCTL_OK, or KCTL_FAILED when the
 *  JSON cannot be written. */
int kctl_print_result (const kctl_t *self, const cJSON *result, void (*print) (const cJSON *));

/*  Text for a scalar JSON value as a person reads it: strings as they are,
 *  integers without a decimal point, true/false, "" for null/missing;
 *  objects and arrays compact JSON. Caller frees; NULL on allocation failure. */
char *kctl_value_text (const cJSON *item);

/*  Commands. argc/argv are the arguments after the command name. */
int cmd_submit (kctl_t *k, int argc, char **argv);
int cmd_show (kctl_t *k, int argc, char **argv);
int cmd_list (kctl_t *k, int argc, char **argv);
int cmd_event (kctl_t *k, int argc, char **argv);
int cmd_admin (kctl_t *k, int argc, char **argv);
int cmd_due (kctl_t *k, int argc, char **argv);
int cmd_clocks (kctl_t *k, int argc, char **argv);
int cmd_board (kctl_t *k, int argc, char **argv);
int cmd_done (kctl_t *k, int argc, char **argv);
int cmd_workorders (kctl_t *k, int argc, char **argv);
int cmd_diagnose (kctl_t *k, int argc, char **argv);
int cmd_estimate (kctl_t *k, int argc, char **argv);
int cmd_settlement (kctl_t *k, int argc, char **argv);
int cmd_report (kctl_t *k, int argc, char **argv);
int cmd_scores (kctl_t *k, int argc, char **argv);

/*  Local time in a zone, for people ("2025-02-05 10:00 CST", seconds only
 *  when not zero) and machines ("2025-02-05T10:00:00+08:00"). */
void kctl_local_time (const tz_t *tz, int64_t us, char *human, size_t hsize, char *iso, size_t isize);

/*  The submit request body built from command-line values (used by
 *  cmd_submit, exposed for tests). Fields left NULL are omitted. */
typedef struct {
    const char *kind, *channel, *customer, *name, *phone, *address, *region;
    const char *product, *serial, *card, *branch, *priority, *description, *resolution;
    const char *flags;   /* "safety,media_risk" */
    const char *complained_staff; /* a complaint's staff member complained about */
    bool answered;
} submit_args_t;

/*  Validates the combination and builds the ticket.submit body (without
 *  request_id). Returns the body (caller cJSON_Deletes) or NULL after
 *  printing a specific reason on stderr. */
cJSON *submit_build_body (const submit_args_t *a);

/*  One line for people describing a ticket.submit result
 *  ("ticket 42 created for branch SH01 (status open)"). Caller frees. */
char *submit_describe (const cJSON *result);

#endif

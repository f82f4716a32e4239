/*  service — the process frame every kefu service shares (see service.h):
 *  command line, configuration, schemas, database role, bus, one poll loop
 *  with named timers, readiness and database state in the log, clean stop on
 *  SIGTERM/SIGINT, the service's reload hook on SIGHUP.
 */
#include "service.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <assert.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "base/clock.h"
#include "db/scope.h"
#include "ops/sd_notify.h"
#include "msg/envelope.h"
#include "msg/zap.h"
#include "base/log.h"
#include "ops/ops.h"

#define SVC_MAX_SOCKETS 8
#define SVC_MAX_POLL (1 + CFG_SERVICE_COUNT + SVC_MAX_SOCKETS)
#define SVC_DB_RETRY_MS 250 /* poll period while the database is away */

typedef struct {
    void *socket;
    svc_socket_fn fn;
    void *ctx;
} svc_socket_t;

typedef struct {
    char name[32];
    int interval_ms;
    svc_timer_fn fn;
    void *ctx;
    bool started;
    int64_t due; /* monotonic ms */
} svc_timer_t;

struct svc_s {
    char name[32];
    char instance[64];
    cfg_t *cfg;
    schema_set_t *schemas;
    db_t *db;
    void *zctx;
    keyring_t *keys;
    zap_t *zap;
    bus_t *bus;

    svc_socket_t sockets[SVC_MAX_SOCKETS];
    int n_sockets;

    svc_timer_t timers[SVC_MAX_TIMERS];
    int n_timers;

    svc_reload_fn reload_fn;
    void *reload_ctx;

    char *conninfo; /* the service's role: the operators' listeners use it too */
    ops_t *ops; /* metrics and health listeners (ops.h), while svc_run runs */

    volatile sig_atomic_t stop_requested;
};

/*  The signal handler can only reach a global; one service per process. */
static volatile sig_atomic_t s_signalled = 0;

static void s_on_signal (int sig)
{
    (void) sig;
    s_signalled = 1;
}

/*  SIGHUP only raises a flag: the loop runs the reload hook, where it may
 *  allocate, log and use the database. */
static volatile sig_atomic_t s_reload_requested = 0;

static void s_on_hup (int sig)
{
    (void) sig;
    s_reload_requested = 1;
}

static void s_usage (FILE *out, const char *service)
{
    fprintf (out,
             "usage: kefu-%s [--config FILE] [--instance NAME]\n"
             "  --config FILE     configuration (default $KEFU_CONFIG or deploy/demo/kefu.yaml)\n"
             "  --instance NAME   instance name (default %s-<pid>; letters, digits, '-', '_', '.')\n"
             "  --help            this text\n",
             service, service);
}

static int s_instance_valid (const char *name)
{
    size_t n = strlen (name);
    if (n == 0 || n > 63)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
              || c == '-' || c == '_' || c == '.'))
            return 0;
    }
    return 1;
}

/*  Parses the command line. Returns 0, 1 for --help (already printed), or
 *  -1 after printing the reason. */
static int s_parse_args (const char *service, int argc, char **argv, const char **config,
              const char **instance)
{
    for (int i = 1; i < argc; i++) {
        const char *arg = argv[i];
        const char **target = NULL;
        const char *value = NULL;
        if (strcmp (arg, "--help") == 0 || strcmp (arg, "-h") == 0) {
            s_usage (stdout, service);
            return 1;
        }
        if (strncmp (arg, "--config", 8) == 0)
            target = config;
        else if (strncmp (arg, "--instance", 10) == 0)
            target = instance;
        if (target) {
            const char *eq = strchr (arg, '=');
            size_t key_len = eq ? (size_t) (eq - arg) : strlen (arg);
            if (key_len != (target == config ? 8u : 10u))
                target = NULL;
            else if (eq)
                value = eq + 1;
            else if (i + 1 < argc)
                value = argv[++i];
            else {
                fprintf (stderr, "kefu-%s: %s needs a value\n", service, arg);
                s_usage (stderr, service);
                return -1;
            }
        }
        if (!target) {
            fprintf (stderr, "kefu-%s: unknown argument \"%s\"\n", service, arg);
            s_usage (stderr, service);
            return -1;
        }
        if (!value || !*value) {
            fprintf (stderr, "kefu-%s: %s: empty value\n", service, arg);
            return -1;
        }
        *target = value;
    }
    if (*instance && !s_instance_valid (*instance)) {
        fprintf (stderr,
                 "kefu-%s: --instance: \"%s\" is not a valid name (1-63 letters, digits, "
                 "'-', '_', '.')\n",
                 service, *instance);
        return -1;
    }
    return 0;
}

/*  The bus is CurveZMQ or nothing: a libzmq without CURVE, or keys that
 *  are missing or open to others, stop the start with the reason (the
 *  path, never a key). Returns 0 or -1 (printed and logged). */
static int s_load_keys (svc_t *self)
{
    char err[1024] = "";
    if (!zmq_has ("curve")) {
        snprintf (err, sizeof err, "this libzmq has no CURVE security (zmq_has(\"curve\") is "
                  "false): the bus is authenticated with CurveZMQ; install a libzmq built with "
                  "libsodium (Debian: libzmq5)");
    } else if (!(self->keys = keyring_load (self->cfg->keys_dir, self->name, err, sizeof err))
               && strstr (err, strerror (ENOENT))) {
        size_t n = strlen (err);
        snprintf (err + n, sizeof err - n, " (make the keys with: kefuctl admin keys --dir %s)",
                  self->cfg->keys_dir);
    }
    if (!self->keys) {
        fprintf (stderr, "kefu-%s: keys: %s\n", self->name, err);
        log_kv (LOG_ERROR, "start_failed", "reason", err, NULL);
        return -1;
    }
    char counts[CFG_SERVICE_COUNT + 1][16];
    for (int i = 0; i <= CFG_SERVICE_COUNT; i++)
        snprintf (counts[i], sizeof counts[i], "%d",
                  keyring_count (self->keys, i < CFG_SERVICE_COUNT ? cfg_service_names[i]
                                                                   : KEYRING_CLIENT));
    log_kv (LOG_INFO, "bus_keys", "keys_dir", self->cfg->keys_dir, "public_key",
            keyring_public (self->keys), "intake", counts[0], "dispatch", counts[1], "qc",
            counts[2], "billing", counts[3], "callback", counts[4], "claims", counts[5],
            "clients", counts[6], NULL);
    if (!keyring_trusts (self->keys, self->name, keyring_public (self->keys)))
        log_kv (LOG_WARN, "bus_key_not_installed", "public_key", keyring_public (self->keys),
                "reason", "this instance's public key is not in its service's .pub file: "
                "its peers will refuse it", NULL);
    return 0;
}

svc_t *svc_new (const char *service, int argc, char **argv)
{
    if (!service || cfg_service_index (service) < 0) {
        fprintf (stderr, "kefu: \"%s\" is not a kefu service\n", service ? service : "(null)");
        return NULL;
    }
    const char *config = getenv ("KEFU_CONFIG");
    if (!config || !*config)
        config = "deploy/demo/kefu.yaml";
    const char *instance = NULL;
    if (s_parse_args (service, argc, argv, &config, &instance) != 0)
        return NULL;

    svc_t *self = calloc (1, sizeof *self);
    char *conninfo = NULL;
    char role[64];
    char err[1024] = "";
    sigset_t block, saved;
    bool blocked = false;
    if (!self) {
        fprintf (stderr, "kefu-%s: out of memory\n", service);
        return NULL;
    }
    snprintf (self->name, sizeof self->name, "%s", service);
    if (instance)
        snprintf (self->instance, sizeof self->instance, "%s", instance);
    else
        snprintf (self->instance, sizeof self->instance, "%s-%ld", service, (long) getpid ());

    self->cfg = cfg_load_for (config, service, err, sizeof err); /* shared part + its sections */
    if (!self->cfg) {
        fprintf (stderr, "kefu-%s: configuration: %s\n", service, err);
        goto fail;
    }
    log_init (self->name, self->instance, self->cfg->log_level);
    env_set_origin (self->name, self->instance);
    cfg_log (self->cfg);

    if (s_load_keys (self) != 0)
        goto fail;
    self->schemas = schema_set_load (self->cfg->schemas_dir, err, sizeof err);
    if (!self->schemas) {
        fprintf (stderr, "kefu-%s: schemas: %s\n", service, err);
        log_kv (LOG_ERROR, "start_failed", "reason", err, NULL);
        goto fail;
    }
    snprintf (role, sizeof role, "%s%s", self->cfg->db_role_prefix, service);
    conninfo = cfg_conninfo_for (self->cfg, role, self->instance);
    self->db = conninfo ? db_new (conninfo) : NULL;
    if (!self->db) {
        fprintf (stderr, "kefu-%s: cannot make the database handle\n", service);
        goto fail;
    }
    db_set_max_backoff_ms (self->db, self->cfg->db_retry_max_ms);

    /* ZeroMQ's threads start with the first socket and inherit the signal
     * mask: block SIGTERM/SIGINT/SIGHUP while they are made, so the signals
     * reach this thread and interrupt zmq_poll. */
    sigemptyset (&block);
    sigaddset (&block, SIGTERM);
    sigaddset (&block, SIGINT);
    sigaddset (&block, SIGHUP);
    blocked = sigprocmask (SIG_BLOCK, &block, &saved) == 0;
    self->zctx = zmq_ctx_new ();
    /* The authentication handler first: no socket serves before it. */
    if (self->zctx)
        self->zap = zap_new (self->zctx, self->keys);
    if (self->zap)
        self->bus = bus_new (self->cfg, self->name, self->instance, self->db, self->schemas,
                             self->zctx, self->keys);
    if (blocked)
        sigprocmask (SIG_SETMASK, &saved, NULL);
    if (!self->zctx || !self->bus) {
        fprintf (stderr, "kefu-%s: cannot set up messaging (see log)\n", service);
        goto fail;
    }
    self->conninfo = conninfo;
    return self;

fail:
    free (conninfo);
    svc_destroy (&self);
    return NULL;
}

void svc_destroy (svc_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    svc_t *self = *self_p;
    bool was_running = self->bus != NULL && self->cfg != NULL;
    /* The bus removes our endpoints row while the database is still open. */
    bus_destroy (&self->bus);
    zap_destroy (&self->zap);
    /* Sockets added with svc_add_socket belong to their owner, who closes
     * them before this call; zmq_ctx_term waits for that. */
    if (self->zctx)
        zmq_ctx_term (self->zctx);
    keyring_destroy (&self->keys);
    db_destroy (&self->db);
    schema_set_destroy (&self->schemas);
    cfg_destroy (&self->cfg);
    free (self->conninfo);
    free (self);
    *self_p = NULL;
    if (was_running)
        log_kv (LOG_INFO, "stopped", NULL);
}

const cfg_t *svc_cfg (const svc_t *self)
{
    return self ? self->cfg : NULL;
}

db_t *svc_db (svc_t *self)
{
    return self ? self->db : NULL;
}

bus_t *svc_bus (svc_t *self)
{
    return self ? self->bus : NULL;
}

const schema_set_t *svc_schemas (const svc_t *self)
{
    return self ? self->schemas : NULL;
}

void *svc_zctx (svc_t *self)
{
    return self ? self->zctx : NULL;
}

const char *svc_name (const svc_t *self)
{
    return self ? self->name : "";
}

const char *svc_instance (const svc_t *self)
{
    return self ? self->instance : "";
}

const char *svc_api (const svc_t *self)
{
    if (!self || !self->cfg)
        return NULL;
    if (strcmp (self->name, "intake") == 0)
        return self->cfg->intake_api;
    int i = cfg_service_index (self->name);
    return i < 0 ? NULL : self->cfg->endpoints[i].api;
}

const char *svc_api_curve (const svc_t *self)
{
    int i = self && self->cfg ? cfg_service_index (self->name) : -1;
    return i < 0 ? NULL : self->cfg->endpoints[i].api_curve;
}

const keyring_t *svc_keys (const svc_t *self)
{
    return self ? self->keys : NULL;
}

int svc_add_socket (svc_t *self, void *socket, svc_socket_fn fn, void *ctx)
{
    if (!self || !socket || !fn || self->n_sockets >= SVC_MAX_SOCKETS)
        return -1;
    self->sockets[self->n_sockets++] = (svc_socket_t) { socket, fn, ctx };
    return 0;
}

int svc_add_timer (svc_t *self, const char *name, int interval_ms, svc_timer_fn fn, void *ctx)
{
    assert (self && name && fn);
    if (interval_ms <= 0 || self->n_timers >= SVC_MAX_TIMERS || strlen (name) >= sizeof self->timers[0].name)
        return -1;
    for (int i = 0; i < self->n_timers; i++)
        if (strcmp (self->timers[i].name, name) == 0)
            return -1;
    svc_timer_t *t = &self->timers[self->n_timers++];
    *t = (svc_timer_t) { .interval_ms = interval_ms, .fn = fn, .ctx = ctx };
    snprintf (t->name, sizeof t->name, "%s", name);
    return 0;
}

/*  Runs every timer that is due (each once right after the database first
 *  connects); returns the milliseconds until the next one is due, at most
 *  `wait`. */
static int s_run_timers (svc_t *self, int wait)
{
    for (int i = 0; i < self->n_timers; i++) {
        svc_timer_t *t = &self->timers[i];
        int64_t now = clock_mono_ms ();
        if (!t->started || now >= t->due) {
            t->started = true;
            t->due = now + t->interval_ms;
            if (self->db)
                db_scope_system (self->db); /* timers act for the system */
            t->fn (self, t->ctx);
            if (self->db)
                db_scope_clear (self->db);
            now = clock_mono_ms ();
        }
        int64_t left = t->due - now;
        if (left < wait)
            wait = left < 0 ? 0 : (int) left;
    }
    return wait;
}

int svc_on_reload (svc_t *self, svc_reload_fn fn, void *ctx)
{
    if (!self || !fn)
        return -1;
    self->reload_fn = fn;
    self->reload_ctx = ctx;
    return 0;
}

void svc_stop (svc_t *self)
{
    if (self)
        self->stop_requested = 1;
}

static int s_install_signals (struct sigaction *old_term, struct sigaction *old_int,
                              struct sigaction *old_hup)
{
    struct sigaction sa, hup;
    memset (&sa, 0, sizeof sa);
    sa.sa_handler = s_on_signal;
    sigemptyset (&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: zmq_poll returns EINTR */
    /* SIGHUP comes in normal operation: SA_RESTART spares a blocking read or
     * write elsewhere an EINTR; poll(), and so zmq_poll, is interrupted
     * anyway, so the reload still runs at once */
    hup = sa;
    hup.sa_handler = s_on_hup;
    hup.sa_flags = SA_RESTART;
    if (sigaction (SIGTERM, &sa, old_term) != 0 || sigaction (SIGINT, &sa, old_int) != 0
        || sigaction (SIGHUP, &hup, old_hup) != 0)
        return -1;
    return 0;
}

/*  Runs the reload hook for a SIGHUP that arrived since the last pass. */
static void s_reload_if_asked (svc_t *self)
{
    if (!s_reload_requested)
        return;
    s_reload_requested = 0;
    if (!self->reload_fn) {
        log_kv (LOG_INFO, "reload_ignored", "reason",
                "SIGHUP: this service has no configuration to reload (kefu.yaml needs a restart)",
                NULL);
        return;
    }
    log_kv (LOG_INFO, "reload_requested", "signal", "SIGHUP", NULL);
    if (self->db)
        db_scope_system (self->db);
    self->reload_fn (self, self->reload_ctx);
    if (self->db)
        db_scope_clear (self->db);
}

/*  The metrics and health listeners of services.<name>.metrics and
 *  .health. Returns 0, or -1 (logged) when one cannot listen. */
static int s_ops_start (svc_t *self)
{
    const cfg_endpoint_t *ep = &self->cfg->endpoints[cfg_service_index (self->name)];
    ops_opts_t opts = { .service = self->name, .instance = self->instance, .metrics = ep->metrics,
                        .health = ep->health, .conninfo = self->conninfo, .watch_loop = true,
                        .export_db = true };
    char err[512] = "";
    if (!(self->ops = ops_start (&opts, err, sizeof err))) {
        fprintf (stderr, "kefu-%s: %s\n", self->name, err);
        log_kv (LOG_ERROR, "start_failed", "reason", err, NULL);
        return -1;
    }
    return 0;
}

int svc_run (svc_t *self)
{
    if (!self)
        return -1;
    s_signalled = 0;
    s_reload_requested = 0;
    struct sigaction old_term, old_int, old_hup;
    if (s_install_signals (&old_term, &old_int, &old_hup) != 0) {
        log_kv (LOG_ERROR, "start_failed", "reason", "cannot install signal handlers", NULL);
        return -1;
    }
    int rc = 0;
    if (bus_bind (self->bus) != 0) {
        log_kv (LOG_ERROR, "start_failed", "reason", "cannot bind the message endpoint", NULL);
        rc = -1;
        goto cleanup;
    }
    if (s_ops_start (self) != 0) {
        rc = -1;
        goto cleanup;
    }
    zmq_pollitem_t items[SVC_MAX_POLL];
    int state = -1;          /* database: -1 unknown, 0 down, 1 up */
    bool ready = false;

    while (!s_signalled && !self->stop_requested) {
        ops_beat (self->ops);
        bool up = db_ensure (self->db) == 0;
        if ((int) up != state) {
            if (up)
                log_kv (LOG_INFO, "database_connected", NULL);
            else
                log_kv (LOG_WARN, "database_unavailable", "reason", db_error (self->db), NULL);
            state = up;
        }
        s_reload_if_asked (self);
        /* The first tick after connecting writes our endpoints row, so
         * peers can find us by the time "ready" is logged. */
        int wait = bus_tick (self->bus);
        if (up && !ready) {
            /* Every line carries the instance already (log_init). */
            log_kv (LOG_INFO, "ready", "endpoint", bus_endpoint (self->bus), NULL);
            sd_notify_state ("READY=1");
            ready = true;
            ops_set_ready (self->ops, true);
        }
        if (up)
            wait = s_run_timers (self, wait);
        if (!up && wait > SVC_DB_RETRY_MS)
            wait = SVC_DB_RETRY_MS;
        /* systemd's watchdog: kicked while the loop turns, database or not */
        int kick = sd_notify_watchdog_kick ();
        if (kick >= 0 && kick < wait)
            wait = kick;
        if (s_signalled || self->stop_requested)
            break;
        int n = bus_poll_items (self->bus, items, SVC_MAX_POLL - self->n_sockets);
        int n_bus = n;
        for (int i = 0; i < self->n_sockets; i++)
            items[n++] = (zmq_pollitem_t) { .socket = self->sockets[i].socket,
                                            .events = ZMQ_POLLIN };
        int ready_count = zmq_poll (items, n, wait);
        if (ready_count < 0) {
            if (errno == EINTR)
                continue;
            log_kv (LOG_ERROR, "poll_failed", "reason", zmq_strerror (errno), NULL);
            rc = -1;
            break;
        }
        if (ready_count == 0)
            continue;
        bool bus_readable = false;
        for (int i = 0; i < n_bus; i++)
            if (items[i].revents & ZMQ_POLLIN)
                bus_readable = true;
        if (bus_readable)
            bus_handle_input (self->bus);
        for (int i = 0; i < self->n_sockets; i++)
            if (items[n_bus + i].revents & ZMQ_POLLIN)
                self->sockets[i].fn (self, self->sockets[i].socket, self->sockets[i].ctx);
    }
cleanup:
    sd_notify_state ("STOPPING=1");
    ops_set_ready (self->ops, false);
    ops_stop (&self->ops);
    bus_stats_t st;
    bus_stats (self->bus, &st);
    char sent[24], acked[24], applied[24], dup[24], dead[24];
    snprintf (sent, sizeof sent, "%ld", st.sent);
    snprintf (acked, sizeof acked, "%ld", st.acked);
    snprintf (applied, sizeof applied, "%ld", st.applied);
    snprintf (dup, sizeof dup, "%ld", st.duplicates);
    snprintf (dead, sizeof dead, "%ld", st.dead_lettered);
    sigaction (SIGTERM, &old_term, NULL);
    sigaction (SIGINT, &old_int, NULL);
    sigaction (SIGHUP, &old_hup, NULL);
    log_kv (LOG_INFO, "stopping", "sent", sent, "acked", acked, "applied", applied,
            "duplicates", dup, "dead_lettered", dead, NULL);
    return rc;
}

/*  kefu-gateway — the HTTP front of kefu (docs/gateway.md): reads the
 *  configuration, loads the route table, listens, and runs until SIGTERM
 *  or SIGINT. What it answers is gateway.c; how it listens, server.c.
 *  Usage: kefu-gateway [--config FILE] [--instance NAME]
 *         kefu-gateway --routes      (the route table, route_list.h)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/log.h"
#include "conf/config.h"
#include "ops/ops.h"
#include "gateway.h"
#include "login.h"
#include "ops/sd_notify.h"
#include "route_list.h"
#include "server.h"

static const char s_usage[] =
    "usage: kefu-gateway [--config FILE] [--instance NAME]\n"
    "  --config FILE     configuration (default $KEFU_CONFIG or deploy/demo/kefu.yaml)\n"
    "  --instance NAME   instance name for the log (default gateway-<pid>)\n"
    "  --routes          print the route table (METHOD PATH SERVICE REQUEST FLAGS) and exit\n";

/*  --config and --instance, each "--x V" or "--x=V". Returns 0, 1 after
 *  --help, -1 after printing what is wrong. */
static int s_args (int argc, char **argv, const char **config, const char **instance)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp (a, "--help") == 0 || strcmp (a, "-h") == 0) {
            fputs (s_usage, stdout);
            return 1;
        }
        const char **slot = strncmp (a, "--config", 8) == 0 ? config
                          : strncmp (a, "--instance", 10) == 0 ? instance : NULL;
        const char *rest = slot ? a + (slot == config ? 8 : 10) : NULL;
        const char *value = !rest ? NULL : *rest == '=' ? rest + 1 : !*rest && i + 1 < argc ? argv[++i] : NULL;
        if (!value || !*value) {
            fprintf (stderr, "kefu-gateway: %s: %s\n%s", a, slot ? "needs a value" : "unknown argument", s_usage);
            return -1;
        }
        *slot = value;
    }
    size_t n = *instance ? strlen (*instance) : 1;
    if (n == 0 || n > 63
        || (*instance && strspn (*instance, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") != n)) {
        fprintf (stderr, "kefu-gateway: --instance: expected 1-63 letters, digits, '-', '_', '.'\n");
        return -1;
    }
    return 0;
}

/*  The metrics and health listeners (services.gateway.metrics, .health);
 *  readiness asks PostgreSQL as the gateway's role. NULL after logging why. */
static ops_t *s_ops_start (const cfg_t *cfg, const gateway_config_t *gc, const char *instance)
{
    char role[64], err[512] = "";
    snprintf (role, sizeof role, "%sgateway", cfg->db_role_prefix);
    char *conninfo = cfg_conninfo_for (cfg, role, instance);
    ops_opts_t opts = { .service = "gateway", .instance = instance, .metrics = gc->metrics,
                        .health = gc->health, .conninfo = conninfo };
    ops_t *ops = ops_start (&opts, err, sizeof err);
    free (conninfo);
    if (!ops) {
        fprintf (stderr, "kefu-gateway: %s\n", err);
        log_kv (LOG_ERROR, "start_failed", "reason", err, NULL);
    }
    return ops;
}

/*  Until SIGTERM or SIGINT; kicks systemd's watchdog meanwhile, when it
 *  asks for one (the wait then ends at each kick). */
static void s_wait_for_stop (const sigset_t *stop)
{
    for (;;) {
        int kick = sd_notify_watchdog_kick ();
        int sig;
        if (kick < 0) {
            if (sigwait (stop, &sig) != 0)
                return;
        }
        else {
            struct timespec wait = {.tv_sec = kick / 1000, .tv_nsec = (long) (kick % 1000) * 1000000L};
            sig = sigtimedwait (stop, NULL, &wait);
            if (sig < 0 && errno != EAGAIN && errno != EINTR)
                return;
        }
        if (sig == SIGTERM || sig == SIGINT)
            return;
    }
}

int main (int argc, char **argv)
{
    if (argc == 2 && strcmp (argv[1], "--routes") == 0)
        return gw_route_list_print (stdout) == 0 ? 0 : 1;
    const char *config = getenv ("KEFU_CONFIG"), *instance = NULL;
    if (!config || !*config)
        config = "deploy/demo/kefu.yaml";
    int rc = s_args (argc, argv, &config, &instance);
    if (rc != 0)
        return rc > 0 ? 0 : 2;
    char name[80], err[1024] = "";
    if (instance)
        snprintf (name, sizeof name, "%s", instance);
    else
        snprintf (name, sizeof name, "gateway-%ld", (long) getpid ());
    cfg_t *cfg = cfg_load_for (config, "gateway", err, sizeof err);
    if (!cfg) {
        fprintf (stderr, "kefu-gateway: configuration: %s\n", err);
        return 1;
    }
    log_init ("gateway", name, cfg->log_level);
    cfg_log (cfg);
    /* every thread started from here on (libmicrohttpd's, libzmq's) leaves
     * these signals to sigwait below */
    sigset_t stop;
    sigemptyset (&stop);
    sigaddset (&stop, SIGTERM);
    sigaddset (&stop, SIGINT);
    sigaddset (&stop, SIGHUP);
    sigaddset (&stop, SIGPIPE);
    pthread_sigmask (SIG_BLOCK, &stop, NULL);
    gw_server_t *server = NULL;
    /* the dummy hash first: without it an unknown staff id would be told
     * apart by a quick answer */
    gw_t *gw = gw_login_start (err, sizeof err) == 0 ? gw_new (cfg, err, sizeof err) : NULL;
    if (gw)
        server = gw_server_start (gw, err, sizeof err);
    if (!server) {
        fprintf (stderr, "kefu-gateway: %s\n", err);
        log_kv (LOG_ERROR, "start_failed", "reason", err, NULL);
        gw_destroy (&gw);
        cfg_destroy (&cfg);
        return 1;
    }
    const gateway_config_t *gc = gateway_config (cfg);
    ops_t *ops = s_ops_start (cfg, gc, name);
    if (!ops) {
        gw_server_stop (&server);
        gw_destroy (&gw);
        cfg_destroy (&cfg);
        return 1;
    }
    ops_set_ready (ops, true);
    log_kv (LOG_INFO, "ready", "http", gc->http, "tls", gc->tls_cert ? "on" : "off", NULL);
    sd_notify_state ("READY=1");
    s_wait_for_stop (&stop);
    sd_notify_state ("STOPPING=1");
    ops_set_ready (ops, false);
    ops_stop (&ops);
    gw_server_stop (&server);
    gw_destroy (&gw);
    log_kv (LOG_INFO, "stopped", NULL);
    cfg_destroy (&cfg);
    return 0;
}

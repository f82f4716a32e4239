/*  gateway — routes, credentials, request, service, reply (gateway.h). */
#include "gateway.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <zmq.h>

#include "answer.h"
#include "auth.h"
#include "base/clock.h"
#include "ops/ops_metrics.h"
#include "base/json.h"
#include "base/log.h"
#include "build.h"
#include "changes.h"
#include "console_files.h"
#include "routes.h"
#include "session.h"

/*  The longest wait for a connection to a service before 503: a service
 *  that is up is connected within milliseconds; one that is down should
 *  not keep the caller for the whole request time-out. */
#define GW_CONNECT_MS 1000
#define GW_SESSION_PATH "/api/v1/session"
/*  Open files a connection may hold: its socket, and per service a DEALER's
 *  TCP connection and its mailbox. The spare ones: the listening socket,
 *  the log, libzmq's own, the log-in database pool. */
#define GW_FILES_PER_CONNECTION (1 + 2 * CFG_SERVICE_COUNT)
#define GW_FILES_SPARE 128

struct gw_s {
    const cfg_t *cfg;
    gw_routes_t *routes;
    void *zctx;
    gw_live_t *live; /* the changes feed (live.h); its listener starts with the first stream */
};

int gw_files_enough (int connection_limit, char *err, size_t errsize)
{
    rlim_t need = (rlim_t) connection_limit * GW_FILES_PER_CONNECTION + GW_FILES_SPARE;
    struct rlimit rl;
    if (getrlimit (RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need)
        return 0;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need) {
        snprintf (err, errsize,
                  "connection_limit %d needs up to %llu open files, and this process may "
                  "open at most %llu: raise the hard limit (LimitNOFILE= of the unit, ulimit -Hn) or "
                  "lower connection_limit",
                  connection_limit, (unsigned long long) need, (unsigned long long) rl.rlim_max);
        return -1;
    }
    rl.rlim_cur = need;
    if (setrlimit (RLIMIT_NOFILE, &rl) != 0) {
        snprintf (err, errsize,
                  "connection_limit %d needs up to %llu open files: cannot raise the limit "
                  "to that: %s",
                  connection_limit, (unsigned long long) need, strerror (errno));
        return -1;
    }
    return 0;
}

/*  The changes feed's hub, on the gateway role's own connection. */
static gw_live_t *s_live_new (const cfg_t *cfg)
{
    char role[128];
    snprintf (role, sizeof role, "%sgateway", cfg->db_role_prefix ? cfg->db_role_prefix : "kefu_");
    char *conninfo = cfg_conninfo_for (cfg, role, "kefu-gateway-changes");
    /* a listener only reads: over TCP, keep-alives find a database host
     * that vanished without closing the connection */
    char *with_keepalive = NULL;
    if (conninfo
        && asprintf (&with_keepalive,
                     "%s keepalives=1 keepalives_idle=30 keepalives_interval=10 "
                     "keepalives_count=3",
                     conninfo)
               < 0)
        with_keepalive = NULL;
    gw_live_t *live =
        with_keepalive ? gw_live_new (with_keepalive, gateway_config (cfg)->stream_limit) : NULL;
    free (with_keepalive);
    free (conninfo);
    return live;
}

gw_t *gw_new (const cfg_t *cfg, char *err, size_t errsize)
{
    if (gw_files_enough (gateway_config (cfg)->connection_limit, err, errsize) != 0)
        return NULL;
    gw_t *self = calloc (1, sizeof *self);
    if (!self) {
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    self->cfg = cfg;
    self->routes = gw_routes_new (cfg->schemas_dir, err, errsize);
    if (!self->routes) {
        gw_destroy (&self);
        return NULL;
    }
    if (!(self->live = s_live_new (cfg))) {
        snprintf (err, errsize, "out of memory");
        gw_destroy (&self);
        return NULL;
    }
    if (!(self->zctx = zmq_ctx_new ())) {
        snprintf (err, errsize, "cannot make a ZeroMQ context");
        gw_destroy (&self);
        return NULL;
    }
    /* each connection may hold a socket per service */
    int most = gateway_config (cfg)->connection_limit * CFG_SERVICE_COUNT + 64;
    zmq_ctx_set (self->zctx, ZMQ_MAX_SOCKETS, most);
    return self;
}

void gw_destroy (gw_t **self_p)
{
    gw_t *self = *self_p;
    if (!self)
        return;
    gw_live_destroy (&self->live);
    if (self->zctx)
        zmq_ctx_term (self->zctx);
    gw_routes_destroy (&self->routes);
    free (self);
    *self_p = NULL;
}

const cfg_t *gw_cfg (const gw_t *self)
{
    return self->cfg;
}

const gateway_config_t *gw_config (const gw_t *self)
{
    return gateway_config (self->cfg);
}

void *gw_zctx (gw_t *self)
{
    return self->zctx;
}

void gw_halt (gw_t *self)
{
    gw_live_halt (self->live);
}

static const char *s_endpoint (const cfg_t *cfg, int service)
{
    return service == 0 ? cfg->intake_api : cfg->endpoints[service].api;
}

/*  The request to the service, forwarded, and its reply mapped. */
static void s_call (gw_t *self, gw_forward_t *fwd, const gw_match_t *m, const gw_request_t *req,
                    const char *token, cJSON *body, gw_response_t *resp)
{
    cJSON *envelope = cJSON_CreateObject ();
    char *text = NULL;
    if (envelope && cJSON_AddStringToObject (envelope, "request", m->row->request)
        && cJSON_AddNumberToObject (envelope, "version", 1)
        && cJSON_AddStringToObject (envelope, "token", token))
        cJSON_AddItemToObject (envelope, "body", body);
    else
        cJSON_Delete (body);
    text = envelope && cJSON_GetObjectItemCaseSensitive (envelope, "body") ? json_print (envelope) : NULL;
    cJSON_Delete (envelope);
    if (!text) {
        gw_response_error (resp, 500, "internal", "out of memory");
        return;
    }
    int service = cfg_service_index (m->row->service);
    int timeout_ms = gateway_config (self->cfg)->request_timeout_ms;
    char *reply = NULL;
    size_t len = 0;
    gw_fwd_status_t st =
        gw_forward_call (fwd, service, s_endpoint (self->cfg, service), text,
                         GW_CONNECT_MS < timeout_ms ? GW_CONNECT_MS : timeout_ms, timeout_ms, &reply, &len);
    free (text);
    if (st == GW_FWD_REPLY)
        gw_answer (m, req, reply, len, resp);
    else if (st == GW_FWD_STOPPED)
        gw_response_error (resp, 503, "unavailable", "the gateway is stopping; try again");
    else if (st == GW_FWD_TIMEOUT)
        gw_response_error (resp, 503, "unavailable", "%s did not answer within %d ms; try again",
                           m->row->service, timeout_ms);
    else
        gw_response_error (resp, 503, "unavailable", "%s is not reachable; try again", m->row->service);
    free (reply);
}

static void s_route (gw_t *self, gw_forward_t *fwd, const gw_request_t *req, gw_response_t *resp,
                     const char **route)
{
    gw_match_t m;
    int found = gw_routes_match (self->routes, req->method, req->path, &m);
    if (found == 404) {
        gw_response_error (resp, 404, "not_found",
                           "no operation at this path (the API is under /api/v1/, "
                           "schemas/openapi.yaml lists it)");
        return;
    }
    if (found == 405) {
        gw_response_error (resp, 405, "method_not_allowed", "%s: this path takes %s", req->method, m.allow);
        gw_response_header (resp, "Allow", m.allow);
        return;
    }
    *route = m.row->path;
    char token[GW_TOKEN_MAX + 1];
    cJSON *body = NULL;
    if (gw_auth_token (req, token, sizeof token, resp) != 0 || gw_build_body (&m, req, &body, resp) != 0)
        return;
    s_call (self, fwd, &m, req, token, body, resp);
}

void gw_handle (gw_t *self, gw_forward_t *fwd, const gw_request_t *req, gw_response_t *resp)
{
    int64_t start = clock_mono_ms ();
    const char *route = NULL;
    if (strcmp (req->path, GW_SESSION_PATH) == 0) {
        route = GW_SESSION_PATH;
        gw_session_env_t env = {self->cfg, gateway_config (self->cfg)};
        gw_request_t as_get = *req;
        if (strcmp (req->method, "HEAD") == 0)
            as_get.method = "GET"; /* answered as GET; libmicrohttpd sends no body */
        gw_session_handle (&env, &as_get, resp);
    }
    else if (strcmp (req->path, GW_CHANGES_PATH) == 0) {
        route = GW_CHANGES_PATH;
        gw_changes_open (self->live, self->cfg, req, resp);
    }
    else if (gw_console_answer (gateway_config (self->cfg)->console, req, resp))
        route = GW_CONSOLE_ROUTE; /* never the path: a screen pop's names its secret id */
    else
        s_route (self, fwd, req, resp, &route);
    if (resp->status == 0)
        gw_response_error (resp, 500, "internal", "no response was made");
    /* the pattern, never the path: a path may name an id that is a secret
     * (a screen pop's), and the query may hold a phone number */
    ops_count_http (route, resp->status);
    char status[8], ms[24];
    snprintf (status, sizeof status, "%d", resp->status);
    snprintf (ms, sizeof ms, "%lld", (long long) (clock_mono_ms () - start));
    log_kv (resp->status >= 500 ? LOG_WARN : LOG_INFO, "http_request", "method", req->method, "route", route,
            "status", status, "ms", ms, NULL);
}

/*  request_endpoint — a service's ROUTER request endpoint (see
 *  request_endpoint.h): frames in, validated requests dispatched through
 *  the service's table (writes in group commit), one reply out per request.
 */
#include "request_endpoint.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "base/clock.h"
#include "base/json.h"
#include "auth/credential.h"
#include "base/log.h"
#include "db/scope.h"
#include "msg/transport.h"
#include "msg/zap.h"
#include "ops/ops_metrics.h"

/*  Frames read per message: the client's, the identity our ROUTER adds, and
 *  one more to tell a message of too many frames from one that fits. */
#define S_MAX_FRAMES (RQE_MAX_CLIENT_FRAMES + 2)
/*  Group commit waits at most this long for the rest of a group (s_gather). */
#define S_GATHER_MS 1
/*  Peers sending more than this in one frame are disconnected by ZeroMQ. */
#define S_MAX_WIRE (1024 * 1024)
/*  A reply to a vanished peer is dropped after this long at most. */
#define S_SEND_TIMEOUT_MS 1000
/*  Longest request name (request.v1.json says the same). */
#define S_MAX_NAME 32

struct rqe_s {
    svc_t *svc;
    const rqe_handler_t *table;
    void *app;
    void *router;
    char endpoint[256];
    void *router_curve;     /* services.<name>.api_curve, or NULL */
    char endpoint_curve[256];
    int last_read;          /* requests read together last time */
    cred_t *cred;           /* checks each request's token */
};

static int s_on_readable (svc_t *svc, void *socket, void *ctx);

/*  The body schema of a request: "<name>.v1". */
static void s_schema_name (const char *name, char *out, size_t size)
{
    snprintf (out, size, "%s.v1", name);
}

/*  A ROUTER bound at endpoint and added to the loop; serving CURVE with the
 *  service's key pair when keys (clients authenticated by zap.h, domain
 *  "api"). The bound endpoint goes to out. Returns it, or NULL (logged). */
static void *s_listen (rqe_t *self, const char *endpoint, const keyring_t *keys, char *out)
{
    const cfg_t *cfg = svc_cfg (self->svc);
    void *router = tr_socket (svc_zctx (self->svc), ZMQ_ROUTER, cfg->high_water_mark,
                              S_SEND_TIMEOUT_MS);
    if (!router)
        return NULL;
    int64_t max = S_MAX_WIRE;
    if (zmq_setsockopt (router, ZMQ_MAXMSGSIZE, &max, sizeof max) != 0
        || (keys && tr_curve_server (router, keyring_secret (keys), ZAP_DOMAIN_API) != 0))
        goto fail;
    if (tr_bind (router, endpoint, out, 256) != 0) {
        log_kv (LOG_ERROR, "api_bind_failed", "endpoint", endpoint, "reason",
                zmq_strerror (zmq_errno ()), NULL);
        goto fail;
    }
    if (svc_add_socket (self->svc, router, s_on_readable, self) != 0)
        goto fail;
    return router;
fail:
    zmq_close (router);
    return NULL;
}

rqe_t *rqe_new (svc_t *svc, const char *endpoint, const rqe_handler_t *table, void *app)
{
    if (!svc || !endpoint || !table)
        return NULL;
    for (const rqe_handler_t *h = table; h->name; h++) {
        char schema[64];
        s_schema_name (h->name, schema, sizeof schema);
        if (strlen (h->name) > S_MAX_NAME || !h->run == !h->batch) {
            log_kv (LOG_ERROR, "api_table_invalid", "request", h->name, "reason",
                    "a request name of at most 32 bytes and exactly one of run, batch", NULL);
            return NULL;
        }
        if (!schema_set_has (svc_schemas (svc), schema)) {
            log_kv (LOG_ERROR, "api_table_invalid", "request", h->name, "reason",
                    "no body schema in schemas/requests/", "schema", schema, NULL);
            return NULL;
        }
    }
    rqe_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    for (const rqe_handler_t *h = table; h->name; h++)
        ops_metrics_request_name (h->name); /* the request label's values */
    self->svc = svc;
    self->table = table;
    self->app = app;
    if (!(self->cred = cred_new (svc_db (svc))))
        goto fail;
    self->router = s_listen (self, endpoint, NULL, self->endpoint);
    if (!self->router)
        goto fail;
    const char *curve = svc_api_curve (svc);
    if (curve && !(self->router_curve = s_listen (self, curve, svc_keys (svc), self->endpoint_curve)))
        goto fail;
    log_kv (LOG_INFO, "api_listening", "endpoint", self->endpoint, "curve_endpoint",
            self->router_curve ? self->endpoint_curve : NULL, NULL);
    return self;
fail:
    rqe_destroy (&self);
    return NULL;
}

void rqe_destroy (rqe_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    rqe_t *self = *self_p;
    if (self->router)
        zmq_close (self->router);
    cred_destroy (&self->cred);
    if (self->router_curve)
        zmq_close (self->router_curve);
    free (self);
    *self_p = NULL;
}

const char *rqe_endpoint (const rqe_t *self)
{
    return self ? self->endpoint : "";
}

/*  Logs a refused request by field only (messages may quote customer data). */
static char *s_refuse (const char *request, rpl_code_t code, const char *message)
{
    char field[96];
    rpl_error_field (message, field, sizeof field);
    ops_count_reply (request, rpl_code_name (code));
    log_kv (code == RPL_INTERNAL ? LOG_ERROR : LOG_INFO, "request_refused", "request", request,
            "code", rpl_code_name (code), "field", field, NULL);
    return rpl_error (code, message);
}

/*  The reply to a served request: its result, or its refusal. Takes
 *  *result_p. */
static char *s_outcome (const char *name, rpl_code_t code, cJSON **result_p, const char *err)
{
    if (code == RPL_OK) {
        ops_count_reply (name, rpl_code_name (code));
        return rpl_ok (result_p);
    }
    cJSON_Delete (*result_p);
    *result_p = NULL;
    return s_refuse (name, code, err);
}

static const rqe_handler_t *s_find (const rqe_handler_t *table, const char *name)
{
    for (const rqe_handler_t *h = table; h->name; h++)
        if (strcmp (h->name, name) == 0)
            return h;
    return NULL;
}

/*  "request: unknown request "x" (expected one of a, b)" from the table. */
static char *s_refuse_unknown (const rqe_handler_t *table, const char *name)
{
    char err[512];
    int len = snprintf (err, sizeof err, "request: unknown request \"%.32s\"", name);
    if (!table->name)
        snprintf (err + len, sizeof err - (size_t) len, " (this service takes no requests yet)");
    else
        for (const rqe_handler_t *h = table; h->name && len < (int) sizeof err; h++)
            len += snprintf (err + len, sizeof err - (size_t) len, "%s%s%s",
                             h == table ? " (expected one of " : ", ", h->name, h[1].name ? "" : ")");
    return s_refuse (NULL, RPL_INVALID, err);
}

/*  Parses and checks one request's wrapper. Returns NULL with *doc_p (the
 *  parsed request, caller deletes), *name_p and *body_p (borrowed from the
 *  document) set, or else the refusal to send (caller frees). The name is
 *  not looked up yet: who is asking is checked first (s_take_one). */
static char *s_parse (const schema_set_t *schemas, const char *payload, size_t len,
                      cJSON **doc_p, const char **name_p, const cJSON **body_p)
{
    char err[512] = "";
    char *reply = NULL;
    cJSON *doc = NULL;
    *doc_p = NULL;
    if (!payload)
        return s_refuse (NULL, RPL_INVALID, "request: empty frame (expected one JSON object)");
    if (len > RPL_MAX_PAYLOAD) {
        snprintf (err, sizeof err, "request: too large (%zu bytes; at most %d)", len,
                  RPL_MAX_PAYLOAD);
        return s_refuse (NULL, RPL_INVALID, err);
    }
    char perr[256];
    if (!(doc = json_parse_strict (payload, len, perr, sizeof perr))) {
        snprintf (err, sizeof err, "request: %s (expected one JSON object "
                                   "{\"request\", \"version\", \"token\", \"body\"})", perr);
        return s_refuse (NULL, RPL_INVALID, err);
    }
    if (!schemas) {
        reply = s_refuse (NULL, RPL_INTERNAL, "request: the service has no schemas loaded");
        goto fail;
    }
    if (schema_validate (schemas, "request.v1", doc, NULL, err, sizeof err) != 0) {
        reply = s_refuse (NULL, RPL_INVALID, err);
        goto fail;
    }
    /* The schema says all this; checked again so a lax schema file can never
     * let a wrong type through to the code below. */
    const char *name = json_str (doc, "request", NULL);
    const cJSON *version = cJSON_GetObjectItemCaseSensitive (doc, "version");
    const cJSON *body = cJSON_GetObjectItemCaseSensitive (doc, "body");
    if (!name || strlen (name) > S_MAX_NAME) {
        reply = s_refuse (NULL, RPL_INVALID, "request: expected the request name, e.g. "
                                             "\"ticket.submit\"");
        goto fail;
    }
    if (!json_is_integer (version) || version->valuedouble != 1) {
        reply = s_refuse (name, RPL_INVALID, "version: unsupported version (expected 1)");
        goto fail;
    }
    if (!cJSON_IsObject (body)) {
        reply = s_refuse (name, RPL_INVALID, "body: expected an object");
        goto fail;
    }
    *doc_p = doc;
    *name_p = name;
    *body_p = body;
    return NULL;
fail:
    cJSON_Delete (doc);
    return reply;
}

/*  Finds the request's handler and checks its body against its schema.
 *  Returns NULL with *handler_p set, or the refusal (caller frees). */
static char *s_resolve (const schema_set_t *schemas, const rqe_handler_t *table, const char *name,
                        const cJSON *body, const rqe_handler_t **handler_p)
{
    const rqe_handler_t *handler = s_find (table, name);
    if (!handler)
        return s_refuse_unknown (table, name);
    char schema[64], err[512] = "";
    s_schema_name (name, schema, sizeof schema);
    if (!schema_set_has (schemas, schema)) /* rqe_new refuses such a table */
        return s_refuse (name, RPL_INTERNAL, "request: no schema for this request");
    if (schema_validate (schemas, schema, body, "body", err, sizeof err) != 0)
        return s_refuse (name, RPL_INVALID, err);
    *handler_p = handler;
    return NULL;
}

/*  Serves one validated request on its own (a group of one for batch
 *  handlers). Returns the reply (caller frees). */
static char *s_run_alone (const rqe_handler_t *h, void *app, db_t *db, const rqe_ctx_t *ctx,
                          const cJSON *body)
{
    if (h->batch) {
        rqe_item_t item = { .ctx = ctx, .body = body, .code = RPL_INTERNAL };
        rqe_item_t *items[1] = { &item };
        h->batch (app, items, 1);
        return s_outcome (h->name, item.code, &item.result, item.err);
    }
    char err[512] = "";
    cJSON *result = NULL;
    /* A request served alone acts for its caller; a batch handler states
     * each item's branches itself (rqe_batch_fn). */
    if (db && db_scope_set (db, &ctx->who) != 0)
        return s_outcome (h->name, RPL_INTERNAL, &result, "request: the caller's branches cannot be stated");
    rpl_code_t code = h->run (app, ctx, body, &result, err, sizeof err);
    if (db)
        db_scope_clear (db);
    return s_outcome (h->name, code, &result, err);
}

char *rqe_serve (const schema_set_t *schemas, const rqe_handler_t *table, void *app,
                 const char *payload, size_t len)
{
    cJSON *doc = NULL;
    const rqe_handler_t *handler = NULL;
    const char *name = NULL;
    const cJSON *body = NULL;
    char *reply = s_parse (schemas, payload, len, &doc, &name, &body);
    if (reply || !doc)
        return reply;
    if (!(reply = s_resolve (schemas, table, name, body, &handler))) {
        rqe_ctx_t ctx = { .request = handler->name, .who = svc_who_system ("test") };
        reply = s_run_alone (handler, app, NULL, &ctx, body);
    }
    cJSON_Delete (doc);
    return reply;
}

/*  ------------------------------------------------------------------------
 *  Group commit: every request waiting on the ROUTER is read (up to
 *  RQE_BATCH); consecutive requests of one batch handler are served
 *  together; then every reply goes out, in the order the requests came.
 */

typedef struct {
    char *frames[S_MAX_FRAMES];
    size_t sizes[S_MAX_FRAMES];
    int n, env;             /* frames received; frames of routing envelope */
    cJSON *doc;             /* the parsed request (item.body points into it) */
    rqe_ctx_t ctx;
    cred_who_t caller;      /* who is asking (ctx.who points into it) */
    rqe_item_t item;
    const rqe_handler_t *waiting;   /* its batch handler, until served */
    char *reply;
} s_request_t;

/*  Serves the requests waiting in reqs[0..n) (all of one handler) together
 *  and makes their replies. */
static void s_commit_waiting (rqe_t *self, s_request_t *reqs, int n)
{
    rqe_item_t *items[RQE_BATCH];
    int idx[RQE_BATCH];
    const rqe_handler_t *h = NULL;
    int k = 0;
    for (int i = 0; i < n; i++)
        if (reqs[i].waiting) {
            h = reqs[i].waiting;
            items[k] = &reqs[i].item;
            idx[k++] = i;
            reqs[i].waiting = NULL;
        }
    if (k == 0)
        return;
    h->batch (self->app, items, k);
    for (int j = 0; j < k; j++) {
        s_request_t *r = &reqs[idx[j]];
        r->reply = s_outcome (h->name, r->item.code, &r->item.result, r->item.err);
    }
}

/*  The handler of the group waiting in reqs[0..n), or NULL. */
static const rqe_handler_t *s_waiting_handler (const s_request_t *reqs, int n)
{
    for (int i = n - 1; i >= 0; i--)
        if (reqs[i].waiting)
            return reqs[i].waiting;
    return NULL;
}

/*  Who is asking: the token of the parsed request in r. Returns NULL with
 *  r->caller set, or the refusal (caller frees). */
static char *s_authenticate (rqe_t *self, s_request_t *r, const char *name)
{
    const char *token = json_str (r->doc, "token", NULL);
    char err[256] = "";
    rpl_code_t code = cred_check (self->cred, token, token ? strlen (token) : 0, &r->caller, err,
                                  sizeof err);
    return code == RPL_OK ? NULL : s_refuse (name, code, err);
}

/*  Reads one request into reqs[at] and either answers it (reply) or leaves
 *  it waiting for the group commit. Returns 0, or -1 when nothing was
 *  waiting on the socket. */
static int s_take_one (rqe_t *self, void *socket, s_request_t *reqs, int at)
{
    s_request_t *r = &reqs[at];
    memset (r, 0, sizeof *r);
    r->n = tr_recv (socket, r->frames, r->sizes, S_MAX_FRAMES, ZMQ_DONTWAIT);
    if (r->n < 0)
        return -1;
    r->env = rpl_envelope_frames (r->n, r->sizes);
    if (r->env < 0)
        return 0; /* no reply possible; logged when answering */
    if (r->n > RQE_MAX_CLIENT_FRAMES + 1) { /* cut by tr_recv: refuse rather than guess */
        r->reply = s_refuse (NULL, RPL_INVALID, "request: too many frames (expected the "
                                                "request as one frame, at most 8 frames in all)");
        return 0;
    }
    const rqe_handler_t *h = NULL;
    const char *name = NULL;
    const cJSON *body = NULL;
    r->reply = s_parse (svc_schemas (self->svc), r->frames[r->n - 1], r->sizes[r->n - 1], &r->doc,
                        &name, &body);
    if (r->reply || !r->doc)
        return 0;
    if ((r->reply = s_authenticate (self, r, name))
        || (r->reply = s_resolve (svc_schemas (self->svc), self->table, name, body, &h)))
        return 0;
    if (!cred_allows (&r->caller, h->name, h->roles)) {
        r->reply = s_refuse (h->name, RPL_FORBIDDEN,
                             "request: your roles do not allow this request (docs/security.md)");
        return 0;
    }
    r->ctx = (rqe_ctx_t) { .request = h->name, .who = r->caller.who };
    const rqe_handler_t *group = s_waiting_handler (reqs, at);
    if (group && group != h)  /* what comes next sees the group's writes */
        s_commit_waiting (self, reqs, at);
    if (h->batch) {
        r->item = (rqe_item_t) { .ctx = &r->ctx, .body = body, .code = RPL_INTERNAL };
        r->waiting = h;
        return 0;
    }
    r->reply = s_run_alone (h, self->app, svc_db (self->svc), &r->ctx, body);
    return 0;
}

static void s_answer (void *socket, s_request_t *r)
{
    if (r->env < 0) {
        log_kv (LOG_WARN, "request_unreadable", "reason", "expected [identity]…[request] frames",
                NULL);
        return;
    }
    if (!r->reply)
        r->reply = strdup ("{\"ok\":false,\"error\":{\"code\":\"internal\","
                           "\"message\":\"out of memory\"}}");
    if (!r->reply)
        return;
    const void *out[S_MAX_FRAMES];
    size_t out_sizes[S_MAX_FRAMES];
    for (int i = 0; i < r->env; i++) {
        out[i] = r->frames[i];
        out_sizes[i] = r->sizes[i];
    }
    out[r->env] = r->reply;
    out_sizes[r->env] = strlen (r->reply);
    if (tr_send (socket, out, out_sizes, r->env + 1, ZMQ_DONTWAIT) != 0)
        log_kv (LOG_WARN, "reply_dropped", "reason", zmq_strerror (errno), "detail",
                "client gone or not reading", NULL);
}

/*  Fewer requests came than together last time: the others are most likely
 *  on their way (clients answered by one commit send again together), and
 *  a commit of their own would cost them more than this wait — at most
 *  S_GATHER_MS, ended by the last of them (PostgreSQL's commit_delay, for
 *  one loop). A group that shrank for good costs that wait once. Returns
 *  the number of requests read in all. */
static int s_gather (rqe_t *self, void *socket, s_request_t *reqs, int n)
{
    int64_t until = clock_mono_ms () + S_GATHER_MS;
    while (n < self->last_read && n < RQE_BATCH) {
        if (s_take_one (self, socket, reqs, n) == 0) {
            n++;
            continue;
        }
        int64_t left = until - clock_mono_ms ();
        zmq_pollitem_t item = { .socket = socket, .events = ZMQ_POLLIN };
        if (left < 0 || zmq_poll (&item, 1, (long) left) <= 0)
            break;
    }
    return n;
}

static int s_on_readable (svc_t *svc, void *socket, void *ctx)
{
    (void) svc;
    rqe_t *self = ctx;
    s_request_t *reqs = calloc (RQE_BATCH, sizeof *reqs);
    if (!reqs) {
        log_kv (LOG_ERROR, "api_failed", "reason", "out of memory", NULL);
        return 0;
    }
    int n = 0;
    while (n < RQE_BATCH && s_take_one (self, socket, reqs, n) == 0)
        n++;
    n = s_gather (self, socket, reqs, n);
    self->last_read = n;
    s_commit_waiting (self, reqs, n);
    for (int i = 0; i < n; i++) {
        ops_count_request (reqs[i].doc ? json_str (reqs[i].doc, "request", NULL) : NULL);
        s_answer (socket, &reqs[i]);
        free (reqs[i].reply);
        cJSON_Delete (reqs[i].item.result); /* only left when a reply could not be made */
        cJSON_Delete (reqs[i].doc);
        cred_who_free (&reqs[i].caller);
        tr_frames_free (reqs[i].frames, reqs[i].n);
    }
    free (reqs);
    return 0;
}

/*  api — intake's ROUTER request endpoint (see api.h): frames in, one
 *  validated request dispatched to tickets, one reply out.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "api.h"
#include "json.h"
#include "log.h"
#include "request.h"
#include "transport.h"

/*  Most frames a request may have: identity, a few more identities when a
 *  proxy sits in between, the REQ delimiter, the request. */
#define S_MAX_FRAMES 8
/*  Requests served per wake-up before returning to the loop (fairness with
 *  the bus sockets). */
#define S_BATCH 64
/*  Peers sending more than this in one frame are disconnected by ZeroMQ. */
#define S_MAX_WIRE (1024 * 1024)
/*  A reply to a vanished peer is dropped after this long at most. */
#define S_SEND_TIMEOUT_MS 1000

struct iapi_s {
    svc_t *svc;
    itk_t *tickets;
    void *router;
    char endpoint[256];
};

static int s_on_readable (svc_t *svc, void *socket, void *ctx);

iapi_t *iapi_new (svc_t *svc, itk_t *tickets)
{
    if (!svc || !tickets)
        return NULL;
    const cfg_t *cfg = svc_cfg (svc);
    iapi_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->svc = svc;
    self->tickets = tickets;
    self->router = tr_socket (svc_zctx (svc), ZMQ_ROUTER, cfg->high_water_mark,
                              S_SEND_TIMEOUT_MS);
    if (!self->router)
        goto fail;
    int64_t max = S_MAX_WIRE;
    if (zmq_setsockopt (self->router, ZMQ_MAXMSGSIZE, &max, sizeof max) != 0)
        goto fail;
    if (tr_bind (self->router, cfg->intake_api, self->endpoint, sizeof self->endpoint) != 0) {
        log_kv (LOG_ERROR, "api_bind_failed", "endpoint", cfg->intake_api, "reason",
                zmq_strerror (zmq_errno ()), NULL);
        goto fail;
    }
    if (svc_add_socket (svc, self->router, s_on_readable, self) != 0)
        goto fail;
    log_kv (LOG_INFO, "api_listening", "endpoint", self->endpoint, NULL);
    return self;
fail:
    iapi_destroy (&self);
    return NULL;
}

void iapi_destroy (iapi_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    iapi_t *self = *self_p;
    if (self->router)
        zmq_close (self->router);
    free (self);
    *self_p = NULL;
}

const char *iapi_endpoint (const iapi_t *self)
{
    return self ? self->endpoint : "";
}

/*  Logs a refused request by field only (messages may quote customer data). */
static char *s_refuse (const char *request, irq_code_t code, const char *message)
{
    char field[96];
    irq_error_field (message, field, sizeof field);
    log_kv (code == IRQ_INTERNAL ? LOG_ERROR : LOG_INFO, "request_refused", "request",
            request, "code", irq_code_name (code), "field", field, NULL);
    return irq_reply_error (code, message);
}

static char *s_run (itk_t *tickets, const char *name, const cJSON *body)
{
    char err[512] = "";
    cJSON *result = NULL;
    irq_code_t code;
    if (strcmp (name, "ticket.submit") == 0) {
        irq_submit_t rq;
        if (irq_parse_submit (body, &rq, err, sizeof err) != 0)
            return s_refuse (name, IRQ_INVALID, err);
        if (!tickets)
            return s_refuse (name, IRQ_INTERNAL, "request: intake has no ticket desk");
        code = itk_submit (tickets, &rq, &result, err, sizeof err);
    } else if (strcmp (name, "ticket.get") == 0) {
        int64_t id;
        if (irq_parse_get (body, &id, err, sizeof err) != 0)
            return s_refuse (name, IRQ_INVALID, err);
        if (!tickets)
            return s_refuse (name, IRQ_INTERNAL, "request: intake has no ticket desk");
        code = itk_get (tickets, id, &result, err, sizeof err);
    } else if (strcmp (name, "ticket.list") == 0) {
        irq_list_t filter;
        if (irq_parse_list (body, &filter, err, sizeof err) != 0)
            return s_refuse (name, IRQ_INVALID, err);
        if (!tickets)
            return s_refuse (name, IRQ_INTERNAL, "request: intake has no ticket desk");
        code = itk_list (tickets, &filter, &result, err, sizeof err);
    } else
        return s_refuse (name, IRQ_INVALID, "request: unknown request (expected one of "
                                            "ticket.submit, ticket.get, ticket.list)");
    if (code != IRQ_OK) {
        cJSON_Delete (result);
        return s_refuse (name, code, err);
    }
    return irq_reply_ok (&result);
}

char *iapi_serve (const schema_set_t *schemas, itk_t *tickets, const char *payload,
                  size_t len)
{
    char err[512] = "";
    char *reply = NULL;
    cJSON *doc = NULL;
    if (!payload)
        return s_refuse (NULL, IRQ_INVALID, "request: empty frame (expected one JSON object)");
    if (len > IRQ_MAX_PAYLOAD) {
        snprintf (err, sizeof err, "request: too large (%zu bytes; at most %d)", len,
                  IRQ_MAX_PAYLOAD);
        return s_refuse (NULL, IRQ_INVALID, err);
    }
    char perr[256];
    if (!(doc = json_parse_strict (payload, len, perr, sizeof perr))) {
        snprintf (err, sizeof err, "request: %s (expected one JSON object "
                                   "{\"request\", \"version\", \"body\"})", perr);
        return s_refuse (NULL, IRQ_INVALID, err);
    }
    if (!schemas) {
        reply = s_refuse (NULL, IRQ_INTERNAL, "request: intake has no schemas loaded");
        goto cleanup;
    }
    if (schema_validate (schemas, "request.v1", doc, NULL, err, sizeof err) != 0) {
        reply = s_refuse (NULL, IRQ_INVALID, err);
        goto cleanup;
    }
    /* The schema says all this; checked again so a lax schema file can never
     * let a wrong type through to the code below. */
    const char *name = json_str (doc, "request", NULL);
    const cJSON *version = cJSON_GetObjectItemCaseSensitive (doc, "version");
    const cJSON *body = cJSON_GetObjectItemCaseSensitive (doc, "body");
    if (!name || strlen (name) > 32) {
        reply = s_refuse (NULL, IRQ_INVALID, "request: expected the request name, e.g. "
                                             "\"ticket.submit\"");
        goto cleanup;
    }
    if (!json_is_integer (version) || version->valuedouble != 1) {
        reply = s_refuse (name, IRQ_INVALID, "version: unsupported version (expected 1)");
        goto cleanup;
    }
    if (!cJSON_IsObject (body)) {
        reply = s_refuse (name, IRQ_INVALID, "body: expected an object");
        goto cleanup;
    }
    char schema_name[48];
    snprintf (schema_name, sizeof schema_name, "%s.v1", name);
    if (!schema_set_has (schemas, schema_name)) {
        snprintf (err, sizeof err, "request: unknown request \"%s\" (expected one of "
                                   "ticket.submit, ticket.get, ticket.list)", name);
        reply = s_refuse (NULL, IRQ_INVALID, err);
        goto cleanup;
    }
    if (schema_validate (schemas, schema_name, body, "body", err, sizeof err) != 0) {
        reply = s_refuse (name, IRQ_INVALID, err);
        goto cleanup;
    }
    reply = s_run (tickets, name, body);
cleanup:
    cJSON_Delete (doc);
    return reply;
}

/*  Receives one request and answers it. Returns 0, or -1 when nothing was
 *  waiting. */
static int s_serve_one (iapi_t *self, void *socket)
{
    char *frames[S_MAX_FRAMES];
    size_t sizes[S_MAX_FRAMES];
    int n = tr_recv (socket, frames, sizes, S_MAX_FRAMES, ZMQ_DONTWAIT);
    if (n < 0)
        return -1;
    int env = irq_envelope_frames (n, sizes);
    if (env < 0) {
        log_kv (LOG_WARN, "request_unreadable", "reason",
                "expected [identity]…[request] frames", NULL);
        tr_frames_free (frames, n);
        return 0;
    }
    char *reply;
    if (n == S_MAX_FRAMES)   /* possibly cut: refuse rather than guess */
        reply = s_refuse (NULL, IRQ_INVALID, "request: too many frames (expected the "
                                             "request as one frame)");
    else
        reply = iapi_serve (svc_schemas (self->svc), self->tickets, frames[n - 1],
                            sizes[n - 1]);
    if (!reply)
        reply = strdup ("{\"ok\":false,\"error\":{\"code\":\"internal\","
                        "\"message\":\"out of memory\"}}");
    if (reply) {
        const void *out[S_MAX_FRAMES];
        size_t out_sizes[S_MAX_FRAMES];
        for (int i = 0; i < env; i++) {
            out[i] = frames[i];
            out_sizes[i] = sizes[i];
        }
        out[env] = reply;
        out_sizes[env] = strlen (reply);
        if (tr_send (socket, out, out_sizes, env + 1, ZMQ_DONTWAIT) != 0)
            log_kv (LOG_WARN, "reply_dropped", "reason", zmq_strerror (errno),
                    "detail", "client gone or not reading", NULL);
    }
    free (reply);
    tr_frames_free (frames, n);
    return 0;
}

static int s_on_readable (svc_t *svc, void *socket, void *ctx)
{
    (void) svc;
    iapi_t *self = ctx;
    for (int i = 0; i < S_BATCH; i++)
        if (s_serve_one (self, socket) != 0)
            break;
    return 0;
}

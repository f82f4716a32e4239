/*  api — intake's ROUTER request endpoint (see api.h): frames in,
 *  validated requests dispatched to tickets (ticket.submit in group commit),
 *  one reply out per request.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "api.h"
#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "request.h"
#include "msg/transport.h"

/*  Most frames a client's message may have, as the client sends it: the
 *  request and up to 7 frames in front of it (identities added by proxies in
 *  between, the REQ delimiter). docs/intake.md promises this number. */
#define S_MAX_CLIENT_FRAMES 8
/*  Frames read per message: the client's, the identity our ROUTER adds, and
 *  one more to tell a message of too many frames from one that fits. */
#define S_MAX_FRAMES (S_MAX_CLIENT_FRAMES + 2)
/*  Requests read per wake-up, and most submits committed together, before
 *  returning to the loop (fairness with the bus sockets). */
#define S_BATCH 64
/* Group commit waits at most this long for the rest of a group (s_gather). */
#define S_GATHER_MS 1
/*  Peers sending more than this in one frame are disconnected by ZeroMQ. */
#define S_MAX_WIRE (1024 * 1024)
/*  A reply to a vanished peer is dropped after this long at most. */
#define S_SEND_TIMEOUT_MS 1000

struct iapi_s {
    svc_t *svc;
    itk_t *tickets;
    void *router;
    char endpoint[256];
    int last_read;          /* requests read together last time */
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
    } else if (strcmp (name, "ticket.event") == 0) {
        if (!tickets)
            return s_refuse (name, IRQ_INTERNAL, "request: intake has no ticket desk");
        code = itk_event (tickets, body, &result, err, sizeof err);
    } else
        return s_refuse (name, IRQ_INVALID, "request: unknown request (expected one of "
                                            "ticket.submit, ticket.get, ticket.list, ticket.event)");
    if (code != IRQ_OK) {
        cJSON_Delete (result);
        return s_refuse (name, code, err);
    }
    return irq_reply_ok (&result);
}

/*  Parses and validates one request payload. Returns NULL with *doc_p (the
 *  parsed request, caller deletes), *name_p and *body_p (borrowed from it)
 *  set, or else the refusal to send (caller frees). */
static char *s_parse (const schema_set_t *schemas, const char *payload, size_t len,
                      cJSON **doc_p, const char **name_p, const cJSON **body_p)
{
    char err[512] = "";
    char *reply = NULL;
    cJSON *doc = NULL;
    *doc_p = NULL;
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
        goto fail;
    }
    if (schema_validate (schemas, "request.v1", doc, NULL, err, sizeof err) != 0) {
        reply = s_refuse (NULL, IRQ_INVALID, err);
        goto fail;
    }
    /* The schema says all this; checked again so a lax schema file can never
     * let a wrong type through to the code below. */
    const char *name = json_str (doc, "request", NULL);
    const cJSON *version = cJSON_GetObjectItemCaseSensitive (doc, "version");
    const cJSON *body = cJSON_GetObjectItemCaseSensitive (doc, "body");
    if (!name || strlen (name) > 32) {
        reply = s_refuse (NULL, IRQ_INVALID, "request: expected the request name, e.g. "
                                             "\"ticket.submit\"");
        goto fail;
    }
    if (!json_is_integer (version) || version->valuedouble != 1) {
        reply = s_refuse (name, IRQ_INVALID, "version: unsupported version (expected 1)");
        goto fail;
    }
    if (!cJSON_IsObject (body)) {
        reply = s_refuse (name, IRQ_INVALID, "body: expected an object");
        goto fail;
    }
    char schema_name[48];
    snprintf (schema_name, sizeof schema_name, "%s.v1", name);
    if (!schema_set_has (schemas, schema_name)) {
        snprintf (err, sizeof err, "request: unknown request \"%s\" (expected one of "
                                   "ticket.submit, ticket.get, ticket.list, ticket.event)", name);
        reply = s_refuse (NULL, IRQ_INVALID, err);
        goto fail;
    }
    if (schema_validate (schemas, schema_name, body, "body", err, sizeof err) != 0) {
        reply = s_refuse (name, IRQ_INVALID, err);
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

char *iapi_serve (const schema_set_t *schemas, itk_t *tickets, const char *payload,
                  size_t len)
{
    cJSON *doc = NULL;
    const char *name = NULL;
    const cJSON *body = NULL;
    char *reply = s_parse (schemas, payload, len, &doc, &name, &body);
    if (reply || !doc)
        return reply;
    reply = s_run (tickets, name, body);
    cJSON_Delete (doc);
    return reply;
}

/*  ------------------------------------------------------------------------
 *  Group commit: every request waiting on the ROUTER is read (up to
 *  S_BATCH); consecutive ticket.submit requests are committed together
 *  (itk_submit_batch: one transaction, a savepoint each, one WAL flush);
 *  then every reply goes out, in the order the requests came. A get or list
 *  behind submits of the same wake-up runs after their commit, so it sees
 *  them.
 */

typedef struct {
    char *frames[S_MAX_FRAMES];
    size_t sizes[S_MAX_FRAMES];
    int n, env;             /* frames received; frames of routing envelope */
    cJSON *doc;             /* the parsed request (rq points into it) */
    irq_submit_t rq;
    bool waiting;           /* a ticket.submit for the next group commit */
    char *reply;
} s_request_t;

/*  Commits the submits waiting in reqs[0..n) together and makes their
 *  replies. */
static void s_commit_waiting (iapi_t *self, s_request_t *reqs, int n)
{
    itk_item_t items[S_BATCH];
    int idx[S_BATCH];
    int k = 0;
    for (int i = 0; i < n; i++)
        if (reqs[i].waiting) {
            items[k] = (itk_item_t) { .rq = &reqs[i].rq };
            idx[k++] = i;
            reqs[i].waiting = false;
        }
    if (k == 0)
        return;
    itk_submit_batch (self->tickets, items, k);
    for (int j = 0; j < k; j++) {
        s_request_t *r = &reqs[idx[j]];
        if (items[j].code == IRQ_OK)
            r->reply = irq_reply_ok (&items[j].result);
        else {
            cJSON_Delete (items[j].result);
            r->reply = s_refuse ("ticket.submit", items[j].code, items[j].err);
        }
    }
}

/*  Reads one request into r and either answers it (r->reply) or leaves it
 *  waiting for the group commit. Returns 0, or -1 when nothing was
 *  waiting on the socket. */
static int s_take_one (iapi_t *self, void *socket, s_request_t *reqs, int at)
{
    s_request_t *r = &reqs[at];
    memset (r, 0, sizeof *r);
    r->n = tr_recv (socket, r->frames, r->sizes, S_MAX_FRAMES, ZMQ_DONTWAIT);
    if (r->n < 0)
        return -1;
    r->env = irq_envelope_frames (r->n, r->sizes);
    if (r->env < 0)
        return 0; /* no reply possible; logged when answering */
    if (r->n > S_MAX_CLIENT_FRAMES + 1) { /* cut by tr_recv: refuse rather than guess */
        r->reply = s_refuse (NULL, IRQ_INVALID, "request: too many frames (expected the "
                                                "request as one frame, at most 8 frames in all)");
        return 0;
    }
    const char *name = NULL;
    const cJSON *body = NULL;
    r->reply = s_parse (svc_schemas (self->svc), r->frames[r->n - 1], r->sizes[r->n - 1],
                        &r->doc, &name, &body);
    if (r->reply || !r->doc)
        return 0;
    if (strcmp (name, "ticket.submit") == 0 && self->tickets) {
        char err[512] = "";
        if (irq_parse_submit (body, &r->rq, err, sizeof err) != 0)
            r->reply = s_refuse (name, IRQ_INVALID, err);
        else
            r->waiting = true;
        return 0;
    }
    /* Reads see the submits before them: commit those first. */
    s_commit_waiting (self, reqs, at);
    r->reply = s_run (self->tickets, name, body);
    return 0;
}

static void s_answer (void *socket, s_request_t *r)
{
    if (r->env < 0) {
        log_kv (LOG_WARN, "request_unreadable", "reason",
                "expected [identity]…[request] frames", NULL);
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
        log_kv (LOG_WARN, "reply_dropped", "reason", zmq_strerror (errno),
                "detail", "client gone or not reading", NULL);
}

/*  Fewer requests came than together last time: the others are most likely
 *  on their way (clients answered by one commit send again together), and
 *  a commit of their own would cost them more than this wait — at most
 *  S_GATHER_MS, ended by the last of them (PostgreSQL's commit_delay, for
 *  one loop). A group that shrank for good costs that wait once. Returns
 *  the number of requests read in all. */
static int s_gather (iapi_t *self, void *socket, s_request_t *reqs, int n)
{
    int64_t until = clock_mono_ms () + S_GATHER_MS;
    while (n < self->last_read && n < S_BATCH) {
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
    iapi_t *self = ctx;
    s_request_t *reqs = calloc (S_BATCH, sizeof *reqs);
    if (!reqs) {
        log_kv (LOG_ERROR, "api_failed", "reason", "out of memory", NULL);
        return 0;
    }
    int n = 0;
    while (n < S_BATCH && s_take_one (self, socket, reqs, n) == 0)
        n++;
    n = s_gather (self, socket, reqs, n);
    self->last_read = n;
    s_commit_waiting (self, reqs, n);
    for (int i = 0; i < n; i++) {
        s_answer (socket, &reqs[i]);
        free (reqs[i].reply);
        cJSON_Delete (reqs[i].doc);
        tr_frames_free (reqs[i].frames, reqs[i].n);
    }
    free (reqs);
    return 0;
}

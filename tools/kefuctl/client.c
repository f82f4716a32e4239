/*  client — kefuctl's retrying request/reply with intake (see client.h). */
#include "client.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "base/clock.h"
#include "base/json.h"
#include "msg/keyring.h"
#include "msg/transport.h"

#define CLIENT_MAX_FRAMES 4
#define CLIENT_HWM 16
/*  No connection after this long: say what we wait for (opts->progress). */
#define CLIENT_GRACE_MS 500

client_status_t client_parse_reply (const char *data, size_t len, cJSON **result_p,
                                    bool *unavailable, char *err, size_t errsize)
{
    char perr[160] = "";
    *unavailable = false;
    cJSON *reply = json_parse_strict (data, len, perr, sizeof perr);
    if (!reply) {
        snprintf (err, errsize, "malformed reply from intake: %s", perr);
        return CLIENT_FAILED;
    }
    client_status_t rc = CLIENT_FAILED;
    const cJSON *ok = cJSON_GetObjectItemCaseSensitive (reply, "ok");
    if (!cJSON_IsObject (reply) || !cJSON_IsBool (ok)) {
        snprintf (err, errsize, "malformed reply from intake: expected an object with a boolean \"ok\"");
        goto cleanup;
    }
    if (cJSON_IsTrue (ok)) {
        cJSON *result = cJSON_DetachItemFromObjectCaseSensitive (reply, "result");
        if (!cJSON_IsObject (result)) {
            cJSON_Delete (result);
            snprintf (err, errsize, "malformed reply from intake: \"ok\" is true but \"result\" is not an object");
            goto cleanup;
        }
        *result_p = result;
        rc = CLIENT_OK;
        goto cleanup;
    }
    const cJSON *error = cJSON_GetObjectItemCaseSensitive (reply, "error");
    const char *code = json_str (error, "code", NULL);
    const char *message = json_str (error, "message", NULL);
    if (!cJSON_IsObject (error) || !code || !message) {
        snprintf (err, errsize, "malformed reply from intake: \"ok\" is false but \"error\" lacks code and message");
        goto cleanup;
    }
    *unavailable = strcmp (code, "unavailable") == 0;
    snprintf (err, errsize, "%s: %s", code, message);
    rc = CLIENT_REFUSED;
cleanup:
    cJSON_Delete (reply);
    return rc;
}

/*  Waits up to ms for a reply frame on sock and interprets it.
 *  Returns 1 with *status set when a reply came, 0 on time-out, -1 on a
 *  socket error (err set). */
static int s_client_wait (void *sock, int ms, cJSON **result_p, client_status_t *status,
                          bool *unavailable, char *err, size_t errsize)
{
    int64_t deadline = clock_mono_ms () + ms;
    for (;;) {
        int64_t left = deadline - clock_mono_ms ();
        if (left < 0)
            left = 0;
        zmq_pollitem_t item = { sock, 0, ZMQ_POLLIN, 0 };
        int n = zmq_poll (&item, 1, (long) left);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            snprintf (err, errsize, "waiting for intake: %s", zmq_strerror (errno));
            return -1;
        }
        if (n == 0)
            return 0;
        char *frames[CLIENT_MAX_FRAMES];
        size_t sizes[CLIENT_MAX_FRAMES];
        int nf = tr_recv (sock, frames, sizes, CLIENT_MAX_FRAMES, ZMQ_DONTWAIT);
        if (nf <= 0) {
            if (nf == 0 || errno == EAGAIN || errno == EINTR)
                continue;
            snprintf (err, errsize, "receiving from intake: %s", zmq_strerror (errno));
            return -1;
        }
        /* REQ-style framing: an empty delimiter, then the reply; take the last frame */
        *status = client_parse_reply (frames[nf - 1], sizes[nf - 1], result_p, unavailable, err, errsize);
        tr_frames_free (frames, nf);
        return 1;
    }
}

/*  Waits until the socket can send (a peer is connected; ZMQ_IMMEDIATE).
 *  Returns 1 when writable, 0 on time-out, -1 on error. */
static int s_client_writable (void *sock, int ms)
{
    int64_t deadline = clock_mono_ms () + ms;
    for (;;) {
        int64_t left = deadline - clock_mono_ms ();
        if (left < 0)
            left = 0;
        zmq_pollitem_t item = { sock, 0, ZMQ_POLLOUT, 0 };
        int n = zmq_poll (&item, 1, (long) left);
        if (n < 0 && errno == EINTR)
            continue;
        return n < 0 ? -1 : n > 0 ? 1 : 0;
    }
}

/*  The longest the remaining attempts can take, in ms: what is left of
 *  the one running (a whole time-out, when `running`), then for each
 *  attempt from `next` to `attempts` its back-off (doubling from
 *  `backoff`) and its time-out. */
static int64_t s_client_left_ms (const client_opts_t *opts, bool running, int next, int attempts,
                                 int backoff, int backoff_max)
{
    int64_t left = running ? opts->timeout_ms : 0;
    for (int a = next; a <= attempts; a++) {
        left += backoff + opts->timeout_ms;
        backoff = backoff * 2 > backoff_max ? backoff_max : backoff * 2;
    }
    return left;
}

/*  One line on opts->progress: "<who>: <what>; attempt N of M, giving up
 *  in about S s (Ctrl-C stops)". */
static void s_client_say (const client_opts_t *opts, int attempt, int attempts, int64_t left_ms,
                          const char *fmt, ...) __attribute__ ((format (printf, 5, 6)));
static void s_client_say (const client_opts_t *opts, int attempt, int attempts, int64_t left_ms,
                          const char *fmt, ...)
{
    if (!opts->progress)
        return;
    char what[600];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (what, sizeof what, fmt, ap);
    va_end (ap);
    fprintf (opts->progress, "%s: %s; attempt %d of %d, giving up in about %lld s (Ctrl-C stops)\n",
             opts->who ? opts->who : "kefuctl", what, attempt, attempts, (long long) (left_ms + 999) / 1000);
    fflush (opts->progress);
}

/*  Makes sock a CURVE client when opts->client_key is set. Returns 0, or -1
 *  with the reason (a path, never a key) in err. */
static int s_client_curve (void *sock, const client_opts_t *opts, char *err, size_t errsize)
{
    if (!opts->client_key)
        return 0;
    char kerr[512] = "", server[KEYRING_Z85_LEN + 1] = "";
    keyring_t *keys = keyring_load_client (opts->client_key, kerr, sizeof kerr);
    int rc = -1;
    if (!keys) {
        snprintf (err, errsize, "KEFU_CLIENT_KEY: %s", kerr);
        goto cleanup;
    }
    if (opts->server_key) {
        if (!keyring_z85_valid (opts->server_key)) {
            snprintf (err, errsize, "KEFU_INTAKE_SERVER_KEY: expected intake's public key, "
                      "40 Z85 characters (a line of intake.pub)");
            goto cleanup;
        }
        snprintf (server, sizeof server, "%s", opts->server_key);
    } else {
        char path[4096];
        snprintf (path, sizeof path, "%s/intake.pub", opts->keys_dir ? opts->keys_dir : ".");
        if (keyring_read_public (path, server, kerr, sizeof kerr) != 0) {
            snprintf (err, errsize, "intake's public key: %s (or set KEFU_INTAKE_SERVER_KEY)", kerr);
            goto cleanup;
        }
    }
    if (tr_curve_client (sock, keyring_public (keys), keyring_secret (keys)) != 0
        || tr_curve_server_key (sock, server) != 0) {
        snprintf (err, errsize, "cannot set the CURVE keys on the socket");
        goto cleanup;
    }
    rc = 0;
cleanup:
    keyring_destroy (&keys);
    return rc;
}

client_status_t client_call (const client_opts_t *opts, const char *request, const cJSON *body,
                             cJSON **result_p, char *err, size_t errsize)
{
    client_status_t rc = CLIENT_FAILED;
    void *ctx = NULL, *sock = NULL;
    char *text = NULL;
    char last[512] = "";
    const char *svc = opts->service ? opts->service : "intake";
    *result_p = NULL;

    cJSON *req = cJSON_CreateObject ();
    if (!req || !cJSON_AddStringToObject (req, "request", request)
        || !cJSON_AddNumberToObject (req, "version", 1)
        || (opts->token && !cJSON_AddStringToObject (req, "token", opts->token))
        || !cJSON_AddItemToObject (req, "body", cJSON_Duplicate (body, true))) {
        snprintf (err, errsize, "out of memory building the request");
        goto cleanup;
    }
    text = json_print (req);
    if (!text) {
        snprintf (err, errsize, "out of memory building the request");
        goto cleanup;
    }
    ctx = zmq_ctx_new ();
    sock = ctx ? tr_socket (ctx, ZMQ_DEALER, CLIENT_HWM, 0) : NULL;
    if (!sock) {
        snprintf (err, errsize, "cannot make a ZeroMQ socket: %s", zmq_strerror (errno));
        goto cleanup;
    }
    if (s_client_curve (sock, opts, err, errsize) != 0)
        goto cleanup;
    if (zmq_connect (sock, opts->endpoint) != 0) {
        snprintf (err, errsize, "cannot connect to \"%s\": %s", opts->endpoint, zmq_strerror (errno));
        goto cleanup;
    }
    int backoff = opts->backoff_initial_ms > 0 ? opts->backoff_initial_ms : 200;
    int backoff_max = opts->backoff_max_ms > 0 ? opts->backoff_max_ms : 3200;
    int attempts = opts->retries + 1;
    bool said_waiting = false;
    for (int attempt = 1; attempt <= attempts; attempt++) {
        bool unavailable = false;
        client_status_t st = CLIENT_FAILED;
        int grace = opts->progress && !said_waiting && opts->timeout_ms > CLIENT_GRACE_MS ? CLIENT_GRACE_MS : 0;
        int w = grace ? s_client_writable (sock, grace) : 0;
        if (w == 0 && grace) {
            s_client_say (opts, attempt, attempts,
                          s_client_left_ms (opts, true, attempt + 1, attempts, backoff, backoff_max) - grace,
                          "waiting for a connection to %s at %s "
                          "(is kefu-%s running and listening there?)", svc, opts->endpoint, svc);
            said_waiting = true;
        }
        if (w == 0)
            w = s_client_writable (sock, opts->timeout_ms - grace);
        if (w < 0) {
            snprintf (err, errsize, "cannot send to %s at %s: %s", svc, opts->endpoint, zmq_strerror (errno));
            goto cleanup;
        }
        if (w == 0) {
            snprintf (last, sizeof last, "no connection to %s at %s", svc, opts->endpoint);
        }
        else {
            const void *frames[2] = { "", text };
            size_t sizes[2] = { 0, strlen (text) };
            if (tr_send (sock, frames, sizes, 2, ZMQ_DONTWAIT) != 0) {
                snprintf (last, sizeof last, "sending to %s at %s: %s", svc, opts->endpoint, zmq_strerror (errno));
            }
            else {
                int got = s_client_wait (sock, opts->timeout_ms, result_p, &st, &unavailable, err, errsize);
                if (got < 0)
                    goto cleanup;
                if (got == 1 && !unavailable) {
                    rc = st;
                    goto cleanup;
                }
                if (got == 1)
                    snprintf (last, sizeof last, "%s", err);
                else
                    snprintf (last, sizeof last, "no reply from %s at %s within %d ms", svc, opts->endpoint, opts->timeout_ms);
            }
        }
        if (attempt == attempts)
            break;
        if (opts->progress) {
            s_client_say (opts, attempt + 1, attempts,
                          s_client_left_ms (opts, false, attempt + 1, attempts, backoff, backoff_max),
                          "%s; trying again", last);
            said_waiting = true;
        }
        /* back off, still listening: a late reply answers the same request */
        int got = s_client_wait (sock, backoff, result_p, &st, &unavailable, err, errsize);
        if (got < 0)
            goto cleanup;
        if (got == 1 && !unavailable) {
            rc = st;
            goto cleanup;
        }
        backoff = backoff * 2 > backoff_max ? backoff_max : backoff * 2;
    }
    snprintf (err, errsize, "%s (gave up after %d attempt%s)", last, attempts, attempts == 1 ? "" : "s");
    rc = CLIENT_FAILED;
cleanup:
    if (sock)
        zmq_close (sock);
    if (ctx)
        zmq_ctx_term (ctx);
    free (text);
    cJSON_Delete (req);
    return rc;
}

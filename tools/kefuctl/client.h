/*  client — request/reply with a service's request endpoint, intake's or
 *  dispatch's (docs/architecture.md "Request API"), made safe to retry.
 *
 *  The request goes out on a DEALER socket (common/msg/transport.h) framed like a
 *  REQ socket's message (an empty delimiter frame, then the JSON), so intake
 *  sees the same thing whichever kind of client calls it. The client waits
 *  up to timeout_ms for the reply; on a time-out, on "no peer connected" or
 *  on an {"error":{"code":"unavailable"}} reply it sends the SAME request
 *  again (ticket.submit carries a request_id, so intake applies it once),
 *  with back-off 200 ms doubling to 3.2 s, at most `retries` more times.
 *  A late reply to an earlier attempt is accepted: it answers the same request.
 *  With `progress` set, the client says there what it is waiting for as soon
 *  as it waits (no connection within half a second, a time-out, an
 *  "unavailable" reply) and how long it goes on trying, so a person never
 *  sits in front of a silent terminal. With client_key set the socket is a
 *  CurveZMQ client (docs/messaging.md "Keys"), for intake's api_curve.
 */
#ifndef KEFUCTL_CLIENT_H
#define KEFUCTL_CLIENT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef enum {
    CLIENT_OK = 0,     /* reply {"ok": true}: *result set */
    CLIENT_REFUSED,    /* reply {"ok": false}: err holds "<code>: <message>" */
    CLIENT_FAILED,     /* no usable reply after every attempt: err says why */
} client_status_t;

typedef struct {
    const char *endpoint;
    int timeout_ms;    /* per attempt */
    int retries;       /* extra attempts after the first */
    int backoff_initial_ms, backoff_max_ms;  /* 200 and 3200 unless set */
    FILE *progress;    /* where to say what it waits for (stderr), or NULL: silent */
    const char *who;   /* prefix of those lines ("kefuctl list"); NULL: "kefuctl" */
    const char *token; /* the caller's token, sent with every request; NULL: none */
    /* CURVE, for an endpoint that serves it (services.intake.api_curve):
     * the client's secret key file (KEFU_CLIENT_KEY), NULL = plain; the
     * server's public key, Z85 (KEFU_INTAKE_SERVER_KEY), or NULL to read
     * the one key of <keys_dir>/intake.pub */
    const char *client_key, *server_key, *keys_dir;
    const char *service; /* who answers, for those lines ("dispatch"); NULL: "intake" */
} client_opts_t;

/*  Sends {"request": request, "version": 1, "token": …, "body": body} (body borrowed)
 *  and waits for the reply. On CLIENT_OK *result_p receives the reply's
 *  "result" (caller cJSON_Deletes); on CLIENT_REFUSED err holds the
 *  server's error. */
client_status_t client_call (const client_opts_t *opts, const char *request, const cJSON *body,
                             cJSON **result_p, char *err, size_t errsize);

/*  Interprets one reply frame (exposed for tests). Returns CLIENT_OK with
 *  *result_p set, CLIENT_REFUSED with err "<code>: <message>" and *unavailable
 *  set when the code was "unavailable", or CLIENT_FAILED for a malformed reply. */
client_status_t client_parse_reply (const char *data, size_t len, cJSON **result_p,
                                    bool *unavailable, char *err, size_t errsize);

#endif

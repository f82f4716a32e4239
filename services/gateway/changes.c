/*  changes — the changes feed's streams (changes.h). */
#include "changes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "auth/token.h"
#include "base/clock.h"
#include "base/log.h"
#include "session_store.h"

#define C_FIRST "retry: 1000\n\n"
#define C_COMMENT ": keep-alive\n\n"

typedef struct {
    gw_live_t *live;
    char token_hash[TOKEN_HASH_HEX];
    gw_live_gens_t seen;
    bool started;
    int64_t next_batch_ms; /* no events before (the gap after a batch) */
    int64_t keepalive_ms, keepalive_at_ms;
    int64_t recheck_at_ms;
} c_stream_t;

size_t gw_changes_events (const gw_live_gens_t *now, gw_live_gens_t *seen, char *buf, size_t size)
{
    size_t used = 0;
    for (int t = 0; t < GW_TOPIC_COUNT; t++) {
        if (t == GW_TOPIC_ACCESS || now->gen[t] == seen->gen[t])
            continue;
        const char *name = gw_live_topic_name (t);
        int n = snprintf (buf + used, size - used, "event: %s\ndata: {\"topic\": \"%s\"}\n\n", name, name);
        if (n < 0 || (size_t) n >= size - used)
            break; /* the rest in the next batch */
        used += (size_t) n;
        seen->gen[t] = now->gen[t];
    }
    return used;
}

/*  Whether the stream's token is still open; a database that cannot say
 *  keeps the stream (it is asked again at the next check). */
static bool s_still_open (c_stream_t *s)
{
    bool open = true;
    if (gw_store_token_open (s->token_hash, clock_now_us (), &open) != 0)
        return true;
    if (!open)
        log_kv (LOG_INFO, "changes_stream_ended", "reason", "the caller's session or token ended", NULL);
    return open;
}

static size_t s_copy (char *buf, size_t max, const char *text)
{
    size_t n = strlen (text);
    n = n < max ? n : max;
    memcpy (buf, text, n);
    return n;
}

/*  gw_stream_t's read: blocks until there is something to send. */
static long s_read (void *state, char *buf, size_t max)
{
    c_stream_t *s = state;
    if (!s->started) {
        s->started = true;
        return (long) s_copy (buf, max, C_FIRST);
    }
    for (;;) {
        gw_live_gens_t now;
        int64_t until = s->keepalive_at_ms < s->recheck_at_ms ? s->keepalive_at_ms : s->recheck_at_ms;
        bool halted = gw_live_wait (s->live, &s->seen, until, &now);
        if (halted)
            return -1;
        int64_t t = clock_mono_ms ();
        if (now.gen[GW_TOPIC_ACCESS] != s->seen.gen[GW_TOPIC_ACCESS] || t >= s->recheck_at_ms) {
            s->seen.gen[GW_TOPIC_ACCESS] = now.gen[GW_TOPIC_ACCESS];
            s->recheck_at_ms = t + GW_CHANGES_RECHECK_MS;
            if (!s_still_open (s))
                return -1;
        }
        if (memcmp (&now, &s->seen, sizeof now) != 0) {
            if (t < s->next_batch_ms) {
                /* a burst: wait out the gap, then send its topics at once */
                struct timespec gap = {0, (long) (s->next_batch_ms - t) * 1000000L};
                nanosleep (&gap, NULL);
                continue;
            }
            size_t n = gw_changes_events (&now, &s->seen, buf, max);
            if (n > 0) {
                s->next_batch_ms = clock_mono_ms () + GW_CHANGES_GAP_MS;
                s->keepalive_at_ms = clock_mono_ms () + s->keepalive_ms;
                return (long) n;
            }
        }
        if (clock_mono_ms () >= s->keepalive_at_ms) {
            s->keepalive_at_ms = clock_mono_ms () + s->keepalive_ms;
            return (long) s_copy (buf, max, C_COMMENT);
        }
    }
}

static void s_free (void *state)
{
    c_stream_t *s = state;
    gw_live_leave (s->live);
    free (s);
}

void gw_changes_open (gw_live_t *live, const cfg_t *cfg, const gw_request_t *req, gw_response_t *resp)
{
    if (strcmp (req->method, "GET") != 0) {
        gw_response_error (resp, 405, "method_not_allowed", "%s: this path takes GET", req->method);
        gw_response_header (resp, "Allow", "GET");
        return;
    }
    char token[GW_TOKEN_MAX + 1], hash[TOKEN_HASH_HEX], err[128];
    if (gw_auth_token (req, token, sizeof token, resp) != 0)
        return;
    if (token_parse (token, strlen (token), hash, err, sizeof err) != 0) {
        gw_response_error (resp, 401, "unauthenticated", "%s", err);
        return;
    }
    bool open = false;
    if (gw_store_start (cfg) != 0 || gw_store_token_open (hash, clock_now_us (), &open) != 0) {
        gw_response_error (resp, 503, "unavailable", "changes: the database did not answer; try again");
        return;
    }
    if (!open) {
        gw_response_error (resp, 401, "unauthenticated",
                           "changes: the session or token is not open (logged out, revoked or expired)");
        return;
    }
    c_stream_t *s = calloc (1, sizeof *s);
    if (!s) {
        gw_response_error (resp, 503, "unavailable", "changes: out of memory; try again");
        return;
    }
    if (gw_live_join (live, &s->seen) != 0) {
        free (s);
        gw_response_error (resp, 503, "unavailable",
                           "changes: this gateway instance has as many live streams as it takes "
                           "(stream_limit); try again");
        return;
    }
    memcpy (s->token_hash, hash, sizeof hash);
    s->live = live;
    int half_timeout_ms = gateway_config (cfg)->connection_timeout_s * 500;
    s->keepalive_ms = half_timeout_ms < GW_CHANGES_KEEPALIVE_MS ? half_timeout_ms : GW_CHANGES_KEEPALIVE_MS;
    int64_t t = clock_mono_ms ();
    s->keepalive_at_ms = t + s->keepalive_ms;
    s->recheck_at_ms = t + GW_CHANGES_RECHECK_MS;
    resp->status = 200;
    resp->content_type = "text/event-stream";
    resp->stream = (gw_stream_t){s, s_read, s_free};
    gw_response_header (resp, "X-Accel-Buffering", "no"); /* a proxy must not hold events back */
}

/*  exchange — one HTTP request as the gateway sees it (what server.c read
 *  from the connection) and the response it makes, with nothing of
 *  libmicrohttpd in them: routing, request building, authentication and
 *  reply mapping work on these, and so does the fuzz target.
 */
#ifndef KEFU_GATEWAY_EXCHANGE_H
#define KEFU_GATEWAY_EXCHANGE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/*  One query parameter, decoded; value NULL for "?flag" without "=". */
typedef struct {
    const char *key, *value;
} gw_pair_t;

#define GW_MAX_QUERY 32

typedef struct {
    const char *method; /* "GET", "POST", … */
    const char *path; /* decoded, without the query: "/api/v1/tickets/7" */
    gw_pair_t query[GW_MAX_QUERY];
    int n_query; /* > GW_MAX_QUERY: too many (refused) */
    /* the headers that matter, NULL when absent */
    const char *authorization, *cookie, *csrf, *idempotency_key, *accept, *content_type;
    const char *body; /* NULL or body_len bytes (not terminated) */
    size_t body_len;
    const char *client_addr; /* the peer's address ("127.0.0.1"), for rate limits */
    bool tls; /* it came over HTTPS */
} gw_request_t;

#define GW_MAX_HEADERS 6

/*  A body made as it goes (changes.h): read blocks until it has bytes,
 *  writes at most max of them into buf and returns how many (> 0), or -1
 *  at the end; free is called once, when the response is done with. */
typedef struct {
    void *state; /* NULL: no stream */
    long (*read) (void *state, char *buf, size_t max);
    void (*free) (void *state);
} gw_stream_t;

typedef struct {
    int status; /* 200, 404, … */
    const char *content_type; /* static text; NULL: no body */
    char *body; /* malloc'd, body_len bytes */
    size_t body_len;
    struct {
        const char *name; /* static text: "Retry-After" */
        char *value; /* malloc'd */
    } headers[GW_MAX_HEADERS];
    int n_headers;
    gw_stream_t stream; /* set: the body is this stream's (no body above) */
} gw_response_t;

/*  Sets a JSON body (item borrowed, printed) and the status. Returns 0, or
 *  -1 when out of memory (then the response is a bare 500). */
int gw_response_json (gw_response_t *self, int status, const cJSON *item);

/*  The error body every failure has: {"code": code, "message": …}, with
 *  the status and, for the codes that call for one, its header
 *  (WWW-Authenticate on 401, Retry-After on 429 and 503). */
void gw_response_error (gw_response_t *self, int status, const char *code, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

/*  Adds a header (value copied). Returns 0, or -1 when full or out of memory. */
int gw_response_header (gw_response_t *self, const char *name, const char *value);

/*  Frees what the response holds and empties it; safe twice. */
void gw_response_clear (gw_response_t *self);

#endif

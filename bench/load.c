/*  bench-load — the load generator of `make bench`.
 *
 *  K client threads, each with its own DEALER socket to intake's request
 *  endpoint, submit N requests in all, one at a time per client (a call-centre
 *  agent waits for the ticket number before the next call). Each request is a
 *  repair for its own customer (B000001…, loaded by bench/run.sh) so that no
 *  request joins another's ticket. For every accepted request one CSV line is
 *  written: ticket_id,sent_us,replied_us — bench/run.sh joins it with the
 *  assignment times in the database to get end-to-end latency.
 *
 *  With --http HOST:PORT instead of --endpoint, the same requests go to
 *  kefu-gateway as POST /api/v1/tickets over one keep-alive HTTP/1.1
 *  connection per client (the token as Bearer, the request id as
 *  Idempotency-Key): the HTTP path against the ZeroMQ one (bench/http.sh).
 *  --first F starts at customer F+1, so that two runs on one organisation
 *  never join each other's tickets.
 *
 *  Usage: KEFU_TOKEN=… bench-load (--endpoint E | --http HOST:PORT) --requests N --clients K
 *                    --out FILE [--first F] [--product CODE] [--timeout-ms MS]
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/json.h"
#include "msg/transport.h"
#include "base/uuid.h"

typedef struct {
    int first, count;          /* customer numbers first .. first+count-1 */
    const char *endpoint, *product;
    const char *http;          /* "127.0.0.1:7180": over HTTP instead */
    int timeout_ms;
    void *zctx;
    int64_t *sent, *replied;   /* indexed by request number */
    long *ticket;
    int failures;
} client_t;

/*  The caller's token ($KEFU_TOKEN, made by bench/run.sh): every request
 *  is made by someone, and checking it is part of what is measured. */
static const char *s_token;
static long s_first;          /* --first: customers B(first+1)… */

/*  The ticket.submit body of request `number`: a repair for its own
 *  customer, with a fresh request id (copied to request_id[KUUID_STR_LEN]). */
static cJSON *s_body (int number, const char *product, char *request_id)
{
    if (kuuid_new (request_id) != 0)
        return NULL;
    char customer[24];
    snprintf (customer, sizeof customer, "B%06ld", s_first + number + 1);
    cJSON *body = cJSON_CreateObject ();
    cJSON_AddStringToObject (body, "channel", "hotline");
    cJSON_AddStringToObject (body, "kind", "repair");
    cJSON *cust = cJSON_AddObjectToObject (body, "customer");
    cJSON_AddStringToObject (cust, "id", customer);
    cJSON *prod = cJSON_AddObjectToObject (body, "product");
    cJSON_AddStringToObject (prod, "code", product);
    cJSON_AddStringToObject (body, "description", "压测：空调不制冷");
    return body;
}

static char *s_request (int number, const char *product)
{
    char request_id[KUUID_STR_LEN];
    cJSON *body = s_body (number, product, request_id);
    if (!body)
        return NULL;
    cJSON_AddStringToObject (body, "request_id", request_id);
    cJSON *root = cJSON_CreateObject ();
    cJSON_AddStringToObject (root, "request", "ticket.submit");
    cJSON_AddNumberToObject (root, "version", 1);
    if (s_token)
        cJSON_AddStringToObject (root, "token", s_token);
    cJSON_AddItemToObject (root, "body", body);
    char *text = json_print (root);
    cJSON_Delete (root);
    return text;
}

/*  Sends one request and waits for its reply; returns the ticket id or -1. */
static long s_submit (void *sock, const char *text, int timeout_ms)
{
    const void *frames[] = { text };
    size_t sizes[] = { strlen (text) };
    /* ZMQ_IMMEDIATE: a send fails with EAGAIN until the connection is up */
    int64_t give_up = clock_mono_ms () + timeout_ms;
    while (tr_send (sock, frames, sizes, 1, 0) != 0) {
        if (errno != EAGAIN || clock_mono_ms () >= give_up)
            return -1;
        zmq_pollitem_t out = { sock, 0, ZMQ_POLLOUT, 0 };
        zmq_poll (&out, 1, 10);
    }
    zmq_pollitem_t item = { sock, 0, ZMQ_POLLIN, 0 };
    if (zmq_poll (&item, 1, timeout_ms) <= 0)
        return -1;
    char *reply[2];
    size_t rsizes[2];
    int n = tr_recv (sock, reply, rsizes, 2, 0);
    if (n < 1)
        return -1;
    char err[128];
    long ticket = -1;
    cJSON *doc = json_parse_strict (reply[n - 1], rsizes[n - 1], err, sizeof err);
    if (doc && json_bool (doc, "ok", false))
        ticket = (long) json_int (cJSON_GetObjectItemCaseSensitive (doc, "result"), "ticket_id", -1);
    else
        fprintf (stderr, "bench-load: refused: %.*s\n", (int) rsizes[n - 1], reply[n - 1]);
    cJSON_Delete (doc);
    tr_frames_free (reply, n);
    return ticket;
}

static void *s_client (void *arg)
{
    client_t *c = arg;
    void *sock = tr_socket (c->zctx, ZMQ_DEALER, 1000, c->timeout_ms);
    if (!sock || zmq_connect (sock, c->endpoint) != 0) {
        c->failures = c->count;
        if (sock)
            zmq_close (sock);
        return NULL;
    }
    for (int i = c->first; i < c->first + c->count; i++) {
        char *text = s_request (i, c->product);
        if (!text) {
            c->failures++;
            continue;
        }
        c->sent[i] = clock_now_us ();
        c->ticket[i] = s_submit (sock, text, c->timeout_ms);
        c->replied[i] = clock_now_us ();
        if (c->ticket[i] < 0)
            c->failures++;
        free (text);
    }
    zmq_close (sock);
    return NULL;
}

/*  A TCP connection to "HOST:PORT" (IPv4), Nagle off (a request is one
 *  write). Returns the descriptor or -1. */
static int s_http_connect (const char *hostport)
{
    char host[64];
    const char *colon = strrchr (hostport, ':');
    struct sockaddr_in sa = { .sin_family = AF_INET };
    if (!colon || (size_t) (colon - hostport) >= sizeof host)
        return -1;
    memcpy (host, hostport, (size_t) (colon - hostport));
    host[colon - hostport] = '\0';
    sa.sin_port = htons ((uint16_t) atoi (colon + 1));
    int fd = socket (AF_INET, SOCK_STREAM, 0), one = 1;
    if (fd < 0 || inet_pton (AF_INET, host, &sa.sin_addr) != 1
        || connect (fd, (struct sockaddr *) &sa, sizeof sa) != 0) {
        if (fd >= 0)
            close (fd);
        return -1;
    }
    setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
}

/*  Reads one response into buf (headers and a Content-Length body).
 *  Returns the status and points *body at the body, or -1. */
static int s_http_read (int fd, char *buf, size_t size, int timeout_ms, const char **body)
{
    size_t got = 0;
    for (;;) {
        char *end = got ? strstr (buf, "\r\n\r\n") : NULL;
        if (end) {
            const char *cl = strcasestr (buf, "\r\ncontent-length:");
            size_t need = (size_t) (end + 4 - buf) + (cl && cl < end ? strtoul (cl + 17, NULL, 10) : 0);
            if (need >= size)
                return -1;
            if (got >= need) {
                *body = end + 4;
                buf[need] = '\0';
                return atoi (buf + 9);
            }
        }
        struct pollfd p = { fd, POLLIN, 0 };
        ssize_t n = poll (&p, 1, timeout_ms) == 1 ? read (fd, buf + got, size - 1 - got) : -1;
        if (n <= 0)
            return -1;
        got += (size_t) n;
        buf[got] = '\0';
    }
}

/*  POST /api/v1/tickets on the connection *fd (made again when the server
 *  closed it); returns the ticket id or -1. */
static long s_http_submit (client_t *c, int *fd, int number)
{
    char request_id[KUUID_STR_LEN], head[1024], reply[8192];
    cJSON *body = s_body (number, c->product, request_id);
    char *text = body ? json_print (body) : NULL;
    cJSON_Delete (body);
    if (!text)
        return -1;
    int hl = snprintf (head, sizeof head,
                       "POST /api/v1/tickets HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\n"
                       "Content-Type: application/json\r\nIdempotency-Key: %s\r\nContent-Length: %zu\r\n\r\n",
                       c->http, s_token ? s_token : "", request_id, strlen (text));
    long ticket = -1;
    const char *rbody = NULL;
    for (int attempt = 0; attempt < 2 && ticket < 0; attempt++) {
        if (*fd < 0 && (*fd = s_http_connect (c->http)) < 0)
            break;
        struct iovec parts[] = { { head, (size_t) hl }, { text, strlen (text) } };
        struct msghdr msg = { .msg_iov = parts, .msg_iovlen = 2 };
        bool sent = sendmsg (*fd, &msg, MSG_NOSIGNAL) == (ssize_t) (parts[0].iov_len + parts[1].iov_len);
        int status = sent ? s_http_read (*fd, reply, sizeof reply, c->timeout_ms, &rbody) : -1;
        if (status < 0) {       /* closed under us (keep-alive ended): once more on a new one */
            close (*fd);
            *fd = -1;
            continue;
        }
        char err[128];
        cJSON *doc = status == 201 ? json_parse_strict (rbody, strlen (rbody), err, sizeof err) : NULL;
        ticket = doc ? (long) json_int (doc, "ticket_id", -1) : -1;
        if (ticket < 0)
            fprintf (stderr, "bench-load: HTTP %d: %.300s\n", status, rbody);
        cJSON_Delete (doc);
        if (status != 201 || strcasestr (reply, "\r\nconnection: close")) {
            close (*fd);
            *fd = -1;
        }
        break;
    }
    free (text);
    return ticket;
}

static void *s_http_client (void *arg)
{
    client_t *c = arg;
    int fd = -1;
    for (int i = c->first; i < c->first + c->count; i++) {
        c->sent[i] = clock_now_us ();
        c->ticket[i] = s_http_submit (c, &fd, i);
        c->replied[i] = clock_now_us ();
        if (c->ticket[i] < 0)
            c->failures++;
    }
    if (fd >= 0)
        close (fd);
    return NULL;
}

static int s_usage (void)
{
    fprintf (stderr, "usage: bench-load (--endpoint E | --http HOST:PORT) --requests N --clients K "
                     "--out FILE [--first F] [--product CODE] [--timeout-ms MS]\n");
    return 2;
}

int main (int argc, char **argv)
{
    const char *endpoint = NULL, *http = NULL, *out = NULL, *product = "AC-3200";
    long requests = 0, clients = 0, timeout_ms = 10000, first = 0;
    for (int i = 1; i < argc; i++) {
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (!value)
            return s_usage ();
        if (strcmp (argv[i], "--endpoint") == 0)
            endpoint = value;
        else if (strcmp (argv[i], "--http") == 0)
            http = value;
        else if (strcmp (argv[i], "--first") == 0)
            first = strtol (value, NULL, 10);
        else if (strcmp (argv[i], "--out") == 0)
            out = value;
        else if (strcmp (argv[i], "--product") == 0)
            product = value;
        else if (strcmp (argv[i], "--requests") == 0)
            requests = strtol (value, NULL, 10);
        else if (strcmp (argv[i], "--clients") == 0)
            clients = strtol (value, NULL, 10);
        else if (strcmp (argv[i], "--timeout-ms") == 0)
            timeout_ms = strtol (value, NULL, 10);
        else
            return s_usage ();
        i++;
    }
    if (!endpoint == !http || !out || first < 0 || first > 1000000 || requests < 1 || requests > 1000000 || clients < 1
        || clients > 256 || timeout_ms < 1)
        return s_usage ();
    s_token = getenv ("KEFU_TOKEN");
    s_first = first;

    int64_t *sent = calloc ((size_t) requests, sizeof *sent);
    int64_t *replied = calloc ((size_t) requests, sizeof *replied);
    long *ticket = calloc ((size_t) requests, sizeof *ticket);
    client_t *cs = calloc ((size_t) clients, sizeof *cs);
    pthread_t *threads = calloc ((size_t) clients, sizeof *threads);
    void *zctx = zmq_ctx_new ();
    if (!sent || !replied || !ticket || !cs || !threads || !zctx) {
        fprintf (stderr, "bench-load: out of memory\n");
        return 1;
    }
    long per = requests / clients, extra = requests % clients, next = 0;
    for (long k = 0; k < clients; k++) {
        cs[k] = (client_t) { .first = (int) next, .count = (int) (per + (k < extra)),
                             .endpoint = endpoint, .http = http, .product = product,
                             .timeout_ms = (int) timeout_ms, .zctx = zctx,
                             .sent = sent, .replied = replied, .ticket = ticket };
        next += cs[k].count;
        pthread_create (&threads[k], NULL, http ? s_http_client : s_client, &cs[k]);
    }
    int failures = 0;
    for (long k = 0; k < clients; k++) {
        pthread_join (threads[k], NULL);
        failures += cs[k].failures;
    }
    FILE *f = fopen (out, "w");
    if (!f) {
        fprintf (stderr, "bench-load: cannot write %s: %s\n", out, strerror (errno));
        return 1;
    }
    for (long i = 0; i < requests; i++)
        if (ticket[i] > 0)
            fprintf (f, "%ld,%lld,%lld\n", ticket[i], (long long) sent[i], (long long) replied[i]);
    fclose (f);
    zmq_ctx_term (zctx);
    free (sent);
    free (replied);
    free (ticket);
    free (cs);
    free (threads);
    if (failures)
        fprintf (stderr, "bench-load: %d requests failed\n", failures);
    return failures ? 1 : 0;
}

/*  notify_smtp — the SMTP notification adapter (contract in notify.h): one
 *  connection to the relay per notification, the RFC 5321 dialogue over a
 *  plain TCP socket, every wait bounded by poll so that a dead or silent
 *  relay holds the dispatcher for at most the configured time-out per step.
 *  The message itself is built by smtp_message.c, the text rules (base64,
 *  reply parsing, dot-stuffing) live in smtp_text.c.
 */
#include "notify.h"

#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "smtp_message.h"
#include "smtp_text.h"

/*  The adapter's settings (copies). */
typedef struct {
    char *host, *from, *helo, *username, *password;
    char port[8];
    int timeout_ms;
} s_smtp_t;

/*  One connection to the relay. */
typedef struct {
    const s_smtp_t *smtp;
    int fd;
    char in[16384]; /* received, not yet parsed */
    size_t in_len;
    char *err;
    size_t errsize;
} s_session_t;

/*  "smtp HOST:PORT: STEP: detail" into the session's err. Returns -1. */
static int s_fail (s_session_t *s, const char *step, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
static int s_fail (s_session_t *s, const char *step, const char *fmt, ...)
{
    char detail[512];
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (detail, sizeof detail, fmt, ap);
    va_end (ap);
    snprintf (s->err, s->errsize, "smtp %s:%s: %s: %s", s->smtp->host, s->smtp->port, step, detail);
    return -1;
}

/*  Waits until fd is ready for `events` or `deadline` (monotonic ms) passes.
 *  Returns 1 when ready, 0 on time-out, -1 on a poll error. */
static int s_wait (int fd, short events, int64_t deadline)
{
    for (;;) {
        int64_t left = deadline - clock_mono_ms ();
        if (left <= 0)
            return 0;
        struct pollfd p = {.fd = fd, .events = events};
        int rc = poll (&p, 1, (int) left);
        if (rc > 0)
            return 1;
        if (rc < 0 && errno != EINTR)
            return -1;
    }
}

/*  Connects to the first address of the relay that answers within the
 *  time-out (one limit for all of them). */
static int s_connect (s_session_t *s)
{
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM, .ai_flags = AI_NUMERICSERV};
    struct addrinfo *list = NULL;
    int gai = getaddrinfo (s->smtp->host, s->smtp->port, &hints, &list);
    if (gai != 0)
        return s_fail (s, "connect", "cannot resolve the host: %s", gai_strerror (gai));
    int64_t deadline = clock_mono_ms () + s->smtp->timeout_ms;
    char reason[160] = "no address";
    for (struct addrinfo *a = list; a && s->fd < 0; a = a->ai_next) {
        int fd = socket (a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0) {
            snprintf (reason, sizeof reason, "%s", strerror (errno));
            continue;
        }
        int rc = connect (fd, a->ai_addr, a->ai_addrlen);
        if (rc != 0 && errno == EINPROGRESS) {
            int ready = s_wait (fd, POLLOUT, deadline);
            int soerr = 0;
            socklen_t len = sizeof soerr;
            if (ready == 1 && getsockopt (fd, SOL_SOCKET, SO_ERROR, &soerr, &len) == 0)
                errno = soerr, rc = soerr ? -1 : 0;
            else if (ready == 0)
                errno = ETIMEDOUT, rc = -1;
            else
                rc = -1;
        }
        if (rc == 0)
            s->fd = fd;
        else {
            if (errno == ETIMEDOUT)
                snprintf (reason, sizeof reason, "no connection within %d ms", s->smtp->timeout_ms);
            else
                snprintf (reason, sizeof reason, "%s", strerror (errno));
            close (fd);
        }
    }
    freeaddrinfo (list);
    if (s->fd < 0)
        return s_fail (s, "connect", "%s", reason);
    return 0;
}

static int s_write (s_session_t *s, const char *step, const char *data, size_t len)
{
    int64_t deadline = clock_mono_ms () + s->smtp->timeout_ms;
    while (len > 0) {
        ssize_t n = send (s->fd, data, len, MSG_NOSIGNAL);
        if (n > 0) {
            data += n, len -= (size_t) n;
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return s_fail (s, step, "sending: %s", strerror (errno));
        int ready = s_wait (s->fd, POLLOUT, deadline);
        if (ready == 0)
            return s_fail (s, step, "could not send within %d ms", s->smtp->timeout_ms);
        if (ready < 0)
            return s_fail (s, step, "poll: %s", strerror (errno));
    }
    return 0;
}

/*  Reads one complete reply (waiting at most the time-out for it). */
static int s_read_reply (s_session_t *s, const char *step, smtp_reply_t *reply)
{
    int64_t deadline = clock_mono_ms () + s->smtp->timeout_ms;
    for (;;) {
        size_t used = 0;
        char why[160];
        int rc = smtp_reply_parse (s->in, s->in_len, reply, &used, why, sizeof why);
        if (rc < 0)
            return s_fail (s, step, "%s", why);
        if (rc == 1) {
            memmove (s->in, s->in + used, s->in_len - used);
            s->in_len -= used;
            return 0;
        }
        if (s->in_len == sizeof s->in)
            return s_fail (s, step, "reply longer than %zu bytes", sizeof s->in);
        ssize_t n = recv (s->fd, s->in + s->in_len, sizeof s->in - s->in_len, 0);
        if (n > 0) {
            s->in_len += (size_t) n;
            continue;
        }
        if (n == 0)
            return s_fail (s, step, "the relay closed the connection");
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return s_fail (s, step, "receiving: %s", strerror (errno));
        int ready = s_wait (s->fd, POLLIN, deadline);
        if (ready == 0)
            return s_fail (s, step, "no reply within %d ms", s->smtp->timeout_ms);
        if (ready < 0)
            return s_fail (s, step, "poll: %s", strerror (errno));
    }
}

/*  Sends `line` (CRLF added; NULL sends nothing) and reads the reply,
 *  which must carry code `want` or `also` (0: none). */
static int s_command (s_session_t *s, const char *step, const char *line, smtp_reply_t *reply, int want,
                      int also)
{
    reply->code = 0;
    if (line) {
        char buf[1100];
        int n = snprintf (buf, sizeof buf, "%s\r\n", line);
        if (n < 0 || (size_t) n >= sizeof buf)
            return s_fail (s, step, "command longer than %zu bytes", sizeof buf);
        if (s_write (s, step, buf, (size_t) n) != 0)
            return -1;
    }
    if (s_read_reply (s, step, reply) != 0)
        return -1;
    if (reply->code != want && reply->code != also) {
        char summary[300];
        return s_fail (s, step, "%s", smtp_reply_summary (reply, summary, sizeof summary));
    }
    return 0;
}

/*  AUTH PLAIN when offered, else AUTH LOGIN (RFC 4954, 4616). */
static int s_auth (s_session_t *s, const smtp_reply_t *ehlo)
{
    const s_smtp_t *smtp = s->smtp;
    smtp_reply_t reply;
    bool plain = smtp_reply_has (ehlo, "AUTH", "PLAIN");
    if (!plain && !smtp_reply_has (ehlo, "AUTH", "LOGIN"))
        return s_fail (s, "AUTH", "the relay offers neither AUTH PLAIN nor AUTH LOGIN");
    int rc = -1;
    if (plain) {
        size_t ulen = strlen (smtp->username), plen = strlen (smtp->password);
        char *token = calloc (1, ulen + plen + 2); /* "\0user\0password" */
        if (!token)
            return s_fail (s, "AUTH PLAIN", "out of memory");
        memcpy (token + 1, smtp->username, ulen);
        memcpy (token + 2 + ulen, smtp->password, plen);
        char *encoded = smtp_base64 (token, ulen + plen + 2);
        free (token);
        char *line = encoded ? malloc (strlen (encoded) + 12) : NULL;
        if (line) {
            sprintf (line, "AUTH PLAIN %s", encoded);
            rc = s_command (s, "AUTH PLAIN", line, &reply, 235, 0);
        }
        else
            s_fail (s, "AUTH PLAIN", "out of memory");
        free (line);
        free (encoded);
        return rc;
    }
    char *user = smtp_base64 (smtp->username, strlen (smtp->username));
    char *pass = smtp_base64 (smtp->password, strlen (smtp->password));
    if (!user || !pass)
        s_fail (s, "AUTH LOGIN", "out of memory");
    else if (s_command (s, "AUTH LOGIN", "AUTH LOGIN", &reply, 334, 0) == 0
             && s_command (s, "AUTH LOGIN (user name)", user, &reply, 334, 0) == 0
             && s_command (s, "AUTH LOGIN (password)", pass, &reply, 235, 0) == 0)
        rc = 0;
    free (user);
    free (pass);
    return rc;
}

/*  Greeting, EHLO (HELO when the relay does not know EHLO) and AUTH.
 *  Sets *eight_bit when the relay offers 8BITMIME. */
static int s_hello (s_session_t *s, bool *eight_bit)
{
    smtp_reply_t reply;
    char line[300];
    if (s_command (s, "greeting", NULL, &reply, 220, 0) != 0)
        return -1;
    snprintf (line, sizeof line, "EHLO %s", s->smtp->helo);
    if (s_command (s, "EHLO", line, &reply, 250, 0) != 0) {
        if (reply.code < 500) /* not "command unknown": a real failure */
            return -1;
        snprintf (line, sizeof line, "HELO %s", s->smtp->helo);
        if (s_command (s, "HELO", line, &reply, 250, 0) != 0)
            return -1;
        if (s->smtp->username)
            return s_fail (s, "AUTH", "the relay does not speak ESMTP (HELO only), so it cannot AUTH");
        *eight_bit = false;
        return 0;
    }
    *eight_bit = smtp_reply_has (&reply, "8BITMIME", NULL);
    return s->smtp->username ? s_auth (s, &reply) : 0;
}

/*  The whole dialogue for one message. */
static int s_session (s_session_t *s, const char *to, smtp_message_t *msg, char *accepted, size_t asize)
{
    smtp_reply_t reply;
    char line[600], step[300];
    bool eight_bit = false;
    if (s_connect (s) != 0 || s_hello (s, &eight_bit) != 0)
        return -1;
    snprintf (line, sizeof line, "MAIL FROM:<%s>%s", s->smtp->from, eight_bit ? " BODY=8BITMIME" : "");
    snprintf (step, sizeof step, "MAIL FROM <%s>", s->smtp->from);
    if (s_command (s, step, line, &reply, 250, 0) != 0)
        return -1;
    snprintf (line, sizeof line, "RCPT TO:<%s>", to);
    snprintf (step, sizeof step, "RCPT TO <%s>", to);
    if (s_command (s, step, line, &reply, 250, 251) != 0
        || s_command (s, "DATA", "DATA", &reply, 354, 0) != 0)
        return -1;
    msg->eight_bit = eight_bit;
    char *text = smtp_message_build (msg);
    smtp_buf_t data = {0};
    if (text)
        smtp_dot_stuff_add (&data, text);
    smtp_buf_str (&data, ".\r\n");
    free (text);
    char *payload = text ? smtp_buf_finish (&data) : NULL;
    if (!payload) {
        free (data.data);
        return s_fail (s, "message", "out of memory");
    }
    int rc = s_write (s, "message", payload, strlen (payload));
    free (payload);
    if (rc != 0 || s_command (s, "message", NULL, &reply, 250, 0) != 0)
        return -1;
    smtp_reply_summary (&reply, accepted, asize);
    /* delivered: a failing QUIT changes nothing */
    char ignored[64];
    char *saved = s->err;
    size_t saved_size = s->errsize;
    s->err = ignored, s->errsize = sizeof ignored;
    s_command (s, "QUIT", "QUIT", &reply, 221, 0);
    s->err = saved, s->errsize = saved_size;
    return 0;
}

static int s_send (void *impl, const notify_recipient_t *recipient, const char *key, const char *subject,
                   const char *body, char *err, size_t errsize)
{
    const s_smtp_t *smtp = impl;
    const char *to = recipient->email;
    const char *problem = to && *to ? smtp_address_problem (to) : "no e-mail address";
    if (problem) {
        /* nothing to retry: see notify_new_smtp in notify.h */
        log_kv (LOG_WARN, "notify_skipped", "adapter", "smtp", "key", key, "recipient", recipient->name,
                "email", to, "reason", problem, NULL);
        return 0;
    }
    smtp_message_t msg = {.from = smtp->from,
                          .to_name = recipient->name,
                          .to = to,
                          .subject = subject,
                          .body = body,
                          .key = key,
                          .date_us = clock_now_us ()};
    s_session_t *s = calloc (1, sizeof *s);
    if (!s) {
        snprintf (err, errsize, "out of memory");
        return -1;
    }
    s->smtp = smtp;
    s->fd = -1;
    s->err = err;
    s->errsize = errsize;
    char accepted[200] = "";
    int rc = s_session (s, to, &msg, accepted, sizeof accepted);
    if (s->fd >= 0)
        close (s->fd);
    free (s);
    if (rc == 0)
        log_kv (LOG_INFO, "notify_sent", "adapter", "smtp", "key", key, "to", to, "relay", accepted, NULL);
    return rc;
}

static void s_smtp_free (void *impl)
{
    s_smtp_t *smtp = impl;
    if (!smtp)
        return;
    free (smtp->host);
    free (smtp->from);
    free (smtp->helo);
    free (smtp->username);
    if (smtp->password) /* do not leave it in freed memory */
        explicit_bzero (smtp->password, strlen (smtp->password));
    free (smtp->password);
    free (smtp);
}

static char *s_copy (const char *text)
{
    return text ? strdup (text) : NULL;
}

notify_t *notify_new_smtp (const notify_smtp_opts_t *opts, char *err, size_t errsize)
{
    const char *problem = NULL;
    if (!opts || !opts->host || !*opts->host)
        problem = "no relay host";
    else if (opts->port < 1 || opts->port > 65535)
        problem = "port must be 1 to 65535";
    else if (opts->timeout_ms < 1)
        problem = "timeout_ms must be positive";
    else if (smtp_address_problem (opts->from))
        problem = "from is not a usable address";
    else if (opts->username && !opts->password)
        problem = "a user name needs a password";
    if (problem) {
        snprintf (err, errsize, "notify.smtp: %s", problem);
        return NULL;
    }
    s_smtp_t *smtp = calloc (1, sizeof *smtp);
    char host_name[256] = "localhost";
    if (!opts->helo && (gethostname (host_name, sizeof host_name - 1) != 0 || !*host_name))
        snprintf (host_name, sizeof host_name, "localhost");
    if (smtp) {
        snprintf (smtp->port, sizeof smtp->port, "%d", opts->port);
        smtp->timeout_ms = opts->timeout_ms;
        smtp->host = s_copy (opts->host);
        smtp->from = s_copy (opts->from);
        smtp->helo = s_copy (opts->helo ? opts->helo : host_name);
        smtp->username = s_copy (opts->username);
        smtp->password = s_copy (opts->password);
    }
    if (!smtp || !smtp->host || !smtp->from || !smtp->helo || (opts->username && !smtp->username)
        || (opts->password && !smtp->password)) {
        s_smtp_free (smtp);
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    notify_t *self = notify_new_adapter ("smtp", s_send, smtp, s_smtp_free);
    if (!self)
        snprintf (err, errsize, "out of memory");
    return self;
}

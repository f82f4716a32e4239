/*  notify_smtp — the SMTP notification adapter (contract in notify.h) on
 *  libcurl's SMTP: one easy handle and one connection per notification,
 *  TLS through STARTTLS or from the first byte, the relay's certificate
 *  verified. libcurl blocks, so the whole delivery is bounded by the
 *  configured time-out: a dead or hung relay holds the dispatcher's loop at
 *  most that long per attempt.
 *
 *  libcurl reports failures as codes; the relay's own words ("451 4.3.0
 *  mailbox busy") and the step they answered come from its debug callback,
 *  which sees every command and reply. Only the command's verb is kept —
 *  AUTH lines carry the password — and the recipient's address is blanked
 *  out of every reason, which the dispatcher logs and records.
 *  The message itself is built by smtp_message.c.
 */
#include "notify.h"

#include <curl/curl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "smtp_message.h"
#include "smtp_text.h"

/*  The adapter's settings (copies) and the URL they make. */
typedef struct {
    char *host, *from, *username, *password, *ca_file, *url;
    int port, timeout_ms;
    notify_smtp_tls_t tls;
    bool no_verify;
} s_smtp_t;

/*  What one delivery has seen of the dialogue. */
typedef struct {
    const s_smtp_t *smtp;
    const char *to;          /* blanked out of every reason */
    char step[32];           /* the last command's verb; "" before the greeting is answered */
    char in[8192];           /* reply lines not yet a whole reply */
    size_t in_len;
    int code;                /* the last whole reply, and whether it answered `step` */
    bool code_at_step;
    char reply[300];         /* its first line */
    char accepted[300];      /* the reply to the message */
    bool authed;             /* the relay answered 235 to AUTH */
    bool quitting;           /* QUIT sent: what follows explains nothing */
    char why[300], why_step[32]; /* a reason set by a callback that stopped the delivery */
    const char *data;        /* the message, read by libcurl */
    size_t len, at;
} s_dialogue_t;

/*  libcurl's global state: set up with the first SMTP adapter, torn down
 *  with the last (services are single-threaded). */
static int s_curl_users;

static void s_set_step (s_dialogue_t *d, const char *step)
{
    snprintf (d->step, sizeof d->step, "%s", step);
    d->code_at_step = false;
}

/*  Replaces the recipient's address in text (relays echo it) with "[recipient]". */
static void s_blank_recipient (const s_dialogue_t *d, char *text, size_t size)
{
    size_t alen = d->to ? strlen (d->to) : 0;
    char *at;
    while (alen && (at = strcasestr (text, d->to))) {
        char rest[400];
        snprintf (rest, sizeof rest, "%s", at + alen);
        snprintf (at, size - (size_t) (at - text), "[recipient]%s", rest);
    }
}

/*  A command the client sent: keep its verb (and an AUTH mechanism's
 *  name), never its argument. A line that is no command — an AUTH LOGIN
 *  answer in base64 — changes nothing. */
static void s_command_sent (s_dialogue_t *d, const char *line, size_t len)
{
    if (d->quitting)
        return;
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        len--;
    if (len == 4 && strncasecmp (line, "QUIT", 4) == 0) {
        d->quitting = true;
        return;
    }
    static const char *const exact[] = {"STARTTLS", "DATA", "RSET", "NOOP", NULL};
    for (int i = 0; exact[i]; i++)
        if (len == strlen (exact[i]) && strncasecmp (line, exact[i], len) == 0)
            return s_set_step (d, exact[i]);
    static const char *const prefix[][2] = {
        {"EHLO ", "EHLO"}, {"HELO ", "HELO"}, {"MAIL FROM:", "MAIL FROM"}, {"RCPT TO:", "RCPT TO"}, {NULL, NULL}};
    for (int i = 0; prefix[i][0]; i++)
        if (len >= strlen (prefix[i][0]) && strncasecmp (line, prefix[i][0], strlen (prefix[i][0])) == 0)
            return s_set_step (d, prefix[i][1]);
    if (len > 5 && strncasecmp (line, "AUTH ", 5) == 0) {
        char step[32] = "AUTH ";
        size_t n = 5;
        for (size_t i = 5; i < len && n < sizeof step - 1; i++) {
            char c = line[i];
            if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
                break;
            step[n++] = c;
        }
        step[n] = '\0';
        s_set_step (d, step);
    }
}

/*  One whole reply of the relay. */
static void s_reply_received (s_dialogue_t *d, const smtp_reply_t *reply)
{
    if (d->quitting)
        return;
    d->code = reply->code;
    d->code_at_step = true;
    smtp_reply_summary (reply, d->reply, sizeof d->reply);
    s_blank_recipient (d, d->reply, sizeof d->reply);
    if (strncmp (d->step, "AUTH", 4) == 0 && reply->code == 235)
        d->authed = true;
    else if (strcmp (d->step, "STARTTLS") == 0 && reply->code == 220)
        s_set_step (d, "TLS handshake");
    else if (strcmp (d->step, "DATA") == 0 && reply->code == 354)
        s_set_step (d, "message");
    else if (strcmp (d->step, "message") == 0)
        snprintf (d->accepted, sizeof d->accepted, "%s", d->reply);
}

/*  Reply lines from the relay: gathered until a reply is whole. */
static void s_lines_received (s_dialogue_t *d, const char *data, size_t len)
{
    bool ends_line = len && data[len - 1] == '\n';
    if (d->in_len + len + 2 > sizeof d->in)
        d->in_len = 0; /* a reply longer than the buffer: keep only what follows */
    if (len + 2 > sizeof d->in)
        return;
    memcpy (d->in + d->in_len, data, len);
    d->in_len += len;
    if (!ends_line) {
        memcpy (d->in + d->in_len, "\r\n", 2);
        d->in_len += 2;
    }
    for (;;) {
        smtp_reply_t reply;
        size_t used = 0;
        char why[160];
        int rc = smtp_reply_parse (d->in, d->in_len, &reply, &used, why, sizeof why);
        if (rc == 0)
            return;
        if (rc < 0) {
            d->in_len = 0; /* libcurl judges the reply; nothing to report from here */
            return;
        }
        memmove (d->in, d->in + used, d->in_len - used);
        d->in_len -= used;
        s_reply_received (d, &reply);
    }
}

static int s_debug (CURL *curl, curl_infotype type, char *data, size_t len, void *userp)
{
    (void) curl;
    if (type == CURLINFO_HEADER_OUT)
        s_command_sent (userp, data, len);
    else if (type == CURLINFO_HEADER_IN)
        s_lines_received (userp, data, len);
    return 0;
}

static void s_stop (s_dialogue_t *d, const char *step, const char *fmt, ...) __attribute__ ((format (printf, 3, 4)));
static void s_stop (s_dialogue_t *d, const char *step, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (d->why, sizeof d->why, fmt, ap);
    va_end (ap);
    snprintf (d->why_step, sizeof d->why_step, "%s", step);
}

static bool s_sockaddr_is_loopback (const struct sockaddr *addr)
{
    if (addr->sa_family == AF_INET)
        return (ntohl (((const struct sockaddr_in *) (const void *) addr)->sin_addr.s_addr) >> 24) == 127;
    if (addr->sa_family != AF_INET6)
        return false;
    const struct in6_addr *a6 = &((const struct sockaddr_in6 *) (const void *) addr)->sin6_addr;
    return IN6_IS_ADDR_LOOPBACK (a6) || (IN6_IS_ADDR_V4MAPPED (a6) && a6->s6_addr[12] == 127);
}

/*  Opens each socket libcurl connects: AUTH without TLS goes only to a
 *  loopback address, whatever the host name resolved to. */
static curl_socket_t s_open_socket (void *userp, curlsocktype purpose, struct curl_sockaddr *address)
{
    s_dialogue_t *d = userp;
    (void) purpose;
    if (d->smtp->tls == NOTIFY_SMTP_PLAIN && d->smtp->username && !s_sockaddr_is_loopback (&address->addr)) {
        s_stop (d, "connect",
                "%s resolves to an address that is not loopback; AUTH without TLS goes only to a loopback "
                "relay (set notify.smtp.tls)",
                d->smtp->host);
        return CURL_SOCKET_BAD;
    }
    return socket (address->family, address->socktype | SOCK_CLOEXEC, address->protocol);
}

/*  Called after the greeting, STARTTLS and AUTH, before MAIL FROM: with a
 *  username, a relay that never authenticated us gets no mail. */
static int s_before_mail (void *userp, char *primary_ip, char *local_ip, int primary_port, int local_port)
{
    s_dialogue_t *d = userp;
    (void) primary_ip, (void) local_ip, (void) primary_port, (void) local_port;
    if (d->smtp->username && !d->authed) {
        s_stop (d, "AUTH", "the relay offers no AUTH, and notify.smtp.username is set");
        return CURL_PREREQFUNC_ABORT;
    }
    return CURL_PREREQFUNC_OK;
}

static size_t s_read (char *buffer, size_t size, size_t nitems, void *userp)
{
    s_dialogue_t *d = userp;
    size_t n = size * nitems;
    if (n > d->len - d->at)
        n = d->len - d->at;
    memcpy (buffer, d->data + d->at, n);
    d->at += n;
    return n;
}

/*  "smtp HOST:PORT: STEP: detail" for a delivery that failed with rc. */
static void s_reason (s_dialogue_t *d, CURL *curl, CURLcode rc, char *errbuf, char *err, size_t errsize)
{
    const s_smtp_t *smtp = d->smtp;
    curl_off_t connected = 0, secured = 0;
    curl_easy_getinfo (curl, CURLINFO_CONNECT_TIME_T, &connected);
    curl_easy_getinfo (curl, CURLINFO_APPCONNECT_TIME_T, &secured);
    const char *step = d->step;
    if (!*step)
        step = !connected ? "connect" : smtp->tls == NOTIFY_SMTP_SMTPS && !secured ? "TLS handshake" : "greeting";
    s_blank_recipient (d, errbuf, CURL_ERROR_SIZE);
    char detail[400];
    if (d->why[0]) {
        step = d->why_step;
        snprintf (detail, sizeof detail, "%s", d->why);
    }
    else if (rc == CURLE_OPERATION_TIMEDOUT)
        snprintf (detail, sizeof detail, "%s within %d ms",
                  !connected ? "no connection" : strcmp (step, "TLS handshake") == 0 ? "no TLS session" : "no reply",
                  smtp->timeout_ms);
    else if (rc == CURLE_COULDNT_CONNECT || rc == CURLE_COULDNT_RESOLVE_HOST) {
        long os_errno = 0;
        curl_easy_getinfo (curl, CURLINFO_OS_ERRNO, &os_errno);
        step = "connect";
        snprintf (detail, sizeof detail, "%s", os_errno ? strerror ((int) os_errno) : errbuf[0] ? errbuf : curl_easy_strerror (rc));
    }
    else if (rc == CURLE_PEER_FAILED_VERIFICATION)
        snprintf (detail, sizeof detail, "the relay's certificate does not verify (%s)",
                  errbuf[0] ? errbuf : curl_easy_strerror (rc));
    else if (rc == CURLE_USE_SSL_FAILED && !(d->code_at_step && d->code >= 400)) {
        step = "STARTTLS";
        snprintf (detail, sizeof detail, "the relay does not offer STARTTLS, and notify.smtp.tls is starttls");
    }
    else if (d->code_at_step && d->code >= 400)
        snprintf (detail, sizeof detail, "%s", d->reply);
    else
        snprintf (detail, sizeof detail, "%s", errbuf[0] ? errbuf : curl_easy_strerror (rc));
    snprintf (err, errsize, "smtp %s:%d: %s: %s", smtp->host, smtp->port, step, detail);
}

/*  The settings every delivery shares; returns the first that libcurl refused. */
static CURLcode s_configure (CURL *curl, const s_smtp_t *smtp, s_dialogue_t *d, struct curl_slist *rcpt,
                             char *errbuf)
{
    CURLcode rc = CURLE_OK;
#define S_SET(opt, value)                                                                          \
    if (rc == CURLE_OK)                                                                            \
    rc = curl_easy_setopt (curl, opt, value)
    S_SET (CURLOPT_ERRORBUFFER, errbuf);
    S_SET (CURLOPT_URL, smtp->url);
    S_SET (CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    S_SET (CURLOPT_NOSIGNAL, 1L);
    S_SET (CURLOPT_CONNECTTIMEOUT_MS, (long) smtp->timeout_ms);
    S_SET (CURLOPT_TIMEOUT_MS, (long) smtp->timeout_ms);
    S_SET (CURLOPT_USE_SSL, (long) (smtp->tls == NOTIFY_SMTP_PLAIN ? CURLUSESSL_NONE : CURLUSESSL_ALL));
    S_SET (CURLOPT_SSLVERSION, (long) CURL_SSLVERSION_TLSv1_2);
    S_SET (CURLOPT_SSL_VERIFYPEER, smtp->no_verify ? 0L : 1L);
    S_SET (CURLOPT_SSL_VERIFYHOST, smtp->no_verify ? 0L : 2L);
    if (smtp->ca_file)
        S_SET (CURLOPT_CAINFO, smtp->ca_file);
    if (smtp->username) {
        S_SET (CURLOPT_USERNAME, smtp->username);
        S_SET (CURLOPT_PASSWORD, smtp->password);
        S_SET (CURLOPT_SASL_IR, 1L);
    }
    S_SET (CURLOPT_MAIL_FROM, smtp->from);
    S_SET (CURLOPT_MAIL_RCPT, rcpt);
    S_SET (CURLOPT_UPLOAD, 1L);
    S_SET (CURLOPT_READFUNCTION, s_read);
    S_SET (CURLOPT_READDATA, d);
    S_SET (CURLOPT_INFILESIZE_LARGE, (curl_off_t) d->len);
    S_SET (CURLOPT_VERBOSE, 1L); /* feeds s_debug; nothing is printed */
    S_SET (CURLOPT_DEBUGFUNCTION, s_debug);
    S_SET (CURLOPT_DEBUGDATA, d);
    S_SET (CURLOPT_OPENSOCKETFUNCTION, s_open_socket);
    S_SET (CURLOPT_OPENSOCKETDATA, d);
    S_SET (CURLOPT_PREREQFUNCTION, s_before_mail);
    S_SET (CURLOPT_PREREQDATA, d);
#undef S_SET
    return rc;
}

/*  One delivery of `text` to `to`; the relay's acceptance into accepted. */
static int s_deliver (const s_smtp_t *smtp, const char *to, const char *text, char *accepted, size_t asize,
                      char *err, size_t errsize)
{
    s_dialogue_t *d = calloc (1, sizeof *d);
    char *rcpt_text = malloc (strlen (to) + 3);
    struct curl_slist *rcpt = NULL;
    CURL *curl = NULL;
    int result = -1;
    if (!d || !rcpt_text) {
        snprintf (err, errsize, "out of memory");
        goto cleanup;
    }
    sprintf (rcpt_text, "<%s>", to);
    rcpt = curl_slist_append (NULL, rcpt_text);
    curl = curl_easy_init ();
    if (!rcpt || !curl) {
        snprintf (err, errsize, "smtp %s:%d: libcurl: out of memory", smtp->host, smtp->port);
        goto cleanup;
    }
    *d = (s_dialogue_t) {.smtp = smtp, .to = to, .data = text, .len = strlen (text)};
    char errbuf[CURL_ERROR_SIZE] = "";
    CURLcode rc = s_configure (curl, smtp, d, rcpt, errbuf);
    if (rc != CURLE_OK) {
        snprintf (err, errsize, "smtp %s:%d: libcurl refused a setting: %s", smtp->host, smtp->port,
                  curl_easy_strerror (rc));
        goto cleanup;
    }
    rc = curl_easy_perform (curl);
    if (rc != CURLE_OK) {
        s_reason (d, curl, rc, errbuf, err, errsize);
        goto cleanup;
    }
    snprintf (accepted, asize, "%s", d->accepted);
    result = 0;
cleanup:
    curl_easy_cleanup (curl); /* sends QUIT: delivered or not, that changes nothing */
    curl_slist_free_all (rcpt);
    free (rcpt_text);
    free (d);
    return result;
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
                "reason", problem, NULL);
        return 0;
    }
    smtp_message_t msg = {.from = smtp->from,
                          .to_name = recipient->name,
                          .to = to,
                          .subject = subject,
                          .body = body,
                          .key = key,
                          .date_us = clock_now_us ()};
    char *text = smtp_message_build (&msg);
    if (!text) {
        snprintf (err, errsize, "out of memory");
        return -1;
    }
    char accepted[300] = "";
    int rc = s_deliver (smtp, to, text, accepted, sizeof accepted, err, errsize);
    free (text);
    if (rc == 0)
        log_kv (LOG_INFO, "notify_sent", "adapter", "smtp", "key", key, "relay", accepted, NULL);
    return rc;
}

static void s_smtp_free (void *impl)
{
    s_smtp_t *smtp = impl;
    if (!smtp)
        return;
    free (smtp->host);
    free (smtp->from);
    free (smtp->username);
    if (smtp->password) /* do not leave it in freed memory */
        explicit_bzero (smtp->password, strlen (smtp->password));
    free (smtp->password);
    free (smtp->ca_file);
    free (smtp->url);
    free (smtp);
    if (--s_curl_users == 0)
        curl_global_cleanup ();
}

static char *s_copy (const char *text)
{
    return text ? strdup (text) : NULL;
}

/*  "smtps://[::1]:465/helo.name": the path is the name libcurl gives in EHLO. */
static char *s_url (const notify_smtp_opts_t *opts)
{
    char host_name[256] = "localhost";
    if (!opts->helo && (gethostname (host_name, sizeof host_name - 1) != 0 || !*host_name))
        snprintf (host_name, sizeof host_name, "localhost");
    char *helo = curl_easy_escape (NULL, opts->helo ? opts->helo : host_name, 0);
    if (!helo)
        return NULL;
    bool ipv6 = strchr (opts->host, ':') != NULL;
    size_t size = strlen (opts->host) + strlen (helo) + 40;
    char *url = malloc (size);
    if (url)
        snprintf (url, size, "%s://%s%s%s:%d/%s", opts->tls == NOTIFY_SMTP_SMTPS ? "smtps" : "smtp",
                  ipv6 ? "[" : "", opts->host, ipv6 ? "]" : "", opts->port, helo);
    curl_free (helo);
    return url;
}

/*  What is wrong with opts, or NULL. */
static const char *s_problem (const notify_smtp_opts_t *opts)
{
    if (!opts || !opts->host || !*opts->host)
        return "no relay host";
    if (opts->port < 1 || opts->port > 65535)
        return "port must be 1 to 65535";
    if (opts->timeout_ms < 1)
        return "timeout_ms must be positive";
    if (smtp_address_problem (opts->from))
        return "from is not a usable address";
    if (opts->username && !opts->password)
        return "a user name needs a password";
    if (opts->tls != NOTIFY_SMTP_STARTTLS && opts->tls != NOTIFY_SMTP_SMTPS && opts->tls != NOTIFY_SMTP_PLAIN)
        return "tls must be starttls, smtps or none";
    if (opts->username && opts->tls == NOTIFY_SMTP_PLAIN && !smtp_host_is_loopback (opts->host))
        return "AUTH without TLS would send the password in clear: only to a loopback relay";
    if (opts->ca_file && access (opts->ca_file, R_OK) != 0)
        return "ca_file cannot be read";
    return NULL;
}

notify_t *notify_new_smtp (const notify_smtp_opts_t *opts, char *err, size_t errsize)
{
    const char *problem = s_problem (opts);
    if (problem) {
        snprintf (err, errsize, "notify.smtp: %s", problem);
        return NULL;
    }
    if (s_curl_users++ == 0 && curl_global_init (CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        s_curl_users--;
        snprintf (err, errsize, "notify.smtp: libcurl could not be initialised");
        return NULL;
    }
    const curl_version_info_data *curl = curl_version_info (CURLVERSION_NOW);
    if (opts->tls != NOTIFY_SMTP_PLAIN && !(curl->features & CURL_VERSION_SSL)) {
        if (--s_curl_users == 0)
            curl_global_cleanup ();
        snprintf (err, errsize, "notify.smtp: this libcurl (%s) has no TLS", curl->version);
        return NULL;
    }
    s_smtp_t *smtp = calloc (1, sizeof *smtp);
    if (!smtp) {
        if (--s_curl_users == 0)
            curl_global_cleanup ();
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    /* from here s_smtp_free releases libcurl's global state too */
    smtp->port = opts->port;
    smtp->timeout_ms = opts->timeout_ms;
    smtp->tls = opts->tls;
    smtp->no_verify = opts->no_verify;
    smtp->host = s_copy (opts->host);
    smtp->from = s_copy (opts->from);
    smtp->username = s_copy (opts->username);
    smtp->password = s_copy (opts->password);
    smtp->ca_file = s_copy (opts->ca_file);
    smtp->url = s_url (opts);
    if (!smtp->host || !smtp->from || !smtp->url || (opts->username && !smtp->username)
        || (opts->password && !smtp->password) || (opts->ca_file && !smtp->ca_file)) {
        s_smtp_free (smtp);
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    if (smtp->no_verify && smtp->tls != NOTIFY_SMTP_PLAIN)
        log_kv (LOG_WARN, "notify_tls_unverified", "adapter", "smtp", "relay", smtp->host, "reason",
                "notify.smtp.tls_verify is false: any certificate is accepted", NULL);
    notify_t *self = notify_new_adapter ("smtp", s_send, smtp, s_smtp_free);
    if (!self)
        snprintf (err, errsize, "out of memory");
    return self;
}

/*  Unit tests for the SMTP notification adapter (common/notify/notify_smtp.c,
 *  libcurl underneath): a scripted plain-text relay runs in a forked child
 *  on 127.0.0.1, records what the adapter sent, and answers as a real relay
 *  would — or refuses, falls silent, speaks only HELO, or offers no
 *  STARTTLS. The TLS relays are Python's (tests/e2e/test_sla_smtp_tls.py). */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "base/clock.h"
#include "base/log.h"
#include "notify/notify.h"
#include "unit.h"

/*  How the scripted relay behaves. */
typedef struct {
    const char *greeting; /* default "220 sink ESMTP" */
    const char *ehlo; /* whole EHLO reply; default offers 8BITMIME */
    const char *rcpt; /* RCPT reply; default "250 ok" */
    const char *auth; /* AUTH PLAIN reply; default "235 2.7.0 ok" */
    bool silent; /* accept, then say nothing */
} s_relay_t;

typedef struct {
    pid_t pid;
    int port;
    int transcript; /* read end: what the client sent */
} s_child_t;

/*  Reads one CRLF line from fd into line (without CRLF). Returns its length or -1 at EOF. */
static int s_line (int fd, char *line, size_t size)
{
    size_t n = 0;
    char c;
    while (read (fd, &c, 1) == 1) {
        if (c == '\n') {
            if (n && line[n - 1] == '\r')
                n--;
            line[n] = '\0';
            return (int) n;
        }
        if (n + 1 < size)
            line[n++] = c;
    }
    return -1;
}

static void s_say (int fd, const char *text)
{
    if (write (fd, text, strlen (text)) < 0)
        _exit (3);
}

/*  The child: one connection, answered by the script; every client line
 *  goes to `out` followed by '\n'. */
static void s_serve (int listener, int out, const s_relay_t *relay)
{
    int fd = accept (listener, NULL, NULL);
    if (fd < 0)
        _exit (2);
    char line[4096];
    if (relay->silent) {
        while (s_line (fd, line, sizeof line) >= 0)
            ;
        _exit (0);
    }
    s_say (fd, relay->greeting ? relay->greeting : "220 sink ESMTP\r\n");
    int auth_login = 0;
    bool data = false;
    while (s_line (fd, line, sizeof line) >= 0) {
        s_say (out, line);
        s_say (out, "\n");
        if (data) {
            if (strcmp (line, ".") == 0) {
                data = false;
                s_say (fd, "250 2.0.0 queued as 42\r\n");
            }
            continue;
        }
        if (auth_login) {
            s_say (fd, ++auth_login == 2 ? "334 UGFzc3dvcmQ6\r\n" : "235 ok\r\n");
            if (auth_login == 3)
                auth_login = 0;
        }
        else if (strncmp (line, "EHLO", 4) == 0)
            s_say (fd, relay->ehlo ? relay->ehlo : "250-sink\r\n250-8BITMIME\r\n250 SIZE 100000\r\n");
        else if (strncmp (line, "HELO", 4) == 0)
            s_say (fd, "250 sink\r\n");
        else if (strncmp (line, "AUTH PLAIN", 10) == 0)
            s_say (fd, relay->auth ? relay->auth : "235 2.7.0 ok\r\n");
        else if (strncmp (line, "AUTH LOGIN", 10) == 0) { /* the user name may come with it */
            auth_login = line[10] ? 2 : 1;
            s_say (fd, line[10] ? "334 UGFzc3dvcmQ6\r\n" : "334 VXNlcm5hbWU6\r\n");
        }
        else if (strncmp (line, "MAIL", 4) == 0)
            s_say (fd, "250 ok\r\n");
        else if (strncmp (line, "RCPT", 4) == 0)
            s_say (fd, relay->rcpt ? relay->rcpt : "250 ok\r\n");
        else if (strcmp (line, "DATA") == 0) {
            data = true;
            s_say (fd, "354 go on\r\n");
        }
        else if (strcmp (line, "QUIT") == 0) {
            s_say (fd, "221 bye\r\n");
            break;
        }
        else
            s_say (fd, "500 what?\r\n");
    }
    close (fd);
    _exit (0);
}

/*  Starts the relay on a free port of 127.0.0.1. */
static bool s_start (const s_relay_t *relay, s_child_t *child)
{
    int listener = socket (AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK)};
    socklen_t len = sizeof addr;
    int pipefd[2];
    if (listener < 0 || bind (listener, (struct sockaddr *) &addr, sizeof addr) != 0
        || listen (listener, 4) != 0 || getsockname (listener, (struct sockaddr *) &addr, &len) != 0
        || pipe (pipefd) != 0)
        return false;
    fflush (stdout);
    pid_t pid = fork ();
    if (pid < 0)
        return false;
    if (pid == 0) {
        close (pipefd[0]);
        s_serve (listener, pipefd[1], relay);
    }
    close (listener);
    close (pipefd[1]);
    child->pid = pid;
    child->port = ntohs (addr.sin_port);
    child->transcript = pipefd[0];
    return true;
}

/*  Waits for the relay to end and returns what the client sent (static). */
static const char *s_finish (s_child_t *child)
{
    static char text[16384];
    size_t n = 0;
    ssize_t r;
    while (n < sizeof text - 1 && (r = read (child->transcript, text + n, sizeof text - 1 - n)) > 0)
        n += (size_t) r;
    text[n] = '\0';
    close (child->transcript);
    kill (child->pid, SIGTERM); /* a silent relay waits for EOF that may not come */
    waitpid (child->pid, NULL, 0);
    return text;
}

/*  An adapter for the plain relay on 127.0.0.1:port (tls none: loopback may AUTH in clear). */
static notify_t *s_adapter (int port, const char *username, int timeout_ms)
{
    char err[256] = "";
    notify_smtp_opts_t opts = {.host = "127.0.0.1",
                               .tls = NOTIFY_SMTP_PLAIN,
                               .port = port,
                               .from = "kefu@kefu.example.cn",
                               .helo = "dispatch.kefu.example.cn",
                               .timeout_ms = timeout_ms,
                               .username = username,
                               .password = username ? "secret" : NULL};
    notify_t *n = notify_new_smtp (&opts, err, sizeof err);
    if (!n)
        printf ("    %s\n", err);
    return n;
}

/*  Log lines of these tests go nowhere (the stream stays open for the run). */
static void s_quiet (void)
{
    static FILE *null;
    if (!null)
        null = fopen ("/dev/null", "w");
    log_set_stream (null);
}

static bool s_starts_with (const char *text, const char *prefix)
{
    return strncmp (text, prefix, strlen (prefix)) == 0;
}

static const notify_recipient_t s_lead = {"客服班长 陈静", "team-lead@kefu.example.cn", NULL};

/*  One notification to s_lead through a fresh relay: returns notify_send's
 *  result, the relay's port and what the client sent. */
static int s_send_via (const s_relay_t *relay, const char *username, char *err, size_t errsize, int *port,
                       const char **sent)
{
    s_child_t child;
    if (!s_start (relay, &child)) {
        snprintf (err, errsize, "could not start the relay");
        return -2;
    }
    notify_t *n = s_adapter (child.port, username, 5000);
    int rc = n ? notify_send (n, &s_lead, "k", "s", "b", err, errsize) : -2;
    *sent = s_finish (&child);
    *port = child.port;
    notify_destroy (&n);
    return rc;
}

UNIT_TEST (notify_smtp_sends_one_message_through_the_whole_dialogue)
{
    s_quiet ();
    clock_set (1795395600LL * 1000000);
    s_child_t child;
    s_relay_t relay = {.ehlo = "250-sink\r\n250-8BITMIME\r\n250 AUTH LOGIN PLAIN\r\n"};
    UNIT_ASSERT (s_start (&relay, &child));
    notify_t *n = s_adapter (child.port, "user", 5000);
    UNIT_ASSERT (n);
    UNIT_ASSERT_STR_EQ (notify_adapter_name (n), "smtp");
    char err[256] = "";
    int rc = notify_send (n, &s_lead, "escalation-7", "工单 7 已超时", ".第一行\n第二行", err, sizeof err);
    const char *sent = s_finish (&child);
    notify_destroy (&n);
    log_set_stream (NULL);
    clock_use_real ();
    if (rc != 0)
        printf ("    %s\n", err);
    UNIT_ASSERT_INT_EQ (rc, 0);
    UNIT_ASSERT (s_starts_with (sent, "EHLO dispatch.kefu.example.cn\nAUTH PLAIN AHVzZXIAc2VjcmV0\n"
                                      "MAIL FROM:<kefu@kefu.example.cn>\n"
                                      "RCPT TO:<team-lead@kefu.example.cn>\nDATA\n"
                                      "Date: Mon, 23 Nov 2026 01:00:00 +0000\n"));
    UNIT_ASSERT_CONTAINS (sent, "\nMessage-ID: <escalation-7@kefu.example.cn>\n");
    /* libcurl sends no BODY=8BITMIME, so the body is base64 even where 8BITMIME is offered */
    UNIT_ASSERT_CONTAINS (sent, "\nContent-Transfer-Encoding: base64\n\nLuesrOS4gOihjA0K56ys5LqM6KGMDQo=\n.\nQUIT\n");
}

UNIT_TEST (notify_smtp_falls_back_to_helo_and_base64)
{
    s_quiet ();
    s_child_t child;
    s_relay_t relay = {.ehlo = "502 5.5.1 EHLO not implemented\r\n"};
    UNIT_ASSERT (s_start (&relay, &child));
    notify_t *n = s_adapter (child.port, NULL, 5000);
    char err[256] = "";
    int rc = notify_send (n, &s_lead, "escalation-8", "subject", "body", err, sizeof err);
    const char *sent = s_finish (&child);
    notify_destroy (&n);
    log_set_stream (NULL);
    UNIT_ASSERT_INT_EQ (rc, 0);
    UNIT_ASSERT_CONTAINS (sent, "EHLO dispatch.kefu.example.cn\nHELO dispatch.kefu.example.cn\n"
                                "MAIL FROM:<kefu@kefu.example.cn>\n");
    UNIT_ASSERT_CONTAINS (sent, "Content-Transfer-Encoding: base64\n\nYm9keQ0K\n.\n");
}

UNIT_TEST (notify_smtp_uses_auth_login_when_plain_is_not_offered)
{
    s_quiet ();
    s_child_t child;
    s_relay_t relay = {.ehlo = "250-sink\r\n250 AUTH LOGIN\r\n"};
    UNIT_ASSERT (s_start (&relay, &child));
    notify_t *n = s_adapter (child.port, "user", 5000);
    char err[256] = "";
    int rc = notify_send (n, &s_lead, "k", "s", "b", err, sizeof err);
    const char *sent = s_finish (&child);
    notify_destroy (&n);
    log_set_stream (NULL);
    UNIT_ASSERT_INT_EQ (rc, 0);
    UNIT_ASSERT_CONTAINS (sent, "\nAUTH LOGIN dXNlcg==\nc2VjcmV0\nMAIL FROM:<kefu@kefu.example.cn>\n");
}

UNIT_TEST (notify_smtp_failures_name_relay_step_and_reply)
{
    s_quiet ();
    char err[256] = "", want[200];
    s_relay_t refuse = {.rcpt = "550-5.1.1 no such user\r\n550 5.1.1 try another\r\n"};
    int port = 0;
    const char *sent = NULL;
    UNIT_ASSERT_INT_EQ (s_send_via (&refuse, NULL, err, sizeof err, &port, &sent), -1);
    snprintf (want, sizeof want, "smtp 127.0.0.1:%d: RCPT TO: 550 5.1.1 no such user", port);
    UNIT_ASSERT_STR_EQ (err, want);
    UNIT_ASSERT (!strstr (sent, "DATA"));

    /* a relay that echoes the address: the reason (logged, recorded) does not */
    s_relay_t echo = {.rcpt = "550 5.1.1 <team-lead@kefu.example.cn>: Recipient address rejected\r\n"};
    UNIT_ASSERT_INT_EQ (s_send_via (&echo, NULL, err, sizeof err, &port, &sent), -1);
    snprintf (want, sizeof want, "smtp 127.0.0.1:%d: RCPT TO: 550 5.1.1 <[recipient]>: Recipient address rejected",
              port);
    UNIT_ASSERT_STR_EQ (err, want);

    s_relay_t busy = {.greeting = "554 5.3.2 too busy\r\n"};
    UNIT_ASSERT_INT_EQ (s_send_via (&busy, NULL, err, sizeof err, &port, &sent), -1);
    UNIT_ASSERT_CONTAINS (err, ": greeting: 554 5.3.2 too busy");

    s_relay_t denied = {.ehlo = "250-sink\r\n250 AUTH PLAIN\r\n"};
    denied.auth = "535 5.7.8 bad credentials\r\n";
    UNIT_ASSERT_INT_EQ (s_send_via (&denied, "user", err, sizeof err, &port, &sent), -1);
    UNIT_ASSERT_CONTAINS (err, ": AUTH PLAIN: 535 5.7.8 bad credentials");
    UNIT_ASSERT (!strstr (err, "secret") && !strstr (err, "c2VjcmV0"));

    /* with a user name, a relay that offers no AUTH gets no mail */
    s_relay_t no_auth = {.ehlo = "250 sink\r\n"};
    UNIT_ASSERT_INT_EQ (s_send_via (&no_auth, "user", err, sizeof err, &port, &sent), -1);
    log_set_stream (NULL);
    UNIT_ASSERT_CONTAINS (err, ": AUTH: the relay offers no AUTH, and notify.smtp.username is set");
    UNIT_ASSERT (!strstr (sent, "MAIL"));
}

UNIT_TEST (notify_smtp_gives_up_on_a_silent_or_absent_relay_within_the_timeout)
{
    s_quiet ();
    char err[256] = "";
    s_child_t child;
    s_relay_t silent = {.silent = true};
    UNIT_ASSERT (s_start (&silent, &child));
    notify_t *n = s_adapter (child.port, NULL, 300);
    int64_t start = clock_mono_ms ();
    int rc = notify_send (n, &s_lead, "k", "s", "b", err, sizeof err);
    int64_t took = clock_mono_ms () - start;
    notify_destroy (&n);
    s_finish (&child);
    UNIT_ASSERT_INT_EQ (rc, -1);
    UNIT_ASSERT_CONTAINS (err, ": greeting: no reply within 300 ms");
    UNIT_ASSERT (took >= 250 && took < 5000);

    /* a port nobody listens on: the child is gone, its port closed */
    n = s_adapter (child.port, NULL, 300);
    rc = notify_send (n, &s_lead, "k", "s", "b", err, sizeof err);
    notify_destroy (&n);
    log_set_stream (NULL);
    UNIT_ASSERT_INT_EQ (rc, -1);
    UNIT_ASSERT_CONTAINS (err, ": connect: Connection refused");
}

UNIT_TEST (notify_smtp_skips_a_recipient_without_an_address_and_refuses_bad_settings)
{
    FILE *sink = tmpfile ();
    log_init ("test", "t1", LOG_INFO);
    log_set_stream (sink);
    notify_t *n = s_adapter (1, NULL, 300); /* never connected: nothing to send */
    UNIT_ASSERT (n);
    char err[256] = "";
    notify_recipient_t nobody = {"无邮箱", "", NULL};
    UNIT_ASSERT_INT_EQ (notify_send (n, &nobody, "escalation-9", "s", "b", err, sizeof err), 0);
    notify_recipient_t bad = {"x", "x@y.cn>\r\nDATA", NULL};
    UNIT_ASSERT_INT_EQ (notify_send (n, &bad, "escalation-10", "s", "b", err, sizeof err), 0);
    notify_destroy (&n);
    log_set_stream (NULL);
    char text[2048] = "";
    rewind (sink);
    size_t got = fread (text, 1, sizeof text - 1, sink);
    text[got] = '\0';
    fclose (sink);
    UNIT_ASSERT_CONTAINS (text, "\"notify_skipped\"");
    UNIT_ASSERT_CONTAINS (text, "escalation-9");
    UNIT_ASSERT_CONTAINS (text, "no e-mail address");
    UNIT_ASSERT_CONTAINS (text, "escalation-10");
    UNIT_ASSERT (!strstr (text, "x@y.cn")); /* a recipient's address is never logged */

    notify_smtp_opts_t opts = {
        .host = "127.0.0.1", .port = 0, .from = "kefu@kefu.example.cn", .timeout_ms = 1};
    UNIT_ASSERT (notify_new_smtp (&opts, err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "port must be 1 to 65535");
    opts.port = 25;
    opts.from = "kefu";
    UNIT_ASSERT (notify_new_smtp (&opts, err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "from is not a usable address");
    opts.from = "kefu@kefu.example.cn";
    opts.username = "u";
    UNIT_ASSERT (notify_new_smtp (&opts, err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "a user name needs a password");
    opts.password = "p";
    opts.host = "192.0.2.25";
    opts.tls = NOTIFY_SMTP_PLAIN;
    UNIT_ASSERT (notify_new_smtp (&opts, err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "AUTH without TLS would send the password in clear: only to a loopback relay");
    opts.tls = NOTIFY_SMTP_STARTTLS;
    opts.ca_file = "/nonexistent/ca.pem";
    UNIT_ASSERT (notify_new_smtp (&opts, err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "ca_file cannot be read");
    UNIT_ASSERT (notify_new_smtp (NULL, err, sizeof err) == NULL);
}

UNIT_TEST (notify_smtp_refuses_a_relay_without_starttls_before_any_auth)
{
    s_quiet ();
    s_child_t child;
    s_relay_t relay = {.ehlo = "250-sink\r\n250 AUTH PLAIN LOGIN\r\n"}; /* no STARTTLS */
    UNIT_ASSERT (s_start (&relay, &child));
    char err[256] = "";
    notify_smtp_opts_t opts = {.host = "127.0.0.1",
                               .port = child.port,
                               .from = "kefu@kefu.example.cn",
                               .helo = "dispatch.kefu.example.cn",
                               .timeout_ms = 5000,
                               .username = "user",
                               .password = "secret"}; /* tls: the default, STARTTLS */
    notify_t *n = notify_new_smtp (&opts, err, sizeof err);
    UNIT_ASSERT (n);
    int rc = notify_send (n, &s_lead, "k", "s", "b", err, sizeof err);
    const char *sent = s_finish (&child);
    notify_destroy (&n);
    log_set_stream (NULL);
    UNIT_ASSERT_INT_EQ (rc, -1);
    char want[200];
    snprintf (want, sizeof want,
              "smtp 127.0.0.1:%d: STARTTLS: the relay does not offer STARTTLS, and notify.smtp.tls is starttls",
              child.port);
    UNIT_ASSERT_STR_EQ (err, want);
    UNIT_ASSERT (!strstr (sent, "AUTH") && !strstr (sent, "MAIL"));
}

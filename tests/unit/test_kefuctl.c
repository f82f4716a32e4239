/*  test_kefuctl — unit tests of kefuctl's modules: argument parsing, the
 *  display-width tables (CJK), the submit body, reply interpretation and
 *  the retrying client against a real ZeroMQ ROUTER that answers
 *  "unavailable" or stays silent before it answers.
 *
 *  The Makefile links only common/ and services/ objects into unit-tests,
 *  so kefuctl's modules (all but main.c) are compiled into this file. */
#include <locale.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#include "../../tools/kefuctl/admin.h"
#include "../../tools/kefuctl/args.h"
#include "../../tools/kefuctl/client.h"
#include "../../tools/kefuctl/kctl.h"
#include "../../tools/kefuctl/table.h"
#include "base/json.h"
#include "msg/transport.h"


/* ---- stderr capture: error messages are part of the contract ---- */

static int s_saved_fd = -1;
static FILE *s_cap;

static void s_capture_begin (void)
{
    fflush (stderr);
    s_cap = tmpfile ();
    s_saved_fd = dup (fileno (stderr));
    dup2 (fileno (s_cap), fileno (stderr));
}

/*  Ends the capture and returns what was written (static buffer). */
static const char *s_capture_end (void)
{
    static char buf[4096];
    fflush (stderr);
    dup2 (s_saved_fd, fileno (stderr));
    close (s_saved_fd);
    rewind (s_cap);
    size_t n = fread (buf, 1, sizeof buf - 1, s_cap);
    buf[n] = '\0';
    fclose (s_cap);
    return buf;
}

/* ---- args ---- */

UNIT_TEST (kefuctl_args_options_values_flags_positionals)
{
    const char *kind = NULL, *limit = NULL, *pos[2];
    bool json = false;
    args_spec_t spec[] = { { "kind", true, &kind, NULL }, { "limit", true, &limit, NULL },
                           { "json", false, NULL, &json }, { NULL, false, NULL, NULL } };
    const args_spec_t *const specs[] = { spec, NULL };
    char *argv[] = { "--kind", "repair", "42", "--limit=7", "--json" };
    int n = 0;
    UNIT_ASSERT_INT_EQ (args_parse ("t", specs, 5, argv, pos, 2, &n), 0);
    UNIT_ASSERT_STR_EQ (kind, "repair");
    UNIT_ASSERT_STR_EQ (limit, "7");
    UNIT_ASSERT (json);
    UNIT_ASSERT_INT_EQ (n, 1);
    UNIT_ASSERT_STR_EQ (pos[0], "42");
}

UNIT_TEST (kefuctl_args_errors_are_specific)
{
    const char *kind = NULL;
    bool json = false;
    args_spec_t spec[] = { { "kind", true, &kind, NULL }, { "json", false, NULL, &json }, { NULL, false, NULL, NULL } };
    const args_spec_t *const specs[] = { spec, NULL };
    int n;
    char *a1[] = { "--knd", "repair" };
    s_capture_begin ();
    int rc = args_parse ("submit", specs, 2, a1, NULL, 0, &n);
    const char *msg = s_capture_end ();
    UNIT_ASSERT_INT_EQ (rc, -1);
    UNIT_ASSERT_CONTAINS (msg, "kefuctl submit: unknown option --knd (expected one of: --kind, --json)");

    char *a2[] = { "--kind" };
    s_capture_begin ();
    rc = args_parse ("submit", specs, 1, a2, NULL, 0, &n);
    UNIT_ASSERT_INT_EQ (rc, -1);
    UNIT_ASSERT_CONTAINS (s_capture_end (), "option --kind needs a value");

    kind = NULL;
    char *a3[] = { "--kind", "a", "--kind", "b" };
    s_capture_begin ();
    rc = args_parse ("submit", specs, 4, a3, NULL, 0, &n);
    UNIT_ASSERT_INT_EQ (rc, -1);
    UNIT_ASSERT_CONTAINS (s_capture_end (), "option --kind given twice");

    char *a4[] = { "--json=yes" };
    s_capture_begin ();
    rc = args_parse ("submit", specs, 1, a4, NULL, 0, &n);
    UNIT_ASSERT_INT_EQ (rc, -1);
    UNIT_ASSERT_CONTAINS (s_capture_end (), "option --json takes no value");

    char *a5[] = { "stray" };
    s_capture_begin ();
    rc = args_parse ("list", specs, 1, a5, NULL, 0, &n);
    UNIT_ASSERT_INT_EQ (rc, -1);
    UNIT_ASSERT_CONTAINS (s_capture_end (), "unexpected argument \"stray\"");
}

UNIT_TEST (kefuctl_args_int_enum_text)
{
    int64_t v = 0;
    UNIT_ASSERT_INT_EQ (args_int ("list", "--limit", "500", 1, 500, &v), 0);
    UNIT_ASSERT_INT_EQ (v, 500);
    s_capture_begin ();
    UNIT_ASSERT_INT_EQ (args_int ("list", "--limit", "501", 1, 500, &v), -1);
    UNIT_ASSERT_CONTAINS (s_capture_end (), "--limit: 501 is out of range (expected 1 to 500)");
    s_capture_begin ();
    UNIT_ASSERT_INT_EQ (args_int ("list", "--limit", "12x", 1, 500, &v), -1);
    UNIT_ASSERT_CONTAINS (s_capture_end (), "\"12x\" is not a whole number");
    s_capture_begin ();
    UNIT_ASSERT_INT_EQ (args_int ("show", "ticket id", "-3", 1, 100, &v), -1);
    UNIT_ASSERT_CONTAINS (s_capture_end (), "ticket id: \"-3\" is not a whole number");
    s_capture_begin ();
    UNIT_ASSERT_INT_EQ (args_int ("show", "ticket id", "99999999999999999999", 1, INT64_MAX, &v), -1);
    UNIT_ASSERT_CONTAINS (s_capture_end (), "out of range");
    s_capture_begin ();
    UNIT_ASSERT_INT_EQ (args_int ("show", "ticket id", "", 1, 100, &v), -1);
    s_capture_end ();

    const char *const choices[] = { "low", "high", NULL };
    UNIT_ASSERT_INT_EQ (args_enum ("s", "--priority", "high", choices), 1);
    s_capture_begin ();
    UNIT_ASSERT_INT_EQ (args_enum ("s", "--priority", "hgh", choices), -1);
    UNIT_ASSERT_CONTAINS (s_capture_end (), "--priority: \"hgh\" is not one of low, high");

    UNIT_ASSERT_INT_EQ (args_text ("s", "--name", "张三", 64), 0);
    s_capture_begin ();
    UNIT_ASSERT_INT_EQ (args_text ("s", "--name", "ab\xff", 64), -1);
    UNIT_ASSERT_CONTAINS (s_capture_end (), "--name: invalid UTF-8 at byte 2");
    s_capture_begin ();
    UNIT_ASSERT_INT_EQ (args_text ("s", "--name", "", 64), -1);
    UNIT_ASSERT_CONTAINS (s_capture_end (), "must not be empty");
    s_capture_begin ();
    UNIT_ASSERT_INT_EQ (args_text ("s", "--name", "abcdef", 5), -1);
    UNIT_ASSERT_CONTAINS (s_capture_end (), "6 bytes is too long (at most 5)");
}

/* ---- table ---- */

UNIT_TEST (kefuctl_table_cjk_width_and_alignment)
{
    setlocale (LC_ALL, "C.UTF-8");
    UNIT_ASSERT_INT_EQ (tbl_width ("abc"), 3);
    UNIT_ASSERT_INT_EQ (tbl_width ("张三"), 4);
    UNIT_ASSERT_INT_EQ (tbl_width ("上海市浦东新区a"), 15);

    const char *headers[] = { "name", "branch" };
    tbl_t *t = tbl_new (2, headers);
    UNIT_ASSERT (t);
    const char *r1[] = { "张三", "SH01" };
    const char *r2[] = { "Li Lei", "BJ01" };
    UNIT_ASSERT_INT_EQ (tbl_add_row (t, r1), 0);
    UNIT_ASSERT_INT_EQ (tbl_add_row (t, r2), 0);
    UNIT_ASSERT_INT_EQ (tbl_rows (t), 2);
    char buf[512] = "";
    FILE *f = fmemopen (buf, sizeof buf - 1, "w");
    UNIT_ASSERT (f);
    UNIT_ASSERT_INT_EQ (tbl_print (t, f), 0);
    fclose (f);
    tbl_destroy (&t);
    tbl_destroy (&t); /* safe twice */
    UNIT_ASSERT (t == NULL);
    /* "张三" is 4 columns wide: padded with 4 spaces to 6 columns + 2 */
    UNIT_ASSERT_STR_EQ (buf, "name    branch\n"
                             "------  ------\n"
                             "张三    SH01\n"
                             "Li Lei  BJ01\n");
}

UNIT_TEST (kefuctl_table_cleans_and_cuts)
{
    setlocale (LC_ALL, "C.UTF-8");
    char *c = tbl_clean ("line1\nline2\tx", 0);
    UNIT_ASSERT_STR_EQ (c, "line1 line2 x");
    free (c);
    c = tbl_clean ("ok\xff\xfe", 0);
    UNIT_ASSERT_STR_EQ (c, "ok??");
    free (c);
    c = tbl_clean ("空调不制冷已经三天", 7);
    UNIT_ASSERT_STR_EQ (c, "空调不…");
    UNIT_ASSERT (tbl_width (c) <= 7);
    free (c);
    c = tbl_clean ("short", 7);
    UNIT_ASSERT_STR_EQ (c, "short");
    free (c);
    c = tbl_clean (NULL, 3);
    UNIT_ASSERT_STR_EQ (c, "");
    free (c);
    /* trailing empty cells leave no trailing blanks */
    const char *headers[] = { "a", "b" };
    tbl_t *t = tbl_new (2, headers);
    const char *row[] = { "x", NULL };
    UNIT_ASSERT_INT_EQ (tbl_add_row (t, row), 0);
    char buf[128] = "";
    FILE *f = fmemopen (buf, sizeof buf - 1, "w");
    tbl_print (t, f);
    fclose (f);
    tbl_destroy (&t);
    UNIT_ASSERT_STR_EQ (buf, "a  b\n-  -\nx\n");
}

/* ---- submit body ---- */

UNIT_TEST (kefuctl_submit_body_new_customer_round_trips_chinese)
{
    submit_args_t a = { 0 };
    a.kind = "repair";
    a.channel = "walk-in";
    a.name = "王小明";
    a.phone = "13812345678";
    a.address = "上海市浦东新区世纪大道100号";
    a.region = "SH";
    a.product = "AC-9000";
    a.serial = "SN1";
    a.description = "空调不制冷";
    cJSON *b = submit_build_body (&a);
    UNIT_ASSERT (b);
    char *text = json_print (b);
    cJSON_Delete (b);
    UNIT_ASSERT_STR_EQ (text, "{\"channel\":\"walk_in\",\"kind\":\"repair\",\"customer\":{\"name\":\"王小明\","
                              "\"phone\":\"13812345678\",\"address\":\"上海市浦东新区世纪大道100号\",\"region\":\"SH\"},"
                              "\"product\":{\"code\":\"AC-9000\",\"serial\":\"SN1\"},\"description\":\"空调不制冷\"}");
    free (text);
}

UNIT_TEST (kefuctl_submit_body_answered_consultation)
{
    submit_args_t a = { 0 };
    a.kind = "consultation";
    a.channel = "hotline";
    a.customer = "C1001";
    a.priority = "low";
    a.description = "how to clean the filter";
    a.answered = true;
    a.resolution = "explained";
    cJSON *b = submit_build_body (&a);
    UNIT_ASSERT (b);
    UNIT_ASSERT_STR_EQ (json_str (cJSON_GetObjectItem (b, "customer"), "id", NULL), "C1001");
    UNIT_ASSERT (json_bool (b, "answered", false));
    UNIT_ASSERT_STR_EQ (json_str (b, "resolution", NULL), "explained");
    UNIT_ASSERT_STR_EQ (json_str (b, "priority", NULL), "low");
    UNIT_ASSERT (!cJSON_GetObjectItem (b, "product"));
    cJSON_Delete (b);
}

/*  Builds and expects a refusal whose message contains want. */
static bool s_refused (const submit_args_t *a, const char *want)
{
    s_capture_begin ();
    cJSON *b = submit_build_body (a);
    const char *msg = s_capture_end ();
    bool ok = !b && strstr (msg, want);
    if (!ok)
        printf ("    got: %s", msg);
    cJSON_Delete (b);
    return ok;
}

UNIT_TEST (kefuctl_submit_body_rejects_bad_combinations)
{
    submit_args_t a = { 0 };
    UNIT_ASSERT (s_refused (&a, "--kind is required"));
    a.kind = "fix";
    a.channel = "hotline";
    a.description = "x";
    a.customer = "C1";
    UNIT_ASSERT (s_refused (&a, "--kind: \"fix\" is not one of consultation, repair"));
    a.kind = "repair";
    a.channel = "fax";
    UNIT_ASSERT (s_refused (&a, "--channel: \"fax\" is not one of hotline"));
    a.channel = "web";
    a.name = "张三";
    UNIT_ASSERT (s_refused (&a, "either --customer ID or --name"));
    a.customer = NULL;
    UNIT_ASSERT (s_refused (&a, "--phone is required for a new customer"));
    a.name = NULL;
    UNIT_ASSERT (s_refused (&a, "the customer is missing"));
    a.customer = "C1";
    a.serial = "S1";
    UNIT_ASSERT (s_refused (&a, "--serial needs --product"));
    a.serial = NULL;
    a.resolution = "done";
    UNIT_ASSERT (s_refused (&a, "--resolution needs --answered"));
    a.resolution = NULL;
    a.description = "bad \xc3\x28 utf8";
    UNIT_ASSERT (s_refused (&a, "--description: invalid UTF-8 at byte 4"));
    a.description = "ok";
    a.priority = "asap";
    UNIT_ASSERT (s_refused (&a, "--priority: \"asap\" is not one of low, normal, high, urgent"));
}

UNIT_TEST (kefuctl_submit_describe_outcomes)
{
    cJSON *r = cJSON_Parse ("{\"ticket_id\":42,\"status\":\"open\",\"joined\":false,\"branch\":\"SH01\",\"customer_id\":\"C1\"}");
    char *s = submit_describe (r);
    UNIT_ASSERT_STR_EQ (s, "ticket 42 created for branch SH01 (status open)");
    free (s);
    cJSON_ReplaceItemInObject (r, "joined", cJSON_CreateTrue ());
    s = submit_describe (r);
    UNIT_ASSERT_STR_EQ (s, "joined open ticket 42 (repeat contact)");
    free (s);
    cJSON_Delete (r);
    r = cJSON_Parse ("{\"ticket_id\":43,\"status\":\"closed\",\"joined\":false,\"branch\":\"SH01\"}");
    s = submit_describe (r);
    UNIT_ASSERT_STR_EQ (s, "ticket 43 closed at intake (consultation answered)");
    free (s);
    cJSON_Delete (r);
}

UNIT_TEST (kefuctl_value_text_formats_scalars)
{
    cJSON *o = cJSON_Parse ("{\"i\":42,\"f\":1.5,\"s\":\"张\",\"b\":true,\"n\":null,\"a\":[1,2]}");
    const char *want[][2] = { { "i", "42" }, { "f", "1.5" }, { "s", "张" }, { "b", "true" }, { "n", "" }, { "a", "[1,2]" }, { "missing", "" } };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        char *t = kctl_value_text (cJSON_GetObjectItem (o, want[i][0]));
        UNIT_ASSERT_STR_EQ (t, want[i][1]);
        free (t);
    }
    cJSON_Delete (o);
}

/* ---- replies ---- */

UNIT_TEST (kefuctl_client_parses_replies)
{
    char err[256];
    bool unav;
    cJSON *res = NULL;
    const char *ok = "{\"ok\":true,\"result\":{\"ticket_id\":7}}";
    UNIT_ASSERT_INT_EQ (client_parse_reply (ok, strlen (ok), &res, &unav, err, sizeof err), CLIENT_OK);
    UNIT_ASSERT_INT_EQ (json_int (res, "ticket_id", 0), 7);
    cJSON_Delete (res);
    const char *no = "{\"ok\":false,\"error\":{\"code\":\"invalid\",\"message\":\"body.kind: bad\"}}";
    UNIT_ASSERT_INT_EQ (client_parse_reply (no, strlen (no), &res, &unav, err, sizeof err), CLIENT_REFUSED);
    UNIT_ASSERT_STR_EQ (err, "invalid: body.kind: bad");
    UNIT_ASSERT (!unav);
    const char *un = "{\"ok\":false,\"error\":{\"code\":\"unavailable\",\"message\":\"database down\"}}";
    UNIT_ASSERT_INT_EQ (client_parse_reply (un, strlen (un), &res, &unav, err, sizeof err), CLIENT_REFUSED);
    UNIT_ASSERT (unav);
    const char *bad[] = { "{\"ok\":tru", "[1]", "{\"ok\":true}", "{\"ok\":false,\"error\":{}}", "\xff" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        UNIT_ASSERT_INT_EQ (client_parse_reply (bad[i], strlen (bad[i]), &res, &unav, err, sizeof err), CLIENT_FAILED);
        UNIT_ASSERT_CONTAINS (err, "malformed reply from intake");
    }
}

/* ---- the retrying client against a real ROUTER ---- */

typedef struct {
    char endpoint[256];
    int unavailable_first;  /* answer "unavailable" to this many requests */
    int silent_first;       /* then ignore this many */
    int requests;           /* requests seen */
    char request_ids[8][64];
    volatile int bound;
    volatile int done;      /* set when the client returned: the fake stops */
    void *ctx;
} fake_intake_t;

static void *s_fake_intake (void *arg)
{
    fake_intake_t *f = arg;
    /* short receive time-out: the loop serves until the client is done, so
     * a reply lost in transit is answered again on the client's resend */
    void *sock = tr_socket (f->ctx, ZMQ_ROUTER, 100, 50);
    tr_bind (sock, "tcp://127.0.0.1:*", f->endpoint, sizeof f->endpoint);
    __atomic_store_n (&f->bound, 1, __ATOMIC_SEQ_CST);
    while (!__atomic_load_n (&f->done, __ATOMIC_SEQ_CST)) {
        char *frames[4];
        size_t sizes[4];
        int n = tr_recv (sock, frames, sizes, 4, 0);
        if (n < 0)
            continue; /* receive time-out: look at `done` again */
        cJSON *req = n == 3 ? cJSON_Parse (frames[2]) : NULL;
        const cJSON *body = cJSON_GetObjectItem (req, "body");
        if (f->requests < 8)
            snprintf (f->request_ids[f->requests], 64, "%s", json_str (body, "request_id", "?"));
        f->requests++;
        const char *reply;
        if (f->requests <= f->unavailable_first)
            reply = "{\"ok\":false,\"error\":{\"code\":\"unavailable\",\"message\":\"database restarting\"}}";
        else if (f->requests <= f->unavailable_first + f->silent_first)
            reply = NULL;
        else
            reply = "{\"ok\":true,\"result\":{\"ticket_id\":5,\"status\":\"open\",\"joined\":false,\"branch\":\"SH01\"}}";
        if (reply) {
            const void *out[3] = { frames[0], "", reply };
            size_t osz[3] = { sizes[0], 0, strlen (reply) };
            tr_send (sock, out, osz, 3, 0);
        }
        cJSON_Delete (req);
        tr_frames_free (frames, n);
    }
    zmq_close (sock);
    return NULL;
}

/*  Runs client_call against a fake intake with the given behaviour. */
static client_status_t s_call_fake (fake_intake_t *f, int retries, cJSON **res, char *err, size_t errsize)
{
    pthread_t th;
    f->ctx = zmq_ctx_new ();
    pthread_create (&th, NULL, s_fake_intake, f);
    while (!__atomic_load_n (&f->bound, __ATOMIC_SEQ_CST))
        usleep (1000);
    cJSON *body = cJSON_Parse ("{\"request_id\":\"0b7c2f64-1d1e-4f0a-9a51-3a2b1c0d9e8f\",\"kind\":\"repair\"}");
    /* generous time-out: the suite runs under sanitizers on a busy machine */
    client_opts_t opts = { f->endpoint, 1500, retries, 20, 40, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
    client_status_t st = client_call (&opts, "ticket.submit", body, res, err, errsize);
    cJSON_Delete (body);
    __atomic_store_n (&f->done, 1, __ATOMIC_SEQ_CST);
    pthread_join (th, NULL);
    zmq_ctx_term (f->ctx);
    return st;
}

UNIT_TEST (kefuctl_client_retries_unavailable_with_same_request_id)
{
    fake_intake_t f = { .unavailable_first = 2 };
    cJSON *res = NULL;
    char err[512] = "";
    UNIT_ASSERT_INT_EQ (s_call_fake (&f, 5, &res, err, sizeof err), CLIENT_OK);
    UNIT_ASSERT_INT_EQ (json_int (res, "ticket_id", 0), 5);
    cJSON_Delete (res);
    UNIT_ASSERT_INT_EQ (f.requests, 3);
    for (int i = 0; i < 3; i++)
        UNIT_ASSERT_STR_EQ (f.request_ids[i], "0b7c2f64-1d1e-4f0a-9a51-3a2b1c0d9e8f");
}

UNIT_TEST (kefuctl_client_resends_after_timeout)
{
    fake_intake_t f = { .silent_first = 1 };
    cJSON *res = NULL;
    char err[512] = "";
    client_status_t st = s_call_fake (&f, 2, &res, err, sizeof err);
    if (st != CLIENT_OK) {
        unit_fail (__FILE__, __LINE__, "status %d after %d requests: %s", (int) st, f.requests, err);
        return;
    }
    cJSON_Delete (res);
    /* at least the ignored request and its resend, all with one request_id */
    UNIT_ASSERT (f.requests >= 2);
    for (int i = 1; i < f.requests && i < 8; i++)
        UNIT_ASSERT_STR_EQ (f.request_ids[i], f.request_ids[0]);
}

UNIT_TEST (kefuctl_client_gives_up_after_retries)
{
    fake_intake_t f = { .unavailable_first = 3 };
    cJSON *res = NULL;
    char err[512] = "";
    UNIT_ASSERT_INT_EQ (s_call_fake (&f, 2, &res, err, sizeof err), CLIENT_FAILED);
    UNIT_ASSERT (res == NULL);
    UNIT_ASSERT_INT_EQ (f.requests, 3);
    UNIT_ASSERT_CONTAINS (err, "unavailable: database restarting (gave up after 3 attempts)");
}

UNIT_TEST (kefuctl_client_says_what_it_waits_for)
{
    /* nobody listens on port 1: the grace period passes, then each retry */
    FILE *progress = tmpfile ();
    UNIT_ASSERT (progress);
    client_opts_t opts = { "tcp://127.0.0.1:1", 600, 1, 10, 10, progress, "kefuctl list", NULL, NULL, NULL, NULL, NULL };
    cJSON *body = cJSON_CreateObject (), *res = NULL;
    char err[512] = "";
    UNIT_ASSERT_INT_EQ (client_call (&opts, "ticket.list", body, &res, err, sizeof err), CLIENT_FAILED);
    cJSON_Delete (body);
    char said[2048];
    rewind (progress);
    size_t n = fread (said, 1, sizeof said - 1, progress);
    said[n] = '\0';
    fclose (progress);
    UNIT_ASSERT_CONTAINS (said, "kefuctl list: waiting for a connection to intake at tcp://127.0.0.1:1 "
                                "(is kefu-intake running and listening there?); attempt 1 of 2, giving up in about 1 s");
    UNIT_ASSERT_CONTAINS (said, "kefuctl list: no connection to intake at tcp://127.0.0.1:1; trying again; "
                                "attempt 2 of 2, giving up in about 1 s");
    /* silent without a progress stream, as before */
    UNIT_ASSERT_CONTAINS (err, "gave up after 2 attempts");
}

/*  kctl_setup with only --endpoint given; returns its result and what it
 *  printed (static buffer). */
static int s_setup_endpoint (const char *endpoint, const char **said)
{
    static char config[4096];
    kctl_t k;
    kctl_init (&k);
    k.endpoint_opt = endpoint;
    k.config_opt = unit_repo_file ("deploy/demo/kefu.yaml", config, sizeof config);
    s_capture_begin ();
    int rc = kctl_setup (&k, "list");
    *said = s_capture_end ();
    kctl_fini (&k);
    return rc;
}

UNIT_TEST (kefuctl_malformed_endpoint_is_refused_at_once)
{
    static const char *const bad[][2] = {
        { "tcp://:7100", "expected tcp://HOST:PORT" },
        { "tcp://127.0.0.1", "expected tcp://HOST:PORT" },
        { "tcp://127.0.0.1:99999", "port must be 1 to 65535" },
        { "tcp://127.0.0.1:abc", "port must be 1 to 65535" },
        { "tcp://127.0.0.1:*", "can be bound to but not connected to" },
        { "tcp://*:7100", "can be bound to but not connected to" },
        { "tcp//127.0.0.1:7100", "must start with tcp://" },
        { "http://127.0.0.1:7100", "must start with tcp://" },
        { "ipc://", "expected ipc://PATH" },
        { "inproc://intake", "inside one process" },
        { "tcp://no such host:7100", "spaces" },
    };
    const char *said;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        UNIT_ASSERT_INT_EQ (s_setup_endpoint (bad[i][0], &said), -1);
        UNIT_ASSERT_CONTAINS (said, "kefuctl list: --endpoint: \"");
        UNIT_ASSERT_CONTAINS (said, bad[i][0]);
        UNIT_ASSERT_CONTAINS (said, bad[i][1]);
        UNIT_ASSERT_CONTAINS (said, "expected e.g. tcp://127.0.0.1:7100");
    }
    /* good ones pass, and KEFU_INTAKE_API is left as it was */
    setenv ("KEFU_INTAKE_API", "tcp://127.0.0.1:7111", 1);
    UNIT_ASSERT_INT_EQ (s_setup_endpoint ("tcp://127.0.0.1:7100", &said), 0);
    UNIT_ASSERT_STR_EQ (getenv ("KEFU_INTAKE_API"), "tcp://127.0.0.1:7111");
    unsetenv ("KEFU_INTAKE_API");
    UNIT_ASSERT_INT_EQ (s_setup_endpoint ("tcp://intake.example.cn:7100", &said), 0);
    UNIT_ASSERT_INT_EQ (s_setup_endpoint ("ipc:///run/kefu/intake.sock", &said), 0);
    UNIT_ASSERT (getenv ("KEFU_INTAKE_API") == NULL);
}

UNIT_TEST (kefuctl_database_commands_say_to_source_run_env)
{
    const char *saved = getenv ("KEFU_DB_CONNINFO");
    char *old = saved ? strdup (saved) : NULL;
    unsetenv ("KEFU_DB_CONNINFO");
    kctl_t k;
    kctl_init (&k);
    char err[256] = "";
    k.config_path = "kefu.yaml";
    k.cfg = cfg_load_string ("kefu.yaml", "database:\n  conninfo: \"host=/nonexistent/kefu dbname=kefu\"\n",
                             err, sizeof err);
    UNIT_ASSERT (k.cfg);
    s_capture_begin ();
    db_t *db = kctl_db_connect (&k, "board", "kefu_dispatch");
    const char *said = s_capture_end ();
    UNIT_ASSERT (db == NULL);
    UNIT_ASSERT_CONTAINS (said, "kefuctl board: cannot connect to PostgreSQL (host=/nonexistent/kefu dbname=kefu) "
                                "as kefu_dispatch: ");
    UNIT_ASSERT_CONTAINS (said, "kefuctl board: KEFU_DB_CONNINFO is not set, so the connection comes from "
                                "kefu.yaml (database.conninfo). While `make run` runs, first run `. run/env`");
    setenv ("KEFU_DB_CONNINFO", "host=/nonexistent/kefu dbname=kefu", 1);
    s_capture_begin ();
    kctl_db_hint (&k, "due");
    said = s_capture_end ();
    UNIT_ASSERT_CONTAINS (said, "kefuctl due: the connection comes from KEFU_DB_CONNINFO: is that database running?");
    if (old)
        setenv ("KEFU_DB_CONNINFO", old, 1);
    else
        unsetenv ("KEFU_DB_CONNINFO");
    free (old);
    kctl_fini (&k);
}

UNIT_TEST (kefuctl_client_reports_absent_intake)
{
    client_opts_t opts = { "tcp://127.0.0.1:1", 100, 1, 10, 10, NULL, NULL, NULL, NULL, NULL, NULL, NULL };
    cJSON *body = cJSON_CreateObject (), *res = NULL;
    char err[512] = "";
    UNIT_ASSERT_INT_EQ (client_call (&opts, "ticket.get", body, &res, err, sizeof err), CLIENT_FAILED);
    UNIT_ASSERT_CONTAINS (err, "no connection to intake at tcp://127.0.0.1:1 (gave up after 2 attempts)");
    opts.endpoint = "nonsense";
    UNIT_ASSERT_INT_EQ (client_call (&opts, "ticket.get", body, &res, err, sizeof err), CLIENT_FAILED);
    UNIT_ASSERT_CONTAINS (err, "cannot connect to \"nonsense\"");
    cJSON_Delete (body);
}

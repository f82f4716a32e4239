/*  test_gateway_console — the console's files (console_files.h): which
 *  names are served from which folder, with which type and headers, and
 *  that no name leaves the folder; and the changes feed's parts that need
 *  no database (live.h topics and generations, changes.h events). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/gateway/changes.h"
#include "../../services/gateway/console_files.h"
#include "../../services/gateway/gateway_config.h"
#include "../../services/gateway/live.h"
#include "base/clock.h"
#include "unit.h"

static const char *s_header (const gw_response_t *resp, const char *name)
{
    for (int i = 0; i < resp->n_headers; i++)
        if (strcmp (resp->headers[i].name, name) == 0)
            return resp->headers[i].value;
    return NULL;
}

/*  The console's answer to method and path (status; resp kept for more). */
static int s_ask (const char *dir, const char *method, const char *path, gw_response_t *resp)
{
    gw_response_clear (resp);
    gw_request_t req = {.method = method, .path = path};
    if (!gw_console_answer (dir, &req, resp))
        return 0;
    return resp->status;
}

UNIT_TEST (console_types_by_extension)
{
    UNIT_ASSERT_STR_EQ (gw_console_type ("index.html"), "text/html; charset=utf-8");
    UNIT_ASSERT_STR_EQ (gw_console_type ("assets/core.js"), "text/javascript; charset=utf-8");
    UNIT_ASSERT_STR_EQ (gw_console_type ("assets/kefu.css"), "text/css; charset=utf-8");
    UNIT_ASSERT_STR_EQ (gw_console_type ("a/logo.svg"), "image/svg+xml");
    UNIT_ASSERT (gw_console_type ("run.sh") == NULL);
    UNIT_ASSERT (gw_console_type ("core.js.map") == NULL);
    UNIT_ASSERT (gw_console_type ("noextension") == NULL);
    UNIT_ASSERT (gw_console_type ("x.JS") == NULL);
}

UNIT_TEST (console_serves_its_files_and_no_other)
{
    char dir[200], cmd[400];
    UNIT_ASSERT (unit_temp_dir ("console", dir, sizeof dir) == 0);
    snprintf (cmd, sizeof cmd, "mkdir -p %s/assets/pages", dir);
    UNIT_ASSERT (system (cmd) == 0);
    UNIT_ASSERT (unit_write_file (dir, "index.html", "<!doctype html><title>kefu</title>") == 0);
    UNIT_ASSERT (unit_write_file (dir, "assets/core.js", "'use strict';") == 0);
    UNIT_ASSERT (unit_write_file (dir, "assets/pages/board.js", "kefu.page('board', {});") == 0);
    UNIT_ASSERT (unit_write_file (dir, "assets/.hidden.js", "secret") == 0);
    UNIT_ASSERT (unit_write_file (dir, "secret.txt", "outside assets") == 0);
    gw_response_t resp = {0};

    UNIT_ASSERT_INT_EQ (s_ask (dir, "GET", "/console/assets/core.js", &resp), 200);
    UNIT_ASSERT_STR_EQ (resp.content_type, "text/javascript; charset=utf-8");
    UNIT_ASSERT (resp.body_len == strlen ("'use strict';")
                 && memcmp (resp.body, "'use strict';", resp.body_len) == 0);
    UNIT_ASSERT (strstr (s_header (&resp, "Content-Security-Policy"), "script-src 'self'") != NULL);
    UNIT_ASSERT_STR_EQ (s_header (&resp, "X-Frame-Options"), "DENY");
    UNIT_ASSERT_INT_EQ (s_ask (dir, "GET", "/console/assets/pages/board.js", &resp), 200);
    UNIT_ASSERT_INT_EQ (s_ask (dir, "HEAD", "/console/assets/core.js", &resp), 200);

    /* every page is index.html; / and /console go to /console/ */
    UNIT_ASSERT_INT_EQ (s_ask (dir, "GET", "/console/", &resp), 200);
    UNIT_ASSERT_STR_EQ (resp.content_type, "text/html; charset=utf-8");
    UNIT_ASSERT_INT_EQ (s_ask (dir, "GET", "/console/tickets/42", &resp), 200);
    UNIT_ASSERT_STR_EQ (resp.content_type, "text/html; charset=utf-8");
    UNIT_ASSERT_INT_EQ (s_ask (dir, "GET", "/", &resp), 302);
    UNIT_ASSERT_STR_EQ (s_header (&resp, "Location"), "/console/");
    UNIT_ASSERT_INT_EQ (s_ask (dir, "GET", "/console", &resp), 302);

    /* nothing outside the folder, no dotfile, no unknown kind, no odd name */
    static const char *const refused[] = {
        "/console/assets/../secret.txt",
        "/console/assets/../../etc/passwd",
        "/console/assets/./core.js",
        "/console/assets/.hidden.js",
        "/console/assets//core.js",
        "/console/assets/pages/",
        "/console/assets/",
        "/console/assets/core.js/",
        "/console/assets/%2e%2e/secret.txt",
        "/console/assets/core js",
        "/console/assets/secret.txt",
        "/console/assets/../index.html",
        "/console/assets/core.js\\x",
        "/console/assets/nothing.js",
    };
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        int status = s_ask (dir, "GET", refused[i], &resp);
        if (status != 404)
            printf ("    %s: %d\n", refused[i], status);
        UNIT_ASSERT_INT_EQ (status, 404);
        UNIT_ASSERT_STR_EQ (resp.content_type, "application/json");
    }
    /* a name of 201 characters is refused before any file is looked at */
    char longname[260] = "/console/assets/";
    memset (longname + strlen (longname), 'a', 201);
    UNIT_ASSERT_INT_EQ (s_ask (dir, "GET", longname, &resp), 404);

    UNIT_ASSERT_INT_EQ (s_ask (dir, "POST", "/console/", &resp), 405);
    UNIT_ASSERT_STR_EQ (s_header (&resp, "Allow"), "GET, HEAD");
    UNIT_ASSERT_INT_EQ (s_ask (dir, "DELETE", "/console/assets/core.js", &resp), 405);
    /* not the console's: the API's */
    UNIT_ASSERT_INT_EQ (s_ask (dir, "GET", "/consoles", &resp), 0);
    UNIT_ASSERT_INT_EQ (s_ask (dir, "GET", "/api/v1/changes", &resp), 0);
    gw_response_clear (&resp);
    snprintf (cmd, sizeof cmd, "rm -rf %s", dir);
    UNIT_ASSERT (system (cmd) == 0);
}

UNIT_TEST (live_topics_by_name)
{
    static const char *const names[] = {"ticket",   "clock",      "escalation", "workorder", "inspection",
                                        "callback", "settlement", "claim",      "access"};
    for (int i = 0; i < GW_TOPIC_COUNT; i++) {
        UNIT_ASSERT_STR_EQ (gw_live_topic_name (i), names[i]);
        UNIT_ASSERT_INT_EQ (gw_live_topic_of (names[i]), i);
    }
    UNIT_ASSERT (gw_live_topic_name (-1) == NULL && gw_live_topic_name (GW_TOPIC_COUNT) == NULL);
    UNIT_ASSERT_INT_EQ (gw_live_topic_of ("Ticket"), -1);
    UNIT_ASSERT_INT_EQ (gw_live_topic_of ("ticket "), -1);
    UNIT_ASSERT_INT_EQ (gw_live_topic_of (""), -1);
    UNIT_ASSERT_INT_EQ (gw_live_topic_of (NULL), -1);
}

UNIT_TEST (changes_events_name_each_moved_topic_once)
{
    gw_live_gens_t seen = {{0}}, now = {{0}};
    char buf[2048];
    UNIT_ASSERT_INT_EQ ((int) gw_changes_events (&now, &seen, buf, sizeof buf), 0);
    now.gen[GW_TOPIC_TICKET] = 3;
    now.gen[GW_TOPIC_CLAIM] = 1;
    now.gen[GW_TOPIC_ACCESS] = 5; /* never sent */
    size_t n = gw_changes_events (&now, &seen, buf, sizeof buf);
    buf[n] = '\0';
    UNIT_ASSERT_STR_EQ (buf, "event: ticket\ndata: {\"topic\": \"ticket\"}\n\n"
                             "event: claim\ndata: {\"topic\": \"claim\"}\n\n");
    UNIT_ASSERT (seen.gen[GW_TOPIC_TICKET] == 3 && seen.gen[GW_TOPIC_CLAIM] == 1);
    UNIT_ASSERT (seen.gen[GW_TOPIC_ACCESS] == 0);
    UNIT_ASSERT_INT_EQ ((int) gw_changes_events (&now, &seen, buf, sizeof buf), 0);
    /* a small buffer: what does not fit waits for the next batch */
    for (int t = 0; t < GW_TOPIC_COUNT; t++)
        now.gen[t]++;
    n = gw_changes_events (&now, &seen, buf, 64);
    buf[n] = '\0';
    UNIT_ASSERT_STR_EQ (buf, "event: ticket\ndata: {\"topic\": \"ticket\"}\n\n");
    n = gw_changes_events (&now, &seen, buf, sizeof buf);
    UNIT_ASSERT (n > 0 && strncmp (buf, "event: clock\n", 13) == 0);
    UNIT_ASSERT (memcmp (seen.gen, now.gen, sizeof seen.gen[0] * GW_TOPIC_ACCESS) == 0);
}

UNIT_TEST (live_waits_for_a_change_the_time_or_the_halt)
{
    gw_live_t *live = gw_live_new ("host=/nonexistent dbname=none connect_timeout=1", 2);
    UNIT_ASSERT (live != NULL);
    gw_live_gens_t a, b, now;
    UNIT_ASSERT (gw_live_join (live, &a) == 0);
    UNIT_ASSERT (gw_live_join (live, &b) == 0);
    UNIT_ASSERT (gw_live_join (live, &now) == -1); /* stream_limit 2 */
    gw_live_leave (live);
    UNIT_ASSERT (gw_live_join (live, &b) == 0);
    /* the listener cannot connect: nothing changes, the wait times out */
    int64_t t0 = clock_mono_ms ();
    UNIT_ASSERT (!gw_live_wait (live, &a, t0 + 100, &now));
    UNIT_ASSERT (clock_mono_ms () - t0 >= 100);
    UNIT_ASSERT (memcmp (&now, &a, sizeof now) == 0);
    gw_live_bump (live, GW_TOPIC_CLOCK);
    gw_live_bump (live, GW_TOPIC_COUNT); /* none: ignored */
    UNIT_ASSERT (!gw_live_wait (live, &a, clock_mono_ms () + 5000, &now));
    UNIT_ASSERT (now.gen[GW_TOPIC_CLOCK] == a.gen[GW_TOPIC_CLOCK] + 1);
    gw_live_halt (live);
    t0 = clock_mono_ms ();
    UNIT_ASSERT (gw_live_wait (live, &now, t0 + 5000, &now));
    UNIT_ASSERT (clock_mono_ms () - t0 < 1000);
    UNIT_ASSERT (gw_live_join (live, &now) == -1); /* halted: no new stream */
    gw_live_leave (live);
    gw_live_leave (live);
    gw_live_destroy (&live);
    gw_live_destroy (&live);
}

UNIT_TEST (changes_stream_limit_leaves_connections_for_requests)
{
    char err[512] = "";
    cfg_t *cfg = cfg_load_string_for ("k.yaml", "services:\n  gateway:\n    connection_limit: 10\n",
                                      "gateway", err, sizeof err);
    UNIT_ASSERT (cfg != NULL);
    UNIT_ASSERT_INT_EQ (gateway_config (cfg)->stream_limit, 2); /* not set: a quarter */
    cfg_destroy (&cfg);
    cfg = cfg_load_string_for ("k.yaml", "services:\n  gateway:\n    stream_limit: 5\n", "gateway", err,
                               sizeof err);
    UNIT_ASSERT (cfg != NULL);
    UNIT_ASSERT_INT_EQ (gateway_config (cfg)->stream_limit, 5);
    cfg_destroy (&cfg);
    cfg = cfg_load_string_for ("k.yaml",
                               "services:\n  gateway:\n    connection_limit: 10\n    stream_limit: 10\n",
                               "gateway", err, sizeof err);
    UNIT_ASSERT (unit_refused (cfg != NULL, "stream_limit = connection_limit", err,
                               "stream_limit (10) must be less than connection_limit (10)"));
    cfg = cfg_load_string_for ("k.yaml", "services:\n  gateway:\n    stream_limit: -1\n", "gateway", err,
                               sizeof err);
    UNIT_ASSERT (unit_refused (cfg != NULL, "stream_limit -1", err, "stream_limit"));
    cfg = cfg_load_string_for ("k.yaml", "services:\n  gateway:\n    stream_limit: 0\n", "gateway", err,
                               sizeof err);
    UNIT_ASSERT (cfg != NULL);
    UNIT_ASSERT_INT_EQ (gateway_config (cfg)->stream_limit, 64); /* a quarter of the default 256 */
    cfg_destroy (&cfg);
}

/*  Unit tests for common/conf/conf_section, the table-driven section
 *  loader: a section of this file's own (one row of every type) loads to
 *  its defaults, reads values, refuses bad ones with file:line: key, and a
 *  service loads the shared part and its own sections only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "conf/conf_section.h"
#include "conf/config.h"
#include "conf/yamltree.h"
#include "unit.h"

#include "../../services/dispatch/dispatch_config.h"

typedef struct {
    int workers;
    char *name;
    char *label;
    char *spool;
    char *relay;
    int mode;
    conf_list_t days;
    int limit_low, limit_high;
    char *token;
} s_demo_t;

static const char *const s_modes[] = { "off", "on", "auto", NULL };
static const char *const s_days[] = { "mon", "tue", "wed", "thu", "fri", NULL };
static const char *const s_workdays[] = { "mon", "fri", NULL };

static const conf_key_t s_keys[] = {
    CONF_INT ("workers", s_demo_t, workers, 4, 1, 64),
    CONF_STRING ("name", s_demo_t, name, "demo", 16),
    CONF_TEXT ("label", s_demo_t, label, NULL, 32),
    CONF_PATH ("spool", s_demo_t, spool, "/var/spool/demo"),
    CONF_HOST ("relay.host", s_demo_t, relay, NULL, 64, .flags = CONF_REQUIRED),
    CONF_ENUM ("mode", s_demo_t, mode, 2, s_modes),
    CONF_LIST ("days", s_demo_t, days, s_workdays, s_days, 3),
    CONF_INT ("limits.low", s_demo_t, limit_low, 10, 0, 1000),
    CONF_INT ("limits.high", s_demo_t, limit_high, 100, 0, 1000),
    CONF_TEXT ("token", s_demo_t, token, NULL, 8, .flags = CONF_SECRET, .env = "KEFU_TEST_DEMO_TOKEN"),
    CONF_END,
};

/*  A rule between keys, as a section's check function states it. */
static int s_check (void *values, yt_doc_t *doc, yt_node_t *map)
{
    const s_demo_t *self = values;
    if (self->limit_low > self->limit_high)
        return yt_fail (doc, conf_node (map, "limits.low"), "must not exceed limits.high (%d)",
                        self->limit_high);
    return 0;
}

static const conf_section_t s_section = {
    .name = "demo", .size = sizeof (s_demo_t), .keys = s_keys, .check = s_check,
};

/*  Loads the "demo:" mapping of text into a new struct (NULL on error, with
 *  the loader's message in err). */
static s_demo_t *s_load (const char *text, char *err, size_t errsize)
{
    err[0] = '\0';
    yt_doc_t *doc = yt_load_string ("demo.yaml", text, err, errsize);
    if (!doc)
        return NULL;
    void *values = conf_section_new (&s_section);
    yt_node_t *root = yt_root (doc);
    yt_node_t *map = root ? yt_get (root, "demo") : NULL;
    if (conf_is_empty (map))
        map = NULL;
    if (!values || conf_section_load (&s_section, values, doc, map) != 0
        || conf_section_env (&s_section, values, err, errsize) != 0) {
        if (!err[0])
            snprintf (err, errsize, "%s", yt_error (doc));
        conf_section_destroy (&s_section, &values);
    }
    yt_destroy (&doc);
    return values;
}

static bool s_refused (const char *text, const char *expected)
{
    char err[512];
    s_demo_t *demo = s_load (text, err, sizeof err);
    bool loaded = demo != NULL;
    void *values = demo;
    conf_section_destroy (&s_section, &values);
    return unit_refused (loaded, text, err, expected);
}

UNIT_TEST (conf_section_absent_section_keeps_every_default)
{
    unsetenv ("KEFU_TEST_DEMO_TOKEN");
    char err[512];
    s_demo_t *demo = s_load ("other: 1\n", err, sizeof err);
    UNIT_ASSERT (demo);
    UNIT_ASSERT_INT_EQ (demo->workers, 4);
    UNIT_ASSERT_STR_EQ (demo->name, "demo");
    UNIT_ASSERT (demo->label == NULL && demo->relay == NULL && demo->token == NULL);
    UNIT_ASSERT_STR_EQ (demo->spool, "/var/spool/demo");
    UNIT_ASSERT_INT_EQ (demo->mode, 2);
    UNIT_ASSERT_INT_EQ (demo->days.n, 2);
    UNIT_ASSERT_STR_EQ (demo->days.items[0], "mon");
    UNIT_ASSERT_STR_EQ (demo->days.items[1], "fri");
    UNIT_ASSERT_INT_EQ (demo->limit_low, 10);
    UNIT_ASSERT_INT_EQ (demo->limit_high, 100);
    void *values = demo;
    conf_section_destroy (&s_section, &values);
    UNIT_ASSERT (values == NULL);
    conf_section_destroy (&s_section, &values);

    /* "demo:" alone is absent too, and so is an empty nested mapping */
    demo = s_load ("demo:\n", err, sizeof err);
    UNIT_ASSERT (demo && demo->workers == 4);
    values = demo;
    conf_section_destroy (&s_section, &values);
    demo = s_load ("demo:\n  limits:\n  days: ~\n", err, sizeof err);
    UNIT_ASSERT (demo && demo->limit_low == 10 && demo->days.n == 2);
    values = demo;
    conf_section_destroy (&s_section, &values);
}

UNIT_TEST (conf_section_reads_every_type_and_nested_keys)
{
    setenv ("KEFU_TEST_DEMO_TOKEN", "from-env", 1);
    char err[512];
    s_demo_t *demo = s_load ("demo:\n"
                             "  workers: 64\n"
                             "  name: \"\"\n"
                             "  label: 客服 一组\n"
                             "  spool: /tmp/spool\n"
                             "  relay: {host: mail.example.com}\n"
                             "  mode: off\n"
                             "  days: [tue, wed, thu]\n"
                             "  limits:\n"
                             "    low: 0\n"
                             "    high: 1000\n"
                             "  token: in-file\n",
                             err, sizeof err);
    unsetenv ("KEFU_TEST_DEMO_TOKEN");
    if (!demo)
        printf ("    %s\n", err);
    UNIT_ASSERT (demo);
    UNIT_ASSERT_INT_EQ (demo->workers, 64);
    UNIT_ASSERT_STR_EQ (demo->name, "");
    UNIT_ASSERT_STR_EQ (demo->label, "客服 一组");
    UNIT_ASSERT_STR_EQ (demo->spool, "/tmp/spool");
    UNIT_ASSERT_STR_EQ (demo->relay, "mail.example.com");
    UNIT_ASSERT_INT_EQ (demo->mode, 0);
    UNIT_ASSERT_INT_EQ (demo->days.n, 3);
    UNIT_ASSERT_STR_EQ (demo->days.items[2], "thu");
    UNIT_ASSERT_INT_EQ (demo->limit_low, 0);
    UNIT_ASSERT_INT_EQ (demo->limit_high, 1000);
    UNIT_ASSERT_STR_EQ (demo->token, "from-env"); /* the environment wins over the file */

    /* one "config" line per section, secrets as set/unset */
    log_init ("test", "t1", LOG_INFO);
    UNIT_ASSERT (unit_log_capture () == 0);
    conf_section_log (&s_section, demo);
    char line[4096] = "";
    UNIT_ASSERT (unit_log_captured (line, sizeof line) == 0);
    UNIT_ASSERT_CONTAINS (line, "\"event\":\"config\",\"section\":\"demo\",\"workers\":\"64\"");
    UNIT_ASSERT_CONTAINS (line, "\"relay.host\":\"mail.example.com\",\"mode\":\"off\",\"days\":\"tue,wed,thu\"");
    UNIT_ASSERT_CONTAINS (line, "\"limits.low\":\"0\",\"limits.high\":\"1000\",\"token\":\"set\"");
    UNIT_ASSERT (strstr (line, "from-env") == NULL && strstr (line, "in-file") == NULL);
    void *values = demo;
    conf_section_destroy (&s_section, &values);
}

UNIT_TEST (conf_section_bad_values_name_file_line_and_key)
{
    unsetenv ("KEFU_TEST_DEMO_TOKEN");
    /* bounds */
    UNIT_ASSERT (s_refused ("demo:\n  workers: 65\n", "demo.yaml:2: demo.workers: must be an integer from 1 to 64 (found \"65\")"));
    UNIT_ASSERT (s_refused ("demo:\n  workers: 0\n", "demo.yaml:2: demo.workers: must be an integer from 1 to 64"));
    UNIT_ASSERT (s_refused ("demo:\n  name: abcdefghijklmnopq\n", "demo.yaml:2: demo.name: longer than 16 bytes (17)"));
    UNIT_ASSERT (s_refused ("demo:\n  days: [mon, tue, wed, thu]\n", "demo.yaml:2: demo.days: at most 3 items (each once)"));
    /* wrong type */
    UNIT_ASSERT (s_refused ("demo:\n  workers: many\n", "demo.yaml:2: demo.workers: must be an integer from 1 to 64 (found \"many\")"));
    UNIT_ASSERT (s_refused ("demo:\n  name: [a]\n", "demo.yaml:2: demo.name: expected a single value, found a list"));
    UNIT_ASSERT (s_refused ("demo: [1]\n", "demo.yaml:1: demo: expected a mapping, found a list"));
    UNIT_ASSERT (s_refused ("demo:\n  limits: 5\n", "demo.yaml:2: demo.limits: expected a mapping"));
    UNIT_ASSERT (s_refused ("demo:\n  days: mon\n", "demo.yaml:2: demo.days: expected a list"));
    UNIT_ASSERT (s_refused ("demo:\n  mode: maybe\n", "demo.yaml:2: demo.mode: \"maybe\" is not one of: off, on, auto"));
    UNIT_ASSERT (s_refused ("demo:\n  days: [mon, sun]\n", "demo.yaml:2: demo.days[1]: expected one of: mon, tue, wed, thu, fri"));
    UNIT_ASSERT (s_refused ("demo:\n  days: [mon, mon]\n", "demo.yaml:2: demo.days[1]: \"mon\" listed twice"));
    UNIT_ASSERT (s_refused ("demo:\n  spool: \"\"\n", "demo.yaml:2: demo.spool: expected a file path"));
    UNIT_ASSERT (s_refused ("demo:\n  label: \"\"\n", "demo.yaml:2: demo.label"));
    UNIT_ASSERT (s_refused ("demo:\n  relay:\n    host: \"a b\"\n",
                            "demo.yaml:3: demo.relay.host: \"a b\": expected a host name or an IP address"));
    /* unknown keys, in the section and in a nested mapping */
    UNIT_ASSERT (s_refused ("demo:\n  workers: 2\n  wrokers: 3\n",
                            "demo.yaml:3: demo.wrokers: unknown key (expected one of: workers, name, label, spool, relay, mode, days, limits, token)"));
    UNIT_ASSERT (s_refused ("demo:\n  limits:\n    low: 1\n    middle: 2\n",
                            "demo.yaml:4: demo.limits.middle: unknown key (expected one of: low, high)"));
    /* required within its mapping, with a hint for a near miss */
    UNIT_ASSERT (s_refused ("demo:\n  relay:\n    port: 25\n", "demo.yaml:3: demo.relay.port: unknown key"));
    UNIT_ASSERT (s_refused ("demo:\n  relay:\n    hots: x\n", "demo.yaml:3: demo.relay.hots: unknown key (did you mean host?)"));
    UNIT_ASSERT (s_refused ("demo:\n  relay: {}\n", "demo.yaml:2: demo.relay.host: missing (required key)"));
    /* the section's own rule between keys */
    UNIT_ASSERT (s_refused ("demo:\n  limits:\n    low: 500\n    high: 20\n",
                            "demo.yaml:3: demo.limits.low: must not exceed limits.high (20)"));
    /* the environment, checked like the file */
    setenv ("KEFU_TEST_DEMO_TOKEN", "123456789", 1);
    UNIT_ASSERT (s_refused ("", "environment KEFU_TEST_DEMO_TOKEN: longer than 8 bytes"));
    unsetenv ("KEFU_TEST_DEMO_TOKEN");
}

UNIT_TEST (conf_section_known_sections_and_who_reads_them)
{
    UNIT_ASSERT (conf_section_find ("dispatch") == &dispatch_config_section);
    UNIT_ASSERT (conf_section_find ("notify") != NULL);
    UNIT_ASSERT (conf_section_find ("database") == NULL); /* shared, not a section */
    UNIT_ASSERT (conf_section_find (NULL) == NULL);
    const conf_section_t *notify = conf_section_find ("notify");
    UNIT_ASSERT (conf_section_read_by (&dispatch_config_section, "dispatch"));
    UNIT_ASSERT (!conf_section_read_by (&dispatch_config_section, "intake"));
    UNIT_ASSERT (conf_section_read_by (notify, "dispatch")); /* dispatch lists it in uses */
    UNIT_ASSERT (!conf_section_read_by (notify, "intake"));
    UNIT_ASSERT (conf_section_read_by (notify, NULL));
    for (int i = 0; conf_sections[i]; i++) {
        /* every section's defaults pass its own rules, and it can be freed */
        void *values = conf_section_new (conf_sections[i]);
        UNIT_ASSERT (values);
        conf_section_destroy (conf_sections[i], &values);
    }
}

/*  A service checks the shared part and its own sections; another
 *  section is accepted unread; a top-level key that is neither is refused. */
UNIT_TEST (config_each_service_checks_the_shared_part_and_its_own_section)
{
    unsetenv ("KEFU_SMTP_PASSWORD");
    const char *text = "messaging: {poll_ms: 50}\n"
                       "dispatch:\n"
                       "  sla_tick_ms: 5\n"
                       "notify:\n"
                       "  adapter: sms\n";
    char err[512] = "";
    cfg_t *cfg = cfg_load_string_for ("kefu.yaml", text, "intake", err, sizeof err);
    if (!cfg)
        printf ("    %s\n", err);
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_INT_EQ (cfg->poll_ms, 50);
    UNIT_ASSERT (cfg_section (cfg, &dispatch_config_section) == NULL);
    cfg_destroy (&cfg);

    cfg = cfg_load_string_for ("kefu.yaml", text, "dispatch", err, sizeof err);
    UNIT_ASSERT (cfg == NULL);
    UNIT_ASSERT_CONTAINS (err, "kefu.yaml:3: dispatch.sla_tick_ms: must be an integer from 10 to 600000 (found \"5\")");
    cfg = cfg_load_string_for ("kefu.yaml", "notify: {adapter: sms}\n", "dispatch", err, sizeof err);
    UNIT_ASSERT (cfg == NULL);
    UNIT_ASSERT_CONTAINS (err, "kefu.yaml:1: notify.adapter: \"sms\" is not one of: log, file, smtp");
    /* cfg_load (kefuctl) checks every section */
    cfg = cfg_load_string ("kefu.yaml", text, err, sizeof err);
    UNIT_ASSERT (cfg == NULL);
    UNIT_ASSERT_CONTAINS (err, "kefu.yaml:3: dispatch.sla_tick_ms");
    /* the shared part is every service's, and so is the list of sections */
    cfg = cfg_load_string_for ("kefu.yaml", "messaging: {poll_ms: 0}\n", "intake", err, sizeof err);
    UNIT_ASSERT (cfg == NULL);
    UNIT_ASSERT_CONTAINS (err, "kefu.yaml:1: messaging.poll_ms");
    cfg = cfg_load_string_for ("kefu.yaml", "dispatch: {}\ninvoicing:\n  currency: CNY\n", "intake", err, sizeof err);
    UNIT_ASSERT (cfg == NULL);
    UNIT_ASSERT_CONTAINS (err, "kefu.yaml:2: invoicing: unknown key (expected one of: database, messaging, services, "
                               "schemas_dir, log, dispatch, qc, notify, callback, billing, claims, intake)");

    /* each loaded section logs its own "config" line after the shared one */
    cfg = cfg_load_string_for ("kefu.yaml", "dispatch: {visit_kinds: [repair]}\n", "dispatch", err, sizeof err);
    UNIT_ASSERT (cfg);
    log_init ("test", "t1", LOG_INFO);
    UNIT_ASSERT (unit_log_capture () == 0);
    cfg_log (cfg);
    char lines[8192] = "";
    UNIT_ASSERT (unit_log_captured (lines, sizeof lines) == 0);
    cfg_destroy (&cfg);
    UNIT_ASSERT_CONTAINS (lines, "\"event\":\"config\",\"path\":\"kefu.yaml\"");
    UNIT_ASSERT_CONTAINS (lines, "\"event\":\"config\",\"section\":\"dispatch\",\"visit_kinds\":\"repair\","
                                 "\"assign_retry_ms\":\"2000\",\"min_grade.repair\":\"intermediate\"");
    UNIT_ASSERT_CONTAINS (lines, "\"sla_file\":\"deploy/demo/sla.yaml\",\"sla_tick_ms\":\"250\"");
    UNIT_ASSERT_CONTAINS (lines, "\"event\":\"config\",\"section\":\"notify\",\"adapter\":\"log\",\"file\":null");
}

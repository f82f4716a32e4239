/*  Unit tests for common/conf/config: the demo file loads to the documented
 *  defaults, environment overrides, every kind of bad value is refused with
 *  file:line: key, and conninfo strings are quoted the way libpq reads them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf/config.h"
#include "base/log.h"
#include "ref/org.h"
#include "unit.h"

#include "../../services/dispatch/dispatch_config.h"

static void s_clear_env (void)
{
    unsetenv ("KEFU_DB_CONNINFO");
    unsetenv ("KEFU_DB_PASSWORD");
    unsetenv ("KEFU_INTAKE_API");
    unsetenv ("KEFU_DISPATCH_API");
    unsetenv ("KEFU_SCHEMAS_DIR");
}

UNIT_TEST (config_demo_file_loads_with_documented_defaults)
{
    s_clear_env ();
    char path[512], err[512] = "";
    cfg_t *cfg = cfg_load (unit_repo_file ("deploy/demo/kefu.yaml", path, sizeof path), err, sizeof err);
    if (!cfg)
        printf ("    %s\n", err);
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_STR_EQ (cfg->db_conninfo, "dbname=kefu");
    UNIT_ASSERT_STR_EQ (cfg->db_role_prefix, "kefu_");
    UNIT_ASSERT (cfg->db_password == NULL);
    UNIT_ASSERT_INT_EQ (cfg->db_retry_max_ms, 5000);
    UNIT_ASSERT_INT_EQ (cfg->ack_timeout_ms, 2000);
    UNIT_ASSERT_INT_EQ (cfg->retry_initial_ms, 250);
    UNIT_ASSERT_INT_EQ (cfg->retry_max_ms, 30000);
    UNIT_ASSERT_INT_EQ (cfg->max_attempts, 100);
    UNIT_ASSERT_INT_EQ (cfg->high_water_mark, 10000);
    UNIT_ASSERT_INT_EQ (cfg->relay_batch, 200);
    UNIT_ASSERT_INT_EQ (cfg->poll_ms, 200);
    UNIT_ASSERT_INT_EQ (cfg->discovery_ms, 1000);
    for (int i = 0; i < CFG_SERVICE_COUNT; i++) {
        UNIT_ASSERT_STR_EQ (cfg->endpoints[i].bind, "tcp://127.0.0.1:*");
        UNIT_ASSERT (cfg->endpoints[i].advertise == NULL);
    }
    UNIT_ASSERT_STR_EQ (cfg->intake_api, "tcp://127.0.0.1:7100");
    const dispatch_config_t *dc = dispatch_config (cfg);
    UNIT_ASSERT_INT_EQ (dc->visit_kinds.n, 3);
    UNIT_ASSERT (dispatch_kind_needs_visit (dc, "repair"));
    UNIT_ASSERT (dispatch_kind_needs_visit (dc, "installation"));
    UNIT_ASSERT (dispatch_kind_needs_visit (dc, "return"));
    UNIT_ASSERT (!dispatch_kind_needs_visit (dc, "consultation"));
    UNIT_ASSERT (!dispatch_kind_needs_visit (dc, NULL));
    UNIT_ASSERT_INT_EQ (dc->assign_retry_ms, 2000);
    UNIT_ASSERT_INT_EQ (dc->min_grade_repair, GRADE_INTERMEDIATE);
    UNIT_ASSERT_INT_EQ (dc->min_grade_premium, GRADE_INTERMEDIATE);
    UNIT_ASSERT_INT_EQ (dc->min_grade_other, GRADE_TRAINEE);
    UNIT_ASSERT_STR_EQ (dc->sla_file, "deploy/demo/sla.yaml");
    UNIT_ASSERT_INT_EQ (dc->sla_tick_ms, 250);
    UNIT_ASSERT_STR_EQ (cfg->schemas_dir, "schemas");
    UNIT_ASSERT_INT_EQ (cfg->log_level, LOG_INFO);
    cfg_destroy (&cfg);
    UNIT_ASSERT (cfg == NULL);
    cfg_destroy (&cfg);

    /* An empty file means every default, the same as the demo file. */
    cfg = cfg_load_string ("empty.yaml", "", err, sizeof err);
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_STR_EQ (cfg->intake_api, "tcp://127.0.0.1:7100");
    UNIT_ASSERT_INT_EQ (dispatch_config (cfg)->visit_kinds.n, 3);
    cfg_destroy (&cfg);
}

UNIT_TEST (config_values_are_read)
{
    s_clear_env ();
    const char *text = "database:\n"
                       "  conninfo: \"host=/tmp/pg port=5433 dbname=kefu\"\n"
                       "  role_prefix: shop_\n"
                       "messaging: {ack_timeout_ms: 500, retry_initial_ms: 10, retry_max_ms: 20, max_attempts: 3}\n"
                       "services:\n"
                       "  dispatch: {bind: \"tcp://0.0.0.0:7201\", advertise: \"tcp://10.0.0.5:7201\"}\n"
                       "  intake: {api: \"ipc:///tmp/kefu-api\"}\n"
                       "dispatch:\n"
                       "  visit_kinds: [repair, complaint]\n"
                       "  min_grade: {repair: senior}\n"
                       "schemas_dir: /opt/kefu/schemas\n"
                       "log: {level: debug}\n";
    char err[512] = "";
    cfg_t *cfg = cfg_load_string ("k.yaml", text, err, sizeof err);
    if (!cfg)
        printf ("    %s\n", err);
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_STR_EQ (cfg->db_conninfo, "host=/tmp/pg port=5433 dbname=kefu");
    UNIT_ASSERT_STR_EQ (cfg->db_role_prefix, "shop_");
    UNIT_ASSERT_INT_EQ (cfg->ack_timeout_ms, 500);
    UNIT_ASSERT_INT_EQ (cfg->retry_max_ms, 20);
    UNIT_ASSERT_INT_EQ (cfg->max_attempts, 3);
    int d = cfg_service_index ("dispatch");
    UNIT_ASSERT_INT_EQ (d, 1);
    UNIT_ASSERT_STR_EQ (cfg->endpoints[d].bind, "tcp://0.0.0.0:7201");
    UNIT_ASSERT_STR_EQ (cfg->endpoints[d].advertise, "tcp://10.0.0.5:7201");
    UNIT_ASSERT_STR_EQ (cfg->intake_api, "ipc:///tmp/kefu-api");
    UNIT_ASSERT (dispatch_kind_needs_visit (dispatch_config (cfg), "complaint"));
    UNIT_ASSERT (!dispatch_kind_needs_visit (dispatch_config (cfg), "installation"));
    UNIT_ASSERT_INT_EQ (dispatch_config (cfg)->min_grade_repair, GRADE_SENIOR);
    UNIT_ASSERT_INT_EQ (dispatch_config (cfg)->min_grade_premium, GRADE_INTERMEDIATE);
    UNIT_ASSERT_STR_EQ (cfg->schemas_dir, "/opt/kefu/schemas");
    UNIT_ASSERT_INT_EQ (cfg->log_level, LOG_DEBUG);
    UNIT_ASSERT_INT_EQ (cfg_service_index ("claims"), 5);
    UNIT_ASSERT_INT_EQ (cfg_service_index ("nosuch"), -1);
    UNIT_ASSERT_INT_EQ (cfg_service_index (NULL), -1);
    cfg_destroy (&cfg);
}

UNIT_TEST (config_environment_overrides_connection_settings)
{
    s_clear_env ();
    setenv ("KEFU_DB_CONNINFO", "host=/run/kefu port=6543 dbname=other", 1);
    setenv ("KEFU_DB_PASSWORD", "s3cret", 1);
    setenv ("KEFU_INTAKE_API", "tcp://127.0.0.1:7999", 1);
    setenv ("KEFU_SCHEMAS_DIR", "/srv/schemas", 1);
    char err[512] = "";
    cfg_t *cfg = cfg_load_string ("k.yaml", "database: {conninfo: dbname=kefu}\n", err, sizeof err);
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_STR_EQ (cfg->db_conninfo, "host=/run/kefu port=6543 dbname=other");
    UNIT_ASSERT_STR_EQ (cfg->db_password, "s3cret");
    UNIT_ASSERT_STR_EQ (cfg->intake_api, "tcp://127.0.0.1:7999");
    UNIT_ASSERT_STR_EQ (cfg->schemas_dir, "/srv/schemas");
    UNIT_ASSERT_STR_EQ (cfg->endpoints[CFG_SVC_DISPATCH].api, CFG_DISPATCH_API);
    cfg_destroy (&cfg);

    setenv ("KEFU_DISPATCH_API", "tcp://127.0.0.1:*", 1);
    cfg = cfg_load_string ("k.yaml", "services: {dispatch: {api: \"tcp://127.0.0.1:7300\"}}\n", err, sizeof err);
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_STR_EQ (cfg->endpoints[CFG_SVC_DISPATCH].api, "tcp://127.0.0.1:*");
    cfg_destroy (&cfg);
    setenv ("KEFU_DISPATCH_API", "tcp://127.0.0.1:99999", 1);
    cfg = cfg_load_string ("k.yaml", "", err, sizeof err);
    unsetenv ("KEFU_DISPATCH_API");
    UNIT_ASSERT (cfg == NULL);
    UNIT_ASSERT_CONTAINS (err, "environment KEFU_DISPATCH_API: \"tcp://127.0.0.1:99999\": port must be");

    setenv ("KEFU_INTAKE_API", "http://example.com", 1);
    cfg = cfg_load_string ("k.yaml", "", err, sizeof err);
    s_clear_env ();
    UNIT_ASSERT (cfg == NULL);
    UNIT_ASSERT_CONTAINS (err, "KEFU_INTAKE_API");
    UNIT_ASSERT_CONTAINS (err, "must start with tcp://, ipc:// or inproc://");
}

/*  Loading must fail with an error containing `expected`. */
static bool s_refused (const char *text, const char *expected)
{
    char err[512] = "";
    cfg_t *cfg = cfg_load_string ("kefu.yaml", text, err, sizeof err);
    bool loaded = cfg != NULL;
    cfg_destroy (&cfg);
    return unit_refused (loaded, text, err, expected);
}

UNIT_TEST (config_bad_values_name_file_line_and_key)
{
    s_clear_env ();
    /* typo */
    UNIT_ASSERT (s_refused ("messaging:\n  ack_timout_ms: 5\n",
                            "kefu.yaml:2: messaging.ack_timout_ms: unknown key (expected one of: ack_timeout_ms,"));
    UNIT_ASSERT (s_refused ("databse:\n  conninfo: x\n", "kefu.yaml:1: databse: unknown key"));
    /* wrong type */
    UNIT_ASSERT (s_refused ("messaging:\n  poll_ms: fast\n",
                            "kefu.yaml:2: messaging.poll_ms: must be an integer from 1 to 60000 (found \"fast\")"));
    UNIT_ASSERT (s_refused ("messaging: [1, 2]\n", "kefu.yaml:1: messaging: expected a mapping, found a list"));
    UNIT_ASSERT (s_refused ("database:\n  conninfo: {a: 1}\n", "kefu.yaml:2: database.conninfo: expected a single value"));
    /* out of range */
    UNIT_ASSERT (s_refused ("messaging:\n  retry_max_ms: 0\n",
                            "kefu.yaml:2: messaging.retry_max_ms: must be an integer from 1 to 3600000"));
    UNIT_ASSERT (s_refused ("messaging:\n  high_water_mark: -5\n", "messaging.high_water_mark: must be an integer from 1"));
    UNIT_ASSERT (s_refused ("messaging:\n  retry_initial_ms: 5000\n  retry_max_ms: 100\n",
                            "kefu.yaml:2: messaging.retry_initial_ms: retry_initial_ms (5000) must not exceed retry_max_ms (100)"));
    /* endpoints */
    UNIT_ASSERT (s_refused ("services:\n  qc:\n    bind: http://x:1\n",
                            "kefu.yaml:3: services.qc.bind: \"http://x:1\": must start with tcp://, ipc:// or inproc://"));
    UNIT_ASSERT (s_refused ("services:\n  qc: {bind: \"tcp://127.0.0.1:70000\"}\n", "services.qc.bind: \"tcp://127.0.0.1:70000\": port must be"));
    UNIT_ASSERT (s_refused ("services:\n  qc: {bind: \"tcp://127.0.0.1\"}\n", "expected tcp://HOST:PORT"));
    UNIT_ASSERT (s_refused ("services:\n  qc: {advertise: \"tcp://127.0.0.1:*\"}\n", "services.qc.advertise"));
    UNIT_ASSERT (s_refused ("services:\n  dispatch:\n    api: \"udp://127.0.0.1:1\"\n",
                            "kefu.yaml:3: services.dispatch.api: \"udp://127.0.0.1:1\": must start with tcp://"));
    UNIT_ASSERT (s_refused ("services:\n  dispatch:\n    apis: \"tcp://127.0.0.1:1\"\n",
                            "kefu.yaml:3: services.dispatch.apis: unknown key (expected one of: bind, advertise, api, api_curve, metrics, health)"));
    UNIT_ASSERT (s_refused ("services:\n  intakes: {}\n", "kefu.yaml:2: services.intakes: unknown key"));
    /* dispatch */
    UNIT_ASSERT (s_refused ("dispatch:\n  visit_kinds: [repair, fixing]\n",
                            "kefu.yaml:2: dispatch.visit_kinds[1]: expected one of: consultation, repair"));
    UNIT_ASSERT (s_refused ("dispatch:\n  visit_kinds: [repair, repair]\n", "dispatch.visit_kinds[1]: \"repair\" listed twice"));
    UNIT_ASSERT (s_refused ("dispatch:\n  visit_kinds: repair\n", "dispatch.visit_kinds: expected a list"));
    UNIT_ASSERT (s_refused ("dispatch:\n  min_grade: {repair: junior}\n",
                            "kefu.yaml:2: dispatch.min_grade.repair: must be intermediate or senior"));
    UNIT_ASSERT (s_refused ("dispatch:\n  min_grade: {other: expert}\n", "\"expert\" is not one of: trainee, junior"));
    /* the rest */
    UNIT_ASSERT (s_refused ("database:\n  role_prefix: Kefu-\n", "kefu.yaml:2: database.role_prefix"));
    UNIT_ASSERT (s_refused ("log:\n  level: loud\n", "kefu.yaml:2: log.level: \"loud\" is not one of: debug, info, warn, error"));
    UNIT_ASSERT (s_refused ("schemas_dir: \"\"\n", "kefu.yaml:1: schemas_dir: expected a directory path"));
    UNIT_ASSERT (s_refused ("log: {level: info}\nlog: {level: debug}\n", "kefu.yaml:2: log: duplicate key (first at line 1)"));
    UNIT_ASSERT (s_refused ("a: &x 1\n", "anchors"));
    UNIT_ASSERT (s_refused ("- 1\n- 2\n", "kefu.yaml:1: expected a mapping, found a list"));

    char err[256];
    UNIT_ASSERT (cfg_load ("/nonexistent/kefu.yaml", err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "/nonexistent/kefu.yaml: cannot open");
}

UNIT_TEST (config_conninfo_quotes_values_for_libpq)
{
    s_clear_env ();
    char err[256];
    cfg_t *cfg = cfg_load_string ("k.yaml", "database: {conninfo: \"host=/tmp port=5433 dbname=kefu\"}\n", err, sizeof err);
    UNIT_ASSERT (cfg);
    char *ci = cfg_conninfo_for (cfg, "kefu_intake", "kefu-intake/a 1");
    UNIT_ASSERT_STR_EQ (ci, "host=/tmp port=5433 dbname=kefu user='kefu_intake' application_name='kefu-intake/a 1'");
    free (ci);
    free (cfg->db_password);
    cfg->db_password = strdup ("pa ss'w\\d");
    ci = cfg_conninfo_for (cfg, "kefu_dispatch", NULL);
    UNIT_ASSERT_STR_EQ (ci, "host=/tmp port=5433 dbname=kefu user='kefu_dispatch' password='pa ss\\'w\\\\d'");
    free (ci);
    UNIT_ASSERT (cfg_conninfo_for (cfg, NULL, "x") == NULL);
    UNIT_ASSERT (cfg_conninfo_for (cfg, "", "x") == NULL);
    UNIT_ASSERT (cfg_conninfo_for (NULL, "kefu_qc", "x") == NULL);
    cfg_destroy (&cfg);

    cfg = cfg_load_string ("k.yaml", "database: {conninfo: \"postgresql://db.example:5432/kefu?sslmode=require\"}\n", err, sizeof err);
    UNIT_ASSERT (cfg);
    ci = cfg_conninfo_for (cfg, "kefu_qc", "qc 1");
    UNIT_ASSERT_STR_EQ (ci, "postgresql://db.example:5432/kefu?sslmode=require&user=kefu_qc&application_name=qc%201");
    free (ci);
    cfg_destroy (&cfg);
}

UNIT_TEST (config_log_line_hides_passwords)
{
    s_clear_env ();
    char err[256];
    cfg_t *cfg = cfg_load_string ("k.yaml", "database: {conninfo: \"host=/tmp password='top secret' dbname=kefu\"}\n",
                                  err, sizeof err);
    UNIT_ASSERT (cfg);
    log_init ("test", "t1", LOG_INFO);
    UNIT_ASSERT (unit_log_capture () == 0);
    cfg_log (cfg);
    char line[4096] = "";
    UNIT_ASSERT (unit_log_captured (line, sizeof line) == 0);
    cfg_destroy (&cfg);
    UNIT_ASSERT_CONTAINS (line, "\"config\"");
    UNIT_ASSERT_CONTAINS (line, "password=***");
    UNIT_ASSERT_CONTAINS (line, "dbname=kefu");
    UNIT_ASSERT_CONTAINS (line, "tcp://127.0.0.1:7100");
    UNIT_ASSERT (strstr (line, "top secret") == NULL);
}

/*  test_metrics — the metrics registry's exposition text (common/ops/metrics.h),
 *  the operators' listener addresses (ops_addr.h) and their configuration
 *  keys (services.<name>.metrics, .health). */
#include "conf/config.h"
#include "ops/metrics.h"
#include "ops/ops_addr.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_L(...) ((const char *const[]){__VA_ARGS__, NULL})

UNIT_TEST (metrics_counter_text_with_constant_and_own_labels)
{
    met_registry_t *r = met_registry_new ();
    met_family_t *f =
        met_add (r, MET_COUNTER, "kefu_replies_total", "Replies sent.", S_L ("request", "code"), NULL, 0);
    UNIT_ASSERT (f);
    met_inc (met_series (f, (const char *[]){"ticket.get", "ok"}), 2);
    met_inc (met_series (f, (const char *[]){"ticket.get", "not_found"}), 1);
    met_inc (met_series (f, (const char *[]){"ticket.get", "ok"}), 1);
    char *text = met_render (r, "service=\"intake\",instance=\"intake-1\"", NULL);
    UNIT_ASSERT_STR_EQ (text,
                        "# HELP kefu_replies_total Replies sent.\n"
                        "# TYPE kefu_replies_total counter\n"
                        "kefu_replies_total{service=\"intake\",instance=\"intake-1\",request=\"ticket.get\","
                        "code=\"ok\"} 3\n"
                        "kefu_replies_total{service=\"intake\",instance=\"intake-1\",request=\"ticket.get\","
                        "code=\"not_found\"} 1\n");
    free (text);
    met_registry_destroy (&r);
    UNIT_ASSERT (r == NULL);
}

UNIT_TEST (metrics_family_without_labels_shows_zero_at_once)
{
    met_registry_t *r = met_registry_new ();
    met_family_t *c = met_add (r, MET_COUNTER, "kefu_bus_duplicates_total", "Duplicates.", NULL, NULL, 0);
    met_family_t *g = met_add (r, MET_GAUGE, "kefu_open_streams", "Streams.", NULL, NULL, 0);
    met_add_gauge (met_only (g), 3);
    met_add_gauge (met_only (g), -1);
    char *text = met_render (r, NULL, NULL);
    UNIT_ASSERT_STR_EQ (text, "# HELP kefu_bus_duplicates_total Duplicates.\n"
                              "# TYPE kefu_bus_duplicates_total counter\n"
                              "kefu_bus_duplicates_total 0\n"
                              "# HELP kefu_open_streams Streams.\n"
                              "# TYPE kefu_open_streams gauge\n"
                              "kefu_open_streams 2\n");
    UNIT_ASSERT_INT_EQ (met_value (met_only (c)), 0);
    free (text);
    met_registry_destroy (&r);
}

UNIT_TEST (metrics_histogram_buckets_are_cumulative)
{
    met_registry_t *r = met_registry_new ();
    static const double buckets[] = {0.001, 0.01, 0.1};
    met_family_t *f =
        met_add (r, MET_HISTOGRAM, "kefu_db_round_trip_seconds", "Round trips.", S_L ("op"), buckets, 3);
    met_series_t *s = met_series (f, (const char *[]){"commit"});
    met_observe (s, 0.0005);
    met_observe (s, 0.001); /* on a bound: in that bucket (le) */
    met_observe (s, 0.05);
    met_observe (s, 2);
    char *text = met_render (r, "service=\"qc\"", NULL);
    UNIT_ASSERT_STR_EQ (text,
                        "# HELP kefu_db_round_trip_seconds Round trips.\n"
                        "# TYPE kefu_db_round_trip_seconds histogram\n"
                        "kefu_db_round_trip_seconds_bucket{service=\"qc\",op=\"commit\",le=\"0.001\"} 2\n"
                        "kefu_db_round_trip_seconds_bucket{service=\"qc\",op=\"commit\",le=\"0.01\"} 2\n"
                        "kefu_db_round_trip_seconds_bucket{service=\"qc\",op=\"commit\",le=\"0.1\"} 3\n"
                        "kefu_db_round_trip_seconds_bucket{service=\"qc\",op=\"commit\",le=\"+Inf\"} 4\n"
                        "kefu_db_round_trip_seconds_sum{service=\"qc\",op=\"commit\"} 2.0515\n"
                        "kefu_db_round_trip_seconds_count{service=\"qc\",op=\"commit\"} 4\n");
    UNIT_ASSERT_INT_EQ (met_value (s), 4);
    free (text);
    met_registry_destroy (&r);
}

UNIT_TEST (metrics_label_values_are_escaped)
{
    char out[32];
    UNIT_ASSERT_INT_EQ (met_escape ("a\"b\\c\nd", out, sizeof out), 0);
    UNIT_ASSERT_STR_EQ (out, "a\\\"b\\\\c\\nd");
    UNIT_ASSERT_INT_EQ (met_escape ("\"\"\"", out, 6), -1); /* six bytes and the NUL do not fit */
    met_registry_t *r = met_registry_new ();
    met_family_t *f = met_add (r, MET_COUNTER, "x_total", "X.", S_L ("v"), NULL, 0);
    met_inc (met_series (f, (const char *[]){"say \"hi\""}), 1);
    char *text = met_render (r, NULL, NULL);
    UNIT_ASSERT_CONTAINS (text, "x_total{v=\"say \\\"hi\\\"\"} 1\n");
    free (text);
    met_registry_destroy (&r);
}

UNIT_TEST (metrics_refuse_bad_families_and_too_many_series)
{
    met_registry_t *r = met_registry_new ();
    static const double up[] = {1, 2}, down[] = {2, 1};
    UNIT_ASSERT (!met_add (r, MET_COUNTER, "1bad", "Bad.", NULL, NULL, 0));
    UNIT_ASSERT (!met_add (r, MET_COUNTER, "bad-name", "Bad.", NULL, NULL, 0));
    UNIT_ASSERT (!met_add (r, MET_COUNTER, "x_total", "Two\nlines.", NULL, NULL, 0));
    UNIT_ASSERT (!met_add (r, MET_COUNTER, "x_total", "X.", S_L ("le"), NULL, 0));
    UNIT_ASSERT (!met_add (r, MET_COUNTER, "x_total", "X.", S_L ("instance"), NULL, 0));
    UNIT_ASSERT (!met_add (r, MET_COUNTER, "x_total", "X.", S_L ("a", "b", "c", "d"), NULL, 0));
    UNIT_ASSERT (!met_add (r, MET_HISTOGRAM, "h_seconds", "H.", NULL, down, 2));
    UNIT_ASSERT (!met_add (r, MET_HISTOGRAM, "h_seconds", "H.", NULL, NULL, 0));
    UNIT_ASSERT (!met_add (r, MET_COUNTER, "x_total", "X.", NULL, up, 2));
    met_family_t *f = met_add (r, MET_COUNTER, "x_total", "X.", S_L ("n"), NULL, 0);
    UNIT_ASSERT (f);
    UNIT_ASSERT (!met_add (r, MET_GAUGE, "x_total", "Again.", NULL, NULL, 0)); /* the name is taken */
    char value[16];
    for (int i = 0; i < MET_MAX_SERIES; i++) {
        snprintf (value, sizeof value, "%d", i);
        UNIT_ASSERT (met_series (f, (const char *[]){value}));
    }
    /* a full family makes no more series; updating none is harmless */
    UNIT_ASSERT (!met_series (f, (const char *[]){"one more"}));
    met_inc (met_series (f, (const char *[]){"one more"}), 1);
    UNIT_ASSERT (met_series (f, (const char *[]){"7"})); /* the known ones are still found */
    char longer[MET_VALUE_MAX + 1];
    memset (longer, 'a', MET_VALUE_MAX);
    longer[MET_VALUE_MAX] = '\0';
    met_family_t *g = met_add (r, MET_COUNTER, "y_total", "Y.", S_L ("n"), NULL, 0);
    UNIT_ASSERT (!met_series (g, (const char *[]){longer}));
    UNIT_ASSERT (!met_series (g, NULL));
    met_registry_destroy (&r);
}

UNIT_TEST (ops_addresses_parse_or_say_why)
{
    char host[64], err[256];
    int port = -1;
    UNIT_ASSERT_INT_EQ (ops_addr_parse ("127.0.0.1:0", host, sizeof host, &port, err, sizeof err), 0);
    UNIT_ASSERT_STR_EQ (host, "127.0.0.1");
    UNIT_ASSERT_INT_EQ (port, 0);
    UNIT_ASSERT_INT_EQ (ops_addr_parse ("[::1]:9100", host, sizeof host, &port, err, sizeof err), 0);
    UNIT_ASSERT_STR_EQ (host, "::1");
    UNIT_ASSERT_INT_EQ (port, 9100);
    UNIT_ASSERT_INT_EQ (ops_addr_parse ("localhost:65535", host, sizeof host, &port, err, sizeof err), 0);
    static const char *const bad[] = {
        "127.0.0.1",    ":9100",    "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1",
        "127.0.0.1:9x", "::1:9100", "[::1:9100",  "bad host:1",      ""};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        UNIT_ASSERT_INT_EQ (ops_addr_parse (bad[i], host, sizeof host, &port, err, sizeof err), -1);
        UNIT_ASSERT (err[0] == '"');
    }
    UNIT_ASSERT (ops_addr_off ("off") && !ops_addr_off ("127.0.0.1:1"));
    UNIT_ASSERT_STR_EQ (ops_default_health ("intake"), "127.0.0.1:7191");
    UNIT_ASSERT_STR_EQ (ops_default_health ("gateway"), "127.0.0.1:7197");
    UNIT_ASSERT (ops_default_health ("nobody") == NULL);
}

UNIT_TEST (config_metrics_off_and_health_on_by_default)
{
    unsetenv ("KEFU_QC_METRICS");
    unsetenv ("KEFU_QC_HEALTH");
    char err[512] = "";
    cfg_t *cfg = cfg_load_string ("t.yaml", "services:\n  qc:\n    metrics: 127.0.0.1:0\n", err, sizeof err);
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_STR_EQ (cfg->endpoints[CFG_SVC_QC].metrics, "127.0.0.1:0");
    UNIT_ASSERT_STR_EQ (cfg->endpoints[CFG_SVC_QC].health, "127.0.0.1:7193");
    UNIT_ASSERT (cfg->endpoints[CFG_SVC_DISPATCH].metrics == NULL);
    UNIT_ASSERT_STR_EQ (cfg->endpoints[CFG_SVC_DISPATCH].health, "127.0.0.1:7192");
    cfg_destroy (&cfg);
    setenv ("KEFU_QC_HEALTH", "off", 1);
    setenv ("KEFU_QC_METRICS", "[::1]:9103", 1);
    cfg = cfg_load_string ("t.yaml", "", err, sizeof err);
    unsetenv ("KEFU_QC_HEALTH");
    unsetenv ("KEFU_QC_METRICS");
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_STR_EQ (cfg->endpoints[CFG_SVC_QC].health, "off");
    UNIT_ASSERT_STR_EQ (cfg->endpoints[CFG_SVC_QC].metrics, "[::1]:9103");
    cfg_destroy (&cfg);
}

UNIT_TEST (config_refuses_a_bad_metrics_or_health_address)
{
    char err[512] = "";
    cfg_t *cfg = cfg_load_string ("t.yaml", "services:\n  intake:\n    metrics: 9100\n", err, sizeof err);
    UNIT_ASSERT (unit_refused (cfg != NULL, "metrics: 9100", err,
                               "t.yaml:3: services.intake.metrics: \"9100\": "
                               "expected host:port"));
    cfg = cfg_load_string ("t.yaml", "services:\n  claims:\n    health: 127.0.0.1:70000\n", err, sizeof err);
    UNIT_ASSERT (unit_refused (cfg != NULL, "health port 70000", err, "expected host:port"));
    setenv ("KEFU_BILLING_METRICS", "nowhere", 1);
    cfg = cfg_load_string ("t.yaml", "", err, sizeof err);
    unsetenv ("KEFU_BILLING_METRICS");
    UNIT_ASSERT (unit_refused (cfg != NULL, "KEFU_BILLING_METRICS=nowhere", err,
                               "environment KEFU_BILLING_METRICS: \"nowhere\": expected host:port"));
}

/*  Unit tests for the callback service's rest hours (services/callback/
 *  cb_rest.h): the text form, windows across midnight, inverted and
 *  overlapping windows refused with the window named; and the callback:
 *  section of kefu.yaml (callback_config.h), refused with file:line: key. */
#include <stdio.h>
#include <string.h>

#include "conf/config.h"
#include "unit.h"

#include "../../services/callback/callback_config.h"
#include "../../services/callback/cb_rest.h"

static bool s_rest_refused (const char *text, const char *want)
{
    cbr_set_t set;
    char err[256] = "";
    return unit_refused (cbr_parse (text, &set, err, sizeof err) == 0, text, err, want);
}

UNIT_TEST (callback_rest_windows_cross_midnight)
{
    cbr_set_t set;
    char err[256] = "", text[CBR_TEXT_MAX];
    UNIT_ASSERT_INT_EQ (cbr_parse ("12:00-14:00, 20:00-09:00+1", &set, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (set.n, 2);
    UNIT_ASSERT_STR_EQ (cbr_format (&set, text, sizeof text), "12:00-14:00,20:00-09:00+1");
    int left = 0;
    /* 23:30 and 03:00 rest until 09:00; 08:59 for one more minute; 09:00 is free */
    UNIT_ASSERT (cbr_resting (&set, 23 * 60 + 30, &left));
    UNIT_ASSERT_INT_EQ (left, 30 + 9 * 60);
    UNIT_ASSERT (cbr_resting (&set, 3 * 60, &left));
    UNIT_ASSERT_INT_EQ (left, 6 * 60);
    UNIT_ASSERT (cbr_resting (&set, 8 * 60 + 59, &left));
    UNIT_ASSERT_INT_EQ (left, 1);
    UNIT_ASSERT (!cbr_resting (&set, 9 * 60, NULL));
    UNIT_ASSERT (!cbr_resting (&set, 19 * 60 + 59, NULL));
    UNIT_ASSERT (cbr_resting (&set, 20 * 60, NULL));
    UNIT_ASSERT (cbr_resting (&set, 12 * 60, &left));
    UNIT_ASSERT_INT_EQ (left, 120);
    UNIT_ASSERT (!cbr_resting (&set, 14 * 60, NULL));
    /* the empty set, and touching windows */
    UNIT_ASSERT_INT_EQ (cbr_parse ("none", &set, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (set.n, 0);
    UNIT_ASSERT (!cbr_resting (&set, 0, NULL));
    UNIT_ASSERT_INT_EQ (cbr_parse ("12:00-14:00,14:00-15:00,22:00-00:00+1", &set, err, sizeof err), 0);
    UNIT_ASSERT_STR_EQ (cbr_format (&set, text, sizeof text), "12:00-14:00,14:00-15:00,22:00-24:00");
}

UNIT_TEST (callback_rest_refuses_inverted_and_overlapping)
{
    UNIT_ASSERT (s_rest_refused ("14:00-12:00", "\"14:00-12:00\": inverted"));
    UNIT_ASSERT (s_rest_refused ("20:00-09:00", "+1"));
    UNIT_ASSERT (s_rest_refused ("09:00-20:00+1", "the end must be before the start"));
    UNIT_ASSERT (s_rest_refused ("12:00-12:00", "empty"));
    UNIT_ASSERT (s_rest_refused ("12:00-14:00,13:00-15:00", "\"13:00-15:00\": overlaps 12:00-14:00"));
    /* across midnight: 23:00-01:00 overlaps 00:30-02:00 of the next day */
    UNIT_ASSERT (s_rest_refused ("23:00-01:00+1,00:30-02:00", "overlaps 23:00-01:00+1"));
    UNIT_ASSERT (s_rest_refused ("20:00-09:00+1,08:00-10:00", "overlaps"));
    UNIT_ASSERT (s_rest_refused ("00:00-24:00", "whole day"));
    UNIT_ASSERT (s_rest_refused ("12:00-25:00", "expected HH:MM-HH:MM"));
    UNIT_ASSERT (s_rest_refused ("noon", "expected HH:MM-HH:MM"));
    UNIT_ASSERT (s_rest_refused ("12:00-14:00,", "comma"));
    UNIT_ASSERT (s_rest_refused ("01:00-02:00,03:00-04:00,05:00-06:00,07:00-08:00,09:00-10:00", "at most 4"));
}

static bool s_config_refused (const char *text, const char *want)
{
    char err[512] = "";
    cfg_t *cfg = cfg_load_string ("kefu.yaml", text, err, sizeof err);
    bool loaded = cfg != NULL;
    cfg_destroy (&cfg);
    return unit_refused (loaded, text, err, want);
}

UNIT_TEST (callback_config_defaults_and_branch_rest_hours)
{
    char err[512] = "", text[CBR_TEXT_MAX];
    cfg_t *cfg = cfg_load_string ("kefu.yaml", "", err, sizeof err);
    UNIT_ASSERT (cfg);
    const callback_config_t *c = callback_config (cfg);
    UNIT_ASSERT_INT_EQ (c->after_work_hours, 72);
    UNIT_ASSERT_INT_EQ (c->installation_hours, 168);
    UNIT_ASSERT_INT_EQ (c->maintenance_hours, 24);
    UNIT_ASSERT_INT_EQ (c->retry_max_attempts, 3);
    UNIT_ASSERT_INT_EQ (c->retry_min_gap_minutes, 120);
    UNIT_ASSERT (c->retry_vary_time);
    UNIT_ASSERT_INT_EQ (c->important_months, 6);
    cbr_set_t set;
    callback_branch_rest (c, "SH01", &set);
    UNIT_ASSERT_STR_EQ (cbr_format (&set, text, sizeof text), "12:00-14:00,20:00-09:00+1");
    cfg_destroy (&cfg);

    cfg = cfg_load_string ("kefu.yaml",
                           "callback:\n"
                           "  due: {after_work_hours: 48, maintenance_lines: \"boiler, water-heater\"}\n"
                           "  rest_hours:\n"
                           "    default: \"12:30-13:30\"\n"
                           "    branches: \"SH02=12:00-13:30,21:00-08:30+1; SZ01=none\"\n",
                           err, sizeof err);
    if (!cfg)
        printf ("    %s\n", err);
    UNIT_ASSERT (cfg);
    c = callback_config (cfg);
    UNIT_ASSERT_INT_EQ (c->after_work_hours, 48);
    callback_branch_rest (c, "SH02", &set);
    UNIT_ASSERT_STR_EQ (cbr_format (&set, text, sizeof text), "12:00-13:30,21:00-08:30+1");
    callback_branch_rest (c, "SZ01", &set);
    UNIT_ASSERT_STR_EQ (cbr_format (&set, text, sizeof text), "none");
    callback_branch_rest (c, "SH01", &set);
    UNIT_ASSERT_STR_EQ (cbr_format (&set, text, sizeof text), "12:30-13:30");
    UNIT_ASSERT (callback_line_listed (c->maintenance_lines, "water-heater"));
    UNIT_ASSERT (callback_line_listed (c->maintenance_lines, "boiler"));
    UNIT_ASSERT (!callback_line_listed (c->maintenance_lines, "water"));
    cfg_destroy (&cfg);
}

UNIT_TEST (callback_config_refuses_bad_rest_hours_with_file_line_key)
{
    UNIT_ASSERT (s_config_refused ("callback:\n  rest_hours:\n    default: \"14:00-12:00\"\n",
                                   "kefu.yaml:3: callback.rest_hours.default: \"14:00-12:00\": inverted"));
    UNIT_ASSERT (s_config_refused ("callback:\n  rest_hours:\n    default: \"12:00-14:00,13:00-15:00\"\n",
                                   "kefu.yaml:3: callback.rest_hours.default: \"13:00-15:00\": overlaps"));
    UNIT_ASSERT (s_config_refused ("callback:\n  rest_hours:\n    branches: \"SH02=20:00-09:00\"\n",
                                   "kefu.yaml:3: callback.rest_hours.branches: SH02: \"20:00-09:00\": inverted"));
    UNIT_ASSERT (s_config_refused ("callback:\n  rest_hours:\n    branches: \"SH02 12:00-13:00\"\n",
                                   "expected BRANCH=windows"));
    UNIT_ASSERT (s_config_refused ("callback:\n  rest_hours:\n    branches: \"SH02=none;SH02=none\"\n",
                                   "listed twice"));
    UNIT_ASSERT (s_config_refused ("callback:\n  retry:\n    max_attempts: 0\n", "callback.retry.max_attempts"));
    UNIT_ASSERT (s_config_refused ("callback:\n  periodic:\n    important_classes: [gold]\n",
                                   "expected one of: regular, important, vip"));
    UNIT_ASSERT (s_config_refused ("callback:\n  due:\n    maintenance_lines: \"a;b\"\n",
                                   "callback.due.maintenance_lines: expected product lines"));
    UNIT_ASSERT (s_config_refused ("callback:\n  dew: {}\n", "unknown key"));
}

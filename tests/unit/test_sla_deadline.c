/*  Unit tests for services/dispatch/sla/sla_deadline: a clock row's target
 *  read back, due and warning instants in business time (across a night and
 *  a weekend), in calendar time and in working days, and a target's own
 *  time added and measured.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "time/calendar.h"
#include "base/clock.h"
#include "../../services/dispatch/sla/sla_deadline.h"
#include "unit.h"

#define MINUTE (INT64_C (60) * 1000000)
#define HOUR (60 * MINUTE)

/*  Shanghai (UTC+8, no daylight saving), Monday to Friday 09:00-18:00. */
static cal_t *s_cal (void)
{
    hours_week_t week = { .n = { 1, 1, 1, 1, 1 } };
    for (int d = 0; d < 5; d++)
        week.iv[d][0] = (hours_interval_t) { 9 * 60, 18 * 60 };
    char err[256] = "";
    cal_t *cal = cal_new ("Asia/Shanghai", &week, err, sizeof err);
    if (!cal)
        printf ("    %s\n", err);
    return cal;
}

/*  An instant written in Shanghai's offset. */
static int64_t s_at (const char *local)
{
    char text[40];
    int64_t us = 0;
    snprintf (text, sizeof text, "%s+08:00", local);
    clock_parse_rfc3339 (text, &us);
    return us;
}

UNIT_TEST (sla_deadline_reads_a_clock_rows_target)
{
    sdl_target_t t;
    UNIT_ASSERT_INT_EQ (sdl_target_parse ("working_days", "3", "business", &t), 0);
    UNIT_ASSERT (t.unit == SLA_UNIT_WORKING_DAYS && t.amount == 3 && t.time == SLA_TIME_BUSINESS);
    UNIT_ASSERT_INT_EQ (sdl_target_parse ("minutes", "90", "calendar", &t), 0);
    UNIT_ASSERT (t.unit == SLA_UNIT_MINUTES && t.amount == 90 && t.time == SLA_TIME_CALENDAR);
    UNIT_ASSERT_INT_EQ (sdl_target_parse ("minutes", "0", "business", &t), -1);
    char text[64];
    sdl_describe (&(sdl_target_t) { SLA_UNIT_MINUTES, 120, SLA_TIME_BUSINESS }, "arrival", text, sizeof text);
    UNIT_ASSERT_STR_EQ (text, "2 business hours");
    sdl_describe (&(sdl_target_t) { SLA_UNIT_MINUTES, 90, SLA_TIME_BUSINESS }, "arrival", text, sizeof text);
    UNIT_ASSERT_STR_EQ (text, "90 business minutes");
}

UNIT_TEST (sla_deadline_due_and_warning_instants)
{
    cal_t *cal = s_cal ();
    UNIT_ASSERT (cal);
    char err[256] = "";
    int64_t due = 0, warn = 0;
    /* Friday 17:00 + 2 business hours: due Monday 10:00, warning (80 %) Monday 09:36 */
    int64_t fri = s_at ("2025-03-07T17:00:00");
    sdl_target_t two_hours = { SLA_UNIT_MINUTES, 120, SLA_TIME_BUSINESS };
    UNIT_ASSERT_INT_EQ (sdl_deadlines (cal, &two_hours, 80, fri, &due, &warn, err, sizeof err), 0);
    UNIT_ASSERT (due == s_at ("2025-03-10T10:00:00"));
    UNIT_ASSERT (warn == s_at ("2025-03-10T09:36:00"));
    /* calendar time runs through the weekend */
    sdl_target_t day = { SLA_UNIT_MINUTES, 24 * 60, SLA_TIME_CALENDAR };
    UNIT_ASSERT_INT_EQ (sdl_deadlines (cal, &day, 50, fri, &due, &warn, err, sizeof err), 0);
    UNIT_ASSERT (due == fri + 24 * HOUR && warn == fri + 12 * HOUR);
    /* 1 working day from Friday: the end of Monday's hours */
    sdl_target_t one_day = { SLA_UNIT_WORKING_DAYS, 1, SLA_TIME_BUSINESS };
    UNIT_ASSERT_INT_EQ (sdl_deadlines (cal, &one_day, 80, fri, &due, &warn, err, sizeof err), 0);
    UNIT_ASSERT (due == s_at ("2025-03-10T18:00:00"));
    cal_destroy (&cal);
}

UNIT_TEST (sla_deadline_own_time_added_and_measured)
{
    cal_t *cal = s_cal ();
    UNIT_ASSERT (cal);
    char err[256] = "";
    int64_t fri = s_at ("2025-03-07T17:00:00"), mon = s_at ("2025-03-10T10:00:00"), out = -1;
    UNIT_ASSERT_INT_EQ (sdl_between (cal, SLA_TIME_BUSINESS, fri, mon, &out, err, sizeof err), 0);
    UNIT_ASSERT (out == 2 * HOUR);
    UNIT_ASSERT_INT_EQ (sdl_between (cal, SLA_TIME_CALENDAR, fri, mon, &out, err, sizeof err), 0);
    UNIT_ASSERT (out == mon - fri);
    UNIT_ASSERT_INT_EQ (sdl_between (cal, SLA_TIME_BUSINESS, mon, fri, &out, err, sizeof err), 0);
    UNIT_ASSERT (out == 0);
    UNIT_ASSERT_INT_EQ (sdl_add (cal, SLA_TIME_BUSINESS, fri, 2 * HOUR, &out, err, sizeof err), 0);
    UNIT_ASSERT (out == mon);
    UNIT_ASSERT_INT_EQ (sdl_add (NULL, SLA_TIME_CALENDAR, fri, HOUR, &out, err, sizeof err), 0);
    UNIT_ASSERT (out == fri + HOUR);
    cal_destroy (&cal);
}

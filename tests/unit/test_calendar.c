/*  Unit tests for common/time/calendar: deadlines within a day, across a lunch
 *  break, midnight and weekends, across China's 2025 Spring Festival and
 *  National Day (with their make-up working days) and New Year 2025/2026,
 *  across New York's daylight-saving changes with intervals that span
 *  02:00, the guard against calendars without working time, and
 *  cal_business_us as the exact inverse of cal_add_business_us for many
 *  random starts (fixed seed), checked against a minute-by-minute count;
 *  and "N working days" (cal_add_working_days) over plain weeks, the 2025
 *  Spring Festival and National Day, the 2025/2026 year end and bad input.
 *
 *  Expected deadlines are worked out by hand in the comments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "time/calendar.h"
#include "unit.h"

#define US INT64_C (1000000)
#define HOUR (3600 * US)

/*  Weekly hours: `days` is seven '1'/'0' from Monday; the same one or two
 *  intervals on each open day. */
static hours_week_t s_week (const char *days, const char *iv1, const char *iv2)
{
    hours_week_t week;
    memset (&week, 0, sizeof week);
    for (int d = 0; d < 7; d++) {
        if (days[d] != '1')
            continue;
        if (iv1 && hours_interval_parse (iv1, &week.iv[d][week.n[d]]) == 0)
            week.n[d]++;
        if (iv2 && hours_interval_parse (iv2, &week.iv[d][week.n[d]]) == 0)
            week.n[d]++;
    }
    return week;
}

static cal_t *s_cal (const char *tz, const hours_week_t *week)
{
    char err[256] = "";
    cal_t *cal = cal_new (tz, week, err, sizeof err);
    if (!cal)
        printf ("    %s\n", err);
    return cal;
}

/*  The UTC instant of a local date and time in the calendar's zone. */
static int64_t s_at (const cal_t *cal, int y, int mo, int d, int h, int mi)
{
    int64_t us = 0;
    tz_local_to_utc (cal_tz (cal), &(tz_civil_t) { y, mo, d, h, mi, 0 }, TZ_EARLIER, &us);
    return us;
}

/*  Deadline of `seconds` after start, or INT64_MIN on failure. */
static int64_t s_due (const cal_t *cal, int64_t start, int64_t seconds)
{
    int64_t due;
    char err[256] = "";
    if (cal_add_business (cal, start, seconds, &due, err, sizeof err) != 0) {
        printf ("    %s\n", err);
        return INT64_MIN;
    }
    return due;
}

static int64_t s_between (const cal_t *cal, int64_t from, int64_t to)
{
    int64_t us = INT64_MIN;
    cal_business_us (cal, from, to, &us, NULL, 0);
    return us;
}

typedef struct { int y1, m1, d1, y2, m2, d2; } s_range_t;

/*  China's holidays and make-up days, 2025 and 2026, typed in from the
 *  State Council notices independently of deploy/calendars (test_holidays
 *  checks that the files say the same). */
static const s_range_t s_cn_holidays[] = {
    { 2025, 1, 1, 2025, 1, 1 },   { 2025, 1, 28, 2025, 2, 4 },  { 2025, 4, 4, 2025, 4, 6 },
    { 2025, 5, 1, 2025, 5, 5 },   { 2025, 5, 31, 2025, 6, 2 },  { 2025, 10, 1, 2025, 10, 8 },
    { 2026, 1, 1, 2026, 1, 3 },   { 2026, 2, 15, 2026, 2, 23 }, { 2026, 4, 4, 2026, 4, 6 },
    { 2026, 5, 1, 2026, 5, 5 },   { 2026, 6, 19, 2026, 6, 21 }, { 2026, 9, 25, 2026, 9, 27 },
    { 2026, 10, 1, 2026, 10, 7 },
};
static const int s_cn_workdays[][3] = {
    { 2025, 1, 26 }, { 2025, 2, 8 }, { 2025, 4, 27 }, { 2025, 9, 28 }, { 2025, 10, 11 }, { 2026, 1, 4 },
    { 2026, 2, 14 }, { 2026, 2, 28 }, { 2026, 5, 9 }, { 2026, 9, 20 }, { 2026, 10, 10 },
};

static int s_add_cn (cal_t *cal)
{
    for (size_t i = 0; i < sizeof s_cn_holidays / sizeof *s_cn_holidays; i++) {
        const s_range_t *r = &s_cn_holidays[i];
        for (int64_t day = tz_days_from_civil (r->y1, r->m1, r->d1); day <= tz_days_from_civil (r->y2, r->m2, r->d2);
             day++) {
            int y, m, d;
            tz_civil_from_days (day, &y, &m, &d);
            if (cal_add_holiday (cal, y, m, d, NULL, 0) != 0)
                return -1;
        }
    }
    for (size_t i = 0; i < sizeof s_cn_workdays / sizeof *s_cn_workdays; i++)
        if (cal_add_workday_as (cal, s_cn_workdays[i][0], s_cn_workdays[i][1], s_cn_workdays[i][2], 0, NULL, 0) != 0)
            return -1;
    return 0;
}

UNIT_TEST (calendar_within_a_day)
{
    hours_week_t week = s_week ("1111100", "08:00-18:00", NULL);
    cal_t *cal = s_cal ("Asia/Shanghai", &week);
    UNIT_ASSERT (cal);
    /* Tuesday 4 March 2025. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 4, 9, 0), 2 * 3600), s_at (cal, 2025, 3, 4, 11, 0));
    /* Exactly to the close: due at 18:00, not at 08:00 the next day. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 4, 14, 0), 4 * 3600), s_at (cal, 2025, 3, 4, 18, 0));
    /* Before opening the clock waits for 08:00; after closing, for the next morning. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 4, 7, 0), 3600), s_at (cal, 2025, 3, 4, 9, 0));
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 4, 19, 0), 3600), s_at (cal, 2025, 3, 5, 9, 0));
    /* To the second, and sub-second starts keep their microseconds. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 4, 9, 0), 1), s_at (cal, 2025, 3, 4, 9, 0) + US);
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 4, 9, 0) + 123, 59), s_at (cal, 2025, 3, 4, 9, 0) + 59 * US + 123);
    /* Zero business time is due at once, even outside working hours. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 4, 20, 0), 0), s_at (cal, 2025, 3, 4, 20, 0));
    UNIT_ASSERT (cal_is_open (cal, s_at (cal, 2025, 3, 4, 8, 0)));
    UNIT_ASSERT (cal_is_open (cal, s_at (cal, 2025, 3, 4, 18, 0) - 1));
    UNIT_ASSERT (!cal_is_open (cal, s_at (cal, 2025, 3, 4, 18, 0)));
    UNIT_ASSERT (!cal_is_open (cal, s_at (cal, 2025, 3, 4, 8, 0) - 1));
    int64_t open;
    UNIT_ASSERT (cal_next_open (cal, s_at (cal, 2025, 3, 4, 19, 0), &open, NULL, 0) == 0);
    UNIT_ASSERT_INT_EQ (open, s_at (cal, 2025, 3, 5, 8, 0));
    UNIT_ASSERT (cal_next_open (cal, s_at (cal, 2025, 3, 4, 10, 0), &open, NULL, 0) == 0);
    UNIT_ASSERT_INT_EQ (open, s_at (cal, 2025, 3, 4, 10, 0));
    int64_t seconds;
    UNIT_ASSERT (cal_business_seconds (cal, s_at (cal, 2025, 3, 4, 7, 0), s_at (cal, 2025, 3, 4, 20, 0), &seconds,
                                       NULL, 0) == 0);
    UNIT_ASSERT_INT_EQ (seconds, 10 * 3600);
    UNIT_ASSERT (cal_business_seconds (cal, s_at (cal, 2025, 3, 4, 20, 0), s_at (cal, 2025, 3, 4, 7, 0), &seconds,
                                       NULL, 0) == 0);
    UNIT_ASSERT_INT_EQ (seconds, -10 * 3600);
    cal_destroy (&cal);
    cal_destroy (&cal);
    UNIT_ASSERT (cal == NULL);
}

UNIT_TEST (calendar_lunch_break_and_weekend)
{
    hours_week_t week = s_week ("1111100", "08:30-12:00", "13:00-17:30");
    cal_t *cal = s_cal ("Asia/Shanghai", &week);
    UNIT_ASSERT (cal);
    /* Tue 4 Mar 2025 11:00 + 2 h: 11:00-12:00 is 1 h, lunch, 13:00 + 1 h = 14:00. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 4, 11, 0), 2 * 3600), s_at (cal, 2025, 3, 4, 14, 0));
    /* Started during lunch: 13:00 + 30 min. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 4, 12, 30), 1800), s_at (cal, 2025, 3, 4, 13, 30));
    UNIT_ASSERT (!cal_is_open (cal, s_at (cal, 2025, 3, 4, 12, 30)));
    /* Exactly the morning: due at 12:00, not 13:00. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 4, 8, 30), 3 * 3600 + 1800), s_at (cal, 2025, 3, 4, 12, 0));
    /* Fri 7 Mar 17:00 + 1 h: 30 min on Friday, the weekend is closed, Mon 10 Mar 08:30 + 30 min. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 7, 17, 0), 3600), s_at (cal, 2025, 3, 10, 9, 0));
    /* Sat 8 Mar 10:00 + 8 h: exactly a whole Monday (3.5 h + 4.5 h) = Mon 10 Mar 17:30;
     * 9 h is 1 h into Tuesday = Tue 11 Mar 09:30. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 8, 10, 0), 8 * 3600), s_at (cal, 2025, 3, 10, 17, 30));
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 8, 10, 0), 9 * 3600), s_at (cal, 2025, 3, 11, 9, 30));
    /* A week is 40 working hours. */
    UNIT_ASSERT_INT_EQ (s_between (cal, s_at (cal, 2025, 3, 3, 0, 0), s_at (cal, 2025, 3, 10, 0, 0)), 40 * HOUR);
    cal_destroy (&cal);
}

UNIT_TEST (calendar_across_midnight)
{
    /* A night desk, 22:00-24:00 and 00:00-06:00 every day: one stretch across midnight. */
    hours_week_t night = s_week ("1111111", "00:00-06:00", "22:00-24:00");
    cal_t *cal = s_cal ("Asia/Shanghai", &night);
    UNIT_ASSERT (cal);
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 4, 23, 0), 2 * 3600), s_at (cal, 2025, 3, 5, 1, 0));
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 4, 23, 0), 7 * 3600), s_at (cal, 2025, 3, 5, 6, 0));
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 4, 23, 0), 7 * 3600 + 1), s_at (cal, 2025, 3, 5, 22, 0) + US);
    /* Across the year end: 31 Dec 2025 23:30 + 1 h = 1 Jan 2026 00:30. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 12, 31, 23, 30), 3600), s_at (cal, 2026, 1, 1, 0, 30));
    UNIT_ASSERT (cal_is_open (cal, s_at (cal, 2026, 1, 1, 0, 0)));
    cal_destroy (&cal);
    /* Evenings on weekdays only: Fri 7 Mar 23:00 + 2 h = 1 h Friday + Mon 10 Mar 20:00 + 1 h. */
    hours_week_t evenings = s_week ("1111100", "20:00-24:00", NULL);
    cal = s_cal ("Asia/Shanghai", &evenings);
    UNIT_ASSERT (cal);
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 3, 7, 23, 0), 2 * 3600), s_at (cal, 2025, 3, 10, 21, 0));
    cal_destroy (&cal);
}

UNIT_TEST (calendar_spring_festival_2025)
{
    hours_week_t week = s_week ("1111100", "08:00-18:00", NULL);
    cal_t *cal = s_cal ("Asia/Shanghai", &week);
    UNIT_ASSERT (cal);
    UNIT_ASSERT (s_add_cn (cal) == 0);
    cal_day_t day;
    UNIT_ASSERT (cal_day (cal, 2025, 1, 26, &day) == 0); /* Sunday, worked as a Monday */
    UNIT_ASSERT (day.kind == CAL_DAY_WORKDAY && day.weekday == 6 && day.n == 1 && day.iv[0].start_min == 480);
    UNIT_ASSERT (cal_day (cal, 2025, 1, 27, &day) == 0); /* an ordinary Monday */
    UNIT_ASSERT (day.kind == CAL_DAY_REGULAR && day.weekday == 0 && day.n == 1);
    UNIT_ASSERT (cal_day (cal, 2025, 1, 28, &day) == 0 && day.kind == CAL_DAY_HOLIDAY && day.n == 0);
    UNIT_ASSERT (cal_day (cal, 2025, 2, 29, &day) == -1);
    /* The brief's case: a 4 h promise made Mon 27 Jan 2025 16:00. 27 Jan is a normal Monday (the
     * make-up day was the day before, 26 Jan), so 16:00-18:00 counts 2 h. 28 Jan - 4 Feb are
     * holidays (Sat 1 and Sun 2 Feb would be closed anyway). Wed 5 Feb 08:00 + the remaining
     * 2 h = 5 Feb 10:00 Beijing time (02:00 UTC). */
    int64_t due = s_due (cal, s_at (cal, 2025, 1, 27, 16, 0), 4 * 3600);
    UNIT_ASSERT_INT_EQ (due, s_at (cal, 2025, 2, 5, 10, 0));
    UNIT_ASSERT_INT_EQ (due / US, 1738720800); /* 2025-02-05T02:00:00Z */
    /* Sat 25 Jan 10:00 + 12 h: Saturday is closed; Sun 26 Jan is a make-up day with Monday's
     * 08:00-18:00 (10 h); Mon 27 Jan 08:00 + 2 h = 10:00. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 1, 25, 10, 0), 12 * 3600), s_at (cal, 2025, 1, 27, 10, 0));
    /* Fri 7 Feb 17:00 + 3 h: 1 h Friday; Sat 8 Feb is a make-up day: 08:00 + 2 h = 10:00. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 2, 7, 17, 0), 3 * 3600), s_at (cal, 2025, 2, 8, 10, 0));
    /* Promised during the holiday: Thu 30 Jan 12:00 + 1 h = Wed 5 Feb 09:00. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 1, 30, 12, 0), 3600), s_at (cal, 2025, 2, 5, 9, 0));
    /* 25 Jan - 9 Feb holds six working days: 26, 27 Jan, 5, 6, 7, 8 Feb = 60 h. */
    UNIT_ASSERT_INT_EQ (s_between (cal, s_at (cal, 2025, 1, 25, 0, 0), s_at (cal, 2025, 2, 10, 0, 0)), 60 * HOUR);
    UNIT_ASSERT (!cal_is_open (cal, s_at (cal, 2025, 2, 3, 10, 0)));  /* a Monday in the holiday */
    UNIT_ASSERT (cal_is_open (cal, s_at (cal, 2025, 2, 8, 10, 0)));   /* a Saturday worked */
    UNIT_ASSERT (!cal_is_open (cal, s_at (cal, 2025, 2, 9, 10, 0)));  /* an ordinary Sunday */
    cal_destroy (&cal);
    /* A seven-day hotline (08:00-18:00 every day) is closed on the holidays too: the same 5 Feb 10:00. */
    hours_week_t hotline = s_week ("1111111", "08:00-18:00", NULL);
    cal = s_cal ("Asia/Shanghai", &hotline);
    UNIT_ASSERT (cal && s_add_cn (cal) == 0);
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 1, 27, 16, 0), 4 * 3600), s_at (cal, 2025, 2, 5, 10, 0));
    cal_destroy (&cal);
}

UNIT_TEST (calendar_national_day_2025)
{
    hours_week_t week = s_week ("1111100", "08:00-18:00", NULL);
    cal_t *cal = s_cal ("Asia/Shanghai", &week);
    UNIT_ASSERT (cal && s_add_cn (cal) == 0);
    /* Fri 26 Sep 16:00 + 14 h: 2 h Friday; Sat 27 closed; Sun 28 Sep is a make-up day (10 h);
     * Mon 29 Sep 08:00 + 2 h = 10:00. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 9, 26, 16, 0), 14 * 3600), s_at (cal, 2025, 9, 29, 10, 0));
    /* Tue 30 Sep 17:00 + 3 h: 1 h; 1-8 Oct holidays; Thu 9 Oct 08:00 + 2 h = 10:00. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 9, 30, 17, 0), 3 * 3600), s_at (cal, 2025, 10, 9, 10, 0));
    /* Fri 10 Oct 15:00 + 15 h: 3 h; Sat 11 Oct is a make-up day (10 h); Sun 12 closed;
     * Mon 13 Oct 08:00 + 2 h = 10:00. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 10, 10, 15, 0), 15 * 3600), s_at (cal, 2025, 10, 13, 10, 0));
    /* 27 Sep - 12 Oct: 28, 29, 30 Sep and 9, 10, 11 Oct are worked = 60 h. */
    UNIT_ASSERT_INT_EQ (s_between (cal, s_at (cal, 2025, 9, 27, 0, 0), s_at (cal, 2025, 10, 13, 0, 0)), 60 * HOUR);
    cal_destroy (&cal);
}

UNIT_TEST (calendar_new_year_2025_2026)
{
    hours_week_t week = s_week ("1111100", "08:00-18:00", NULL);
    cal_t *cal = s_cal ("Asia/Shanghai", &week);
    UNIT_ASSERT (cal && s_add_cn (cal) == 0);
    /* Three working days (30 h) from Wed 31 Dec 2025 09:00: 9 h on the 31st; 1-3 Jan 2026 are
     * holidays; Sun 4 Jan is a make-up day (10 h, 11 h left); Mon 5 Jan 10 h (1 h left);
     * Tue 6 Jan 08:00 + 1 h = 09:00 — three working days after 09:00 on the 31st. */
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 12, 31, 9, 0), 30 * 3600), s_at (cal, 2026, 1, 6, 9, 0));
    cal_destroy (&cal);
    /* The same with a shorter make-up day given as explicit hours, 09:00-12:00 on 4 Jan:
     * 9 h + 3 h + 10 h = 22 h by Monday evening, Tue 6 Jan 08:00 + 8 h = 16:00. */
    cal = s_cal ("Asia/Shanghai", &week);
    UNIT_ASSERT (cal);
    hours_interval_t morning;
    UNIT_ASSERT (hours_interval_parse ("09:00-12:00", &morning) == 0);
    for (int d = 1; d <= 3; d++)
        UNIT_ASSERT (cal_add_holiday (cal, 2026, 1, d, NULL, 0) == 0);
    UNIT_ASSERT (cal_add_workday (cal, 2026, 1, 4, &morning, 1, NULL, 0) == 0);
    UNIT_ASSERT_INT_EQ (s_due (cal, s_at (cal, 2025, 12, 31, 9, 0), 30 * 3600), s_at (cal, 2026, 1, 6, 16, 0));
    cal_destroy (&cal);
}

UNIT_TEST (calendar_dst_new_york)
{
    /* Every day 01:00-05:00 (spans 02:00, where the clocks change) and 08:00-18:00. */
    hours_week_t week = s_week ("1111111", "01:00-05:00", "08:00-18:00");
    cal_t *cal = s_cal ("America/New_York", &week);
    UNIT_ASSERT (cal);
    /* Sun 9 Mar 2025: 01:00 EST (06:00Z) to 05:00 EDT (09:00Z) is 3 h, not 4. */
    int64_t start = s_at (cal, 2025, 3, 9, 1, 0);
    UNIT_ASSERT_INT_EQ (start / US, (tz_days_from_civil (2025, 3, 9) * 86400) + 6 * 3600);
    UNIT_ASSERT_INT_EQ (s_due (cal, start, 3 * 3600), start + 3 * HOUR);
    UNIT_ASSERT_INT_EQ (s_due (cal, start, 3 * 3600), s_at (cal, 2025, 3, 9, 5, 0));
    /* 3.5 h: the night's 3 h, then 08:00 EDT + 30 min. */
    UNIT_ASSERT_INT_EQ (s_due (cal, start, 3 * 3600 + 1800), s_at (cal, 2025, 3, 9, 8, 30));
    /* Whole days: 14 h normally, 13 h on the spring-forward day, 15 h on the fall-back day. */
    UNIT_ASSERT_INT_EQ (s_between (cal, s_at (cal, 2025, 3, 8, 0, 0), s_at (cal, 2025, 3, 9, 0, 0)), 14 * HOUR);
    UNIT_ASSERT_INT_EQ (s_between (cal, s_at (cal, 2025, 3, 9, 0, 0), s_at (cal, 2025, 3, 10, 0, 0)), 13 * HOUR);
    UNIT_ASSERT_INT_EQ (s_between (cal, s_at (cal, 2025, 11, 2, 0, 0), s_at (cal, 2025, 11, 3, 0, 0)), 15 * HOUR);
    /* Sun 2 Nov 2025: 01:00 EDT (05:00Z) to 05:00 EST (10:00Z) is 5 h; 4.5 h from the start is 04:30 EST. */
    start = s_at (cal, 2025, 11, 2, 1, 0);
    UNIT_ASSERT_INT_EQ (start / US, (tz_days_from_civil (2025, 11, 2) * 86400) + 5 * 3600);
    UNIT_ASSERT_INT_EQ (s_due (cal, start, 4 * 3600 + 1800), start + 4 * HOUR + 30 * 60 * US);
    UNIT_ASSERT_INT_EQ (s_due (cal, start, 4 * 3600 + 1800), s_at (cal, 2025, 11, 2, 4, 30));
    /* The repeated hour is working time both times round. */
    UNIT_ASSERT (cal_is_open (cal, start + 90 * 60 * US)); /* 01:30 EST */
    /* The same in 2040, past the zone file's table (footer rule): 11 Mar and 4 Nov. */
    UNIT_ASSERT_INT_EQ (s_between (cal, s_at (cal, 2040, 3, 11, 0, 0), s_at (cal, 2040, 3, 12, 0, 0)), 13 * HOUR);
    UNIT_ASSERT_INT_EQ (s_between (cal, s_at (cal, 2040, 11, 4, 0, 0), s_at (cal, 2040, 11, 5, 0, 0)), 15 * HOUR);
    /* Intervals that do not span the change keep their length: 08:00-18:00 is 10 h on both days. */
    UNIT_ASSERT_INT_EQ (s_between (cal, s_at (cal, 2025, 3, 9, 6, 0), s_at (cal, 2025, 3, 9, 23, 0)), 10 * HOUR);
    /* Minute by minute over both change weekends, open exactly when the wall clock is inside an
     * interval (no boundary of this week lies inside the repeated hour's second pass). */
    int64_t ranges[2][2] = { { s_at (cal, 2025, 3, 8, 0, 0), s_at (cal, 2025, 3, 11, 0, 0) },
                             { s_at (cal, 2025, 11, 1, 0, 0), s_at (cal, 2025, 11, 4, 0, 0) } };
    for (int r = 0; r < 2; r++)
        for (int64_t t = ranges[r][0]; t < ranges[r][1]; t += 60 * US) {
            int64_t wall = tz_utc_to_wall (cal_tz (cal), t);
            int64_t day = wall >= 0 ? wall / 86400 : (wall - 86399) / 86400;
            bool expect = hours_week_contains (&week, tz_weekday (day), (int) ((wall - day * 86400) / 60));
            if (cal_is_open (cal, t) != expect)
                UNIT_ASSERT_INT_EQ (cal_is_open (cal, t), expect);
        }
    cal_destroy (&cal);
    /* Boundaries inside the gap or the overlap: 02:30-04:00 on 9 Mar starts at 03:00 EDT (1 h);
     * 00:00-01:30 on 2 Nov ends at the first 01:30 (EDT), 1.5 h. */
    hours_week_t odd = s_week ("1111111", "00:00-01:30", "02:30-04:00");
    cal = s_cal ("America/New_York", &odd);
    UNIT_ASSERT (cal);
    UNIT_ASSERT_INT_EQ (s_between (cal, s_at (cal, 2025, 3, 9, 0, 0), s_at (cal, 2025, 3, 10, 0, 0)), 2 * HOUR + 30 * 60 * US);
    UNIT_ASSERT_INT_EQ (s_between (cal, s_at (cal, 2025, 11, 2, 0, 0), s_at (cal, 2025, 11, 3, 0, 0)), 3 * HOUR);
    UNIT_ASSERT (!cal_is_open (cal, s_at (cal, 2025, 11, 2, 1, 0) + 75 * 60 * US)); /* 01:15 EST, second pass */
    cal_destroy (&cal);
}

UNIT_TEST (calendar_without_working_time)
{
    char err[256] = "";
    hours_week_t closed;
    memset (&closed, 0, sizeof closed);
    cal_t *cal = s_cal ("Asia/Shanghai", &closed);
    UNIT_ASSERT (cal);
    int64_t due, start = s_at (cal, 2025, 3, 4, 9, 0);
    UNIT_ASSERT (cal_add_business (cal, start, 3600, &due, err, sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "no working time in the 400 days from 2025-03-04 (Asia/Shanghai)");
    UNIT_ASSERT (cal_next_open (cal, start, &due, err, sizeof err) == -1);
    UNIT_ASSERT (cal_add_business (cal, start, 0, &due, err, sizeof err) == 0 && due == start);
    int64_t us;
    UNIT_ASSERT (cal_business_us (cal, start, start + 1000 * 24 * HOUR, &us, NULL, 0) == 0 && us == 0);
    cal_destroy (&cal);
    /* Open on Mondays only, every Monday of 2025 a holiday: the first working time is Mon 5 Jan
     * 2026, 369 days on — found. With 2026's Mondays closed as well there is none within 400 days. */
    hours_week_t mondays = s_week ("1000000", "08:00-18:00", NULL);
    cal = s_cal ("Asia/Shanghai", &mondays);
    UNIT_ASSERT (cal);
    for (int64_t day = tz_days_from_civil (2025, 1, 6); day < tz_days_from_civil (2026, 1, 1); day += 7) {
        int y, m, d;
        tz_civil_from_days (day, &y, &m, &d);
        UNIT_ASSERT (cal_add_holiday (cal, y, m, d, NULL, 0) == 0);
    }
    start = s_at (cal, 2025, 1, 1, 0, 0);
    UNIT_ASSERT_INT_EQ (s_due (cal, start, 3600), s_at (cal, 2026, 1, 5, 9, 0));
    for (int64_t day = tz_days_from_civil (2026, 1, 5); day < tz_days_from_civil (2027, 1, 1); day += 7) {
        int y, m, d;
        tz_civil_from_days (day, &y, &m, &d);
        UNIT_ASSERT (cal_add_holiday (cal, y, m, d, NULL, 0) == 0);
    }
    UNIT_ASSERT (cal_add_business (cal, start, 3600, &due, err, sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "no working time");
    cal_destroy (&cal);
}

UNIT_TEST (calendar_bad_input)
{
    char err[256] = "";
    hours_week_t week = s_week ("1111100", "08:00-18:00", NULL);
    UNIT_ASSERT (cal_new ("Mars/Olympus", &week, err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "unknown time zone");
    UNIT_ASSERT (cal_new ("../etc/passwd", &week, err, sizeof err) == NULL);
    hours_week_t bad = s_week ("1000000", "08:00-12:00", "11:00-13:00"); /* overlapping */
    UNIT_ASSERT (cal_new ("Asia/Shanghai", &bad, err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "mon: interval 2 overlaps");
    bad = week;
    bad.iv[2][0] = (hours_interval_t) { 18 * 60, 8 * 60 }; /* inverted */
    UNIT_ASSERT (cal_new ("Asia/Shanghai", &bad, err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "wed: interval 1");
    bad = week;
    bad.n[4] = HOURS_MAX_INTERVALS + 1;
    UNIT_ASSERT (cal_new ("Asia/Shanghai", &bad, err, sizeof err) == NULL);
    UNIT_ASSERT (cal_new ("Asia/Shanghai", NULL, err, sizeof err) == NULL);

    cal_t *cal = s_cal ("Asia/Shanghai", &week);
    UNIT_ASSERT (cal);
    UNIT_ASSERT (cal_add_holiday (cal, 2025, 2, 29, err, sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "2025-02-29 is not a calendar date");
    UNIT_ASSERT (cal_add_holiday (cal, 1899, 12, 31, err, sizeof err) == -1);
    UNIT_ASSERT (cal_add_holiday (cal, 2025, 1, 28, err, sizeof err) == 0);
    UNIT_ASSERT (cal_add_holiday (cal, 2025, 1, 28, err, sizeof err) == 0); /* again: harmless */
    UNIT_ASSERT (cal_add_workday_as (cal, 2025, 1, 28, 0, err, sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "2025-01-28 is already a holiday");
    UNIT_ASSERT (cal_add_workday_as (cal, 2025, 1, 26, 0, err, sizeof err) == 0);
    UNIT_ASSERT (cal_add_holiday (cal, 2025, 1, 26, err, sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "already a make-up working day");
    UNIT_ASSERT (cal_add_workday_as (cal, 2025, 2, 8, 7, err, sizeof err) == -1);
    hours_interval_t ivs[2] = { { 600, 700 }, { 650, 800 } };
    UNIT_ASSERT (cal_add_workday (cal, 2025, 2, 8, ivs, 2, err, sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "overlaps");
    UNIT_ASSERT (cal_add_workday (cal, 2025, 2, 8, ivs, 0, err, sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "no working hours");
    int64_t due, start = s_at (cal, 2025, 3, 4, 9, 0);
    UNIT_ASSERT (cal_add_business (cal, start, -1, &due, err, sizeof err) == -1);
    UNIT_ASSERT (cal_add_business_us (cal, start, -1, &due, err, sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "negative");
    UNIT_ASSERT (cal_add_business (cal, INT64_C (-5000000000) * US, 60, &due, err, sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "outside the years 1900 to 2999");
    int64_t us;
    UNIT_ASSERT (cal_business_us (cal, start, INT64_MAX, &us, err, sizeof err) == -1);
    UNIT_ASSERT (!cal_is_open (cal, INT64_MIN));
    /* A deadline past 2999 is refused, not wrapped. */
    UNIT_ASSERT (cal_add_business (cal, s_at (cal, 2999, 12, 31, 9, 0), 10 * 3600, &due, err, sizeof err) == -1);
    cal_destroy (&cal);
}

/* ---------------------------------------------------------------- property */

static uint64_t s_rng = 0x9E3779B97F4A7C15u;
static uint64_t s_rand (void)
{
    s_rng ^= s_rng << 13, s_rng ^= s_rng >> 7, s_rng ^= s_rng << 17;
    return s_rng;
}

/*  For random starts and amounts: business(start, add(start, x)) == x,
 *  the deadline is the earliest such instant, and for random pairs
 *  add(a, business(a, b)) <= b with nothing left between. */
static void s_inverse (cal_t *cal, int rounds)
{
    int64_t lo = s_at (cal, 2025, 1, 1, 0, 0), span = s_at (cal, 2027, 1, 1, 0, 0) - lo;
    for (int i = 0; i < rounds; i++) {
        int64_t start = lo + (int64_t) (s_rand () % (uint64_t) span);
        if (i % 3 == 0)
            start -= start % (60 * US); /* minute-aligned starts hit boundaries exactly */
        int64_t amount = (int64_t) (s_rand () % (uint64_t) (300 * HOUR));
        if (i % 4 == 0)
            amount -= amount % US;
        int64_t due, back;
        char err[256] = "";
        if (cal_add_business_us (cal, start, amount, &due, err, sizeof err) != 0) {
            printf ("    %s\n", err);
            UNIT_ASSERT (!"cal_add_business_us failed");
        }
        UNIT_ASSERT (due >= start);
        UNIT_ASSERT (cal_business_us (cal, start, due, &back, NULL, 0) == 0);
        if (back != amount)
            UNIT_ASSERT_INT_EQ (back, amount);
        if (amount > 0)
            UNIT_ASSERT (cal_is_open (cal, due - 1)); /* earliest: the last microsecond was worked */
        int64_t b = start + (int64_t) (s_rand () % (uint64_t) (40 * 24 * HOUR)), x, reached, rest;
        UNIT_ASSERT (cal_business_us (cal, start, b, &x, NULL, 0) == 0 && x >= 0);
        UNIT_ASSERT (cal_add_business_us (cal, start, x, &reached, NULL, 0) == 0);
        UNIT_ASSERT (reached <= b);
        UNIT_ASSERT (cal_business_us (cal, reached, b, &rest, NULL, 0) == 0 && rest == 0);
        UNIT_ASSERT (cal_business_us (cal, b, start, &rest, NULL, 0) == 0 && rest == -x);
    }
}

UNIT_TEST (calendar_inverse_property)
{
    s_rng = 0x9E3779B97F4A7C15u;
    hours_week_t lunch = s_week ("1111100", "08:30-12:00", "13:00-17:30");
    cal_t *cal = s_cal ("Asia/Shanghai", &lunch);
    UNIT_ASSERT (cal && s_add_cn (cal) == 0);
    s_inverse (cal, 1500);
    cal_destroy (&cal);
    hours_week_t dst = s_week ("1111111", "01:00-05:00", "08:00-18:00");
    cal = s_cal ("America/New_York", &dst);
    UNIT_ASSERT (cal);
    s_inverse (cal, 1500);
    cal_destroy (&cal);
    hours_week_t round = s_week ("1111110", "00:00-24:00", NULL); /* around the clock except Sunday */
    cal = s_cal ("Europe/Berlin", &round);
    UNIT_ASSERT (cal);
    s_inverse (cal, 1500);
    cal_destroy (&cal);
}

/*  cal_business_us against a plain count of open minutes, for random
 *  minute-aligned ranges of up to three days in the China calendar. */
UNIT_TEST (calendar_business_time_matches_minute_count)
{
    s_rng = 12345;
    hours_week_t lunch = s_week ("1111100", "08:30-12:00", "13:00-17:30");
    cal_t *cal = s_cal ("Asia/Shanghai", &lunch);
    UNIT_ASSERT (cal && s_add_cn (cal) == 0);
    int64_t lo = s_at (cal, 2025, 1, 1, 0, 0);
    for (int i = 0; i < 60; i++) {
        int64_t from = lo + (int64_t) (s_rand () % (2 * 366 * 1440)) * 60 * US;
        int64_t to = from + (int64_t) (s_rand () % (3 * 1440)) * 60 * US, counted = 0, us;
        for (int64_t t = from; t < to; t += 60 * US)
            counted += cal_is_open (cal, t) ? 60 * US : 0;
        UNIT_ASSERT (cal_business_us (cal, from, to, &us, NULL, 0) == 0);
        UNIT_ASSERT_INT_EQ (us, counted);
    }
    cal_destroy (&cal);
}

/* ---------------------------------------------------------------- working days */

/*  Deadline of n working days after start, or INT64_MIN on failure. */
static int64_t s_wdays (const cal_t *cal, int64_t start, int n)
{
    int64_t due;
    char err[256] = "";
    if (cal_add_working_days (cal, start, n, &due, err, sizeof err) != 0) {
        printf ("    %s\n", err);
        return INT64_MIN;
    }
    return due;
}

UNIT_TEST (calendar_working_days_plain_weeks)
{
    hours_week_t week = s_week ("1111100", "08:00-18:00", NULL);
    cal_t *cal = s_cal ("Asia/Shanghai", &week);
    UNIT_ASSERT (cal);
    /* Mon 3 Mar 2025 10:00 + 3 working days: the start day never counts; Tue, Wed, Thu;
     * due when Thursday's hours end, Thu 6 Mar 18:00. */
    UNIT_ASSERT_INT_EQ (s_wdays (cal, s_at (cal, 2025, 3, 3, 10, 0), 3), s_at (cal, 2025, 3, 6, 18, 0));
    /* Whatever the hour on the start day: 00:00, before opening, after closing. */
    UNIT_ASSERT_INT_EQ (s_wdays (cal, s_at (cal, 2025, 3, 3, 0, 0), 3), s_at (cal, 2025, 3, 6, 18, 0));
    UNIT_ASSERT_INT_EQ (s_wdays (cal, s_at (cal, 2025, 3, 3, 23, 59), 3), s_at (cal, 2025, 3, 6, 18, 0));
    UNIT_ASSERT_INT_EQ (s_wdays (cal, s_at (cal, 2025, 3, 3, 23, 59), 1), s_at (cal, 2025, 3, 4, 18, 0));
    /* Started on a Saturday that is not a working day: Mon, Tue, Wed, due Wed 12 Mar 18:00. */
    UNIT_ASSERT_INT_EQ (s_wdays (cal, s_at (cal, 2025, 3, 8, 10, 0), 3), s_at (cal, 2025, 3, 12, 18, 0));
    /* Thu 6 Mar + 3: Fri, (weekend), Mon, Tue 11 Mar 18:00. */
    UNIT_ASSERT_INT_EQ (s_wdays (cal, s_at (cal, 2025, 3, 6, 9, 0), 3), s_at (cal, 2025, 3, 11, 18, 0));
    /* Ten working days are two whole weeks. */
    UNIT_ASSERT_INT_EQ (s_wdays (cal, s_at (cal, 2025, 3, 3, 10, 0), 10), s_at (cal, 2025, 3, 17, 18, 0));
    cal_destroy (&cal);

    /* With a lunch break the day ends with its last interval: 17:30. */
    hours_week_t lunch = s_week ("1111100", "08:30-12:00", "13:00-17:30");
    cal = s_cal ("Asia/Shanghai", &lunch);
    UNIT_ASSERT (cal);
    UNIT_ASSERT_INT_EQ (s_wdays (cal, s_at (cal, 2025, 3, 3, 10, 0), 3), s_at (cal, 2025, 3, 6, 17, 30));
    cal_destroy (&cal);

    /* Open round the clock: a day ends at 24:00, the next midnight. Mon 3 Mar + 1 = Wed 5 Mar 00:00. */
    hours_week_t always = s_week ("1111111", "00:00-24:00", NULL);
    cal = s_cal ("Asia/Shanghai", &always);
    UNIT_ASSERT (cal);
    UNIT_ASSERT_INT_EQ (s_wdays (cal, s_at (cal, 2025, 3, 3, 10, 0), 1), s_at (cal, 2025, 3, 5, 0, 0));
    cal_destroy (&cal);

    /* New York across the spring-forward Sunday (9 Mar 2025): Fri 7 Mar + 1 = Mon 10 Mar 18:00 EDT,
     * which is 22:00 UTC (EST would have been 23:00 UTC). */
    cal = s_cal ("America/New_York", &week);
    UNIT_ASSERT (cal);
    int64_t due = s_wdays (cal, s_at (cal, 2025, 3, 7, 12, 0), 1);
    UNIT_ASSERT_INT_EQ (due, s_at (cal, 2025, 3, 10, 18, 0));
    UNIT_ASSERT_INT_EQ (due / US, 1741644000); /* 2025-03-10T22:00:00Z */
    cal_destroy (&cal);
}

UNIT_TEST (calendar_working_days_spring_festival_2025)
{
    hours_week_t week = s_week ("1111100", "08:00-18:00", NULL);
    cal_t *cal = s_cal ("Asia/Shanghai", &week);
    UNIT_ASSERT (cal && s_add_cn (cal) == 0);
    int64_t mon27 = s_at (cal, 2025, 1, 27, 16, 0);
    /* Mon 27 Jan: 28 Jan - 4 Feb are holidays, so the 1st working day after it is Wed 5 Feb,
     * the 3rd is Fri 7 Feb, the 4th is Sat 8 Feb (a make-up day with Monday's hours) and the
     * 5th Mon 10 Feb. */
    UNIT_ASSERT_INT_EQ (s_wdays (cal, mon27, 1), s_at (cal, 2025, 2, 5, 18, 0));
    UNIT_ASSERT_INT_EQ (s_wdays (cal, mon27, 3), s_at (cal, 2025, 2, 7, 18, 0));
    UNIT_ASSERT_INT_EQ (s_wdays (cal, mon27, 4), s_at (cal, 2025, 2, 8, 18, 0));
    UNIT_ASSERT_INT_EQ (s_wdays (cal, mon27, 5), s_at (cal, 2025, 2, 10, 18, 0));
    /* Sat 25 Jan: Sun 26 Jan is a make-up day (1st), Mon 27 (2nd), then Wed 5 Feb (3rd). */
    int64_t sat25 = s_at (cal, 2025, 1, 25, 10, 0);
    UNIT_ASSERT_INT_EQ (s_wdays (cal, sat25, 1), s_at (cal, 2025, 1, 26, 18, 0));
    UNIT_ASSERT_INT_EQ (s_wdays (cal, sat25, 2), s_at (cal, 2025, 1, 27, 18, 0));
    UNIT_ASSERT_INT_EQ (s_wdays (cal, sat25, 3), s_at (cal, 2025, 2, 5, 18, 0));
    /* Promised during the holiday, Fri 31 Jan: Wed 5 Feb is the 1st working day. */
    UNIT_ASSERT_INT_EQ (s_wdays (cal, s_at (cal, 2025, 1, 31, 12, 0), 1), s_at (cal, 2025, 2, 5, 18, 0));
    cal_destroy (&cal);
    /* A seven-day hotline: the holidays close it too; 27 Jan + 1 = Wed 5 Feb, + 4 = Sat 8 Feb,
     * + 5 = Sun 9 Feb (an ordinary Sunday, open at this branch). */
    hours_week_t hotline = s_week ("1111111", "08:00-18:00", NULL);
    cal = s_cal ("Asia/Shanghai", &hotline);
    UNIT_ASSERT (cal && s_add_cn (cal) == 0);
    UNIT_ASSERT_INT_EQ (s_wdays (cal, mon27, 1), s_at (cal, 2025, 2, 5, 18, 0));
    UNIT_ASSERT_INT_EQ (s_wdays (cal, mon27, 4), s_at (cal, 2025, 2, 8, 18, 0));
    UNIT_ASSERT_INT_EQ (s_wdays (cal, mon27, 5), s_at (cal, 2025, 2, 9, 18, 0));
    cal_destroy (&cal);
}

UNIT_TEST (calendar_working_days_national_day_and_year_end)
{
    hours_week_t week = s_week ("1111100", "08:00-18:00", NULL);
    cal_t *cal = s_cal ("Asia/Shanghai", &week);
    UNIT_ASSERT (cal && s_add_cn (cal) == 0);
    /* Fri 26 Sep 2025 + 1: Sun 28 Sep is a make-up day. + 3: 28, 29, 30 Sep. + 4: 1-8 Oct are
     * holidays, Thu 9 Oct. */
    int64_t fri26 = s_at (cal, 2025, 9, 26, 16, 0);
    UNIT_ASSERT_INT_EQ (s_wdays (cal, fri26, 1), s_at (cal, 2025, 9, 28, 18, 0));
    UNIT_ASSERT_INT_EQ (s_wdays (cal, fri26, 3), s_at (cal, 2025, 9, 30, 18, 0));
    UNIT_ASSERT_INT_EQ (s_wdays (cal, fri26, 4), s_at (cal, 2025, 10, 9, 18, 0));
    /* Tue 30 Sep + 3: Thu 9, Fri 10, Sat 11 Oct (make-up). */
    UNIT_ASSERT_INT_EQ (s_wdays (cal, s_at (cal, 2025, 9, 30, 17, 0), 3), s_at (cal, 2025, 10, 11, 18, 0));
    /* Wed 31 Dec 2025 09:00 + 3 (the plan clock's "3 working days"): 1-3 Jan 2026 holidays;
     * Sun 4 Jan make-up (1st), Mon 5 (2nd), Tue 6 Jan 18:00 (3rd). */
    UNIT_ASSERT_INT_EQ (s_wdays (cal, s_at (cal, 2025, 12, 31, 9, 0), 3), s_at (cal, 2026, 1, 6, 18, 0));
    cal_destroy (&cal);

    /* A make-up day with explicit hours ends when those hours end: 4 Jan 2026 09:00-12:00. */
    cal = s_cal ("Asia/Shanghai", &week);
    UNIT_ASSERT (cal);
    hours_interval_t morning = { 9 * 60, 12 * 60 };
    UNIT_ASSERT (cal_add_holiday (cal, 2026, 1, 1, NULL, 0) == 0 && cal_add_holiday (cal, 2026, 1, 2, NULL, 0) == 0);
    UNIT_ASSERT (cal_add_workday (cal, 2026, 1, 4, &morning, 1, NULL, 0) == 0);
    UNIT_ASSERT_INT_EQ (s_wdays (cal, s_at (cal, 2025, 12, 31, 9, 0), 1), s_at (cal, 2026, 1, 4, 12, 0));
    cal_destroy (&cal);
}

UNIT_TEST (calendar_working_days_bad_input)
{
    hours_week_t week = s_week ("1111100", "08:00-18:00", NULL);
    cal_t *cal = s_cal ("Asia/Shanghai", &week);
    UNIT_ASSERT (cal);
    int64_t due = 42, start = s_at (cal, 2025, 3, 3, 10, 0);
    char err[256] = "";
    UNIT_ASSERT_INT_EQ (cal_add_working_days (cal, start, 0, &due, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "0 working days is out of range (expected 1 to 100000)");
    UNIT_ASSERT_INT_EQ (cal_add_working_days (cal, start, -3, &due, err, sizeof err), -1);
    UNIT_ASSERT_INT_EQ (cal_add_working_days (cal, INT64_MAX, 1, &due, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "outside the years 1900 to 2999");
    /* The last working day of the range ends inside it; one more would not. */
    UNIT_ASSERT_INT_EQ (cal_add_working_days (cal, s_at (cal, 2999, 12, 30, 10, 0), 1, &due, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (due, s_at (cal, 2999, 12, 31, 18, 0));
    UNIT_ASSERT_INT_EQ (cal_add_working_days (cal, s_at (cal, 2999, 12, 30, 10, 0), 2, &due, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "after the year 2999");
    UNIT_ASSERT_INT_EQ (cal_add_working_days (cal, start, 1, NULL, err, sizeof err), -1);
    UNIT_ASSERT_INT_EQ (due, s_at (cal, 2999, 12, 31, 18, 0)); /* failures leave *due_us alone */
    cal_destroy (&cal);
    /* A calendar with no working day never finds the n-th one. */
    hours_week_t closed = s_week ("0000000", NULL, NULL);
    cal = s_cal ("Asia/Shanghai", &closed);
    UNIT_ASSERT (cal);
    UNIT_ASSERT_INT_EQ (cal_add_working_days (cal, start, 1, &due, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "no working time in the 400 days from 2025-03-03 (Asia/Shanghai)");
    cal_destroy (&cal);
}

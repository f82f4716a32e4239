/*  Unit tests for when a callback is placed (services/callback/cb_slot.h):
 *  inside the branch's calendar (hours, holidays, make-up days) and outside
 *  rest hours across midnight; retry timing (the gap, another time of day);
 *  and the one transition function of a callback's state (cb_state.h). */
#include <stdio.h>
#include <string.h>

#include "unit.h"

#include "../../services/callback/cb_slot.h"
#include "../../services/callback/cb_state.h"

#define MIN_US INT64_C (60000000)

/*  Asia/Shanghai, every day 08:00-18:00 (SH01 of tests/fixtures/org.yaml). */
static cal_t *s_cal (const char *days)
{
    hours_week_t week;
    memset (&week, 0, sizeof week);
    for (int d = 0; d < 7; d++)
        if (days[d] == '1' && hours_interval_parse ("08:00-18:00", &week.iv[d][0]) == 0)
            week.n[d] = 1;
    char err[256] = "";
    cal_t *cal = cal_new ("Asia/Shanghai", &week, err, sizeof err);
    if (!cal)
        printf ("    %s\n", err);
    return cal;
}

static int64_t s_at (const cal_t *cal, int mo, int d, int h, int mi)
{
    tz_civil_t c = { 2026, mo, d, h, mi, 0 };
    int64_t us = 0;
    tz_local_to_utc (cal_tz (cal), &c, TZ_EARLIER, &us);
    return us;
}

static cbr_set_t s_rest (const char *text)
{
    cbr_set_t set = { .n = 0 };
    char err[200];
    if (cbr_parse (text, &set, err, sizeof err) != 0)
        printf ("    %s\n", err);
    return set;
}

UNIT_TEST (callback_slot_outside_rest_hours_across_midnight)
{
    cal_t *cal = s_cal ("1111111");
    UNIT_ASSERT (cal);
    cbr_set_t rest = s_rest ("12:00-14:00,20:00-09:00+1");
    int64_t at = 0;
    char err[256] = "";
    /* resolved Monday 19:30: the branch closes at 18:00, the customer rests until 09:00 */
    UNIT_ASSERT_INT_EQ (cbs_place (cal, &rest, s_at (cal, 6, 1, 19, 30), &at, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (at, s_at (cal, 6, 2, 9, 0));
    /* 08:10: open, but resting until 09:00 */
    UNIT_ASSERT_INT_EQ (cbs_place (cal, &rest, s_at (cal, 6, 2, 8, 10), &at, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (at, s_at (cal, 6, 2, 9, 0));
    /* lunch: 12:15 waits until 14:00 */
    UNIT_ASSERT_INT_EQ (cbs_place (cal, &rest, s_at (cal, 6, 2, 12, 15), &at, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (at, s_at (cal, 6, 2, 14, 0));
    /* a customer's own window 22:00-10:30+1: the next morning at 10:30 */
    cbr_set_t own = s_rest ("22:00-10:30+1");
    UNIT_ASSERT_INT_EQ (cbs_place (cal, &own, s_at (cal, 6, 1, 17, 59), &at, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (at, s_at (cal, 6, 1, 17, 59));
    UNIT_ASSERT_INT_EQ (cbs_place (cal, &own, s_at (cal, 6, 1, 18, 0), &at, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (at, s_at (cal, 6, 2, 10, 30));
    cal_destroy (&cal);
}

UNIT_TEST (callback_slot_follows_the_branch_calendar)
{
    cal_t *cal = s_cal ("1111100"); /* closed at the weekend */
    UNIT_ASSERT (cal);
    char err[256] = "";
    UNIT_ASSERT_INT_EQ (cal_add_holiday (cal, 2026, 6, 8, err, sizeof err), 0);          /* Monday closed */
    UNIT_ASSERT_INT_EQ (cal_add_workday_as (cal, 2026, 6, 7, 0, err, sizeof err), 0);    /* Sunday worked */
    cbr_set_t rest = s_rest ("12:00-14:00,20:00-09:00+1");
    int64_t at = 0;
    /* Friday 17:30 is open; Friday 18:00 goes past Saturday to the make-up Sunday at 09:00 */
    UNIT_ASSERT_INT_EQ (cbs_place (cal, &rest, s_at (cal, 6, 5, 17, 30), &at, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (at, s_at (cal, 6, 5, 17, 30));
    UNIT_ASSERT_INT_EQ (cbs_place (cal, &rest, s_at (cal, 6, 5, 18, 0), &at, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (at, s_at (cal, 6, 7, 9, 0));
    /* Sunday evening: the holiday Monday is skipped, Tuesday 09:00 */
    UNIT_ASSERT_INT_EQ (cbs_place (cal, &rest, s_at (cal, 6, 7, 18, 0), &at, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (at, s_at (cal, 6, 9, 9, 0));
    cal_destroy (&cal);
}

UNIT_TEST (callback_slot_retry_spacing_and_time_of_day)
{
    cal_t *cal = s_cal ("1111111");
    UNIT_ASSERT (cal);
    cbr_set_t rest = s_rest ("12:00-14:00,20:00-09:00+1");
    cbs_retry_t policy = { 3, 120, true };
    char err[256] = "";
    int64_t tries[3] = { s_at (cal, 6, 1, 10, 0) }, next = 0;
    /* morning tried: two hours on is 12:00, lunch rest: the afternoon at 14:00 */
    UNIT_ASSERT_INT_EQ (cbs_next_attempt (cal, &rest, &policy, tries, 1, &next, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (next, s_at (cal, 6, 1, 14, 0));
    tries[1] = next;
    /* morning and afternoon tried, the branch is closed in the evening: not the
     * afternoon again, the next morning (a time of day other than the last) */
    UNIT_ASSERT_INT_EQ (cbs_next_attempt (cal, &rest, &policy, tries, 2, &next, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (next, s_at (cal, 6, 2, 9, 0));
    UNIT_ASSERT (next - tries[1] >= 120 * MIN_US);
    /* without the time-of-day rule: just the gap, 16:00 */
    policy.vary_time_of_day = false;
    UNIT_ASSERT_INT_EQ (cbs_next_attempt (cal, &rest, &policy, tries, 2, &next, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (next, s_at (cal, 6, 1, 16, 0));
    /* a branch open until 21:00 and a customer who takes calls at night: the evening */
    hours_week_t late;
    memset (&late, 0, sizeof late);
    for (int d = 0; d < 7; d++)
        late.n[d] = hours_interval_parse ("08:00-21:00", &late.iv[d][0]) == 0;
    cal_t *cal2 = cal_new ("Asia/Shanghai", &late, err, sizeof err);
    UNIT_ASSERT (cal2);
    cbr_set_t lunch = s_rest ("12:00-14:00");
    policy.vary_time_of_day = true;
    UNIT_ASSERT_INT_EQ (cbs_next_attempt (cal2, &lunch, &policy, tries, 2, &next, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (next, s_at (cal2, 6, 1, 18, 0));
    cal_destroy (&cal2);
    cal_destroy (&cal);
}

UNIT_TEST (callback_state_one_transition_function)
{
    cb_state_t to;
    char err[128] = "";
    UNIT_ASSERT_INT_EQ (cb_transition (CB_SCHEDULED, CBE_NOT_REACHED, 1, 3, &to, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (to, CB_RETRYING);
    UNIT_ASSERT_INT_EQ (cb_transition (CB_RETRYING, CBE_NOT_REACHED, 2, 3, &to, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (to, CB_RETRYING);
    UNIT_ASSERT_INT_EQ (cb_transition (CB_RETRYING, CBE_NOT_REACHED, 3, 3, &to, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (to, CB_UNREACHABLE);
    UNIT_ASSERT_INT_EQ (cb_transition (CB_SCHEDULED, CBE_REACHED, 1, 3, &to, err, sizeof err), 0);
    UNIT_ASSERT_INT_EQ (to, CB_RECORDED);
    UNIT_ASSERT_INT_EQ (cb_transition (CB_RECORDED, CBE_REACHED, 2, 3, &to, err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "already recorded");
    UNIT_ASSERT_INT_EQ (cb_transition (CB_UNREACHABLE, CBE_NOT_REACHED, 4, 3, &to, err, sizeof err), -1);
    UNIT_ASSERT_STR_EQ (err, "already unreachable");
    UNIT_ASSERT_INT_EQ (cb_transition (CB_CANCELLED, CBE_REACHED, 1, 3, &to, err, sizeof err), -1);
    char from[96];
    UNIT_ASSERT_STR_EQ (states_from_sql (&cb_states, CB_RECORDED, from, sizeof from), "{scheduled,retrying}");
}

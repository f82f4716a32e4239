/*  cb_slot — see cb_slot.h. */
#include "cb_slot.h"

#include <stdio.h>

#define MIN_US INT64_C (60000000)
#define DAY_US (INT64_C (86400) * 1000000)
/*  Open periods a placement walks through before giving up: a rest window
 *  can only push a call to the next window's end, so a few per day. */
#define S_PLACE_STEPS 4000
#define S_RETRY_DAYS 14

static int s_minute (const cal_t *cal, int64_t at_us, tz_civil_t *civil)
{
    tz_utc_to_local (cal_tz (cal), at_us, civil);
    return civil->hour * 60 + civil->minute;
}

/*  The instant `minutes` after the start of the local minute of at_us
 *  (the local date and time moved on, then back to UTC). */
static int s_after_minutes (const cal_t *cal, const tz_civil_t *civil, int minutes, int64_t *out)
{
    int64_t days = tz_days_from_civil (civil->year, civil->month, civil->day);
    int total = civil->hour * 60 + civil->minute + minutes;
    days += total / 1440;
    total %= 1440;
    tz_civil_t to = { 0 };
    tz_civil_from_days (days, &to.year, &to.month, &to.day);
    to.hour = total / 60;
    to.minute = total % 60;
    return tz_local_to_utc (cal_tz (cal), &to, TZ_EARLIER, out);
}

int cbs_place (const cal_t *cal, const cbr_set_t *rest, int64_t from_us, int64_t *at_us, char *err,
               size_t errsize)
{
    int64_t t = from_us;
    for (int step = 0; step < S_PLACE_STEPS; step++) {
        if (cal_next_open (cal, t, &t, err, errsize) != 0)
            return -1;
        tz_civil_t civil;
        int left;
        if (!cbr_resting (rest, s_minute (cal, t, &civil), &left)) {
            *at_us = t;
            return 0;
        }
        int64_t end;
        if (s_after_minutes (cal, &civil, left, &end) != 0 || end <= t) {
            snprintf (err, errsize, "the end of a rest window could not be placed in the branch's zone");
            return -1;
        }
        t = end;
    }
    snprintf (err, errsize, "no working time outside the rest hours within the search limit");
    return -1;
}

cbs_part_t cbs_part (const cal_t *cal, int64_t at_us)
{
    tz_civil_t civil;
    int minute = s_minute (cal, at_us, &civil);
    return minute < 12 * 60 ? CBS_MORNING : minute < 18 * 60 ? CBS_AFTERNOON : CBS_EVENING;
}

/*  The start of the next time of day after at_us (12:00, 18:00, next 00:00). */
static int s_next_part (const cal_t *cal, int64_t at_us, int64_t *out)
{
    tz_civil_t civil;
    int minute = s_minute (cal, at_us, &civil);
    int boundary = minute < 12 * 60 ? 12 * 60 : minute < 18 * 60 ? 18 * 60 : 24 * 60;
    return s_after_minutes (cal, &civil, boundary - minute, out);
}

int cbs_next_attempt (const cal_t *cal, const cbr_set_t *rest, const cbs_retry_t *policy,
                      const int64_t *attempts, int n, int64_t *next_us, char *err, size_t errsize)
{
    if (n < 1) {
        snprintf (err, errsize, "no attempt to follow");
        return -1;
    }
    int64_t earliest = attempts[n - 1] + (int64_t) policy->min_gap_minutes * MIN_US, first;
    if (cbs_place (cal, rest, earliest, &first, err, errsize) != 0)
        return -1;
    if (!policy->vary_time_of_day) {
        *next_us = first;
        return 0;
    }
    bool used[3] = { false, false, false };
    for (int i = 0; i < n; i++)
        used[cbs_part (cal, attempts[i])] = true;
    cbs_part_t last = cbs_part (cal, attempts[n - 1]);
    int64_t other_than_last = -1, t = first;
    while (t < earliest + S_RETRY_DAYS * DAY_US) {
        cbs_part_t part = cbs_part (cal, t);
        if (!used[part]) {
            *next_us = t;
            return 0;
        }
        if (part != last && other_than_last < 0)
            other_than_last = t;
        int64_t after;
        if (s_next_part (cal, t, &after) != 0 || cbs_place (cal, rest, after, &t, err, errsize) != 0)
            break;
    }
    *next_us = other_than_last >= 0 ? other_than_last : first;
    return 0;
}

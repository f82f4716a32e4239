/*  calendar — business calendars: weekly hours in a time zone, holidays and
 *  make-up working days, and the deadline arithmetic on them. See
 *  calendar.h for the contract.
 *
 *  Every question is answered by walking local dates in order. For each
 *  date, s_day_spans() turns that date's working intervals (special date or
 *  weekday) into UTC spans with tz_wall_to_utc (TZ_EARLIER). That mapping
 *  never goes backwards as wall time advances, so the spans of successive
 *  dates are ordered and disjoint, and a walk can add or subtract whole
 *  spans at a time: the cost is a few zone look-ups per date spanned.
 *
 *  A walk starts one date before the instant's own local date: in a zone
 *  whose clocks fall back across midnight, an instant can belong to the
 *  previous date's span while its wall clock already shows the next date.
 */
#include "base/err.h"
#include "calendar.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_US INT64_C (1000000)
#define S_MIN_YEAR 1900
#define S_MAX_YEAR 2999

/*  A date with its own hours: a holiday (n = 0) or a make-up working day. */
typedef struct {
    int64_t day; /* local day number, 0 = 1970-01-01 */
    cal_day_kind_t kind;
    int n;
    hours_interval_t iv[HOURS_MAX_INTERVALS];
} s_special_t;

struct cal_s {
    tz_t *tz;
    hours_week_t week;
    s_special_t *special; /* sorted by day */
    size_t n_special, cap_special;
};

static const char *const s_day_names[7] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun" };

static int64_t s_floor_div (int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/*  Instants from 1900-01-01T00:00Z up to (not including) 3000-01-01T00:00Z. */
static bool s_in_range (int64_t us)
{
    int64_t lo = tz_days_from_civil (S_MIN_YEAR, 1, 1) * 86400 * S_US;
    int64_t hi = tz_days_from_civil (S_MAX_YEAR + 1, 1, 1) * 86400 * S_US;
    return us >= lo && us < hi;
}

static int s_range_err (char *err, size_t errsize, int64_t us)
{
    err_set (err, errsize, "instant %lld us is outside the years %d to %d", (long long) us, S_MIN_YEAR,
           S_MAX_YEAR);
    return -1;
}

/*  Checks one day's intervals. Returns 0 or -1 with a reason. */
static int s_intervals_check (const hours_interval_t *iv, int n, char *err, size_t errsize)
{
    if (n < 0 || n > HOURS_MAX_INTERVALS) {
        err_set (err, errsize, "%d intervals (at most %d a day)", n, HOURS_MAX_INTERVALS);
        return -1;
    }
    for (int i = 0; i < n; i++) {
        if (iv[i].start_min < 0 || iv[i].end_min > 1440 || iv[i].start_min >= iv[i].end_min) {
            err_set (err, errsize, "interval %d (%d-%d minutes) is not within 00:00-24:00 with its end after its start",
                   i + 1, iv[i].start_min, iv[i].end_min);
            return -1;
        }
        if (i > 0 && iv[i].start_min < iv[i - 1].end_min) {
            err_set (err, errsize, "interval %d overlaps or comes before the previous one (intervals must be increasing)",
                   i + 1);
            return -1;
        }
    }
    return 0;
}

static int s_date_check (int year, int month, int day, int64_t *days, char *err, size_t errsize)
{
    if (year < S_MIN_YEAR || year > S_MAX_YEAR || !tz_date_valid (year, month, day)) {
        err_set (err, errsize, "%04d-%02d-%02d is not a calendar date from %d to %d", year, month, day,
               S_MIN_YEAR, S_MAX_YEAR);
        return -1;
    }
    *days = tz_days_from_civil (year, month, day);
    return 0;
}

/* ---------------------------------------------------------------- building */

cal_t *cal_new (const char *tz_name, const hours_week_t *week, char *err, size_t errsize)
{
    if (!week) {
        err_set (err, errsize, "no weekly hours given");
        return NULL;
    }
    char why[160];
    for (int d = 0; d < 7; d++)
        if (s_intervals_check (week->iv[d], week->n[d], why, sizeof why) != 0) {
            err_set (err, errsize, "weekly hours, %s: %s", s_day_names[d], why);
            return NULL;
        }
    cal_t *self = calloc (1, sizeof *self);
    if (!self) {
        err_set (err, errsize, "out of memory");
        return NULL;
    }
    self->week = *week;
    if (!(self->tz = tz_load (tz_name, err, errsize)))
        cal_destroy (&self);
    return self;
}

void cal_destroy (cal_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    cal_t *self = *self_p;
    tz_destroy (&self->tz);
    free (self->special);
    free (self);
    *self_p = NULL;
}

const tz_t *cal_tz (const cal_t *self)
{
    return self ? self->tz : NULL;
}

/*  Index of the first special date >= day. */
static size_t s_lower_bound (const cal_t *self, int64_t day)
{
    size_t lo = 0, hi = self->n_special;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (self->special[mid].day < day)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const s_special_t *s_find (const cal_t *self, int64_t day)
{
    size_t i = s_lower_bound (self, day);
    return i < self->n_special && self->special[i].day == day ? &self->special[i] : NULL;
}

/*  Adds a special date, refusing a conflicting one. Returns 0 or -1. */
static int s_add_special (cal_t *self, const s_special_t *sp, int year, int month, int day, char *err,
                          size_t errsize)
{
    size_t i = s_lower_bound (self, sp->day);
    if (i < self->n_special && self->special[i].day == sp->day) {
        const s_special_t *old = &self->special[i];
        if (old->kind == CAL_DAY_HOLIDAY && sp->kind == CAL_DAY_HOLIDAY)
            return 0; /* closed is closed */
        err_set (err, errsize, "%04d-%02d-%02d is already a %s", year, month, day,
               old->kind == CAL_DAY_HOLIDAY ? "holiday" : "make-up working day");
        return -1;
    }
    if (self->n_special == self->cap_special) {
        size_t cap = self->cap_special ? self->cap_special * 2 : 32;
        s_special_t *grown = realloc (self->special, cap * sizeof *grown);
        if (!grown) {
            err_set (err, errsize, "out of memory");
            return -1;
        }
        self->special = grown, self->cap_special = cap;
    }
    memmove (&self->special[i + 1], &self->special[i], (self->n_special - i) * sizeof *self->special);
    self->special[i] = *sp;
    self->n_special++;
    return 0;
}

int cal_add_holiday (cal_t *self, int year, int month, int day, char *err, size_t errsize)
{
    s_special_t sp = { .kind = CAL_DAY_HOLIDAY };
    if (!self || s_date_check (year, month, day, &sp.day, err, errsize) != 0)
        return -1;
    return s_add_special (self, &sp, year, month, day, err, errsize);
}

int cal_add_workday (cal_t *self, int year, int month, int day, const hours_interval_t *iv, int n,
                     char *err, size_t errsize)
{
    s_special_t sp = { .kind = CAL_DAY_WORKDAY, .n = n };
    if (!self || s_date_check (year, month, day, &sp.day, err, errsize) != 0)
        return -1;
    char why[160];
    if (n < 1 || !iv || s_intervals_check (iv, n, why, sizeof why) != 0) {
        err_set (err, errsize, "make-up working day %04d-%02d-%02d: %s", year, month, day,
               n < 1 || !iv ? "no working hours given" : why);
        return -1;
    }
    memcpy (sp.iv, iv, (size_t) n * sizeof *iv);
    return s_add_special (self, &sp, year, month, day, err, errsize);
}

int cal_add_workday_as (cal_t *self, int year, int month, int day, int weekday, char *err, size_t errsize)
{
    if (!self || weekday < 0 || weekday > 6) {
        err_set (err, errsize, "weekday %d is not 0 (Monday) to 6 (Sunday)", weekday);
        return -1;
    }
    s_special_t sp = { .kind = CAL_DAY_WORKDAY, .n = self->week.n[weekday] };
    if (s_date_check (year, month, day, &sp.day, err, errsize) != 0)
        return -1;
    memcpy (sp.iv, self->week.iv[weekday], sizeof sp.iv);
    return s_add_special (self, &sp, year, month, day, err, errsize);
}

/* ---------------------------------------------------------------- queries */

/*  The intervals in effect on a local day. */
static const hours_interval_t *s_day_intervals (const cal_t *self, int64_t day, int *n, cal_day_kind_t *kind)
{
    const s_special_t *sp = s_find (self, day);
    if (sp) {
        *n = sp->n, *kind = sp->kind;
        return sp->iv;
    }
    int wd = tz_weekday (day);
    *n = self->week.n[wd], *kind = CAL_DAY_REGULAR;
    return self->week.iv[wd];
}

/*  A local day's working time as UTC spans [a[i], b[i]) in microseconds,
 *  ordered, empty ones (inside a spring-forward gap) left out. Returns the
 *  number of spans. */
static int s_day_spans (const cal_t *self, int64_t day, int64_t a[HOURS_MAX_INTERVALS], int64_t b[HOURS_MAX_INTERVALS])
{
    int n, out = 0;
    cal_day_kind_t kind;
    const hours_interval_t *iv = s_day_intervals (self, day, &n, &kind);
    for (int i = 0; i < n; i++) {
        int64_t start, end;
        tz_wall_to_utc (self->tz, day * 86400 + iv[i].start_min * 60, TZ_EARLIER, &start);
        tz_wall_to_utc (self->tz, day * 86400 + iv[i].end_min * 60, TZ_EARLIER, &end);
        if (end > start) {
            a[out] = start * S_US;
            b[out++] = end * S_US;
        }
    }
    return out;
}

/*  Local day number of an instant. */
static int64_t s_local_day (const cal_t *self, int64_t us)
{
    return s_floor_div (tz_utc_to_wall (self->tz, us), 86400);
}

int cal_day (const cal_t *self, int year, int month, int day, cal_day_t *out)
{
    int64_t days;
    if (!self || !out || s_date_check (year, month, day, &days, NULL, 0) != 0)
        return -1;
    memset (out, 0, sizeof *out);
    const hours_interval_t *iv = s_day_intervals (self, days, &out->n, &out->kind);
    memcpy (out->iv, iv, (size_t) out->n * sizeof *iv);
    out->weekday = tz_weekday (days);
    return 0;
}

bool cal_is_open (const cal_t *self, int64_t utc_us)
{
    if (!self || !s_in_range (utc_us))
        return false;
    int64_t today = s_local_day (self, utc_us), a[HOURS_MAX_INTERVALS], b[HOURS_MAX_INTERVALS];
    for (int64_t day = today - 1; day <= today + 1; day++) {
        int n = s_day_spans (self, day, a, b);
        for (int i = 0; i < n; i++)
            if (a[i] <= utc_us && utc_us < b[i])
                return true;
    }
    return false;
}

static int s_idle_err (const cal_t *self, int64_t from_us, char *err, size_t errsize)
{
    int y, m, d;
    tz_civil_from_days (s_local_day (self, from_us), &y, &m, &d);
    err_set (err, errsize,
           "no working time in the %d days from %04d-%02d-%02d (%s): the calendar is closed "
           "(check its weekly hours and holidays)",
           CAL_MAX_IDLE_DAYS, y, m, d, tz_name (self->tz));
    return -1;
}

/*  Walks working time from `start_us` on until `amount` microseconds have
 *  passed and sets *due_us; amount 0 finds the next open instant. */
static int s_walk (const cal_t *self, int64_t start_us, int64_t amount, int64_t *due_us, char *err,
                   size_t errsize)
{
    int64_t last_day = tz_days_from_civil (S_MAX_YEAR + 1, 1, 1) + 1;
    int64_t a[HOURS_MAX_INTERVALS], b[HOURS_MAX_INTERVALS], left = amount;
    int idle = 0;
    for (int64_t day = s_local_day (self, start_us) - 1; day <= last_day; day++) {
        int n = s_day_spans (self, day, a, b);
        bool worked = false;
        for (int i = 0; i < n; i++) {
            int64_t from = a[i] > start_us ? a[i] : start_us;
            if (b[i] <= from)
                continue;
            worked = true;
            if (left <= b[i] - from) {
                *due_us = from + left;
                if (!s_in_range (*due_us))
                    return s_range_err (err, errsize, *due_us);
                return 0;
            }
            left -= b[i] - from;
        }
        idle = worked ? 0 : idle + 1;
        if (idle > CAL_MAX_IDLE_DAYS) /* +1: the walk looks one day behind the start */
            return s_idle_err (self, start_us, err, errsize);
    }
    err_set (err, errsize, "the deadline falls after the year %d", S_MAX_YEAR);
    return -1;
}

int cal_next_open (const cal_t *self, int64_t from_us, int64_t *open_us, char *err, size_t errsize)
{
    if (!self || !open_us)
        return -1;
    if (!s_in_range (from_us))
        return s_range_err (err, errsize, from_us);
    return s_walk (self, from_us, 0, open_us, err, errsize);
}

int cal_add_business_us (const cal_t *self, int64_t start_us, int64_t business_us, int64_t *due_us,
                         char *err, size_t errsize)
{
    if (!self || !due_us)
        return -1;
    if (!s_in_range (start_us))
        return s_range_err (err, errsize, start_us);
    if (business_us < 0) {
        err_set (err, errsize, "negative business time (%lld us)", (long long) business_us);
        return -1;
    }
    if (business_us == 0) {
        *due_us = start_us;
        return 0;
    }
    return s_walk (self, start_us, business_us, due_us, err, errsize);
}

int cal_add_business (const cal_t *self, int64_t start_us, int64_t seconds, int64_t *due_us, char *err,
                      size_t errsize)
{
    /* 1000 years of seconds is far beyond any calendar here and keeps the product in range. */
    if (seconds < 0 || seconds > INT64_C (31622400000)) {
        err_set (err, errsize, "business time %lld s is negative or absurdly large", (long long) seconds);
        return -1;
    }
    return cal_add_business_us (self, start_us, seconds * S_US, due_us, err, errsize);
}

int cal_business_us (const cal_t *self, int64_t from_us, int64_t to_us, int64_t *business_us, char *err,
                     size_t errsize)
{
    if (!self || !business_us)
        return -1;
    if (!s_in_range (from_us))
        return s_range_err (err, errsize, from_us);
    if (!s_in_range (to_us))
        return s_range_err (err, errsize, to_us);
    int sign = 1;
    if (to_us < from_us) {
        int64_t swap = from_us;
        from_us = to_us, to_us = swap, sign = -1;
    }
    int64_t a[HOURS_MAX_INTERVALS], b[HOURS_MAX_INTERVALS], total = 0;
    /* Spans of a date can reach past its wall midnight by less than a day (an overlap), so dates up
     * to two after the end's own date are looked at. */
    int64_t last = s_local_day (self, to_us) + 2;
    for (int64_t day = s_local_day (self, from_us) - 1; day <= last; day++) {
        int n = s_day_spans (self, day, a, b);
        for (int i = 0; i < n; i++) {
            int64_t lo = a[i] > from_us ? a[i] : from_us, hi = b[i] < to_us ? b[i] : to_us;
            if (hi > lo)
                total += hi - lo;
        }
    }
    *business_us = sign * total;
    return 0;
}

int cal_business_seconds (const cal_t *self, int64_t from_us, int64_t to_us, int64_t *seconds, char *err,
                          size_t errsize)
{
    int64_t us;
    if (!seconds || cal_business_us (self, from_us, to_us, &us, err, errsize) != 0)
        return -1;
    *seconds = us / S_US;
    return 0;
}

int cal_add_working_days (const cal_t *self, int64_t start_us, int n, int64_t *due_us, char *err, size_t errsize)
{
    if (!self || !due_us)
        return -1;
    if (!s_in_range (start_us))
        return s_range_err (err, errsize, start_us);
    if (n < 1 || n > 100000) {
        err_set (err, errsize, "%d working days is out of range (expected 1 to 100000)", n);
        return -1;
    }
    int64_t a[HOURS_MAX_INTERVALS], b[HOURS_MAX_INTERVALS];
    int64_t last_day = tz_days_from_civil (S_MAX_YEAR, 12, 31);
    int left = n, idle = 0;
    for (int64_t day = s_local_day (self, start_us) + 1; day <= last_day; day++) {
        int spans = s_day_spans (self, day, a, b);
        if (spans == 0) {
            if (++idle > CAL_MAX_IDLE_DAYS)
                return s_idle_err (self, start_us, err, errsize);
            continue;
        }
        idle = 0;
        if (--left == 0) {
            *due_us = b[spans - 1];
            if (!s_in_range (*due_us))
                return s_range_err (err, errsize, *due_us);
            return 0;
        }
    }
    err_set (err, errsize, "the deadline falls after the year %d", S_MAX_YEAR);
    return -1;
}

/*  calendar — a branch's business calendar and the deadline arithmetic on
 *  it: "when have N seconds of working time passed after this instant?" and
 *  "how much working time lies between these two instants?".
 *
 *  A calendar is
 *    - an IANA time zone (common/time/tz.h);
 *    - weekly working hours (hours_week_t: [0] = Monday … [6] = Sunday,
 *      several intervals a day, minutes of local wall time);
 *    - holidays: local dates that are closed all day;
 *    - make-up working days (调休): local dates that are working days with
 *      the hours of a named weekday (usually Monday's) or explicit hours —
 *      typically a Saturday or Sunday worked in exchange for a holiday.
 *  A date that is neither keeps its weekday's hours.
 *
 *  Working intervals are local wall time. Each boundary becomes an instant
 *  by tz's default rule (TZ_EARLIER): a boundary inside a spring-forward gap
 *  moves to the end of the gap, one inside a fall-back overlap takes the
 *  first of the two instants. So 08:00–18:00 is ten hours on every day of
 *  the year, while 01:00–05:00 in New York is three hours on the
 *  spring-forward Sunday and five on the fall-back Sunday.
 *
 *  Intended use (the dispatcher): when a clock starts or resumes with R
 *  seconds of business time left, due = cal_add_business (now, R); when it
 *  pauses, R -= cal_business_seconds (resumed_at, now). Both take O(days
 *  spanned) and never step minute by minute. A calendar with no working
 *  time at all for CAL_MAX_IDLE_DAYS days makes them fail with a reason
 *  instead of searching forever.
 *
 *  Thread safety: building a calendar (cal_new, cal_add_*) needs one
 *  writer; after that every query only reads it.
 *  All instants are microseconds since the Unix epoch, UTC, and must lie in
 *  the years 1900 to 2999.
 */
#ifndef KEFU_CALENDAR_H
#define KEFU_CALENDAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hours.h"
#include "tz.h"

typedef struct cal_s cal_t;

/*  Days without any working time after which a search gives up. */
#define CAL_MAX_IDLE_DAYS 400

typedef enum {
    CAL_DAY_REGULAR = 0, /* the weekday's hours */
    CAL_DAY_HOLIDAY,     /* closed */
    CAL_DAY_WORKDAY      /* make-up working day */
} cal_day_kind_t;

/*  What one local date looks like. */
typedef struct {
    cal_day_kind_t kind;
    int weekday;                         /* of the date, 0 = Monday */
    int n;                               /* working intervals in effect */
    hours_interval_t iv[HOURS_MAX_INTERVALS];
} cal_day_t;

/*  A calendar in zone `tz_name` with weekly hours `week` (copied). Checks
 *  the name, loads the zone and checks the week (each interval within
 *  00:00–24:00, start before end, increasing, not overlapping, at most
 *  HOURS_MAX_INTERVALS a day). Returns the calendar (caller destroys) or NULL
 *  with a reason in err. */
cal_t *cal_new (const char *tz_name, const hours_week_t *week, char *err, size_t errsize);
/*  Frees the calendar and nulls *self_p; safe to call twice. */
void cal_destroy (cal_t **self_p);

/*  The calendar's zone (borrowed). */
const tz_t *cal_tz (const cal_t *self);

/*  Closes a local date. Adding the same holiday twice is harmless; a date
 *  that is already a make-up working day is refused. Returns 0, or -1 with a
 *  reason in err (err may be NULL). */
int cal_add_holiday (cal_t *self, int year, int month, int day, char *err, size_t errsize);
/*  Makes a local date a working day with explicit hours: 1 to
 *  HOURS_MAX_INTERVALS intervals, checked like the week's (iv is copied).
 *  Refused when the date is already a holiday or a make-up day. Returns 0
 *  or -1 with a reason. */
int cal_add_workday (cal_t *self, int year, int month, int day, const hours_interval_t *iv, int n,
                     char *err, size_t errsize);
/*  Makes a local date a working day with the hours of `weekday` (0 = Monday
 *  … 6 = Sunday) of this calendar's week — a branch closed on that weekday
 *  stays closed on the make-up day. Returns 0 or -1 with a reason. */
int cal_add_workday_as (cal_t *self, int year, int month, int day, int weekday, char *err, size_t errsize);

/*  What a local date looks like in this calendar. Returns 0, or -1 for an
 *  invalid date. */
int cal_day (const cal_t *self, int year, int month, int day, cal_day_t *out);

/*  True when the instant lies in working time. */
bool cal_is_open (const cal_t *self, int64_t utc_us);

/*  The first instant at or after `from_us` that is in working time (an
 *  instant already in working time is returned as is). Returns 0, or -1
 *  with a reason when there is none within CAL_MAX_IDLE_DAYS. */
int cal_next_open (const cal_t *self, int64_t from_us, int64_t *open_us, char *err, size_t errsize);

/*  The instant at which `business_us` microseconds of working time have
 *  elapsed after `start_us` (start may be inside or outside working time).
 *  A deadline that lands exactly on the end of an interval is that end
 *  (18:00), not the start of the next one; zero business time is due at
 *  start. Returns 0, or -1 with a reason for a negative amount, an instant
 *  outside 1900–2999, or no working time within CAL_MAX_IDLE_DAYS. */
int cal_add_business_us (const cal_t *self, int64_t start_us, int64_t business_us, int64_t *due_us,
                         char *err, size_t errsize);
/*  The same with whole seconds. */
int cal_add_business (const cal_t *self, int64_t start_us, int64_t seconds, int64_t *due_us,
                      char *err, size_t errsize);

/*  Working time between two instants, in microseconds; negative when
 *  to_us < from_us. The inverse of cal_add_business_us: for every start and
 *  amount, cal_business_us (start, due) == amount. Returns 0, or -1 with a
 *  reason for an instant outside 1900–2999. */
int cal_business_us (const cal_t *self, int64_t from_us, int64_t to_us, int64_t *business_us,
                     char *err, size_t errsize);
/*  The same in whole seconds (rounded toward zero). */
int cal_business_seconds (const cal_t *self, int64_t from_us, int64_t to_us, int64_t *seconds,
                          char *err, size_t errsize);

/*  "N working days" (docs/sla.md): the end of the working hours of the
 *  n-th working day AFTER the local date of `start_us` — the start date
 *  never counts, whatever the hour, and a date counts when it has working
 *  time (a make-up day does, a holiday does not). Monday 10:00 + 3 with
 *  Tuesday to Thursday working: the end of Thursday's last interval.
 *  n is 1 to 100000. Returns 0, or -1 with a reason for n out of range, an
 *  instant outside 1900-2999, or no working day within CAL_MAX_IDLE_DAYS. */
int cal_add_working_days (const cal_t *self, int64_t start_us, int n, int64_t *due_us, char *err,
                          size_t errsize);

#endif

/*  tz — IANA time zones read straight from the compiled tz database
 *  (/usr/share/zoneinfo, or $TZDIR), without setenv("TZ") or localtime():
 *  a loaded zone is immutable, so any number of threads may use it at once.
 *
 *  Reads TZif files of version 1, 2, 3 and 4 (RFC 8536): the 64-bit section
 *  when there is one, and the POSIX TZ rule in the footer
 *  ("EST5EDT,M3.2.0,M11.1.0", "CET-1CEST,M3.5.0,M10.5.0/3", "CST-8") for
 *  every instant after the last transition in the table — that is how
 *  2040 in New York gets daylight-saving time. Zones with leap seconds
 *  ("right/…") are refused.
 *
 *  Vocabulary: an instant is UTC (microseconds or seconds since the Unix
 *  epoch); "wall" time is the local date and time on a clock on the wall,
 *  counted as seconds since 1970-01-01 00:00 *local* (days * 86400 +
 *  seconds of the day), so that civil-date arithmetic works on it directly.
 *
 *  Local to UTC is not a function everywhere: in a spring-forward gap a wall
 *  time never happens, in a fall-back overlap it happens twice. tz_rule_t
 *  says what to do; the default (TZ_EARLIER) gives the instant right after
 *  the gap, and the earlier of the two instants in an overlap. Put another
 *  way: TZ_EARLIER maps a wall time W to the first instant whose wall time
 *  is W or later, which never goes backwards as W advances.
 */
#ifndef KEFU_TZ_H
#define KEFU_TZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct tz_s tz_t;

typedef enum {
    TZ_EARLIER = 0, /* gap: the instant the gap ends; overlap: the earlier instant */
    TZ_LATER,       /* gap: the instant the gap ends; overlap: the later instant */
    TZ_STRICT       /* gap or overlap: refused (-1) */
} tz_rule_t;

/*  A local date and time of day (no offset). */
typedef struct {
    int year, month, day;     /* month 1..12, day 1..31 */
    int hour, minute, second; /* hour 0..24 (24 only as 24:00:00, the next midnight) */
} tz_civil_t;

/*  Loads a zone by IANA name ("Asia/Shanghai") from $TZDIR or
 *  /usr/share/zoneinfo. The name is checked first: 1–255 characters of
 *  [A-Za-z0-9_+/-], no leading "/", no "..". Returns the zone (caller
 *  destroys) or NULL with "<name>: reason" in err. */
tz_t *tz_load (const char *name, char *err, size_t errsize);
/*  Parses TZif bytes already in memory; `name` is what tz_name() returns
 *  and what errors say. Returns the zone or NULL with a reason in err. */
tz_t *tz_parse (const char *name, const void *data, size_t len, char *err, size_t errsize);
/*  A zone made of a POSIX TZ rule alone ("CST-8", "EST5EDT,M3.2.0,M11.1.0",
 *  "<+0330>-3:30"). Returns the zone or NULL with a reason in err. */
tz_t *tz_from_posix (const char *rule, char *err, size_t errsize);
/*  Frees the zone and nulls *self_p; safe to call twice. */
void tz_destroy (tz_t **self_p);

/*  The name the zone was loaded under (borrowed). */
const char *tz_name (const tz_t *self);

/*  Offset of local time from UTC at the instant, in seconds east of UTC
 *  (+28800 for Asia/Shanghai). */
int tz_offset_at (const tz_t *self, int64_t utc_us);
/*  True when daylight-saving time is in effect at the instant. */
bool tz_is_dst_at (const tz_t *self, int64_t utc_us);
/*  Abbreviation in effect at the instant ("CST", "EDT"; borrowed). */
const char *tz_abbr_at (const tz_t *self, int64_t utc_us);

/*  Wall seconds (see above) of an instant: floor(utc_us / 1e6) + offset. */
int64_t tz_utc_to_wall (const tz_t *self, int64_t utc_us);
/*  The instant (UTC seconds) at which the wall clock shows `wall_s`,
 *  resolved by `rule`. Returns 0, or -1 under TZ_STRICT in a gap or
 *  overlap. */
int tz_wall_to_utc (const tz_t *self, int64_t wall_s, tz_rule_t rule, int64_t *utc_s);
/*  The same from a local date and time, giving microseconds. Returns 0, or
 *  -1 for an invalid date or time, or under TZ_STRICT in a gap or overlap. */
int tz_local_to_utc (const tz_t *self, const tz_civil_t *local, tz_rule_t rule, int64_t *utc_us);
/*  The local date and time of an instant (seconds truncated toward the
 *  past). */
void tz_utc_to_local (const tz_t *self, int64_t utc_us, tz_civil_t *out);

/*  Civil-date helpers (proleptic Gregorian calendar, Howard Hinnant's
 *  algorithms). Day 0 is 1970-01-01. */
int64_t tz_days_from_civil (int year, int month, int day);
void tz_civil_from_days (int64_t days, int *year, int *month, int *day);
/*  Day of the week, 0 = Monday … 6 = Sunday (the order of hours_week_t). */
int tz_weekday (int64_t days);
/*  True for a real calendar date (2025-02-29 is not). */
bool tz_date_valid (int year, int month, int day);
/*  Days in the month (month 1..12). */
int tz_days_in_month (int year, int month);

#endif

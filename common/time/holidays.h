/*  holidays — public holidays and make-up working days (调休) of one
 *  holiday calendar ("cn"), read from YAML files, one per calendar year:
 *  deploy/calendars/<calendar>/<year>.yaml (docs/calendars.md).
 *
 *      calendar: cn
 *      year: 2025
 *      holidays:
 *        - {date: "2025-01-01", name: 元旦}
 *        - {from: "2025-01-28", to: "2025-02-04", name: 春节}
 *      workdays:
 *        - {date: "2025-01-26", name: 春节调休, as: mon}
 *        - {date: "2025-02-08", name: 春节调休, hours: ["09:00-17:00"]}
 *
 *  A holiday closes the date all day. A make-up working day opens it with
 *  the hours of the weekday named by `as` (default mon) in the calendar it
 *  is applied to — each branch its own Monday hours — or with explicit
 *  `hours`. Everything is validated before anything is returned, with
 *  "file:line: key: reason": unknown keys, invalid dates, a date outside
 *  the file's year ("holiday file for the wrong year"), inverted ranges, a
 *  date listed twice, a date that is both a holiday and a working day, bad
 *  hours, `as` together with `hours`.
 *
 *  A loaded set is immutable; any number of calendars may apply it.
 */
#ifndef KEFU_HOLIDAYS_H
#define KEFU_HOLIDAYS_H

#include <stdbool.h>
#include <stddef.h>

#include "calendar.h"
#include "hours.h"

typedef struct hol_s hol_t;

/*  One special date. */
typedef struct {
    int year, month, day;
    bool workday;           /* false: a holiday (closed all day) */
    int as_weekday;         /* workday: weekday whose hours apply (0 = Monday … 6 = Sunday), or -1 */
    int n;                  /* workday with explicit hours (as_weekday -1): the intervals */
    hours_interval_t iv[HOURS_MAX_INTERVALS];
    const char *name;       /* "春节" (borrowed from the set) */
    const char *file;       /* where it was defined (borrowed) */
    int line;
} hol_date_t;

/*  Loads one file. When its name is "<year>.yaml" the `year:` inside must
 *  match. Returns the set (caller destroys) or NULL with
 *  "file:line: key: reason" in err. */
hol_t *hol_load_file (const char *path, char *err, size_t errsize);
/*  The same from text (tests); `name` stands for the file name in errors. */
hol_t *hol_load_string (const char *name, const char *text, char *err, size_t errsize);
/*  Loads every year of calendar `calendar` (an identifier: 1–32 of
 *  A-Z a-z 0-9 _ -) from <root>/<calendar>/<year>.yaml; each file's
 *  `calendar:` must be `calendar` and its `year:` the one in its name. Other
 *  *.yaml or *.yml names are refused; other files are ignored. At least one
 *  year is required. Returns the set or NULL with a reason in err. */
hol_t *hol_load_dir (const char *root, const char *calendar, char *err, size_t errsize);
/*  Frees the set and nulls *self_p; safe to call twice. */
void hol_destroy (hol_t **self_p);

/*  The holiday calendar's name ("cn"; borrowed). */
const char *hol_calendar (const hol_t *self);
/*  Special dates, sorted by date. */
size_t hol_count (const hol_t *self);
const hol_date_t *hol_date (const hol_t *self, size_t i);
/*  True when a file for `year` was loaded (a deadline running into a year
 *  without a file is computed without that year's holidays: warn). */
bool hol_has_year (const hol_t *self, int year);

/*  Applies every date to the calendar. All conflicts with dates the
 *  calendar already has (a make-up day on a holiday, …) are checked before
 *  the calendar is touched, so a refused set changes nothing. Returns 0 or
 *  -1 with a reason in err. */
int hol_apply (const hol_t *self, cal_t *cal, char *err, size_t errsize);

#endif

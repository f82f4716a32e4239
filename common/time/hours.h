/*  hours — weekly working hours: for each weekday (Monday first) a list of
 *  "HH:MM-HH:MM" intervals in local time, increasing and not overlapping,
 *  "24:00" allowed as an end. Branch opening hours and technician shifts
 *  are weekly hours; the business calendar (calendar.h) counts time in them.
 *  Stored in the database as JSON text: {"mon":["08:00-18:00"],…}.
 */
#ifndef KEFU_HOURS_H
#define KEFU_HOURS_H

#include <stdbool.h>

#define HOURS_MAX_INTERVALS 8

typedef struct {
    int start_min, end_min; /* minutes from midnight, end exclusive, 0..1440 */
} hours_interval_t;

typedef struct {
    hours_interval_t iv[7][HOURS_MAX_INTERVALS]; /* [0] = Monday … [6] = Sunday */
    int n[7];
} hours_week_t;

/*  "mon" … "sun", NULL-terminated: the weekday keys of the YAML and JSON forms. */
extern const char *const hours_day_keys[];

/*  Parses the shape of "HH:MM-HH:MM" only (start and end may be in any
 *  order), so that a caller can tell a malformed interval from an inverted
 *  one. Returns 0 or -1. */
int hours_interval_shape (const char *text, hours_interval_t *out);

/*  Parses "HH:MM-HH:MM" with the start before the end. Returns 0 or -1. */
int hours_interval_parse (const char *text, hours_interval_t *out);

/*  Weekly hours as JSON text for the database; caller frees. NULL when the
 *  week is malformed or memory ran out. */
char *hours_week_to_json (const hours_week_t *week);
/*  And back (from the database). Returns 0 or -1. */
int hours_week_from_json (const char *json, hours_week_t *out);

/*  True when local minute-of-week (weekday 0=Mon, minute 0..1439) falls in
 *  the week's intervals. */
bool hours_week_contains (const hours_week_t *week, int weekday, int minute);

#endif

/*  cb_slot — when a call may be placed (docs/callback.md "When a call is
 *  placed"): inside the branch's working time (its calendar: hours,
 *  holidays, make-up days; common/time/calendar.h) and outside the
 *  customer's rest hours (cb_rest.h, local wall time of the branch's zone),
 *  and, for a retry, the policy's spacing and a time of day the earlier
 *  attempts did not use. Pure arithmetic on a calendar: tests/unit covers
 *  it with the injectable clock nowhere in sight.
 *
 *  Times of day for the retry rule: morning before 12:00, afternoon
 *  12:00-18:00, evening from 18:00 (local).
 */
#ifndef KEFU_CB_SLOT_H
#define KEFU_CB_SLOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cb_rest.h"
#include "time/calendar.h"

typedef enum { CBS_MORNING = 0, CBS_AFTERNOON, CBS_EVENING } cbs_part_t;

typedef struct {
    int max_attempts;     /* calls tried before it closes as unreachable (1..10) */
    int min_gap_minutes;  /* at least this long between two attempts */
    bool vary_time_of_day; /* try a time of day the earlier attempts did not */
} cbs_retry_t;

/*  The first instant at or after from_us when the branch is open and the
 *  customer is not resting. Returns 0 with *at_us, or -1 with a reason
 *  (no such time within the calendar's search limit). */
int cbs_place (const cal_t *cal, const cbr_set_t *rest, int64_t from_us, int64_t *at_us, char *err,
               size_t errsize);

/*  The time of day of an instant in the calendar's zone. */
cbs_part_t cbs_part (const cal_t *cal, int64_t at_us);

/*  When to try again after the n (>= 1) attempts at attempts[0..n): the
 *  first placeable instant at least min_gap after the last one whose time of
 *  day no earlier attempt had; failing that (within 14 days) one whose time
 *  of day differs from the last attempt's; failing that the first placeable
 *  instant after the gap. Returns 0 with *next_us, or -1 with a reason. */
int cbs_next_attempt (const cal_t *cal, const cbr_set_t *rest, const cbs_retry_t *policy,
                      const int64_t *attempts, int n, int64_t *next_us, char *err, size_t errsize);

#endif

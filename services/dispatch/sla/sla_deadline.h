/*  sla_deadline — the arithmetic of a clock's instants: the due and warning
 *  instants of a target started at some moment, and amounts of a target's
 *  own time (business time on the branch's calendar, or calendar time around
 *  the clock) added to an instant or measured between two. No database and
 *  no state: the clocks' rows (sla_start.h, sla_clock_life.h) and the firing
 *  (sla_fire.h) call it with the branch's calendar (sla_calendars.h).
 */
#ifndef KEFU_DISPATCH_SLA_DEADLINE_H
#define KEFU_DISPATCH_SLA_DEADLINE_H

#include <stddef.h>
#include <stdint.h>

#include "sla_policy.h"
#include "time/calendar.h"

/*  A target as a clock row stores it (target_kind, target_amount, time_kind). */
typedef struct {
    sla_unit_t unit;
    int amount;  /* minutes, or working days */
    sla_time_t time;
} sdl_target_t;

/*  The target of a policy (sla_policy.h). */
sdl_target_t sdl_target_of (const sla_target_t *target);

/*  Reads a clock row's target columns as text ("working_days" or "minutes",
 *  the amount, "calendar" or "business"). Fills *out in every case; returns
 *  0, or -1 when the amount is not a positive number. */
int sdl_target_parse (const char *unit, const char *amount, const char *time, sdl_target_t *out);

/*  The target for people, as sla_target_describe writes it ("2 business
 *  hours"); truncated to fit buf. */
void sdl_describe (const sdl_target_t *target, const char *clock, char *buf, size_t size);

/*  *out = `us` of `time` after `from` (business time counted on cal; cal
 *  may be NULL for calendar time). Returns 0, or -1 with a reason in err. */
int sdl_add (const cal_t *cal, sla_time_t time, int64_t from, int64_t us, int64_t *out, char *err,
             size_t errsize);

/*  *out = the `time` between `from` and `to`; 0 when to <= from. Returns 0,
 *  or -1 with a reason in err. */
int sdl_between (const cal_t *cal, sla_time_t time, int64_t from, int64_t to, int64_t *out, char *err,
                 size_t errsize);

/*  Due and warning instants of `target` started at `start`: the warning
 *  lies at warn_percent of the target in the target's own time; N working
 *  days end with the last working interval of the N-th working day after
 *  the start's day (sla_policy.h). Returns 0, or -1 with a reason in err. */
int sdl_deadlines (const cal_t *cal, const sdl_target_t *target, int warn_percent, int64_t start,
                   int64_t *due, int64_t *warn, char *err, size_t errsize);

#endif

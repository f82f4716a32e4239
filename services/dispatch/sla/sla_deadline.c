/*  sla_deadline — deadline arithmetic of the SLA clocks: due and warning
 *  instants, and a target's own time added and measured (contract in
 *  sla_deadline.h).
 */
#include "sla_deadline.h"

#include <stdlib.h>
#include <string.h>

sdl_target_t sdl_target_of (const sla_target_t *target)
{
    return (sdl_target_t) { target->unit, target->amount, target->time };
}

int sdl_target_parse (const char *unit, const char *amount, const char *time, sdl_target_t *out)
{
    out->unit = strcmp (unit, "working_days") == 0 ? SLA_UNIT_WORKING_DAYS : SLA_UNIT_MINUTES;
    out->amount = atoi (amount);
    out->time = strcmp (time, "calendar") == 0 ? SLA_TIME_CALENDAR : SLA_TIME_BUSINESS;
    return out->amount > 0 ? 0 : -1;
}

void sdl_describe (const sdl_target_t *t, const char *clock, char *buf, size_t size)
{
    sla_target_t target = { .clock = clock, .unit = t->unit, .amount = t->amount, .time = t->time,
                            .written_in = t->unit == SLA_UNIT_WORKING_DAYS ? "days"
                                          : t->amount % 60 == 0        ? "hours"
                                                                       : "minutes" };
    if (sla_target_describe (&target, buf, size) != 0 && size)
        buf[size - 1] = '\0';
}

int sdl_add (const cal_t *cal, sla_time_t time, int64_t from, int64_t us, int64_t *out, char *err,
             size_t errsize)
{
    if (time == SLA_TIME_CALENDAR) {
        *out = from + us;
        return 0;
    }
    return cal_add_business_us (cal, from, us, out, err, errsize);
}

int sdl_between (const cal_t *cal, sla_time_t time, int64_t from, int64_t to, int64_t *out, char *err,
                 size_t errsize)
{
    *out = 0;
    if (to <= from)
        return 0;
    if (time == SLA_TIME_CALENDAR) {
        *out = to - from;
        return 0;
    }
    return cal_business_us (cal, from, to, out, err, errsize);
}

int sdl_deadlines (const cal_t *cal, const sdl_target_t *t, int warn_percent, int64_t start, int64_t *due,
                   int64_t *warn, char *err, size_t errsize)
{
    if (t->unit == SLA_UNIT_WORKING_DAYS) {
        int64_t span;
        if (cal_add_working_days (cal, start, t->amount, due, err, errsize) != 0
            || cal_business_us (cal, start, *due, &span, err, errsize) != 0)
            return -1;
        return cal_add_business_us (cal, start, span / 100 * warn_percent, warn, err, errsize);
    }
    int64_t target_us = (int64_t) t->amount * 60 * 1000000;
    if (sdl_add (cal, t->time, start, target_us, due, err, errsize) != 0)
        return -1;
    return sdl_add (cal, t->time, start, target_us / 100 * warn_percent, warn, err, errsize);
}

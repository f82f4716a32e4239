/*  branch_cal — a branch's business calendar as the database holds it:
 *  ref.branches (time zone, weekly hours, holiday calendar name) and
 *  ref.calendar_days (that holiday calendar's holidays and make-up working
 *  days), both written by `kefuctl admin load` (docs/calendars.md).
 *
 *  The dispatcher's SLA engine and `kefuctl due` build calendars through
 *  this module so that both count business time the same way. Any role
 *  with SELECT on ref (every service role) may call it. The result is an
 *  ordinary cal_t (common/time/calendar.h), owned by the caller.
 */
#ifndef KEFU_BRANCH_CAL_H
#define KEFU_BRANCH_CAL_H

#include <stdbool.h>
#include <stddef.h>

#include "calendar.h"
#include "db/db.h"

/*  Builds the calendar of branch `branch_id`: its zone and hours, and when
 *  it names a holiday calendar, every holiday (cal_add_holiday) and make-up
 *  working day (cal_add_workday_as, or cal_add_workday for explicit hours)
 *  of that calendar. Reads everything in one statement, so a concurrent
 *  `admin load` is seen entirely or not at all. Returns the calendar
 *  (caller destroys), or NULL with a reason in err: `no branch "XX"`, a
 *  database error, or data the calendar refuses (bad hours, unknown zone). */
cal_t *bcal_load (db_t *db, const char *branch_id, char *err, size_t errsize);

/*  Whether the branch's holiday calendar has data for `year` (a row in
 *  ref.calendar_years: the year's holiday file was loaded). *has is true
 *  when it has, and also when the branch names no holiday calendar (it
 *  observes no public holidays, so nothing is missing); false when a
 *  deadline in that year would be computed without its holidays — warn.
 *  The calendar's name goes to `calendar` (empty when none) when calendar
 *  is not NULL (calsize >= 33 holds any name). Returns 0, or -1 with a
 *  reason in err (`no branch "XX"`, a database error). */
int bcal_has_year (db_t *db, const char *branch_id, int year, bool *has, char *calendar, size_t calsize,
                   char *err, size_t errsize);

#endif

/*  sla_calendars — the branches' business calendars as the SLA engine uses
 *  them: read from the database (common/time/branch_cal.h: hours, holidays,
 *  make-up days, time zone) at first use and kept for a minute, so that a
 *  `kefuctl admin load` of new hours or holidays is seen without a restart;
 *  a reload of the SLA file makes every one be read again at its next use.
 */
#ifndef KEFU_DISPATCH_SLA_CALENDARS_H
#define KEFU_DISPATCH_SLA_CALENDARS_H

#include <stddef.h>

#include "db/db.h"
#include "time/calendar.h"

typedef struct scal_s scal_t;

/*  An empty cache, or NULL (out of memory). */
scal_t *scal_new (void);
/*  Frees the cache and its calendars; safe on NULL and twice. */
void scal_destroy (scal_t **self_p);

/*  The branch's calendar, from the cache or read with db. Borrowed: valid
 *  until the next scal_get or scal_destroy. NULL with a reason in err (an
 *  unknown branch says "no branch"). */
const cal_t *scal_get (scal_t *self, db_t *db, const char *branch, char *err, size_t errsize);

/*  Every calendar is read again at its next use. */
void scal_expire (scal_t *self);

#endif

/*  sla_fire — firing: in one transaction, claims the running clocks whose
 *  warning, due or next escalation instant has passed (FOR UPDATE SKIP
 *  LOCKED), decides for each the warning, escalation, skip-level and
 *  informed records its branch's ladder calls for (sla_policy.h, looked up
 *  at each firing, so a reload reaches running clocks), writes them to
 *  dispatch.escalations, moves the clocks' state columns past them and
 *  emits sla.warning / sla.escalated. So two dispatchers never fire the same
 *  thing twice, and a restarted one fires at once what fell due while none
 *  ran. Delivering the records to people is sla_delivery.h's, after commit.
 */
#ifndef KEFU_DISPATCH_SLA_FIRE_H
#define KEFU_DISPATCH_SLA_FIRE_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "msg/bus.h"
#include "sla_calendars.h"
#include "sla_loader.h"

/*  Most clocks claimed in one firing transaction; a tick runs several. */
#define SLF_BATCH 500

typedef struct slf_s slf_t;

/*  Registers the statements on db. db, bus, loader and cals are borrowed
 *  and must outlive the firing. NULL with a reason in err. */
slf_t *slf_new (db_t *db, bus_t *bus, sll_t *loader, scal_t *cals, char *err, size_t errsize);
/*  Frees; safe on NULL and twice. */
void slf_destroy (slf_t **self_p);

/*  One firing transaction at `now` (clock_now_us) over at most SLF_BATCH
 *  clocks; the loader's configuration must be loaded. Sets *claimed to the
 *  number of clocks claimed (SLF_BATCH: there may be more). Returns the
 *  number of warnings and escalations recorded, or -1 on a database failure
 *  (logged "sla_tick_failed"; rolled back with its messages). */
int slf_batch (slf_t *self, int64_t now, int *claimed);

#endif

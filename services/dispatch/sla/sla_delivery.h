/*  sla_delivery — hands the recorded warnings and escalations
 *  (dispatch.escalations) to the notification adapter (notify.adapter:
 *  file, log or smtp; common/notify/notify.h) after the firing transaction
 *  committed, and marks each notified_at. At least once: a crash between
 *  delivery and that mark delivers again. A failed delivery backs off on
 *  its own (2^attempts seconds of real time, at most an hour), so it never
 *  holds back the records behind it.
 */
#ifndef KEFU_DISPATCH_SLA_DELIVERY_H
#define KEFU_DISPATCH_SLA_DELIVERY_H

#include <stddef.h>

#include "notify/notify_config.h"
#include "db/db.h"

/*  Most records delivered per delivery transaction. */
#define SLD_BATCH 100

typedef struct sld_s sld_t;

/*  Opens the adapter the notify section names and registers the statements on db (borrowed;
 *  must outlive the delivery). NULL with a reason in err. */
sld_t *sld_new (const notify_config_t *notify, db_t *db, char *err, size_t errsize);
/*  Closes the adapter and frees; safe on NULL and twice. */
void sld_destroy (sld_t **self_p);

/*  "file", "log" or "smtp" (borrowed; lives as long as the delivery). */
const char *sld_adapter_name (const sld_t *self);

/*  Up to max_batches delivery transactions of SLD_BATCH records each, until
 *  one finds less than a full batch. Returns 0, or -1 on a database failure
 *  (logged "notify_pass_failed"; the next tick tries again). */
int sld_deliver (sld_t *self, int max_batches);

#endif

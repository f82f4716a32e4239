/*  cb_app — the callback service's own object, handed to its message
 *  handlers, timers and request handlers (callback.c puts it together).
 */
#ifndef KEFU_CB_APP_H
#define KEFU_CB_APP_H

#include "callback_config.h"
#include "cb_slot.h"
#include "db/db.h"
#include "msg/bus.h"
#include "svc/handler.h"
#include "svc/request_endpoint.h"
#include "svc/service.h"

typedef struct {
    svc_t *svc;
    const callback_config_t *cfg;
    db_t *db;
    bus_t *bus;
    svc_handler_t on_updated, on_accepted; /* registered on the bus: live as long as it */
} cb_app_t;

/*  The retry policy of the configuration. */
static inline cbs_retry_t cb_app_retry (const cb_app_t *app)
{
    return (cbs_retry_t) { app->cfg->retry_max_attempts, app->cfg->retry_min_gap_minutes,
                           app->cfg->retry_vary_time };
}

#endif

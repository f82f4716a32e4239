/*  api — dispatch's request table, served on services.dispatch.api
 *  (docs/dispatch.md "Requests"; the wire format is docs/architecture.md
 *  "Request API"): the SLA reads (reads/reads.h) and the work orders'
 *  requests (work_order_requests.h). Every handler is given the
 *  dispatcher's dapi_app_t as `app`.
 */
#ifndef KEFU_DISPATCH_API_H
#define KEFU_DISPATCH_API_H

#include "db/db.h"
#include "dispatch_config.h"
#include "msg/bus.h"
#include "sla/sla_engine.h"
#include "svc/request_endpoint.h"

/*  What the handlers share; all borrowed from the dispatcher. */
typedef struct {
    db_t *db;                    /* first: the SLA reads take it from here (reads.h) */
    bus_t *bus;
    const dispatch_config_t *dc;
    sle_t *sle;                  /* the clocks that move on a done report */
} dapi_app_t;

/*  The table, ended by a NULL row: what dispatch.c hands to rqe_new. */
extern const rqe_handler_t dapi_requests[];

#endif

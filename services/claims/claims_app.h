/*  claims_app — the claims service's own object, handed to its request
 *  handlers (claims.c puts it together), and the one transaction context
 *  every request of claims runs in (claim_tx.h).
 */
#ifndef KEFU_CLAIMS_APP_H
#define KEFU_CLAIMS_APP_H

#include <stdbool.h>

#include "claims_config.h"
#include "db/db.h"
#include "msg/bus.h"
#include "svc/service.h"

typedef struct {
    svc_t *svc;
    const claims_config_t *cfg;
    const void *dispatch_cfg; /* dispatch_config_t: the fault codes a cause must be one of */
    db_t *db;
    bus_t *bus;
    bool sla_subjects;        /* sla.subject is routed (dispatch runs claims' decision clock) */
} clm_app_t;

#endif

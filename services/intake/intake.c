/*  intake — assembles the intake service from its modules (see intake.h). */
#include <stdlib.h>

#include "api.h"
#include "events.h"
#include "events_work.h"
#include "intake.h"
#include "intake_config.h"
#include "repairs.h"
#include "screenpop.h"
#include "base/log.h"
#include "tickets.h"

struct intake_s {
    itk_t *tickets;
    iev_t *events;
    rqe_t *api;
    isp_t *pops;
    irp_ctx_t repairs; /* workorder.done's handler (repairs.h) */
};

intake_t *intake_new (svc_t *svc)
{
    if (!svc)
        return NULL;
    intake_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->tickets = itk_new (svc_db (svc), svc_bus (svc), svc_name (svc));
    if (!self->tickets)
        goto fail;
    if (itk_events_prepare (svc_db (svc)) != 0) {
        log_kv (LOG_ERROR, "prepare_failed", "statement", "intake_evq_*", "reason", db_error (svc_db (svc)),
                NULL);
        goto fail;
    }
    if (!(self->events = iev_new (svc_bus (svc), svc_db (svc)))) {
        log_kv (LOG_ERROR, "intake_start_failed", "reason",
                "could not register the work-order message handlers", NULL);
        goto fail;
    }
    self->repairs = (irp_ctx_t) { self->events, intake_config (svc_cfg (svc))->replace_after };
    itk_replace_after (self->tickets, self->repairs.replace_after);
    if (irp_prepare (svc_db (svc)) != 0
        || bus_on (svc_bus (svc), "workorder.done", irp_on_done, &self->repairs) != 0) {
        log_kv (LOG_ERROR, "intake_start_failed", "reason", "could not register the done reports' handler", NULL);
        goto fail;
    }
    if (iew_register (svc_bus (svc), self->tickets) != 0) {
        log_kv (LOG_ERROR, "intake_start_failed", "reason", "could not register the work handlers", NULL);
        goto fail;
    }
    if (!(self->pops = isp_new (svc_db (svc), intake_config (svc_cfg (svc))->screenpop_seconds))) {
        log_kv (LOG_ERROR, "prepare_failed", "statement", "isp_*, icf_*", "reason", db_error (svc_db (svc)), NULL);
        goto fail;
    }
    itk_set_pops (self->tickets, self->pops);
    self->api = rqe_new (svc, svc_api (svc), iapi_requests, self->tickets);
    if (!self->api)
        goto fail;
    return self;
fail:
    intake_destroy (&self);
    return NULL;
}

void intake_destroy (intake_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    intake_t *self = *self_p;
    rqe_destroy (&self->api);
    isp_destroy (&self->pops);
    iev_destroy (&self->events);
    itk_destroy (&self->tickets);
    free (self);
    *self_p = NULL;
}

/*  dispatch — see dispatch.h. */
#include "dispatch.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/clock.h"
#include "base/log.h"
#include "dispatch_config.h"
#include "notify/notify_config.h"
#include "api.h"
#include "callback_events.h"
#include "diagnosis.h"
#include "estimate_events.h"
#include "inspection_outcomes.h"
#include "money_subjects.h"
#include "work_order_requests.h"
#include "redispatch.h"
#include "sla/sla_engine.h"
#include "sla/sla_loader.h"
#include "sla/sla_start.h"
#include "svc/handler.h"
#include "svc/request_endpoint.h"
#include "sweeps.h"
#include "ticket_events.h"
#include "workorders.h"

struct dispatch_s {
    svc_t *svc;
    const dispatch_config_t *dc;
    db_t *db;
    bus_t *bus;
    sle_t *sle;
    workorders_t *wo;
    rqe_t *api; /* services.dispatch.api: the SLA reads and work orders (api.h) */
    dapi_app_t api_app;
    dte_t events;
    dio_t outcomes;
    /* registered on the bus: live as long as it */
    svc_handler_t on_created, on_updated, on_failed, on_accepted, on_level_signed;
    svc_handler_t on_callback_scheduled, on_callback_recorded;
    svc_handler_t on_sla_subject;
    svc_handler_t on_estimate_pending, on_estimate_approved;
};

/* ---- the SLA engine's bracket ------------------------------------------- */

static void s_sla_begin (void *arg)
{
    sls_begin (sle_start (arg));
}

static int s_sla_flush (void *arg, db_t *db)
{
    return sls_flush (sle_start (arg), db);
}

/* ---- handlers ------------------------------------------------------------ */

static bus_result_t s_on_ticket_created (void *arg, db_t *db, const svc_ctx_t *who, char *reason,
                                         size_t reason_size)
{
    dispatch_t *self = arg;
    ticket_created_t t; /* decoded once; the SLA engine and the work order both take it */
    if (ticket_created_decode (who->msg, &t, reason, reason_size) != 0)
        return BUS_REJECT;
    return wo_on_ticket_created (self->wo, db, &t, who->msg->id, reason, reason_size);
}

/* ---- timers -------------------------------------------------------------- */

/*  "sla": the first run (when the database first connects) reads the SLA
 *  file, and a refused file stops the service. */
static int s_sla_timer (svc_t *svc, void *ctx)
{
    dispatch_t *self = ctx;
    char err[1024];
    if (sll_ensure (sle_loader (self->sle), err, sizeof err) != 0) {
        if (sll_failed (sle_loader (self->sle))) {
            log_kv (LOG_ERROR, "sla_config_refused", "path", self->dc->sla_file, "reason", err, NULL);
            fprintf (stderr, "kefu-dispatch: %s\n", err);
            svc_stop (svc);
        }
        return 0;
    }
    sle_tick (self->sle);
    return 0;
}

/*  "assign": lapsed orders first, so that this very pass places them again. */
static int s_assign_timer (svc_t *svc, void *ctx)
{
    (void) svc;
    dispatch_t *self = ctx;
    int64_t at = clock_now_us ();
    bool lapsed_ok = db_ensure (self->db) == 0 && redispatch_due (self->db, self->bus, at) >= 0;
    if (wo_retry (self->wo) >= 0 && lapsed_ok)
        sweep_mark (self->db, bus_instance (self->bus), SWEEP_ASSIGN, at);
    return 0;
}

/* ---- life ---------------------------------------------------------------- */

dispatch_t *dispatch_new (svc_t *svc)
{
    assert (svc);
    dispatch_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->svc = svc;
    self->dc = dispatch_config (svc_cfg (svc));
    self->db = svc_db (svc);
    self->bus = svc_bus (svc);
    char err[512];
    if (!(self->sle = sle_new (self->dc->sla_file, notify_config (svc_cfg (svc)), self->db, self->bus, err,
                               sizeof err))) {
        log_kv (LOG_ERROR, "sla_engine_failed", "reason", err, NULL);
        goto fail;
    }
    if (!(self->wo = wo_new (self->dc, self->db, self->bus, self->sle)) || dte_prepare (self->db) != 0
        || redispatch_prepare (self->db) != 0 || dio_prepare (self->db) != 0 || wor_prepare (self->db) != 0
        || diagnosis_prepare (self->db) != 0)
        goto fail;
    svc_bracket_t clocks = { s_sla_begin, s_sla_flush, self->sle };
    self->events = (dte_t) { self->sle, self->wo };
    self->outcomes = (dio_t) { self->dc, self->wo, self->bus, self->sle };
    self->on_created = (svc_handler_t) { "ticket.created", s_on_ticket_created, self, clocks };
    self->on_updated = (svc_handler_t) { "ticket.updated", dte_on_event, &self->events, clocks };
    self->on_failed = (svc_handler_t) { "inspection.failed", dio_on_failed, &self->outcomes, clocks };
    self->on_accepted = (svc_handler_t) { "workorder.accepted", dio_on_accepted, &self->outcomes, clocks };
    self->on_level_signed = (svc_handler_t) { "inspection.level_signed", dio_on_level_signed, &self->outcomes,
                                              clocks };
    self->on_callback_scheduled = (svc_handler_t) { "callback.scheduled", dce_on_scheduled, self->sle, clocks };
    self->on_callback_recorded = (svc_handler_t) { "callback.recorded", dce_on_recorded, self->sle, clocks };
    self->on_sla_subject = (svc_handler_t) { "sla.subject", dms_on_subject, self->sle, clocks };
    self->on_estimate_pending = (svc_handler_t) { "estimate.pending", dee_on_pending, self->sle, clocks };
    self->on_estimate_approved = (svc_handler_t) { "estimate.approved", dee_on_approved, self->sle, clocks };
    if (svc_handle (self->bus, &self->on_created) != 0 || svc_handle (self->bus, &self->on_updated) != 0
        || svc_handle (self->bus, &self->on_failed) != 0 || svc_handle (self->bus, &self->on_accepted) != 0
        || svc_handle (self->bus, &self->on_level_signed) != 0
        || svc_handle (self->bus, &self->on_callback_scheduled) != 0
        || svc_handle (self->bus, &self->on_callback_recorded) != 0
        || svc_handle (self->bus, &self->on_sla_subject) != 0
        || svc_handle (self->bus, &self->on_estimate_pending) != 0
        || svc_handle (self->bus, &self->on_estimate_approved) != 0)
        goto fail;
    bus_on_batch_begin (self->bus, wo_lock_batch_branches, self->wo);
    if (svc_add_timer (svc, "sla", self->dc->sla_tick_ms, s_sla_timer, self) != 0
        || svc_add_timer (svc, "assign", self->dc->assign_retry_ms, s_assign_timer, self) != 0)
        goto fail;
    self->api_app = (dapi_app_t) { self->db, self->bus, self->dc, self->sle };
    if (!(self->api = rqe_new (svc, svc_api (svc), dapi_requests, &self->api_app)))
        goto fail;
    return self;
fail:
    dispatch_destroy (&self);
    return NULL;
}

bool dispatch_failed (const dispatch_t *self)
{
    return self && sll_failed (sle_loader (self->sle));
}

int dispatch_reload (dispatch_t *self, char *err, size_t errsize)
{
    assert (self);
    return sle_reload (self->sle, err, errsize);
}

void dispatch_destroy (dispatch_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    dispatch_t *self = *self_p;
    rqe_destroy (&self->api);
    bus_on_batch_begin (self->bus, NULL, NULL);
    wo_destroy (&self->wo);
    sle_destroy (&self->sle);
    free (self);
    *self_p = NULL;
}

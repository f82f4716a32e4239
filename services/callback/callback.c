/*  callback — see callback.h. */
#include "callback.h"

#include <stdlib.h>

#include "auth/roles.h"
#include "base/log.h"
#include "cb_app.h"
#include "cb_periodic.h"
#include "cb_reports.h"
#include "cb_requests.h"
#include "cb_schedule.h"

#define S_AGENTS (ROLE_BIT (ROLE_AGENT) | ROLE_BIT (ROLE_TEAM_LEAD))
#define S_READERS                                                                                 \
    (ROLE_BIT (ROLE_TEAM_LEAD) | ROLE_BIT (ROLE_QC_INSPECTOR) | ROLE_BIT (ROLE_DEPARTMENT_HEAD)     \
     | ROLE_BIT (ROLE_CENTRE_DIRECTOR) | ROLES_MANAGEMENT)

/*  The requests callback serves (docs/callback.md "Requests"). */
static const rqe_handler_t s_requests[] = {
    { "callback.list", cb_rq_list, NULL, S_AGENTS | S_READERS },
    { "callback.attempt", cb_rq_attempt, NULL, S_AGENTS },
    { "callback.outcome", cb_rq_outcome, NULL, S_AGENTS },
    { "callback.rest_hours", cb_rq_rest_hours, NULL, S_AGENTS },
    { "callback.coverage", cb_rq_coverage, NULL, S_READERS },
    { "callback.satisfaction", cb_rq_satisfaction, NULL, S_READERS },
    { NULL, NULL, NULL, 0 },
};

static void s_unwire (void *arg)
{
    cb_app_t *app = arg;
    free (app);
}

static void *s_wire (svc_t *svc)
{
    cb_app_t *app = calloc (1, sizeof *app);
    if (!app)
        return NULL;
    app->svc = svc;
    app->cfg = callback_config (svc_cfg (svc));
    app->db = svc_db (svc);
    app->bus = svc_bus (svc);
    if (cb_schedule_prepare (app->db) != 0 || cb_requests_prepare (app->db) != 0
        || cb_reports_prepare (app->db) != 0 || cb_periodic_prepare (app->db) != 0)
        goto fail;
    app->on_updated = (svc_handler_t) { "ticket.updated", cb_on_ticket_updated, app, { NULL, NULL, NULL } };
    app->on_accepted = (svc_handler_t) { "workorder.accepted", cb_on_workorder_accepted, app, { NULL, NULL, NULL } };
    if (svc_handle (app->bus, &app->on_updated) != 0 || svc_handle (app->bus, &app->on_accepted) != 0
        || svc_add_timer (svc, "periodic", app->cfg->tick_ms, cb_periodic_tick, app) != 0)
        goto fail;
    return app;
fail:
    log_kv (LOG_ERROR, "callback_wiring_failed", "reason", "statements, handlers or timer", NULL);
    s_unwire (app);
    return NULL;
}

const svc_def_t callback_service = { .name = "callback", .wire = s_wire, .unwire = s_unwire, .requests = s_requests };

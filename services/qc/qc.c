/*  qc — see qc.h. `wire` reads the plans file (qc.plans_file; a refused
 *  file stops start-up with its file:line: key: reason) and makes the
 *  inspections object (inspections.h), which registers the workorder.done
 *  handler; each request is one row of s_requests, its body's schema in
 *  schemas/requests/<name>.v1.json.
 */
#include "qc.h"

#include <stdio.h>

#include "auth/roles.h"
#include "base/log.h"
#include "inspections.h"
#include "qc_config.h"
#include "qc_plans_load.h"

/*  Who may ask. A level's own role is checked when it is signed (a plan
 *  may name any role), so signing and the pending list are open to every
 *  role here; reading a record is for those who read tickets. */
static const rqe_handler_t s_requests[] = {
    { "inspection.pending", qi_pending, NULL, ROLES_ALL },
    { "inspection.sign", qi_sign, NULL, ROLES_ALL },
    { "inspection.get", qi_get, NULL, ROLES_READ_TICKETS },
    { NULL, NULL, NULL, 0 },
};

static void *s_wire (svc_t *svc)
{
    const qc_config_t *qc = qc_config (svc_cfg (svc));
    char err[1024];
    qp_set_t *plans = qp_load_file (qc->plans_file, err, sizeof err);
    if (!plans) {
        log_kv (LOG_ERROR, "qc_plans_refused", "path", qc->plans_file, "reason", err, NULL);
        fprintf (stderr, "kefu-qc: %s\n", err);
        return NULL;
    }
    log_kv (LOG_INFO, "qc_plans_loaded", "path", qc->plans_file, NULL);
    return qi_new (svc_db (svc), svc_bus (svc), &plans);
}

static void s_unwire (void *app)
{
    qi_t *inspections = app;
    qi_destroy (&inspections);
}

const svc_def_t qc_service = { .name = "qc", .wire = s_wire, .unwire = s_unwire, .requests = s_requests };

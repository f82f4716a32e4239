/*  qc — see qc.h. `wire` reads the plans file (qc.plans_file; a refused
 *  file stops start-up with its file:line: key: reason) and makes the
 *  inspections object (inspections.h), which registers the workorder.done
 *  handler; each request is one row of s_requests, its body's schema in
 *  schemas/requests/<name>.v1.json.
 */
#include "qc.h"

#include <stdio.h>
#include <stdlib.h>

#include "auth/roles.h"
#include "base/log.h"
#include "inspections.h"
#include "qc_config.h"
#include "qc_plans_load.h"
#include "scores.h"

/*  What every handler gets: the inspections and the scores. */
typedef struct {
    qi_t *inspections;
    qs_t *scores;
} qc_app_t;

/*  The inspections' handlers take the qi_t, the scores' the qs_t. */
#define QC_FORWARD(fn, part)                                                                                  \
    static rpl_code_t s_##fn (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, \
                              size_t errsize)                                                               \
    {                                                                                                       \
        return fn (((qc_app_t *) app)->part, ctx, body, result, err, errsize);                              \
    }
QC_FORWARD (qi_pending, inspections)
QC_FORWARD (qi_sign, inspections)
QC_FORWARD (qi_get, inspections)
QC_FORWARD (qs_sample, scores)
QC_FORWARD (qs_form, scores)
QC_FORWARD (qs_notice, scores)
QC_FORWARD (qs_assess, scores)
QC_FORWARD (qs_report, scores)

/*  Scores (docs/scores.md "Who may"): qc inspectors fill forms; notices are
 *  recorded by those who supervise the work; the regional manager assesses. */
#define QC_SAMPLE_ROLES (ROLE_BIT (ROLE_QC_INSPECTOR) | ROLE_BIT (ROLE_DEPARTMENT_HEAD) | ROLE_BIT (ROLE_CENTRE_DIRECTOR))
#define QC_NOTICE_ROLES                                                                                      \
    (ROLE_BIT (ROLE_QC_INSPECTOR) | ROLE_BIT (ROLE_TEAM_LEAD) | ROLE_BIT (ROLE_DEPARTMENT_HEAD)              \
     | ROLE_BIT (ROLE_CENTRE_DIRECTOR) | ROLES_MANAGEMENT)
#define QC_REPORT_ROLES                                                                                      \
    (QC_NOTICE_ROLES | ROLE_BIT (ROLE_FINANCE) | ROLE_BIT (ROLE_OPERATOR))

/*  Who may ask. A level's own role is checked when it is signed (a plan
 *  may name any role), so signing and the pending list are open to every
 *  role here; reading a record is for those who read tickets. */
static const rqe_handler_t s_requests[] = {
    { "inspection.pending", s_qi_pending, NULL, ROLES_ALL },
    { "inspection.sign", s_qi_sign, NULL, ROLES_ALL },
    { "inspection.get", s_qi_get, NULL, ROLES_READ_TICKETS },
    { "score.sample", s_qs_sample, NULL, QC_SAMPLE_ROLES },
    { "score.form", s_qs_form, NULL, ROLE_BIT (ROLE_QC_INSPECTOR) },
    { "score.notice", s_qs_notice, NULL, QC_NOTICE_ROLES },
    { "score.assess", s_qs_assess, NULL, ROLE_BIT (ROLE_REGIONAL_MANAGER) | ROLE_BIT (ROLE_HEAD_OFFICE) },
    { "score.report", s_qs_report, NULL, QC_REPORT_ROLES },
    { NULL, NULL, NULL, 0 },
};

static void s_unwire (void *arg)
{
    qc_app_t *app = arg;
    qi_destroy (&app->inspections);
    qs_destroy (&app->scores);
    free (app);
}

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
    sr_rules_t *rules = sr_load_file (qc->scores_file, err, sizeof err);
    if (!rules) {
        log_kv (LOG_ERROR, "qc_scores_refused", "path", qc->scores_file, "reason", err, NULL);
        fprintf (stderr, "kefu-qc: %s\n", err);
        qp_set_destroy (&plans);
        return NULL;
    }
    log_kv (LOG_INFO, "qc_scores_loaded", "path", qc->scores_file, NULL);
    qc_app_t *app = calloc (1, sizeof *app);
    if (app) {
        app->inspections = qi_new (svc_db (svc), svc_bus (svc), &plans);
        app->scores = qs_new (svc_db (svc), &rules);
    }
    qp_set_destroy (&plans);
    sr_destroy (&rules);
    if (app && (!app->inspections || !app->scores)) {
        s_unwire (app);
        app = NULL;
    }
    return app;
}

const svc_def_t qc_service = { .name = "qc", .wire = s_wire, .unwire = s_unwire, .requests = s_requests };

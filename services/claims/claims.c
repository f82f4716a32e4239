/*  claims — see claims.h. `wire` prepares the statements of each module
 *  (the request modules below), learns whether the three-repairs flag is
 *  readable and whether dispatch runs claims' clocks (sla.subject routed);
 *  each request is one row of s_requests, its body's schema in
 *  schemas/requests/<name>.v1.json.
 */
#include "claims.h"

#include <stdlib.h>

#include "../dispatch/dispatch_config.h"
#include "auth/roles.h"
#include "base/log.h"
#include "claim_decide.h"
#include "claim_file.h"
#include "claim_read.h"
#include "claim_tx.h"
#include "claims_app.h"
#include "msg/routes.h"
#include "returns.h"

#define S_CLAIMANTS (ROLE_BIT (ROLE_DEALER_STAFF) | ROLE_BIT (ROLE_PROVIDER_STAFF) | ROLE_BIT (ROLE_HEAD_OFFICE))
#define S_READERS                                                                                              \
    (S_CLAIMANTS | ROLE_BIT (ROLE_REGIONAL_MANAGER) | ROLE_BIT (ROLE_GENERAL_MANAGER) | ROLE_BIT (ROLE_FINANCE) \
     | ROLE_BIT (ROLE_QC_INSPECTOR))

/*  The requests claims serves (docs/claims.md "Requests"). */
static const rqe_handler_t s_requests[] = {
    { "claim.file", clm_rq_file, NULL, S_CLAIMANTS },
    { "claim.get", clm_rq_get, NULL, S_READERS },
    { "claim.list", clm_rq_list, NULL, S_READERS },
    { "claim.review", clm_rq_review, NULL, ROLE_BIT (ROLE_REGIONAL_MANAGER) },
    { "claim.decide", clm_rq_decide, NULL, ROLE_BIT (ROLE_HEAD_OFFICE) },
    { "claim.part_returned", clm_rq_part_returned, NULL, S_CLAIMANTS },
    { "claim.part_checked", clm_rq_part_checked, NULL, ROLE_BIT (ROLE_HEAD_OFFICE) | ROLE_BIT (ROLE_QC_INSPECTOR) },
    { "lot.defect", clm_rq_lot_defect, NULL,
      ROLE_BIT (ROLE_DEALER_STAFF) | ROLE_BIT (ROLE_QC_INSPECTOR) | ROLE_BIT (ROLE_HEAD_OFFICE) },
    { "return.request", clm_rq_return_request, NULL, S_CLAIMANTS },
    { "return.get", clm_rq_return_get, NULL, S_READERS },
    { NULL, NULL, NULL, 0 },
};

/*  True when claims may read intake.tickets.replacement_fault: the
 *  migration that adds the three-repairs flag grants it. Read once at
 *  start (a service is restarted after a migration). */
static bool s_three_repairs_readable (db_t *db)
{
    if (db_ensure (db) != 0)
        return false;
    PGresult *res = db_exec (db,
                             "SELECT 1 FROM information_schema.column_privileges WHERE table_schema = 'intake'"
                             " AND table_name = 'tickets' AND column_name = 'replacement_fault'"
                             " AND privilege_type = 'SELECT' AND grantee = current_user",
                             0, NULL);
    bool yes = res && PQntuples (res) > 0;
    PQclear (res);
    return yes;
}

static void s_unwire (void *arg)
{
    free (arg);
}

static void *s_wire (svc_t *svc)
{
    clm_app_t *app = calloc (1, sizeof *app);
    if (!app)
        return NULL;
    app->svc = svc;
    app->cfg = claims_config (svc_cfg (svc));
    app->dispatch_cfg = dispatch_config (svc_cfg (svc));
    app->db = svc_db (svc);
    app->bus = svc_bus (svc);
    app->sla_subjects = routes_for ("sla.subject") != NULL;
    bool three_repairs = s_three_repairs_readable (app->db);
    if (clm_tx_prepare (app->db) != 0 || clm_file_prepare (app->db, three_repairs) != 0
        || clm_read_prepare (app->db) != 0 || clm_decide_prepare (app->db) != 0
        || clm_returns_prepare (app->db) != 0) {
        log_kv (LOG_ERROR, "claims_wiring_failed", "reason", "statements", NULL);
        s_unwire (app);
        return NULL;
    }
    log_kv (LOG_INFO, "claims_wired", "three_repairs_flag", three_repairs ? "read" : "not granted yet",
            "sla_subjects", app->sla_subjects ? "routed" : "not routed yet", NULL);
    return app;
}

const svc_def_t claims_service = { .name = "claims", .wire = s_wire, .unwire = s_unwire, .requests = s_requests };

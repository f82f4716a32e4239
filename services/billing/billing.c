/*  billing — see billing.h. docs/architecture.md, "Adding a service", says what
 *  goes here: `wire` registers the message handlers (bus_on) and prepares
 *  the statements (db_prepare_statements); each request is one row of
 *  s_requests, its body's schema in schemas/requests/<name>.v1.json.
 */
#include "billing.h"

#include <stdlib.h>

#include "account.h"
#include "auth/roles.h"
#include "invoice_requests.h"
#include "ledger_app.h"
#include "report.h"
#include "stages.h"

/*  Who may (docs/ledger.md "Who may"): finance records payments and
 *  issues invoices; voiding also for the department head; the books are
 *  read by finance and those who run branches and the company. */
#define BILLING_FINANCE_ROLES (ROLE_BIT (ROLE_FINANCE) | ROLE_BIT (ROLE_DEPARTMENT_HEAD))
#define BILLING_READ_ROLES                                                                                   \
    (BILLING_FINANCE_ROLES | ROLE_BIT (ROLE_CENTRE_DIRECTOR) | ROLE_BIT (ROLE_SERVICE_ADVISOR) | ROLES_MANAGEMENT)

static const rqe_handler_t s_requests[] = {
    { "invoice.issue", inv_rq_issue, NULL, ROLE_BIT (ROLE_FINANCE) },
    { "invoice.get", inv_rq_get, NULL, BILLING_READ_ROLES },
    { "invoice.list", inv_rq_list, NULL, BILLING_READ_ROLES },
    { "invoice.void", inv_rq_void, NULL, BILLING_FINANCE_ROLES },
    { "payment.record", inv_rq_pay, NULL, ROLE_BIT (ROLE_FINANCE) },
    { "project.open", stage_rq_open, NULL, ROLE_BIT (ROLE_FINANCE) },
    { "account.get", account_rq_get, NULL, BILLING_READ_ROLES },
    { "ledger.entries", report_rq_entries, NULL, BILLING_READ_ROLES },
    { "ledger.report", report_rq_month, NULL, BILLING_READ_ROLES },
    { NULL, NULL, NULL, 0 },
};

/*  workorder.accepted: one handler per type (bus_on); every part of billing
 *  that acts on an accepted work order is called from here. */
static bus_result_t s_on_accepted (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size)
{
    return stage_on_accepted (ctx, db, msg, reason, reason_size);
}

static void s_unwire (void *arg)
{
    free (arg);
}

static void *s_wire (svc_t *svc)
{
    ledger_app_t *app = calloc (1, sizeof *app);
    if (!app)
        return NULL;
    app->db = svc_db (svc);
    app->bus = svc_bus (svc);
    app->cfg = billing_config (svc_cfg (svc));
    if (bus_on (app->bus, "claim.approved", account_on_claim_approved, app) != 0
        || bus_on (app->bus, "inspection.level_signed", stage_on_level_signed, app) != 0
        || bus_on (app->bus, "workorder.accepted", s_on_accepted, app) != 0) {
        free (app);
        return NULL;
    }
    return app;
}

const svc_def_t billing_service = { .name = "billing", .wire = s_wire, .unwire = s_unwire, .requests = s_requests };

/*  billing — see billing.h. docs/architecture.md, "Adding a service", says what
 *  goes here: `wire` registers the message handlers (bus_on) and prepares
 *  the statements (db_prepare_statements); each request is one row of
 *  s_requests, its body's schema in schemas/requests/<name>.v1.json.
 */
#include "billing.h"

#include <stdio.h>
#include <stdlib.h>

#include "account.h"
#include "auth/roles.h"
#include "base/log.h"
#include "billing_config.h"
#include "estimate.h"
#include "invoice_requests.h"
#include "ledger_app.h"
#include "prices.h"
#include "provider.h"
#include "report.h"
#include "settlement.h"
#include "stages.h"

/*  What every handler gets. The ledger's part comes first: its request
 *  handlers take the app as a ledger_app_t (a pointer to a struct is a
 *  pointer to its first member); the other parts are forwarded. */
typedef struct {
    ledger_app_t ledger;  /* invoices, payments, stages, claim credits, reports */
    prices_set_t *prices; /* each branch's prices (billing.prices_file) */
    prov_t *providers;    /* providers' settlement (billing.providers_file) */
    est_app_t jobs;       /* estimates of diagnosed work orders (docs/billing.md) */
} billing_app_t;

/*  Each part's handlers take their own object. */
#define BILLING_FORWARD(fn, part)                                                                             \
    static rpl_code_t s_##fn (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, \
                              size_t errsize)                                                               \
    {                                                                                                       \
        return fn (((billing_app_t *) app)->part, ctx, body, result, err, errsize);                         \
    }
BILLING_FORWARD (prov_month, providers)
BILLING_FORWARD (prov_penalty, providers)
BILLING_FORWARD (prov_fraud, providers)
BILLING_FORWARD (prov_incident, providers)
BILLING_FORWARD (prov_deposit, providers)
BILLING_FORWARD (prov_settle, providers)
BILLING_FORWARD (prov_notice, providers)
BILLING_FORWARD (prov_confirm, providers)
BILLING_FORWARD (prov_statement, providers)

/*  The jobs' part is held by value. */
#define BILLING_FORWARD_JOBS(fn)                                                                              \
    static rpl_code_t s_##fn (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err, \
                              size_t errsize)                                                               \
    {                                                                                                       \
        return fn (&((billing_app_t *) app)->jobs, ctx, body, result, err, errsize);                        \
    }
BILLING_FORWARD_JOBS (est_rq_get)
BILLING_FORWARD_JOBS (est_rq_approve)
BILLING_FORWARD_JOBS (est_rq_confirm)
BILLING_FORWARD_JOBS (stl_rq_get)
BILLING_FORWARD_JOBS (stl_rq_accept)
BILLING_FORWARD_JOBS (stl_rq_dispute)
BILLING_FORWARD_JOBS (stl_rq_decide)

/*  Who may (docs/ledger.md "Who may"): finance records payments and
 *  issues invoices; voiding also for the department head; the books are
 *  read by finance and those who run branches and the company. */
#define BILLING_FINANCE_ROLES (ROLE_BIT (ROLE_FINANCE) | ROLE_BIT (ROLE_DEPARTMENT_HEAD))
#define BILLING_READ_ROLES                                                                                   \
    (BILLING_FINANCE_ROLES | ROLE_BIT (ROLE_CENTRE_DIRECTOR) | ROLE_BIT (ROLE_SERVICE_ADVISOR) | ROLES_MANAGEMENT)

/*  Providers' settlement (docs/security.md "Roles and operations"): head
 *  office keeps it; the regional manager records months, penalties and
 *  incidents of the providers of their region; finance receives deposits
 *  and settles; a provider's staff confirm a dealer's payment and read
 *  their own statement. */
#define PROV_HO ROLE_BIT (ROLE_HEAD_OFFICE)
#define PROV_HO_RM (PROV_HO | ROLE_BIT (ROLE_REGIONAL_MANAGER))
#define PROV_HO_FN (PROV_HO | ROLE_BIT (ROLE_FINANCE))
#define PROV_READ (PROV_HO_RM | ROLE_BIT (ROLE_FINANCE) | ROLE_BIT (ROLE_PROVIDER_STAFF))

/*  Jobs (docs/billing.md "Who may"): agents, service advisors and team
 *  leads record the customer's approval; a service advisor confirms or
 *  dismisses a finding that would exclude warranty; the branch's staff read
 *  estimates. */
#define JOBS_APPROVE (ROLE_BIT (ROLE_AGENT) | ROLE_BIT (ROLE_SERVICE_ADVISOR) | ROLE_BIT (ROLE_TEAM_LEAD))
#define JOBS_READ (BILLING_READ_ROLES | ROLES_STAFF_OF_BRANCHES)
/*  … and a dispute is decided by finance or the department head. */
#define JOBS_DECIDE (ROLE_BIT (ROLE_FINANCE) | ROLE_BIT (ROLE_DEPARTMENT_HEAD))

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
    { "provider.month", s_prov_month, NULL, PROV_HO_RM },
    { "provider.penalty", s_prov_penalty, NULL, PROV_HO_RM },
    { "provider.fraud", s_prov_fraud, NULL, PROV_HO },
    { "provider.incident", s_prov_incident, NULL, PROV_HO_RM },
    { "provider.deposit", s_prov_deposit, NULL, PROV_HO_FN },
    { "provider.settle", s_prov_settle, NULL, PROV_HO_FN },
    { "provider.notice", s_prov_notice, NULL, PROV_HO },
    { "provider.confirm", s_prov_confirm, NULL, ROLE_BIT (ROLE_PROVIDER_STAFF) },
    { "provider.statement", s_prov_statement, NULL, PROV_READ },
    { "estimate.get", s_est_rq_get, NULL, JOBS_READ },
    { "estimate.approve", s_est_rq_approve, NULL, JOBS_APPROVE },
    { "estimate.confirm_finding", s_est_rq_confirm, NULL, ROLE_BIT (ROLE_SERVICE_ADVISOR) },
    { "settlement.get", s_stl_rq_get, NULL, JOBS_READ },
    { "settlement.accept", s_stl_rq_accept, NULL, JOBS_APPROVE },
    { "settlement.dispute", s_stl_rq_dispute, NULL, JOBS_APPROVE },
    { "settlement.decide", s_stl_rq_decide, NULL, JOBS_DECIDE },
    { NULL, NULL, NULL, 0 },
};

/*  workorder.accepted: one handler per type (bus_on); every part of billing
 *  that acts on an accepted work order is called from here. */
static bus_result_t s_on_accepted (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size)
{
    billing_app_t *app = ctx;
    bus_result_t rc = stage_on_accepted (&app->ledger, db, msg, reason, reason_size);
    return rc == BUS_OK ? stl_on_accepted (&app->jobs, db, msg, reason, reason_size) : rc;
}

static void s_unwire (void *arg)
{
    billing_app_t *app = arg;
    if (!app)
        return;
    prices_destroy (&app->prices);
    prov_destroy (&app->providers);
    free (app);
}

/*  Reads the prices and providers files (a refused file stops start-up
 *  with its file:line: key: reason) and registers the message handlers. */
static void *s_wire (svc_t *svc)
{
    const billing_config_t *config = billing_config (svc_cfg (svc));
    billing_app_t *app = calloc (1, sizeof *app);
    if (!app)
        return NULL;
    app->ledger.db = svc_db (svc);
    app->ledger.bus = svc_bus (svc);
    app->ledger.cfg = config;
    char err[1024];
    if (!(app->prices = prices_load_file (config->prices_file, err, sizeof err))) {
        log_kv (LOG_ERROR, "billing_prices_refused", "path", config->prices_file, "reason", err, NULL);
        fprintf (stderr, "kefu-billing: %s\n", err);
        s_unwire (app);
        return NULL;
    }
    log_kv (LOG_INFO, "billing_prices_loaded", "path", config->prices_file, NULL);
    app->jobs = (est_app_t) { &app->ledger, app->prices };
    pr_rules_t *rules = pr_load_file (config->providers_file, err, sizeof err);
    if (!rules) {
        log_kv (LOG_ERROR, "billing_providers_refused", "path", config->providers_file, "reason", err, NULL);
        fprintf (stderr, "kefu-billing: %s\n", err);
        s_unwire (app);
        return NULL;
    }
    log_kv (LOG_INFO, "billing_providers_loaded", "path", config->providers_file, NULL);
    app->providers = prov_new (svc_db (svc), svc_bus (svc), &rules, config->deposit_topup_days);
    pr_destroy (&rules);
    if (!app->providers || bus_on (app->ledger.bus, "claim.approved", account_on_claim_approved, &app->ledger) != 0
        || bus_on (app->ledger.bus, "inspection.level_signed", stage_on_level_signed, &app->ledger) != 0
        || bus_on (app->ledger.bus, "workorder.accepted", s_on_accepted, app) != 0
        || bus_on (app->ledger.bus, "workorder.diagnosed", est_on_diagnosed, &app->jobs) != 0
        || bus_on (app->ledger.bus, "workorder.done", stl_on_done, &app->jobs) != 0) {
        s_unwire (app);
        return NULL;
    }
    return app;
}

const svc_def_t billing_service = { .name = "billing", .wire = s_wire, .unwire = s_unwire, .requests = s_requests };

/*  money — the REST operations of billing and claims (route.h,
 *  docs/gateway.md "Billing and claims"): a job's estimate and settlement,
 *  invoices and payments, the ledger (CSV as kefuctl ledger|reconcile
 *  --csv), service providers' books, and warranty claims with returns. */
#include "../route.h"

#include <stddef.h>

/*  The columns kefuctl's --csv prints. */
static const gw_csv_t s_entries_csv = {"entries",
                                       "at,kind,debit,credit,amount,currency,branch,party,ref,key"};
static const gw_csv_t s_report_csv = {"figures", "figure,source,ledger,difference"};

#define WO "/api/v1/work-orders/{work_order_id}"
#define PROVIDER "/api/v1/providers/{provider}"

const gw_route_t gw_routes_money[] = {
    /* billing: a job's estimate and settlement */
    {GW_GET, WO "/estimate", "billing", "estimate.get", 0, NULL},
    {GW_POST, WO "/estimate/approve", "billing", "estimate.approve", GW_BODY, NULL},
    {GW_POST, WO "/estimate/finding", "billing", "estimate.confirm_finding", GW_BODY, NULL},
    {GW_GET, WO "/settlement", "billing", "settlement.get", 0, NULL},
    {GW_POST, WO "/settlement/accept", "billing", "settlement.accept", GW_BODY, NULL},
    {GW_POST, WO "/settlement/dispute", "billing", "settlement.dispute", GW_BODY, NULL},
    {GW_POST, WO "/settlement/decide", "billing", "settlement.decide", GW_BODY, NULL},
    /* billing: invoices, payments, projects, the ledger */
    {GW_GET, "/api/v1/invoices", "billing", "invoice.list", GW_QUERY | GW_PAGED, NULL},
    {GW_POST, "/api/v1/invoices", "billing", "invoice.issue", GW_BODY | GW_IDEMPOTENT | GW_CREATED, NULL},
    {GW_GET, "/api/v1/invoices/{number}", "billing", "invoice.get", 0, NULL},
    {GW_POST, "/api/v1/invoices/{number}/void", "billing", "invoice.void", GW_BODY, NULL},
    {GW_POST, "/api/v1/invoices/{number}/payments", "billing", "payment.record", GW_BODY | GW_CREATED, NULL},
    {GW_POST, "/api/v1/projects", "billing", "project.open", GW_BODY | GW_CREATED, NULL},
    {GW_GET, "/api/v1/accounts/{party}", "billing", "account.get", 0, NULL},
    {GW_GET, "/api/v1/ledger/entries", "billing", "ledger.entries", GW_QUERY | GW_PAGED, &s_entries_csv},
    {GW_GET, "/api/v1/ledger/report", "billing", "ledger.report", GW_QUERY, &s_report_csv},
    /* billing: service providers */
    {GW_PUT, PROVIDER "/months/{month}", "billing", "provider.month", GW_BODY, NULL},
    {GW_POST, PROVIDER "/penalties", "billing", "provider.penalty", GW_BODY | GW_IDEMPOTENT | GW_CREATED,
     NULL},
    {GW_POST, PROVIDER "/frauds", "billing", "provider.fraud", GW_BODY | GW_IDEMPOTENT | GW_CREATED, NULL},
    {GW_POST, PROVIDER "/incidents", "billing", "provider.incident", GW_BODY | GW_IDEMPOTENT | GW_CREATED,
     NULL},
    {GW_POST, PROVIDER "/deposits", "billing", "provider.deposit", GW_BODY | GW_IDEMPOTENT | GW_CREATED,
     NULL},
    {GW_POST, PROVIDER "/quarters/{quarter}/settle", "billing", "provider.settle", 0, NULL},
    {GW_POST, PROVIDER "/quarters/{quarter}/notice", "billing", "provider.notice", 0, NULL},
    {GW_POST, PROVIDER "/quarters/{quarter}/confirm", "billing", "provider.confirm", 0, NULL},
    {GW_GET, PROVIDER "/statement", "billing", "provider.statement", GW_QUERY, NULL},
    /* claims */
    {GW_GET, "/api/v1/claims", "claims", "claim.list", GW_QUERY | GW_PAGED, NULL},
    {GW_POST, "/api/v1/claims", "claims", "claim.file", GW_BODY | GW_CREATED, NULL},
    {GW_GET, "/api/v1/claims/{claim_id}", "claims", "claim.get", 0, NULL},
    {GW_POST, "/api/v1/claims/{claim_id}/review", "claims", "claim.review", GW_BODY, NULL},
    {GW_POST, "/api/v1/claims/{claim_id}/decide", "claims", "claim.decide", GW_BODY, NULL},
    {GW_POST, "/api/v1/claims/{claim_id}/parts/{code}/returned", "claims", "claim.part_returned", GW_BODY,
     NULL},
    {GW_POST, "/api/v1/claims/{claim_id}/parts/{code}/checked", "claims", "claim.part_checked", GW_BODY,
     NULL},
    {GW_POST, "/api/v1/lots/{lot}/defects", "claims", "lot.defect", GW_BODY | GW_CREATED, NULL},
    {GW_POST, "/api/v1/returns", "claims", "return.request", GW_BODY | GW_CREATED, NULL},
    {GW_GET, "/api/v1/returns/{return_id}", "claims", "return.get", 0, NULL},
    {0, NULL, NULL, NULL, 0, NULL},
};

/*  work — the REST operations of qc and callback (route.h, docs/gateway.md
 *  "Quality control and callbacks"): inspections to sign, call-handling
 *  scores, the callback work list with its outcomes, and the callback
 *  reports (CSV as kefuctl callback coverage|satisfaction --csv). */
#include "../route.h"

#include <stddef.h>

/*  The columns kefuctl's --csv prints: coverage's per-branch rows and
 *  satisfaction's rows. */
static const gw_csv_t s_coverage_csv = {
    "branches", "branch,finished,recorded,unreachable,due,cancelled,missing,recorded_pct"};
static const gw_csv_t s_satisfaction_csv = {"rows",
                                            "branch,key,reached,satisfied,neutral,dissatisfied,rate_pct"};

const gw_route_t gw_routes_work[] = {
    /* qc: inspections */
    {GW_GET, "/api/v1/inspections/pending", "qc", "inspection.pending", GW_QUERY | GW_PAGED, NULL},
    {GW_GET, "/api/v1/work-orders/{work_order_id}/inspection", "qc", "inspection.get", 0, NULL},
    {GW_POST, "/api/v1/work-orders/{work_order_id}/inspection/sign", "qc", "inspection.sign",
     GW_BODY | GW_IDEMPOTENT, NULL},
    /* qc: call-handling scores */
    {GW_POST, "/api/v1/scores/sample", "qc", "score.sample", GW_BODY, NULL},
    {GW_POST, "/api/v1/scores/forms", "qc", "score.form", GW_BODY | GW_CREATED, NULL},
    {GW_POST, "/api/v1/scores/notices", "qc", "score.notice", GW_BODY | GW_IDEMPOTENT | GW_CREATED, NULL},
    {GW_POST, "/api/v1/scores/assessments", "qc", "score.assess", GW_BODY | GW_CREATED, NULL},
    {GW_GET, "/api/v1/scores/report", "qc", "score.report", GW_QUERY, NULL},
    /* callback: the work list and what a call gave */
    {GW_GET, "/api/v1/callbacks", "callback", "callback.list", GW_QUERY | GW_PAGED, NULL},
    {GW_GET, "/api/v1/callbacks/coverage", "callback", "callback.coverage", GW_QUERY, &s_coverage_csv},
    {GW_GET, "/api/v1/callbacks/satisfaction", "callback", "callback.satisfaction", GW_QUERY,
     &s_satisfaction_csv},
    {GW_POST, "/api/v1/callbacks/{callback_id}/attempts", "callback", "callback.attempt",
     GW_BODY | GW_CREATED, NULL},
    {GW_POST, "/api/v1/callbacks/{callback_id}/outcome", "callback", "callback.outcome", GW_BODY, NULL},
    {GW_PUT, "/api/v1/customers/{customer_id}/rest-hours", "callback", "callback.rest_hours", GW_BODY, NULL},
    {0, NULL, NULL, NULL, 0, NULL},
};

/*  sla — the REST operations of SLA reads and work orders (route.h;
 *  docs/gateway.md "SLA and work orders"). dispatch answers them all, from
 *  the same reads as kefuctl due, clocks, board, report and workorders.
 *
 *  The report's CSV has the columns of kefuctl report --csv that the reply
 *  carries (durations in seconds); met % is left to the reader's
 *  spreadsheet (met / (met + breached)).
 */
#include "../route.h"

#include <stddef.h>

static const gw_csv_t s_report_csv = {
    "rows", "branch,branch_name,from,to,clock,clocks,met,breached,open,median_seconds,p90_seconds"
};

const gw_route_t gw_routes_sla[] = {
    { GW_GET, "/api/v1/sla/due", "dispatch", "sla.due", GW_QUERY, NULL },
    { GW_GET, "/api/v1/sla/board", "dispatch", "sla.board", GW_QUERY, NULL },
    { GW_GET, "/api/v1/sla/report", "dispatch", "sla.report", GW_QUERY, &s_report_csv },
    /* the same report for chosen branches and clocks: lists go in a body, not a URL */
    { GW_POST, "/api/v1/sla/report", "dispatch", "sla.report", GW_BODY, &s_report_csv },
    { GW_GET, "/api/v1/tickets/{ticket_id}/clocks", "dispatch", "sla.clocks", 0, NULL },
    { GW_GET, "/api/v1/tickets/{ticket_id}/work-orders", "dispatch", "workorder.list", GW_QUERY | GW_PAGED, NULL },
    { GW_POST, "/api/v1/work-orders/{work_order_id}/report", "dispatch", "workorder.report", GW_BODY | GW_CREATED,
      NULL },
    { GW_POST, "/api/v1/work-orders/{work_order_id}/diagnosis", "dispatch", "workorder.diagnose",
      GW_BODY | GW_CREATED, NULL },
    { 0, NULL, NULL, NULL, 0, NULL },
};

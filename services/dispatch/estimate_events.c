/*  estimate_events — see estimate_events.h. */
#include "estimate_events.h"

#include <inttypes.h>
#include <stdio.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "inspection_outcomes.h"
#include "model/work_order.h"
#include "svc/failure.h"

static bus_result_t s_move (db_t *db, const svc_ctx_t *who, int from, int to, const char *event, char *reason,
                            size_t reason_size)
{
    char wo[24], ticket[24], branch[72], at[40], from_sql[64];
    snprintf (wo, sizeof wo, "%" PRId64, json_int (who->msg->body, "work_order_id", 0));
    snprintf (from_sql, sizeof from_sql, "{%s}", work_order_state_names[from]);
    clock_format_us (clock_now_us (), at, sizeof at);
    int moved = dio_move (db, wo, to, from_sql, event, who->msg->id, at, ticket, branch, reason, reason_size);
    if (moved == -2)
        return BUS_REJECT;
    if (moved < 0)
        return svc_db_bus_failure (db, "moving the work order for its estimate", reason, reason_size);
    if (moved == 1)
        log_kv (LOG_INFO, "work_order_estimate", "work_order_id", wo, "ticket_id", ticket, "status",
                work_order_state_names[to], NULL);
    return BUS_OK;
}

bus_result_t dee_on_pending (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size)
{
    (void) ctx;
    return s_move (db, who, WO_ASSIGNED, WO_AWAITING_APPROVAL, "estimate_pending", reason, reason_size);
}

bus_result_t dee_on_approved (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size)
{
    (void) ctx;
    return s_move (db, who, WO_AWAITING_APPROVAL, WO_ASSIGNED, "estimate_approved", reason, reason_size);
}

/*  estimate_events — see estimate_events.h. */
#include "estimate_events.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "inspection_outcomes.h"
#include "model/work_order.h"
#include "sla/sla_clock_life.h"
#include "sla/sla_engine.h"
#include "svc/failure.h"

/*  Moves the work order; when it moved, pauses the ticket's running clocks
 *  (pause) or releases them (!pause) under the work order's approval hold,
 *  from the message's time: the moment billing's estimate began or ended
 *  its wait. */
static bus_result_t s_move (sle_t *sle, db_t *db, const svc_ctx_t *who, int from, int to, const char *event,
                            bool pause, char *reason, size_t reason_size)
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
    if (moved != 1)
        return BUS_OK;
    log_kv (LOG_INFO, "work_order_estimate", "work_order_id", wo, "ticket_id", ticket, "status",
            work_order_state_names[to], NULL);
    /* only the customer's approval is waiting on the customer; a finding
     * waits on a service advisor, whose time counts */
    bool customer = !pause || strcmp (json_str (who->msg->body, "status", ""), "awaiting_approval") == 0;
    char hold[48];
    snprintf (hold, sizeof hold, SLC_HOLD_APPROVAL "%s", wo);
    int rc = !customer ? 0
             : pause   ? slc_pause (sle_life (sle), db, ticket, branch, hold, who->msg->ts_us)
                       : slc_resume (sle_life (sle), db, ticket, branch, hold, who->msg->ts_us);
    if (rc != 0)
        return svc_db_bus_failure (db, "moving the ticket's clocks for the estimate", reason, reason_size);
    return BUS_OK;
}

bus_result_t dee_on_pending (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size)
{
    return s_move (ctx, db, who, WO_ASSIGNED, WO_AWAITING_APPROVAL, "estimate_pending", true, reason, reason_size);
}

bus_result_t dee_on_approved (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size)
{
    return s_move (ctx, db, who, WO_AWAITING_APPROVAL, WO_ASSIGNED, "estimate_approved", false, reason, reason_size);
}

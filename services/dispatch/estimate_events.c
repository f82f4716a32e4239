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

/*  Work order $1's state, ticket and branch. */
static const char s_read[] = "SELECT status, ticket_id, branch_id FROM dispatch.work_orders WHERE id = $1::bigint";

/*  Whether the message leaves the ticket waiting on the customer, the work
 *  order being in `state`: the estimate's approval (the work order waits in
 *  awaiting_approval, whether it moved now or when a finding waited before)
 *  or a settlement's new approval after an overrun (the work is done). A
 *  finding waits on a service advisor, whose time counts. */
static bool s_customer_waits (const char *status, const char *state)
{
    if (strcmp (status, "awaiting_approval") == 0)
        return strcmp (state, WO_S_AWAITING_APPROVAL) == 0;
    if (strcmp (status, "awaiting_reapproval") == 0)
        return strcmp (state, WO_S_COMPLETED) == 0 || strcmp (state, WO_S_ACCEPTED) == 0;
    return false;
}

/*  Moves the work order from `from` to `to` (to < 0: stays as it is), then
 *  pauses the ticket's running clocks (pause) while the customer's approval
 *  waits, or releases them (!pause), under the work order's approval hold,
 *  from the message's time: the moment billing's estimate or settlement
 *  began or ended its wait. Pausing held clocks again and releasing a hold
 *  never taken change nothing: a redelivery is harmless. */
static bus_result_t s_move (sle_t *sle, db_t *db, const svc_ctx_t *who, int from, int to, const char *event,
                            bool pause, char *reason, size_t reason_size)
{
    char wo[24], ticket[24], branch[72], at[40], from_sql[64], state[32];
    snprintf (wo, sizeof wo, "%" PRId64, json_int (who->msg->body, "work_order_id", 0));
    snprintf (from_sql, sizeof from_sql, "{%s}", work_order_state_names[from]);
    clock_format_us (clock_now_us (), at, sizeof at);
    int moved = to < 0 ? 0
                       : dio_move (db, wo, to, from_sql, event, who->msg->id, at, ticket, branch, reason,
                                   reason_size);
    if (moved == -2)
        return BUS_REJECT;
    if (moved < 0)
        return svc_db_bus_failure (db, "moving the work order for its estimate", reason, reason_size);
    if (moved == 1) {
        snprintf (state, sizeof state, "%s", work_order_state_names[to]);
        log_kv (LOG_INFO, "work_order_estimate", "work_order_id", wo, "ticket_id", ticket, "status", state, NULL);
    }
    else {
        const char *p[] = { wo };
        PGresult *res = db_exec (db, s_read, 1, p);
        if (!res)
            return svc_db_bus_failure (db, "reading the work order of the estimate", reason, reason_size);
        int found = PQntuples (res);
        if (found == 1) {
            snprintf (state, sizeof state, "%s", PQgetvalue (res, 0, 0));
            snprintf (ticket, sizeof ticket, "%s", PQgetvalue (res, 0, 1));
            snprintf (branch, sizeof branch, "%s", PQgetvalue (res, 0, 2));
        }
        PQclear (res);
        if (found != 1) {
            snprintf (reason, reason_size, "body.work_order_id: no work order %s", wo);
            return BUS_REJECT;
        }
    }
    if (pause && !s_customer_waits (json_str (who->msg->body, "status", ""), state))
        return BUS_OK;
    char hold[48];
    snprintf (hold, sizeof hold, SLC_HOLD_APPROVAL "%s", wo);
    int rc = pause ? slc_pause (sle_life (sle), db, ticket, branch, hold, who->msg->ts_us)
                   : slc_resume (sle_life (sle), db, ticket, branch, hold, who->msg->ts_us);
    if (rc != 0)
        return svc_db_bus_failure (db, "moving the ticket's clocks for the estimate", reason, reason_size);
    return BUS_OK;
}

bus_result_t dee_on_pending (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size)
{
    /* a settlement's new approval: the work is done, the work order stays */
    bool settlement = strcmp (json_str (who->msg->body, "status", ""), "awaiting_reapproval") == 0;
    return s_move (ctx, db, who, WO_ASSIGNED, settlement ? -1 : WO_AWAITING_APPROVAL, "estimate_pending", true,
                   reason, reason_size);
}

bus_result_t dee_on_approved (void *ctx, db_t *db, const svc_ctx_t *who, char *reason, size_t reason_size)
{
    return s_move (ctx, db, who, WO_AWAITING_APPROVAL, WO_ASSIGNED, "estimate_approved", false, reason, reason_size);
}

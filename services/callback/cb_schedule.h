/*  cb_schedule — callbacks made due (docs/callback.md "Scheduling"):
 *
 *    ticket.updated ticket_resolved   an after-work callback (tickets
 *                                     without a visit, like complaints, too)
 *    workorder.accepted               the same, with the accepting work
 *                                     order's technician
 *    ticket.updated ticket_reopened   the ticket's open after-work callback
 *                                     is cancelled (its work is not done)
 *
 *  One after-work callback per completion of a ticket: a completion is the
 *  ticket's number of reopenings so far (its history), and the table's
 *  unique index makes a second trigger for the same completion change
 *  nothing. The deadline is the completion plus due.after_work_hours
 *  (installation_hours for an installation, maintenance_hours for a repair
 *  of a maintenance product line); the first call is placed by cb_slot in
 *  the branch's calendar outside the customer's rest hours; the agent is the
 *  branch's agent with the fewest open callbacks.
 */
#ifndef KEFU_CB_SCHEDULE_H
#define KEFU_CB_SCHEDULE_H

#include <stdint.h>

#include "cb_app.h"
#include "cb_rest.h"
#include "cb_state.h"
#include "time/calendar.h"

/*  SQL: the agent a new callback of branch $2 goes to: those placed at the
 *  branch first, then the agents of a call centre serving it; fewest open
 *  callbacks, then id (after-work and periodic callbacks alike). */
#define CB_AGENT_BY_LOAD                                                                          \
    "(SELECT s.id FROM auth.staff_directory s"                                                    \
    "  WHERE s.active AND 'agent' = ANY (s.roles)"                                                \
    "    AND ((s.place = 'branch' AND s.place_id = $2)"                                           \
    "      OR (s.place = 'centre' AND s.place_id IN"                                              \
    "          (SELECT cb.centre_id FROM ref.centre_branches cb WHERE cb.branch_id = $2)))"       \
    "  ORDER BY (s.place = 'branch') DESC,"                                                       \
    "   (SELECT count(*) FROM callback.callbacks o"                                               \
    "     WHERE o.agent_id = s.id AND o.status IN ('" CB_S_SCHEDULED "', '" CB_S_RETRYING "')),"  \
    "   s.id LIMIT 1)"

/*  Inside the caller's transaction, after a callback was created: tells
 *  dispatch (callback.scheduled), which starts the callback's SLA clocks,
 *  due when the callback is. Returns 0 or -1 (database: roll back). */
int cb_announce (const cb_app_t *app, db_t *db, const char *callback_id, const char *ticket, const char *branch,
                 const char *purpose, const char *scheduled_at, const char *due_at);

/*  Prepares the statements on app->db. Returns 0 or -1. */
int cb_schedule_prepare (db_t *db);

/*  The bus handlers (svc_handler_t, arg the cb_app_t). */
bus_result_t cb_on_ticket_updated (void *arg, db_t *db, const svc_ctx_t *ctx, char *reason, size_t reason_size);
bus_result_t cb_on_workorder_accepted (void *arg, db_t *db, const svc_ctx_t *ctx, char *reason,
                                       size_t reason_size);

/*  The rest hours that apply to a customer of a branch: their own
 *  (callback.rest_hours), else the branch's default. *own says which.
 *  Returns 0, or -1 (database; db_error says why). */
int cb_rest_for (const cb_app_t *app, db_t *db, const char *customer, const char *branch, cbr_set_t *out,
                 bool *own);

/*  Places a call at or after from_us for a customer of a branch (cb_slot
 *  with the branch's calendar and the customer's rest hours). Returns 0
 *  with *at_us, or -1 with the reason in err. */
int cb_place_for (const cb_app_t *app, db_t *db, const char *customer, const char *branch, int64_t from_us,
                  int64_t *at_us, char *err, size_t errsize);

#endif

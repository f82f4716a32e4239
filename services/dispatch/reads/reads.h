/*  reads — dispatch's request table: the SLA read models that `kefuctl
 *  board`, `clocks`, `due` and `report` show, served on services.dispatch.api
 *  (docs/dispatch.md "Requests"; the wire format is docs/architecture.md
 *  "Request API"):
 *
 *    sla.board   open tickets per branch by their worst running clock
 *    sla.clocks  one ticket's clocks and its warnings and escalations
 *    sla.due     when a promise of N business minutes or working days is due
 *    sla.report  compliance per branch and clock over a period
 *
 *  Confinement: every handler reads only the branches the caller acts for
 *  (ctx->who, common/svc/who.h): a NULL branch list means every branch;
 *  otherwise the list goes into the statement as a text[] parameter, so a
 *  row of another branch never leaves PostgreSQL. Something of another
 *  branch is answered as if it did not exist (not_found, "unknown
 *  branch"), never "forbidden": the answer must not reveal it. None of these
 *  read models carries customer contact data.
 *
 *  Each handler is given, as `app`, a pointer to the dispatcher's database
 *  connection: the first member of the request context of the table that
 *  holds these rows (services/dispatch/api.h; borrowed). NULL answers
 *  `internal` (tests drive the table without one).
 *  Plain reads in autocommit; nothing here writes.
 */
#ifndef KEFU_DISPATCH_READS_H
#define KEFU_DISPATCH_READS_H

#include "auth/roles.h"
#include "svc/request_endpoint.h"

/*  The SLA reads' rows of dispatch's request table (api.c), each read's
 *  roles as docs/security.md "Roles and operations" says. */
#define RDS_REQUEST_ROWS                                                                          \
    { "sla.board", rds_board, NULL, ROLES_READ_TICKETS },                                        \
    { "sla.clocks", rds_clocks, NULL, ROLES_READ_TICKETS },                                      \
    { "sla.due", rds_due, NULL, ROLES_READ_TICKETS },                                            \
    { "sla.report", rds_report, NULL, ROLES_READ_TICKETS }

/*  The handlers (rqe_run_fn), one file each: read_board.c, read_clocks.c,
 *  read_due.c, read_report.c. */
rpl_code_t rds_board (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                      size_t errsize);
rpl_code_t rds_clocks (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                       size_t errsize);
rpl_code_t rds_due (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                    size_t errsize);
rpl_code_t rds_report (void *app, const rqe_ctx_t *ctx, const cJSON *body, cJSON **result, char *err,
                       size_t errsize);

#endif

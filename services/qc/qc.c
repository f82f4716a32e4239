/*  qc — see qc.h. docs/architecture.md, "Adding a service", says what
 *  goes here: `wire` registers the message handlers (bus_on) and prepares
 *  the statements (db_prepare_statements); each request is one row of
 *  s_requests, its body's schema in schemas/requests/<name>.v1.json.
 */
#include "qc.h"

/*  Requests qc serves: none yet. */
static const rqe_handler_t s_requests[] = { { NULL, NULL, NULL, 0 } };

const svc_def_t qc_service = { .name = "qc", .requests = s_requests };

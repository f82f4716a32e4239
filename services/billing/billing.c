/*  billing — see billing.h. docs/architecture.md, "Adding a service", says what
 *  goes here: `wire` registers the message handlers (bus_on) and prepares
 *  the statements (db_prepare_statements); each request is one row of
 *  s_requests, its body's schema in schemas/requests/<name>.v1.json.
 */
#include "billing.h"

/*  Requests billing serves: none yet. */
static const rqe_handler_t s_requests[] = { { NULL, NULL, NULL, 0 } };

const svc_def_t billing_service = { .name = "billing", .requests = s_requests };

/*  session — the log-in endpoints (session.h): none yet, every method of
 *  /api/v1/session answers 404 until log-in lands. */
#include "session.h"

int gw_session_handle (const gw_session_env_t *env, const gw_request_t *req, gw_response_t *resp)
{
    (void) env;
    gw_response_error (resp, 404, "not_found", "%s: log-in is not served yet", req->path);
    return resp->status;
}

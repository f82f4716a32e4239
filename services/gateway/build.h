/*  build — the body of the service request an HTTP request becomes:
 *    - the JSON body (rows with GW_BODY; Content-Type application/json),
 *      an object, or {} when there is none;
 *    - each path {field}, typed by the request's schema (an integer field
 *      is parsed as an integer);
 *    - each query parameter (rows with GW_QUERY; GW_PAGED rows take cursor
 *      and limit), typed by the request's schema: integer, boolean
 *      (true/false) or string; a parameter the request does not have, a
 *      repeated one or a value of another type is refused, naming it;
 *    - Idempotency-Key (1..64 of A-Z a-z 0-9 _ -) as request_id (rows
 *      with GW_IDEMPOTENT); a body request_id that differs is refused.
 *  A field given twice (path and body) with different values is refused.
 *  Nothing here knows the service: its own validation follows.
 */
#ifndef KEFU_GATEWAY_BUILD_H
#define KEFU_GATEWAY_BUILD_H

#include <cjson/cJSON.h>

#include "exchange.h"
#include "routes.h"

#define GW_IDEMPOTENCY_KEY_MAX 64

/*  Returns 0 with the body in *body_p (caller cJSON_Deletes), or 400 with
 *  resp holding the error {"code":"invalid","message":"<what>: …"}. */
int gw_build_body (const gw_match_t *match, const gw_request_t *req, cJSON **body_p, gw_response_t *resp);

/*  True for a Content-Type of application/json (any parameters). */
int gw_is_json_type (const char *content_type);

#endif

/*  answer — a service's reply as the HTTP response (docs/gateway.md
 *  "Errors"): {"ok":true,"result":R} is 200 (201 for GW_CREATED rows) with
 *  R as the body, or CSV when the caller accepts text/csv and the row has
 *  a gw_csv_t; a result's next_cursor adds Link: <…>; rel="next".
 *  {"ok":false,"error":{code,message}} is the status of its code with
 *  that {code, message} as the body.
 */
#ifndef KEFU_GATEWAY_ANSWER_H
#define KEFU_GATEWAY_ANSWER_H

#include <stddef.h>

#include "exchange.h"
#include "routes.h"

/*  The HTTP status of a reply code ("not_found" → 404); 500 for a code
 *  it does not know. */
int gw_status_of_code (const char *code);

void gw_answer (const gw_match_t *match, const gw_request_t *req, const char *reply, size_t len,
                gw_response_t *resp);

/*  True when the Accept header asks for text/csv. */
int gw_accepts_csv (const char *accept);

#endif

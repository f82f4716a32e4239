/*  reply — what every request endpoint answers with (request_endpoint.h):
 *  the error codes of the request API, the two reply documents, and how the
 *  frames a ROUTER receives split into routing envelope and request.
 *
 *  Replies (docs/architecture.md, "Request API"):
 *      {"ok":true,"result":{…}}
 *      {"ok":false,"error":{"code":"invalid"|…,"message":"body.kind: …"}}
 *  A message names the field first ("body.customer.phone: …"), so a log
 *  can name the field without quoting customer data (rpl_error_field).
 *
 *  Nothing here touches a socket or the database; tests/unit covers it.
 */
#ifndef KEFU_REPLY_H
#define KEFU_REPLY_H

#include <cjson/cJSON.h>
#include <stddef.h>

/*  Largest request payload accepted; larger ones are refused unparsed. */
#define RPL_MAX_PAYLOAD (64 * 1024)

/*  The error codes of the request API. What the client does next is the
 *  code's whole meaning; the message says why. */
typedef enum {
    RPL_OK = 0,
    RPL_INVALID,      /* the request is wrong: fix it, do not retry as is */
    RPL_NOT_FOUND,    /* it names something that does not exist */
    RPL_CONFLICT,     /* the thing's state does not allow it now (e.g. closed) */
    RPL_UNAVAILABLE,  /* the database is down: retry (same request_id) */
    RPL_INTERNAL,     /* a defect or an unexpected database error */
    RPL_UNAUTHENTICATED, /* no valid token: get one, do not retry as is */
    RPL_FORBIDDEN,    /* the caller's roles do not allow this request */
} rpl_code_t;

/*  "invalid", "not_found", "conflict", "unavailable", "internal",
 *  "unauthenticated", "forbidden" ("ok" for RPL_OK). */
const char *rpl_code_name (rpl_code_t code);

/*  A handler's refusal: sets *code to `why` and writes "field: what was
 *  wrong" (printf style) into err. Returns -1, so that a step can end with
 *  `return rpl_refuse (…)`. A handler's context that keeps code, err and
 *  errsize uses it through a one-line macro of its own (S_FAIL). */
int rpl_refuse (rpl_code_t *code, char *err, size_t errsize, rpl_code_t why, const char *fmt, ...)
    __attribute__ ((format (printf, 5, 6)));

/*  {"ok":true,"result":…} ({} when *result_p is NULL). Takes ownership of
 *  *result_p (NULLs it). Returns a malloc'd string (caller frees) or NULL
 *  when out of memory. */
char *rpl_ok (cJSON **result_p);
/*  {"ok":false,"error":{"code":…,"message":…}} (RPL_OK is answered as
 *  "internal": an error reply without an error is a defect). Caller frees;
 *  NULL when out of memory. */
char *rpl_error (rpl_code_t code, const char *message);

/*  Given the frames a ROUTER received ([identity]…[payload]), returns how
 *  many leading frames form the routing envelope to echo back (identity,
 *  any further identities, the empty delimiter REQ adds): always n - 1, the
 *  payload being the last frame. Returns -1 when there is no payload frame
 *  (n < 2) or the identity frame is empty. */
int rpl_envelope_frames (int n, const size_t *sizes);

/*  The field a validation message is about: the text before the first ": "
 *  ("body.customer.phone" of "body.customer.phone: longer than …"), copied
 *  into out and never cut inside a UTF-8 character. Returns out. */
char *rpl_error_field (const char *message, char *out, size_t size);

#endif

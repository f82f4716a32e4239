/*  auth — who an HTTP request speaks for: the token it carries, in
 *  `Authorization: Bearer <token>` or in the session cookie `kefu_session`
 *  (made at log-in, session.c). The gateway looks no token up: it forwards
 *  the token and the service checks it, as for kefuctl (docs/security.md).
 *
 *  A cookie is sent by the browser on its own, so a request that changes
 *  something (any method but GET and HEAD) with the cookie must also carry
 *  `X-CSRF-Token`, equal to gw_csrf_of(token): a page of another site can
 *  make the browser send the cookie but cannot read the value to copy it.
 *  The value is derived from the token (stateless: every instance agrees).
 *  A bearer header is never sent by a browser on its own: no CSRF check.
 */
#ifndef KEFU_GATEWAY_AUTH_H
#define KEFU_GATEWAY_AUTH_H

#include <stddef.h>

#include "exchange.h"

#define GW_SESSION_COOKIE "kefu_session"
#define GW_TOKEN_MAX 200
/*  hex of BLAKE2b-128: 32 characters */
#define GW_CSRF_LEN 32

/*  The CSRF value of a session token: hex of BLAKE2b-128 of
 *  "kefu-csrf:" + token (libsodium crypto_generichash), into out
 *  (GW_CSRF_LEN + 1 bytes). */
void gw_csrf_of (const char *token, char out[GW_CSRF_LEN + 1]);

/*  The value of cookie `name` in a Cookie header ("a=1; kefu_session=x").
 *  Returns 1 with the value in out, 0 when absent, -1 when malformed or
 *  longer than outsize - 1. */
int gw_cookie_value (const char *header, const char *name, char *out, size_t outsize);

/*  The caller's token (bearer first, then the cookie), checked for form
 *  and, for the cookie on a method other than GET/HEAD, for its CSRF
 *  value. Returns 0 with the token in out (GW_TOKEN_MAX + 1 bytes), or
 *  the HTTP status with resp holding the error: 401 "unauthenticated" (no
 *  credentials, a malformed header or token), 403 "csrf". */
int gw_auth_token (const gw_request_t *req, char *out, size_t outsize, gw_response_t *resp);

#endif

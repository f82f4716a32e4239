/*  session — the log-in endpoints, /api/v1/session (POST log in, GET who
 *  is logged in, DELETE log out; docs/gateway.md "Log-in and sessions").
 *
 *  The gateway calls gw_session_handle for every request whose path is
 *  exactly /api/v1/session, whatever its method, before any route or
 *  credential check: the function answers on its own (resp is empty on
 *  entry and must hold the whole response on return: status, body,
 *  headers such as Set-Cookie through gw_response_header, exchange.h) and
 *  returns the status it set. It runs on the connection's own thread, so
 *  it may block (a password hash, the database) without holding up other
 *  connections; several connections call it at once. env gives the
 *  configuration (env->config->session_hours; env->config->tls_cert set:
 *  HTTPS, Secure cookies), req->client_addr the peer, req->tls whether
 *  this request came over HTTPS. auth.h has gw_csrf_of and gw_cookie_value.
 *
 *  A session is a token of auth.tokens (kind session) made at log-in, in
 *  the cookie kefu_session; the services check it like any bearer token.
 *  Log-in follows login.h's rules (throttling, at most two password checks
 *  at once); the database side is session_store.h. Neither the password
 *  nor the token is ever logged.
 */
#ifndef KEFU_GATEWAY_SESSION_H
#define KEFU_GATEWAY_SESSION_H

#include <stdbool.h>
#include <stddef.h>

#include "conf/config.h"
#include "exchange.h"
#include "gateway_config.h"

typedef struct {
    const cfg_t *cfg;                /* the whole configuration: database, schemas_dir, log */
    const gateway_config_t *config;  /* services.gateway */
} gw_session_env_t;

/*  The Set-Cookie value that holds a session's token, or (token NULL) the
 *  one that clears it (Max-Age=0); "; Secure" when the request came over
 *  TLS. out needs GW_SESSION_COOKIE_MAX bytes. Returns out. */
#define GW_SESSION_COOKIE_MAX 320
char *gw_session_cookie (const char *token, bool tls, char *out, size_t size);

int gw_session_handle (const gw_session_env_t *env, const gw_request_t *req, gw_response_t *resp);

#endif

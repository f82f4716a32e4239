/*  session_store — the database side of log-in and sessions: the five
 *  functions of schema auth that role kefu_gateway may call
 *  (schemas/sql/0040_sessions.sql), over two small pools (gw_db.h): one
 *  for log-ins (login_begin, session_open), one for the session reads and
 *  log-outs any well-formed token can cause (session_who, session_close,
 *  and token_open of schemas/sql/0043_changes_feed.sql for live streams),
 *  so that a flood of those never keeps a log-in from the database.
 *  Times are the gateway's clock (µs since the epoch), passed in.
 *
 *  Each call borrows a connection for its one statement and gives it back,
 *  so nothing holds a connection while a password is hashed.
 *  Returns 0, or -1 when the database could not be asked (the caller
 *  answers 503); the reason is logged here.
 */
#ifndef KEFU_GW_SESSION_STORE_H
#define KEFU_GW_SESSION_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "conf/config.h"
#include "login.h"

#define GW_NAME_MAX 800 /* auth.staff.name: 200 characters of UTF-8 */
#define GW_LIST_MAX 64 /* roles (14 known) and branches a reply lists */
#define GW_ID_MAX 65

/*  Who a session belongs to, as auth.credentials sees its token. */
typedef struct {
    char staff[GW_ID_MAX];
    char name[GW_NAME_MAX + 1];
    char roles[GW_LIST_MAX][GW_ID_MAX];
    int n_roles;
    char branches[GW_LIST_MAX][GW_ID_MAX];
    int n_branches; /* every branch (the company) lists none */
    int64_t expires_us;
} gw_session_who_t;

/*  Opens the process's pools on cfg's database as role
 *  <database.role_prefix>gateway, once; later calls return at once.
 *  Returns 0 or -1 (out of memory). */
int gw_store_start (const cfg_t *cfg);

/*  auth.login_begin: the stored hash (malloc'd into *hash, NULL when there
 *  is no such active staff member with a password) and the failure record
 *  of the staff id, the address and the pair; when the attempt is within
 *  login.h's limits, it is written as a failure (record->counted) in the
 *  same statement, under locks on the account and the address, before any
 *  password is checked: a right password removes it (session_open). -1
 *  (nothing counted) means the caller must refuse the attempt. */
int gw_store_login_begin (const char *staff, const char *address, int64_t now_us, char **hash,
                          gw_login_record_t *record);
/*  auth.session_open: the session token's hash (hex) and prefix, until
 *  expires_us. *opened is false when the staff member is no longer active. */
int gw_store_session_open (const char *staff, const char *token_hash, const char *prefix, const char *address,
                           int64_t now_us, int64_t expires_us, gw_session_who_t *who, bool *opened);
/*  auth.session_who: *found is false unless the hash is an open session. */
int gw_store_session_who (const char *token_hash, int64_t now_us, gw_session_who_t *who, bool *found);
/*  auth.session_close: revokes the session (a no-op when it is none). */
int gw_store_session_close (const char *token_hash, int64_t now_us);
/*  auth.token_open (0043): *open is true when the hash is a token, bearer
 *  or session, neither revoked nor expired at now_us, of an active holder. */
int gw_store_token_open (const char *token_hash, int64_t now_us, bool *open);

#endif

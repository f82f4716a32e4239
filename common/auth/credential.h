/*  credential — who a request's token belongs to (docs/security.md,
 *  "Requests").
 *
 *  cred_check turns a token into the caller: it parses the token (token.h),
 *  looks its hash up in auth.credentials (one indexed read, as the
 *  service's own role) and checks it is known, not revoked, not expired
 *  (by the service's clock) and its holder active. Answers are kept for at
 *  most CRED_CACHE_MS, so a revoked token is refused by every instance
 *  within that time (the promise is 5 s).
 *
 *  Refusals never say more than needed: an unknown, revoked or expired token
 *  is "unauthenticated" with the reason; the token is never logged.
 */
#ifndef KEFU_CREDENTIAL_H
#define KEFU_CREDENTIAL_H

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "svc/reply.h"
#include "svc/who.h"

/*  How long a looked-up token is trusted without asking again. */
#define CRED_CACHE_MS 2000

typedef struct cred_s cred_t;

/*  The caller of one request: `who` points into this struct, which owns
 *  its strings. */
typedef struct {
    svc_who_t who;
    bool service_account;   /* a program: may make only the requests it names */
    char principal[72];
    char organisation[72];
    char **branch_ids;
    size_t n_branch_ids;
    char **requests;        /* a service account's requests */
    size_t n_requests;
} cred_who_t;

/*  Borrows db (the service's connection); registers its statement. */
cred_t *cred_new (db_t *db);
void cred_destroy (cred_t **self_p);

/*  Checks token (len bytes) and fills *out (free with cred_who_free).
 *  Returns RPL_OK; RPL_UNAUTHENTICATED with "token: …" in err; or
 *  RPL_UNAVAILABLE when the database cannot be asked. */
rpl_code_t cred_check (cred_t *self, const char *token, size_t len, cred_who_t *out, char *err,
                       size_t errsize);

/*  True when the caller may make `request`: a service account names it; a
 *  person holds one of `roles`. */
bool cred_allows (const cred_who_t *caller, const char *request, svc_roles_t roles);

void cred_who_free (cred_who_t *caller);

#endif

/*  who — who is asking, handed to every handler of every service: a
 *  request's (request_endpoint.h) and a message's (handler.h).
 *
 *  For a request, the request endpoint fills it from the caller's token
 *  (auth/credential.h): the staff member or service account, their roles,
 *  and the branches they act for. For a message, it is the sending service,
 *  acting for the system.
 *
 *  Scope. branches NULL means every branch: head office, and the services
 *  acting for the system (the SLA timer, the relay). Otherwise the caller
 *  acts for exactly those n_branches branches, which may be none (a dealer's
 *  staff act for their organisation, not a branch). A handler confines by
 *  svc_who_sees_branch; PostgreSQL confines as well (db/scope.h sets the
 *  transaction's branches, which the row-level security policies read).
 */
#ifndef KEFU_WHO_H
#define KEFU_WHO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*  Roles, one bit each (auth/roles.h names them: "agent", …). */
typedef uint32_t svc_roles_t;

typedef struct {
    const char *principal;       /* staff id, service account id, or sending service; NULL: nobody */
    svc_roles_t roles;           /* what they may do (auth/roles.h) */
    const char *const *branches; /* the branches they act for; NULL: every branch */
    size_t n_branches;
    const char *organisation;    /* dealer's or provider's staff: their organisation; else NULL */
    bool contact;                /* may read full customer contact data of their branches */
} svc_who_t;

/*  True when who acts for branch (a NULL branch, a customer not yet given
 *  to a branch, is seen only by a caller of every branch). */
bool svc_who_sees_branch (const svc_who_t *who, const char *branch);

/*  The branches as a PostgreSQL text[] literal ("{SH01,SH02}", "{}" for
 *  none) in out, for a query's scope parameter; NULL for every branch (and
 *  when out is too small: callers treat that as "refuse"; check with
 *  svc_who_branches_fit). Branch ids are identifiers (A-Z a-z 0-9 _ -), so
 *  they need no quoting. */
const char *svc_who_branches_literal (const svc_who_t *who, char *out, size_t size);
/*  True when svc_who_branches_literal fits in size bytes. */
bool svc_who_branches_fit (const svc_who_t *who, size_t size);

/*  The system: every branch, no person (timers, the relay, messages). */
svc_who_t svc_who_system (const char *service);

#endif

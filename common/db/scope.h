/*  scope — the branches a transaction acts for, stated to PostgreSQL so
 *  that its row-level security confines what the transaction reads and
 *  writes (docs/security.md "Branch confinement"; the policies are
 *  schemas/sql/0014_branch_confinement.sql).
 *
 *  The value goes into the setting kefu.branches: "*" for every branch,
 *  else the branch ids joined by commas, "" for none. An id is 1 to 32 of
 *  A-Z a-z 0-9 _ - (what common/ref/org.c accepts), so it can hold neither
 *  a comma nor "*"; an id that is not such is refused here, and the handle
 *  then states nothing (fail closed). "*" is honoured by the database only
 *  for roles that are members of kefu_all_branches (kefu_intake and
 *  kefu_dispatch); for any other role it shows nothing.
 *
 *  The scope is the handle's until changed (db.h, db_set_scope): whoever
 *  starts a unit of work sets it (the request endpoint, the message handler
 *  bracket, the timers of the service kit) and clears it afterwards, so
 *  work that forgot to state one sees nothing.
 */
#ifndef KEFU_DB_SCOPE_H
#define KEFU_DB_SCOPE_H

#include <stdbool.h>

#include "db/db.h"
#include "svc/who.h"

/*  Most bytes of a stated value: 256 branches of 32 bytes and their commas. */
#define DB_SCOPE_MAX 8448

/*  States who's branches: every branch when who->branches is NULL (the
 *  system, head office), else exactly who->branches[0..n_branches), which
 *  may be none. Returns 0, or -1 when an id is not an identifier or there
 *  are too many (logged; nothing is stated). */
int db_scope_set (db_t *db, const svc_who_t *who);

/*  States every branch: the service acting for the system (timers,
 *  message handlers, the named cross-branch lookups). Returns 0 or -1. */
int db_scope_system (db_t *db);

/*  States nothing: the handle's next transactions see no branch's rows. */
void db_scope_clear (db_t *db);


#endif

/*  gw_db — the gateway's few PostgreSQL connections (log-in and sessions
 *  only: the gateway reads nothing else; docs/gateway.md "Log-in and
 *  sessions").
 *
 *  A fixed number of db_t handles (common/db/db.h: lazy connect, reconnect
 *  with back-off, statements prepared on every connection), each lent to
 *  one connection thread at a time. A thread that finds none free waits a
 *  bounded time and then gives up (the caller answers 503), so a slow or
 *  lost database never piles up threads for ever.
 */
#ifndef KEFU_GW_DB_H
#define KEFU_GW_DB_H

#include "db/db.h"

typedef struct gw_db_s gw_db_t;

/*  A statement every handle prepares (name and SQL, both static text). */
typedef struct {
    const char *name;
    const char *sql;
} gw_db_statement_t;

/*  Makes a pool of `size` handles (1..64) on conninfo (copied), each
 *  preparing the statements (array ended by a NULL name; borrowed, must
 *  outlive the pool). Connects lazily. Returns NULL on bad arguments or
 *  when out of memory. */
gw_db_t *gw_db_new (const char *conninfo, int size, const gw_db_statement_t *statements);
/*  Frees the pool; every handle must have been given back. Safe twice. */
void gw_db_destroy (gw_db_t **self_p);

/*  Lends a connected handle, waiting at most wait_ms for one to be free.
 *  Returns NULL when none was free in time or the database cannot be
 *  reached (a handle that cannot connect is put back at once). */
db_t *gw_db_borrow (gw_db_t *self, int wait_ms);
/*  Gives a handle back and sets *db_p to NULL; NULL *db_p is ignored. */
void gw_db_return (gw_db_t *self, db_t **db_p);

#endif

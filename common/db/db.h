/*  db — one PostgreSQL connection with the habits every service needs:
 *  lazy connect and reconnect with back-off after the server restarts,
 *  named prepared statements re-prepared on every new connection,
 *  transactions that retry serialization failures (40001) and deadlocks
 *  (40P01) a bounded number of times, and errors classified by SQLSTATE.
 *
 *  A db_t is used by one thread. Every PGresult it returns belongs to the
 *  caller (PQclear). Failures leave a reason in db_error().
 *
 *  A NULL handle, statement name or SQL text, a negative parameter count or
 *  missing parameters, and a savepoint name that is empty or longer than 63
 *  bytes are programmer errors: they fail an assert (as in CZMQ), they are
 *  not reported as a database failure, which a caller would retry for ever.
 *  db_destroy and the getters (db_error, db_sqlstate, db_last_status) take
 *  a NULL handle.
 */
#ifndef KEFU_DB_H
#define KEFU_DB_H

#include <libpq-fe.h>
#include <stdbool.h>

typedef struct db_s db_t;

typedef enum {
    DB_OK = 0,
    DB_TRANSIENT,  /* connection lost / server unavailable / retries exhausted: try later */
    DB_PERMANENT,  /* the statement is wrong for this data (constraint, bad value): do not retry */
} db_status_t;

/*  Makes a handle; does not connect yet (never fails but for memory). */
db_t *db_new (const char *conninfo);
void db_destroy (db_t **self_p);

/*  Connects if not connected (or the connection went bad), at most once per
 *  back-off period (100 ms doubling to max_backoff_ms). Returns 0 when
 *  connected and every registered statement is prepared, else -1. */
int db_ensure (db_t *self);
void db_set_max_backoff_ms (db_t *self, int ms);
bool db_connected (const db_t *self);

/*  Registers a statement to prepare on every connection. Call before the
 *  first db_ensure (or any time; it is prepared at once when connected). */
int db_prepare (db_t *self, const char *name, const char *sql);

/*  SQL text of a timestamptz column as microseconds since the epoch
 *  (bigint): how instants come out of the database into int64_t. */
#define DB_EPOCH_US(col) "(extract(epoch FROM " col ") * 1000000)::bigint"

/*  Runs a registered statement (name) with text parameters (NULL = SQL NULL).
 *  Returns the result when its status is PGRES_COMMAND_OK or
 *  PGRES_TUPLES_OK (caller PQclears); otherwise NULL with db_error()/
 *  db_last_status() set. */
PGresult *db_exec_prepared (db_t *self, const char *name, int nparams, const char *const *params);
/*  Same for ad hoc SQL (PQexecParams). */
PGresult *db_exec (db_t *self, const char *sql, int nparams, const char *const *params);

/*  One call of a registered statement, for db_exec_pipeline. */
typedef struct {
    const char *name;
    int nparams;
    const char *const *params;
} db_call_t;
/*  Runs n registered statements in ONE round trip (libpq pipeline mode),
 *  in order, each a statement of its own: under READ COMMITTED each sees
 *  what was committed before it began (after a lock an earlier one took,
 *  say), exactly as when run one by one. For a few small statements (all
 *  of them must fit the socket buffers). Returns 0 with results[0..n) set
 *  (caller PQclears each), or -1 with every results[i] NULL and the first
 *  failure recorded as by db_exec_prepared (the statements after it did not
 *  run; inside a transaction, the transaction has failed). */
int db_exec_pipeline (db_t *self, int n, const db_call_t *calls, PGresult **results);
/*  Runs SQL with no parameters and no rows wanted. Returns 0 or -1. */
int db_command (db_t *self, const char *sql);

/*  Transactions. db_tx runs fn inside BEGIN … COMMIT. fn returns 0 to
 *  commit, -1 to roll back (its reason stays in db_error, or the caller's
 *  own). On 40001/40P01 (in fn or at COMMIT) the whole transaction is
 *  retried up to 5 times. Returns DB_OK, DB_TRANSIENT or DB_PERMANENT; when
 *  fn rolled back by choice it returns DB_PERMANENT and *fn_failed is set. */
typedef int (*db_tx_fn) (db_t *db, void *arg);
db_status_t db_tx (db_t *self, db_tx_fn fn, void *arg, bool *fn_failed);

/*  Savepoints, for group commit inside db_tx: several units of work share
 *  one transaction (one COMMIT, one WAL flush) and each can be undone alone.
 *  name is a fixed SQL identifier chosen by the caller (never input).
 *  db_savepoint returns 0 or -1 (failure recorded as usual; it fails with
 *  25P02 when a statement after the previous savepoint failed, which makes
 *  it the check that the previous unit left the transaction usable).
 *  db_rollback_to rolls back to the most recent savepoint of that name and
 *  returns 0 or -1; on success it keeps the failure that made the caller
 *  roll back in db_error()/db_sqlstate()/db_last_status(), so the reason
 *  can still be reported. The savepoint stays defined after it. */
int db_savepoint (db_t *self, const char *name);
int db_rollback_to (db_t *self, const char *name);

/*  Scope: the branches the handle's transactions act for, which the
 *  row-level security policies read from the setting DB_SCOPE_SETTING
 *  (schemas/sql/0014_branch_confinement.sql; db/scope.h builds the value
 *  from who is asking). The handle states it to the server in the round
 *  trip of the next statement that db_exec_prepared, db_exec or
 *  db_exec_pipeline runs (never db_command: savepoints and other commands
 *  read no table), as set_config(…, true), local to the transaction: inside
 *  db_tx once per transaction and again when it changes or after a
 *  db_rollback_to; outside db_tx with every statement (each is its own
 *  transaction). NULL states nothing, and a transaction that states
 *  nothing sees no branch's rows. The value stays until changed: a caller
 *  sets it before a unit of work and clears it (NULL) after.
 *  db_set_scope copies value; returns 0, or -1 when out of memory (then
 *  nothing is stated). db_scope returns the value in effect (borrowed). */
#define DB_SCOPE_SETTING "kefu.branches"
int db_set_scope (db_t *self, const char *value);
const char *db_scope (const db_t *self);

/*  Whether the open transaction is aborted (a statement in it failed; only
 *  ROLLBACK or ROLLBACK TO SAVEPOINT are accepted now). No round trip. */
bool db_tx_failed (const db_t *self);

/*  A number that changes whenever db_tx begins a transaction and whenever
 *  db_rollback_to undoes work: what a caller read inside the current
 *  transaction, and counted on since, is still what the transaction holds
 *  as long as this number stays the same (a per-transaction cache key). */
long db_tx_serial (const db_t *self);

/*  Reason of the last failure ("23505 duplicate key value …"). */
const char *db_error (const db_t *self);
/*  SQLSTATE of the last failure, "" if none. */
const char *db_sqlstate (const db_t *self);
/*  Classification of the last failure. */
db_status_t db_last_status (const db_t *self);

/*  The raw connection (NULL when disconnected), for PQescape* and tests. */
PGconn *db_conn (db_t *self);

#endif

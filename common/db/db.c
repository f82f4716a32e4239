/*  db — one libpq connection with lazy connect, reconnect with back-off,
 *  prepared statements re-prepared on every new connection, transactions
 *  that retry serialization failures and deadlocks, and SQLSTATE-based
 *  classification of every failure (see db.h for the contract).
 *
 *  Inside db_tx the handle never reconnects by itself: a connection lost
 *  mid-transaction fails the transaction (DB_TRANSIENT) instead of letting
 *  the rest of it run in autocommit on a fresh connection.
 */
#include "db.h"

#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "ops/ops_metrics.h"

#define DB_BACKOFF_MIN_MS 100
#define DB_TX_RETRIES     5

typedef struct db_stmt_s {
    char *name;
    char *sql;
    bool prepared;              /* on the current connection */
    struct db_stmt_s *next;
} db_stmt_t;

/*  The prepared statement that states the scope (db_set_scope). */
#define S_SCOPE_STATEMENT "kefu_db_state_scope"

struct db_s {
    char *conninfo;
    PGconn *conn;
    db_stmt_t *stmts;
    int backoff_ms;             /* wait after the next failed connect */
    int max_backoff_ms;
    int64_t next_try_ms;        /* monotonic: no connect attempt before */
    bool in_tx;                 /* inside db_tx: never reconnect */
    bool begin_pending;         /* inside db_tx: BEGIN goes with the first statement */
    bool begin_lost;            /* that BEGIN found the (idle) connection gone */
    long tx_serial;             /* see db_tx_serial */
    char *scope;                /* db_set_scope's value, NULL: nothing stated */
    bool scope_due;             /* inside db_tx: the server's value is not scope yet */
    bool was_connected;         /* for "lost"/"restored" log lines */
    long failures;              /* count of recorded failures (db_tx uses it) */
    db_status_t last_status;
    char sqlstate[6];
    char error[1024];
    char conn_error[1024];       /* why the last connect attempt failed */
};

static void s_set_error (db_t *self, db_status_t status, const char *sqlstate, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

static void s_set_error (db_t *self, db_status_t status, const char *sqlstate, const char *fmt, ...)
{
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (self->error, sizeof self->error, fmt, ap);
    va_end (ap);
    /* libpq messages end in newlines; a reason is one line. */
    size_t len = strlen (self->error);
    while (len > 0 && (self->error[len - 1] == '\n' || self->error[len - 1] == ' '))
        self->error[--len] = '\0';
    for (char *p = self->error; *p; p++)
        if (*p == '\n' || *p == '\t')
            *p = ' ';
    snprintf (self->sqlstate, sizeof self->sqlstate, "%s", sqlstate ? sqlstate : "");
    self->last_status = status;
    self->failures++;
}

static void s_clear_error (db_t *self)
{
    self->error[0] = '\0';
    self->sqlstate[0] = '\0';
    self->last_status = DB_OK;
}

static bool s_is_retryable (const char *sqlstate)
{
    return strcmp (sqlstate, "40001") == 0 || strcmp (sqlstate, "40P01") == 0;
}

/*  Transient: the connection or the server is the problem, not the statement. */
static db_status_t s_classify (const db_t *self, const char *sqlstate)
{
    if (!self->conn || PQstatus (self->conn) == CONNECTION_BAD)
        return DB_TRANSIENT;
    if (!sqlstate || !*sqlstate)
        return DB_TRANSIENT;    /* no server error: libpq lost the connection or memory */
    if (strncmp (sqlstate, "08", 2) == 0 || strncmp (sqlstate, "53", 2) == 0)
        return DB_TRANSIENT;
    if (strcmp (sqlstate, "57P01") == 0 || strcmp (sqlstate, "57P02") == 0
        || strcmp (sqlstate, "57P03") == 0)
        return DB_TRANSIENT;
    if (s_is_retryable (sqlstate))
        return DB_TRANSIENT;    /* outside db_tx: try again later */
    return DB_PERMANENT;
}

/*  Records the failure carried by res (may be NULL). Does not PQclear. */
static void s_record_result_error (db_t *self, const PGresult *res, const char *what)
{
    const char *state = res ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;
    const char *primary = res ? PQresultErrorField (res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    const char *detail = res ? PQresultErrorField (res, PG_DIAG_MESSAGE_DETAIL) : NULL;
    if (!primary)
        primary = self->conn ? PQerrorMessage (self->conn) : "no connection";
    if (!primary || !*primary)
        primary = res ? PQresStatus (PQresultStatus (res)) : "no result";
    db_status_t status = s_classify (self, state);
    if (detail)
        s_set_error (self, status, state, "%s%s%s (%s): %s", state ? state : "", state ? " " : "",
                     primary, what, detail);
    else
        s_set_error (self, status, state, "%s%s%s (%s)", state ? state : "", state ? " " : "",
                     primary, what);
}

/*  Discards whatever results are still pending on the connection. */
static void s_drain (db_t *self)
{
    if (!self->conn)
        return;
    PGresult *res;
    while ((res = PQgetResult (self->conn)) != NULL)
        PQclear (res);
}

static void s_notice (void *arg, const char *message)
{
    (void) arg;
    char line[512];
    snprintf (line, sizeof line, "%s", message);
    size_t len = strlen (line);
    while (len > 0 && line[len - 1] == '\n')
        line[--len] = '\0';
    log_kv (LOG_DEBUG, "db_notice", "message", line, NULL);
}

static void s_disconnect (db_t *self)
{
    if (self->conn) {
        PQfinish (self->conn);
        self->conn = NULL;
    }
    for (db_stmt_t *s = self->stmts; s; s = s->next)
        s->prepared = false;
}

db_t *db_new (const char *conninfo)
{
    if (!conninfo)
        return NULL;
    db_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->conninfo = strdup (conninfo);
    if (!self->conninfo) {
        free (self);
        return NULL;
    }
    self->backoff_ms = DB_BACKOFF_MIN_MS;
    self->max_backoff_ms = 5000;
    /* stating the scope is part of nearly every transaction: parsed once */
    if (db_prepare (self, S_SCOPE_STATEMENT, "SELECT set_config('" DB_SCOPE_SETTING "', $1, true)") != 0) {
        db_destroy (&self);
        return NULL;
    }
    return self;
}

void db_destroy (db_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    db_t *self = *self_p;
    s_disconnect (self);
    free (self->scope);
    db_stmt_t *s = self->stmts;
    while (s) {
        db_stmt_t *next = s->next;
        free (s->name);
        free (s->sql);
        free (s);
        s = next;
    }
    free (self->conninfo);
    free (self);
    *self_p = NULL;
}

void db_set_max_backoff_ms (db_t *self, int ms)
{
    if (self)
        self->max_backoff_ms = ms < DB_BACKOFF_MIN_MS ? DB_BACKOFF_MIN_MS : ms;
}

bool db_connected (const db_t *self)
{
    return self && self->conn && PQstatus (self->conn) == CONNECTION_OK;
}

PGconn *db_conn (db_t *self)
{
    return db_connected (self) ? self->conn : NULL;
}

static int s_prepare_one (db_t *self, db_stmt_t *stmt)
{
    PGresult *res = PQprepare (self->conn, stmt->name, stmt->sql, 0, NULL);
    if (!res || PQresultStatus (res) != PGRES_COMMAND_OK) {
        char what[160];
        snprintf (what, sizeof what, "preparing %s", stmt->name);
        s_record_result_error (self, res, what);
        PQclear (res);
        s_drain (self);
        return -1;
    }
    PQclear (res);
    stmt->prepared = true;
    return 0;
}

/*  Opens a connection now. Returns 0 or -1 (error recorded). */
static int s_connect (db_t *self)
{
    /*  connect_timeout first: a value in the caller's conninfo (expanded
     *  from dbname, processed later) overrides these defaults. */
    const char *keys[] = { "connect_timeout", "keepalives_idle", "keepalives_interval",
                           "keepalives_count", "dbname", NULL };
    const char *vals[] = { "5", "10", "5", "3", self->conninfo, NULL };
    self->conn = PQconnectdbParams (keys, vals, 1);
    if (!self->conn) {
        s_set_error (self, DB_TRANSIENT, "", "cannot connect: out of memory");
        return -1;
    }
    if (PQstatus (self->conn) != CONNECTION_OK) {
        s_set_error (self, DB_TRANSIENT, "08001", "cannot connect: %s", PQerrorMessage (self->conn));
        s_disconnect (self);
        return -1;
    }
    PQsetNoticeProcessor (self->conn, s_notice, NULL);
    PGresult *res = PQexec (self->conn, "SET TIME ZONE 'UTC'");
    if (!res || PQresultStatus (res) != PGRES_COMMAND_OK) {
        s_record_result_error (self, res, "SET TIME ZONE");
        PQclear (res);
        s_disconnect (self);
        return -1;
    }
    PQclear (res);
    return 0;
}

int db_ensure (db_t *self)
{
    assert (self);
    if (self->conn && PQstatus (self->conn) != CONNECTION_OK) {
        if (self->in_tx) {
            self->begin_lost = self->begin_pending; /* nothing ran yet */
            s_set_error (self, DB_TRANSIENT, "08006", "connection lost inside a transaction");
            return -1;
        }
        s_disconnect (self);
    }
    if (!self->conn) {
        if (self->in_tx) {
            s_set_error (self, DB_TRANSIENT, "08003", "not connected inside a transaction");
            return -1;
        }
        int64_t now = clock_mono_ms ();
        if (now < self->next_try_ms) {
            s_set_error (self, DB_TRANSIENT, "08003", "not connected (next attempt in %lld ms): %s",
                         (long long) (self->next_try_ms - now),
                         self->conn_error[0] ? self->conn_error : "not tried yet");
            return -1;
        }
        if (s_connect (self) < 0) {
            memcpy (self->conn_error, self->error, sizeof self->conn_error);
            if (self->was_connected)
                log_kv (LOG_WARN, "db_connection_lost", "reason", self->error, NULL);
            self->was_connected = false;
            self->next_try_ms = now + self->backoff_ms;
            self->backoff_ms = self->backoff_ms * 2 > self->max_backoff_ms
                                   ? self->max_backoff_ms : self->backoff_ms * 2;
            return -1;
        }
    }
    for (db_stmt_t *s = self->stmts; s; s = s->next) {
        if (!s->prepared && s_prepare_one (self, s) < 0) {
            if (self->last_status == DB_TRANSIENT && !self->in_tx) {
                s_disconnect (self);
                self->next_try_ms = clock_mono_ms () + self->backoff_ms;
            }
            return -1;
        }
    }
    if (!self->was_connected) {
        log_kv (LOG_INFO, "db_connected", "database", PQdb (self->conn), "user", PQuser (self->conn),
                NULL);
        self->was_connected = true;
    }
    self->backoff_ms = DB_BACKOFF_MIN_MS;
    self->next_try_ms = 0;
    return 0;
}

int db_prepare (db_t *self, const char *name, const char *sql)
{
    assert (self && name && *name && sql && *sql);
    for (db_stmt_t *s = self->stmts; s; s = s->next) {
        if (strcmp (s->name, name) == 0) {
            s_set_error (self, DB_PERMANENT, "42P05", "statement %s is already registered", name);
            return -1;
        }
    }
    db_stmt_t *stmt = calloc (1, sizeof *stmt);
    if (!stmt)
        return -1;
    stmt->name = strdup (name);
    stmt->sql = strdup (sql);
    if (!stmt->name || !stmt->sql) {
        free (stmt->name);
        free (stmt->sql);
        free (stmt);
        return -1;
    }
    /* Appended, so statements are prepared in registration order. */
    db_stmt_t **tail = &self->stmts;
    while (*tail)
        tail = &(*tail)->next;
    *tail = stmt;
    if (db_connected (self))
        return s_prepare_one (self, stmt);
    return 0;
}

/*  Keeps res when its status is one of the two successes, else records
 *  the error, clears it and returns NULL. */
static PGresult *s_check (db_t *self, PGresult *res, const char *what)
{
    if (res) {
        ExecStatusType st = PQresultStatus (res);
        if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
            s_clear_error (self);
            return res;
        }
    }
    s_record_result_error (self, res, what);
    PQclear (res);
    s_drain (self);
    if (self->conn && PQstatus (self->conn) == CONNECTION_BAD && self->was_connected) {
        log_kv (LOG_WARN, "db_connection_lost", "reason", self->error, NULL);
        self->was_connected = false;
    }
    return NULL;
}

/*  Reads one pipelined statement's result (the NULL after it included). */
static PGresult *s_pipeline_result (PGconn *conn)
{
    PGresult *kept = NULL, *res;
    while ((res = PQgetResult (conn)) != NULL) {
        if (!kept)
            kept = res;
        else
            PQclear (res);
    }
    return kept;
}

/*  Whether a BEGIN sent with a statement failed for want of a connection. */
static void s_begin_failed (db_t *self, const PGresult *begin)
{
    (void) begin;
    if (!self->conn || PQstatus (self->conn) == CONNECTION_BAD)
        self->begin_lost = true;
}

/*  Whether the next statement must state the scope first: inside db_tx
 *  once per change (and again after a rollback to a savepoint, which undoes
 *  it); outside, every statement is a transaction of its own. */
static bool s_scope_wanted (const db_t *self)
{
    return self->in_tx ? self->scope_due : self->scope != NULL;
}

/*  Queues the statement that states the scope (pipeline mode). */
static bool s_send_scope (db_t *self)
{
    const char *value = self->scope ? self->scope : "";
    return PQsendQueryPrepared (self->conn, S_SCOPE_STATEMENT, 1, &value, NULL, NULL, 0) == 1;
}

/*  A statement with what must go before it, in ONE round trip (pipeline
 *  mode): the BEGIN db_tx left pending, and the scope when it is wanted
 *  (s_scope_wanted); without BEGIN, the statements before the sync point
 *  are one implicit transaction, so the scope holds for the statement. The
 *  prepared statement `name`, or else `sql`. Returns what PQexecPrepared /
 *  PQexecParams would (the failed BEGIN's or scope's result when that
 *  failed). */
static PGresult *s_exec_first (db_t *self, const char *name, const char *sql, int nparams,
                               const char *const *params)
{
    PGconn *conn = self->conn;
    bool with_begin = self->begin_pending, with_scope = s_scope_wanted (self);
    self->begin_pending = false;
    if (!PQenterPipelineMode (conn)) {
        if (with_begin)
            s_begin_failed (self, NULL);
        return NULL;
    }
    bool sent = (!with_begin || PQsendQueryParams (conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0))
                && (!with_scope || s_send_scope (self))
                && (name ? PQsendQueryPrepared (conn, name, nparams, params, NULL, NULL, 0)
                         : PQsendQueryParams (conn, sql, nparams, NULL, params, NULL, NULL, 0))
                && PQpipelineSync (conn);
    PGresult *begin = sent && with_begin ? s_pipeline_result (conn) : NULL;
    PGresult *scope = sent && with_scope ? s_pipeline_result (conn) : NULL;
    PGresult *res = sent ? s_pipeline_result (conn) : NULL;
    if (sent)
        PQclear (PQgetResult (conn)); /* the sync point's own result */
    if (!PQexitPipelineMode (conn)) {
        PQclear (res);
        res = NULL;
        s_disconnect (self); /* results still pending: not to be trusted */
    }
    if (with_begin && (!begin || PQresultStatus (begin) != PGRES_COMMAND_OK)) {
        s_begin_failed (self, begin);
        PQclear (scope);
        PQclear (res);
        return begin;
    }
    PQclear (begin);
    if (with_scope && (!scope || PQresultStatus (scope) != PGRES_TUPLES_OK)) {
        PQclear (res);
        return scope;
    }
    PQclear (scope);
    if (with_scope && self->in_tx && res)
        self->scope_due = false;
    return res;
}

/*  Sends a pending BEGIN on its own (before a simple-protocol command).
 *  Returns 0 or -1 (recorded). */
static int s_begin_now (db_t *self)
{
    if (!self->begin_pending)
        return 0;
    self->begin_pending = false;
    PGresult *res = s_check (self, PQexec (self->conn, "BEGIN"), "BEGIN");
    if (!res) {
        s_begin_failed (self, NULL);
        return -1;
    }
    PQclear (res);
    return 0;
}

PGresult *db_exec_prepared (db_t *self, const char *name, int nparams, const char *const *params)
{
    assert (self && name && nparams >= 0 && (nparams == 0 || params));
    db_stmt_t *stmt = self->stmts;
    while (stmt && strcmp (stmt->name, name) != 0)
        stmt = stmt->next;
    if (!stmt) {
        s_set_error (self, DB_PERMANENT, "26000", "statement %s is not registered", name);
        return NULL;
    }
    if (db_ensure (self) < 0)
        return NULL;
    double start = ops_now_s ();
    PGresult *res = self->begin_pending || s_scope_wanted (self)
                        ? s_exec_first (self, name, NULL, nparams, params)
                        : PQexecPrepared (self->conn, name, nparams, params, NULL, NULL, 0);
    ops_observe_db ("statement", ops_now_s () - start);
    return s_check (self, res, name);
}

PGresult *db_exec (db_t *self, const char *sql, int nparams, const char *const *params)
{
    assert (self && sql && nparams >= 0 && (nparams == 0 || params));
    if (db_ensure (self) < 0)
        return NULL;
    double start = ops_now_s ();
    PGresult *res = self->begin_pending || s_scope_wanted (self)
                        ? s_exec_first (self, NULL, sql, nparams, params)
                        : PQexecParams (self->conn, sql, nparams, NULL, params, NULL, NULL, 0);
    ops_observe_db ("statement", ops_now_s () - start);
    return s_check (self, res, "query");
}

int db_command (db_t *self, const char *sql)
{
    assert (self && sql);
    if (db_ensure (self) < 0 || s_begin_now (self) < 0)
        return -1;
    double start = ops_now_s ();
    PGresult *raw = PQexec (self->conn, sql);
    ops_observe_db ("command", ops_now_s () - start);
    PGresult *res = s_check (self, raw, "command");
    if (!res)
        return -1;
    PQclear (res);
    return 0;
}

int db_savepoint (db_t *self, const char *name)
{
    assert (self && name && *name && strlen (name) <= 63);
    char sql[96];
    snprintf (sql, sizeof sql, "SAVEPOINT %s", name);
    return db_command (self, sql);
}

int db_rollback_to (db_t *self, const char *name)
{
    assert (self && name && *name && strlen (name) <= 63);
    if (!self->conn || PQstatus (self->conn) != CONNECTION_OK) {
        s_set_error (self, DB_TRANSIENT, "08006", "connection lost inside a transaction");
        return -1;
    }
    if (s_begin_now (self) < 0)
        return -1;
    char sql[96];
    snprintf (sql, sizeof sql, "ROLLBACK TO SAVEPOINT %s", name);
    double start = ops_now_s ();
    PGresult *res = PQexec (self->conn, sql);
    ops_observe_db ("command", ops_now_s () - start);
    if (res && PQresultStatus (res) == PGRES_COMMAND_OK) {
        PQclear (res);   /* the caller's failure stays recorded */
        self->tx_serial++;
        self->scope_due = true; /* the rollback may have undone its statement */
        return 0;
    }
    s_check (self, res, "ROLLBACK TO SAVEPOINT");   /* records and clears */
    return -1;
}

/*  Ends a failed transaction; keeps the failure that caused it. */
static void s_rollback (db_t *self)
{
    if (!self->conn || PQstatus (self->conn) != CONNECTION_OK)
        return;
    if (PQtransactionStatus (self->conn) == PQTRANS_IDLE)
        return;
    PGresult *res = PQexec (self->conn, "ROLLBACK");
    PQclear (res);
    s_drain (self);
}

db_status_t db_tx (db_t *self, db_tx_fn fn, void *arg, bool *fn_failed)
{
    assert (self && fn);
    if (fn_failed)
        *fn_failed = false;
    for (int attempt = 0; attempt <= DB_TX_RETRIES; attempt++) {
        if (db_ensure (self) < 0)
            return self->last_status == DB_OK ? DB_TRANSIENT : self->last_status;
        /* BEGIN is not a round trip of its own: it goes with the first
         * statement (s_exec_first), and a transaction with none is empty. */
        self->begin_pending = true;
        self->begin_lost = false;
        self->tx_serial++;
        self->scope_due = self->scope != NULL;
        self->in_tx = true;
        long failures_before = self->failures;
        int rc = fn (self, arg);
        self->in_tx = false;
        bool began = !self->begin_pending;
        self->begin_pending = false;

        if (rc != 0 && self->begin_lost && attempt == 0) {
            /* An idle connection the server dropped (restart) fails at the
             * BEGIN; nothing ran yet, so reconnecting at once is safe. */
            if (fn_failed)
                *fn_failed = false;
            continue;
        }
        if (rc != 0) {
            bool db_failed = self->failures != failures_before;
            s_rollback (self);
            if (fn_failed)
                *fn_failed = true;
            if (!db_failed || self->last_status == DB_OK)
                return DB_PERMANENT;    /* rolled back by choice */
            if (s_is_retryable (self->sqlstate) && attempt < DB_TX_RETRIES) {
                if (fn_failed)
                    *fn_failed = false;
                continue;
            }
            if (s_is_retryable (self->sqlstate))
                self->last_status = DB_TRANSIENT;
            return self->last_status;
        }

        if (!began) {   /* no statement: nothing to commit */
            s_clear_error (self);
            return DB_OK;
        }
        double start = ops_now_s ();
        PGresult *res = PQexec (self->conn, "COMMIT");
        ops_observe_db ("commit", ops_now_s () - start);
        if (res && PQresultStatus (res) == PGRES_COMMAND_OK
            && strcmp (PQcmdStatus (res), "COMMIT") == 0) {
            PQclear (res);
            s_clear_error (self);
            return DB_OK;
        }
        if (res && PQresultStatus (res) == PGRES_COMMAND_OK) {
            /* The server answered ROLLBACK: a statement failed and fn went on. */
            PQclear (res);
            if (s_is_retryable (self->sqlstate) && attempt < DB_TX_RETRIES)
                continue;
            if (s_is_retryable (self->sqlstate))
                return DB_TRANSIENT;
            if (self->last_status == DB_OK)
                s_set_error (self, DB_PERMANENT, "25P02",
                             "transaction rolled back: a statement in it had failed");
            return DB_PERMANENT;
        }
        s_check (self, res, "COMMIT");   /* records and clears */
        s_rollback (self);
        if (s_is_retryable (self->sqlstate) && attempt < DB_TX_RETRIES)
            continue;
        if (s_is_retryable (self->sqlstate))
            self->last_status = DB_TRANSIENT;
        return self->last_status;
    }
    return DB_TRANSIENT;   /* not reached: the loop returns on its last attempt */
}

int db_set_scope (db_t *self, const char *value)
{
    assert (self);
    if (value ? self->scope && strcmp (value, self->scope) == 0 : !self->scope)
        return 0; /* unchanged: nothing to state again */
    char *copy = value ? strdup (value) : NULL;
    free (self->scope);
    self->scope = copy; /* out of memory: nothing stated, which sees nothing */
    self->scope_due = true;
    if (value && !copy) {
        s_set_error (self, DB_TRANSIENT, "53200", "out of memory stating the scope");
        return -1;
    }
    return 0;
}

const char *db_scope (const db_t *self)
{
    return self ? self->scope : NULL;
}

bool db_tx_failed (const db_t *self)
{
    return self && self->conn && PQtransactionStatus (self->conn) == PQTRANS_INERROR;
}

long db_tx_serial (const db_t *self)
{
    return self ? self->tx_serial : 0;
}

const char *db_error (const db_t *self)
{
    return self ? self->error : "no database handle";
}

const char *db_sqlstate (const db_t *self)
{
    return self ? self->sqlstate : "";
}

db_status_t db_last_status (const db_t *self)
{
    return self ? self->last_status : DB_PERMANENT;
}

int db_exec_pipeline (db_t *self, int n, const db_call_t *calls, PGresult **results)
{
    assert (self && n > 0 && calls && results);
    for (int i = 0; i < n; i++) {
        results[i] = NULL;
        assert (calls[i].name && calls[i].nparams >= 0 && (calls[i].nparams == 0 || calls[i].params));
        db_stmt_t *stmt = self->stmts;
        while (stmt && strcmp (stmt->name, calls[i].name) != 0)
            stmt = stmt->next;
        if (!stmt) {
            s_set_error (self, DB_PERMANENT, "26000", "statement %s is not registered", calls[i].name);
            return -1;
        }
    }
    if (db_ensure (self) < 0)
        return -1;
    PGconn *conn = self->conn;
    double start = ops_now_s ();
    bool with_begin = self->begin_pending; /* the transaction's BEGIN goes first */
    bool with_scope = s_scope_wanted (self); /* then the scope, when wanted */
    self->begin_pending = false;
    if (!PQenterPipelineMode (conn)) {
        if (with_begin)
            s_begin_failed (self, NULL);
        s_record_result_error (self, NULL, "entering pipeline mode");
        return -1;
    }
    bool begin_sent = (!with_begin || PQsendQueryParams (conn, "BEGIN", 0, NULL, NULL, NULL, NULL, 0))
                      && (!with_scope || s_send_scope (self));
    int sent = 0;
    while (begin_sent && sent < n
           && PQsendQueryPrepared (conn, calls[sent].name, calls[sent].nparams, calls[sent].params,
                                   NULL, NULL, 0))
        sent++;
    bool synced = PQpipelineSync (conn) == 1;
    int failed = sent < n || !synced ? sent : -1;
    bool recorded = false;
    if (with_begin && synced && begin_sent) {
        PGresult *begin = s_pipeline_result (conn);
        if (!begin || PQresultStatus (begin) != PGRES_COMMAND_OK) {
            s_begin_failed (self, begin);
            s_record_result_error (self, begin, "BEGIN");
            recorded = true;
            failed = 0; /* the statements after it were skipped */
        }
        PQclear (begin);
    } else if (with_begin && failed >= 0)
        s_begin_failed (self, NULL);
    if (with_scope && synced && begin_sent) {
        PGresult *scope = s_pipeline_result (conn);
        if (!recorded && (!scope || PQresultStatus (scope) != PGRES_TUPLES_OK)) {
            s_record_result_error (self, scope, "stating the scope");
            recorded = true;
            failed = 0; /* the statements after it were skipped */
        }
        PQclear (scope);
    }
    if (failed >= 0 && !recorded)
        s_record_result_error (self, NULL, failed < n ? calls[failed].name : "pipeline sync");
    for (int i = 0; i < sent && synced; i++) {
        PGresult *res = s_pipeline_result (conn);
        ExecStatusType st = res ? PQresultStatus (res) : PGRES_FATAL_ERROR;
        if ((st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) && failed < 0) {
            results[i] = res;
            continue;
        }
        if (failed < 0) {   /* the first failure; those after it were skipped */
            failed = i;
            s_record_result_error (self, res, calls[i].name);
        }
        PQclear (res);
    }
    if (synced) {   /* the sync point's own result */
        PGresult *res = PQgetResult (conn);
        PQclear (res);
    }
    ops_observe_db ("pipeline", ops_now_s () - start);
    if (!PQexitPipelineMode (conn)) {
        /* results still pending: the connection cannot be trusted any more */
        if (failed < 0) {
            failed = 0;
            s_record_result_error (self, NULL, "leaving pipeline mode");
        }
        s_disconnect (self);
    }
    if (failed < 0) {
        s_clear_error (self);
        if (with_scope && self->in_tx)
            self->scope_due = false;
        return 0;
    }
    for (int i = 0; i < n; i++) {
        PQclear (results[i]);
        results[i] = NULL;
    }
    if ((!self->conn || PQstatus (conn) == CONNECTION_BAD) && self->was_connected) {
        log_kv (LOG_WARN, "db_connection_lost", "reason", self->error, NULL);
        self->was_connected = false;
    }
    return -1;
}

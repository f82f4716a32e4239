/*  failure — see failure.h. */
#include "failure.h"

#include <assert.h>
#include <stdio.h>

#include "base/log.h"

bool svc_db_retryable (db_t *db)
{
    assert (db);
    return db_last_status (db) != DB_PERMANENT || !db_connected (db);
}

bus_result_t svc_db_bus_failure (db_t *db, const char *what, char *reason, size_t size)
{
    assert (db && what && reason);
    bool retry = svc_db_retryable (db);
    log_kv (retry ? LOG_WARN : LOG_ERROR, "db_error", "where", what, "error", db_error (db), "sqlstate",
            db_sqlstate (db), "outcome", retry ? "retry" : "dead_letter", NULL);
    snprintf (reason, size, "%s failed: %s (SQLSTATE %s)", what, db_error (db), db_sqlstate (db));
    return retry ? BUS_RETRY : BUS_REJECT;
}

rpl_code_t svc_db_request_failure (db_t *db, const char *what, char *err, size_t errsize)
{
    assert (db && what && err);
    if (svc_db_retryable (db)) {
        snprintf (err, errsize, "database unavailable; retry the request (with the same request_id)");
        return RPL_UNAVAILABLE;
    }
    log_kv (LOG_ERROR, "db_error", "where", what, "error", db_error (db), "sqlstate", db_sqlstate (db),
            "outcome", "internal", NULL);
    snprintf (err, errsize, "internal error while %s (SQLSTATE %s)", what, db_sqlstate (db));
    return RPL_INTERNAL;
}

rpl_code_t svc_request_tx (db_t *db, db_tx_fn fn, void *arg, const rpl_code_t *refused, const char *what,
                           char *err, size_t errsize)
{
    if (db_ensure (db) != 0)
        return svc_db_request_failure (db, "connecting", err, errsize);
    bool fn_failed = false;
    if (db_tx (db, fn, arg, &fn_failed) == DB_OK)
        return RPL_OK;
    if (fn_failed && *refused != RPL_OK)
        return *refused;
    /* the transaction failed outside the checks (a statement, the commit, the connection) */
    return svc_db_request_failure (db, what, err, errsize);
}

/*  invoice_number — see invoice_number.h. */
#include "invoice_number.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/err.h"
#include "time/tz.h"

int inv_branch_year (db_t *db, const char *branch, int64_t at_us, int *year, char *err, size_t errsize)
{
    const char *params[] = { branch };
    PGresult *res = db_exec (db, "SELECT timezone FROM ref.branches WHERE id = $1", 1, params);
    if (!res) {
        err_set (err, errsize, "%s", db_error (db));
        return -1;
    }
    if (PQntuples (res) != 1) {
        PQclear (res);
        err_set (err, errsize, "no branch \"%s\"", branch);
        return -1;
    }
    tz_t *zone = tz_load (PQgetvalue (res, 0, 0), err, errsize);
    PQclear (res);
    if (!zone)
        return -1;
    tz_civil_t local;
    tz_utc_to_local (zone, at_us, &local);
    tz_destroy (&zone);
    *year = local.year;
    return 0;
}

/*  Runs sql with the counter's key as $1 branch, $2 series, $3 year. */
static PGresult *s_counter (db_t *db, const char *sql, const char *branch, const char *series, int year)
{
    char y[16];
    snprintf (y, sizeof y, "%d", year);
    const char *params[] = { branch, series, y };
    return db_exec (db, sql, 3, params);
}

int inv_counter_lock (db_t *db, const char *branch, const char *series, int year)
{
    PGresult *res = s_counter (db,
                             "INSERT INTO billing.number_counters (branch_id, series, year) VALUES ($1, $2, $3::int)"
                             " ON CONFLICT DO NOTHING",
                             branch, series, year);
    if (res) {
        PQclear (res);
        res = s_counter (db,
                         "SELECT last FROM billing.number_counters"
                         " WHERE branch_id = $1 AND series = $2 AND year = $3::int FOR UPDATE",
                         branch, series, year);
    }
    bool locked = res && PQntuples (res) == 1;
    PQclear (res);
    return locked ? 0 : -1;
}

int inv_counter_take (db_t *db, const char *branch, const char *series, int year, int *seq, char *out,
                      char *err, size_t errsize)
{
    PGresult *res = s_counter (db,
                               "UPDATE billing.number_counters SET last = last + 1"
                               " WHERE branch_id = $1 AND series = $2 AND year = $3::int RETURNING last",
                               branch, series, year);
    if (!res || PQntuples (res) != 1) {
        err_set (err, errsize, "%s", res ? "the counter is not locked" : db_error (db));
        PQclear (res);
        return -1;
    }
    *seq = atoi (PQgetvalue (res, 0, 0));
    PQclear (res);
    snprintf (out, INV_NUMBER_SIZE, "%s-%s-%04d-%06d", series, branch, year, *seq);
    return 0;
}

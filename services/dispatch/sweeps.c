/*  sweeps — see sweeps.h. */
#include "sweeps.h"

#include <assert.h>
#include <libpq-fe.h>

#include "base/clock.h"

const char *sweep_job_name (sweep_job_t job)
{
    return job == SWEEP_SLA ? "sla" : "assign";
}

int sweep_mark (db_t *db, const char *instance, sweep_job_t job, int64_t now_us)
{
    assert (db && instance);
    char at[40];
    clock_format_us (now_us, at, sizeof at);
    const char *params[] = { instance, sweep_job_name (job), at };
    /* one statement, its own transaction: SET LOCAL would need a BEGIN */
    PGresult *res = db_exec (db,
                             "WITH s AS (SELECT set_config('synchronous_commit', 'off', true)) "
                             "INSERT INTO dispatch.sweeps (instance, job, swept_through, swept_at) "
                             "SELECT $1, $2, $3::timestamptz, clock_timestamp() FROM s "
                             "ON CONFLICT (instance, job) DO UPDATE SET "
                             "swept_through = EXCLUDED.swept_through, swept_at = EXCLUDED.swept_at",
                             3, params);
    if (!res)
        return -1;
    PQclear (res);
    return 0;
}

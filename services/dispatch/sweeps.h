/*  sweeps — the marks a dispatcher leaves when one of its periodic jobs has
 *  run to the end: dispatch.sweeps holds, per instance and job, the instant
 *  of the service's clock (the injected one in tests and demos) that the
 *  job's last complete run started from.
 *
 *  Operators read it as the dispatcher's heartbeat: a job whose swept_at
 *  stops moving is stuck. Tests wait on it to know that a job has run past
 *  a moment of the injected clock, instead of sleeping and hoping.
 */
#ifndef KEFU_DISPATCH_SWEEPS_H
#define KEFU_DISPATCH_SWEEPS_H

#include <stdint.h>

#include "db/db.h"

typedef enum {
    SWEEP_SLA,    /* the SLA engine fired and delivered everything due */
    SWEEP_ASSIGN, /* lapsed orders re-dispatched, waiting orders tried again */
} sweep_job_t;

/*  The job's name as stored ("sla", "assign"). */
const char *sweep_job_name (sweep_job_t job);

/*  Records that `instance` finished a run of `job` that started at the
 *  clock instant now_us. Outside any transaction; the mark is advisory, so
 *  it is committed without waiting for the disk (synchronous_commit off).
 *  Returns 0, or -1 with db_error set. */
int sweep_mark (db_t *db, const char *instance, sweep_job_t job, int64_t now_us);

#endif

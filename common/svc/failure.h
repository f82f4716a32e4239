/*  failure — the one mapping from a database failure to what a handler does
 *  next (pgbench's getSQLErrorStatus / canRetryError are the model). The
 *  database module classifies each failure (db.h: DB_TRANSIENT, the
 *  connection, a serialization failure or deadlock after its own bounded
 *  retries; DB_PERMANENT, the statement is wrong for this data); every
 *  handler of every service answers through these functions, never through
 *  a private copy:
 *
 *    failure                     a message handler     a request
 *    transient, or disconnected  BUS_RETRY (redelivered) unavailable: retry, same request_id
 *    permanent                   BUS_REJECT (dead letter) internal error (a defect)
 *
 *  Both log the failure once ("db_error": where, error, SQLSTATE) and fill
 *  `reason` for the dead letter or the reply. The database's text goes to
 *  the log and the dead letter, which operators read; a reply to a client
 *  names only the step and the SQLSTATE.
 */
#ifndef KEFU_FAILURE_H
#define KEFU_FAILURE_H

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "msg/bus.h"
#include "reply.h"

/*  True when trying again later may succeed: the failure was transient or
 *  the connection is gone. */
bool svc_db_retryable (db_t *db);

/*  A request's answer after the statement `what` failed on db:
 *  RPL_UNAVAILABLE when the client should try again (with the same
 *  request_id), else RPL_INTERNAL; err holds the client's message. */
rpl_code_t svc_db_request_failure (db_t *db, const char *what, char *err, size_t errsize);

/*  A request's one transaction: connects, runs fn in db_tx and answers
 *  RPL_OK when it committed. When fn failed having refused the request, the
 *  answer is *refused (the code fn set; err holds its message); when the
 *  database failed (connecting, a statement, the commit), it is
 *  svc_db_request_failure's for `what`. */
rpl_code_t svc_request_tx (db_t *db, db_tx_fn fn, void *arg, const rpl_code_t *refused, const char *what,
                           char *err, size_t errsize);

/*  A message handler's outcome after the statement `what` failed on db. */
bus_result_t svc_db_bus_failure (db_t *db, const char *what, char *reason, size_t size);

#endif

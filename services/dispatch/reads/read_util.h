/*  read_util — what the SLA read handlers (reads.h) share: the caller's
 *  branches as a statement parameter, PostgreSQL text[] literals, the
 *  connection check, and the instants and numbers of a result row as JSON.
 */
#ifndef KEFU_DISPATCH_READ_UTIL_H
#define KEFU_DISPATCH_READ_UTIL_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "model/sla_clock.h"
#include "svc/reply.h"
#include "svc/who.h"

/*  A clock's outcome, as SQL of the clock row aliased c: breached when
 *  the engine marked it so, or when it stopped after its due instant (a
 *  stop recorded before the timer noticed the breach); met when it stopped
 *  otherwise. sla.report counts by them, and sla.board's `today`. */
#define RDU_CLOCK_BREACHED                                                                                   \
    "(c.breached_at IS NOT NULL OR (c.state = '" CLOCK_S_STOPPED "' AND c.stopped_at > c.due_at))"
#define RDU_CLOCK_MET "(c.state = '" CLOCK_S_STOPPED "' AND NOT " RDU_CLOCK_BREACHED ")"

/*  A PostgreSQL text[] literal of n strings, each quoted ("{\"SH01\"}";
 *  "{}" for none). Caller frees; NULL when out of memory. */
char *rdu_pg_array (const char *const *items, size_t n);

/*  The caller's branches as a text[] parameter: *out NULL when the caller
 *  sees every branch (the statements read a NULL array as "all"), else the
 *  literal of who->branches ("{}" when none). Returns 0, or -1 when out of
 *  memory. Caller frees *out. */
int rdu_scope (const svc_who_t *who, char **out);

/*  The start of every handler: the connection (NULL app: the table is
 *  driven without a database). Returns RPL_OK, or the code with err set. */
rpl_code_t rdu_ready (db_t *db, char *err, size_t errsize);

/*  A branch calendar that bcal_load could not build (reason in why):
 *  unavailable when the connection is gone, else internal ("branch SH01's
 *  calendar: …", logged). */
rpl_code_t rdu_calendar_failure (db_t *db, const char *branch, const char *why, char *err, size_t errsize);

/*  rdu_ready, then the caller's scope (rdu_scope) into *scope (caller
 *  frees). Returns RPL_OK, or the code with err set. */
rpl_code_t rdu_begin (db_t *db, const svc_who_t *who, char **scope, char *err, size_t errsize);

/*  "out of memory" as a reply. */
rpl_code_t rdu_oom (char *err, size_t errsize);

/*  Adds key: the microseconds of text (a DB_EPOCH_US column) as RFC 3339
 *  UTC, or null for SQL NULL. Returns false when out of memory. */
bool rdu_add_time (cJSON *obj, const char *key, const char *us_text, bool is_null);

/*  Adds key: an integer column, or null for SQL NULL. Returns false when
 *  out of memory. */
bool rdu_add_int (cJSON *obj, const char *key, const char *text, bool is_null);

/*  Adds key: a text column, or null for SQL NULL. */
bool rdu_add_text (cJSON *obj, const char *key, const char *text, bool is_null);

#endif

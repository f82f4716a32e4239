/*  sla_clock_msg — the sla.clock message and the clock changes a handler
 *  keeps for it. A ticket's clocks that change together travel as one
 *  sla.clock {ticket_id, event, at, clocks: [...]}, one entry per clock —
 *  not one message per clock: each message costs an outbox row, a relay
 *  send, an inbox row and an acknowledgement.
 *
 *  Starts and stops are not emitted at once: they are kept for one ticket
 *  during one handler invocation (scm_keep) and sent as one sla.clock per
 *  kind of change ("stopped" first, then "started"; scm_send), or carried
 *  inside the ticket's own message of the transaction (scm_carry). Pauses,
 *  resumptions and restarts go out at once (scm_emit). The bracket that
 *  decides when (begin, flush) is sla_start.h's: it inserts a new ticket's
 *  clocks before what is kept goes out.
 */
#ifndef KEFU_DISPATCH_SLA_CLOCK_MSG_H
#define KEFU_DISPATCH_SLA_CLOCK_MSG_H

#include <stdbool.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "db/db.h"
#include "msg/bus.h"
#include "sla_deadline.h"

typedef struct scm_s scm_t;

/*  Nothing kept; emits on bus (borrowed). NULL when out of memory. */
scm_t *scm_new (bus_t *bus);
/*  Frees, with what is kept; safe on NULL and twice. */
void scm_destroy (scm_t **self_p);


/*  Appends one clock's entry to an sla.clock list: clock_id, clock, policy,
 *  target for people, due_at, and started_at = at, or for a stopped clock
 *  stopped_at = at and breached (at > due). Returns 0 or -1 (memory, or a
 *  clock_id that is not an id). */
int scm_entry (cJSON *clocks, const char *clock_id, const char *clock, const char *policy,
               const sdl_target_t *target, bool stopped, int64_t at, int64_t due);

/*  Names the subject of the last entry of clocks: "subject": {kind, id},
 *  for a clock that is not the ticket's own (sla_subjects.h). Returns 0 or
 *  -1 (memory, or an id that is not one). */
int scm_subject (cJSON *clocks, const char *kind, const char *id);

/*  Emits sla.clock `event` ("paused", ...) at `at` for the ticket now, in
 *  the caller's transaction. Takes *clocks_p; nothing for an empty list.
 *  Returns 0 or -1 (database: roll back). */
int scm_emit (scm_t *self, db_t *db, const char *branch, const char *ticket_id, const char *event, int64_t at,
              cJSON **clocks_p);

/*  True when changes of a ticket other than (ticket_id, branch) are kept:
 *  they must go out (sla_start.h's sls_flush) before this one's are kept. */
bool scm_holds_other (const scm_t *self, const char *ticket_id, const char *branch);
/*  Keeps the ticket's clock changes at `at` (stopped, else started) for
 *  scm_send; the kept instant of each kind is its earliest. The caller has
 *  sent another ticket's first (scm_holds_other). Takes *clocks_p. */
void scm_keep (scm_t *self, const char *branch, const char *ticket_id, bool stopped, int64_t at,
               cJSON **clocks_p);
/*  Emits what is kept as sla.clock "stopped", then "started", in the
 *  caller's transaction, and forgets it. Returns 0 or -1 (database). */
int scm_send (scm_t *self, db_t *db);
/*  Forgets what is kept. */
void scm_drop (scm_t *self);
/*  Instead of scm_send: moves what is kept for the ticket into `body`, the
 *  body of the ticket's own message of this transaction, as "sla": [{event,
 *  at, clocks}], "stopped" first. Adds nothing when what is kept belongs to
 *  another ticket. Returns the number of entries added, or -1 (memory). */
int scm_carry (scm_t *self, const char *ticket_id, const char *branch, cJSON *body);

#endif

/*  cb_state — a callback's states and the ONE function that moves one
 *  (model/states.h is the shape; the SQL CHECK on callback.callbacks.status
 *  says the same, and every statement that moves a callback takes the
 *  states it may start from from here, states_from_sql).
 *
 *      scheduled --not reached--> retrying --not reached--> ... --last--> unreachable
 *          |                         |
 *          +-------- reached --------+--> recorded (satisfied / neutral / dissatisfied)
 *      scheduled or retrying --ticket reopened--> cancelled
 *
 *  recorded, unreachable and cancelled are final: a second outcome is refused.
 */
#ifndef KEFU_CB_STATE_H
#define KEFU_CB_STATE_H

#include <stddef.h>

#include "model/states.h"

#define CB_S_SCHEDULED "scheduled"
#define CB_S_RETRYING "retrying"
#define CB_S_RECORDED "recorded"
#define CB_S_UNREACHABLE "unreachable"
#define CB_S_CANCELLED "cancelled"

typedef enum {
    CB_SCHEDULED = 0, /* waiting for its first call */
    CB_RETRYING,      /* tried, not reached: waiting for the next attempt */
    CB_RECORDED,      /* reached: the outcome is recorded */
    CB_UNREACHABLE,   /* the last attempt failed: closed with the reason */
    CB_CANCELLED,     /* no longer wanted (the ticket was reopened before the call) */
    CB_STATE_COUNT
} cb_state_t;

typedef enum {
    CBE_NOT_REACHED = 0, /* an attempt that did not reach the customer */
    CBE_REACHED,         /* the customer answered: an outcome */
    CBE_CANCEL,
} cb_event_t;

extern const char *const cb_state_names[];
extern const states_t cb_states;

/*  The move of a callback in state `from` on `event`; attempts is the
 *  number of attempts including this one (CBE_NOT_REACHED), max_attempts
 *  the policy's. Returns 0 with *to, or -1 with the reason in err (a
 *  callback already closed: "already recorded (unreachable)"). */
int cb_transition (cb_state_t from, cb_event_t event, int attempts, int max_attempts, cb_state_t *to,
                   char *err, size_t errsize);

#endif

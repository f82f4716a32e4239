/*  cb_state — see cb_state.h. */
#include "cb_state.h"

#include <stdbool.h>
#include <stdio.h>

const char *const cb_state_names[] = { CB_S_SCHEDULED, CB_S_RETRYING, CB_S_RECORDED, CB_S_UNREACHABLE,
                                       CB_S_CANCELLED, NULL };

/*  [from][to] */
static const bool s_moves[STATES_MAX][STATES_MAX] = {
    [CB_SCHEDULED] = { [CB_RETRYING] = true, [CB_RECORDED] = true, [CB_UNREACHABLE] = true,
                       [CB_CANCELLED] = true },
    [CB_RETRYING] = { [CB_RETRYING] = true, [CB_RECORDED] = true, [CB_UNREACHABLE] = true,
                      [CB_CANCELLED] = true },
};

const states_t cb_states = { "callback", cb_state_names, CB_STATE_COUNT, s_moves };

int cb_transition (cb_state_t from, cb_event_t event, int attempts, int max_attempts, cb_state_t *to,
                   char *err, size_t errsize)
{
    if ((int) from < 0 || from >= CB_STATE_COUNT) {
        snprintf (err, errsize, "unknown state");
        return -1;
    }
    cb_state_t next;
    switch (event) {
    case CBE_NOT_REACHED:
        next = attempts >= max_attempts ? CB_UNREACHABLE : CB_RETRYING;
        break;
    case CBE_REACHED:
        next = CB_RECORDED;
        break;
    case CBE_CANCEL:
        next = CB_CANCELLED;
        break;
    default:
        snprintf (err, errsize, "unknown event");
        return -1;
    }
    /* retrying -> retrying is a real move (one more attempt), unlike states_can_move's "stay" */
    if (!s_moves[from][next]) {
        snprintf (err, errsize, "already %s", from == CB_RECORDED ? "recorded" : cb_state_names[from]);
        return -1;
    }
    *to = next;
    return 0;
}

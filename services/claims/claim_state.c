/*  claim_state — see claim_state.h. */
#include "claim_state.h"

#include <stdbool.h>
#include <stdio.h>

const char *const clm_state_names[] = { "filed", "reviewed", "approved", "rejected", "closed", "superseded", NULL };

/*  [from][to] */
static const bool s_moves[STATES_MAX][STATES_MAX] = {
    [CLM_FILED] = { [CLM_REVIEWED] = true },
    [CLM_REVIEWED] = { [CLM_APPROVED] = true, [CLM_REJECTED] = true },
    [CLM_APPROVED] = { [CLM_CLOSED] = true },
    [CLM_REJECTED] = { [CLM_SUPERSEDED] = true },
};

const states_t clm_states = { "claim", clm_state_names, CLM_STATE_COUNT, s_moves };

int clm_transition (clm_state_t from, clm_event_t event, clm_state_t *to, char *err, size_t errsize)
{
    if ((int) from < 0 || from >= CLM_STATE_COUNT) {
        snprintf (err, errsize, "unknown state");
        return -1;
    }
    clm_state_t next;
    switch (event) {
    case CLME_REVIEW:
        next = CLM_REVIEWED;
        break;
    case CLME_APPROVE:
        next = CLM_APPROVED;
        break;
    case CLME_REJECT:
        next = CLM_REJECTED;
        break;
    case CLME_CLOSE:
        next = CLM_CLOSED;
        break;
    case CLME_REFILE:
        next = CLM_SUPERSEDED;
        break;
    default:
        snprintf (err, errsize, "unknown event");
        return -1;
    }
    if (states_can_move (&clm_states, from, next)) {
        *to = next;
        return 0;
    }
    const char *why;
    if (event == CLME_REFILE)
        why = from == CLM_SUPERSEDED  ? "filed again already"
              : from == CLM_FILED || from == CLM_REVIEWED ? "it waits for its decision; only a rejected claim is filed again"
                                                         : "it was approved; only a rejected claim is filed again";
    else if (from == CLM_SUPERSEDED)
        why = "it was rejected and filed again: the new claim goes on";
    else if (from == CLM_FILED)
        why = "the regional manager reviews it first";
    else if (from == CLM_REVIEWED)
        why = event == CLME_REVIEW ? "already reviewed" : "it is not decided yet";
    else if (event == CLME_APPROVE || event == CLME_REJECT)
        why = "already decided";
    else if (from == CLM_CLOSED)
        why = "already closed";
    else if (from == CLM_REJECTED)
        why = "a rejected claim does not close";
    else
        why = "already reviewed";
    snprintf (err, errsize, "claim is %s: %s", clm_state_names[from], why);
    return -1;
}

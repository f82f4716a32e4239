/*  claim_state — a claim's states and the ONE function that moves one
 *  (model/states.h is the shape; the SQL CHECK on claims.claims.status says
 *  the same, and every statement that moves a claim takes the states it may
 *  start from from here, states_from_sql).
 *
 *      filed --review (regional manager)--> reviewed
 *      reviewed --approve (head office)--> approved --every part checked--> closed
 *      reviewed --reject (head office)--> rejected --filed again--> superseded
 *
 *  An approved claim whose done report replaced no part closes at once.
 *  A second decision is refused. A rejected claim is not decided again, but
 *  the claimant may correct it and file a new claim for the same work: the
 *  rejected one is then superseded (the new one names it, `refiles`).
 *  closed and superseded are final; a work order has at most one claim that
 *  is not superseded, so a claim beside an open or approved one is refused.
 */
#ifndef KEFU_CLAIM_STATE_H
#define KEFU_CLAIM_STATE_H

#include <stddef.h>

#include "model/states.h"

typedef enum {
    CLM_FILED = 0, /* waiting for the regional manager's review */
    CLM_REVIEWED,  /* reviewed: waiting for head office's decision */
    CLM_APPROVED,  /* approved and credited: waiting for its parts to be checked */
    CLM_REJECTED,  /* rejected: final */
    CLM_CLOSED,    /* approved and every replaced part returned and checked: final */
    CLM_SUPERSEDED, /* rejected, then filed again as a new claim: final */
    CLM_STATE_COUNT
} clm_state_t;

typedef enum {
    CLME_REVIEW = 0, /* the regional manager's recommendation */
    CLME_APPROVE,    /* head office approves */
    CLME_REJECT,     /* head office rejects */
    CLME_CLOSE,      /* the last replaced part is checked (or there were none) */
    CLME_REFILE,     /* a new claim for the same work replaces this one */
} clm_event_t;

extern const char *const clm_state_names[];
extern const states_t clm_states;

/*  The move of a claim in state `from` on `event`. Returns 0 with *to, or
 *  -1 with the reason in err ("claim is rejected: already decided",
 *  "claim is filed: the regional manager reviews it first"). */
int clm_transition (clm_state_t from, clm_event_t event, clm_state_t *to, char *err, size_t errsize);

#endif

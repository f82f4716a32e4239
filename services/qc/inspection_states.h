/*  inspection_states — the states of an inspection and of each of its
 *  levels, and the moves between them (model/states.h), for every
 *  statement that moves one. The SQL CHECKs of qc.inspections.status and
 *  qc.inspection_levels.status (schemas/sql/0019_qc.sql) say the same; a
 *  unit test holds them together.
 *
 *  Inspection:  open → passed (its last level passed)
 *               open → failed (a level failed: the work order goes back
 *                              through dispatch as a rework order)
 *  Level:       waiting → pending (its turn: the level before it passed,
 *                                  or it is the first; started_at is set)
 *               pending → passed | failed (signed)
 *               carried: created so, for the levels a rework's inspection
 *                        skips because they passed on the reworked order
 *                        (plan restart: failed); no move leaves it.
 */
#ifndef KEFU_INSPECTION_STATES_H
#define KEFU_INSPECTION_STATES_H

#include "model/states.h"

typedef enum { INSP_OPEN = 0, INSP_PASSED, INSP_FAILED, INSP_STATE_COUNT } insp_state_t;
typedef enum { LVL_WAITING = 0, LVL_PENDING, LVL_PASSED, LVL_FAILED, LVL_CARRIED, LVL_STATE_COUNT } lvl_state_t;

extern const char *const insp_state_names[];
extern const char *const lvl_state_names[];
extern const states_t insp_states;
extern const states_t lvl_states;

/*  The one transition check for an inspection or a level: 0 when a thing
 *  in `from` may move to `to`, else -1 with "cannot move … from X to Y"
 *  in err. */
int insp_move (const states_t *table, int from, int to, char *err, size_t errsize);

#endif

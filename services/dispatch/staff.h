/*  staff — the technicians who may take one branch's jobs at one moment
 *  (its own and its region's service providers'), as assignment
 *  (assign.h) weighs them: each active technician's grade, skills,
 *  capacity, current load (dispatch.technician_load) and whether the
 *  moment falls in their shift. Read in one query; a row with unusable
 *  data is left out with a warning ("technician_skipped") so that it never
 *  stops the others from being assigned.
 */
#ifndef KEFU_DISPATCH_STAFF_H
#define KEFU_DISPATCH_STAFF_H

#include <cjson/cJSON.h>
#include <libpq-fe.h>

#include "assign.h"
#include "db/db.h"

typedef struct {
    PGresult *res;            /* candidate rows; the techs' strings point into it */
    cJSON **skill_trees;      /* one per row, owners of the skill strings */
    int rows;
    const char **skill_ptrs;  /* one block; techs[i].skills points into it */
    assign_tech_t *techs;     /* the usable rows */
    int n;
} staff_t;

/*  Registers the staff query on db. Returns 0 or -1. */
int staff_prepare (db_t *db);

/*  Reads branch's staff at (weekday 0 = Monday, minute, branch-local) into
 *  *staff (owned by the caller: staff_free): its own technicians (rank 0)
 *  and those of the service providers that serve its region (rank
 *  provider_rank: 1 puts them after the branch's own, -1 before, 0 beside).
 *  Returns 0, or -1 (database or memory; *staff is then empty). */
int staff_load (db_t *db, const char *branch, int weekday, int minute, int provider_rank, staff_t *staff);

/*  Frees what staff_load read and empties *staff; safe on an empty one. */
void staff_free (staff_t *staff);

#endif

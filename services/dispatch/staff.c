/*  staff — see staff.h. */
#include "staff.h"

#include <stdlib.h>
#include <string.h>

#include "base/log.h"
#include "db/statements.h"
#include "ref/org.h"

/* The branch's technicians and those of the service providers serving its
 * region. A provider's technician works for several branches, whose locks
 * do not exclude each other: the providers' locks are taken here (in one
 * order), held to the end of the transaction, so that no two transactions
 * count the same technician's load at once. */
#define S_SQL_CANDIDATES                                                                      \
    "WITH p AS (SELECT o.id FROM ref.organisations o JOIN ref.branches b "                    \
    "  ON b.region_id = ANY (o.regions) WHERE b.id = $1 AND o.kind = 'provider'), "           \
    "locked AS (SELECT count(pg_advisory_xact_lock(x.k)) FROM (SELECT DISTINCT "              \
    "  hashtext('kefu.dispatch.provider:' || id) AS k FROM p ORDER BY 1) x) "                 \
    "SELECT t.id, t.name, t.grade, to_json(t.skills)::text, t.capacity, t.shift::text, "      \
    "COALESCE(l.load, 0) AS load, t.organisation_id IS NOT NULL "                             \
    "FROM locked, ref.technicians t LEFT JOIN dispatch.technician_load l ON l.technician_id = t.id " \
    "WHERE t.active AND (t.branch_id = $1 OR t.organisation_id IN (SELECT id FROM p)) ORDER BY t.id"

static const db_statement_t s_statements[] = {
    { "dispatch_candidates", S_SQL_CANDIDATES },
};

int staff_prepare (db_t *db)
{
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

void staff_free (staff_t *staff)
{
    if (staff->skill_trees)
        for (int r = 0; r < staff->rows; r++)
            cJSON_Delete (staff->skill_trees[r]);
    free (staff->skill_trees);
    free (staff->skill_ptrs);
    free (staff->techs);
    if (staff->res)
        PQclear (staff->res);
    memset (staff, 0, sizeof *staff);
}

static void s_skip (const char *id, const char *branch, const char *why)
{
    log_kv (LOG_WARN, "technician_skipped", "technician_id", id, "branch", branch, "reason", why, NULL);
}

/*  Reads the active technicians of a branch with their load, and whether
 *  each is on shift at (weekday 0 = Monday, minute). A row with unusable
 *  data (grade, skills, capacity, shift) is left out with a warning: it must
 *  not stop the others from being assigned. Returns 0 or -1 (database or
 *  memory; *staff is then empty). */
int staff_load (db_t *db, const char *branch, int weekday, int minute, int provider_rank, staff_t *staff)
{
    memset (staff, 0, sizeof *staff);
    const char *params[] = { branch };
    staff->res = db_exec_prepared (db, "dispatch_candidates", 1, params);
    if (!staff->res)
        return -1;
    int rows = PQntuples (staff->res);
    if (rows == 0)
        return 0;
    staff->techs = calloc ((size_t) rows, sizeof *staff->techs);
    staff->skill_trees = calloc ((size_t) rows, sizeof *staff->skill_trees);
    if (!staff->techs || !staff->skill_trees)
        goto nomem;
    staff->rows = rows;
    int total_skills = 0;
    for (int r = 0; r < rows; r++) {
        staff->skill_trees[r] = cJSON_Parse (PQgetvalue (staff->res, r, 3));
        if (cJSON_IsArray (staff->skill_trees[r]))
            total_skills += cJSON_GetArraySize (staff->skill_trees[r]);
    }
    staff->skill_ptrs = calloc ((size_t) total_skills + 1, sizeof *staff->skill_ptrs);
    if (!staff->skill_ptrs)
        goto nomem;

    int used = 0;
    for (int r = 0; r < rows; r++) {
        const char *id = PQgetvalue (staff->res, r, 0);
        const cJSON *tree = staff->skill_trees[r];
        org_grade_t grade;
        hours_week_t shift;
        int capacity = atoi (PQgetvalue (staff->res, r, 4));
        if (org_grade_parse (PQgetvalue (staff->res, r, 2), &grade) != 0) {
            s_skip (id, branch, "grade is not trainee, junior, intermediate or senior");
            continue;
        }
        if (!cJSON_IsArray (tree)) {
            s_skip (id, branch, "skills is not a list");
            continue;
        }
        if (capacity <= 0) {
            s_skip (id, branch, "capacity is not a positive number");
            continue;
        }
        if (hours_week_from_json (PQgetvalue (staff->res, r, 5), &shift) != 0) {
            s_skip (id, branch, "shift is not valid weekly hours");
            continue;
        }
        assign_tech_t *t = &staff->techs[staff->n++];
        t->id = id;
        t->name = PQgetvalue (staff->res, r, 1);
        t->grade = grade;
        t->skills = staff->skill_ptrs + used;
        const cJSON *item;
        cJSON_ArrayForEach (item, tree) {
            if (cJSON_IsString (item) && used < total_skills)
                staff->skill_ptrs[used++] = item->valuestring;
        }
        t->n_skills = (int) (staff->skill_ptrs + used - t->skills);
        t->capacity = capacity;
        t->load = atoi (PQgetvalue (staff->res, r, 6));
        t->on_shift = hours_week_contains (&shift, weekday, minute);
        t->rank = strcmp (PQgetvalue (staff->res, r, 7), "t") == 0 ? provider_rank : 0;
    }
    return 0;
nomem:
    log_kv (LOG_ERROR, "out_of_memory", "where", "dispatch candidates", NULL);
    staff_free (staff);
    return -1;
}

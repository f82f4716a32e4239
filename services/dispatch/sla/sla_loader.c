/*  sla_loader — policy loading and reload: the SLA file in effect, read
 *  against the database's tiers, branches and staff directory (contract in
 *  sla_loader.h).
 */
#include "sla_loader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

struct sll_s {
    db_t *db;
    const char *path;
    const char *notify;
    sla_config_t *sla;
    bool failed;
};

sll_t *sll_new (db_t *db, const char *path, const char *notify)
{
    sll_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->db = db;
    self->path = path;
    self->notify = notify;
    return self;
}

void sll_destroy (sll_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sla_destroy (&(*self_p)->sla);
    free (*self_p);
    *self_p = NULL;
}

bool sll_failed (const sll_t *self)
{
    return self && self->failed;
}

const sla_config_t *sll_config (const sll_t *self)
{
    return self->sla;
}

/*  The first column of every row of `sql`, as a NULL-terminated list
 *  pointing into *res (caller PQclears res and frees the list). */
static const char **s_column (db_t *db, const char *sql, PGresult **res, size_t *n)
{
    *res = db_exec (db, sql, 0, NULL);
    if (!*res)
        return NULL;
    int rows = PQntuples (*res);
    const char **list = calloc ((size_t) rows + 1, sizeof *list);
    if (!list)
        return NULL;
    for (int r = 0; r < rows; r++)
        list[r] = PQgetvalue (*res, r, 0);
    *n = (size_t) rows;
    return list;
}

/*  The staff directory, sorted by id in byte order (bsearch with strcmp). */
#define S_SQL_STAFF                                                                             \
    "SELECT id, name, email, phone, active FROM auth.staff_directory ORDER BY id COLLATE \"C\""

/*  sla_staff_fn over the directory read with S_SQL_STAFF: its ids, in
 *  the result's order, searched with bsearch. */
typedef struct {
    PGresult *res;
    const char **ids;
} s_directory_t;

static int s_id_cmp (const void *key, const void *id)
{
    return strcmp (key, *(const char *const *) id);
}

static int s_lookup (void *arg, const char *staff_id, sla_person_t *out)
{
    s_directory_t *dir = arg;
    const char **found = bsearch (staff_id, dir->ids, (size_t) PQntuples (dir->res), sizeof *dir->ids, s_id_cmp);
    if (!found)
        return 0;
    int r = (int) (found - dir->ids);
    *out = (sla_person_t) { PQgetvalue (dir->res, r, 1), PQgetisnull (dir->res, r, 2) ? NULL : PQgetvalue (dir->res, r, 2),
                            PQgetisnull (dir->res, r, 3) ? NULL : PQgetvalue (dir->res, r, 3),
                            strcmp (PQgetvalue (dir->res, r, 4), "t") == 0 };
    return 1;
}

/*  Gives the ladders' staff ids their names and addresses from
 *  auth.staff_directory. Returns 0, or -1 with the reason in err and
 *  *refused set when the file names someone the directory refuses. */
static int s_resolve (sll_t *self, sla_config_t *sla, bool *refused, char *err, size_t errsize)
{
    s_directory_t dir = { db_exec (self->db, S_SQL_STAFF, 0, NULL), NULL };
    if (!dir.res) {
        snprintf (err, errsize, "reading auth.staff_directory: %s", db_error (self->db));
        return -1;
    }
    int n = PQntuples (dir.res), rc = -1;
    if (!(dir.ids = calloc ((size_t) n + 1, sizeof *dir.ids)))
        snprintf (err, errsize, "out of memory");
    else {
        for (int r = 0; r < n; r++)
            dir.ids[r] = PQgetvalue (dir.res, r, 0);
        rc = sla_resolve_staff (sla, s_lookup, &dir, err, errsize);
        *refused = rc != 0;
    }
    free (dir.ids);
    PQclear (dir.res);
    return rc;
}

/*  Reads the file into a NEW configuration, validated against the
 *  database's ref.tiers and ref.branches (all or nothing: sla_load), its
 *  ladders' people against auth.staff_directory (sla_resolve_staff).
 *  NULL with the reason in err; *refused tells a bad file from a database
 *  that could not be read. */
static sla_config_t *s_load (sll_t *self, bool *refused, char *err, size_t errsize)
{
    PGresult *tres = NULL, *bres = NULL;
    size_t n_tiers = 0, n_branches = 0;
    sla_config_t *sla = NULL;
    const char **tiers = s_column (self->db, "SELECT name FROM ref.tiers ORDER BY ord, name", &tres, &n_tiers);
    const char **branches = tiers ? s_column (self->db, "SELECT id FROM ref.branches ORDER BY id", &bres,
                                              &n_branches)
                                  : NULL;
    *refused = false;
    if (!tiers || !branches)
        snprintf (err, errsize, "reading ref.tiers and ref.branches: %s", db_error (self->db));
    else {
        sla = sla_load (self->path, tiers, n_tiers, branches, n_branches, err, errsize);
        *refused = sla == NULL;
        if (sla && s_resolve (self, sla, refused, err, errsize) != 0)
            sla_destroy (&sla);
    }
    free (tiers);
    free (branches);
    if (tres)
        PQclear (tres);
    if (bres)
        PQclear (bres);
    return sla;
}

/*  Logs the configuration in effect under `event`. */
static void s_log (const sll_t *self, const char *event)
{
    char counts[2][16];
    snprintf (counts[0], sizeof counts[0], "%d", sla_policy_count (self->sla));
    snprintf (counts[1], sizeof counts[1], "%d", sla_clock_count (self->sla));
    log_kv (LOG_INFO, event, "path", self->path, "policies", counts[0], "clocks", counts[1], "notify",
            self->notify, NULL);
}

int sll_ensure (sll_t *self, char *err, size_t errsize)
{
    if (!self)
        return -1;
    if (self->sla)
        return 0;
    if (self->failed) {
        snprintf (err, errsize, "the SLA file %s was refused", self->path);
        return -1;
    }
    bool refused = false;
    self->sla = s_load (self, &refused, err, errsize);
    if (!self->sla) {
        self->failed = refused;
        return -1;
    }
    s_log (self, "sla_config");
    return 0;
}

int sll_reload (sll_t *self, char *err, size_t errsize)
{
    if (self->failed) { /* the dispatcher is stopping already */
        snprintf (err, errsize, "the SLA file %s was refused at start-up", self->path);
        return -1;
    }
    bool refused = false;
    sla_config_t *fresh = s_load (self, &refused, err, errsize);
    if (!fresh) {
        log_kv (LOG_ERROR, "sla_reload_refused", "path", self->path, "reason", err, "kept",
                self->sla ? "the configuration in effect" : "none (not loaded yet)", NULL);
        return -1;
    }
    sla_destroy (&self->sla);
    self->sla = fresh;
    s_log (self, "sla_reloaded");
    return 0;
}

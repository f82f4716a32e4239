/*  sla_loader — policy loading and reload: the SLA file in effect, read
 *  against the database's tiers and branches (contract in sla_loader.h).
 */
#include "sla_loader.h"

#include <stdio.h>
#include <stdlib.h>

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

/*  Reads the file into a NEW configuration, validated against the
 *  database's ref.tiers and ref.branches (all or nothing: sla_load).
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

/*  gw_db — see gw_db.h. A stack of free handles under one mutex, and a
 *  condition variable (on the monotonic clock) for the threads waiting. */
#include "gw_db.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "base/clock.h"
#include "base/log.h"

#define GW_DB_MAX 64

struct gw_db_s {
    pthread_mutex_t lock;
    pthread_cond_t freed;
    db_t *all[GW_DB_MAX];
    db_t *free[GW_DB_MAX];
    int size, n_free;
};

gw_db_t *gw_db_new (const char *conninfo, int size, const gw_db_statement_t *statements)
{
    if (!conninfo || size < 1 || size > GW_DB_MAX)
        return NULL;
    gw_db_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    pthread_condattr_t attr;
    pthread_condattr_init (&attr);
    pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
    pthread_mutex_init (&self->lock, NULL);
    pthread_cond_init (&self->freed, &attr);
    pthread_condattr_destroy (&attr);
    for (int i = 0; i < size; i++) {
        db_t *db = db_new (conninfo);
        if (!db) {
            gw_db_destroy (&self);
            return NULL;
        }
        self->all[self->size++] = db;
        self->free[self->n_free++] = db;
        db_set_max_backoff_ms (db, 2000);
        for (const gw_db_statement_t *s = statements; s && s->name; s++)
            if (db_prepare (db, s->name, s->sql) != 0) {
                gw_db_destroy (&self);
                return NULL;
            }
    }
    return self;
}

void gw_db_destroy (gw_db_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    gw_db_t *self = *self_p;
    for (int i = 0; i < self->size; i++)
        db_destroy (&self->all[i]);
    pthread_cond_destroy (&self->freed);
    pthread_mutex_destroy (&self->lock);
    free (self);
    *self_p = NULL;
}

db_t *gw_db_borrow (gw_db_t *self, int wait_ms)
{
    struct timespec until;
    clock_deadline (CLOCK_MONOTONIC, wait_ms, &until);
    db_t *db = NULL;
    pthread_mutex_lock (&self->lock);
    while (self->n_free == 0)
        if (pthread_cond_timedwait (&self->freed, &self->lock, &until) == ETIMEDOUT)
            break;
    if (self->n_free > 0)
        db = self->free[--self->n_free];
    pthread_mutex_unlock (&self->lock);
    if (!db) {
        log_kv (LOG_WARN, "gateway_db_busy", "reason", "no free database connection in time", NULL);
        return NULL;
    }
    if (db_ensure (db) != 0) {
        log_kv (LOG_WARN, "gateway_db_unavailable", "reason", db_error (db), NULL);
        gw_db_return (self, &db);
        return NULL;
    }
    return db;
}

void gw_db_return (gw_db_t *self, db_t **db_p)
{
    if (!db_p || !*db_p)
        return;
    pthread_mutex_lock (&self->lock);
    self->free[self->n_free++] = *db_p;
    pthread_cond_signal (&self->freed);
    pthread_mutex_unlock (&self->lock);
    *db_p = NULL;
}

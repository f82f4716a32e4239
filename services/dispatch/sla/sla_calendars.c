/*  sla_calendars — the SLA engine's cache of branch calendars, kept for a
 *  minute each (contract in sla_calendars.h).
 */
#include "sla_calendars.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "time/branch_cal.h"

/* Calendars are rebuilt from the database after this long, so that a
 * `kefuctl admin load` of new hours or holidays is seen without a restart. */
#define S_CAL_TTL_MS 60000
#define S_CAL_SLOTS 64

typedef struct {
    char branch[72];
    cal_t *cal;
    int64_t loaded_ms;
} s_slot_t;

struct scal_s {
    s_slot_t slots[S_CAL_SLOTS];
    int n;
};

scal_t *scal_new (void)
{
    return calloc (1, sizeof (scal_t));
}

void scal_destroy (scal_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    scal_t *self = *self_p;
    for (int i = 0; i < self->n; i++)
        cal_destroy (&self->slots[i].cal);
    free (self);
    *self_p = NULL;
}

const cal_t *scal_get (scal_t *self, db_t *db, const char *branch, char *err, size_t errsize)
{
    int64_t now = clock_mono_ms ();
    s_slot_t *slot = NULL;
    for (int i = 0; i < self->n; i++)
        if (strcmp (self->slots[i].branch, branch) == 0) {
            slot = &self->slots[i];
            if (now - slot->loaded_ms < S_CAL_TTL_MS)
                return slot->cal;
            break;
        }
    cal_t *cal = bcal_load (db, branch, err, errsize);
    if (!cal)
        return NULL;
    if (!slot) {
        if (self->n == S_CAL_SLOTS) { /* full: start over */
            for (int i = 0; i < self->n; i++)
                cal_destroy (&self->slots[i].cal);
            self->n = 0;
        }
        slot = &self->slots[self->n++];
        snprintf (slot->branch, sizeof slot->branch, "%s", branch);
    }
    cal_destroy (&slot->cal);
    slot->cal = cal;
    slot->loaded_ms = now;
    return cal;
}

void scal_expire (scal_t *self)
{
    /* not up to S_CAL_TTL_MS later */
    for (int i = 0; i < self->n; i++)
        self->slots[i].loaded_ms = -S_CAL_TTL_MS;
}

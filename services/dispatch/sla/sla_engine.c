/*  sla_engine — the SLA engine as one object: makes and wires its parts,
 *  reloads the SLA file between handler invocations, and runs the timer
 *  that fires and delivers (contract and the map of the parts in
 *  sla_engine.h; overview in docs/sla.md "The engine").
 */
#include "sla_engine.h"

#include <stdbool.h>
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

#include "../sweeps.h"
#include "base/clock.h"
#include "sla_calendars.h"
#include "sla_clock_msg.h"
#include "sla_delivery.h"
#include "sla_fire.h"

/* Most firing batches per tick: a bounded number keeps the loop responsive. */
#define S_TICK_BATCHES 20

struct sle_s {
    db_t *db;
    bus_t *bus;
    sld_t *delivery;
    sll_t *loader;
    scal_t *cals;
    scm_t *kept;
    sls_t *start;
    slc_t *life;
    sss_t *subjects;
    slf_t *fire;
};

sle_t *sle_new (const char *sla_file, const notify_config_t *notify, db_t *db, bus_t *bus, char *err,
                size_t errsize)
{
    assert (sla_file && notify && db && bus);
    sle_t *self = calloc (1, sizeof *self);
    if (!self) {
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    self->db = db;
    self->bus = bus;
    /* the adapter first: a bad notify section is the reason given */
    if (!(self->delivery = sld_new (notify, db, err, errsize)))
        goto fail;
    if (!(self->loader = sll_new (db, sla_file, sld_adapter_name (self->delivery)))
        || !(self->cals = scal_new ()) || !(self->kept = scm_new (bus))) {
        snprintf (err, errsize, "out of memory");
        goto fail;
    }
    if (!(self->start = sls_new (db, self->loader, self->cals, self->kept, err, errsize))
        || !(self->life = slc_new (db, self->start, self->cals, self->kept, err, errsize))
        || !(self->subjects = sss_new (db, self->start, self->loader, self->cals, err, errsize))
        || !(self->fire = slf_new (db, bus, self->loader, self->cals, err, errsize)))
        goto fail;
    return self;
fail:
    sle_destroy (&self);
    return NULL;
}

void sle_destroy (sle_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sle_t *self = *self_p;
    slf_destroy (&self->fire);
    sss_destroy (&self->subjects);
    slc_destroy (&self->life);
    sls_destroy (&self->start);
    scm_destroy (&self->kept);
    scal_destroy (&self->cals);
    sll_destroy (&self->loader);
    sld_destroy (&self->delivery);
    free (self);
    *self_p = NULL;
}

sll_t *sle_loader (sle_t *self)
{
    return self ? self->loader : NULL;
}

sls_t *sle_start (sle_t *self)
{
    return self ? self->start : NULL;
}

slc_t *sle_life (sle_t *self)
{
    return self ? self->life : NULL;
}

sss_t *sle_subjects (sle_t *self)
{
    return self ? self->subjects : NULL;
}

int sle_reload (sle_t *self, char *err, size_t errsize)
{
    if (!self) {
        snprintf (err, errsize, "sle_reload: no engine");
        return -1;
    }
    /* Nothing outlives a handler invocation, but a rolled-back one may have
     * left its new ticket's clocks pointing into the configuration that a
     * reload replaces: drop them (sls_begin) before it goes. */
    sls_begin (self->start);
    if (sll_reload (self->loader, err, errsize) != 0)
        return -1;
    scal_expire (self->cals);
    return 0;
}

int sle_tick (sle_t *self)
{
    if (!self)
        return -1;
    char err[512];
    if (db_ensure (self->db) != 0 || sll_ensure (self->loader, err, sizeof err) != 0)
        return -1;
    int fired = 0;
    int64_t now = clock_now_us ();
    /* Each batch's records are delivered as soon as it commits: delivered
     * only after all batches, at most 20 × SLD_BATCH a tick, a burst of
     * 15,000 was notified up to 7 s after it was recorded. */
    for (int batch = 0; batch < S_TICK_BATCHES; batch++) {
        int claimed = 0;
        int batch_fired = slf_batch (self->fire, now, &claimed);
        if (batch_fired < 0)
            return -1;
        fired += batch_fired;
        if (batch_fired)
            bus_kick (self->bus);
        if (batch_fired && sld_deliver (self->delivery, batch_fired / SLD_BATCH + 1) != 0)
            return -1;
        if (claimed < SLF_BATCH)
            break;
    }
    /* what is left: records of earlier ticks, or of before a restart */
    if (sld_deliver (self->delivery, S_TICK_BATCHES) != 0)
        return -1;
    if (sweep_mark (self->db, bus_instance (self->bus), SWEEP_SLA, now) != 0)
        return -1;
    return fired;
}

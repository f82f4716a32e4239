/*  handler — see handler.h. */
#include "handler.h"

#include <assert.h>

#include "failure.h"

bus_result_t svc_handler_run (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size)
{
    const svc_handler_t *h = ctx;
    assert (h && h->fn && db && msg && msg->body && reason && reason_size > 0);
    reason[0] = '\0';
    const svc_bracket_t *b = &h->bracket;
    svc_ctx_t who = { .msg = msg, .who = svc_who_system (msg->service) };
    if (b->begin)
        b->begin (b->arg);
    bus_result_t rc = h->fn (h->arg, db, &who, reason, reason_size);
    if (rc == BUS_OK && b->flush && b->flush (b->arg, db) != 0)
        rc = svc_db_bus_failure (db, h->type, reason, reason_size);
    if (b->begin)
        b->begin (b->arg);
    return rc;
}

int svc_handle (bus_t *bus, svc_handler_t *h)
{
    assert (bus && h && h->type && h->fn);
    return bus_on (bus, h->type, svc_handler_run, h);
}

/*  handler — see handler.h. */
#include "handler.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>

#include "db/scope.h"
#include "failure.h"

bus_result_t svc_handler_run (void *ctx, db_t *db, const env_t *msg, char *reason, size_t reason_size)
{
    const svc_handler_t *h = ctx;
    assert (h && h->fn && db && msg && msg->body && reason && reason_size > 0);
    reason[0] = '\0';
    const svc_bracket_t *b = &h->bracket;
    svc_ctx_t who = { .msg = msg, .who = svc_who_system (msg->service) };
    /* The handler and its flush act for who is asking: the system, until
     * the bus carries principals. Stated in the bus's receiving
     * transaction; what the bus stated for it is restored after. */
    char outer[DB_SCOPE_MAX + 1];
    const char *was = db_scope (db);
    bool had = was != NULL;
    snprintf (outer, sizeof outer, "%s", had ? was : "");
    if (db_scope_set (db, &who.who) != 0) {
        snprintf (reason, reason_size, "stating the branches of %s", h->type);
        db_set_scope (db, had ? outer : NULL);
        return BUS_RETRY;
    }
    if (b->begin)
        b->begin (b->arg);
    bus_result_t rc = h->fn (h->arg, db, &who, reason, reason_size);
    if (rc == BUS_OK && b->flush && b->flush (b->arg, db) != 0)
        rc = svc_db_bus_failure (db, h->type, reason, reason_size);
    if (db_set_scope (db, had ? outer : NULL) != 0 && rc == BUS_OK)
        rc = BUS_RETRY;
    if (b->begin)
        b->begin (b->arg);
    return rc;
}

int svc_handle (bus_t *bus, svc_handler_t *h)
{
    assert (bus && h && h->type && h->fn);
    return bus_on (bus, h->type, svc_handler_run, h);
}

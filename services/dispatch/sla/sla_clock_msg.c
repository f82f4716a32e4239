/*  sla_clock_msg — sla.clock messages and the clock changes kept for them
 *  during a handler invocation (contract in sla_clock_msg.h).
 */
#include "sla_clock_msg.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "svc/emit.h"
#include "base/json.h"

struct scm_s {
    bus_t *bus;
    /* the clock changes of one ticket during one handler invocation */
    char ticket_id[32], branch[72];
    cJSON *started, *stopped;
    int64_t started_at, stopped_at;
};

scm_t *scm_new (bus_t *bus)
{
    scm_t *self = calloc (1, sizeof *self);
    if (self)
        self->bus = bus;
    return self;
}

void scm_destroy (scm_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    scm_drop (*self_p);
    free (*self_p);
    *self_p = NULL;
}

int scm_entry (cJSON *clocks, const char *clock_id, const char *clock, const char *policy,
               const sdl_target_t *t, bool stopped, int64_t at, int64_t due)
{
    char due_text[40], target[64];
    clock_format_us (due, due_text, sizeof due_text);
    sdl_describe (t, clock, target, sizeof target);
    cJSON *entry = cJSON_CreateObject ();
    if (!entry || json_add_id (entry, "clock_id", clock_id) != 0 || !cJSON_AddItemToArray (clocks, entry)) {
        cJSON_Delete (entry);
        return -1;
    }
    cJSON_AddStringToObject (entry, "clock", clock);
    cJSON_AddStringToObject (entry, "policy", policy);
    cJSON_AddStringToObject (entry, "target", target);
    cJSON_AddStringToObject (entry, "due_at", due_text);
    char at_text[40];
    clock_format_us (at, at_text, sizeof at_text);
    cJSON_AddStringToObject (entry, stopped ? "stopped_at" : "started_at", at_text);
    if (stopped)
        cJSON_AddBoolToObject (entry, "breached", at > due);
    return 0;
}

int scm_subject (cJSON *clocks, const char *kind, const char *id)
{
    cJSON *last = cJSON_GetArrayItem (clocks, cJSON_GetArraySize (clocks) - 1);
    cJSON *subject = last ? cJSON_AddObjectToObject (last, "subject") : NULL;
    if (!subject || !cJSON_AddStringToObject (subject, "kind", kind) || json_add_id (subject, "id", id) != 0)
        return -1;
    return 0;
}

int scm_emit (scm_t *self, db_t *db, const char *branch, const char *ticket_id, const char *event, int64_t at,
              cJSON **clocks_p)
{
    cJSON *clocks = *clocks_p;
    *clocks_p = NULL;
    if (!clocks || cJSON_GetArraySize (clocks) == 0) {
        cJSON_Delete (clocks);
        return 0;
    }
    char at_text[40];
    clock_format_us (at, at_text, sizeof at_text);
    cJSON *body = cJSON_CreateObject ();
    if (!body || json_add_id (body, "ticket_id", ticket_id) != 0) {
        cJSON_Delete (body);
        cJSON_Delete (clocks);
        return -1;
    }
    cJSON_AddStringToObject (body, "event", event);
    cJSON_AddStringToObject (body, "at", at_text);
    cJSON_AddItemToObject (body, "clocks", clocks);
    return svc_emit (self->bus, db, "sla.clock", 1, branch, ticket_id, &body);
}

bool scm_holds_other (const scm_t *self, const char *ticket_id, const char *branch)
{
    return (self->started || self->stopped)
           && (strcmp (self->ticket_id, ticket_id) != 0 || strcmp (self->branch, branch) != 0);
}

void scm_keep (scm_t *self, const char *branch, const char *ticket_id, bool stopped, int64_t at,
               cJSON **clocks_p)
{
    cJSON *clocks = *clocks_p;
    *clocks_p = NULL;
    if (!clocks || cJSON_GetArraySize (clocks) == 0) {
        cJSON_Delete (clocks);
        return;
    }
    snprintf (self->ticket_id, sizeof self->ticket_id, "%s", ticket_id);
    snprintf (self->branch, sizeof self->branch, "%s", branch);
    cJSON **list = stopped ? &self->stopped : &self->started;
    int64_t *first = stopped ? &self->stopped_at : &self->started_at;
    if (!*list || at < *first)
        *first = at;
    if (!*list) {
        *list = clocks;
        return;
    }
    cJSON *item;
    while ((item = cJSON_DetachItemFromArray (clocks, 0)) != NULL)
        cJSON_AddItemToArray (*list, item);
    cJSON_Delete (clocks);
}

int scm_send (scm_t *self, db_t *db)
{
    int rc = scm_emit (self, db, self->branch, self->ticket_id, "stopped", self->stopped_at, &self->stopped);
    if (rc == 0)
        rc = scm_emit (self, db, self->branch, self->ticket_id, "started", self->started_at, &self->started);
    scm_drop (self);
    return rc;
}

void scm_drop (scm_t *self)
{
    cJSON_Delete (self->started);
    cJSON_Delete (self->stopped);
    bus_t *bus = self->bus;
    memset (self, 0, sizeof *self);
    self->bus = bus;
}

/*  Moves one kept list into `sla` as {event, at, clocks}; 1 if it did. */
static int s_carry_list (cJSON *sla, const char *event, int64_t at, cJSON **clocks_p)
{
    if (!*clocks_p || cJSON_GetArraySize (*clocks_p) == 0)
        return 0;
    char at_text[40];
    clock_format_us (at, at_text, sizeof at_text);
    cJSON *entry = cJSON_CreateObject ();
    if (!entry || !cJSON_AddStringToObject (entry, "event", event)
        || !cJSON_AddStringToObject (entry, "at", at_text) || !cJSON_AddItemToArray (sla, entry)) {
        cJSON_Delete (entry);
        return -1;
    }
    cJSON_AddItemToObject (entry, "clocks", *clocks_p);
    *clocks_p = NULL;
    return 1;
}

int scm_carry (scm_t *self, const char *ticket_id, const char *branch, cJSON *body)
{
    if (strcmp (self->ticket_id, ticket_id) != 0 || strcmp (self->branch, branch) != 0
        || (!self->stopped && !self->started))
        return 0;
    cJSON *sla = cJSON_CreateArray ();
    if (!sla || !cJSON_AddItemToObject (body, "sla", sla)) {
        cJSON_Delete (sla);
        return -1;
    }
    /* stopped before started, as scm_send sends them */
    int stopped = s_carry_list (sla, "stopped", self->stopped_at, &self->stopped);
    int started = stopped < 0 ? -1 : s_carry_list (sla, "started", self->started_at, &self->started);
    if (started < 0)
        return -1;
    scm_drop (self); /* what is left is empty */
    return stopped + started;
}

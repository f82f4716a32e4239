/*  events_kept — history writes of intake's event handlers sent together
 *  (see events_kept.h; the statements are events.c's).
 */
#include "events_kept.h"

#include <assert.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/log.h"

/*  Kept writes per round trip: their statements (at most two each) and
 *  parameters stay far below the socket buffers (db_exec_pipeline). */
#define S_CHUNK 16

typedef struct {
    bool event; /* a work-order event, else an SLA event */
    char *params[IEK_APPLY_PARAMS]; /* owned copies, NULL = SQL NULL */
    int nparams;
    int rows; /* history rows the apply writes */
    char *message_id;
    const char *history_event, *status; /* static strings */
} s_kept_t;

struct iek_s {
    s_kept_t *kept;
    int n, cap;
    long serial; /* db_tx_serial of the run that kept them */
};

iek_t *iek_new (void)
{
    return calloc (1, sizeof (iek_t));
}

static void s_clear (iek_t *self)
{
    for (int i = 0; i < self->n; i++) {
        for (int p = 0; p < self->kept[i].nparams; p++)
            free (self->kept[i].params[p]);
        free (self->kept[i].message_id);
    }
    self->n = 0;
}

void iek_destroy (iek_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    s_clear (*self_p);
    free ((*self_p)->kept);
    free (*self_p);
    *self_p = NULL;
}

/*  A new slot (what an earlier run of the transaction kept is dropped). */
static s_kept_t *s_slot (iek_t *self, db_t *db)
{
    if (self->serial != db_tx_serial (db)) {
        s_clear (self);
        self->serial = db_tx_serial (db);
    }
    if (self->n == self->cap) {
        int cap = self->cap ? self->cap * 2 : 16;
        s_kept_t *kept = realloc (self->kept, (size_t) cap * sizeof *kept);
        if (!kept)
            return NULL;
        self->kept = kept;
        self->cap = cap;
    }
    s_kept_t *k = &self->kept[self->n];
    memset (k, 0, sizeof *k);
    return k;
}

static int s_keep (iek_t *self, db_t *db, bool event, const char *const *params, int nparams, int rows,
                   const char *message_id, const char *history_event, const char *status)
{
    s_kept_t *k = self ? s_slot (self, db) : NULL;
    if (!k)
        return -1;
    k->event = event;
    k->rows = rows;
    k->history_event = history_event;
    k->status = status;
    bool ok = (k->message_id = strdup (message_id ? message_id : "")) != NULL;
    for (int p = 0; p < nparams; p++, k->nparams++)
        if (params[p] && !(k->params[p] = strdup (params[p])))
            ok = false;
    self->n++; /* counted even when a copy failed: s_clear frees the rest */
    if (!ok) {
        s_clear (self);
        return -1;
    }
    return 0;
}

int iek_keep_event (iek_t *self, db_t *db, const char *const *params, int rows, const char *message_id,
                    const char *history_event, const char *status)
{
    return s_keep (self, db, true, params, IEK_APPLY_PARAMS, rows, message_id, history_event, status);
}

int iek_keep_sla (iek_t *self, db_t *db, const char *const *params, const char *message_id,
                  const char *history_event)
{
    return s_keep (self, db, false, params, IEK_SLA_PARAMS, 1, message_id, history_event, NULL);
}

/*  Checks one written write's results (out: its one or two). */
static bus_result_t s_check (const s_kept_t *k, PGresult *const *out, char *reason, size_t size)
{
    const char *ticket_id = k->params[0];
    PGresult *written = out[k->event ? 1 : 0];
    if ((k->event && PQntuples (out[0]) != 1) || (!k->event && PQntuples (written) != 1)) {
        snprintf (reason, size, "body.ticket_id: no ticket %s", ticket_id);
        return BUS_REJECT;
    }
    if (!k->event) {
        log_kv (LOG_INFO, "ticket_event", "history_event", k->history_event, "ticket_id", ticket_id,
                "message_id", k->message_id, NULL);
        return BUS_OK;
    }
    char rows[16];
    snprintf (rows, sizeof rows, "%d", k->rows);
    if (PQntuples (written) != 1 || strcmp (PQgetvalue (written, 0, 1), rows) != 0) {
        snprintf (reason, size, "ticket %s: the history rows were not written", ticket_id);
        return BUS_RETRY;
    }
    bool move = strcmp (PQgetvalue (written, 0, 0), "t") == 0;
    log_kv (LOG_INFO, "ticket_event", "history_event", k->history_event, "ticket_id", ticket_id, "message_id",
            k->message_id, "status", move ? k->status : "unchanged", NULL);
    return BUS_OK;
}

/*  Writes kept[first .. first+n) in one round trip. */
static bus_result_t s_write_chunk (iek_t *self, db_t *db, int first, int n, char *reason, size_t size)
{
    db_call_t calls[2 * S_CHUNK] = {{NULL, 0, NULL}};
    PGresult *out[2 * S_CHUNK] = {NULL};
    int nc = 0;
    for (int i = first; i < first + n; i++) {
        const s_kept_t *k = &self->kept[i];
        const char *const *p = (const char *const *) k->params;
        if (k->event) {
            calls[nc++] = (db_call_t){"intake_ev_ticket", 1, p};
            calls[nc++] = (db_call_t){"intake_ev_apply", IEK_APPLY_PARAMS, p};
        }
        else
            calls[nc++] = (db_call_t){"intake_ev_sla", IEK_SLA_PARAMS, p};
    }
    if (db_exec_pipeline (db, nc, calls, out) != 0) {
        snprintf (reason, size, "applying the event to the ticket: %s", db_error (db));
        return db_last_status (db) == DB_PERMANENT && db_connected (db) ? BUS_REJECT : BUS_RETRY;
    }
    bus_result_t rc = BUS_OK;
    int c = 0;
    for (int i = first; i < first + n; i++) {
        const s_kept_t *k = &self->kept[i];
        if (rc == BUS_OK)
            rc = s_check (k, &out[c], reason, size);
        c += k->event ? 2 : 1;
    }
    for (int j = 0; j < nc; j++)
        PQclear (out[j]);
    return rc;
}

bus_result_t iek_write (iek_t *self, db_t *db, char *reason, size_t reason_size)
{
    assert (self && db);
    bus_result_t rc = BUS_OK;
    if (self->serial == db_tx_serial (db))
        for (int first = 0; first < self->n && rc == BUS_OK; first += S_CHUNK)
            rc = s_write_chunk (self, db, first, self->n - first < S_CHUNK ? self->n - first : S_CHUNK,
                                reason, reason_size);
    s_clear (self);
    return rc;
}

int iek_write_batch (void *ctx, db_t *db)
{
    char reason[256];
    return iek_write (ctx, db, reason, sizeof reason) == BUS_OK ? 0 : -1;
}

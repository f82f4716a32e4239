/*  tickets_batch — group commit of ticket.submit (contract in tickets.h,
 *  itk_submit_batch): the requests waiting together run in ONE transaction
 *  and are answered after its one COMMIT, so the WAL flush — the cost of a
 *  submit under load — is shared. The rules of one submit live in tickets.c
 *  (itk_submit_one); the why is in docs/messaging.md, "Group commit".
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/json.h"
#include "base/log.h"
#include "db/scope.h"
#include "tickets.h"
#include "tickets_private.h"

#define S_SAVEPOINT "itk_request"
/*  Most requests whose one statement shares a round trip (s_run_staged):
 *  small enough for the socket buffers (db_exec_pipeline). */
#define S_PIPELINE 16

typedef struct {
    itk_t *self;
    itk_submit_t *subs;
    int n;
    bool careful;       /* a savepoint per request (else none: see s_batch_run) */
    bool refused;       /* without savepoints, a request was refused */
    bool defer;         /* ticket.created rows written with one statement */
    bool flush_failed;  /* that statement failed (not transiently) */
    bool ride;          /* the bus's relay pass rides in the transaction */
    bool ride_failed;   /* its claim failed */
    PGresult *prefetched; /* itk_submit_prefetch of this run, or NULL */
} s_batch_t;

/*  Marks one request of the batch failed and undoes its work (rolls back
 *  to its savepoint). Returns 0, or -1 when the transaction itself is lost
 *  (the whole batch is retried or answered "unavailable"). */
static int s_undo_one (db_t *db, itk_submit_t *s, int mark)
{
    bus_defer_rewind (s->self->bus, mark);
    cJSON_Delete (s->result);
    s->result = NULL;
    s->emitted = false;
    s->outcome = NULL;
    if (s->code == RPL_OK)
        s->code = RPL_INTERNAL;
    return db_rollback_to (db, S_SAVEPOINT);
}

/*  A request of a run without savepoints failed: the batch is refused (run
 *  again with savepoints) unless the database itself failed. */
static void s_note_failure (s_batch_t *b, db_t *db, const itk_submit_t *s)
{
    if ((!s || s->code != RPL_UNAVAILABLE) && db_connected (db)
        && db_last_status (db) != DB_TRANSIENT)
        b->refused = true;
}

/*  The requests staged since the last call (itk_submit_start answered 1):
 *  their one statement each in ONE round trip, then the rest of each.
 *  Returns 0, or -1 (b->refused set as for any failed request). */
static int s_run_staged (s_batch_t *b, db_t *db, const int *staged, int n)
{
    if (n == 0)
        return 0;
    db_call_t calls[S_PIPELINE] = { { NULL, 0, NULL } };
    PGresult *res[S_PIPELINE] = { NULL };
    for (int k = 0; k < n; k++)
        calls[k] = (db_call_t) { ITK_OI_STATEMENT, ITK_OI_PARAMS, b->subs[staged[k]].oi_params };
    if (db_exec_pipeline (db, n, calls, res) != 0) {
        for (int k = 0; k < n; k++)
            itk_submit_drop (&b->subs[staged[k]]);
        s_note_failure (b, db, NULL);
        return -1;
    }
    int rc = 0;
    for (int k = 0; k < n; k++) {
        itk_submit_t *s = &b->subs[staged[k]];
        if (rc != 0) {
            PQclear (res[k]);
            itk_submit_drop (s);
        } else if ((rc = itk_submit_finish (db, s, res[k])) != 0)
            s_note_failure (b, db, s);
    }
    return rc;
}

/*  Writes the ticket.created rows of the batch (one statement). */
static int s_flush (s_batch_t *b, db_t *db)
{
    if (!b->defer || bus_defer_flush (b->self->bus, db) == 0)
        return 0;
    b->flush_failed = db_connected (db) && db_last_status (db) != DB_TRANSIENT;
    return -1;
}

/*  The transaction body. Careful: every submit of the batch in its own
 *  savepoint. A request refused on its own merits (unknown customer, a constraint)
 *  rolls back to its savepoint and the others go on; a transient failure
 *  or a serialization failure/deadlock fails the whole transaction (db_tx
 *  retries the latter from the start, so everything is reset here).
 *  Savepoints are stacked, not released: the next SAVEPOINT also checks
 *  that the request before left the transaction usable (one round trip per
 *  request instead of two; at most S_BATCH nested subtransactions). */
static int s_batch_tx (db_t *db, void *arg)
{
    s_batch_t *b = arg;
    for (int i = 0; i < b->n; i++) {
        itk_submit_t *s = &b->subs[i];
        cJSON_Delete (s->result);
        s->result = NULL;
        s->emitted = false;
        s->code = RPL_OK;
        s->outcome = NULL;
        s->err[0] = '\0';
    }
    b->refused = false;
    b->flush_failed = false;
    b->ride_failed = false;
    /* Every step of a submit is a named cross-branch one (docs/security.md
     * "Branch confinement"): the replay of a request_id, the customer
     * found by id, phone or warranty card, the repeat contact joining the
     * customer's open ticket, the new ticket in the branch intake chose.
     * They act for the system, for every item of the batch alike, and the
     * reply names only ids (ticket, customer, branch). Stated with BEGIN,
     * in the same round trip. */
    if (db_scope_system (db) != 0)
        return -1;
    /* the relay's claim first: rows of earlier commits only (bus.h) */
    if (b->ride && bus_relay_ride (b->self->bus, db) != 0) {
        b->ride_failed = true;
        return -1;
    }
    if (b->defer && bus_defer_begin (b->self->bus) != 0)
        return -1;
    /* every request lock, and what each request looks up: one round trip */
    if (b->prefetched)
        PQclear (b->prefetched);
    if (!(b->prefetched = itk_submit_prefetch (db, b->subs, b->n)))
        return -1;
    if (!b->careful) {
        /* No savepoints: the first refusal undoes the whole transaction,
         * which s_batch_run then runs again with them. A request read with
         * the batch waits, its one statement staged, to share a round trip
         * with the next ones; any other runs alone, after them. */
        int staged[S_PIPELINE], n_staged = 0;
        for (int i = 0; i < b->n; i++) {
            itk_submit_t *s = &b->subs[i];
            bool share = itk_submit_pipelinable (s);
            if ((!share || n_staged == S_PIPELINE) && s_run_staged (b, db, staged, n_staged) != 0)
                return -1;
            if (!share || n_staged == S_PIPELINE)
                n_staged = 0;
            int rc = share ? itk_submit_start (db, s) : itk_submit_one (db, s);
            if (rc == 1)
                staged[n_staged++] = i;
            else if (rc != 0) {
                s_note_failure (b, db, s);
                for (int k = 0; k < n_staged; k++)
                    itk_submit_drop (&b->subs[staged[k]]);
                return -1;
            }
        }
        if (s_run_staged (b, db, staged, n_staged) != 0)
            return -1;
        return s_flush (b, db);
    }
    int mark = 0;
    for (int i = 0; i <= b->n; i++) {
        if (db_savepoint (db, S_SAVEPOINT) != 0) {
            /* A statement of the request before failed although it went on. */
            if (i == 0 || !db_connected (db) || db_last_status (db) == DB_TRANSIENT)
                return -1;
            itk_submit_t *prev = &b->subs[i - 1];
            prev->code = svc_db_request_failure (db, "committing the ticket", prev->err, prev->errsize);
            if (s_undo_one (db, prev, mark) != 0)
                return -1;
            if (i < b->n && db_savepoint (db, S_SAVEPOINT) != 0)
                return -1;
        }
        if (i == b->n)
            break; /* that last savepoint only checked the last request */
        itk_submit_t *s = &b->subs[i];
        mark = bus_defer_mark (b->self->bus);
        int rc = itk_submit_one (db, s);
        bool broken = !db_connected (db) || db_last_status (db) == DB_TRANSIENT;
        if (rc != 0 && (s->code == RPL_UNAVAILABLE || broken))
            return -1;
        if (rc != 0 && s_undo_one (db, s, mark) != 0)
            return -1;
    }
    return s_flush (b, db);
}

/*  Counts and logs one request answered from a committed batch. */
static void s_account (itk_t *self, const itk_submit_t *s)
{
    if (s->code != RPL_OK) {
        self->stats.refused++;
        return;
    }
    const char *outcome = s->outcome ? s->outcome : "created";
    if (!strcmp (outcome, "joined"))
        self->stats.joined++;
    else if (!strcmp (outcome, "replayed"))
        self->stats.replayed++;
    else if (!strcmp (outcome, "closed_at_intake"))
        self->stats.closed_at_intake++;
    else
        self->stats.created++;
    if (log_enabled (LOG_INFO)) {
        char id[32];
        snprintf (id, sizeof id, "%" PRId64, (int64_t) json_int (s->result, "ticket_id", 0));
        log_kv (LOG_INFO, "ticket_submitted", "outcome", outcome, "ticket_id", id,
                "branch", json_str (s->result, "branch", NULL), "customer_id",
                json_str (s->result, "customer_id", NULL), "kind", s->rq->kind, "channel",
                s->rq->channel, "request_id", s->rq->request_id, NULL);
    }
}

static void s_unavailable (itk_t *self, itk_item_t *item)
{
    self->stats.unavailable++;
    item->code = RPL_UNAVAILABLE;
    snprintf (item->err, sizeof item->err, "database unavailable; retry the request (with "
                                           "the same request_id)");
}

/*  Runs items[0..n) in one transaction; when COMMIT itself refuses the
 *  batch, runs them again one transaction each to find the culprit. */
static void s_batch_run (itk_t *self, itk_item_t *items, itk_submit_t *subs, int n)
{
    /* Optimistic first: refusals are the exception, so the requests run
     * without savepoints (one round trip less each). When one is refused,
     * a batch of one is answered with that refusal (nothing else was in
     * the transaction); a larger batch runs again with a savepoint per
     * request, so that only the refused one is undone. Nothing outside the
     * database happens inside the transaction, so running it twice changes
     * nothing but the time taken (and a sequence number or two). */
    s_batch_t b = { .self = self, .subs = subs, .n = n, .defer = self->bus != NULL,
                    .ride = self->bus != NULL };
    bool fn_failed = false;
    db_status_t st = db_tx (self->db, s_batch_tx, &b, &fn_failed);
    bus_defer_cancel (self->bus); /* whatever is left was rolled back */
    if (st != DB_OK && b.ride_failed) {
        /* The relay's claim must not cost the requests anything. */
        bus_relay_ridden (self->bus, false);
        b.ride = false;
        st = db_tx (self->db, s_batch_tx, &b, &fn_failed);
        bus_defer_cancel (self->bus);
    }
    if (st != DB_OK && b.flush_failed) {
        /* Each request writing its own rows, so a failure has an owner. */
        b.defer = false;
        b.careful = n > 1;
        st = db_tx (self->db, s_batch_tx, &b, &fn_failed);
    }
    if (st != DB_OK && b.refused && n > 1) {
        b.careful = true;
        st = db_tx (self->db, s_batch_tx, &b, &fn_failed);
        bus_defer_cancel (self->bus);
    }
    /* What the relay claimed goes out now (committed), or is wanted again. */
    bus_relay_ridden (self->bus, st == DB_OK);
    if (b.prefetched)
        PQclear (b.prefetched);
    for (int i = 0; i < n; i++)
        subs[i].prefetched = NULL;
    if (st != DB_OK && b.refused && n == 1) {
        cJSON_Delete (subs[0].result);
        subs[0].result = NULL;
        self->stats.refused++;
        items[0].code = subs[0].code;
        return;
    }
    if (st == DB_OK) {
        bool emitted = false;
        for (int i = 0; i < n; i++)
            emitted = emitted || (subs[i].code == RPL_OK && subs[i].emitted);
        if (emitted)
            bus_kick (self->bus); /* may end the process under fault injection */
        for (int i = 0; i < n; i++) {
            s_account (self, &subs[i]);
            items[i].code = subs[i].code;
            items[i].result = subs[i].code == RPL_OK ? subs[i].result : NULL;
            if (subs[i].code != RPL_OK)
                cJSON_Delete (subs[i].result);
            subs[i].result = NULL;
        }
        return;
    }
    for (int i = 0; i < n; i++) {
        cJSON_Delete (subs[i].result);
        subs[i].result = NULL;
    }
    if (st == DB_PERMANENT && !fn_failed && n > 1 && db_connected (self->db)) {
        for (int i = 0; i < n; i++)
            s_batch_run (self, &items[i], &subs[i], 1);
        return;
    }
    for (int i = 0; i < n; i++) {
        if (st == DB_TRANSIENT || !db_connected (self->db))
            s_unavailable (self, &items[i]);
        else {
            self->stats.refused++;
            items[i].code = svc_db_request_failure (self->db, "committing the ticket", items[i].err,
                                            sizeof items[i].err);
        }
    }
}

void itk_submit_batch (itk_t *self, itk_item_t *items, int n)
{
    if (!self || !items || n <= 0)
        return;
    for (int i = 0; i < n; i++) {
        items[i].code = RPL_INTERNAL;
        items[i].result = NULL;
        items[i].err[0] = '\0';
    }
    if (db_ensure (self->db) != 0) {
        for (int i = 0; i < n; i++)
            s_unavailable (self, &items[i]);
        return;
    }
    itk_submit_t *subs = calloc ((size_t) n, sizeof *subs);
    if (!subs) {
        for (int i = 0; i < n; i++)
            snprintf (items[i].err, sizeof items[i].err, "out of memory");
        return;
    }
    char ts[40];
    clock_format_us (clock_now_us (), ts, sizeof ts);
    for (int i = 0; i < n; i++) {
        itk_submit_t *s = &subs[i];
        s->self = self;
        s->rq = items[i].rq;
        s->who = items[i].who;
        itk_normalise_phone (items[i].rq->phone, s->phone_buf, sizeof s->phone_buf);
        s->phone = s->phone_buf;
        s->err = items[i].err;
        s->errsize = sizeof items[i].err;
        memcpy (s->ts, ts, sizeof s->ts);
    }
    s_batch_run (self, items, subs, n);
    db_scope_clear (self->db);
    for (int i = 0; i < n; i++)
        itk_submit_drop (&subs[i]);
    free (subs);
}

rpl_code_t itk_submit (itk_t *self, const irq_submit_t *rq, cJSON **result,
                       char *err, size_t errsize)
{
    itk_item_t item = { .rq = rq };
    itk_submit_batch (self, &item, 1);
    *result = item.result;
    if (item.code != RPL_OK)
        snprintf (err, errsize, "%s", item.err);
    return item.code;
}

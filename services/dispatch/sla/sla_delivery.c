/*  sla_delivery — delivery of the SLA engine's recorded warnings and
 *  escalations through the notification adapter (contract in
 *  sla_delivery.h).
 */
#include "sla_delivery.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "base/log.h"
#include "db/statements.h"
#include "notify/notify.h"
#include "notify/notify_config.h"

#define S_SQL_UNNOTIFIED                                                                      \
    "SELECT id, coalesce ('ticket ' || ticket_id, (SELECT c.subject_kind || ' ' || c.subject_id " \
    "  FROM dispatch.sla_clocks c WHERE c.id = clock_id)), kind, level, recipient_name, recipient_email, reason " \
    "FROM dispatch.escalations WHERE notified_at IS NULL "                                    \
    " AND (next_notify_at IS NULL OR next_notify_at <= clock_timestamp()) "                   \
    "ORDER BY id LIMIT $1::int FOR UPDATE SKIP LOCKED"

/* A failed delivery waits 2^attempts seconds (at most an hour) of real time
 * (the relay's, not the business clock's) before the next try; $1 id, $2
 * the adapter's reason. */
#define S_SQL_NOTIFY_FAILED                                                                   \
    "UPDATE dispatch.escalations SET notify_attempts = notify_attempts + 1, "                 \
    " last_notify_error = left($2, 1000), next_notify_at = clock_timestamp() + "              \
    " least(3600, power(2, least(notify_attempts, 12))) * interval '1 second' "               \
    "WHERE id = $1::bigint"

/* A delivery batch marked in one statement: ids and the instants each was sent. */
#define S_SQL_NOTIFIED                                                                        \
    "UPDATE dispatch.escalations e SET notified_at = x.at "                                   \
    "FROM unnest($1::bigint[], $2::timestamptz[]) AS x (id, at) WHERE e.id = x.id"

/* The statements keep the names they had in the one-file engine ("sle_"):
 * database errors in the logs name them. */
static const db_statement_t s_statements[] = {
    { "sle_unnotified", S_SQL_UNNOTIFIED },
    { "sle_notified", S_SQL_NOTIFIED },
    { "sle_notify_failed", S_SQL_NOTIFY_FAILED },
};

struct sld_s {
    db_t *db;
    notify_t *notify;
    int delivered; /* by the last delivery transaction */
};

sld_t *sld_new (const notify_config_t *notify, db_t *db, char *err, size_t errsize)
{
    sld_t *self = calloc (1, sizeof *self);
    if (!self) {
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    self->db = db;
    self->notify = notify_new_from_config (notify, err, errsize);
    if (!self->notify)
        goto fail;
    if (db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements)) != 0) {
        snprintf (err, errsize, "preparing: %s", db_error (db));
        goto fail;
    }
    return self;
fail:
    sld_destroy (&self);
    return NULL;
}

void sld_destroy (sld_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    notify_destroy (&(*self_p)->notify);
    free (*self_p);
    *self_p = NULL;
}

const char *sld_adapter_name (const sld_t *self)
{
    return notify_adapter_name (self->notify);
}

static int s_deliver_tx (db_t *db, void *arg)
{
    sld_t *self = arg;
    self->delivered = 0;
    char limit[16];
    snprintf (limit, sizeof limit, "%d", SLD_BATCH);
    const char *params[] = { limit };
    PGresult *res = db_exec_prepared (db, "sle_unnotified", 1, params);
    if (!res)
        return -1;
    /* array literals for sle_notified: ids and RFC 3339 instants need no quoting */
    char ids[SLD_BATCH * 24 + 4] = "{", sent[SLD_BATCH * 40 + 4] = "{";
    size_t n_ids = 1, n_sent = 1;
    for (int r = 0; r < PQntuples (res) && r < SLD_BATCH; r++) {
        const char *id = PQgetvalue (res, r, 0), *ticket = PQgetvalue (res, r, 1);
        const char *kind = PQgetvalue (res, r, 2), *level = PQgetvalue (res, r, 3);
        notify_recipient_t to = { PQgetvalue (res, r, 4), PQgetvalue (res, r, 5), NULL };
        char subject[160], key[48], err[256];
        snprintf (subject, sizeof subject, "[kefu] %s: SLA %s (%s)", ticket, /* "ticket 12", "deposit 3" */
                  strcmp (kind, "warning") == 0 ? "at risk" : kind, level);
        snprintf (key, sizeof key, "escalation-%s", id);
        if (notify_send (self->notify, &to, key, subject, PQgetvalue (res, r, 6), err, sizeof err) != 0) {
            log_kv (LOG_WARN, "notify_failed", "escalation_id", id, "adapter",
                    notify_adapter_name (self->notify), "reason", err, NULL);
            /* this one backs off, so it never holds back the ones behind it;
             * the rest of the batch waits for the next tick (a relay that is
             * down costs one time-out per tick, not one per record) */
            const char *pf[] = { id, err };
            PGresult *u = db_exec_prepared (db, "sle_notify_failed", 2, pf);
            if (!u) {
                PQclear (res);
                return -1;
            }
            PQclear (u);
            break;
        }
        char at[40];
        clock_format_us (clock_now_us (), at, sizeof at);
        n_ids += (size_t) snprintf (ids + n_ids, sizeof ids - n_ids, "%s%s", self->delivered ? "," : "", id);
        n_sent += (size_t) snprintf (sent + n_sent, sizeof sent - n_sent, "%s%s", self->delivered ? "," : "", at);
        self->delivered++;
    }
    PQclear (res);
    if (self->delivered == 0)
        return 0;
    snprintf (ids + n_ids, sizeof ids - n_ids, "}");
    snprintf (sent + n_sent, sizeof sent - n_sent, "}");
    const char *p2[] = { ids, sent };
    PGresult *u = db_exec_prepared (db, "sle_notified", 2, p2);
    if (!u)
        return -1;
    PQclear (u);
    return 0;
}

int sld_deliver (sld_t *self, int max_batches)
{
    for (int batch = 0; batch < max_batches; batch++) {
        bool fn_failed = false;
        if (db_tx (self->db, s_deliver_tx, self, &fn_failed) != DB_OK) {
            log_kv (LOG_WARN, "notify_pass_failed", "error", db_error (self->db), NULL);
            return -1;
        }
        if (self->delivered < SLD_BATCH)
            break;
    }
    return 0;
}

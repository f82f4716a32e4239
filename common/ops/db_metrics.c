/*  db_metrics — reads ops.db_metrics (migration 0044) in one statement and
 *  writes what it returns as Prometheus text: the header lines of each
 *  metric, then its samples, in the order the function sorts them.
 */
#include "db_metrics.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model/sla_names.h"

typedef struct {
    const char *name;
    const char *label;
    const char *help;
} s_metric_t;

static const s_metric_t s_metrics[] = {
    {"kefu_sla_clocks_open", "clock", "Running SLA clocks, per clock kind."},
    {"kefu_sla_clocks_at_risk", "clock", "Running SLA clocks past their warning instant and not yet due."},
    {"kefu_sla_clocks_breached", "clock", "Running SLA clocks past their due instant."},
    {"kefu_outbox_depth", "outbox", "Outbox rows neither acknowledged nor dead, per service."},
    {"kefu_outbox_oldest_age_seconds", "outbox",
     "Age in seconds of the oldest outbox row neither acknowledged nor dead (0 when none)."},
};

/*  The instant is exact to the microsecond (to_timestamp's double is not). */
static const char s_sql[] = "SELECT metric, label, value FROM ops.db_metrics("
                            "'epoch'::timestamptz + $1::bigint * interval '1 microsecond', $2::text[])";

static const char s_exporter_sql[] = "SELECT ops.db_metrics_exporter()";

/*  The built-in clock kinds as an array literal: {first_response,arrange,…}.
 *  Their names are lower-case words, nothing to quote. */
static void s_clock_array (char *out, size_t size)
{
    size_t n = (size_t) snprintf (out, size, "{");
    for (int i = 0; sla_builtin_clocks[i] && n < size; i++)
        n += (size_t) snprintf (out + n, size - n, "%s%s", i ? "," : "", sla_builtin_clocks[i]);
    if (n < size)
        snprintf (out + n, size - n, "}");
}

/*  Writes a label value escaped as the text format asks: \\, \" and \n. */
static void s_put_label (FILE *f, const char *value)
{
    for (const char *p = value; *p; p++) {
        if (*p == '\\')
            fputs ("\\\\", f);
        else if (*p == '"')
            fputs ("\\\"", f);
        else if (*p == '\n')
            fputs ("\\n", f);
        else
            fputc (*p, f);
    }
}

/*  The error of a failed result or connection, without libpq's newline. */
static void s_pg_error (PGconn *conn, const PGresult *res, char *err, size_t errsize)
{
    const char *msg = res ? PQresultErrorMessage (res) : "";
    if (!msg || !*msg)
        msg = PQerrorMessage (conn);
    size_t len = strcspn (msg, "\n");
    snprintf (err, errsize, "ops.db_metrics: %.*s", (int) len, msg && *msg ? msg : "no result");
}

char *ops_db_metrics_text (PGconn *conn, int64_t now_us, char *err, size_t errsize)
{
    if (!conn || PQstatus (conn) != CONNECTION_OK) {
        snprintf (err, errsize, "ops.db_metrics: no database connection");
        return NULL;
    }
    char now_text[32];
    char clocks[512];
    snprintf (now_text, sizeof now_text, "%" PRId64, now_us);
    s_clock_array (clocks, sizeof clocks);
    const char *params[2] = {now_text, clocks};
    PGresult *res = PQexecParams (conn, s_sql, 2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus (res) != PGRES_TUPLES_OK || PQnfields (res) != 3) {
        s_pg_error (conn, res, err, errsize);
        PQclear (res);
        return NULL;
    }
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream (&text, &len);
    if (!f) {
        snprintf (err, errsize, "ops.db_metrics: out of memory");
        PQclear (res);
        return NULL;
    }
    int rows = PQntuples (res);
    for (size_t m = 0; m < sizeof s_metrics / sizeof s_metrics[0]; m++) {
        fprintf (f, "# HELP %s %s\n# TYPE %s gauge\n", s_metrics[m].name, s_metrics[m].help,
                 s_metrics[m].name);
        for (int r = 0; r < rows; r++) {
            if (strcmp (PQgetvalue (res, r, 0), s_metrics[m].name) != 0 || PQgetisnull (res, r, 1))
                continue;
            fprintf (f, "%s{%s=\"", s_metrics[m].name, s_metrics[m].label);
            s_put_label (f, PQgetvalue (res, r, 1));
            fprintf (f, "\"} %.15g\n", strtod (PQgetvalue (res, r, 2), NULL));
        }
    }
    PQclear (res);
    if (fclose (f) != 0 || !text) {
        free (text);
        snprintf (err, errsize, "ops.db_metrics: out of memory");
        return NULL;
    }
    return text;
}

bool ops_db_metrics_exporter (PGconn *conn)
{
    if (!conn || PQstatus (conn) != CONNECTION_OK)
        return false;
    PGresult *res = PQexec (conn, s_exporter_sql);
    bool held = PQresultStatus (res) == PGRES_TUPLES_OK && PQntuples (res) == 1
                && strcmp (PQgetvalue (res, 0, 0), "t") == 0;
    PQclear (res);
    return held;
}

/*  ops_metrics — see ops_metrics.h. */
#include "ops_metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "conf/config.h"
#include "msg/routes.h"

#define S_MAX_REQUESTS 128
#define S_OTHER "other"

static met_registry_t *s_registry;
static pthread_once_t s_once = PTHREAD_ONCE_INIT;

static met_family_t *s_requests, *s_replies, *s_msg_in, *s_msg_out, *s_redeliveries, *s_dead, *s_duplicates,
    *s_outbox_sent, *s_db, *s_lateness, *s_http;

static const char *s_request_names[S_MAX_REQUESTS];
static _Atomic int s_n_requests;
static pthread_mutex_t s_names_lock = PTHREAD_MUTEX_INITIALIZER;

/*  Round trips take from a fraction of a millisecond (a cached plan on a
 *  local socket) to seconds (a lock wait). */
static const double s_db_buckets[] = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                      0.05,   0.1,     0.25,   0.5,   1,      2.5,   5};
/*  The SLA timer runs every sla_tick_ms (250 by default): lateness is that
 *  much when all is well, minutes when dispatch was down or behind. */
static const double s_lateness_buckets[] = {0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900, 3600};

#define S_L(...) ((const char *const[]){__VA_ARGS__, NULL})
#define S_N(a) ((int) (sizeof (a) / sizeof (a)[0]))

static void s_make (void)
{
    met_registry_t *r = met_registry_new ();
    if (!r)
        return;
    s_requests =
        met_add (r, MET_COUNTER, "kefu_requests_total",
                 "Requests read on the request endpoint, by request name.", S_L ("request"), NULL, 0);
    s_replies = met_add (r, MET_COUNTER, "kefu_replies_total",
                         "Replies sent on the request endpoint, by request name and reply code.",
                         S_L ("request", "code"), NULL, 0);
    s_msg_in = met_add (r, MET_COUNTER, "kefu_bus_messages_in_total",
                        "Bus messages received, by message type.", S_L ("type"), NULL, 0);
    s_msg_out = met_add (r, MET_COUNTER, "kefu_bus_messages_out_total",
                         "Bus messages sent from the outbox (redeliveries included), by message type.",
                         S_L ("type"), NULL, 0);
    s_redeliveries = met_add (r, MET_COUNTER, "kefu_bus_redeliveries_total",
                              "Bus messages sent again for want of an acknowledgement, by message type.",
                              S_L ("type"), NULL, 0);
    s_dead = met_add (r, MET_COUNTER, "kefu_bus_dead_letters_total",
                      "Bus messages received and set aside as dead letters, by message type.", S_L ("type"),
                      NULL, 0);
    s_duplicates = met_add (
        r, MET_COUNTER, "kefu_bus_duplicates_total",
        "Bus messages received again after they were applied (acknowledged, not applied).", NULL, NULL, 0);
    s_outbox_sent =
        met_add (r, MET_COUNTER, "kefu_outbox_rows_sent_total",
                 "Outbox rows handed to a peer of their destination service.", S_L ("destination"), NULL, 0);
    s_db = met_add (r, MET_HISTOGRAM, "kefu_db_round_trip_seconds",
                    "Round trips to PostgreSQL, by operation (statement, pipeline, command, commit).",
                    S_L ("op"), s_db_buckets, S_N (s_db_buckets));
    s_lateness = met_add (r, MET_HISTOGRAM, "kefu_escalation_lateness_seconds",
                          "How long after its due instant each SLA escalation was raised (dispatch).", NULL,
                          s_lateness_buckets, S_N (s_lateness_buckets));
    s_http = met_add (r, MET_COUNTER, "kefu_http_requests_total",
                      "HTTP requests answered by the gateway, by route pattern and status class.",
                      S_L ("route", "status"), NULL, 0);
    s_registry = r;
}

met_registry_t *ops_metrics_registry (void)
{
    pthread_once (&s_once, s_make);
    return s_registry;
}

static inline void s_ready (void)
{
    pthread_once (&s_once, s_make);
}

void ops_metrics_request_name (const char *name)
{
    if (!name)
        return;
    pthread_mutex_lock (&s_names_lock);
    int n = atomic_load (&s_n_requests);
    bool known = false;
    for (int i = 0; i < n && !known; i++)
        known = strcmp (s_request_names[i], name) == 0;
    if (!known && n < S_MAX_REQUESTS && strlen (name) < MET_VALUE_MAX) {
        s_request_names[n] = name;
        atomic_store (&s_n_requests, n + 1);
    }
    pthread_mutex_unlock (&s_names_lock);
}

static const char *s_request_label (const char *name)
{
    int n = atomic_load (&s_n_requests);
    for (int i = 0; name && i < n; i++)
        if (strcmp (s_request_names[i], name) == 0)
            return s_request_names[i];
    return S_OTHER;
}

static const char *s_type_label (const char *type)
{
    for (const char *const *t = routes_types (); type && *t; t++)
        if (strcmp (*t, type) == 0)
            return *t;
    return S_OTHER;
}

void ops_count_request (const char *name)
{
    s_ready ();
    met_inc (met_series (s_requests, (const char *[]){s_request_label (name)}), 1);
}

void ops_count_reply (const char *name, const char *code)
{
    s_ready ();
    const char *values[] = {s_request_label (name), code ? code : S_OTHER};
    met_inc (met_series (s_replies, values), 1);
}

void ops_count_message_in (const char *type)
{
    s_ready ();
    met_inc (met_series (s_msg_in, (const char *[]){s_type_label (type)}), 1);
}

void ops_count_message_out (const char *type, const char *destination)
{
    s_ready ();
    met_inc (met_series (s_msg_out, (const char *[]){s_type_label (type)}), 1);
    const char *dest = destination && cfg_service_index (destination) >= 0 ? destination : S_OTHER;
    met_inc (met_series (s_outbox_sent, (const char *[]){dest}), 1);
}

void ops_count_redelivery (const char *type)
{
    s_ready ();
    met_inc (met_series (s_redeliveries, (const char *[]){s_type_label (type)}), 1);
}

void ops_count_dead_letter (const char *type)
{
    s_ready ();
    met_inc (met_series (s_dead, (const char *[]){s_type_label (type)}), 1);
}

void ops_count_duplicate (void)
{
    s_ready ();
    met_inc (met_only (s_duplicates), 1);
}

double ops_now_s (void)
{
    struct timespec ts;
    clock_gettime (CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

void ops_observe_db (const char *op, double seconds)
{
    s_ready ();
    static const char *const ops[] = {"statement", "pipeline", "command", "commit", NULL};
    const char *label = S_OTHER;
    for (int i = 0; op && ops[i]; i++)
        if (strcmp (ops[i], op) == 0)
            label = ops[i];
    met_observe (met_series (s_db, (const char *[]){label}), seconds < 0 ? 0 : seconds);
}

void ops_observe_escalation_lateness (double seconds)
{
    s_ready ();
    met_observe (met_only (s_lateness), seconds < 0 ? 0 : seconds);
}

void ops_count_http (const char *route, int status)
{
    s_ready ();
    static const char *const classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    const char *cls = status >= 100 && status < 600 ? classes[status / 100 - 1] : S_OTHER;
    /* route patterns come from the gateway's own table, never from a path */
    const char *label = route && route[0] == '/' ? route : "unmatched";
    met_inc (met_series (s_http, (const char *[]){label, cls}), 1);
}

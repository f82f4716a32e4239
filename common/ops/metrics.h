/*  metrics — a registry of Prometheus metrics and its text exposition
 *  (format 0.0.4): counters, gauges and histograms with fixed buckets.
 *
 *  A family (one metric name) has up to MET_MAX_LABELS label names and up
 *  to MET_MAX_SERIES series (one per set of label values). Label values
 *  are chosen by the code, from sets known in advance (a request name of
 *  the service's table, a reply code, a message type of routes.h), never
 *  copied from outside input: a family that is full refuses new series
 *  (met_series returns NULL, and every update of NULL is a no-op), so a
 *  mistake costs a missing series, never unbounded memory.
 *
 *  Threads: families are added at start-up by one thread, before the
 *  exposition is served. Series are found without a lock (a published
 *  count) and made under the family's mutex; updates are atomic
 *  (lock-free); met_render may run in another thread at any time.
 *
 *  Usage:
 *      met_registry_t *r = met_registry_new ();
 *      met_family_t *f = met_add (r, MET_COUNTER, "kefu_requests_total",
 *                                 "Requests received.", (const char *[]) {"request", NULL}, NULL, 0);
 *      met_inc (met_series (f, (const char *[]) {"ticket.get"}), 1);
 *      char *text = met_render (r, "service=\"intake\"");   // caller frees
 */
#ifndef KEFU_METRICS_H
#define KEFU_METRICS_H

#include <stddef.h>
#include <stdint.h>

#define MET_MAX_LABELS 3
#define MET_MAX_SERIES 512
#define MET_MAX_BUCKETS 16
#define MET_VALUE_MAX 64 /* bytes of one label value, NUL included */

typedef enum { MET_COUNTER, MET_GAUGE, MET_HISTOGRAM } met_type_t;

typedef struct met_registry_s met_registry_t;
typedef struct met_family_s met_family_t;
typedef struct met_series_s met_series_t;

met_registry_t *met_registry_new (void);
void met_registry_destroy (met_registry_t **self_p);

/*  Adds a family. name: [a-zA-Z_:][a-zA-Z0-9_:]*; help: one line; labels:
 *  NULL-terminated label names (NULL: none), each [a-zA-Z_][a-zA-Z0-9_]*,
 *  never "le" or one of the registry's constant labels; buckets: for a
 *  histogram, n_buckets (1..MET_MAX_BUCKETS) strictly ascending upper
 *  bounds (+Inf is added). A family without labels has its one series at
 *  once (it shows 0 before the first update). Returns NULL for a bad
 *  argument or a name taken. */
met_family_t *met_add (met_registry_t *self, met_type_t type, const char *name, const char *help,
                       const char *const *labels, const double *buckets, int n_buckets);

/*  The series of the given label values (as many as the family has label
 *  names; each shorter than MET_VALUE_MAX), made when new. NULL when the
 *  family is full, a value is missing or too long, or f is NULL. */
met_series_t *met_series (met_family_t *f, const char *const *values);
/*  The series of a family without labels. */
met_series_t *met_only (met_family_t *f);

/*  Updates; each takes a NULL series and does nothing. met_inc: counters
 *  (and gauges); met_set, met_add_gauge: gauges; met_observe: histograms. */
void met_inc (met_series_t *s, uint64_t by);
void met_set (met_series_t *s, int64_t value);
void met_add_gauge (met_series_t *s, int64_t delta);
void met_observe (met_series_t *s, double value);

/*  Reads, for tests: a counter's or gauge's value, a histogram's count. */
int64_t met_value (const met_series_t *s);

/*  The exposition of every family, in the order added, each series with
 *  const_labels first (already formatted, `service="intake",instance="x"`,
 *  or NULL). Returns the text (caller frees) with its length in *len, or
 *  NULL when out of memory. */
char *met_render (met_registry_t *self, const char *const_labels, size_t *len);

/*  Writes value as a label value between the quotes: \ " and newline
 *  escaped (the format's rule). Returns 0, or -1 when it does not fit. */
int met_escape (const char *value, char *out, size_t size);

#endif

/*  metrics — see metrics.h. */
#include "metrics.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S_NAME_MAX 96
#define S_HELP_MAX 256
#define S_LABEL_MAX 32

struct met_series_s {
    char values[MET_MAX_LABELS][MET_VALUE_MAX];
    _Atomic uint64_t count; /* a counter's value; a histogram's count */
    _Atomic int64_t gauge;
    _Atomic uint64_t buckets[MET_MAX_BUCKETS]; /* observations per bucket (not cumulative) */
    _Atomic uint64_t sum_bits; /* a histogram's sum, a double's bits */
    met_type_t type;
    int n_buckets;
    const double *bounds;
};

struct met_family_s {
    met_type_t type;
    char name[S_NAME_MAX];
    char help[S_HELP_MAX];
    char labels[MET_MAX_LABELS][S_LABEL_MAX];
    int n_labels;
    double buckets[MET_MAX_BUCKETS];
    int n_buckets;
    pthread_mutex_t lock; /* making a series */
    _Atomic int n; /* series published */
    met_series_t *series[MET_MAX_SERIES];
    met_family_t *next;
};

struct met_registry_s {
    met_family_t *first, *last;
};

met_registry_t *met_registry_new (void)
{
    return calloc (1, sizeof (met_registry_t));
}

void met_registry_destroy (met_registry_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    met_family_t *f = (*self_p)->first;
    while (f) {
        met_family_t *next = f->next;
        for (int i = 0; i < atomic_load (&f->n); i++)
            free (f->series[i]);
        pthread_mutex_destroy (&f->lock);
        free (f);
        f = next;
    }
    free (*self_p);
    *self_p = NULL;
}

static bool s_name_valid (const char *name, size_t max, bool colon)
{
    size_t n = name ? strlen (name) : 0;
    if (n == 0 || n >= max)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (colon && c == ':');
        if (!alpha && !(i > 0 && c >= '0' && c <= '9'))
            return false;
    }
    return true;
}

static met_family_t *s_find (const met_registry_t *self, const char *name)
{
    for (met_family_t *f = self->first; f; f = f->next)
        if (strcmp (f->name, name) == 0)
            return f;
    return NULL;
}

met_family_t *met_add (met_registry_t *self, met_type_t type, const char *name, const char *help,
                       const char *const *labels, const double *buckets, int n_buckets)
{
    if (!self || !s_name_valid (name, S_NAME_MAX, true) || !help || strlen (help) >= S_HELP_MAX
        || strchr (help, '\n') || s_find (self, name))
        return NULL;
    if (type == MET_HISTOGRAM ? !buckets || n_buckets < 1 || n_buckets > MET_MAX_BUCKETS
                              : buckets != NULL || n_buckets != 0)
        return NULL;
    for (int i = 1; i < n_buckets; i++)
        if (!(buckets[i] > buckets[i - 1]) || !isfinite (buckets[i]))
            return NULL;
    met_family_t *f = calloc (1, sizeof *f);
    if (!f)
        return NULL;
    f->type = type;
    snprintf (f->name, sizeof f->name, "%s", name);
    snprintf (f->help, sizeof f->help, "%s", help);
    for (int i = 0; labels && labels[i]; i++) {
        if (i >= MET_MAX_LABELS || !s_name_valid (labels[i], S_LABEL_MAX, false)
            || strcmp (labels[i], "le") == 0 || strcmp (labels[i], "service") == 0
            || strcmp (labels[i], "instance") == 0) {
            free (f);
            return NULL;
        }
        snprintf (f->labels[i], sizeof f->labels[i], "%s", labels[i]);
        f->n_labels = i + 1;
    }
    for (int i = 0; i < n_buckets; i++)
        f->buckets[i] = buckets[i];
    f->n_buckets = n_buckets;
    pthread_mutex_init (&f->lock, NULL);
    if (self->last)
        self->last->next = f;
    else
        self->first = f;
    self->last = f;
    if (f->n_labels == 0)
        met_series (f, NULL);
    return f;
}

static bool s_matches (const met_family_t *f, const met_series_t *s, const char *const *values)
{
    for (int i = 0; i < f->n_labels; i++)
        if (strcmp (s->values[i], values[i]) != 0)
            return false;
    return true;
}

met_series_t *met_series (met_family_t *f, const char *const *values)
{
    if (!f || (f->n_labels > 0 && !values))
        return NULL;
    for (int i = 0; i < f->n_labels; i++)
        if (!values[i] || strlen (values[i]) >= MET_VALUE_MAX)
            return NULL;
    int n = atomic_load_explicit (&f->n, memory_order_acquire);
    for (int i = 0; i < n; i++)
        if (s_matches (f, f->series[i], values))
            return f->series[i];
    met_series_t *found = NULL;
    pthread_mutex_lock (&f->lock);
    n = atomic_load_explicit (&f->n, memory_order_relaxed);
    for (int i = 0; i < n && !found; i++)
        if (s_matches (f, f->series[i], values))
            found = f->series[i];
    if (!found && n < MET_MAX_SERIES && (found = calloc (1, sizeof *found))) {
        for (int i = 0; i < f->n_labels; i++)
            snprintf (found->values[i], MET_VALUE_MAX, "%s", values[i]);
        found->type = f->type;
        found->n_buckets = f->n_buckets;
        found->bounds = f->buckets;
        f->series[n] = found;
        atomic_store_explicit (&f->n, n + 1, memory_order_release);
    }
    pthread_mutex_unlock (&f->lock);
    return found;
}

met_series_t *met_only (met_family_t *f)
{
    return f && f->n_labels == 0 ? met_series (f, NULL) : NULL;
}

void met_inc (met_series_t *s, uint64_t by)
{
    if (!s)
        return;
    if (s->type == MET_GAUGE)
        atomic_fetch_add_explicit (&s->gauge, (int64_t) by, memory_order_relaxed);
    else if (s->type == MET_COUNTER)
        atomic_fetch_add_explicit (&s->count, by, memory_order_relaxed);
}

void met_set (met_series_t *s, int64_t value)
{
    if (s && s->type == MET_GAUGE)
        atomic_store_explicit (&s->gauge, value, memory_order_relaxed);
}

void met_add_gauge (met_series_t *s, int64_t delta)
{
    if (s && s->type == MET_GAUGE)
        atomic_fetch_add_explicit (&s->gauge, delta, memory_order_relaxed);
}

void met_observe (met_series_t *s, double value)
{
    if (!s || s->type != MET_HISTOGRAM || isnan (value))
        return;
    for (int i = 0; i < s->n_buckets; i++)
        if (value <= s->bounds[i]) {
            atomic_fetch_add_explicit (&s->buckets[i], 1, memory_order_relaxed);
            break;
        }
    uint64_t old = atomic_load_explicit (&s->sum_bits, memory_order_relaxed), next;
    do {
        double sum;
        memcpy (&sum, &old, sizeof sum);
        sum += value;
        memcpy (&next, &sum, sizeof next);
    } while (!atomic_compare_exchange_weak_explicit (&s->sum_bits, &old, next, memory_order_relaxed,
                                                     memory_order_relaxed));
    atomic_fetch_add_explicit (&s->count, 1, memory_order_release);
}

int64_t met_value (const met_series_t *s)
{
    if (!s)
        return 0;
    return s->type == MET_GAUGE ? atomic_load (&s->gauge) : (int64_t) atomic_load (&s->count);
}

int met_escape (const char *value, char *out, size_t size)
{
    size_t o = 0;
    for (const char *p = value; *p; p++) {
        const char *rep = *p == '\\' ? "\\\\" : *p == '"' ? "\\\"" : *p == '\n' ? "\\n" : NULL;
        size_t n = rep ? 2 : 1;
        if (o + n >= size)
            return -1;
        if (rep)
            memcpy (out + o, rep, 2);
        else
            out[o] = *p;
        o += n;
    }
    if (o >= size)
        return -1;
    out[o] = '\0';
    return 0;
}

/*  ------------------------------------------------------------ rendering */

typedef struct {
    char *data;
    size_t len, cap;
    bool failed;
} s_buf_t;

static void s_printf (s_buf_t *b, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static void s_printf (s_buf_t *b, const char *fmt, ...)
{
    if (b->failed)
        return;
    for (;;) {
        va_list ap;
        va_start (ap, fmt);
        int n = vsnprintf (b->data + b->len, b->cap - b->len, fmt, ap);
        va_end (ap);
        if (n < 0) {
            b->failed = true;
            return;
        }
        if ((size_t) n < b->cap - b->len) {
            b->len += (size_t) n;
            return;
        }
        size_t cap = b->cap * 2 + (size_t) n + 1;
        char *data = realloc (b->data, cap);
        if (!data) {
            b->failed = true;
            return;
        }
        b->data = data;
        b->cap = cap;
    }
}

/*  {const,labels[,le="x"]} or nothing when there are none. */
static void s_labels (s_buf_t *b, const met_family_t *f, const met_series_t *s, const char *const_labels,
                      const char *le)
{
    bool any = (const_labels && *const_labels) || f->n_labels > 0 || le;
    if (!any)
        return;
    s_printf (b, "{");
    const char *sep = "";
    if (const_labels && *const_labels) {
        s_printf (b, "%s", const_labels);
        sep = ",";
    }
    for (int i = 0; i < f->n_labels; i++) {
        char value[MET_VALUE_MAX * 2];
        if (met_escape (s->values[i], value, sizeof value) != 0)
            value[0] = '\0';
        s_printf (b, "%s%s=\"%s\"", sep, f->labels[i], value);
        sep = ",";
    }
    if (le)
        s_printf (b, "%sle=\"%s\"", sep, le);
    s_printf (b, "}");
}

static void s_render_series (s_buf_t *b, const met_family_t *f, const met_series_t *s,
                             const char *const_labels)
{
    if (f->type == MET_COUNTER || f->type == MET_GAUGE) {
        s_printf (b, "%s", f->name);
        s_labels (b, f, s, const_labels, NULL);
        if (f->type == MET_COUNTER)
            s_printf (b, " %llu\n", (unsigned long long) atomic_load (&s->count));
        else
            s_printf (b, " %lld\n", (long long) atomic_load (&s->gauge));
        return;
    }
    uint64_t count = atomic_load_explicit (&s->count, memory_order_acquire), cumulative = 0;
    uint64_t bits = atomic_load (&s->sum_bits);
    double sum;
    memcpy (&sum, &bits, sizeof sum);
    for (int i = 0; i < f->n_buckets; i++) {
        char le[32];
        cumulative += atomic_load_explicit (&s->buckets[i], memory_order_relaxed);
        snprintf (le, sizeof le, "%.6g", f->buckets[i]);
        s_printf (b, "%s_bucket", f->name);
        s_labels (b, f, s, const_labels, le);
        s_printf (b, " %llu\n", (unsigned long long) cumulative);
    }
    if (cumulative > count) /* an observation counted in its bucket, not yet in all */
        count = cumulative;
    s_printf (b, "%s_bucket", f->name);
    s_labels (b, f, s, const_labels, "+Inf");
    s_printf (b, " %llu\n%s_sum", (unsigned long long) count, f->name);
    s_labels (b, f, s, const_labels, NULL);
    s_printf (b, " %.9g\n%s_count", sum, f->name);
    s_labels (b, f, s, const_labels, NULL);
    s_printf (b, " %llu\n", (unsigned long long) count);
}

char *met_render (met_registry_t *self, const char *const_labels, size_t *len)
{
    s_buf_t b = {.cap = 4096};
    if (!(b.data = malloc (b.cap)))
        return NULL;
    b.data[0] = '\0';
    static const char *const types[] = {"counter", "gauge", "histogram"};
    for (met_family_t *f = self ? self->first : NULL; f; f = f->next) {
        s_printf (&b, "# HELP %s %s\n# TYPE %s %s\n", f->name, f->help, f->name, types[f->type]);
        int n = atomic_load_explicit (&f->n, memory_order_acquire);
        for (int i = 0; i < n; i++)
            s_render_series (&b, f, f->series[i], const_labels);
    }
    if (b.failed) {
        free (b.data);
        return NULL;
    }
    if (len)
        *len = b.len;
    return b.data;
}

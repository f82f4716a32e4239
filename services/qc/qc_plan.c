/*  qc_plan — see qc_plan.h. */
#include "qc_plan.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QP_US_PER_MIN INT64_C (60000000)

static bool s_listed (char *const *list, int n, const char *value)
{
    if (n == 0)
        return true;
    for (int i = 0; value && i < n; i++)
        if (strcmp (list[i], value) == 0)
            return true;
    return false;
}

const qp_plan_t *qp_choose (const qp_set_t *set, const char *line, const char *kind)
{
    for (int i = 0; i < set->n; i++) {
        const qp_plan_t *p = &set->plans[i];
        if (i != set->fallback && s_listed (p->product_lines, p->n_product_lines, line)
            && s_listed (p->kinds, p->n_kinds, kind))
            return p;
    }
    return &set->plans[set->fallback];
}

const qp_plan_t *qp_find (const qp_set_t *set, const char *name)
{
    for (int i = 0; set && name && i < set->n; i++)
        if (strcmp (set->plans[i].name, name) == 0)
            return &set->plans[i];
    return NULL;
}

int qp_level_index (const qp_plan_t *plan, const char *name)
{
    for (int i = 0; plan && name && i < plan->n_levels; i++)
        if (strcmp (plan->levels[i].name, name) == 0)
            return i;
    return -1;
}

int qp_item_index (const qp_level_t *level, const char *name)
{
    for (int i = 0; level && name && i < level->n_items; i++)
        if (strcmp (level->items[i].name, name) == 0)
            return i;
    return -1;
}

/*  "24 h", "90 min". */
static void s_span (int64_t us, char *out, size_t size)
{
    int64_t min = us / QP_US_PER_MIN;
    if (min % 60 == 0)
        snprintf (out, size, "%" PRId64 " h", min / 60);
    else
        snprintf (out, size, "%" PRId64 " min", min);
}

char *qp_limit_text (const qp_item_t *item, char *out, size_t size)
{
    const char *u = item->unit ? item->unit->name : "";
    const char *sp = item->unit ? " " : "";
    int n;
    switch (item->limit) {
    case QP_AT_MOST: n = snprintf (out, size, "at most %g%s%s", item->a, sp, u); break;
    case QP_AT_LEAST: n = snprintf (out, size, "at least %g%s%s", item->a, sp, u); break;
    case QP_RANGE: n = snprintf (out, size, "%g to %g%s%s", item->a, item->b, sp, u); break;
    case QP_NOMINAL: n = snprintf (out, size, "%g%s%s ± %g", item->a, sp, u, item->b); break;
    default: n = snprintf (out, size, "pass/fail"); break;
    }
    if (item->hold_us > 0 && n >= 0 && (size_t) n < size) {
        char span[32];
        s_span (item->hold_us, span, sizeof span);
        snprintf (out + n, size - (size_t) n, ", held %s", span);
    }
    return out;
}

/*  The reading's shape against the item's: which fields it must and must
 *  not have. Returns 0, or -1 with err. */
static int s_shape (const qp_item_t *item, const qp_reading_t *r, int64_t now_us, char *err, size_t errsize)
{
    if (item->limit == QP_PASS_FAIL) {
        if (r->has_value || !r->has_result) {
            snprintf (err, errsize, "item \"%s\" is pass/fail: give \"result\" (pass or fail), not a value",
                      item->name);
            return -1;
        }
    }
    else {
        if (r->has_result || !r->has_value) {
            snprintf (err, errsize, "item \"%s\" is measured in %s: give \"value\" and \"unit\", not a result",
                      item->name, item->unit->name);
            return -1;
        }
        const qu_unit_t *given = qu_find (r->unit);
        if (given != item->unit) {
            snprintf (err, errsize, "item \"%s\": wrong unit \"%s\" (expected %s)", item->name,
                      r->unit ? r->unit : "", item->unit->name);
            return -1;
        }
        if (!isfinite (r->value)) {
            snprintf (err, errsize, "item \"%s\": the value is not a number", item->name);
            return -1;
        }
        if (!qu_in_range (item->unit, r->value)) {
            snprintf (err, errsize, "item \"%s\": %g %s is outside the physical range of %s (%g to %g)",
                      item->name, r->value, item->unit->name, item->unit->name, item->unit->min,
                      item->unit->max);
            return -1;
        }
    }
    if (item->hold_us > 0) {
        if (!r->has_times) {
            snprintf (err, errsize, "item \"%s\" is timed: give \"started_at\" and \"read_at\"", item->name);
            return -1;
        }
        if (r->read_us < r->started_us) {
            snprintf (err, errsize, "item \"%s\": read_at is before started_at", item->name);
            return -1;
        }
        if (r->read_us > now_us) {
            snprintf (err, errsize, "item \"%s\": read_at is in the future", item->name);
            return -1;
        }
    }
    else if (r->has_times) {
        snprintf (err, errsize, "item \"%s\" is not timed: \"started_at\" and \"read_at\" do not apply",
                  item->name);
        return -1;
    }
    return 0;
}

int qp_judge (const qp_item_t *item, const qp_reading_t *r, int64_t now_us, bool *pass, char *reason,
              size_t reason_size, char *err, size_t errsize)
{
    if (s_shape (item, r, now_us, err, errsize) != 0)
        return -1;
    char limit[96];
    qp_limit_text (item, limit, sizeof limit);
    const char *u = item->unit ? item->unit->name : "";
    double v = r->value;
    switch (item->limit) {
    case QP_PASS_FAIL: *pass = r->result_pass; break;
    case QP_AT_MOST: *pass = v <= item->a; break;
    case QP_AT_LEAST: *pass = v >= item->a; break;
    case QP_RANGE: *pass = v >= item->a && v <= item->b; break;
    case QP_NOMINAL: *pass = fabs (v - item->a) <= item->b; break;
    }
    if (!*pass) {
        if (item->limit == QP_PASS_FAIL)
            snprintf (reason, reason_size, "marked failed");
        else
            snprintf (reason, reason_size, "%g %s is outside the limit (%s)", v, u, limit);
        return 0;
    }
    if (item->hold_us > 0 && r->read_us - r->started_us < item->hold_us) {
        char held[32], need[32];
        s_span ((r->read_us - r->started_us) / QP_US_PER_MIN * QP_US_PER_MIN, held, sizeof held);
        s_span (item->hold_us, need, sizeof need);
        snprintf (reason, reason_size, "read %s after its start; it must hold at least %s", held, need);
        *pass = false;
    }
    return 0;
}

static void s_strings_free (char **list, int n)
{
    for (int i = 0; i < n; i++)
        free (list[i]);
    free (list);
}

void qp_set_destroy (qp_set_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    qp_set_t *self = *self_p;
    for (int i = 0; i < self->n; i++) {
        qp_plan_t *p = &self->plans[i];
        for (int l = 0; l < p->n_levels; l++) {
            for (int k = 0; k < p->levels[l].n_items; k++)
                free (p->levels[l].items[k].name);
            free (p->levels[l].items);
            free (p->levels[l].name);
        }
        free (p->levels);
        s_strings_free (p->product_lines, p->n_product_lines);
        s_strings_free (p->kinds, p->n_kinds);
        free (p->name);
    }
    free (self->plans);
    free (self);
    *self_p = NULL;
}

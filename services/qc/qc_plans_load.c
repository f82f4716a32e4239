/*  qc_plans_load — see qc_plans_load.h. One function per level of the
 *  file: the set, a plan, a level, an item. */
#include "qc_plans_load.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "base/ident.h"
#include "conf/yamltree.h"

#define QP_MAX_PLANS 64
#define QP_MAX_MATCH 32
#define QP_MAX_HOLD_HOURS (24 * 365)

static const char *const s_kinds[] = {
    "consultation", "repair", "installation", "complaint", "return", "suggestion", NULL,
};
static const char *const s_restarts[] = { "first", "failed", NULL };

/*  A number (a YAML scalar) into *out: -1 when it is no finite number. */
static int s_number (yt_doc_t *doc, yt_node_t *node, double *out)
{
    const char *text = yt_text (node);
    char *end = NULL;
    double v = text && *text ? strtod (text, &end) : NAN;
    if (!text || !*text || (end && *end) || !isfinite (v))
        return yt_fail (doc, node, "expected a number");
    *out = v;
    return 0;
}

/*  A name at key (required): an identifier of up to QP_NAME_MAX bytes. */
static int s_name (yt_doc_t *doc, yt_node_t *map, const char *key, char **out)
{
    if (yt_str (doc, map, key, true, QP_NAME_MAX, out) != 0)
        return -1;
    if (!ident_valid (*out, QP_NAME_MAX))
        return yt_fail (doc, yt_get (map, key), "\"%s\" is not a name (1 to 64 of A-Z a-z 0-9 _ -)", *out);
    return 0;
}

/*  An optional list of names at key; kinds checks them against the ticket kinds. */
static int s_names (yt_doc_t *doc, yt_node_t *map, const char *key, bool kinds, char ***out, int *n)
{
    yt_node_t *seq = yt_get (map, key);
    if (!seq)
        return 0;
    if (yt_expect (doc, seq, YT_SEQ) != 0)
        return -1;
    size_t count = yt_size (seq);
    if (count == 0 || count > QP_MAX_MATCH)
        return yt_fail (doc, seq, "expected 1 to %d names (leave the key out to match any)", QP_MAX_MATCH);
    if (!(*out = calloc (count, sizeof **out)))
        return yt_fail (doc, seq, "out of memory");
    for (size_t i = 0; i < count; i++) {
        yt_node_t *it = yt_item (seq, i);
        const char *text = yt_text (it);
        if (!text || !ident_valid (text, QP_NAME_MAX))
            return yt_fail (doc, it, "expected a name (1 to 64 of A-Z a-z 0-9 _ -)");
        if (kinds) {
            int k = 0;
            while (s_kinds[k] && strcmp (s_kinds[k], text) != 0)
                k++;
            if (!s_kinds[k])
                return yt_fail (doc, it, "unknown kind \"%s\" (expected one of: consultation, repair, "
                                         "installation, complaint, return, suggestion)", text);
        }
        for (int j = 0; j < *n; j++)
            if (strcmp ((*out)[j], text) == 0)
                return yt_fail (doc, it, "\"%s\" is listed twice", text);
        if (!((*out)[(*n)++] = strdup (text)))
            return yt_fail (doc, it, "out of memory");
    }
    return 0;
}

/*  The limit of a measured item: exactly one of at_most, at_least, range,
 *  nominal (with tolerance), each value within the unit's physical range. */
static int s_limit (yt_doc_t *doc, yt_node_t *map, qp_item_t *item)
{
    static const char *const forms[] = { "at_most", "at_least", "range", "nominal", NULL };
    static const qp_limit_t kinds[] = { QP_AT_MOST, QP_AT_LEAST, QP_RANGE, QP_NOMINAL };
    yt_node_t *found = NULL;
    for (int i = 0; forms[i]; i++) {
        yt_node_t *n = yt_get (map, forms[i]);
        if (!n)
            continue;
        if (found)
            return yt_fail (doc, n, "an item has one limit (already has %s)", forms[item->limit - 1]);
        found = n;
        item->limit = kinds[i];
    }
    yt_node_t *tol = yt_get (map, "tolerance");
    if (!item->unit)
        return found || tol ? yt_fail (doc, found ? found : tol, "a limit needs a unit (\"unit\": one of %s)",
                                       qu_names ())
                            : 0;
    if (!found)
        return yt_missing (doc, map, "at_most", "a measured item needs one limit: at_most, at_least, "
                                                "range [min, max] or nominal with tolerance");
    if (item->limit == QP_RANGE) {
        if (yt_expect (doc, found, YT_SEQ) != 0)
            return -1;
        if (yt_size (found) != 2)
            return yt_fail (doc, found, "expected [min, max]");
        if (s_number (doc, yt_item (found, 0), &item->a) != 0 || s_number (doc, yt_item (found, 1), &item->b) != 0)
            return -1;
        if (item->a > item->b)
            return yt_fail (doc, found, "min %g is greater than max %g", item->a, item->b);
    }
    else if (s_number (doc, found, &item->a) != 0)
        return -1;
    if (item->limit == QP_NOMINAL) {
        if (!tol)
            return yt_missing (doc, map, "tolerance", "nominal needs a tolerance (± how much)");
        if (s_number (doc, tol, &item->b) != 0)
            return -1;
        if (item->b < 0)
            return yt_fail (doc, tol, "a tolerance cannot be negative (%g)", item->b);
    }
    else if (tol)
        return yt_fail (doc, tol, "tolerance goes with nominal only");
    double lo = item->a, hi = item->a;
    if (item->limit == QP_RANGE)
        hi = item->b;
    else if (item->limit == QP_NOMINAL) {
        lo = item->a - item->b;
        hi = item->a + item->b;
    }
    if (!qu_in_range (item->unit, lo) || !qu_in_range (item->unit, hi))
        return yt_fail (doc, found, "the limit lies outside the physical range of %s (%g to %g)", item->unit->name,
                        item->unit->min, item->unit->max);
    return 0;
}

static int s_item (yt_doc_t *doc, yt_node_t *map, qp_item_t *item)
{
    static const char *const known[] = { "name", "unit", "at_most", "at_least", "range", "nominal",
                                         "tolerance", "hold_hours", NULL };
    if (yt_expect (doc, map, YT_MAP) != 0 || s_name (doc, map, "name", &item->name) != 0)
        return -1;
    yt_node_t *unit = yt_get (map, "unit");
    if (unit && !(item->unit = qu_find (yt_text (unit))))
        return yt_fail (doc, unit, "unknown unit \"%s\" (expected one of: %s)", yt_text (unit) ? yt_text (unit) : "",
                        qu_names ());
    if (s_limit (doc, map, item) != 0)
        return -1;
    yt_node_t *hold = yt_get (map, "hold_hours");
    if (hold) {
        double h;
        if (s_number (doc, hold, &h) != 0)
            return -1;
        if (!(h > 0 && h <= QP_MAX_HOLD_HOURS))
            return yt_fail (doc, hold, "expected hours above 0 and at most %d", QP_MAX_HOLD_HOURS);
        item->hold_us = (int64_t) llround (h * 60) * INT64_C (60000000);
        if (item->hold_us <= 0)
            return yt_fail (doc, hold, "shorter than a minute");
    }
    return yt_check_unknown (doc, map, known);
}

static int s_level (yt_doc_t *doc, yt_node_t *map, qp_level_t *level)
{
    static const char *const known[] = { "name", "role", "items", NULL };
    if (yt_expect (doc, map, YT_MAP) != 0 || s_name (doc, map, "name", &level->name) != 0)
        return -1;
    char *role = NULL;
    if (yt_str (doc, map, "role", true, 32, &role) != 0)
        return -1;
    level->role = role_parse (role);
    if (level->role < 0) {
        yt_fail (doc, yt_get (map, "role"), "unknown role \"%s\" (docs/security.md lists the roles)", role);
        free (role);
        return -1;
    }
    free (role);
    yt_node_t *items = yt_get (map, "items");
    if (!items)
        return yt_missing (doc, map, "items", "a level's checklist");
    if (yt_expect (doc, items, YT_SEQ) != 0)
        return -1;
    size_t n = yt_size (items);
    if (n == 0)
        return yt_fail (doc, items, "a level needs at least one item");
    if (n > QP_MAX_ITEMS)
        return yt_fail (doc, items, "at most %d items", QP_MAX_ITEMS);
    if (!(level->items = calloc (n, sizeof *level->items)))
        return yt_fail (doc, items, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (s_item (doc, yt_item (items, i), &level->items[level->n_items++]) != 0)
            return -1;
        if (qp_item_index (level, level->items[i].name) != (int) i)
            return yt_fail (doc, yt_get (yt_item (items, i), "name"), "item \"%s\" is listed twice in this level",
                            level->items[i].name);
    }
    return yt_check_unknown (doc, map, known);
}

static int s_plan (yt_doc_t *doc, yt_node_t *map, qp_plan_t *plan)
{
    static const char *const known[] = { "name", "product_lines", "kinds", "restart", "levels", NULL };
    if (yt_expect (doc, map, YT_MAP) != 0 || s_name (doc, map, "name", &plan->name) != 0
        || s_names (doc, map, "product_lines", false, &plan->product_lines, &plan->n_product_lines) != 0
        || s_names (doc, map, "kinds", true, &plan->kinds, &plan->n_kinds) != 0)
        return -1;
    int restart = QP_RESTART_FIRST;
    if (yt_enum (doc, map, "restart", false, s_restarts, &restart) != 0)
        return -1;
    plan->restart = (qp_restart_t) restart;
    yt_node_t *levels = yt_get (map, "levels");
    if (!levels)
        return yt_missing (doc, map, "levels", "the levels in the order they are signed");
    if (yt_expect (doc, levels, YT_SEQ) != 0)
        return -1;
    size_t n = yt_size (levels);
    if (n == 0 || n > QP_MAX_LEVELS)
        return yt_fail (doc, levels, "expected 1 to %d levels", QP_MAX_LEVELS);
    if (!(plan->levels = calloc (n, sizeof *plan->levels)))
        return yt_fail (doc, levels, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (s_level (doc, yt_item (levels, i), &plan->levels[plan->n_levels++]) != 0)
            return -1;
        if (qp_level_index (plan, plan->levels[i].name) != (int) i)
            return yt_fail (doc, yt_get (yt_item (levels, i), "name"), "level \"%s\" is listed twice in this plan",
                            plan->levels[i].name);
    }
    return yt_check_unknown (doc, map, known);
}

static int s_set (yt_doc_t *doc, qp_set_t *set)
{
    static const char *const known[] = { "default", "plans", NULL };
    yt_node_t *root = yt_root (doc);
    if (!root)
        return yt_fail (doc, NULL, "the file is empty (expected default: and plans:)");
    if (yt_expect (doc, root, YT_MAP) != 0)
        return -1;
    yt_node_t *plans = yt_get (root, "plans");
    if (!plans)
        return yt_missing (doc, root, "plans", "the inspection plans");
    if (yt_expect (doc, plans, YT_SEQ) != 0)
        return -1;
    size_t n = yt_size (plans);
    if (n == 0 || n > QP_MAX_PLANS)
        return yt_fail (doc, plans, "expected 1 to %d plans", QP_MAX_PLANS);
    if (!(set->plans = calloc (n, sizeof *set->plans)))
        return yt_fail (doc, plans, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (s_plan (doc, yt_item (plans, i), &set->plans[set->n++]) != 0)
            return -1;
        for (size_t j = 0; j < i; j++)
            if (strcmp (set->plans[j].name, set->plans[i].name) == 0)
                return yt_fail (doc, yt_get (yt_item (plans, i), "name"), "plan \"%s\" is listed twice",
                                set->plans[i].name);
    }
    char *def = NULL;
    if (yt_str (doc, root, "default", true, QP_NAME_MAX, &def) != 0)
        return -1;
    const qp_plan_t *fallback = qp_find (set, def);
    if (!fallback) {
        yt_fail (doc, yt_get (root, "default"), "no plan is called \"%s\"", def);
        free (def);
        return -1;
    }
    free (def);
    set->fallback = (int) (fallback - set->plans);
    return yt_check_unknown (doc, root, known);
}

static qp_set_t *s_load (yt_doc_t *doc, char *err, size_t errsize)
{
    qp_set_t *set = calloc (1, sizeof *set);
    if (!set) {
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    if (s_set (doc, set) != 0) {
        snprintf (err, errsize, "%s", yt_error (doc));
        qp_set_destroy (&set);
    }
    return set;
}

qp_set_t *qp_load_file (const char *path, char *err, size_t errsize)
{
    yt_doc_t *doc = yt_load_file (path, err, errsize);
    if (!doc)
        return NULL;
    qp_set_t *set = s_load (doc, err, errsize);
    yt_destroy (&doc);
    return set;
}

qp_set_t *qp_load_string (const char *name, const char *text, char *err, size_t errsize)
{
    yt_doc_t *doc = yt_load_string (name, text, err, errsize);
    if (!doc)
        return NULL;
    qp_set_t *set = s_load (doc, err, errsize);
    yt_destroy (&doc);
    return set;
}

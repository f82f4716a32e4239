/*  prices — see prices.h. One function for a branch's block, one for the file. */
#include "prices.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ident.h"
#include "conf/yamltree.h"

static const char *const s_keys[] = {
    "currency", "labour_per_hour", "labour_cap_per_hour", "travel_per_km", "free_km", "overrun_approval_bp",
    NULL};

/*  An amount at key (kept when absent and not required): a decimal in
 *  the currency's major unit, at least `min` minor units. */
static int s_amount (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, const char *currency,
                     int64_t min, int64_t *out)
{
    yt_node_t *node = yt_get (map, key);
    if (!node)
        return required ? yt_missing (doc, map, key, "an amount such as 80.00") : 0;
    const char *text = yt_text (node);
    if (!text)
        return yt_fail (doc, node, "expected an amount such as 80.00");
    char why[160] = "";
    int64_t v = 0;
    if (money_parse (text, currency, &v, why, sizeof why) != 0)
        return yt_fail (doc, node, "%s", why);
    if (v < min)
        return yt_fail (doc, node, "%s \"%s\" (expected %s)",
                        v < 0 ? "a negative amount" : "zero is not allowed", text,
                        min > 0 ? "more than 0" : "0 or more");
    *out = v;
    return 0;
}

/*  A branch's block (or the default's, with every key required): each key
 *  present replaces what *p holds. */
static int s_block (yt_doc_t *doc, yt_node_t *map, bool required, prices_t *p)
{
    if (yt_expect (doc, map, YT_MAP) != 0)
        return -1;
    yt_node_t *cur = yt_get (map, "currency");
    if (cur || required) {
        if (!cur)
            return yt_missing (doc, map, "currency", "an ISO 4217 code such as CNY");
        const char *code = yt_text (cur);
        if (!code || !money_currency_known (code))
            return yt_fail (doc, cur, "unknown currency \"%s\" (expected an ISO 4217 code such as CNY)",
                            code ? code : "");
        snprintf (p->currency, sizeof p->currency, "%s", code);
    }
    int64_t free_km = p->free_metres / 1000;
    if (s_amount (doc, map, "labour_per_hour", required, p->currency, 1, &p->labour_per_hour) != 0
        || s_amount (doc, map, "labour_cap_per_hour", required, p->currency, 1, &p->labour_cap_per_hour) != 0
        || s_amount (doc, map, "travel_per_km", required, p->currency, 0, &p->travel_per_km) != 0
        || yt_int (doc, map, "free_km", required, 0, PRICES_FREE_KM_MAX, &free_km) != 0
        || yt_int (doc, map, "overrun_approval_bp", required, 0, PRICES_OVERRUN_BP_MAX, &p->overrun_bp) != 0)
        return -1;
    p->free_metres = free_km * 1000;
    return yt_check_unknown (doc, map, s_keys);
}

static int s_set (yt_doc_t *doc, prices_set_t *set)
{
    static const char *const known[] = {"default", "branches", NULL};
    yt_node_t *root = yt_root (doc);
    if (!root)
        return yt_fail (doc, NULL, "the file is empty (expected default: and branches:)");
    if (yt_expect (doc, root, YT_MAP) != 0)
        return -1;
    yt_node_t *def = yt_get (root, "default");
    if (!def)
        return yt_missing (doc, root, "default", "the prices of every branch not listed");
    snprintf (set->fallback.branch, sizeof set->fallback.branch, "default");
    if (s_block (doc, def, true, &set->fallback) != 0)
        return -1;
    yt_node_t *branches = yt_get (root, "branches");
    if (branches) {
        if (yt_expect (doc, branches, YT_MAP) != 0)
            return -1;
        size_t n = yt_size (branches);
        if (n > PRICES_MAX_BRANCHES)
            return yt_fail (doc, branches, "at most %d branches", PRICES_MAX_BRANCHES);
        if (n && !(set->branches = calloc (n, sizeof *set->branches)))
            return yt_fail (doc, branches, "out of memory");
        for (size_t i = 0; i < n; i++) {
            const char *id = yt_key_at (branches, i);
            yt_node_t *block = yt_value_at (branches, i);
            if (!ident_valid (id, PRICES_BRANCH_MAX))
                return yt_fail (doc, block, "\"%s\" is not a branch id (1 to %d of A-Z a-z 0-9 _ -)",
                                id ? id : "", PRICES_BRANCH_MAX);
            prices_t *p = &set->branches[set->n++];
            *p = set->fallback;
            snprintf (p->branch, sizeof p->branch, "%s", id);
            /* a branch in another currency names all its amounts in it */
            bool own_currency = yt_get (block, "currency") != NULL;
            if (s_block (doc, block, own_currency, p) != 0)
                return -1;
        }
    }
    return yt_check_unknown (doc, root, known);
}

static prices_set_t *s_load (yt_doc_t *doc, char *err, size_t errsize)
{
    prices_set_t *set = calloc (1, sizeof *set);
    if (!set) {
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    if (s_set (doc, set) != 0) {
        snprintf (err, errsize, "%s", yt_error (doc));
        prices_destroy (&set);
    }
    return set;
}

prices_set_t *prices_load_file (const char *path, char *err, size_t errsize)
{
    yt_doc_t *doc = yt_load_file (path, err, errsize);
    if (!doc)
        return NULL;
    prices_set_t *set = s_load (doc, err, errsize);
    yt_destroy (&doc);
    return set;
}

prices_set_t *prices_load_string (const char *name, const char *text, char *err, size_t errsize)
{
    yt_doc_t *doc = yt_load_string (name, text, err, errsize);
    if (!doc)
        return NULL;
    prices_set_t *set = s_load (doc, err, errsize);
    yt_destroy (&doc);
    return set;
}

void prices_destroy (prices_set_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free ((*self_p)->branches);
    free (*self_p);
    *self_p = NULL;
}

const prices_t *prices_for (const prices_set_t *set, const char *branch)
{
    for (int i = 0; branch && i < set->n; i++)
        if (strcmp (set->branches[i].branch, branch) == 0)
            return &set->branches[i];
    return &set->fallback;
}

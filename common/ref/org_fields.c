/*  org_fields — see org_fields.h: the field readers and reference checks
 *  the organisation loader's sections share. */
#include "org_fields.h"

#include "base/ident.h"
#include "base/money.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/*  An identifier: 1 to 32 of A-Z a-z 0-9 _ -. */
int orgf_id (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, char **out)
{
    if (yt_str (doc, map, key, required, 256, out) != 0)
        return -1;
    if (*out && !ident_valid (*out, ORG_MAX_ID))
        return yt_fail (doc, yt_get (map, key),
                        "\"%s\" is not an identifier (1 to 32 of A-Z a-z 0-9 _ -)", *out);
    return 0;
}

static int s_key_cmp (const void *a, const void *b)
{
    const orgf_key_t *x = a, *y = b;
    int c = strcmp (x->id, y->id);
    return c ? c : (x->index < y->index ? -1 : x->index > y->index);
}

/*  Refuses the first repeated id among n keys (in document order). */
int orgf_no_duplicates (yt_doc_t *doc, orgf_key_t *keys, size_t n, const char *what)
{
    if (n < 2)
        return 0;
    qsort (keys, n, sizeof *keys, s_key_cmp);
    const orgf_key_t *worst = NULL, *first = NULL;
    for (size_t i = 1; i < n; i++)
        if (strcmp (keys[i].id, keys[i - 1].id) == 0 && (!worst || keys[i].index < worst->index)) {
            worst = &keys[i];
            size_t j = i - 1;
            while (j > 0 && strcmp (keys[j - 1].id, keys[i].id) == 0)
                j--;
            first = &keys[j];
        }
    if (!worst)
        return 0;
    return yt_fail (doc, worst->node, "duplicate %s \"%s\" (first at line %d)", what, worst->id,
                    yt_line (first->node));
}

const char *orgf_region_at (const org_t *org, int i)
{
    return org->regions[i].id;
}

const char *orgf_branch_at (const org_t *org, int i)
{
    return org->branches[i].id;
}

/*  Index of id among the first n records, or -1. */
int orgf_find (const org_t *org, orgf_id_at_fn at, int n, const char *id)
{
    for (int i = 0; id && i < n; i++)
        if (at (org, i) && strcmp (at (org, i), id) == 0)
            return i;
    return -1;
}

/*  Resolves a reference or fails listing (the first few) valid choices. */
int orgf_ref (yt_doc_t *doc, const org_t *org, const yt_node_t *node, const char *what,
                  orgf_id_at_fn at, int n, const char *id, int *index)
{
    *index = orgf_find (org, at, n, id);
    if (*index >= 0)
        return 0;
    char list[300] = "";
    size_t used = 0;
    for (int i = 0, shown = 0; i < n; i++) {
        const char *choice = at (org, i);
        if (orgf_find (org, at, i, choice) >= 0)
            continue; /* product lines repeat: show each once */
        if (shown == 12 || used + strlen (choice) + 8 >= sizeof list) {
            snprintf (list + used, sizeof list - used, ", ...");
            break;
        }
        int w = snprintf (list + used, sizeof list - used, "%s%s", shown++ ? ", " : "", choice);
        used += w > 0 ? (size_t) w : 0;
    }
    return yt_fail (doc, node, "unknown %s \"%s\" (expected one of: %s)", what, id,
                    n ? list : "none defined");
}

/*  A required section: a non-empty list (or an optional one, possibly absent). */
int orgf_list (yt_doc_t *doc, yt_node_t *root, const char *key, bool required, yt_node_t **out)
{
    *out = yt_get (root, key);
    const char *text = yt_text (*out);
    if (!*out || (text && (!*text || strcmp (text, "~") == 0))) {
        *out = NULL;
        if (required)
            return yt_missing (doc, root, key, "a list");
        return 0;
    }
    if (yt_expect (doc, *out, YT_SEQ) != 0)
        return -1;
    if (yt_size (*out) > ORG_MAX_ITEMS)
        return yt_fail (doc, *out, "more than %d entries", ORG_MAX_ITEMS);
    if (required && yt_size (*out) == 0)
        return yt_fail (doc, *out, "must list at least one entry");
    return 0;
}

/*  An optional section of mappings, with room for its entries. */
int orgf_section (yt_doc_t *doc, yt_node_t *root, const char *key, size_t size, void **rows, yt_node_t **list)
{
    if (orgf_list (doc, root, key, false, list) != 0)
        return -1;
    for (size_t i = 0; i < yt_size (*list); i++)
        if (yt_expect (doc, yt_item (*list, i), YT_MAP) != 0)
            return -1;
    if (!(*rows = orgf_calloc (yt_size (*list), size)))
        return yt_fail (doc, root, "out of memory");
    return 0;
}

/*  Runs the duplicate check over the id member of each map in a list. */
int orgf_list_unique (yt_doc_t *doc, yt_node_t *list, const char *key, const char *what)
{
    size_t n = yt_size (list);
    if (n < 2)
        return 0;
    orgf_key_t *keys = calloc (n, sizeof *keys);
    if (!keys)
        return yt_fail (doc, list, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yt_node_t *item = yt_item (list, i);
        yt_node_t *node = yt_kind (item) == YT_MAP ? yt_get (item, key) : item;
        keys[i] = (orgf_key_t) { yt_text (node) ? yt_text (node) : "", node, i };
    }
    int rc = orgf_no_duplicates (doc, keys, n, what);
    free (keys);
    return rc;
}

/*  calloc that never returns NULL for zero items. */
void *orgf_calloc (size_t n, size_t size)
{
    return calloc (n ? n : 1, size);
}

static bool s_date_valid (const char *text)
{
    if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
            return false;
    int year = atoi (text), month = atoi (text + 5), day = atoi (text + 8);
    static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    if (year < 1900 || year > 2999 || month < 1 || month > 12 || day < 1)
        return false;
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return day <= mdays[month - 1] + (month == 2 && leap);
}

/*  A calendar date "YYYY-MM-DD" (a real day, year 1900 to 2999). */
int orgf_date (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, char **out)
{
    if (yt_free_text (doc, map, key, required, 10, out) != 0)
        return -1;
    if (*out && !s_date_valid (*out))
        return yt_fail (doc, yt_get (map, key),
                        "\"%s\" is not a calendar date (expected YYYY-MM-DD, year 1900 to 2999)", *out);
    return 0;
}

/*  An ISO 4217 currency code; `out` keeps its default when absent. */
int orgf_currency (yt_doc_t *doc, yt_node_t *map, const char *key, char out[MONEY_CODE_SIZE])
{
    char *code = NULL;
    if (yt_str (doc, map, key, false, 16, &code) != 0)
        return -1;
    if (!code)
        return 0;
    bool known = money_currency_known (code);
    if (known)
        snprintf (out, MONEY_CODE_SIZE, "%s", code);
    else
        yt_fail (doc, yt_get (map, key), "unknown currency \"%s\" (expected an ISO 4217 code such as CNY)",
                 code);
    free (code);
    return known ? 0 : -1;
}

/*  An amount in the currency's major unit, exact, not negative. */
int orgf_amount (yt_doc_t *doc, yt_node_t *map, const char *key, const char *currency, int64_t *out,
                 bool *present)
{
    char *text = NULL, why[200];
    if (yt_str (doc, map, key, present == NULL, 64, &text) != 0)
        return -1;
    if (present)
        *present = text != NULL;
    if (!text)
        return 0;
    int rc = 0;
    if (text[0] == '-')
        rc = yt_fail (doc, yt_get (map, key), "\"%s\" is negative (expected an amount of 0 or more, as 12.50)",
                      text);
    else if (money_parse (text, currency, out, why, sizeof why) != 0)
        rc = yt_fail (doc, yt_get (map, key), "%s", why);
    free (text);
    return rc;
}

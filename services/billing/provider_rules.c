/*  provider_rules — see provider_rules.h. One function per part of the
 *  file: the grades, the eligibility rules. */
#include "provider_rules.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ident.h"
#include "conf/yamltree.h"

#define POINTS_MAX 10000      /* 100 points in hundredths */
#define COEFFICIENT_MAX 10000 /* 10× in thousandths */

int pr_parse_decimal (const char *text, int digits, int64_t max, int64_t *out)
{
    if (!text || !isdigit ((unsigned char) *text))
        return -1;
    const char *p = text;
    int64_t v = 0;
    while (isdigit ((unsigned char) *p)) {
        v = v * 10 + (*p++ - '0');
        if (v > max)
            return -1;
    }
    int seen = 0;
    if (*p == '.') {
        p++;
        while (isdigit ((unsigned char) *p) && seen < digits) {
            v = v * 10 + (*p++ - '0');
            seen++;
        }
        if (seen == 0)
            return -1;
    }
    if (*p)
        return -1; /* more decimals than allowed, or anything else */
    for (; seen < digits; seen++)
        if ((v = v * 10) > max)
            return -1;
    if (v > max)
        return -1;
    *out = v;
    return 0;
}

/*  A decimal value under key (required or not): *out untouched when absent. */
static int s_decimal (yt_doc_t *doc, yt_node_t *map, const char *key, bool required, int digits, int64_t max,
                      const char *expected, int64_t *out)
{
    yt_node_t *n = yt_get (map, key);
    if (!n)
        return required ? yt_missing (doc, map, key, expected) : 0;
    if (yt_kind (n) != YT_SCALAR || pr_parse_decimal (yt_text (n), digits, max, out) != 0)
        return yt_fail (doc, n, "expected %s", expected);
    return 0;
}

static int s_grade_index (const pr_rules_t *r, const char *name)
{
    for (int i = 0; i < r->n_grades; i++)
        if (strcmp (r->grades[i].name, name) == 0)
            return i;
    return -1;
}

static int s_grade (yt_doc_t *doc, yt_node_t *it, pr_rules_t *r)
{
    char *name = NULL;
    if (yt_expect (doc, it, YT_MAP) != 0 || yt_str (doc, it, "grade", true, GRADE_NAME_MAX, &name) != 0)
        return -1;
    bool valid = ident_valid (name, GRADE_NAME_MAX);
    bool twice = valid && s_grade_index (r, name) >= 0;
    grade_band_t *g = &r->grades[r->n_grades];
    snprintf (g->name, sizeof g->name, "%s", name);
    free (name);
    if (!valid)
        return yt_fail (doc, yt_get (it, "grade"), "not a grade name (1 to %d of A-Z a-z 0-9 _ -)", GRADE_NAME_MAX);
    if (twice)
        return yt_fail (doc, yt_get (it, "grade"), "grade \"%s\" is listed twice", g->name);
    int64_t min = 0, coef = 0;
    if (s_decimal (doc, it, "min", true, 2, POINTS_MAX, "the lowest average of the band: points from 0 to 100 (two decimals at most)", &min) != 0
        || s_decimal (doc, it, "coefficient", true, 3, COEFFICIENT_MAX, "a coefficient from 0 to 10 (three decimals at most, 1.2 for 120 %)", &coef) != 0)
        return -1;
    for (int i = 0; i < r->n_grades; i++)
        if (r->grades[i].min_average == min)
            return yt_fail (doc, yt_get (it, "min"), "grade %s starts where grade %s does", g->name, r->grades[i].name);
    g->min_average = (int32_t) min;
    g->coefficient = (int32_t) coef;
    r->n_grades++;
    static const char *const known[] = { "grade", "min", "coefficient", NULL };
    return yt_check_unknown (doc, it, known);
}

/*  The grade table: bands by their lowest average, one of them from 0, a
 *  higher band never paying a lower coefficient. */
static int s_grades (yt_doc_t *doc, yt_node_t *root, pr_rules_t *r)
{
    const char *what = "the grade table: a list of {grade, min, coefficient}, one band with min 0";
    yt_node_t *seq = yt_get (root, "grades");
    if (!seq)
        return yt_missing (doc, root, "grades", what);
    if (yt_expect (doc, seq, YT_SEQ) != 0)
        return -1;
    size_t n = yt_size (seq);
    if (n == 0 || n > PR_MAX_GRADES)
        return yt_fail (doc, seq, "expected 1 to %d grades", PR_MAX_GRADES);
    for (size_t i = 0; i < n; i++)
        if (s_grade (doc, yt_item (seq, i), r) != 0)
            return -1;
    if (!grade_for (r->grades, r->n_grades, 0))
        return yt_fail (doc, seq, "no grade starts at min 0: every average must have a grade");
    for (int i = 0; i < r->n_grades; i++)
        for (int j = 0; j < r->n_grades; j++)
            if (r->grades[i].min_average > r->grades[j].min_average
                && r->grades[i].coefficient < r->grades[j].coefficient)
                return yt_fail (doc, yt_item (seq, (size_t) i), "grade %s (from %d.%02d) pays less than grade %s below it",
                                r->grades[i].name, r->grades[i].min_average / 100, r->grades[i].min_average % 100,
                                r->grades[j].name);
    return 0;
}

static int s_eligibility (yt_doc_t *doc, yt_node_t *root, pr_rules_t *r)
{
    yt_node_t *m = yt_get (root, "eligibility");
    if (!m)
        return 0; /* no rules: every provider is eligible */
    if (yt_expect (doc, m, YT_MAP) != 0)
        return -1;
    int64_t min = -1;
    if (s_decimal (doc, m, "callback_satisfaction_min", false, 2, POINTS_MAX,
                   "a percentage from 0 to 100 (two decimals at most)", &min) != 0)
        return -1;
    r->satisfaction_rule = min >= 0;
    r->satisfaction_min = r->satisfaction_rule ? (int32_t) min : 0;
    if (yt_bool (doc, m, "no_media_exposure", false, &r->no_media_exposure) != 0)
        return -1;
    static const char *const known[] = { "callback_satisfaction_min", "no_media_exposure", NULL };
    return yt_check_unknown (doc, m, known);
}

static pr_rules_t *s_load (yt_doc_t *doc, char *err, size_t errsize)
{
    pr_rules_t *r = calloc (1, sizeof *r);
    if (!r) {
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    yt_node_t *root = yt_root (doc);
    int64_t threshold = 8500, factor = 10;
    int rc = -1;
    if (!root)
        snprintf (err, errsize, "%s", "the providers file is empty");
    else if (yt_expect (doc, root, YT_MAP) == 0
             && s_decimal (doc, root, "threshold", false, 2, POINTS_MAX, "points from 0 to 100 (two decimals at most)", &threshold) == 0
             && s_grades (doc, root, r) == 0 && s_eligibility (doc, root, r) == 0
             && yt_int (doc, root, "fraud_factor", false, 1, 1000, &factor) == 0) {
        static const char *const known[] = { "threshold", "grades", "eligibility", "fraud_factor", NULL };
        rc = yt_check_unknown (doc, root, known);
    }
    r->threshold = (int32_t) threshold;
    r->fraud_factor = (int32_t) factor;
    if (rc != 0) {
        if (root)
            snprintf (err, errsize, "%s", yt_error (doc));
        pr_destroy (&r);
    }
    return r;
}

/*  The rules of a parsed document (NULL: it did not parse; err says why). */
static pr_rules_t *s_from (yt_doc_t *doc, char *err, size_t errsize)
{
    pr_rules_t *r = doc ? s_load (doc, err, errsize) : NULL;
    yt_destroy (&doc);
    return r;
}

pr_rules_t *pr_load_file (const char *path, char *err, size_t errsize)
{
    return s_from (yt_load_file (path, err, errsize), err, errsize);
}

pr_rules_t *pr_load_string (const char *name, const char *text, char *err, size_t errsize)
{
    return s_from (yt_load_string (name, text, err, errsize), err, errsize);
}

void pr_destroy (pr_rules_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free (*self_p);
    *self_p = NULL;
}

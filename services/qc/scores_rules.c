/*  scores_rules — see scores_rules.h. One function per part of the file:
 *  the agents' section, a parts table, the events. */
#include "scores_rules.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/ident.h"
#include "conf/yamltree.h"

const char *const sr_part_names[] = {
    "first_pass", "arrival_sla", "callback_satisfaction", "complaint_handling", "regional_assessment", NULL,
};

int sr_parse_points (const char *text, int max_points, int64_t *cp)
{
    if (!text)
        return -1;
    const char *p = text;
    bool neg = false;
    if (*p == '-' || *p == '+')
        neg = *p++ == '-';
    if (!isdigit ((unsigned char) *p))
        return -1;
    int64_t whole = 0;
    while (isdigit ((unsigned char) *p)) {
        whole = whole * 10 + (*p++ - '0');
        if (whole > max_points)
            return -1;
    }
    int64_t frac = 0;
    if (*p == '.') {
        p++;
        int digits = 0;
        while (isdigit ((unsigned char) *p) && digits < 2) {
            frac = frac * 10 + (*p++ - '0');
            digits++;
        }
        if (digits == 0)
            return -1;
        if (digits == 1)
            frac *= 10;
    }
    if (*p)
        return -1; /* a third decimal, or anything else */
    int64_t v = whole * 100 + frac;
    if (v > (int64_t) max_points * 100)
        return -1;
    *cp = neg ? -v : v;
    return 0;
}

/*  The agents' section: the sample's share, the complaint deduction, the form. */
static int s_agents (yt_doc_t *doc, yt_node_t *root, sr_rules_t *r)
{
    yt_node_t *a = yt_get (root, "agents");
    if (!a)
        return yt_missing (doc, root, "agents", "sample_percent, complaint_points and the call-handling form");
    if (yt_expect (doc, a, YT_MAP) != 0)
        return -1;
    int64_t v = 10;
    if (yt_int (doc, a, "sample_percent", true, 1, 100, &v) != 0)
        return -1;
    r->sample_percent = (int) v;
    yt_node_t *cp = yt_get (a, "complaint_points");
    if (cp && sr_parse_points (yt_text (cp), 100, &r->complaint_cp) != 0)
        return yt_fail (doc, cp, "expected points from 0 to 100 (at most two decimals)");
    if (r->complaint_cp < 0)
        return yt_fail (doc, cp, "a complaint deducts: give the points it deducts as a number from 0 to 100");
    yt_node_t *form = yt_get (a, "form");
    if (!form)
        return yt_missing (doc, a, "form", "the call-handling form: a list of {item, weight}, weights summing to 100");
    if (yt_expect (doc, form, YT_SEQ) != 0)
        return -1;
    size_t n = yt_size (form);
    if (n == 0 || n > SR_MAX_FORM_ITEMS)
        return yt_fail (doc, form, "expected 1 to %d items", SR_MAX_FORM_ITEMS);
    int sum = 0;
    for (size_t i = 0; i < n; i++) {
        yt_node_t *it = yt_item (form, i);
        sr_form_item_t *f = &r->form[r->n_form];
        int64_t w = 0;
        if (yt_expect (doc, it, YT_MAP) != 0 || yt_str (doc, it, "item", true, SR_NAME_MAX, &f->item) != 0)
            return -1;
        r->n_form++;
        if (!ident_valid (f->item, SR_NAME_MAX))
            return yt_fail (doc, yt_get (it, "item"), "\"%s\" is not a name (1 to 64 of A-Z a-z 0-9 _ -)", f->item);
        if (sr_form_index (r, f->item) != r->n_form - 1)
            return yt_fail (doc, yt_get (it, "item"), "item \"%s\" is listed twice", f->item);
        if (yt_int (doc, it, "weight", true, 1, 100, &w) != 0)
            return -1;
        f->weight = (int) w;
        sum += f->weight;
        static const char *const known[] = { "item", "weight", NULL };
        if (yt_check_unknown (doc, it, known) != 0)
            return -1;
    }
    if (sum != 100)
        return yt_fail (doc, form, "the weights sum to %d (expected 100)", sum);
    static const char *const known[] = { "sample_percent", "complaint_points", "form", NULL };
    return yt_check_unknown (doc, a, known);
}

/*  A parts table (technicians or providers): part: weight, summing to 100. */
static int s_parts (yt_doc_t *doc, yt_node_t *root, const char *key, int *weights)
{
    yt_node_t *m = yt_get (root, key);
    if (!m)
        return yt_missing (doc, root, key, "the measured parts and their weights, summing to 100");
    if (yt_expect (doc, m, YT_MAP) != 0)
        return -1;
    int sum = 0;
    for (int p = 0; p < SR_PART_COUNT; p++) {
        int64_t w = 0;
        if (yt_int (doc, m, sr_part_names[p], false, 0, 100, &w) != 0)
            return -1;
        weights[p] = (int) w;
        sum += weights[p];
    }
    if (yt_check_unknown (doc, m, sr_part_names) != 0)
        return -1;
    if (sum != 100)
        return yt_fail (doc, m, "the weights sum to %d (expected 100)", sum);
    return 0;
}

/*  The standard of recorded events. */
static int s_events (yt_doc_t *doc, yt_node_t *root, sr_rules_t *r)
{
    yt_node_t *seq = yt_get (root, "events");
    if (!seq)
        return yt_missing (doc, root, "events", "the standard of recorded events: a list of {code, points, name}");
    if (yt_expect (doc, seq, YT_SEQ) != 0)
        return -1;
    size_t n = yt_size (seq);
    if (n == 0 || n > SR_MAX_EVENTS)
        return yt_fail (doc, seq, "expected 1 to %d events", SR_MAX_EVENTS);
    for (size_t i = 0; i < n; i++) {
        yt_node_t *it = yt_item (seq, i);
        sr_event_t *e = &r->events[r->n_events];
        if (yt_expect (doc, it, YT_MAP) != 0 || yt_str (doc, it, "code", true, SR_NAME_MAX, &e->code) != 0)
            return -1;
        r->n_events++;
        if (!ident_valid (e->code, SR_NAME_MAX))
            return yt_fail (doc, yt_get (it, "code"), "\"%s\" is not a code (1 to 64 of A-Z a-z 0-9 _ -)", e->code);
        if (sr_event (r, e->code) != e)
            return yt_fail (doc, yt_get (it, "code"), "code \"%s\" is listed twice", e->code);
        yt_node_t *pts = yt_get (it, "points");
        if (!pts)
            return yt_missing (doc, it, "points", "the default points: negative deducts, positive adds");
        if (sr_parse_points (yt_text (pts), 100, &e->points) != 0)
            return yt_fail (doc, pts, "expected points from -100 to 100 (at most two decimals)");
        if (e->points == 0)
            return yt_fail (doc, pts, "an event deducts (negative) or adds (positive): 0 is neither");
        if (yt_free_text (doc, it, "name", false, 200, &e->name) != 0)
            return -1;
        static const char *const known[] = { "code", "points", "name", NULL };
        if (yt_check_unknown (doc, it, known) != 0)
            return -1;
    }
    return 0;
}

static sr_rules_t *s_load (yt_doc_t *doc, char *err, size_t errsize)
{
    sr_rules_t *r = calloc (1, sizeof *r);
    if (!r) {
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    yt_node_t *root = yt_root (doc);
    int64_t threshold = 85;
    int rc = -1;
    if (!root)
        snprintf (err, errsize, "%s", "the scores file is empty");
    else if (yt_expect (doc, root, YT_MAP) == 0 && yt_int (doc, root, "threshold", false, 0, 100, &threshold) == 0
             && s_agents (doc, root, r) == 0 && s_parts (doc, root, "technicians", r->technician) == 0
             && s_parts (doc, root, "providers", r->provider) == 0 && s_events (doc, root, r) == 0) {
        static const char *const known[] = { "threshold", "agents", "technicians", "providers", "events", NULL };
        rc = yt_check_unknown (doc, root, known);
    }
    r->threshold = (int) threshold;
    if (rc != 0) {
        if (root)
            snprintf (err, errsize, "%s", yt_error (doc));
        sr_destroy (&r);
    }
    return r;
}

sr_rules_t *sr_load_file (const char *path, char *err, size_t errsize)
{
    yt_doc_t *doc = yt_load_file (path, err, errsize);
    if (!doc)
        return NULL;
    sr_rules_t *r = s_load (doc, err, errsize);
    yt_destroy (&doc);
    return r;
}

sr_rules_t *sr_load_string (const char *name, const char *text, char *err, size_t errsize)
{
    yt_doc_t *doc = yt_load_string (name, text, err, errsize);
    if (!doc)
        return NULL;
    sr_rules_t *r = s_load (doc, err, errsize);
    yt_destroy (&doc);
    return r;
}

void sr_destroy (sr_rules_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sr_rules_t *r = *self_p;
    for (int i = 0; i < r->n_form; i++)
        free (r->form[i].item);
    for (int i = 0; i < r->n_events; i++) {
        free (r->events[i].code);
        free (r->events[i].name);
    }
    free (r);
    *self_p = NULL;
}

const sr_event_t *sr_event (const sr_rules_t *self, const char *code)
{
    for (int i = 0; i < self->n_events; i++)
        if (strcmp (self->events[i].code, code) == 0)
            return &self->events[i];
    return NULL;
}

int sr_form_index (const sr_rules_t *self, const char *item)
{
    for (int i = 0; i < self->n_form; i++)
        if (strcmp (self->form[i].item, item) == 0)
            return i;
    return -1;
}

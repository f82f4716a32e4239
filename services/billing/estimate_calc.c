/*  estimate_calc — see estimate_calc.h. */
#include "estimate_calc.h"

#include <stdio.h>
#include <string.h>

static int s_add (est_result_t *r, est_line_t line, char *err, size_t errsize)
{
    line.warranty = r->warranty;
    line.reason = r->reason;
    r->lines[r->n++] = line;
    return pricing_sum (line.warranty ? &r->warranty_total : &r->total, line.amount, err, errsize);
}

int estimate_calc (const prices_t *p, const warranty_facts_t *facts, const est_part_t *parts, int n_parts,
                   int64_t labour_minutes, int64_t distance_m, est_result_t *out, char *err, size_t errsize)
{
    est_result_t r;
    memset (&r, 0, sizeof r);
    if (n_parts < 0 || n_parts > EST_MAX_PARTS) {
        snprintf (err, errsize, "parts: at most %d lines", EST_MAX_PARTS);
        return -1;
    }
    r.reason = warranty_decide (facts);
    r.warranty = r.reason == WARRANTY_COVERED;
    char why[200];
    for (int i = 0; i < n_parts; i++) {
        est_line_t line = {
            EST_LINE_PART, parts[i].code, parts[i].name, parts[i].quantity, parts[i].cost, 0, false, 0};
        if (pricing_part_line (parts[i].cost, parts[i].quantity, &line.amount, why, sizeof why) != 0
            || s_add (&r, line, why, sizeof why) != 0) {
            snprintf (err, errsize, "parts[%d] (%s): %s", i, parts[i].code ? parts[i].code : "", why);
            return -1;
        }
    }
    int64_t rate = p->labour_per_hour < p->labour_cap_per_hour ? p->labour_per_hour : p->labour_cap_per_hour;
    est_line_t labour = {EST_LINE_LABOUR, NULL, "labour", labour_minutes, rate, 0, false, 0};
    if (pricing_labour (p, labour_minutes, &labour.amount, why, sizeof why) != 0
        || s_add (&r, labour, why, sizeof why) != 0) {
        snprintf (err, errsize, "labour_minutes: %s", why);
        return -1;
    }
    int64_t charged = distance_m > p->free_metres ? distance_m - p->free_metres : 0;
    est_line_t travel = {EST_LINE_TRAVEL, NULL, "travel", charged, p->travel_per_km, 0, false, 0};
    if (pricing_travel (p, distance_m, &travel.amount, why, sizeof why) != 0) {
        snprintf (err, errsize, "distance_m: %s", why);
        return -1;
    }
    if (charged > 0 && s_add (&r, travel, why, sizeof why) != 0) {
        snprintf (err, errsize, "distance_m: %s", why);
        return -1;
    }
    *out = r;
    return 0;
}

const char *estimate_line_kind_name (est_line_kind_t kind)
{
    static const char *const names[] = {"part", "labour", "travel"};
    return (int) kind >= 0 && kind <= EST_LINE_TRAVEL ? names[kind] : NULL;
}

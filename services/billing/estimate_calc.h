/*  estimate_calc — an estimate's lines from a diagnosis, priced and each
 *  decided warranty or chargeable (docs/billing.md "Estimates"). Pure: the
 *  caller reads the facts (the card, the product, the install, the
 *  confirmed findings, the parts' costs) and stores the result.
 *
 *  Lines, in this order: each part (cost × quantity), labour (minutes at
 *  the capped hourly rate), travel (beyond the free distance) when the
 *  distance is charged for anything. Every line carries the unit's one
 *  warranty decision (model/warranty.h) and its reason; a warranty line
 *  costs the customer nothing and counts in warranty_total instead.
 */
#ifndef KEFU_BILLING_ESTIMATE_CALC_H
#define KEFU_BILLING_ESTIMATE_CALC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/warranty.h"
#include "pricing.h"

#define EST_MAX_PARTS 100
#define EST_MAX_LINES (EST_MAX_PARTS + 2)

typedef enum { EST_LINE_PART = 0, EST_LINE_LABOUR, EST_LINE_TRAVEL } est_line_kind_t;

typedef struct {
    const char *code; /* ref.parts.code */
    const char *name;
    int64_t cost; /* minor units in the branch's currency */
    int64_t quantity;
} est_part_t;

typedef struct {
    est_line_kind_t kind;
    const char *code; /* the part's, or NULL */
    const char *description; /* the part's name, "labour", "travel" */
    int64_t quantity; /* parts: pieces; labour: minutes; travel: metres charged */
    int64_t unit_amount; /* parts: cost; labour: the hourly rate; travel: per km */
    int64_t amount;
    bool warranty;
    warranty_reason_t reason;
} est_line_t;

typedef struct {
    est_line_t lines[EST_MAX_LINES];
    int n;
    bool warranty; /* the unit's decision */
    warranty_reason_t reason;
    int64_t total; /* what the customer pays */
    int64_t warranty_total; /* what warranty pays */
} est_result_t;

/*  Prices the diagnosis. Returns 0, or -1 with the reason in err (a value
 *  out of range, an overflow). */
int estimate_calc (const prices_t *prices, const warranty_facts_t *facts, const est_part_t *parts,
                   int n_parts, int64_t labour_minutes, int64_t distance_m, est_result_t *out, char *err,
                   size_t errsize);

const char *estimate_line_kind_name (est_line_kind_t kind);

#endif

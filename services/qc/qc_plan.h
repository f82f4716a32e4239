/*  qc_plan — inspection plans (docs/qc.md "Plans"): which plan a work
 *  order gets, its levels in order, each level's signing role and
 *  checklist, and the judgement of one item's reading against its limit.
 *
 *  A plan set is loaded once from the plans file (qc_plans_load.h) and is
 *  read-only afterwards; everything here borrows from it.
 *
 *  An item is pass/fail, or a measured value in a unit (qc_units.h) with a
 *  limit: at most, at least, a range, or nominal ± tolerance. Any item may
 *  also be timed (hold): it passes only when its reading was taken at least
 *  the hold after its start (a 24 h water test).
 *
 *  Two outcomes are kept apart: a reading that is wrong input (the wrong
 *  unit, outside the unit's physical range, a result for a measured item,
 *  a read before the start) is refused (qp_judge returns -1) and nothing
 *  is recorded; a well-formed reading that misses the limit FAILS the item
 *  (qp_judge returns 0, pass false, with the reason).
 */
#ifndef KEFU_QC_PLAN_H
#define KEFU_QC_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "qc_units.h"

#define QP_NAME_MAX 64   /* plan, level and item names: identifiers */
#define QP_MAX_LEVELS 16
#define QP_MAX_ITEMS 64

typedef enum {
    QP_PASS_FAIL = 0, /* the signer says pass or fail */
    QP_AT_MOST,       /* value <= a */
    QP_AT_LEAST,      /* value >= a */
    QP_RANGE,         /* a <= value <= b */
    QP_NOMINAL,       /* |value - a| <= b (b the tolerance) */
} qp_limit_t;

typedef struct {
    char *name;
    qp_limit_t limit;
    const qu_unit_t *unit; /* NULL for pass/fail */
    double a, b;
    int64_t hold_us;       /* > 0: a timed item */
} qp_item_t;

typedef struct {
    char *name;
    int role;              /* role_t (auth/roles.h) */
    qp_item_t *items;
    int n_items;
} qp_level_t;

typedef enum {
    QP_RESTART_FIRST = 0,  /* a rework is inspected from the first level */
    QP_RESTART_FAILED,     /* ... from the level that failed */
} qp_restart_t;

typedef struct {
    char *name;
    char **product_lines;  /* matched when the order's line is one of them; none: any */
    int n_product_lines;
    char **kinds;          /* matched when the order's kind is one of them; none: any */
    int n_kinds;
    qp_restart_t restart;
    qp_level_t *levels;
    int n_levels;
} qp_plan_t;

typedef struct {
    qp_plan_t *plans;
    int n;
    int fallback;          /* index of the default plan */
} qp_set_t;

/*  What a signer reported for one item (from inspection.sign). */
typedef struct {
    bool has_result, result_pass;     /* pass/fail items */
    bool has_value;
    double value;
    const char *unit;                 /* the unit given with value (any spelling) */
    bool has_times;
    int64_t started_us, read_us;      /* timed items */
} qp_reading_t;

/*  The plan for a work order of product line `line` (NULL: none given) and
 *  `kind`: the first plan in file order whose lists both match, else the
 *  default. Never NULL for a loaded set. */
const qp_plan_t *qp_choose (const qp_set_t *set, const char *line, const char *kind);

/*  The plan called name, or NULL. */
const qp_plan_t *qp_find (const qp_set_t *set, const char *name);
/*  The index of the level called name in plan, or -1. */
int qp_level_index (const qp_plan_t *plan, const char *name);
/*  The index of the item called name in level, or -1. */
int qp_item_index (const qp_level_t *level, const char *name);

/*  Judges one reading of item, taken at `now_us`. Returns -1 when the
 *  reading is wrong input, with "what was wrong" in err (the caller puts
 *  the field in front); else 0 with *pass and, for a failed item, the
 *  reason ("14.2 % is over the limit of at most 12 %") in reason. */
int qp_judge (const qp_item_t *item, const qp_reading_t *r, int64_t now_us, bool *pass, char *reason,
              size_t reason_size, char *err, size_t errsize);

/*  The limit as people read it: "at most 12 %", "2.4 bar ± 0.2",
 *  "110 to 130 N·m", "pass/fail"; ", held 24 h" appended for a timed
 *  item. Returns out. */
char *qp_limit_text (const qp_item_t *item, char *out, size_t size);

/*  Frees the set's plans and the set; sets *self_p to NULL; safe twice. */
void qp_set_destroy (qp_set_t **self_p);

#endif

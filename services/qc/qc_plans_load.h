/*  qc_plans_load — reads the plans file (qc.plans_file, docs/qc.md
 *  "Plans") into a plan set (qc_plan.h), validated completely: the first
 *  problem stops the load with "file:line: key: reason".
 *
 *  Refused: an unknown key; a plan naming an unknown role or kind; a level
 *  with no items; an unknown unit; a limit that is not a number, outside
 *  its unit's physical range, inverted (range [min, max] with min > max)
 *  or a negative tolerance; a measured item with no limit or two; a limit
 *  without a unit; a hold that is not positive; a name that is not an
 *  identifier or is used twice (plans in the file, levels in a plan, items
 *  in a level); a default that names no plan.
 */
#ifndef KEFU_QC_PLANS_LOAD_H
#define KEFU_QC_PLANS_LOAD_H

#include <stddef.h>

#include "qc_plan.h"

/*  Loads the plans file at path. Returns the set (qp_set_destroy), or NULL
 *  with the reason in err. */
qp_set_t *qp_load_file (const char *path, char *err, size_t errsize);

/*  The same from text; `name` stands for the file in errors (tests, fuzz). */
qp_set_t *qp_load_string (const char *name, const char *text, char *err, size_t errsize);

#endif

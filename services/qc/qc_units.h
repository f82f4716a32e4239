/*  qc_units — the fixed table of units a measured inspection item may use
 *  (docs/qc.md "Units"), each with its physical range: the values that can
 *  exist at all for that quantity. A reading outside it (a humidity of
 *  130 %, a temperature below absolute zero) is a wrong input, refused
 *  before it is judged; a reading inside it that misses the item's limit
 *  fails the item.
 *
 *  A unit has one canonical name ("°C", "N·m") and may have an ASCII
 *  spelling for keyboards and shells ("degC", "Nm"); both name the same
 *  unit, and replies and records always carry the canonical one.
 */
#ifndef KEFU_QC_UNITS_H
#define KEFU_QC_UNITS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *name;  /* canonical: "%", "mm", "°C" */
    const char *ascii; /* another spelling ("degC"), or NULL */
    double min, max;   /* the physical range, inclusive */
    const char *what;  /* the quantity, for docs and errors */
} qu_unit_t;

/*  The unit named `name` (canonical or ASCII spelling), or NULL. */
const qu_unit_t *qu_find (const char *name);

/*  True when value lies in the unit's physical range (NaN never does). */
bool qu_in_range (const qu_unit_t *unit, double value);

/*  The canonical names, comma-separated, for "expected one of" messages.
 *  Returns a static string. */
const char *qu_names (void);

/*  The table, ended by a row whose name is NULL (docs, tests). */
extern const qu_unit_t qu_units[];

#endif

/*  qc_units — see qc_units.h. The ranges are generous physical bounds, not
 *  quality limits: they only catch readings that cannot be true (a typo,
 *  a value keyed into the wrong field). Deviations (a frame's level, a
 *  flatness) are signed, so lengths range on both sides of zero. */
#include "qc_units.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const qu_unit_t qu_units[] = {
    { "%", NULL, 0, 100, "share (moisture, hollow tiles, waste)" },
    { "mm", NULL, -100000, 100000, "length or deviation" },
    { "cm", NULL, -10000, 10000, "length or deviation" },
    { "m", NULL, -1000, 1000, "length or deviation" },
    { "°C", "degC", -273.15, 2000, "temperature" },
    { "h", NULL, 0, 8760, "duration" },
    { "min", NULL, 0, 525600, "duration" },
    { "s", NULL, 0, 86400, "duration" },
    { "MPa", NULL, -0.1, 1000, "pressure" },
    { "bar", NULL, -1, 10000, "pressure" },
    { "kPa", NULL, -101.325, 1000000, "pressure" },
    { "N·m", "Nm", 0, 100000, "torque" },
    { "V", NULL, -1000000, 1000000, "voltage" },
    { "A", NULL, -100000, 100000, "current" },
    { "MΩ", "Mohm", 0, 1000000, "insulation resistance" },
    { "dB", NULL, 0, 200, "sound level" },
    { "kg", NULL, 0, 100000, "mass" },
    { "L", NULL, 0, 1000000, "volume" },
    { NULL, NULL, 0, 0, NULL },
};

const qu_unit_t *qu_find (const char *name)
{
    for (const qu_unit_t *u = qu_units; name && u->name; u++)
        if (strcmp (u->name, name) == 0 || (u->ascii && strcmp (u->ascii, name) == 0))
            return u;
    return NULL;
}

bool qu_in_range (const qu_unit_t *unit, double value)
{
    return unit && isfinite (value) && value >= unit->min && value <= unit->max;
}

const char *qu_names (void)
{
    static char names[256];
    if (!names[0]) {
        size_t used = 0;
        for (const qu_unit_t *u = qu_units; u->name && used + strlen (u->name) + 3 < sizeof names; u++) {
            if (used)
                used += (size_t) snprintf (names + used, sizeof names - used, ", ");
            used += (size_t) snprintf (names + used, sizeof names - used, "%s", u->name);
        }
    }
    return names;
}

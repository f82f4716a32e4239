/*  intake_config — the intake: section of kefu.yaml, owned by the intake
 *  service (docs/intake.md "The three-repairs rule"). The table in
 *  intake_config.c gives each key's type, default and range; the loader
 *  is common/conf/conf_section.
 */
#ifndef KEFU_INTAKE_CONFIG_H
#define KEFU_INTAKE_CONFIG_H

#include "conf/conf_section.h"
#include "conf/config.h"

typedef struct {
    int replace_after; /* intake.replace_after: the same fault on the same unit
                          repaired this many times within warranty makes the
                          next resolution a replacement (三包) */
    int screenpop_seconds; /* intake.screenpop_seconds: how long a CTI screen
                              pop's link lives (docs/intake.md "Screen pops") */
} intake_config_t;

extern const conf_section_t intake_config_section;

/*  The intake section of a loaded configuration (borrowed from cfg); cfg
 *  must have been loaded for intake: asserts otherwise. */
const intake_config_t *intake_config (const cfg_t *cfg);

#endif

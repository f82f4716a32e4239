/*  cmd_inspect — the qc inspector's and signers' commands (docs/kefuctl.md
 *  "Inspections"), asked of qc's request endpoint (services.qc.api):
 *    kefuctl inspections [--limit N]        the caller's levels to sign now
 *    kefuctl inspect show WO                a work order's inspection record
 *    kefuctl inspect sign WO LEVEL --item NAME=READING ...   sign a level
 */
#ifndef KEFUCTL_CMD_INSPECT_H
#define KEFUCTL_CMD_INSPECT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "kctl.h"

int cmd_inspections (kctl_t *k, int argc, char **argv);
int cmd_inspect (kctl_t *k, int argc, char **argv);

/*  One --item of `inspect sign` as an inspection.sign item
 *  (schemas/requests/inspection.sign.v1.json): "NAME=pass", "NAME=fail",
 *  "NAME=11.5%", "NAME=120 N·m", and a timed reading
 *  "NAME=pass@2027-01-15T08:00:00Z..2027-01-16T08:00:00Z". Returns the
 *  item (caller cJSON_Deletes), or NULL with the reason in err. Exposed
 *  for tests. */
cJSON *inspect_item_parse (const char *text, char *err, size_t errsize);

#endif

/*  cmd_callback — the agents' and their leads' callback commands
 *  (docs/kefuctl.md "Callbacks"), asked of callback's request endpoint
 *  (services.callback.api):
 *    kefuctl callbacks [--upcoming] [--agent A | --all] [--limit N]   work list
 *    kefuctl callback attempt ID --reason R [--note TEXT]             not reached
 *    kefuctl callback outcome ID satisfied|neutral|dissatisfied
 *                             [--reasons a,b] [--note TEXT]           reached
 *    kefuctl callback rest-hours CUSTOMER WINDOWS|none|default        rest hours
 *    kefuctl callback coverage | satisfaction ...                     reports
 *                                                     (cmd_callback_report.c)
 *  The callback service checks everything (roles, due, state, windows);
 *  its refusals are printed as they come (exit 1).
 */
#ifndef KEFUCTL_CMD_CALLBACK_H
#define KEFUCTL_CMD_CALLBACK_H

#include <cjson/cJSON.h>

#include "kctl.h"

int cmd_callbacks (kctl_t *k, int argc, char **argv);
int cmd_callback (kctl_t *k, int argc, char **argv);

/*  The reports (cmd_callback_report.c), argv after "coverage" / "satisfaction". */
int cmd_callback_coverage (kctl_t *k, int argc, char **argv);
int cmd_callback_satisfaction (kctl_t *k, int argc, char **argv);

/*  "a,b" as a JSON array of strings into body[key]: each 1..32 of a-z 0-9 _.
 *  Returns 0, or -1 after printing why (naming `opt`). Exposed for tests. */
int cb_words_array (const char *cmd, const char *opt, const char *text, cJSON *body, const char *key);

#endif

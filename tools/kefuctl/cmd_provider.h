/*  cmd_provider — kefuctl's provider and statement commands (cmd_provider.c,
 *  cmd_statement.c). */
#ifndef KEFU_KEFUCTL_CMD_PROVIDER_H
#define KEFU_KEFUCTL_CMD_PROVIDER_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "kctl.h"

int cmd_provider (kctl_t *k, int argc, char **argv);
int cmd_statement (kctl_t *k, int argc, char **argv);

/*  Prints a provider.statement result for people (a table of each step)
 *  or as CSV (step,item,value,detail). Returns 0. */
int provider_statement_print (const cJSON *st, bool csv);

#endif

/*  cmd_workorder — what the work orders' commands share (done, diagnose). */
#ifndef KEFU_KEFUCTL_CMD_WORKORDER_H
#define KEFU_KEFUCTL_CMD_WORKORDER_H

#include <cjson/cJSON.h>
#include <stdint.h>

/*  "12.5" (km, up to 3 decimals) → 12500 metres. Returns 0 or -1 after
 *  printing the reason as command cmd's. */
int wo_km (const char *cmd, const char *text, int64_t *metres);

/*  "P-100:2:SN1,P-200:1" → [{code, quantity, serial}] appended to parts.
 *  Returns 0 or -1. */
int wo_parts (const char *cmd, const char *text, cJSON *parts);

/*  "a,b,c" → the strings appended to list. Returns 0 or -1. */
int wo_list (const char *text, cJSON *list);

#endif

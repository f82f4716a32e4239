/*  settlement_print — a settlement (settlement.get's result) as the
 *  document the customer signs: every line with its amount, warranty or
 *  chargeable and the reason, each dispute and its decision, what the
 *  customer pays and what warranty pays, the invoice once accepted, and a
 *  signature line. Plain text, or HTML with every value escaped.
 */
#ifndef KEFUCTL_SETTLEMENT_PRINT_H
#define KEFUCTL_SETTLEMENT_PRINT_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

/*  Prints settlement s to out. Returns 0 or -1. */
int stp_print (FILE *out, const cJSON *s, bool html);

/*  Writes text with & < > " ' escaped for HTML. */
void stp_html_escape (FILE *out, const char *text);

#endif

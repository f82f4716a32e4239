/*  cmd_ledger — finance's commands on billing's ledger (docs/ledger.md,
 *  docs/kefuctl.md "Invoices, payments and the ledger"), asked of
 *  billing's request endpoint (services.billing.api):
 *    kefuctl invoices [--branch B] [--status S] [--customer C] [--ticket T]   invoices, with balances
 *    kefuctl invoice show N | void N --reason R | issue --branch B --customer C --amount 12.50
 *    kefuctl pay N --amount 12.50 --ref R [--currency CNY]                     record a payment
 *    kefuctl ledger [--branch B] [--month YYYY-MM] [--kind K] [--party P] [--csv]
 *    kefuctl reconcile --branch B --month YYYY-MM [--csv]                      the monthly report
 *    kefuctl account PARTY                                                     a party's balances
 *  Amounts are typed and shown in the currency's major unit ("12.50"),
 *  sent and printed by --json in minor units (fen). Tables for people,
 *  --json for scripts, --csv (RFC 4180) for the reports. The service
 *  checks everything; its refusals are printed as they come (exit 1).
 */
#ifndef KEFUCTL_CMD_LEDGER_H
#define KEFUCTL_CMD_LEDGER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>

#include "kctl.h"

int cmd_invoices (kctl_t *k, int argc, char **argv);
int cmd_invoice (kctl_t *k, int argc, char **argv);
int cmd_pay (kctl_t *k, int argc, char **argv);
int cmd_ledger (kctl_t *k, int argc, char **argv);
int cmd_reconcile (kctl_t *k, int argc, char **argv);
int cmd_account (kctl_t *k, int argc, char **argv);

/*  A column of a printed list: its header, the member it shows, and
 *  whether that member is money (minor units, shown in the major unit of
 *  the row's "currency", or of `currency` when the row has none). */
typedef struct {
    const char *header;
    const char *key;
    bool money;
} lfmt_col_t;

/*  Prints the objects of list as a table (csv false) or RFC 4180 CSV with
 *  a header line; `none` when a table has no row. Returns 0 or -1. */
int lfmt_print (FILE *out, const cJSON *list, const lfmt_col_t *cols, int ncols, const char *currency, bool csv,
                const char *none);

/*  Asks billing `request` with body (owned: freed here) as command cmd and,
 *  on success, prints the result as --json or with print. Returns the exit
 *  status (KCTL_OK, KCTL_FAILED). */
int lfmt_ask (kctl_t *k, const char *cmd, const char *request, cJSON *body,
              int (*print) (const cJSON *result, bool csv), bool csv);

/*  "12.50" of currency into body[key] as minor units. Returns 0, or -1
 *  after printing why (naming opt). */
int lfmt_amount (const char *cmd, const char *opt, const char *text, const char *currency, cJSON *body,
                 const char *key);

#endif

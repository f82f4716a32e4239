/*  cmd_claim — warranty claims, lots and returns (docs/kefuctl.md
 *  "Claims"), asked of claims' request endpoint (services.claims.api):
 *    kefuctl claim file WO --product P --spec S --quantity N --proof REF
 *        --install-date D --description T --cause C --photos N:SIZE:SHA256,...
 *        --amount 120.50 [--currency CNY] [--dealer D] [--unrepairable]
 *    kefuctl claim show ID
 *    kefuctl claim review ID approve|reject [--note T]
 *    kefuctl claim decide ID approve|reject --responsibility R [--amount A] [--note T]
 *    kefuctl claim part-returned ID CODE SERIAL
 *    kefuctl claim part-checked ID CODE ok|not_as_stated [--note T]
 *    kefuctl claims [--status S] [--limit N]                  (cmd_claim_list.c)
 *    kefuctl lot defect LOT COUNT [--note T]                  (cmd_claim_list.c)
 *    kefuctl return pre-sale LOT | after-sale CLAIM | show ID (cmd_claim_list.c)
 *  The claims service checks everything (roles, evidence, states, rules):
 *  kefuctl only turns the command line into the request, and leaves a
 *  missing part of a claim for the service to name with all the others.
 */
#ifndef KEFUCTL_CMD_CLAIM_H
#define KEFUCTL_CMD_CLAIM_H

#include <cjson/cJSON.h>

#include "kctl.h"

int cmd_claim (kctl_t *k, int argc, char **argv);
int cmd_claims (kctl_t *k, int argc, char **argv);
int cmd_lot (kctl_t *k, int argc, char **argv);
int cmd_return (kctl_t *k, int argc, char **argv);

/*  Asks claims `request` with *body_p (taken) for command `cmd` and prints
 *  the result with print (or as JSON under --json). Returns a KCTL_ code. */
int claim_send (kctl_t *k, const char *cmd, const char *request, cJSON **body_p, void (*print) (const cJSON *));

/*  An amount as a person writes it ("118.00" yuan) in minor units of
 *  currency into *out. Returns 0, or -1 after printing why. */
int claim_amount (const char *cmd, const char *text, const char *currency, int64_t *out);

#endif

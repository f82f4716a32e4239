/*  cmd_customers — finding a customer and CTI screen pops from the command
 *  line (docs/kefuctl.md "Customers and screen pops"), asked of intake's
 *  request endpoint (services.intake.api):
 *    kefuctl customers --phone P | --name N [--limit N]   customer.find
 *    kefuctl screenpop open PHONE                         screenpop.open
 *    kefuctl screenpop show ID                            screenpop.get
 *  Intake checks everything (the number, roles, branches, expiry); its
 *  refusals are printed as they come (exit 1).
 */
#ifndef KEFUCTL_CMD_CUSTOMERS_H
#define KEFUCTL_CMD_CUSTOMERS_H

#include "kctl.h"

int cmd_customers (kctl_t *k, int argc, char **argv);
int cmd_screenpop (kctl_t *k, int argc, char **argv);

#endif

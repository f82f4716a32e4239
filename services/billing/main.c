/*  kefu-billing — the billing service: billing (结算): warranty checks,
 *  parts, labour and travel charges, settlements. This file only starts it
 *  (arguments, configuration, the loop until SIGTERM/SIGINT: svc_main);
 *  what it handles and serves is billing.c.
 *  Usage: kefu-billing [--config FILE] [--instance NAME]
 */
#include "billing.h"
#include "svc/program.h"

int main (int argc, char **argv)
{
    return svc_main (&billing_service, argc, argv);
}

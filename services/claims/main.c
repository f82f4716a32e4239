/*  kefu-claims — the claims service: warranty claims (三包/索赔) from dealers
 *  and service providers. This file only starts it (arguments,
 *  configuration, the loop until SIGTERM/SIGINT: svc_main); what it handles
 *  and serves is claims.c.
 *  Usage: kefu-claims [--config FILE] [--instance NAME]
 */
#include "claims.h"
#include "svc/program.h"

int main (int argc, char **argv)
{
    return svc_main (&claims_service, argc, argv);
}

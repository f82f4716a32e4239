/*  kefu-claims — the claims service.
 *  Its real work — warranty claims (三包/索赔) from dealers and service providers —
 *  comes in a later issue. Until then it only does what every service does:
 *  loads its configuration, connects to PostgreSQL as its own role and to the
 *  message bus, reports readiness in its log and stops cleanly on SIGTERM or
 *  SIGINT. It handles no message types and produces no output of its own.
 */
#include "svc/service.h"

int main (int argc, char **argv)
{
    svc_t *svc = svc_new ("claims", argc, argv);
    if (!svc)
        return 1;
    int rc = svc_run (svc);
    svc_destroy (&svc);
    return rc == 0 ? 0 : 1;
}

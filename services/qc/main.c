/*  kefu-qc — the qc service.
 *  Its real work — quality inspection (质检/验收): multi-level sign-off, rework, call-handling scores —
 *  comes in a later issue. Until then it only does what every service does:
 *  loads its configuration, connects to PostgreSQL as its own role and to the
 *  message bus, reports readiness in its log and stops cleanly on SIGTERM or
 *  SIGINT. It handles no message types and produces no output of its own.
 */
#include "svc/service.h"

int main (int argc, char **argv)
{
    svc_t *svc = svc_new ("qc", argc, argv);
    if (!svc)
        return 1;
    int rc = svc_run (svc);
    svc_destroy (&svc);
    return rc == 0 ? 0 : 1;
}

/*  kefu-dispatch — turns new tickets that need a visit into work orders and
 *  assigns them to technicians, and runs the tickets' SLA clocks
 *  (services/dispatch/workorders.c, assign.c, sla/;
 *  docs/dispatch.md). This file only starts the service: arguments and
 *  configuration (svc_new), the dispatcher's handlers and retry timer, the
 *  SLA file's reload on SIGHUP, the loop until SIGTERM/SIGINT.
 */
#include "svc/service.h"
#include "workorders.h"

/*  SIGHUP: the SLA file again; a refused one keeps the running
 *  configuration and is logged (docs/sla.md "Reloading"). */
static int s_on_reload (svc_t *svc, void *ctx)
{
    (void) svc;
    char err[1024];
    return dispatcher_reload (ctx, err, sizeof err);
}

int main (int argc, char **argv)
{
    svc_t *svc = svc_new ("dispatch", argc, argv);
    if (!svc)
        return 1;
    int rc = -1;
    dispatcher_t *dispatcher = dispatcher_new (svc);
    if (dispatcher && svc_on_reload (svc, s_on_reload, dispatcher) == 0)
        rc = svc_run (svc);
    if (dispatcher_failed (dispatcher))
        rc = -1;
    dispatcher_destroy (&dispatcher);
    svc_destroy (&svc);
    return rc == 0 ? 0 : 1;
}

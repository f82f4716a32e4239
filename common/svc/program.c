/*  program — see program.h. */
#include "program.h"

#include <assert.h>

int svc_main (const svc_def_t *def, int argc, char **argv)
{
    assert (def && def->name && !def->wire == !def->unwire);
    int rc = -1;
    void *app = NULL;
    rqe_t *api = NULL;
    svc_t *svc = svc_new (def->name, argc, argv);
    if (!svc)
        return 1;
    if (def->wire && !(app = def->wire (svc)))
        goto cleanup;
    if (def->requests && !(api = rqe_new (svc, svc_api (svc), def->requests, app)))
        goto cleanup;
    rc = svc_run (svc);
cleanup:
    rqe_destroy (&api);
    if (app)
        def->unwire (app);
    svc_destroy (&svc);
    return rc == 0 ? 0 : 1;
}

/*  program — the whole main() of a service that is its wiring plus its
 *  request table: svc_new (arguments, configuration), the wiring, the
 *  request endpoint at services.<name>.api, svc_run until SIGTERM/SIGINT,
 *  then everything torn down in reverse.
 *
 *  A service's folder then holds main.c, which is one call:
 *      int main (int argc, char **argv) { return svc_main (&qc_service, argc, argv); }
 *  and <name>.c, which defines qc_service: the message handlers it
 *  registers (wire, with bus_on) and the requests it serves (its table,
 *  request_endpoint.h). docs/architecture.md, "Adding a service", walks
 *  through the rest. A service whose main needs more (dispatch's reload
 *  hook) calls svc_new/svc_run itself, as svc_main does.
 */
#ifndef KEFU_PROGRAM_H
#define KEFU_PROGRAM_H

#include "request_endpoint.h"
#include "service.h"

/*  Registers a service's message handlers, statements and timers on svc and
 *  returns its own object, which every request handler gets as `app`.
 *  Returns NULL (logged) when start-up must stop. */
typedef void *(*svc_wire_fn) (svc_t *svc);
/*  Frees what svc_wire_fn returned (never called with NULL). */
typedef void (*svc_unwire_fn) (void *app);

typedef struct {
    const char *name;               /* "qc": kefu-qc, role kefu_qc, services.qc */
    svc_wire_fn wire;               /* NULL: no handlers yet (app is NULL) */
    svc_unwire_fn unwire;           /* with wire */
    const rqe_handler_t *requests;  /* its table; NULL: no request endpoint */
} svc_def_t;

/*  Runs the service defined by def. Returns main's exit status: 0 after a
 *  clean stop, 1 when start-up failed (reason on stderr or in the log). */
int svc_main (const svc_def_t *def, int argc, char **argv);

#endif

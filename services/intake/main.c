/*  kefu-intake — takes service requests on services.intake.api and turns
 *  them into tickets; follows their work orders through dispatch's messages.
 *  Usage: kefu-intake [--config FILE] [--instance NAME]
 */
#include "intake.h"
#include "svc/service.h"

int main (int argc, char **argv)
{
    svc_t *svc = svc_new ("intake", argc, argv);
    if (!svc)
        return 1;
    intake_t *intake = intake_new (svc);
    int rc = intake ? svc_run (svc) : -1;
    intake_destroy (&intake);
    svc_destroy (&svc);
    return rc == 0 ? 0 : 1;
}

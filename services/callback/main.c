/*  kefu-callback — the callback service: callbacks (回访) after completion
 *  and periodic callbacks, satisfaction outcomes. This file only starts it
 *  (arguments, configuration, the loop until SIGTERM/SIGINT: svc_main);
 *  what it handles and serves is callback.c.
 *  Usage: kefu-callback [--config FILE] [--instance NAME]
 */
#include "callback.h"
#include "svc/program.h"

int main (int argc, char **argv)
{
    return svc_main (&callback_service, argc, argv);
}

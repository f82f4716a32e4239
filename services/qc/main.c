/*  kefu-qc — the qc service: quality inspection (质检/验收): multi-level sign-
 *  off, rework, call-handling scores. This file only starts it (arguments,
 *  configuration, the loop until SIGTERM/SIGINT: svc_main); what it handles
 *  and serves is qc.c.
 *  Usage: kefu-qc [--config FILE] [--instance NAME]
 */
#include "qc.h"
#include "svc/program.h"

int main (int argc, char **argv)
{
    return svc_main (&qc_service, argc, argv);
}

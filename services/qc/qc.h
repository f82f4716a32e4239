/*  qc — the qc service put together (svc/program.h): the messages it
 *  handles and the requests it serves. Its real work — quality inspection
 *  (质检/验收): multi-level sign-off, rework, call-handling scores — comes in a
 *  later issue. Until then it does what every service does (its own
 *  database role, the bus, "ready" in its log, a clean stop) and answers
 *  every request on services.qc.api with `invalid`, "unknown request".
 */
#ifndef KEFU_QC_H
#define KEFU_QC_H

#include "svc/program.h"

extern const svc_def_t qc_service;

#endif

/*  billing — the billing service put together (svc/program.h): the messages
 *  it handles and the requests it serves. Its real work — billing (结算):
 *  warranty checks, parts, labour and travel charges, settlements — comes
 *  in a later issue. Until then it does what every service does (its own
 *  database role, the bus, "ready" in its log, a clean stop) and answers
 *  every request on services.billing.api with `invalid`, "unknown request".
 */
#ifndef KEFU_BILLING_H
#define KEFU_BILLING_H

#include "svc/program.h"

extern const svc_def_t billing_service;

#endif

/*  billing — the billing service put together (svc/program.h): the messages
 *  it handles and the requests it serves. Its real work — billing (结算):
 *  warranty checks, parts, labour and travel charges, settlements, and the
 *  service providers' rewards, penalties and deposits (provider.h) —
 *  answered on services.billing.api.
 */
#ifndef KEFU_BILLING_H
#define KEFU_BILLING_H

#include "svc/program.h"

extern const svc_def_t billing_service;

#endif

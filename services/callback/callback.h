/*  callback — the callback service put together (svc/program.h): the
 *  messages it handles and the requests it serves. Its real work —
 *  callbacks (回访) after completion and periodic callbacks, satisfaction
 *  outcomes — comes in a later issue. Until then it does what every service
 *  does (its own database role, the bus, "ready" in its log, a clean stop)
 *  and answers every request on services.callback.api with `invalid`,
 *  "unknown request".
 */
#ifndef KEFU_CALLBACK_H
#define KEFU_CALLBACK_H

#include "svc/program.h"

extern const svc_def_t callback_service;

#endif

/*  claims — the claims service put together (svc/program.h): the messages
 *  it handles and the requests it serves. Its real work — warranty claims
 *  (三包/索赔) from dealers and service providers — comes in a later issue.
 *  Until then it does what every service does (its own database role, the
 *  bus, "ready" in its log, a clean stop) and answers every request on
 *  services.claims.api with `invalid`, "unknown request".
 */
#ifndef KEFU_CLAIMS_H
#define KEFU_CLAIMS_H

#include "svc/program.h"

extern const svc_def_t claims_service;

#endif

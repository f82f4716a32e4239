/*  claims — the claims service put together (svc/program.h): the messages
 *  it handles and the requests it serves: warranty claims (三包/索赔) from
 *  dealers and service providers, their review and decision, the parts
 *  returned and checked, lots' defects and returns (docs/claims.md).
 */
#ifndef KEFU_CLAIMS_H
#define KEFU_CLAIMS_H

#include "svc/program.h"

extern const svc_def_t claims_service;

#endif

/*  sla_names — see sla_names.h. */
#include "model/sla_names.h"

#include <stddef.h>

const char *const sla_builtin_clocks[] = {
    "first_response", "arrange", "call_centre_check", "arrival",
    "resolution", "complaint_decision", "plan", "callback", NULL,
};

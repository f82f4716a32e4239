/*  sla_names — the names of the SLA clocks every deployment has, shared by
 *  the dispatcher (whose SLA policies may add clocks of their own,
 *  services/dispatch/sla/) and by kefuctl's reports, which list and order
 *  clocks by them without loading any policy.
 */
#ifndef KEFU_SLA_NAMES_H
#define KEFU_SLA_NAMES_H

/*  NULL-terminated: first_response, arrange, call_centre_check, arrival,
 *  resolution, complaint_decision, plan, callback. */
extern const char *const sla_builtin_clocks[];

#endif

/*  sla_subject — see sla_subject.h. */
#include "model/sla_subject.h"

#include <string.h>

#include "model/ticket.h"

/* A work order's life in dispatch: created (a visit, a rework, a revisit),
 * given to a technician, arranged and visited (the events people record
 * on the ticket, which concern its latest work order), reported done, and
 * then accepted by its inspection or sent back for rework. */
static const char *const s_work_order_events[] = {
    "work_order_created", "work_order_assigned", "work_order_arranged", "technician_arrived",
    "work_order_done",    "work_order_accepted", "work_order_rework",   NULL,
};
static const char *const s_work_order_ends[] = { "work_order_accepted", "work_order_rework", NULL };

/* qc's inspection of one work order: it starts when the work is reported
 * done (dispatch records the report), each level is signed in order, and
 * the inspection passes at its last level or fails at a failed one. */
static const char *const s_inspection_events[] = {
    "inspection_started", "level_signed.", "inspection_passed", "inspection_failed", NULL,
};
static const char *const s_inspection_ends[] = { "inspection_passed", "inspection_failed", NULL };

/* A callback scheduled by the callback service, ending with its outcome
 * recorded or closed as unreachable after the last attempt. */
static const char *const s_callback_events[] = {
    "callback_scheduled", "callback_recorded", "callback_unreachable", NULL,
};
static const char *const s_callback_ends[] = { "callback_recorded", "callback_unreachable", NULL };

static const char *const s_ticket_ends[] = { "ticket_closed", NULL };

/* The money subjects, whose events billing and claims send (sla.subject):
 * a settlement disputed and decided line by line; a warranty claim filed,
 * reviewed by the regional manager, decided by head office and closed
 * (after its part's return); a project's payment stage falling due and
 * paid. A dispute ends when decided, a stage when paid, a claim when
 * closed (a decided claim may still wait for its part). */
static const char *const s_dispute_events[] = { "dispute_opened", "dispute_decided", NULL };
static const char *const s_dispute_ends[] = { "dispute_decided", NULL };
static const char *const s_claim_events[] = { "claim_filed", "claim_reviewed", "claim_decided", "claim_closed", NULL };
static const char *const s_claim_ends[] = { "claim_closed", NULL };
static const char *const s_payment_stage_events[] = { "payment_stage_due", "payment_stage_paid", NULL };
static const char *const s_payment_stage_ends[] = { "payment_stage_paid", NULL };
/* A provider's deposit, short after a penalty took from it, until it is
 * topped up to the contract's amount (billing's provider books); it may
 * fall short again later, which begins its clocks anew. */
static const char *const s_deposit_events[] = { "deposit_short", "deposit_topped_up", NULL };
static const char *const s_deposit_ends[] = { "deposit_topped_up", NULL };

const sla_subject_kind_t sla_subject_kinds[] = {
    { SLA_SUBJECT_TICKET, NULL, s_ticket_ends, "the ticket's id", false },
    { "work_order", s_work_order_events, s_work_order_ends, "the work order's id", false },
    { "inspection", s_inspection_events, s_inspection_ends,
      "the id of the work order inspected (qc inspects each work order once; a rework is a new work order)", false },
    { "callback", s_callback_events, s_callback_ends, "the callback's id", false },
    { "dispute", s_dispute_events, s_dispute_ends, "the dispute's id (billing's)", false },
    { "claim", s_claim_events, s_claim_ends, "the claim's id (claims')", false },
    { "payment_stage", s_payment_stage_events, s_payment_stage_ends, "the payment stage's id (billing's)", false },
    { "deposit", s_deposit_events, s_deposit_ends, "the provider's deposit id (billing's)", true },
    { NULL, NULL, NULL, NULL, false },
};

const sla_subject_kind_t *sla_subject_find (const char *name)
{
    for (size_t i = 0; name && sla_subject_kinds[i].name; i++)
        if (strcmp (sla_subject_kinds[i].name, name) == 0)
            return &sla_subject_kinds[i];
    return NULL;
}

const char *const *sla_subject_events (const char *kind)
{
    const sla_subject_kind_t *k = sla_subject_find (kind);
    if (!k)
        return NULL;
    return k->events ? k->events : ticket_event_names (TICKET_EV_SLA);
}

/*  A level's name, as qc's plans write it. */
static bool s_qualifier_valid (const char *q)
{
    size_t len = strlen (q);
    if (len < 1 || len > 64)
        return false;
    for (; *q; q++)
        if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z') || (*q >= '0' && *q <= '9') || *q == '_'
              || *q == '-'))
            return false;
    return true;
}

bool sla_subject_event_valid (const char *kind, const char *event)
{
    const char *const *events = sla_subject_events (kind);
    for (size_t i = 0; events && event && events[i]; i++) {
        size_t len = strlen (events[i]);
        if (len > 0 && events[i][len - 1] == '.') {
            if (strncmp (events[i], event, len) == 0 && s_qualifier_valid (event + len))
                return true;
        }
        else if (strcmp (events[i], event) == 0)
            return true;
    }
    return false;
}

bool sla_subject_event_ends (const char *kind, const char *event)
{
    const sla_subject_kind_t *k = sla_subject_find (kind);
    for (size_t i = 0; k && event && k->ends[i]; i++)
        if (strcmp (k->ends[i], event) == 0)
            return true;
    return false;
}

bool sla_subject_ticketless (const char *kind)
{
    const sla_subject_kind_t *k = sla_subject_find (kind);
    return k && k->ticketless;
}

const char *const *sla_subject_names (void)
{
    static const char *names[SLA_SUBJECT_MAX_KINDS + 1];
    if (!names[0]) {
        size_t n = 0;
        for (size_t i = 0; sla_subject_kinds[i].name && n < SLA_SUBJECT_MAX_KINDS; i++)
            names[n++] = sla_subject_kinds[i].name;
        names[n] = NULL;
    }
    return names;
}

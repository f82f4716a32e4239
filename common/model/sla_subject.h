/*  sla_subject — what an SLA clock belongs to: a ticket, a work order, an
 *  inspection, a callback, a settlement's dispute, a warranty claim, a
 *  project's payment stage or a provider's deposit (docs/sla.md
 *  "Subjects"); all but the deposit concern a ticket. One row per kind:
 *  its name as sla.yaml and dispatch.sla_clocks.subject_kind write it, the
 *  events a clock of the kind may start or stop on (sla.yaml's starts_on
 *  and stops_on), and the events after which the subject promises nothing
 *  more (its clocks still counting stop). The next kind is one more row
 *  here, one more name in the CHECK list of dispatch.sla_clocks.subject_kind,
 *  and the messages that carry its events to the dispatcher. A kind's
 *  events are written "<kind>_<event>" where sla.subject names them by
 *  their short name ("opened" of a dispute is dispute_opened).
 *
 *  A ticket's events are model/ticket.h's (those flagged TICKET_EV_SLA);
 *  the ticket's row lists none of its own. An event written "name." takes
 *  a qualifier: `level_signed.final` is the signing of the level called
 *  final (qc's plans name the levels, so the qualifier is any 1–64 of
 *  A-Z a-z 0-9 _ -).
 */
#ifndef KEFU_SLA_SUBJECT_H
#define KEFU_SLA_SUBJECT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    const char *name;          /* "inspection" */
    const char *const *events; /* NULL-terminated; NULL for the ticket (model/ticket.h) */
    const char *const *ends;   /* NULL-terminated: after these nothing more is promised */
    const char *known_by;      /* what subject_id is, for people */
    bool ticketless;           /* concerns no ticket: its clocks are head office's */
} sla_subject_kind_t;

/*  Every kind, the ticket first, ended by a row with name NULL. */
extern const sla_subject_kind_t sla_subject_kinds[];

#define SLA_SUBJECT_TICKET "ticket"
#define SLA_SUBJECT_MAX_KINDS 16

/*  The row of the kind called `name`, or NULL. */
const sla_subject_kind_t *sla_subject_find (const char *name);

/*  The events a clock of `kind` may name, NULL-terminated (static storage;
 *  a qualified event is written with its trailing dot, "level_signed.").
 *  NULL for an unknown kind. */
const char *const *sla_subject_events (const char *kind);

/*  True when `event` is one a clock of `kind` may start or stop on: one of
 *  its events, or a qualified one with a valid qualifier. */
bool sla_subject_event_valid (const char *kind, const char *event);

/*  True when `event` ends a subject of `kind`. */
bool sla_subject_event_ends (const char *kind, const char *event);

/*  True when a subject of `kind` concerns no ticket (a provider's deposit):
 *  its clocks have no ticket, no branch and no ticket policy (docs/sla.md
 *  "Subjects"). */
bool sla_subject_ticketless (const char *kind);

/*  The names of the kinds, NULL-terminated (static storage). */
const char *const *sla_subject_names (void);

#endif

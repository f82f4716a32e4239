/*  sla_subjects — the clocks of a ticket's subjects: its work orders, their
 *  inspections, its callbacks, its money subjects, and of a subject of no
 *  ticket, a provider's deposit (model/sla_subject.h; docs/sla.md
 *  "Subjects"). A ticket's own clocks are made when the ticket is
 *  (sla_start.h); a subject's cannot be, since the subject does not exist
 *  yet: its clock row is made when its start event comes for it, running
 *  at once. The event's branch is the clock's: its calendar counts the
 *  time and its ladder hears of a breach.
 *
 *  The target comes from the policy the ticket's own clocks were started
 *  under (their rows name it; sla.yaml requires a policy with subject
 *  targets to set at least one clock of the ticket), as the SLA file in
 *  effect has it; the ticket's flags come from the same row. A policy no
 *  longer in the file starts nothing ("sla_no_policy" in the log).
 *
 *  A subject's clocks stop on their stop event for the same subject, and
 *  all of them when the subject ends (its kind's `ends`: an inspection
 *  passed or failed, a callback recorded). Their changes are kept with the
 *  ticket's (sls_keep) and travel in the ticket's sla.clock, each entry
 *  naming its subject. Warnings and escalations fire like any clock's
 *  (sla_fire.h).
 */
#ifndef KEFU_DISPATCH_SLA_SUBJECTS_H
#define KEFU_DISPATCH_SLA_SUBJECTS_H

#include <stddef.h>
#include <stdint.h>

#include "db/db.h"
#include "sla_calendars.h"
#include "sla_loader.h"
#include "sla_start.h"

typedef struct sss_s sss_t;

/*  One subject: its kind (model/sla_subject.h), its id, the ticket it
 *  concerns and its branch, all borrowed; ids as decimal text. ticket_id
 *  is NULL exactly for a ticketless kind (a provider's deposit): its clocks
 *  have no ticket and no branch (head office's), take their target from the
 *  first policy of the file that sets one, count calendar time, begin anew
 *  when the subject's start event comes again after they stopped, and keep
 *  their history in dispatch.subject_clock_history instead of a ticket's. */
typedef struct {
    const char *kind;
    const char *id;
    const char *ticket_id;
    const char *branch;
    int64_t due_us; /* the subject's own deadline, when it has one (a callback's,
                       which the callback service sets): its clocks that start
                       now fall due then, whatever their target says; 0: none */
} sss_subject_t;

/*  Registers the statements on db. start, loader and cals are borrowed and
 *  must outlive it. NULL with a reason in err. */
sss_t *sss_new (db_t *db, sls_t *start, sll_t *loader, scal_t *cals, char *err, size_t errsize);
/*  Frees; safe on NULL and twice. */
void sss_destroy (sss_t **self_p);

/*  Inside the caller's transaction: `event` (one of the kind's) happened to
 *  the subject at at_us. Stops its clocks that stop on it (every one still
 *  counting when the event ends the subject), then starts the clocks of
 *  its kind that start on it. Costs nothing when no clock of the kind is in
 *  the file in effect and none is counting in the database. Returns the
 *  number of clocks changed, or -1 (database: roll back). */
int sss_on_event (sss_t *self, db_t *db, const sss_subject_t *subject, const char *event, int64_t at_us);

#endif

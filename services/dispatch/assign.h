/*  assign — the pure assignment rule of dispatch: which technician of a
 *  branch gets a work order. No database, no clock, no I/O: the caller
 *  (workorders.c) gathers the candidates of the branch under the branch's
 *  lock and applies the choice; tests drive this module directly.
 *
 *  A technician fits a job when, in this order of filters:
 *    1. he is an active technician of the job's branch (the caller passes
 *       only those);
 *    2. he has the job's product line among his skills (no product: any
 *       technician has the skill);
 *    3. his grade is at least the job's minimum grade (assign_min_grade);
 *    4. he is on shift now;
 *    5. his current load (assigned work orders) is below his capacity.
 *  Among those that pass every filter the preferred rank wins (the branch's
 *  own technicians or a service provider's, dispatch.providers), then the
 *  lowest load; ties go to the lowest technician id (byte order), so the
 *  choice is deterministic.
 *
 *  When nobody fits, the reason names the first filter that left nobody
 *  (the most specific cause, in the fixed order above):
 *    "no active technician in branch SH02"
 *    "no technician in branch SH01 has skill refrigerator"
 *    "repair needs grade intermediate or above; fitting technicians are only trainee/junior"
 *    "all 2 fitting technicians are off shift"
 *    "all 3 fitting technicians are at capacity"
 *    "all 3 fitting technicians are unavailable: 1 off shift, 2 at capacity"
 *  (a single fitting technician reads "the only fitting technician is off
 *  shift" / "… at capacity").
 */
#ifndef KEFU_DISPATCH_ASSIGN_H
#define KEFU_DISPATCH_ASSIGN_H

#include <stdbool.h>
#include <stddef.h>

#include "ref/org.h"

#define ASSIGN_REASON_MAX 256

/*  One candidate technician; every pointer is borrowed. */
typedef struct {
    const char *id;
    const char *name;
    org_grade_t grade;
    const char *const *skills;  /* product lines he may work on */
    int n_skills;
    int capacity;               /* most assigned work orders at once, > 0 */
    int load;                   /* work orders assigned to him now */
    bool on_shift;              /* on shift at the moment of the decision */
    int rank;                   /* preference, lower first (dispatch.providers): the
                                   branch's own or a service provider's technicians */
} assign_tech_t;

/*  The job to place; every pointer is borrowed. */
typedef struct {
    const char *branch;         /* branch id, for reasons */
    const char *kind;           /* ticket kind: repair, installation, return… */
    const char *product_line;   /* NULL when the ticket names no product */
    bool premium;               /* premium product line */
} assign_job_t;

/*  Minimum grades from configuration (dispatch.min_grade.*). */
typedef struct {
    org_grade_t repair;         /* kind "repair" */
    org_grade_t premium;        /* any kind on a premium product */
    org_grade_t other;          /* every job */
} assign_rules_t;

/*  Why nobody was chosen (or that someone was). */
typedef enum {
    ASSIGN_OK = 0,
    ASSIGN_NO_TECHNICIAN,   /* no active technician in the branch */
    ASSIGN_NO_SKILL,        /* nobody has the product line */
    ASSIGN_NO_GRADE,        /* skilled ones are all below the minimum grade */
    ASSIGN_OFF_SHIFT,       /* every fitting one is off shift */
    ASSIGN_AT_CAPACITY,     /* every fitting one is at capacity */
    ASSIGN_UNAVAILABLE,     /* fitting ones are off shift or at capacity, some of each */
} assign_outcome_t;

typedef struct {
    assign_outcome_t outcome;
    int index;                          /* chosen candidate, -1 when none */
    char reason[ASSIGN_REASON_MAX];     /* "" when assigned */
} assign_result_t;

/*  The minimum grade a job needs: the highest of rules->other, rules->repair
 *  (kind "repair") and rules->premium (premium product). Repair and premium
 *  work never go below intermediate, whatever the configuration says:
 *  trainees and juniors never do them alone, and this release has no
 *  pairing. When `what` is not NULL it is set to the label used in reasons
 *  ("repair", "premium product line air-conditioner", or the kind). */
org_grade_t assign_min_grade (const assign_job_t *job, const assign_rules_t *rules,
                              char *what, size_t what_size);

/*  True when the technician has the job's product line (always true for a
 *  job without a product line). */
bool assign_has_skill (const assign_tech_t *tech, const assign_job_t *job);

/*  Chooses among techs[0..n-1] (n may be 0; techs may then be NULL).
 *  Fills *out. Returns 0 when a technician was chosen (out->index), -1
 *  when nobody fits (out->outcome and out->reason say why) or on invalid
 *  arguments (NULL job/rules/out, n < 0: outcome ASSIGN_NO_TECHNICIAN with
 *  a reason saying so). */
int assign_choose (const assign_job_t *job, const assign_rules_t *rules,
                   const assign_tech_t *techs, int n, assign_result_t *out);

/*  Name of an outcome ("ok", "no_technician", …), for logs. */
const char *assign_outcome_name (assign_outcome_t outcome);

#endif

/*  sla_policy — service-level policies and escalation ladders as
 *  configuration (deploy/demo/sla.yaml; docs/sla.md documents the file).
 *
 *  A policy is chosen per ticket by region tier x ticket kind x priority x
 *  customer class: the FIRST policy in file order whose `match` fits wins.
 *  It sets targets for the ticket's clocks ("arrival: 2 hours of business
 *  time, from ticket_created until technician_arrived"). A ladder per branch
 *  (or the `default` ladder) lists who is told, level by level, when a
 *  clock breaches, and which ticket flags skip straight to a senior level.
 *
 *  This module only loads, validates and answers questions; it does no time
 *  arithmetic (business calendars do: a target is "N minutes of business or
 *  calendar time" or "N working days") and keeps no clock state.
 *
 *  Loading is all or nothing: sla_load returns a new, fully validated object
 *  or NULL with "file:line: key: reason" in err, and sla_resolve_staff then
 *  gives its ladders' staff ids their names and addresses, or refuses. A failed reload therefore
 *  never touches the configuration the caller already holds: keep the old
 *  pointer until the new one is non-NULL, then swap and destroy the old one.
 *  A loaded configuration is immutable; every pointer it hands out stays
 *  valid until sla_destroy and may be read from several threads.
 */
#ifndef KEFU_SLA_POLICY_H
#define KEFU_SLA_POLICY_H

#include <stdbool.h>
#include <stddef.h>

#include "model/sla_names.h" /* sla_builtin_clocks */

typedef struct sla_config_s sla_config_t;
typedef struct sla_policy_s sla_policy_t;
typedef struct sla_ladder_s sla_ladder_t;

/*  Built-in vocabularies (NULL-terminated). Tiers come from org.yaml and are
 *  passed to sla_load; the rest are fixed by the system. */
extern const char *const sla_kind_names[];     /* consultation, repair, installation, complaint, return, suggestion */
extern const char *const sla_priority_names[]; /* low, normal, high, urgent */
extern const char *const sla_class_names[];    /* regular, important, vip */
extern const char *const sla_flag_names[];     /* major_fault, safety, large_loss, media_risk */
extern const char *const sla_level_names[];    /* team_lead, department_head, centre_director, general_manager */

#define SLA_MAX_CLOCKS 64
#define SLA_MAX_TIERS 64

typedef enum { SLA_TIME_BUSINESS = 0, SLA_TIME_CALENDAR } sla_time_t;

/*  SLA_UNIT_MINUTES: `amount` minutes of `time` (hours and calendar days are
 *  converted to minutes when loading). SLA_UNIT_WORKING_DAYS (only with
 *  business time): due at the end of the last working interval of the
 *  amount-th working day AFTER the local day on which the clock starts (the
 *  start day never counts, whatever the hour: "3个工作日内" read the usual
 *  way; a clock started on Monday with 3 working days is due when Thursday's
 *  hours end, if Tuesday to Thursday are working days). */
typedef enum { SLA_UNIT_MINUTES = 0, SLA_UNIT_WORKING_DAYS } sla_unit_t;

/*  Management levels, lowest first. SLA_LEVEL_NONE: not escalated yet. */
typedef enum {
    SLA_LEVEL_NONE = -1,
    SLA_LEVEL_TEAM_LEAD = 0,
    SLA_LEVEL_DEPARTMENT_HEAD,
    SLA_LEVEL_CENTRE_DIRECTOR,
    SLA_LEVEL_GENERAL_MANAGER,
    SLA_LEVEL_COUNT
} sla_level_t;

/*  One clock's target in a policy. Strings are borrowed from the config. */
typedef struct {
    const char *clock;      /* "arrival" */
    const char *subject;    /* what it belongs to: "ticket", "inspection", ... (model/sla_subject.h) */
    sla_unit_t unit;
    int amount;             /* minutes, or working days */
    sla_time_t time;
    const char *starts_on;  /* an event of the subject's kind (sla_subject_event_valid) */
    const char *stops_on;   /* another one */
    const char *written_in; /* "minutes", "hours" or "days": how the file put it */
    int line;               /* where it was configured */
    bool restart_on_reopen; /* the policy's reopen_restarts names it */
    bool redispatch;        /* on_breach: redispatch (else escalate) */
} sla_target_t;

/*  One person on a ladder: the staff id the file names, and the name, work
 *  e-mail and phone the staff directory gives them (sla_resolve_staff; NULL
 *  before). may_acknowledge lists the staff ids of this level and of every
 *  level above it on the same ladder, lowest first: who may acknowledge an
 *  escalation to this level. Everything is borrowed; phone may be NULL. */
typedef struct {
    sla_level_t level;
    const char *staff;
    const char *name;
    const char *email;
    const char *phone;
    const char *const *may_acknowledge;
    int n_may_acknowledge;
} sla_contact_t;

/*  A staff member as the staff directory (auth.staff_directory) has them.
 *  Borrowed; email and phone may be NULL. */
typedef struct {
    const char *name;
    const char *email;
    const char *phone;
    bool active;
} sla_person_t;

/*  Looks a staff id up: 1 and *out filled (borrowed until the call that
 *  asked returns), or 0 when the directory has no such id. */
typedef int (*sla_staff_fn) (void *arg, const char *staff_id, sla_person_t *out);

/* ---------------------------------------------------------------- loading */

/*  Loads and validates an SLA file against the deployment's tiers (org.yaml
 *  `tiers`, nearest first, at most SLA_MAX_TIERS) and branch ids (either
 *  list may be borrowed; nothing is kept). Refuses, with "file:line: key:
 *  reason" in err: unknown keys, tiers, kinds, priorities, classes, clocks,
 *  events, levels, flags and branches; targets that are zero, negative or
 *  longer than 365 days; policies with no targets, with duplicate names, that
 *  can never be chosen because earlier policies match every ticket they
 *  match, or a policy list that leaves some ticket without a policy; ladders
 *  with gaps, duplicate or out-of-order levels, a level without a staff id
 *  (or with name, email or phone, which come from the staff directory), a
 *  skip-level target missing from the ladder; a branch without a ladder
 *  when there is no `default` ladder.
 *  The ladders' people are known by staff id only: sla_resolve_staff must
 *  run before the configuration is used.
 *  Returns a new configuration (caller destroys) or NULL. */
sla_config_t *sla_load (const char *path, const char *const *known_tiers, size_t n_tiers,
                        const char *const *known_branches, size_t n_branches, char *err, size_t errsize);
/*  Same from text (tests); `name` stands for the file name in errors. */
sla_config_t *sla_load_string (const char *name, const char *text, const char *const *known_tiers,
                               size_t n_tiers, const char *const *known_branches, size_t n_branches,
                               char *err, size_t errsize);
/*  Fills in every ladder person's name, e-mail and phone from the staff
 *  directory through `lookup` (called once per level). Refuses, with
 *  "file:line: ladders[i].levels[j].staff: reason" in err, a staff id the
 *  directory does not have, a person no longer active, and one without a
 *  usable e-mail address (every notification adapter addresses by e-mail).
 *  Part of loading: call it on a new configuration before sharing it.
 *  Returns 0, or -1 (the configuration must then be destroyed). */
int sla_resolve_staff (sla_config_t *self, sla_staff_fn lookup, void *arg, char *err, size_t errsize);
/*  Frees the configuration and every pointer it handed out; sets *self_p to
 *  NULL; safe on NULL and twice. */
void sla_destroy (sla_config_t **self_p);

/* ---------------------------------------------------------------- config */

/*  The clocks in use (the `clocks` list, or the built-in ones). */
int sla_clock_count (const sla_config_t *self);
const char *sla_clock_name (const sla_config_t *self, int index);
/*  True when `clock` is a clock in use. */
bool sla_clock_known (const sla_config_t *self, const char *clock);
/*  The subject kind of the index-th clock ("ticket", "inspection", ...). */
const char *sla_clock_subject (const sla_config_t *self, int index);
/*  True when a clock in use belongs to subjects of `kind`. */
bool sla_subject_used (const sla_config_t *self, const char *kind);
/*  The policy called `name`, or NULL (a subject's clocks take the policy
 *  its ticket's clocks were started under). Borrowed from self. */
const sla_policy_t *sla_policy_find (const sla_config_t *self, const char *name);
/*  Number of policies, and the i-th in file order (NULL when out of range). */
int sla_policy_count (const sla_config_t *self);
const sla_policy_t *sla_policy_at (const sla_config_t *self, int index);

/*  The policy for a ticket: the first whose match fits. Values are names
 *  (tier from org.yaml, kind, priority, class as in sla_*_names); an unknown
 *  or NULL value fits only a policy that says `any` for it. A loaded file
 *  covers every combination of known values, so this returns NULL only for
 *  unknown values no `any` policy catches. Borrowed from self. */
const sla_policy_t *sla_match (const sla_config_t *self, const char *tier, const char *kind,
                               const char *priority, const char *class_);

/* ---------------------------------------------------------------- policy */

const char *sla_policy_name (const sla_policy_t *policy);
/*  Line of the policy in its file (for logs: "policy city-visit, sla.yaml:40"). */
int sla_policy_line (const sla_policy_t *policy);
/*  Share of a target (1..99) at which the owner is warned that it is at risk:
 *  the policy's warn_at_percent, else the file's, else 80. */
int sla_policy_warn_percent (const sla_policy_t *policy);
/*  While a clock stays breached, escalate one more level every this many
 *  minutes, counted in the breached target's own time (business or
 *  calendar): the policy's repeat_escalation_minutes, else the file's, else 60. */
int sla_policy_repeat_minutes (const sla_policy_t *policy);
/*  The policy's target for a clock, or NULL when the policy sets none (the
 *  clock does not run for tickets under this policy). Borrowed. */
const sla_target_t *sla_policy_target (const sla_policy_t *policy, const char *clock);
/*  Its targets in file order. */
int sla_policy_target_count (const sla_policy_t *policy);
const sla_target_t *sla_policy_target_at (const sla_policy_t *policy, int index);

/*  Writes a target for people: "2 business hours", "90 business minutes",
 *  "3 working days", "48 calendar hours", "3 calendar days". Returns 0, or -1
 *  when it does not fit (buf then holds a truncated text). */
int sla_target_describe (const sla_target_t *target, char *buf, size_t size);

/* ---------------------------------------------------------------- ladders */

/*  The branch's ladder, else the `default` ladder, else NULL (possible only
 *  for a branch that was not known when loading). Borrowed. */
const sla_ladder_t *sla_ladder_for (const sla_config_t *self, const char *branch);
/*  "SH01", or "default". */
const char *sla_ladder_branch (const sla_ladder_t *ladder);
/*  Levels on the ladder (1..4), lowest first, and the i-th one's contact. */
int sla_ladder_size (const sla_ladder_t *ladder);
const sla_contact_t *sla_ladder_at (const sla_ladder_t *ladder, int index);
/*  The contact for a level, or NULL when the ladder does not have it. */
const sla_contact_t *sla_ladder_contact (const sla_ladder_t *ladder, sla_level_t level);
/*  The next level above `current` (SLA_LEVEL_NONE: the first level, where a
 *  breach goes). NULL at the top: nobody higher to escalate to. */
const sla_contact_t *sla_ladder_next (const sla_ladder_t *ladder, sla_level_t current);

/*  Skip-level: for a ticket carrying `flags` (names; those not in
 *  sla_flag_names are ignored) that has reached `current`, returns the
 *  contact to go straight to — the highest level any matching skip rule
 *  names — or NULL when no flag asks for a skip or the ticket is already at
 *  or above that level. On a non-NULL return, skipped[0..*n_skipped-1] are
 *  the ladder's levels strictly between `current` and that level, lowest
 *  first: the people to inform afterwards. */
const sla_contact_t *sla_ladder_skip (const sla_ladder_t *ladder, const char *const *flags, size_t n_flags,
                                      sla_level_t current, const sla_contact_t *skipped[SLA_LEVEL_COUNT],
                                      int *n_skipped);

/*  Level name ("team_lead") or NULL; and back. sla_level_parse returns 0 or -1. */
const char *sla_level_name (sla_level_t level);
int sla_level_parse (const char *text, sla_level_t *out);

#endif

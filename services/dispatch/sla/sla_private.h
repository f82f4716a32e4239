/*  sla_private — what sla_policy.c (file, clocks, policies) and sla_ladder.c
 *  (escalation ladders) share: the layout of the loaded configuration.
 *  Not for use outside these two files; everyone else goes through
 *  sla_policy.h.
 */
#ifndef KEFU_SLA_PRIVATE_H
#define KEFU_SLA_PRIVATE_H

#include <stdint.h>

#include "sla_policy.h"
#include "conf/yamltree.h"

#define SLA_MAX_SKIP_RULES 16

/*  Match dimensions of a policy. */
enum { SLA_DIM_TIER = 0, SLA_DIM_KIND, SLA_DIM_PRIORITY, SLA_DIM_CLASS, SLA_DIM_COUNT };

typedef struct {
    char *name;
    const char *subject;               /* a model/sla_subject.h kind's name (static) */
    const char *starts_on, *stops_on;  /* static, or in the configuration's strings */
} sla_clockdef_t;

struct sla_policy_s {
    char *name;
    int line;
    bool any[SLA_DIM_COUNT];
    uint64_t mask[SLA_DIM_COUNT]; /* bit i: the i-th value of the dimension */
    int warn_percent, repeat_minutes;
    sla_target_t *targets;
    int n_targets;
};

typedef struct {
    unsigned flags;          /* bit i: sla_flag_names[i] */
    sla_level_t to;
    int line;
} sla_skip_rule_t;

/*  What a ladder level owns: the staff id the file names, where it is
 *  written (for sla_resolve_staff's errors), and what the staff directory
 *  says of the person. */
typedef struct {
    char *staff;
    int line;
    char *key;               /* "ladders[0].levels[1].staff" */
    char *name, *email, *phone;
} sla_level_owned_t;

struct sla_ladder_s {
    char *branch;
    int line;
    sla_contact_t levels[SLA_LEVEL_COUNT]; /* lowest first; strings point into owned[] */
    sla_level_owned_t owned[SLA_LEVEL_COUNT];
    const char *staff_ids[SLA_LEVEL_COUNT]; /* owned[i].staff: levels[i].may_acknowledge points in here */
    int n;
    sla_skip_rule_t rules[SLA_MAX_SKIP_RULES];
    int n_rules;
    bool own_rules;          /* false: inherited from the default ladder */
};

struct sla_config_s {
    char *file;              /* the file name errors give */
    char **tiers;
    int n_tiers;
    sla_clockdef_t clocks[SLA_MAX_CLOCKS];
    int n_clocks;
    int warn_percent, repeat_minutes;
    sla_policy_t *policies;
    int n_policies;
    sla_ladder_t *ladders;
    int n_ladders;
    int default_ladder;      /* index into ladders, or -1 */
    char **strings;          /* qualified events ("level_signed.final") the clocks point to */
    int n_strings, cap_strings;
};

#define SLA_DEFAULT_WARN 80
#define SLA_DEFAULT_REPEAT 60

/*  The matching rules, shared by the loader (sla_policy.c, which proves
 *  coverage with them) and the questions (sla_policy_read.c). */
int sla_list_count (const char *const *list);
/*  The clock's index in self->clocks, or -1. */
int sla_clock_index (const sla_config_t *self, const char *name);
/*  The names of a match dimension's values (SLA_DIM_*), *n of them. */
const char *const *sla_dim_names (const sla_config_t *self, int dim, int *n);
/*  text's index in names, or -1 (also for NULL). */
int sla_dim_lookup (const char *const *names, int n, const char *text);
/*  True when the policy's match takes these values (-1: a value not known). */
bool sla_policy_fits (const sla_policy_t *policy, const int value[SLA_DIM_COUNT]);

/*  Parses the `ladders` section of root into self (sla_ladder.c). Returns 0,
 *  or -1 with the error recorded in doc. */
int sla_ladders_parse (sla_config_t *self, yt_doc_t *doc, yt_node_t *root,
                       const char *const *known_branches, size_t n_branches);
/*  Frees what a ladder owns (not the ladder itself). */
void sla_ladder_clear (sla_ladder_t *ladder);

#endif

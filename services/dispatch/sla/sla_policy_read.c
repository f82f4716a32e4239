/*  sla_policy_read — what the loaded SLA file answers (sla_policy.h): its
 *  clocks, its policies and their targets, the policy a ticket matches; and
 *  the matching rules the loader also uses to prove coverage
 *  (sla_private.h). The loading is sla_policy.c.
 */
#include "sla_policy.h"

#include <stdio.h>
#include <string.h>

#include "sla_private.h"

int sla_list_count (const char *const *list)
{
    int n = 0;
    while (list[n])
        n++;
    return n;
}

int sla_clock_index (const sla_config_t *self, const char *name)
{
    for (int i = 0; name && i < self->n_clocks; i++)
        if (strcmp (self->clocks[i].name, name) == 0)
            return i;
    return -1;
}

/*  Names of the values of a dimension. */
const char *const *sla_dim_names (const sla_config_t *self, int dim, int *n)
{
    switch (dim) {
    case SLA_DIM_TIER:
        *n = self->n_tiers;
        return (const char *const *) self->tiers;
    case SLA_DIM_KIND:
        *n = sla_list_count (sla_kind_names);
        return sla_kind_names;
    case SLA_DIM_PRIORITY:
        *n = sla_list_count (sla_priority_names);
        return sla_priority_names;
    default:
        *n = sla_list_count (sla_class_names);
        return sla_class_names;
    }
}

int sla_dim_lookup (const char *const *names, int n, const char *text)
{
    for (int i = 0; text && i < n; i++)
        if (strcmp (names[i], text) == 0)
            return i;
    return -1;
}

bool sla_policy_fits (const sla_policy_t *policy, const int value[SLA_DIM_COUNT])
{
    for (int dim = 0; dim < SLA_DIM_COUNT; dim++) {
        if (value[dim] < 0 ? !policy->any[dim] : !(policy->mask[dim] & (UINT64_C (1) << value[dim])))
            return false;
    }
    return true;
}

/* ---------------------------------------------------------------- queries */

int sla_clock_count (const sla_config_t *self)
{
    return self ? self->n_clocks : 0;
}

const char *sla_clock_name (const sla_config_t *self, int index)
{
    return self && index >= 0 && index < self->n_clocks ? self->clocks[index].name : NULL;
}

bool sla_clock_known (const sla_config_t *self, const char *clock)
{
    return self && sla_clock_index (self, clock) >= 0;
}

const char *sla_clock_subject (const sla_config_t *self, int index)
{
    return self && index >= 0 && index < self->n_clocks ? self->clocks[index].subject : NULL;
}

bool sla_subject_used (const sla_config_t *self, const char *kind)
{
    for (int i = 0; self && kind && i < self->n_clocks; i++)
        if (strcmp (self->clocks[i].subject, kind) == 0)
            return true;
    return false;
}

const sla_policy_t *sla_policy_find (const sla_config_t *self, const char *name)
{
    for (int p = 0; self && name && p < self->n_policies; p++)
        if (strcmp (self->policies[p].name, name) == 0)
            return &self->policies[p];
    return NULL;
}

int sla_policy_count (const sla_config_t *self)
{
    return self ? self->n_policies : 0;
}

const sla_policy_t *sla_policy_at (const sla_config_t *self, int index)
{
    return self && index >= 0 && index < self->n_policies ? &self->policies[index] : NULL;
}

const sla_policy_t *sla_match (const sla_config_t *self, const char *tier, const char *kind,
                               const char *priority, const char *class_)
{
    if (!self)
        return NULL;
    const char *text[SLA_DIM_COUNT] = { tier, kind, priority, class_ };
    int value[SLA_DIM_COUNT];
    for (int dim = 0; dim < SLA_DIM_COUNT; dim++) {
        int n;
        const char *const *names = sla_dim_names (self, dim, &n);
        value[dim] = sla_dim_lookup (names, n, text[dim]);
    }
    for (int p = 0; p < self->n_policies; p++)
        if (sla_policy_fits (&self->policies[p], value))
            return &self->policies[p];
    return NULL;
}

const char *sla_policy_name (const sla_policy_t *policy)
{
    return policy ? policy->name : NULL;
}

int sla_policy_line (const sla_policy_t *policy)
{
    return policy ? policy->line : 0;
}

int sla_policy_warn_percent (const sla_policy_t *policy)
{
    return policy ? policy->warn_percent : SLA_DEFAULT_WARN;
}

int sla_policy_repeat_minutes (const sla_policy_t *policy)
{
    return policy ? policy->repeat_minutes : SLA_DEFAULT_REPEAT;
}

const sla_target_t *sla_policy_target (const sla_policy_t *policy, const char *clock)
{
    for (int i = 0; policy && clock && i < policy->n_targets; i++)
        if (strcmp (policy->targets[i].clock, clock) == 0)
            return &policy->targets[i];
    return NULL;
}

int sla_policy_target_count (const sla_policy_t *policy)
{
    return policy ? policy->n_targets : 0;
}

const sla_target_t *sla_policy_target_at (const sla_policy_t *policy, int index)
{
    return policy && index >= 0 && index < policy->n_targets ? &policy->targets[index] : NULL;
}

int sla_target_describe (const sla_target_t *target, char *buf, size_t size)
{
    if (!target || !buf || !size)
        return -1;
    const char *time = target->time == SLA_TIME_BUSINESS ? "business" : "calendar";
    int amount = target->amount, w;
    const char *unit;
    if (target->unit == SLA_UNIT_WORKING_DAYS)
        time = "working", unit = "day";
    else if (strcmp (target->written_in, "days") == 0)
        amount /= 1440, unit = "day";
    else if (strcmp (target->written_in, "hours") == 0)
        amount /= 60, unit = "hour";
    else
        unit = "minute";
    w = snprintf (buf, size, "%d %s %s%s", amount, time, unit, amount == 1 ? "" : "s");
    return w >= 0 && (size_t) w < size ? 0 : -1;
}

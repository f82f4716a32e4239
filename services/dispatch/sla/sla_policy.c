/*  sla_policy — loads the SLA file: the clocks in use, the global warning and
 *  repeat settings, and the ordered policies with their match and targets;
 *  then proves that every ticket finds a policy and that every policy can be
 *  chosen. Ladders are parsed in sla_ladder.c; what the loaded file answers
 *  is sla_policy_read.c. See sla_policy.h for the
 *  contract and docs/sla.md for the file.
 */
#include "sla_policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sla_private.h"
#include "conf/yamltree.h"
#include "model/sla_subject.h"
#include "model/ticket.h"

const char *const sla_kind_names[] = {
    "consultation", "repair", "installation", "complaint", "return", "suggestion", NULL,
};
const char *const sla_priority_names[] = { "low", "normal", "high", "urgent", NULL };
const char *const sla_class_names[] = { "regular", "important", "vip", NULL };

/*  Default events of the built-in clocks, same order as sla_builtin_clocks. */
static const char *const s_builtin_events[][2] = {
    { "ticket_created", "first_reply" },
    { "work_order_assigned", "work_order_arranged" },
    { "work_order_created", "call_centre_checked" },
    { "ticket_created", "technician_arrived" },
    { "ticket_created", "ticket_resolved" },
    { "ticket_created", "complaint_decided" },
    { "marked_complex", "plan_sent" },
    { "ticket_resolved", "callback_done" },
};

static const char *const s_time_names[] = { "business", "calendar", NULL };
static const char *const s_dim_keys[] = { "tier", "kind", "priority", "class", NULL };

#define SLA_MAX_POLICIES 1000
#define SLA_MAX_NAME 64
#define SLA_MAX_DAYS 365
#define SLA_MAX_REPEAT 10080 /* a week */

/* ---------------------------------------------------------------- helpers */

/*  Index of text in a NULL-terminated list, or -1. */
static int s_index (const char *const *list, const char *text)
{
    for (int i = 0; text && list[i]; i++)
        if (strcmp (list[i], text) == 0)
            return i;
    return -1;
}

/*  True for an absent node or a null scalar (`key:`, `~`, `null`). */
static bool s_absent (const yt_node_t *node)
{
    const char *text = yt_text (node);
    return !node || (text && yt_kind (node) == YT_SCALAR
                     && (!*text || strcmp (text, "~") == 0 || strcmp (text, "null") == 0));
}

/*  Clock names: 1 to 32 of a-z and _. */
static bool s_clock_name_valid (const char *name)
{
    size_t len = strlen (name);
    if (len < 1 || len > 32)
        return false;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || *c == '_'))
            return false;
    return true;
}

/*  "an inspection", "a callback": a subject kind in a sentence. */
static const char *s_with_article (const char *kind)
{
    static char text[48];
    snprintf (text, sizeof text, "%s %s", strchr ("aeiou", kind[0]) ? "an" : "a", kind);
    return text;
}

/*  Policy names: 1 to 64 of A-Z a-z 0-9 _ -. */
static bool s_policy_name_valid (const char *name)
{
    size_t len = strlen (name);
    if (len < 1 || len > SLA_MAX_NAME)
        return false;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'A' && *c <= 'Z') || (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9')
              || *c == '_' || *c == '-'))
            return false;
    return true;
}

/*  "a, b, c" of the first n names into buf. */
static const char *s_join (const char *const *names, int n, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < n; i++) {
        int w = snprintf (buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0 || (size_t) w >= size - used) {
            if (size >= 4)
                memcpy (buf + size - 4, "...", 4);
            break;
        }
        used += (size_t) w;
    }
    return buf;
}

/*  A copy of text owned by the configuration (freed by sla_destroy), or NULL. */
static const char *s_keep (sla_config_t *self, const char *text)
{
    if (self->n_strings == self->cap_strings) {
        int cap = self->cap_strings ? self->cap_strings * 2 : 8;
        char **grown = realloc (self->strings, (size_t) cap * sizeof *grown);
        if (!grown)
            return NULL;
        self->strings = grown;
        self->cap_strings = cap;
    }
    char *copy = strdup (text);
    if (copy)
        self->strings[self->n_strings++] = copy;
    return copy;
}

/*  An event key (starts_on / stops_on) of a clock of `subject`; *out keeps
 *  its default when absent. A ticket's events are the fixed list of
 *  model/ticket.h; another kind's are its row of model/sla_subject.h, where
 *  an event may take a qualifier (level_signed.final). */
static int s_event (sla_config_t *self, yt_doc_t *doc, yt_node_t *map, const char *key, bool required,
                    const char *subject, const char **out)
{
    const char *const *names = sla_subject_events (subject);
    if (strcmp (subject, SLA_SUBJECT_TICKET) == 0) {
        int index = s_index (names, *out);
        if (yt_enum (doc, map, key, required, names, &index) != 0)
            return -1;
        *out = index >= 0 ? names[index] : NULL;
        return 0;
    }
    yt_node_t *node = yt_get (map, key);
    if (s_absent (node)) {
        if (required || (node && !*out))
            return yt_missing (doc, map, key, "an event of the clock's subject");
        return 0;
    }
    const char *text = yt_text (node);
    if (!text || !sla_subject_event_valid (subject, text)) {
        char list[400];
        size_t used = 0;
        list[0] = '\0';
        for (int i = 0; names[i] && used < sizeof list; i++) {
            size_t len = strlen (names[i]);
            bool qualified = len > 0 && names[i][len - 1] == '.';
            used += (size_t) snprintf (list + used, sizeof list - used, "%s%s%s", i ? ", " : "", names[i],
                                       qualified ? "LEVEL" : "");
        }
        return yt_fail (doc, node, "\"%s\" is not an event of a clock whose subject is %s (expected one of: %s)",
                        text ? text : "", subject, list);
    }
    for (int i = 0; names[i]; i++)
        if (strcmp (names[i], text) == 0) {
            *out = names[i];
            return 0;
        }
    if (!(*out = s_keep (self, text)))
        return yt_fail (doc, node, "out of memory");
    return 0;
}

/* ---------------------------------------------------------------- clocks */

static int s_add_clock (sla_config_t *self, yt_doc_t *doc, const yt_node_t *node, const char *name,
                        const char *subject, const char *starts_on, const char *stops_on)
{
    if (!s_clock_name_valid (name))
        return yt_fail (doc, node, "\"%s\" is not a clock name (1 to 32 of a-z and _)", name);
    for (int i = 0; i < self->n_clocks; i++)
        if (strcmp (self->clocks[i].name, name) == 0)
            return yt_fail (doc, node, "clock \"%s\" listed twice", name);
    if (self->n_clocks == SLA_MAX_CLOCKS)
        return yt_fail (doc, node, "at most %d clocks", SLA_MAX_CLOCKS);
    if (strcmp (starts_on, stops_on) == 0)
        return yt_fail (doc, node, "clock \"%s\" starts and stops on the same event (%s)", name, starts_on);
    sla_clockdef_t *clock = &self->clocks[self->n_clocks];
    if (!(clock->name = strdup (name)))
        return yt_fail (doc, node, "out of memory");
    clock->subject = subject;
    clock->starts_on = starts_on;
    clock->stops_on = stops_on;
    self->n_clocks++;
    return 0;
}

/*  A clock's `subject`: a kind of model/sla_subject.h; absent, the ticket. */
static int s_parse_subject (yt_doc_t *doc, yt_node_t *map, const char **out)
{
    int index = 0; /* the ticket, first in the table */
    if (yt_enum (doc, map, "subject", false, sla_subject_names (), &index) != 0)
        return -1;
    *out = sla_subject_names ()[index];
    return 0;
}

/*  `clocks`: absent means the built-in ones. Each item is a built-in name
 *  (its default events, which a mapping may change) or a mapping
 *  {name, starts_on, stops_on} for a clock the deployment adds. */
static int s_parse_clocks (sla_config_t *self, yt_doc_t *doc, yt_node_t *root)
{
    static const char *const known[] = { "name", "subject", "starts_on", "stops_on", NULL };
    yt_node_t *list = yt_get (root, "clocks");
    if (s_absent (list)) {
        for (int i = 0; sla_builtin_clocks[i]; i++)
            if (s_add_clock (self, doc, root, sla_builtin_clocks[i], SLA_SUBJECT_TICKET, s_builtin_events[i][0],
                             s_builtin_events[i][1]) != 0)
                return -1;
        return 0;
    }
    if (yt_expect (doc, list, YT_SEQ) != 0)
        return -1;
    if (yt_size (list) == 0)
        return yt_fail (doc, list, "must list at least one clock (or leave `clocks` out for the built-in ones)");
    for (size_t i = 0; i < yt_size (list); i++) {
        yt_node_t *item = yt_item (list, i);
        const char *name = yt_text (item);
        yt_node_t *map = NULL;
        if (!name) {
            if (yt_expect (doc, item, YT_MAP) != 0)
                return -1;
            map = item;
            if (!(item = yt_get (map, "name")))
                return yt_missing (doc, map, "name", "a clock name");
            if (!(name = yt_text (item)) || s_absent (item))
                return yt_fail (doc, item, "expected a clock name");
        }
        int builtin = s_index (sla_builtin_clocks, name);
        const char *starts_on = NULL, *stops_on = NULL, *subject = SLA_SUBJECT_TICKET;
        if (map && s_parse_subject (doc, map, &subject) != 0)
            return -1;
        if (builtin >= 0 && strcmp (subject, SLA_SUBJECT_TICKET) != 0)
            return yt_fail (doc, yt_get (map, "subject"),
                            "\"%s\" is a built-in clock of the ticket; give a clock of a %s another name",
                            name, subject);
        if (builtin >= 0) {
            starts_on = s_builtin_events[builtin][0];
            stops_on = s_builtin_events[builtin][1];
        }
        else if (!map)
            return yt_fail (doc, item,
                            "\"%s\" is not a built-in clock; give its events: {name: %s, starts_on: "
                            "EVENT, stops_on: EVENT}",
                            name, name);
        if (map
            && (s_event (self, doc, map, "starts_on", builtin < 0, subject, &starts_on) != 0
                || s_event (self, doc, map, "stops_on", builtin < 0, subject, &stops_on) != 0
                || yt_check_unknown (doc, map, known) != 0))
            return -1;
        if (s_add_clock (self, doc, item, name, subject, starts_on, stops_on) != 0)
            return -1;
    }
    return 0;
}

/* ---------------------------------------------------------------- policies */

static int s_dim_value (const sla_config_t *self, yt_doc_t *doc, const yt_node_t *node, int dim, int *out)
{
    int n;
    const char *const *names = sla_dim_names (self, dim, &n);
    const char *text = yt_text (node);
    if (!text || s_absent (node))
        return yt_fail (doc, node, "expected a %s name", s_dim_keys[dim]);
    if (strcmp (text, "any") == 0)
        return yt_fail (doc, node, "`any` stands alone (write `%s: any`, not a list holding it)",
                        s_dim_keys[dim]);
    if ((*out = sla_dim_lookup (names, n, text)) >= 0)
        return 0;
    char list[400];
    return yt_fail (doc, node, "unknown %s \"%s\" (expected any, or one or a list of: %s)", s_dim_keys[dim],
                    text, s_join (names, n, list, sizeof list));
}

/*  One dimension of `match`: absent or `any`, one value, or a list. */
static int s_parse_dim (sla_config_t *self, yt_doc_t *doc, yt_node_t *match, int dim, sla_policy_t *policy)
{
    yt_node_t *node = yt_get (match, s_dim_keys[dim]);
    policy->any[dim] = false;
    policy->mask[dim] = 0;
    const char *text = yt_text (node);
    if (s_absent (node) || (text && strcmp (text, "any") == 0)) {
        policy->any[dim] = true;
        int n;
        sla_dim_names (self, dim, &n);
        policy->mask[dim] = n >= 64 ? UINT64_MAX : (UINT64_C (1) << n) - 1;
        return 0;
    }
    int value;
    if (text) {
        if (s_dim_value (self, doc, node, dim, &value) != 0)
            return -1;
        policy->mask[dim] = UINT64_C (1) << value;
        return 0;
    }
    if (yt_expect (doc, node, YT_SEQ) != 0)
        return -1;
    if (yt_size (node) == 0)
        return yt_fail (doc, node, "an empty list matches nothing (write `%s: any` or list values)",
                        s_dim_keys[dim]);
    for (size_t i = 0; i < yt_size (node); i++) {
        yt_node_t *item = yt_item (node, i);
        if (s_dim_value (self, doc, item, dim, &value) != 0)
            return -1;
        if (policy->mask[dim] & (UINT64_C (1) << value))
            return yt_fail (doc, item, "\"%s\" listed twice", yt_text (item));
        policy->mask[dim] |= UINT64_C (1) << value;
    }
    return 0;
}

static int s_parse_match (sla_config_t *self, yt_doc_t *doc, yt_node_t *item, sla_policy_t *policy)
{
    yt_node_t *match = yt_get (item, "match");
    if (s_absent (match))
        match = NULL; /* a catch-all */
    else if (yt_expect (doc, match, YT_MAP) != 0)
        return -1;
    for (int dim = 0; dim < SLA_DIM_COUNT; dim++)
        if (s_parse_dim (self, doc, match, dim, policy) != 0)
            return -1;
    return yt_check_unknown (doc, match, s_dim_keys);
}

static int s_parse_target (sla_config_t *self, yt_doc_t *doc, yt_node_t *node, int clock, sla_target_t *t)
{
    static const char *const known[] = { "minutes", "hours", "days", "time", "starts_on", "stops_on", "on_breach",
                                         NULL };
    static const char *const units[] = { "minutes", "hours", "days" };
    static const char *const on_breach[] = { "escalate", "redispatch", NULL };
    static const int64_t max[] = { SLA_MAX_DAYS * 1440, SLA_MAX_DAYS * 24, SLA_MAX_DAYS };
    if (yt_expect (doc, node, YT_MAP) != 0)
        return -1;
    int unit = -1;
    for (int u = 0; u < 3; u++) {
        yt_node_t *value = yt_get (node, units[u]);
        if (s_absent (value))
            continue;
        if (unit >= 0)
            return yt_fail (doc, value, "give one of minutes, hours or days, not both %s and %s",
                            units[unit], units[u]);
        unit = u;
    }
    if (unit < 0) {
        /* A misspelt unit ("minuts") is reported as what it is. */
        for (int k = 3; known[k]; k++)
            yt_get (node, known[k]);
        if (yt_check_unknown (doc, node, known) != 0)
            return -1;
        return yt_missing (doc, node, "hours", "one of minutes, hours or days: a whole number above 0");
    }
    int64_t amount = 0;
    int time = 0, breach = 0;
    const sla_clockdef_t *def = &self->clocks[clock];
    t->clock = def->name;
    t->subject = def->subject;
    const char *starts_on = def->starts_on, *stops_on = def->stops_on;
    if (yt_int (doc, node, units[unit], true, 1, max[unit], &amount) != 0
        || yt_enum (doc, node, "time", true, s_time_names, &time) != 0
        || s_event (self, doc, node, "starts_on", false, def->subject, &starts_on) != 0
        || s_event (self, doc, node, "stops_on", false, def->subject, &stops_on) != 0
        || yt_enum (doc, node, "on_breach", false, on_breach, &breach) != 0
        || yt_check_unknown (doc, node, known) != 0)
        return -1;
    /* only the assignee's own clock on the ticket can be taken from him */
    if (breach == 1 && strcmp (def->subject, SLA_SUBJECT_TICKET) != 0)
        return yt_fail (doc, yt_get (node, "on_breach"),
                        "redispatch needs a clock of the ticket that starts on work_order_assigned (this one is a "
                        "clock of the %s)",
                        def->subject);
    if (breach == 1 && strcmp (starts_on, "work_order_assigned") != 0)
        return yt_fail (doc, yt_get (node, "on_breach"),
                        "redispatch needs a clock that starts on work_order_assigned (this one starts on %s)",
                        starts_on);
    t->redispatch = breach == 1;
    /* a clock without a ticket has no branch, so no business calendar */
    if (time == SLA_TIME_BUSINESS && sla_subject_ticketless (def->subject))
        return yt_fail (doc, yt_get (node, "time"),
                        "a clock of a %s counts calendar time (it concerns no ticket and no branch, so no "
                        "branch's working hours): write time: calendar",
                        def->subject);
    if (strcmp (starts_on, stops_on) == 0)
        return yt_fail (doc, yt_get (node, "stops_on") ? yt_get (node, "stops_on") : node,
                        "the clock would start and stop on the same event (%s)", stops_on);
    t->time = (sla_time_t) time;
    t->starts_on = starts_on;
    t->stops_on = stops_on;
    t->written_in = units[unit];
    t->line = yt_line (node);
    t->unit = SLA_UNIT_MINUTES;
    if (unit == 0)
        t->amount = (int) amount;
    else if (unit == 1)
        t->amount = (int) amount * 60;
    else if (t->time == SLA_TIME_CALENDAR)
        t->amount = (int) amount * 1440;
    else {
        t->unit = SLA_UNIT_WORKING_DAYS;
        t->amount = (int) amount;
    }
    return 0;
}

static int s_parse_targets (sla_config_t *self, yt_doc_t *doc, yt_node_t *item, sla_policy_t *policy)
{
    yt_node_t *targets = yt_get (item, "targets");
    if (!targets)
        return yt_missing (doc, item, "targets", "clock -> {hours: N, time: business|calendar}");
    if (s_absent (targets) || (yt_kind (targets) == YT_MAP && yt_size (targets) == 0))
        return yt_fail (doc, targets, "a policy needs at least one target (clock -> {hours: N, time: "
                                      "business|calendar})");
    if (yt_expect (doc, targets, YT_MAP) != 0)
        return -1;
    /* Known clocks first, so that yt_check_unknown names the first unknown
     * clock at its own line with the list of clocks in use. */
    const char *names[SLA_MAX_CLOCKS + 1];
    for (int i = 0; i < self->n_clocks; i++)
        names[i] = self->clocks[i].name;
    names[self->n_clocks] = NULL;
    size_t n = yt_size (targets);
    for (size_t i = 0; i < n; i++)
        if (sla_clock_index (self, yt_key_at (targets, i)) >= 0)
            yt_get (targets, yt_key_at (targets, i));
    if (yt_check_unknown (doc, targets, names) != 0)
        return -1;
    if (!(policy->targets = calloc (n, sizeof *policy->targets)))
        return yt_fail (doc, targets, "out of memory");
    const char *subject_clock = NULL;
    bool ticket_clock = false;
    for (size_t i = 0; i < n; i++) {
        int clock = sla_clock_index (self, yt_key_at (targets, i));
        if (s_parse_target (self, doc, yt_value_at (targets, i), clock, &policy->targets[i]) != 0)
            return -1;
        policy->n_targets++;
        if (strcmp (policy->targets[i].subject, SLA_SUBJECT_TICKET) == 0)
            ticket_clock = true;
        else if (!subject_clock)
            subject_clock = policy->targets[i].clock;
    }
    /* a subject's clocks take the policy its ticket's clocks carry */
    if (subject_clock && !ticket_clock)
        return yt_fail (doc, targets,
                        "the policy sets %s, a clock of %s, and no clock of the ticket; a subject's clocks "
                        "take the policy its ticket's clocks were started under, so give the policy at least one "
                        "clock of the ticket",
                        subject_clock, s_with_article (sla_policy_target (policy, subject_clock)->subject));
    return 0;
}

/*  reopen_restarts: the policy's clocks that start over when the ticket is
 *  reopened (a dissatisfied customer's case gets its full promise again). */
static int s_parse_reopen (yt_doc_t *doc, yt_node_t *item, sla_policy_t *policy)
{
    yt_node_t *list = yt_get (item, "reopen_restarts");
    if (!list)
        return 0;
    if (yt_expect (doc, list, YT_SEQ) != 0)
        return -1;
    for (size_t i = 0; i < yt_size (list); i++) {
        yt_node_t *entry = yt_item (list, i);
        if (yt_expect (doc, entry, YT_SCALAR) != 0)
            return -1;
        const char *name = yt_text (entry);
        sla_target_t *target = NULL;
        for (int t = 0; t < policy->n_targets; t++)
            if (strcmp (policy->targets[t].clock, name) == 0)
                target = &policy->targets[t];
        if (!target)
            return yt_fail (doc, entry, "\"%s\" is not one of this policy's targets (a clock the policy "
                                        "does not run cannot restart)", name);
        if (target->restart_on_reopen)
            return yt_fail (doc, entry, "\"%s\" is listed twice", name);
        if (strcmp (target->subject, SLA_SUBJECT_TICKET) != 0)
            return yt_fail (doc, entry, "\"%s\" is a clock of the %s, not of the ticket: a reopened ticket "
                                        "restarts only its own clocks (a new %s starts its clocks anew)",
                            name, target->subject, target->subject);
        target->restart_on_reopen = true;
    }
    return 0;
}

static int s_parse_policy (sla_config_t *self, yt_doc_t *doc, yt_node_t *item, sla_policy_t *policy)
{
    static const char *const known[] = {
        "name", "match", "targets", "warn_at_percent", "repeat_escalation_minutes", "reopen_restarts", NULL,
    };
    if (yt_expect (doc, item, YT_MAP) != 0)
        return -1;
    policy->line = yt_line (item);
    if (yt_str (doc, item, "name", true, 256, &policy->name) != 0)
        return -1;
    if (!s_policy_name_valid (policy->name))
        return yt_fail (doc, yt_get (item, "name"),
                        "\"%s\" is not a policy name (1 to %d of A-Z a-z 0-9 _ -)", policy->name, SLA_MAX_NAME);
    for (sla_policy_t *other = self->policies; other < policy; other++)
        if (strcmp (other->name, policy->name) == 0)
            return yt_fail (doc, yt_get (item, "name"), "duplicate policy name \"%s\" (first at line %d)",
                            policy->name, other->line);
    int64_t warn = self->warn_percent, repeat = self->repeat_minutes;
    if (s_parse_match (self, doc, item, policy) != 0 || s_parse_targets (self, doc, item, policy) != 0
        || yt_int (doc, item, "warn_at_percent", false, 1, 99, &warn) != 0
        || yt_int (doc, item, "repeat_escalation_minutes", false, 1, SLA_MAX_REPEAT, &repeat) != 0
        || s_parse_reopen (doc, item, policy) != 0 || yt_check_unknown (doc, item, known) != 0)
        return -1;
    policy->warn_percent = (int) warn;
    policy->repeat_minutes = (int) repeat;
    return 0;
}

/*  Every combination of known values finds a policy, and every policy is the
 *  first fit for at least one combination. At most 64 x 6 x 4 x 3 tickets. */
static int s_check_coverage (sla_config_t *self, yt_doc_t *doc, yt_node_t *list)
{
    int n[SLA_DIM_COUNT];
    for (int dim = 0; dim < SLA_DIM_COUNT; dim++)
        sla_dim_names (self, dim, &n[dim]);
    bool *chosen = calloc ((size_t) self->n_policies, sizeof *chosen);
    if (!chosen)
        return yt_fail (doc, list, "out of memory");
    int rc = 0, uncovered[SLA_DIM_COUNT] = { -1, -1, -1, -1 };
    int v[SLA_DIM_COUNT];
    for (v[0] = 0; v[0] < n[0]; v[0]++)
        for (v[1] = 0; v[1] < n[1]; v[1]++)
            for (v[2] = 0; v[2] < n[2]; v[2]++)
                for (v[3] = 0; v[3] < n[3]; v[3]++) {
                    int p = 0;
                    while (p < self->n_policies && !sla_policy_fits (&self->policies[p], v))
                        p++;
                    if (p < self->n_policies)
                        chosen[p] = true;
                    else if (uncovered[0] < 0)
                        memcpy (uncovered, v, sizeof v);
                }
    for (int p = 0; p < self->n_policies && rc == 0; p++) {
        if (chosen[p])
            continue;
        /* Name the earlier policy that takes this one's first ticket. */
        const sla_policy_t *policy = &self->policies[p];
        for (int dim = 0; dim < SLA_DIM_COUNT; dim++) {
            v[dim] = 0;
            while (!(policy->mask[dim] & (UINT64_C (1) << v[dim])))
                v[dim]++;
        }
        int q = 0;
        while (q < p && !sla_policy_fits (&self->policies[q], v))
            q++;
        rc = yt_fail (doc, yt_get (yt_item (list, (size_t) p), "name"),
                      "policy \"%s\" can never be chosen: every ticket it matches is matched by an "
                      "earlier policy (the first policy that fits wins; e.g. \"%s\" at line %d). Move "
                      "it before the broader policy or remove it",
                      policy->name, self->policies[q].name, self->policies[q].line);
    }
    if (rc == 0 && uncovered[0] >= 0) {
        const char *names[SLA_DIM_COUNT];
        for (int dim = 0; dim < SLA_DIM_COUNT; dim++) {
            int count;
            names[dim] = sla_dim_names (self, dim, &count)[uncovered[dim]];
        }
        rc = yt_fail (doc, list,
                      "no policy matches a ticket with tier %s, kind %s, priority %s, class %s; end "
                      "the list with a catch-all policy (one without `match`)",
                      names[0], names[1], names[2], names[3]);
    }
    free (chosen);
    return rc;
}

static int s_parse_policies (sla_config_t *self, yt_doc_t *doc, yt_node_t *root)
{
    yt_node_t *list = yt_get (root, "policies");
    if (s_absent (list))
        return list ? yt_fail (doc, list, "a value is required (a list of policies)")
                    : yt_missing (doc, root, "policies", "a list of policies, the last a catch-all");
    if (yt_expect (doc, list, YT_SEQ) != 0)
        return -1;
    size_t n = yt_size (list);
    if (n == 0 || n > SLA_MAX_POLICIES)
        return yt_fail (doc, list, "must list 1 to %d policies", SLA_MAX_POLICIES);
    if (!(self->policies = calloc (n, sizeof *self->policies)))
        return yt_fail (doc, list, "out of memory");
    for (size_t i = 0; i < n; i++) {
        self->n_policies++;
        if (s_parse_policy (self, doc, yt_item (list, i), &self->policies[i]) != 0)
            return -1;
    }
    return s_check_coverage (self, doc, list);
}

/* ---------------------------------------------------------------- loading */

static int s_copy_tiers (sla_config_t *self, const char *name, const char *const *tiers, size_t n,
                         char *err, size_t errsize)
{
    if (n == 0 || n > SLA_MAX_TIERS || !tiers) {
        snprintf (err, errsize, "%s: 1 to %d region tiers must be known (from org.yaml), got %zu", name,
                  SLA_MAX_TIERS, n);
        return -1;
    }
    if (!(self->tiers = calloc (n, sizeof *self->tiers))) {
        snprintf (err, errsize, "%s: out of memory", name);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!tiers[i] || !*tiers[i] || sla_dim_lookup ((const char *const *) self->tiers, self->n_tiers, tiers[i]) >= 0) {
            snprintf (err, errsize, "%s: the known tiers must be distinct names", name);
            return -1;
        }
        if (!(self->tiers[i] = strdup (tiers[i]))) {
            snprintf (err, errsize, "%s: out of memory", name);
            return -1;
        }
        self->n_tiers++;
    }
    return 0;
}

static sla_config_t *s_load_doc (yt_doc_t *doc, const char *name, const char *const *tiers, size_t n_tiers,
                                 const char *const *branches, size_t n_branches, char *err, size_t errsize)
{
    static const char *const known[] = {
        "clocks", "warn_at_percent", "repeat_escalation_minutes", "policies", "ladders", NULL,
    };
    sla_config_t *self = calloc (1, sizeof *self);
    if (!self) {
        snprintf (err, errsize, "%s: out of memory", name);
        return NULL;
    }
    self->default_ladder = -1;
    if (!(self->file = strdup (name))) {
        snprintf (err, errsize, "%s: out of memory", name);
        sla_destroy (&self);
        return NULL;
    }
    if (s_copy_tiers (self, name, tiers, n_tiers, err, errsize) != 0) {
        sla_destroy (&self);
        return NULL;
    }
    yt_node_t *root = yt_root (doc);
    int64_t warn = SLA_DEFAULT_WARN, repeat = SLA_DEFAULT_REPEAT;
    if (!root) {
        yt_fail (doc, NULL, "the file is empty (expected policies and ladders)");
        goto fail;
    }
    /* Section names first: a misspelt section is reported as such, not as
     * the missing section it was meant to be. */
    for (int i = 0; yt_kind (root) == YT_MAP && known[i]; i++)
        yt_get (root, known[i]);
    if (yt_expect (doc, root, YT_MAP) != 0 || yt_check_unknown (doc, root, known) != 0
        || s_parse_clocks (self, doc, root) != 0
        || yt_int (doc, root, "warn_at_percent", false, 1, 99, &warn) != 0
        || yt_int (doc, root, "repeat_escalation_minutes", false, 1, SLA_MAX_REPEAT, &repeat) != 0)
        goto fail;
    self->warn_percent = (int) warn;
    self->repeat_minutes = (int) repeat;
    if (s_parse_policies (self, doc, root) != 0 || sla_ladders_parse (self, doc, root, branches, n_branches) != 0)
        goto fail;
    return self;
fail:
    snprintf (err, errsize, "%s", yt_error (doc));
    sla_destroy (&self);
    return NULL;
}

sla_config_t *sla_load (const char *path, const char *const *known_tiers, size_t n_tiers,
                        const char *const *known_branches, size_t n_branches, char *err, size_t errsize)
{
    char scratch[8];
    if (!err || !errsize)
        err = scratch, errsize = sizeof scratch;
    yt_doc_t *doc = yt_load_file (path, err, errsize);
    if (!doc)
        return NULL;
    sla_config_t *self = s_load_doc (doc, path, known_tiers, n_tiers, known_branches, n_branches, err, errsize);
    yt_destroy (&doc);
    return self;
}

sla_config_t *sla_load_string (const char *name, const char *text, const char *const *known_tiers,
                               size_t n_tiers, const char *const *known_branches, size_t n_branches,
                               char *err, size_t errsize)
{
    char scratch[8];
    if (!err || !errsize)
        err = scratch, errsize = sizeof scratch;
    if (!name)
        name = "<string>";
    yt_doc_t *doc = yt_load_string (name, text, err, errsize);
    if (!doc)
        return NULL;
    sla_config_t *self = s_load_doc (doc, name, known_tiers, n_tiers, known_branches, n_branches, err, errsize);
    yt_destroy (&doc);
    return self;
}

void sla_destroy (sla_config_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    sla_config_t *self = *self_p;
    free (self->file);
    for (int i = 0; i < self->n_tiers; i++)
        free (self->tiers[i]);
    free (self->tiers);
    for (int i = 0; i < self->n_clocks; i++)
        free (self->clocks[i].name);
    for (int i = 0; i < self->n_strings; i++)
        free (self->strings[i]);
    free (self->strings);
    for (int i = 0; i < self->n_policies; i++) {
        free (self->policies[i].name);
        free (self->policies[i].targets);
    }
    free (self->policies);
    for (int i = 0; i < self->n_ladders; i++)
        sla_ladder_clear (&self->ladders[i]);
    free (self->ladders);
    free (self);
    *self_p = NULL;
}

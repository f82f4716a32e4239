/*  sla_ladder — the escalation ladders of the SLA file: per branch (and a
 *  `default` one) the management levels a breached clock climbs, lowest
 *  first, with one person each (a staff id, resolved against the staff
 *  directory by sla_resolve_staff), and the skip-level rules that send flagged
 *  tickets (major fault, safety, large loss, media risk) straight to a
 *  senior level. Parsing and validation here; navigation (next level up,
 *  skip-level resolution) below. See sla_policy.h and docs/sla.md.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sla_policy.h"
#include "sla_private.h"
#include "conf/yamltree.h"

const char *const sla_flag_names[] = { "major_fault", "safety", "large_loss", "media_risk", NULL };
const char *const sla_level_names[] = {
    "team_lead", "department_head", "centre_director", "general_manager", NULL,
};

#define SLA_MAX_LADDERS 100000
#define SLA_MAX_STAFF_ID 32
#define SLA_MAX_EMAIL 254
#define SLA_DEFAULT "default"

/* ---------------------------------------------------------------- fields */

static bool s_absent (const yt_node_t *node)
{
    const char *text = yt_text (node);
    return !node || (text && (!*text || strcmp (text, "~") == 0 || strcmp (text, "null") == 0));
}

/*  True when every character of text is an ASCII letter or digit or one of `extra`. */
static bool s_alnum_or (const char *text, const char *extra)
{
    for (const char *c = text; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9')
              || strchr (extra, *c)))
            return false;
    return true;
}

/*  A plain e-mail check: local@domain, one @, no spaces or control
 *  characters, a dotted domain of letters, digits and hyphens without empty
 *  labels. Enough to catch typos; the relay has the last word. */
static bool s_email_valid (const char *email)
{
    const char *at = strchr (email, '@');
    size_t len = strlen (email);
    if (!at || at == email || strchr (at + 1, '@') || len > SLA_MAX_EMAIL || at - email > 64)
        return false;
    for (const char *c = email; c < at; c++)
        if ((unsigned char) *c <= 0x20 || *c == 0x7f || strchr ("<>()[]\\,;:\"", *c))
            return false;
    const char *domain = at + 1;
    if (!*domain || *domain == '.' || !strchr (domain, '.') || domain[strlen (domain) - 1] == '.'
        || strstr (domain, ".."))
        return false;
    return s_alnum_or (domain, "-.");
}

/*  "team_lead, department_head" of a ladder's levels. */
static const char *s_level_list (const sla_ladder_t *ladder, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int i = 0; i < ladder->n; i++) {
        int w = snprintf (buf + used, size - used, "%s%s", i ? ", " : "", sla_level_names[ladder->levels[i].level]);
        if (w < 0 || (size_t) w >= size - used)
            break;
        used += (size_t) w;
    }
    return buf;
}

/* ---------------------------------------------------------------- parsing */

/*  A staff id as the organisation file writes it: 1 to 32 of A-Z a-z 0-9 _ -. */
static bool s_staff_id_valid (const char *id)
{
    size_t len = strlen (id);
    return len >= 1 && len <= SLA_MAX_STAFF_ID && s_alnum_or (id, "_-");
}

/*  A level names a person by staff id; their name, e-mail and phone come
 *  from the staff directory (sla_resolve_staff), never from this file. */
static int s_parse_person (sla_ladder_t *ladder, yt_doc_t *doc, yt_node_t *item)
{
    static const char *const directory_keys[] = { "name", "email", "phone", NULL };
    for (int k = 0; directory_keys[k]; k++) {
        yt_node_t *node = yt_get (item, directory_keys[k]);
        if (node)
            return yt_fail (doc, node,
                            "a ladder names people by staff id (staff: TL01); their name, e-mail and phone "
                            "come from the staff directory (staff: in the organisation file, loaded by "
                            "kefuctl admin load)");
    }
    sla_level_owned_t *owned = &ladder->owned[ladder->n - 1];
    if (!yt_get (item, "staff"))
        return yt_missing (doc, item, "staff", "the person's staff id, e.g. TL01");
    if (yt_str (doc, item, "staff", true, 256, &owned->staff) != 0)
        return -1;
    yt_node_t *node = yt_get (item, "staff");
    if (!s_staff_id_valid (owned->staff))
        return yt_fail (doc, node, "\"%s\" is not a staff id (1 to %d of A-Z a-z 0-9 _ -)", owned->staff,
                        SLA_MAX_STAFF_ID);
    if (!(owned->key = strdup (yt_path (node))))
        return yt_fail (doc, node, "out of memory");
    owned->line = yt_line (node);
    ladder->levels[ladder->n - 1].staff = owned->staff;
    ladder->staff_ids[ladder->n - 1] = owned->staff;
    return 0;
}

static int s_parse_level (sla_ladder_t *ladder, yt_doc_t *doc, yt_node_t *item, const int seen_line[])
{
    static const char *const known[] = { "level", "staff", NULL };
    if (yt_expect (doc, item, YT_MAP) != 0)
        return -1;
    int level = 0;
    if (yt_enum (doc, item, "level", true, sla_level_names, &level) != 0)
        return -1;
    yt_node_t *node = yt_get (item, "level");
    if (seen_line[level])
        return yt_fail (doc, node, "duplicate level %s (first at line %d)", sla_level_names[level],
                        seen_line[level]);
    if (ladder->n > 0) {
        int prev = ladder->levels[ladder->n - 1].level;
        if (level < prev)
            return yt_fail (doc, node,
                            "%s listed after %s: list the levels lowest first (team_lead, "
                            "department_head, centre_director, general_manager)",
                            sla_level_names[level], sla_level_names[prev]);
        if (level > prev + 1)
            return yt_fail (doc, node,
                            "gap in the ladder: %s is missing between %s and %s (a ladder may start or "
                            "stop at any level, but not skip one in the middle)",
                            sla_level_names[prev + 1], sla_level_names[prev], sla_level_names[level]);
    }
    ladder->levels[ladder->n].level = (sla_level_t) level;
    ladder->n++;
    return s_parse_person (ladder, doc, item) != 0 ? -1 : yt_check_unknown (doc, item, known);
}

static int s_parse_levels (sla_ladder_t *ladder, yt_doc_t *doc, yt_node_t *item)
{
    yt_node_t *levels = yt_get (item, "levels");
    if (!levels)
        return yt_missing (doc, item, "levels", "a list of {level, staff}, lowest level first");
    if (yt_expect (doc, levels, YT_SEQ) != 0)
        return -1;
    size_t n = yt_size (levels);
    if (n == 0 || n > SLA_LEVEL_COUNT)
        return yt_fail (doc, levels, "must list 1 to %d levels", SLA_LEVEL_COUNT);
    int seen_line[SLA_LEVEL_COUNT] = { 0 };
    for (size_t i = 0; i < n; i++) {
        if (s_parse_level (ladder, doc, yt_item (levels, i), seen_line) != 0)
            return -1;
        seen_line[ladder->levels[ladder->n - 1].level] = yt_line (yt_item (levels, i));
    }
    return 0;
}

static int s_parse_rule (sla_ladder_t *ladder, yt_doc_t *doc, yt_node_t *node)
{
    static const char *const known[] = { "flags", "to", NULL };
    if (yt_expect (doc, node, YT_MAP) != 0)
        return -1;
    if (ladder->n_rules == SLA_MAX_SKIP_RULES)
        return yt_fail (doc, node, "at most %d skip-level rules", SLA_MAX_SKIP_RULES);
    sla_skip_rule_t *rule = &ladder->rules[ladder->n_rules];
    yt_node_t *flags = yt_get (node, "flags");
    if (!flags)
        return yt_missing (doc, node, "flags", "a list of: major_fault, safety, large_loss, media_risk");
    if (yt_expect (doc, flags, YT_SEQ) != 0)
        return -1;
    if (yt_size (flags) == 0)
        return yt_fail (doc, flags, "must list at least one flag (major_fault, safety, large_loss, media_risk)");
    for (size_t i = 0; i < yt_size (flags); i++) {
        yt_node_t *flag = yt_item (flags, i);
        const char *text = yt_text (flag);
        int index = -1;
        for (int k = 0; text && sla_flag_names[k]; k++)
            if (strcmp (sla_flag_names[k], text) == 0)
                index = k;
        if (index < 0)
            return yt_fail (doc, flag, "unknown flag%s%s%s (expected one of: major_fault, safety, large_loss, "
                                       "media_risk)",
                            text ? " \"" : "", text ? text : "", text ? "\"" : "");
        if (rule->flags & (1u << index))
            return yt_fail (doc, flag, "\"%s\" listed twice", text);
        rule->flags |= 1u << index;
    }
    int to = 0;
    if (yt_enum (doc, node, "to", true, sla_level_names, &to) != 0 || yt_check_unknown (doc, node, known) != 0)
        return -1;
    rule->to = (sla_level_t) to;
    rule->line = yt_line (yt_get (node, "to"));
    if (!sla_ladder_contact (ladder, rule->to)) {
        char list[200];
        return yt_fail (doc, yt_get (node, "to"), "%s is not on this ladder (its levels: %s)",
                        sla_level_names[to], s_level_list (ladder, list, sizeof list));
    }
    ladder->n_rules++;
    return 0;
}

/*  skip_level: one rule {flags, to}, or a list of them. */
static int s_parse_skip (sla_ladder_t *ladder, yt_doc_t *doc, yt_node_t *item)
{
    yt_node_t *skip = yt_get (item, "skip_level");
    if (s_absent (skip))
        return 0;
    ladder->own_rules = true;
    if (yt_kind (skip) == YT_MAP)
        return s_parse_rule (ladder, doc, skip);
    if (yt_expect (doc, skip, YT_SEQ) != 0)
        return -1;
    for (size_t i = 0; i < yt_size (skip); i++)
        if (s_parse_rule (ladder, doc, yt_item (skip, i)) != 0)
            return -1;
    return 0;
}

static int s_parse_ladder (sla_config_t *self, yt_doc_t *doc, yt_node_t *item, const char *const *branches,
                           size_t n_branches)
{
    static const char *const known[] = { "branch", "levels", "skip_level", NULL };
    if (yt_expect (doc, item, YT_MAP) != 0)
        return -1;
    sla_ladder_t *ladder = &self->ladders[self->n_ladders++];
    ladder->line = yt_line (item);
    if (yt_str (doc, item, "branch", true, 64, &ladder->branch) != 0)
        return -1;
    yt_node_t *branch = yt_get (item, "branch");
    bool known_branch = strcmp (ladder->branch, SLA_DEFAULT) == 0;
    for (size_t i = 0; !known_branch && i < n_branches; i++)
        known_branch = branches[i] && strcmp (branches[i], ladder->branch) == 0;
    if (!known_branch) {
        char list[300] = "";
        size_t used = 0;
        for (size_t i = 0; i < n_branches && i < 12 && branches[i]; i++) {
            int w = snprintf (list + used, sizeof list - used, ", %s", branches[i]);
            if (w < 0 || (size_t) w >= sizeof list - used)
                break;
            used += (size_t) w;
        }
        return yt_fail (doc, branch, "unknown branch \"%s\" (expected default%s%s)", ladder->branch, list,
                        n_branches > 12 ? ", ..." : "");
    }
    for (int i = 0; i < self->n_ladders - 1; i++)
        if (strcmp (self->ladders[i].branch, ladder->branch) == 0)
            return yt_fail (doc, branch, "a second ladder for %s (first at line %d)", ladder->branch,
                            self->ladders[i].line);
    if (strcmp (ladder->branch, SLA_DEFAULT) == 0)
        self->default_ladder = self->n_ladders - 1;
    if (s_parse_levels (ladder, doc, item) != 0 || s_parse_skip (ladder, doc, item) != 0
        || yt_check_unknown (doc, item, known) != 0)
        return -1;
    /* Who may acknowledge an escalation to a level: its person and everyone above. */
    for (int i = 0; i < ladder->n; i++) {
        ladder->levels[i].may_acknowledge = &ladder->staff_ids[i];
        ladder->levels[i].n_may_acknowledge = ladder->n - i;
    }
    return 0;
}

int sla_ladders_parse (sla_config_t *self, yt_doc_t *doc, yt_node_t *root, const char *const *branches,
                       size_t n_branches)
{
    for (size_t i = 0; i < n_branches; i++)
        if (branches && branches[i] && strcmp (branches[i], SLA_DEFAULT) == 0)
            return yt_fail (doc, root, "a branch is called \"default\", which names the default ladder here; "
                                       "rename the branch in org.yaml");
    yt_node_t *list = yt_get (root, "ladders");
    if (s_absent (list))
        return list ? yt_fail (doc, list, "a value is required (a list of ladders)")
                    : yt_missing (doc, root, "ladders", "a list of ladders, one with branch: default");
    if (yt_expect (doc, list, YT_SEQ) != 0)
        return -1;
    size_t n = yt_size (list);
    if (n == 0 || n > SLA_MAX_LADDERS)
        return yt_fail (doc, list, "must list 1 to %d ladders", SLA_MAX_LADDERS);
    if (!(self->ladders = calloc (n, sizeof *self->ladders)))
        return yt_fail (doc, list, "out of memory");
    for (size_t i = 0; i < n; i++)
        if (s_parse_ladder (self, doc, yt_item (list, i), branches, n_branches) != 0)
            return -1;
    /* Ladders without their own skip_level follow the default ladder's. */
    const sla_ladder_t *def = self->default_ladder >= 0 ? &self->ladders[self->default_ladder] : NULL;
    for (int i = 0; def && i < self->n_ladders; i++) {
        sla_ladder_t *ladder = &self->ladders[i];
        if (ladder->own_rules || ladder == def)
            continue;
        for (int r = 0; r < def->n_rules; r++) {
            if (!sla_ladder_contact (ladder, def->rules[r].to)) {
                char levels[200];
                return yt_fail (doc, yt_get (yt_item (list, (size_t) i), "branch"),
                                "this ladder follows the default ladder's skip_level (line %d), whose "
                                "target %s is not on it (its levels: %s); add that level or give the "
                                "ladder its own skip_level",
                                def->rules[r].line, sla_level_names[def->rules[r].to],
                                s_level_list (ladder, levels, sizeof levels));
            }
            ladder->rules[ladder->n_rules++] = def->rules[r];
        }
    }
    /* Every known branch finds a ladder. */
    for (size_t b = 0; !def && b < n_branches; b++) {
        if (!branches[b])
            continue;
        bool found = false;
        for (int i = 0; !found && i < self->n_ladders; i++)
            found = strcmp (self->ladders[i].branch, branches[b]) == 0;
        if (!found)
            return yt_fail (doc, list, "branch %s has no ladder and there is no default ladder (add one with "
                                       "branch: default)",
                            branches[b]);
    }
    return 0;
}

/* ---------------------------------------------------------------- staff */

static int s_staff_fail (const sla_config_t *self, const sla_level_owned_t *o, char *err, size_t errsize,
                         const char *fmt, ...) __attribute__ ((format (printf, 5, 6)));
static int s_staff_fail (const sla_config_t *self, const sla_level_owned_t *o, char *err, size_t errsize,
                         const char *fmt, ...)
{
    int w = snprintf (err, errsize, "%s:%d: %s: ", self->file, o->line, o->key);
    if (w >= 0 && (size_t) w < errsize) {
        va_list ap;
        va_start (ap, fmt);
        vsnprintf (err + w, errsize - (size_t) w, fmt, ap);
        va_end (ap);
    }
    return -1;
}

/*  One level's person, checked and copied from the directory. */
static int s_resolve_level (const sla_config_t *self, sla_ladder_t *ladder, int i, sla_staff_fn lookup,
                            void *arg, char *err, size_t errsize)
{
    sla_level_owned_t *o = &ladder->owned[i];
    sla_person_t person = { 0 };
    if (lookup (arg, o->staff, &person) != 1)
        return s_staff_fail (self, o, err, errsize,
                             "unknown staff id \"%s\" (not in the staff directory: add the person to staff: "
                             "in the organisation file and run kefuctl admin load)",
                             o->staff);
    const char *name = person.name && *person.name ? person.name : o->staff;
    if (!person.active)
        return s_staff_fail (self, o, err, errsize,
                             "staff %s (%s) is no longer active (left out of the organisation file, or "
                             "active: false there): name who holds this level now",
                             o->staff, name);
    /* Every notification adapter addresses its recipient by e-mail, and the
     * record and its message carry the address. (The address itself stays
     * out of the error: errors are logged.) */
    if (!person.email || !*person.email)
        return s_staff_fail (self, o, err, errsize,
                             "staff %s (%s) has no e-mail address, and escalations are sent to one: give "
                             "them email: in the organisation file and run kefuctl admin load",
                             o->staff, name);
    if (!s_email_valid (person.email))
        return s_staff_fail (self, o, err, errsize,
                             "staff %s (%s): their e-mail address in the staff directory is not one an "
                             "escalation can be sent to (expected name@example.com)",
                             o->staff, name);
    free (o->name);
    free (o->email);
    free (o->phone);
    o->name = strdup (name);
    o->email = strdup (person.email);
    o->phone = person.phone && *person.phone ? strdup (person.phone) : NULL;
    if (!o->name || !o->email || (person.phone && *person.phone && !o->phone))
        return s_staff_fail (self, o, err, errsize, "out of memory");
    ladder->levels[i].name = o->name;
    ladder->levels[i].email = o->email;
    ladder->levels[i].phone = o->phone;
    return 0;
}

int sla_resolve_staff (sla_config_t *self, sla_staff_fn lookup, void *arg, char *err, size_t errsize)
{
    char scratch[8];
    if (!err || !errsize)
        err = scratch, errsize = sizeof scratch;
    if (!self || !lookup) {
        snprintf (err, errsize, "no configuration or no staff directory to resolve it against");
        return -1;
    }
    for (int l = 0; l < self->n_ladders; l++)
        for (int i = 0; i < self->ladders[l].n; i++)
            if (s_resolve_level (self, &self->ladders[l], i, lookup, arg, err, errsize) != 0)
                return -1;
    return 0;
}

void sla_ladder_clear (sla_ladder_t *ladder)
{
    if (!ladder)
        return;
    free (ladder->branch);
    for (int i = 0; i < SLA_LEVEL_COUNT; i++) {
        sla_level_owned_t *o = &ladder->owned[i];
        free (o->staff);
        free (o->key);
        free (o->name);
        free (o->email);
        free (o->phone);
    }
    memset (ladder, 0, sizeof *ladder);
}

/* ---------------------------------------------------------------- queries */

const sla_ladder_t *sla_ladder_for (const sla_config_t *self, const char *branch)
{
    if (!self)
        return NULL;
    for (int i = 0; branch && i < self->n_ladders; i++)
        if (i != self->default_ladder && strcmp (self->ladders[i].branch, branch) == 0)
            return &self->ladders[i];
    return self->default_ladder >= 0 ? &self->ladders[self->default_ladder] : NULL;
}

const char *sla_ladder_branch (const sla_ladder_t *ladder)
{
    return ladder ? ladder->branch : NULL;
}

int sla_ladder_size (const sla_ladder_t *ladder)
{
    return ladder ? ladder->n : 0;
}

const sla_contact_t *sla_ladder_at (const sla_ladder_t *ladder, int index)
{
    return ladder && index >= 0 && index < ladder->n ? &ladder->levels[index] : NULL;
}

const sla_contact_t *sla_ladder_contact (const sla_ladder_t *ladder, sla_level_t level)
{
    for (int i = 0; ladder && i < ladder->n; i++)
        if (ladder->levels[i].level == level)
            return &ladder->levels[i];
    return NULL;
}

const sla_contact_t *sla_ladder_next (const sla_ladder_t *ladder, sla_level_t current)
{
    for (int i = 0; ladder && i < ladder->n; i++)
        if (ladder->levels[i].level > current)
            return &ladder->levels[i];
    return NULL;
}

const sla_contact_t *sla_ladder_skip (const sla_ladder_t *ladder, const char *const *flags, size_t n_flags,
                                      sla_level_t current, const sla_contact_t *skipped[SLA_LEVEL_COUNT],
                                      int *n_skipped)
{
    if (n_skipped)
        *n_skipped = 0;
    if (!ladder)
        return NULL;
    unsigned carried = 0;
    for (size_t i = 0; flags && i < n_flags; i++)
        for (int k = 0; flags[i] && sla_flag_names[k]; k++)
            if (strcmp (flags[i], sla_flag_names[k]) == 0)
                carried |= 1u << k;
    sla_level_t to = SLA_LEVEL_NONE;
    for (int r = 0; r < ladder->n_rules; r++)
        if ((ladder->rules[r].flags & carried) && ladder->rules[r].to > to)
            to = ladder->rules[r].to;
    if (to == SLA_LEVEL_NONE || to <= current)
        return NULL;
    for (int i = 0; i < ladder->n; i++) {
        sla_level_t level = ladder->levels[i].level;
        if (level > current && level < to && skipped && n_skipped)
            skipped[(*n_skipped)++] = &ladder->levels[i];
    }
    return sla_ladder_contact (ladder, to);
}

const char *sla_level_name (sla_level_t level)
{
    return level >= 0 && level < SLA_LEVEL_COUNT ? sla_level_names[level] : NULL;
}

int sla_level_parse (const char *text, sla_level_t *out)
{
    for (int i = 0; text && out && sla_level_names[i]; i++)
        if (strcmp (text, sla_level_names[i]) == 0) {
            *out = (sla_level_t) i;
            return 0;
        }
    return -1;
}

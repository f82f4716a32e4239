/*  org — loads and validates the organisation file (deploy/demo/org.yaml):
 *  tiers, regions, branches with their hours, products, technicians and
 *  customers with warranty cards. Everything is checked before anything is
 *  used: identifiers, duplicates, references between sections, time zones
 *  (loaded with tz_load, exactly as a business calendar loads them), weekly
 *  intervals, calendar dates, text bounds, and each branch's holiday
 *  calendar (loaded from calendars_dir and applied to the branch's hours).
 *  Also converts weekly hours to and from the JSON kept in the database.
 *  See org.h; docs/configuration.md and docs/calendars.md document the file.
 */
#include "org.h"

#include <cjson/cJSON.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "time/calendar.h"
#include "time/hours.h"
#include "time/holidays.h"
#include "time/tz.h"
#include "conf/yamltree.h"
#include "org_fields.h"
#include "base/ident.h"
#include "auth/roles.h"

const char *const org_grade_names[] = { "trainee", "junior", "intermediate", "senior", NULL };
const char *const org_warranty_from_names[] = { "purchase", "installation", NULL };

static const char *const s_classes[] = { "regular", "important", "vip", NULL };

#define ORG_MAX_ADDRESS 500
#define ORG_MAX_SERIAL 64
#define ORG_MAX_TZ 64
#define ORG_MAX_CALENDAR 32
#define ORG_MAX_PATH 4096

/* ---------------------------------------------------------------- fields */

static int s_phone (yt_doc_t *doc, yt_node_t *map, const char *key, char **out)
{
    if (yt_str (doc, map, key, true, 32, out) != 0)
        return -1;
    int digits = 0;
    bool ok = true;
    for (const char *c = *out; *c; c++) {
        if (*c >= '0' && *c <= '9')
            digits++;
        else if (*c != '+' && *c != '-' && *c != ' ')
            ok = false;
    }
    if (!ok || digits < 3)
        return yt_fail (doc, yt_get (map, key),
                        "expected a phone number (digits, +, - and spaces, at least 3 digits)");
    return 0;
}

/*  True when `tz` loads with tz_load (common/time/tz.h): the check a business
 *  calendar (cal_new) makes, so a zone accepted here always loads there. */
static bool s_tz_loads (const char *tz)
{
    char why[256];
    tz_t *zone = tz_load (tz, why, sizeof why);
    bool ok = zone != NULL;
    tz_destroy (&zone);
    return ok;
}

/*  A holiday calendar name: 1 to 32 of a-z 0-9 _ - (the database's check). */
static bool s_calendar_name_valid (const char *name)
{
    size_t len = strlen (name);
    if (len < 1 || len > ORG_MAX_CALENDAR)
        return false;
    for (const char *c = name; *c; c++)
        if (!((*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
            return false;
    return true;
}

/* ---------------------------------------------------------------- weeks */

static int s_week (yt_doc_t *doc, yt_node_t *node, hours_week_t *out)
{
    memset (out, 0, sizeof *out);
    if (yt_expect (doc, node, YT_MAP) != 0)
        return -1;
    for (int d = 0; d < 7; d++) {
        yt_node_t *day = yt_get (node, hours_day_keys[d]);
        const char *empty = yt_text (day);
        if (!day || (empty && (!*empty || strcmp (empty, "~") == 0)))
            continue; /* closed */
        if (yt_expect (doc, day, YT_SEQ) != 0)
            return -1;
        if (yt_size (day) > HOURS_MAX_INTERVALS)
            return yt_fail (doc, day, "at most %d intervals a day", HOURS_MAX_INTERVALS);
        for (size_t i = 0; i < yt_size (day); i++) {
            yt_node_t *item = yt_item (day, i);
            const char *text = yt_text (item);
            hours_interval_t iv;
            if (!text || hours_interval_shape (text, &iv) != 0)
                return yt_fail (doc, item, "expected \"HH:MM-HH:MM\" (00:00 to 24:00), found %s%s%s",
                                text ? "\"" : "", text ? text : "a list or mapping", text ? "\"" : "");
            if (iv.start_min >= iv.end_min)
                return yt_fail (doc, item, "inverted or empty interval \"%s\": the end must be after the start",
                                text);
            if (out->n[d] > 0 && iv.start_min < out->iv[d][out->n[d] - 1].end_min)
                return yt_fail (doc, item,
                                "\"%s\" overlaps or comes before the previous interval; intervals "
                                "must be increasing and must not overlap",
                                text);
            out->iv[d][out->n[d]++] = iv;
        }
    }
    return yt_check_unknown (doc, node, hours_day_keys);
}

int org_grade_parse (const char *text, org_grade_t *out)
{
    for (int i = 0; text && out && org_grade_names[i]; i++)
        if (strcmp (text, org_grade_names[i]) == 0) {
            *out = (org_grade_t) i;
            return 0;
        }
    return -1;
}

/* ---------------------------------------------------------------- checks */


static const char *s_tier_at (const org_t *org, int i)
{
    return org->tiers[i];
}
static const char *s_product_at (const org_t *org, int i)
{
    return org->products[i].code;
}
static const char *s_line_at (const org_t *org, int i)
{
    return org->products[i].line;
}

/* ---------------------------------------------------------------- sections */

static int s_load_tiers (org_t *org, yt_doc_t *doc, yt_node_t *root)
{
    yt_node_t *list;
    if (orgf_list (doc, root, "tiers", true, &list) != 0)
        return -1;
    size_t n = yt_size (list);
    if (!(org->tiers = orgf_calloc (n, sizeof *org->tiers)))
        return yt_fail (doc, list, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yt_node_t *item = yt_item (list, i);
        const char *text = yt_text (item);
        if (!text || !ident_valid (text, ORG_MAX_ID))
            return yt_fail (doc, item, "expected a tier name (1 to 32 of A-Z a-z 0-9 _ -)");
        if (!(org->tiers[org->n_tiers] = strdup (text)))
            return yt_fail (doc, item, "out of memory");
        org->n_tiers++;
    }
    return orgf_list_unique (doc, list, NULL, "tier");
}

static int s_load_regions (org_t *org, yt_doc_t *doc, yt_node_t *root)
{
    static const char *const known[] = { "id", "name", "tier", NULL };
    yt_node_t *list;
    if (orgf_list (doc, root, "regions", true, &list) != 0)
        return -1;
    size_t n = yt_size (list);
    if (!(org->regions = orgf_calloc (n, sizeof *org->regions)))
        return yt_fail (doc, list, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yt_node_t *item = yt_item (list, i);
        if (yt_expect (doc, item, YT_MAP) != 0)
            return -1;
        org_region_t *r = &org->regions[org->n_regions++];
        int tier;
        if (orgf_id (doc, item, "id", true, &r->id) != 0
            || yt_free_text (doc, item, "name", true, ORG_MAX_NAME, &r->name) != 0
            || orgf_id (doc, item, "tier", true, &r->tier) != 0
            || orgf_ref (doc, org, yt_get (item, "tier"), "tier", s_tier_at, org->n_tiers, r->tier, &tier) != 0
            || yt_check_unknown (doc, item, known) != 0)
            return -1;
    }
    return orgf_list_unique (doc, list, "id", "region id");
}

/*  The top-level calendars_dir: kept as written and resolved against the
 *  directory of the org file (`name`); it must be a directory. */
static int s_load_calendars_dir (org_t *org, yt_doc_t *doc, yt_node_t *root, const char *name)
{
    if (yt_str (doc, root, "calendars_dir", false, ORG_MAX_PATH, &org->calendars_dir) != 0)
        return -1;
    if (!org->calendars_dir)
        return 0;
    yt_node_t *node = yt_get (root, "calendars_dir");
    if (!*org->calendars_dir)
        return yt_fail (doc, node, "must not be empty (expected a directory, e.g. ../calendars)");
    const char *slash = name ? strrchr (name, '/') : NULL;
    int base = slash ? (int) (slash - name) + 1 : 0; /* "deploy/demo/" of "deploy/demo/org.yaml" */
    if (org->calendars_dir[0] == '/')
        base = 0;
    size_t size = (size_t) base + strlen (org->calendars_dir) + 1;
    if (!(org->calendars_path = malloc (size)))
        return yt_fail (doc, node, "out of memory");
    snprintf (org->calendars_path, size, "%.*s%s", base, base ? name : "", org->calendars_dir);
    struct stat st;
    if (stat (org->calendars_path, &st) != 0 || !S_ISDIR (st.st_mode))
        return yt_fail (doc, node,
                        "\"%s\" is not a directory (looked for %s; a relative calendars_dir starts at the "
                        "org file's directory)",
                        org->calendars_dir, org->calendars_path);
    return 0;
}

const hol_t *org_calendar (const org_t *self, const char *calendar)
{
    for (int i = 0; self && calendar && i < self->n_calendars; i++)
        if (strcmp (hol_calendar (self->calendars[i]), calendar) == 0)
            return self->calendars[i];
    return NULL;
}

/*  The branch's `calendar`: a holiday calendar of calendars_dir, loaded on
 *  first use, which must apply cleanly to the branch's own calendar (zone
 *  and hours). */
static int s_branch_calendar (org_t *org, yt_doc_t *doc, yt_node_t *item, org_branch_t *b)
{
    if (yt_str (doc, item, "calendar", false, 64, &b->calendar) != 0)
        return -1;
    if (!b->calendar)
        return 0;
    yt_node_t *node = yt_get (item, "calendar");
    if (!s_calendar_name_valid (b->calendar))
        return yt_fail (doc, node, "\"%s\" is not a holiday calendar name (1 to %d of a-z 0-9 _ -)", b->calendar,
                        ORG_MAX_CALENDAR);
    if (!org->calendars_path)
        return yt_fail (doc, node,
                        "holiday calendar \"%s\" named but the file has no calendars_dir (add e.g. "
                        "`calendars_dir: ../calendars`, the directory holding <calendar>/<year>.yaml)",
                        b->calendar);
    char why[900];
    const hol_t *hol = org_calendar (org, b->calendar);
    if (!hol) {
        hol_t *loaded = hol_load_dir (org->calendars_path, b->calendar, why, sizeof why);
        if (!loaded)
            return yt_fail (doc, node, "holiday calendar \"%s\": %s", b->calendar, why);
        hol_t **grown = realloc (org->calendars, (size_t) (org->n_calendars + 1) * sizeof *grown);
        if (!grown) {
            hol_destroy (&loaded);
            return yt_fail (doc, node, "out of memory");
        }
        org->calendars = grown;
        org->calendars[org->n_calendars++] = loaded;
        hol = loaded;
    }
    cal_t *cal = cal_new (b->timezone, &b->hours, why, sizeof why);
    int rc = cal && hol_apply (hol, cal, why, sizeof why) == 0 ? 0 : -1;
    cal_destroy (&cal);
    if (rc != 0)
        return yt_fail (doc, node, "holiday calendar \"%s\" does not apply to branch %s: %s", b->calendar, b->id,
                        why);
    return 0;
}

static int s_load_branches (org_t *org, yt_doc_t *doc, yt_node_t *root)
{
    static const char *const known[] = { "id", "name", "region", "timezone", "hours", "calendar", NULL };
    yt_node_t *list;
    if (orgf_list (doc, root, "branches", true, &list) != 0)
        return -1;
    size_t n = yt_size (list);
    if (!(org->branches = orgf_calloc (n, sizeof *org->branches)))
        return yt_fail (doc, list, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yt_node_t *item = yt_item (list, i);
        if (yt_expect (doc, item, YT_MAP) != 0)
            return -1;
        org_branch_t *b = &org->branches[org->n_branches++];
        int region;
        if (orgf_id (doc, item, "id", true, &b->id) != 0
            || yt_free_text (doc, item, "name", true, ORG_MAX_NAME, &b->name) != 0
            || orgf_id (doc, item, "region", true, &b->region) != 0
            || orgf_ref (doc, org, yt_get (item, "region"), "region", orgf_region_at, org->n_regions,
                      b->region, &region) != 0
            || yt_free_text (doc, item, "timezone", true, ORG_MAX_TZ, &b->timezone) != 0)
            return -1;
        if (!s_tz_loads (b->timezone))
            return yt_fail (doc, yt_get (item, "timezone"),
                            "unknown time zone \"%s\" (expected an IANA name such as Asia/Shanghai)",
                            b->timezone);
        yt_node_t *hours = yt_get (item, "hours");
        if (!hours)
            return yt_missing (doc, item, "hours", "weekday -> [\"HH:MM-HH:MM\", ...]");
        if (s_week (doc, hours, &b->hours) != 0 || s_branch_calendar (org, doc, item, b) != 0
            || yt_check_unknown (doc, item, known) != 0)
            return -1;
    }
    return orgf_list_unique (doc, list, "id", "branch id");
}

static int s_load_products (org_t *org, yt_doc_t *doc, yt_node_t *root)
{
    static const char *const known[] = { "code", "name", "line", "premium", "warranty_months", "warranty_from", NULL };
    yt_node_t *list;
    if (orgf_list (doc, root, "products", false, &list) != 0)
        return -1;
    size_t n = yt_size (list);
    if (!(org->products = orgf_calloc (n, sizeof *org->products)))
        return yt_fail (doc, root, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yt_node_t *item = yt_item (list, i);
        if (yt_expect (doc, item, YT_MAP) != 0)
            return -1;
        org_product_t *p = &org->products[org->n_products++];
        int64_t months = 12;
        int from = ORG_WARRANTY_FROM_PURCHASE;
        if (orgf_id (doc, item, "code", true, &p->code) != 0
            || yt_free_text (doc, item, "name", true, ORG_MAX_NAME, &p->name) != 0
            || orgf_id (doc, item, "line", true, &p->line) != 0
            || yt_bool (doc, item, "premium", false, &p->premium) != 0
            || yt_int (doc, item, "warranty_months", false, 0, 120, &months) != 0
            || yt_enum (doc, item, "warranty_from", false, org_warranty_from_names, &from) != 0
            || yt_check_unknown (doc, item, known) != 0)
            return -1;
        p->warranty_months = (int) months;
        p->warranty_from = (org_warranty_from_t) from;
    }
    return orgf_list_unique (doc, list, "code", "product code");
}

static int s_load_skills (org_t *org, yt_doc_t *doc, yt_node_t *item, org_technician_t *t)
{
    yt_node_t *skills = yt_get (item, "skills");
    if (!skills)
        return yt_missing (doc, item, "skills", "a list of product lines");
    if (yt_expect (doc, skills, YT_SEQ) != 0)
        return -1;
    size_t n = yt_size (skills);
    if (n == 0 || n > 64)
        return yt_fail (doc, skills, "must list 1 to 64 product lines");
    if (!(t->skills = orgf_calloc (n, sizeof *t->skills)))
        return yt_fail (doc, skills, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yt_node_t *skill = yt_item (skills, i);
        const char *text = yt_text (skill);
        int index;
        if (!text)
            return yt_fail (doc, skill, "expected a product line");
        if (orgf_ref (doc, org, skill, "product line", s_line_at, org->n_products, text, &index) != 0)
            return -1;
        for (int k = 0; k < t->n_skills; k++)
            if (strcmp (t->skills[k], text) == 0)
                return yt_fail (doc, skill, "skill \"%s\" listed twice", text);
        if (!(t->skills[t->n_skills] = strdup (text)))
            return yt_fail (doc, skill, "out of memory");
        t->n_skills++;
    }
    return 0;
}

/*  A technician works for a branch or for a service provider (checked
 *  against the organisations once they are read: org_staff.c). */
static int s_technician_place (org_t *org, yt_doc_t *doc, yt_node_t *item, org_technician_t *t)
{
    yt_node_t *b = yt_get (item, "branch"), *o = yt_get (item, "organisation");
    if (b && o)
        return yt_fail (doc, o, "a technician works for a branch or for a service provider: both given");
    if (o)
        return orgf_id (doc, item, "organisation", true, &t->organisation);
    int branch;
    if (orgf_id (doc, item, "branch", true, &t->branch) != 0
        || orgf_ref (doc, org, b, "branch", orgf_branch_at, org->n_branches, t->branch, &branch) != 0)
        return -1;
    return 0;
}

static int s_load_technicians (org_t *org, yt_doc_t *doc, yt_node_t *root)
{
    static const char *const known[] = {
        "id", "name", "branch", "organisation", "grade", "skills", "capacity", "shift", "active", "roles", NULL,
    };
    yt_node_t *list;
    if (orgf_list (doc, root, "technicians", false, &list) != 0)
        return -1;
    size_t n = yt_size (list);
    if (!(org->technicians = orgf_calloc (n, sizeof *org->technicians)))
        return yt_fail (doc, root, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yt_node_t *item = yt_item (list, i);
        if (yt_expect (doc, item, YT_MAP) != 0)
            return -1;
        org_technician_t *t = &org->technicians[org->n_technicians++];
        int grade = 0;
        int64_t capacity = 0;
        t->active = true;
        if (orgf_id (doc, item, "id", true, &t->id) != 0
            || yt_free_text (doc, item, "name", true, ORG_MAX_NAME, &t->name) != 0
            || s_technician_place (org, doc, item, t) != 0
            || yt_enum (doc, item, "grade", true, org_grade_names, &grade) != 0
            || s_load_skills (org, doc, item, t) != 0
            || yt_int (doc, item, "capacity", true, 1, 100, &capacity) != 0
            || yt_bool (doc, item, "active", false, &t->active) != 0
            || orgf_roles (doc, item, false, &t->roles) != 0)
            return -1;
        t->roles |= ROLE_BIT (ROLE_TECHNICIAN);
        t->grade = (org_grade_t) grade;
        t->capacity = (int) capacity;
        yt_node_t *shift = yt_get (item, "shift");
        if (!shift)
            return yt_missing (doc, item, "shift", "weekday -> [\"HH:MM-HH:MM\", ...]");
        if (s_week (doc, shift, &t->shift) != 0 || yt_check_unknown (doc, item, known) != 0)
            return -1;
    }
    return orgf_list_unique (doc, list, "id", "technician id");
}

static int s_load_cards (org_t *org, yt_doc_t *doc, yt_node_t *item, org_customer_t *c)
{
    static const char *const known[] = {
        "card_no", "product", "serial", "purchase_date", "install_date", "installed_by", "install_unauthorised", NULL,
    };
    yt_node_t *cards = yt_get (item, "cards");
    const char *empty = yt_text (cards);
    if (!cards || (empty && (!*empty || strcmp (empty, "~") == 0)))
        return 0;
    if (yt_expect (doc, cards, YT_SEQ) != 0)
        return -1;
    size_t n = yt_size (cards);
    if (n > 1000)
        return yt_fail (doc, cards, "at most 1000 cards per customer");
    if (!(c->cards = orgf_calloc (n, sizeof *c->cards)))
        return yt_fail (doc, cards, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yt_node_t *card = yt_item (cards, i);
        if (yt_expect (doc, card, YT_MAP) != 0)
            return -1;
        org_card_t *w = &c->cards[c->n_cards++];
        int product;
        if (orgf_id (doc, card, "card_no", true, &w->card_no) != 0
            || orgf_id (doc, card, "product", true, &w->product) != 0
            || orgf_ref (doc, org, yt_get (card, "product"), "product", s_product_at, org->n_products,
                      w->product, &product) != 0
            || yt_free_text (doc, card, "serial", true, ORG_MAX_SERIAL, &w->serial) != 0
            || orgf_date (doc, card, "purchase_date", true, &w->purchase_date) != 0
            || org_money_card (doc, card, w) != 0 || yt_check_unknown (doc, card, known) != 0)
            return -1;
    }
    return 0;
}

static int s_load_customers (org_t *org, yt_doc_t *doc, yt_node_t *root)
{
    static const char *const known[] = {
        "id", "name", "phone", "address", "region", "branch", "class", "cards", NULL,
    };
    yt_node_t *list;
    if (orgf_list (doc, root, "customers", false, &list) != 0)
        return -1;
    size_t n = yt_size (list), n_cards = 0;
    if (!(org->customers = orgf_calloc (n, sizeof *org->customers)))
        return yt_fail (doc, root, "out of memory");
    for (size_t i = 0; i < n; i++) {
        yt_node_t *item = yt_item (list, i);
        if (yt_expect (doc, item, YT_MAP) != 0)
            return -1;
        org_customer_t *c = &org->customers[org->n_customers++];
        int region, branch = -1, klass = 0;
        if (orgf_id (doc, item, "id", true, &c->id) != 0
            || yt_free_text (doc, item, "name", true, ORG_MAX_NAME, &c->name) != 0
            || s_phone (doc, item, "phone", &c->phone) != 0
            || yt_free_text (doc, item, "address", true, ORG_MAX_ADDRESS, &c->address) != 0
            || orgf_id (doc, item, "region", true, &c->region) != 0
            || orgf_ref (doc, org, yt_get (item, "region"), "region", orgf_region_at, org->n_regions,
                      c->region, &region) != 0
            || orgf_id (doc, item, "branch", false, &c->branch) != 0
            || (c->branch
                && orgf_ref (doc, org, yt_get (item, "branch"), "branch", orgf_branch_at, org->n_branches,
                          c->branch, &branch) != 0)
            || yt_enum (doc, item, "class", false, s_classes, &klass) != 0)
            return -1;
        if (branch >= 0 && strcmp (org->branches[branch].region, c->region) != 0)
            return yt_fail (doc, yt_get (item, "branch"),
                            "branch \"%s\" serves region \"%s\", not the customer's region \"%s\"",
                            c->branch, org->branches[branch].region, c->region);
        if (!(c->class_ = strdup (s_classes[klass])))
            return yt_fail (doc, item, "out of memory");
        if (s_load_cards (org, doc, item, c) != 0 || yt_check_unknown (doc, item, known) != 0)
            return -1;
        n_cards += (size_t) c->n_cards;
    }
    if (orgf_list_unique (doc, list, "id", "customer id") != 0)
        return -1;
    /* Card numbers are unique across all customers. */
    orgf_key_t *keys = orgf_calloc (n_cards, sizeof *keys);
    if (!keys)
        return yt_fail (doc, list, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        yt_node_t *cards = yt_get (yt_item (list, i), "cards");
        for (size_t j = 0; j < yt_size (cards) && k < n_cards; j++, k++)
            keys[k] = (orgf_key_t) { org->customers[i].cards[j].card_no,
                                  yt_get (yt_item (cards, j), "card_no"), k };
    }
    int rc = orgf_no_duplicates (doc, keys, k, "card number");
    free (keys);
    return rc;
}

static org_t *s_load_doc (yt_doc_t *doc, const char *name, char *err, size_t errsize)
{
    static const char *const known[] = {
        "tiers", "regions", "branches", "products", "technicians", "customers", "calendars_dir",
        "centres", "organisations", "staff", "service_accounts", "parts", "lots", NULL,
    };
    org_t *org = calloc (1, sizeof *org);
    if (!org) {
        snprintf (err, errsize, "out of memory");
        return NULL;
    }
    yt_node_t *root = yt_root (doc);
    if (!root) {
        yt_fail (doc, NULL, "the file is empty (expected tiers, regions, branches, ...)");
        goto fail;
    }
    /* Section names first: a misspelt optional section must not surface as
     * a confusing reference error further down. */
    for (int i = 0; yt_kind (root) == YT_MAP && known[i]; i++)
        yt_get (root, known[i]);
    if (yt_expect (doc, root, YT_MAP) != 0 || yt_check_unknown (doc, root, known) != 0
        || s_load_calendars_dir (org, doc, root, name) != 0 || s_load_tiers (org, doc, root) != 0
        || s_load_regions (org, doc, root) != 0 || s_load_branches (org, doc, root) != 0
        || s_load_products (org, doc, root) != 0 || s_load_technicians (org, doc, root) != 0
        || s_load_customers (org, doc, root) != 0 || org_staff_load (org, doc, root) != 0
        || org_money_load (org, doc, root) != 0)
        goto fail;
    return org;
fail:
    snprintf (err, errsize, "%s", yt_error (doc));
    org_destroy (&org);
    return NULL;
}

org_t *org_load (const char *path, char *err, size_t errsize)
{
    char scratch[8];
    if (!err || !errsize)
        err = scratch, errsize = sizeof scratch;
    yt_doc_t *doc = yt_load_file (path, err, errsize);
    if (!doc)
        return NULL;
    org_t *org = s_load_doc (doc, path, err, errsize);
    yt_destroy (&doc);
    return org;
}

org_t *org_load_string (const char *name, const char *text, char *err, size_t errsize)
{
    char scratch[8];
    if (!err || !errsize)
        err = scratch, errsize = sizeof scratch;
    yt_doc_t *doc = yt_load_string (name ? name : "<string>", text, err, errsize);
    if (!doc)
        return NULL;
    org_t *org = s_load_doc (doc, name, err, errsize);
    yt_destroy (&doc);
    return org;
}

void org_destroy (org_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    org_t *self = *self_p;
    org_staff_free (self);
    org_money_free (self);
    for (int i = 0; i < self->n_tiers; i++)
        free (self->tiers[i]);
    free (self->tiers);
    for (int i = 0; i < self->n_regions; i++) {
        free (self->regions[i].id);
        free (self->regions[i].name);
        free (self->regions[i].tier);
    }
    free (self->regions);
    for (int i = 0; i < self->n_branches; i++) {
        org_branch_t *b = &self->branches[i];
        free (b->id), free (b->name), free (b->region), free (b->timezone), free (b->calendar);
    }
    free (self->branches);
    for (int i = 0; i < self->n_products; i++) {
        org_product_t *p = &self->products[i];
        free (p->code), free (p->name), free (p->line);
    }
    free (self->products);
    for (int i = 0; i < self->n_technicians; i++) {
        org_technician_t *t = &self->technicians[i];
        free (t->id), free (t->name), free (t->branch), free (t->organisation);
        for (int k = 0; k < t->n_skills; k++)
            free (t->skills[k]);
        free (t->skills);
    }
    free (self->technicians);
    for (int i = 0; i < self->n_customers; i++) {
        org_customer_t *c = &self->customers[i];
        free (c->id), free (c->name), free (c->phone), free (c->address);
        free (c->region), free (c->branch), free (c->class_);
        for (int k = 0; k < c->n_cards; k++) {
            free (c->cards[k].card_no), free (c->cards[k].product);
            free (c->cards[k].serial), free (c->cards[k].purchase_date);
            free (c->cards[k].install_date), free (c->cards[k].installed_by);
        }
        free (c->cards);
    }
    free (self->customers);
    for (int i = 0; i < self->n_calendars; i++)
        hol_destroy (&self->calendars[i]);
    free (self->calendars);
    free (self->calendars_dir);
    free (self->calendars_path);
    free (self);
    *self_p = NULL;
}

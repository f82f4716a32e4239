/*  Unit tests for services/dispatch/sla/sla_policy: the shipped
 *  deploy/demo/sla.yaml loads against the demo organisation and gives
 *  DOMAIN.md's numbers for
 *  representative tickets; the first policy that fits wins; ladders climb
 *  level by level and skip-level jumps tell the skipped; ladders name staff
 *  ids, resolved against the staff directory or refused; every kind of bad
 *  input is refused with file:line: key and a reason; a failed reload leaves
 *  the previous configuration working.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ref/org.h"
#include "../../services/dispatch/sla/sla_policy.h"
#include "unit.h"

static const char *const s_tiers[] = { "city", "surrounding", "province" };
static const char *const s_branches[] = { "SH01", "SH02", "SZ01" };

static sla_config_t *s_load (const char *text, char *err, size_t errsize)
{
    return sla_load_string ("t.yaml", text, s_tiers, 3, s_branches, 3, err, errsize);
}

/*  sla_staff_fn over an organisation file's staff (the directory
 *  `kefuctl admin load` writes from it). */
static int s_org_lookup (void *arg, const char *id, sla_person_t *out)
{
    const org_t *org = arg;
    for (int i = 0; i < org->n_staff; i++)
        if (strcmp (org->staff[i].id, id) == 0) {
            *out = (sla_person_t) { org->staff[i].name, org->staff[i].email, org->staff[i].phone,
                                    org->staff[i].active };
            return 1;
        }
    return 0;
}

/*  The shipped file, loaded against the demo organisation's own tiers,
 *  branches and staff (as the dispatcher will). */
static sla_config_t *s_load_demo (void)
{
    char org_path[512], sla_path[512], err[512] = "";
    org_t *org = org_load (unit_repo_file ("deploy/demo/org.yaml", org_path, sizeof org_path), err, sizeof err);
    if (!org) {
        printf ("    %s\n", err);
        return NULL;
    }
    const char *branches[16];
    int n = org->n_branches < 16 ? org->n_branches : 16;
    for (int i = 0; i < n; i++)
        branches[i] = org->branches[i].id;
    sla_config_t *sla = sla_load (unit_repo_file ("deploy/demo/sla.yaml", sla_path, sizeof sla_path),
                                  (const char *const *) org->tiers, (size_t) org->n_tiers, branches, (size_t) n,
                                  err, sizeof err);
    if (sla && sla_resolve_staff (sla, s_org_lookup, org, err, sizeof err) != 0)
        sla_destroy (&sla);
    if (!sla)
        printf ("    %s\n", err);
    org_destroy (&org);
    return sla;
}

/*  Target of `clock` under the policy for a ticket, or NULL. */
static const sla_target_t *s_target (const sla_config_t *sla, const char *tier, const char *kind,
                                     const char *priority, const char *class_, const char *clock)
{
    return sla_policy_target (sla_match (sla, tier, kind, priority, class_), clock);
}

static bool s_is (const sla_target_t *t, sla_unit_t unit, int amount, sla_time_t time)
{
    return t && t->unit == unit && t->amount == amount && t->time == time;
}

/* ---------------------------------------------------------------- demo file */

UNIT_TEST (sla_demo_file_loads)
{
    sla_config_t *sla = s_load_demo ();
    UNIT_ASSERT (sla);
    /* the built-in seven of the ticket (its callback clock is the
     * callback's own: callback_due), revisit, final_inspection, callback_due,
     * the money subjects' dispute_decision, claim_decision, payment_overdue,
     * and a provider's deposit_topup (no ticket) */
    UNIT_ASSERT_INT_EQ (sla_clock_count (sla), 14);
    UNIT_ASSERT (sla_clock_known (sla, "deposit_topup") && sla_subject_used (sla, "deposit"));
    for (int i = 0; sla_builtin_clocks[i]; i++)
        UNIT_ASSERT (sla_clock_known (sla, sla_builtin_clocks[i]) == (strcmp (sla_builtin_clocks[i], "callback") != 0));
    UNIT_ASSERT (sla_clock_known (sla, "callback_due"));
    UNIT_ASSERT (!sla_clock_known (sla, "lunch"));
    UNIT_ASSERT_INT_EQ (sla_policy_count (sla), 6);
    const sla_policy_t *last = sla_policy_at (sla, sla_policy_count (sla) - 1);
    UNIT_ASSERT_STR_EQ (sla_policy_name (last), "question");
    UNIT_ASSERT_INT_EQ (sla_policy_warn_percent (last), 80);
    UNIT_ASSERT_INT_EQ (sla_policy_repeat_minutes (last), 60);
    UNIT_ASSERT (sla_policy_line (last) > 0);
    /* Every branch has a ladder of four levels. */
    for (size_t i = 0; i < 3; i++)
        UNIT_ASSERT_INT_EQ (sla_ladder_size (sla_ladder_for (sla, s_branches[i])), 4);
    UNIT_ASSERT_STR_EQ (sla_ladder_branch (sla_ladder_for (sla, "SZ01")), "SZ01");
    UNIT_ASSERT_STR_EQ (sla_ladder_branch (sla_ladder_for (sla, "SH01")), "default");
    UNIT_ASSERT_STR_EQ (sla_ladder_at (sla_ladder_for (sla, "SH01"), 0)->staff, "TL01");
    UNIT_ASSERT_STR_EQ (sla_ladder_at (sla_ladder_for (sla, "SH01"), 0)->name, "黄磊"); /* from org.yaml staff */
    sla_destroy (&sla);
    UNIT_ASSERT (sla == NULL);
    sla_destroy (&sla); /* twice is fine */
}

UNIT_TEST (sla_demo_reproduces_domain_numbers)
{
    sla_config_t *sla = s_load_demo ();
    UNIT_ASSERT (sla);
    /* On site: city 2 h, surrounding 12 h (business), other provinces 48 h. */
    UNIT_ASSERT (s_is (s_target (sla, "city", "repair", "normal", "regular", "arrival"), SLA_UNIT_MINUTES, 120,
                       SLA_TIME_BUSINESS));
    UNIT_ASSERT (s_is (s_target (sla, "surrounding", "installation", "low", "regular", "arrival"),
                       SLA_UNIT_MINUTES, 12 * 60, SLA_TIME_BUSINESS));
    UNIT_ASSERT (s_is (s_target (sla, "province", "repair", "urgent", "regular", "arrival"), SLA_UNIT_MINUTES,
                       48 * 60, SLA_TIME_CALENDAR));
    /* Arrange 2 h, call-centre check 4 h, a reply within 1 h, callback in 3 days. */
    const sla_policy_t *city = sla_match (sla, "city", "repair", "normal", "regular");
    UNIT_ASSERT_STR_EQ (sla_policy_name (city), "city-visit");
    UNIT_ASSERT (s_is (sla_policy_target (city, "arrange"), SLA_UNIT_MINUTES, 120, SLA_TIME_BUSINESS));
    UNIT_ASSERT_STR_EQ (sla_policy_target (city, "arrange")->starts_on, "work_order_assigned");
    UNIT_ASSERT_STR_EQ (sla_policy_target (city, "arrange")->stops_on, "work_order_arranged");
    UNIT_ASSERT (s_is (sla_policy_target (city, "call_centre_check"), SLA_UNIT_MINUTES, 240, SLA_TIME_BUSINESS));
    UNIT_ASSERT (s_is (sla_policy_target (city, "first_response"), SLA_UNIT_MINUTES, 60, SLA_TIME_BUSINESS));
    /* the callback's clock: the callback's own (its deadline, or 3 days) */
    UNIT_ASSERT (s_is (sla_policy_target (city, "callback_due"), SLA_UNIT_MINUTES, 3 * 1440, SLA_TIME_CALENDAR));
    UNIT_ASSERT_STR_EQ (sla_policy_target (city, "callback_due")->subject, "callback");
    UNIT_ASSERT (sla_policy_target (city, "callback") == NULL);
    UNIT_ASSERT (sla_policy_target (city, "complaint_decision") == NULL);
    /* Complaint: a decision within 24 h, in any tier. */
    for (size_t i = 0; i < 3; i++) {
        const sla_policy_t *p = sla_match (sla, s_tiers[i], "complaint", "high", "vip");
        UNIT_ASSERT_STR_EQ (sla_policy_name (p), "complaint");
        UNIT_ASSERT (s_is (sla_policy_target (p, "complaint_decision"), SLA_UNIT_MINUTES, 1440, SLA_TIME_CALENDAR));
        UNIT_ASSERT (sla_policy_target (p, "arrival") == NULL);
    }
    /* Phone question: reply 1 h, solved 8 h, complex plan in 3 working days. */
    const sla_policy_t *q = sla_match (sla, "province", "consultation", "normal", "regular");
    UNIT_ASSERT_STR_EQ (sla_policy_name (q), "question");
    UNIT_ASSERT (s_is (sla_policy_target (q, "first_response"), SLA_UNIT_MINUTES, 60, SLA_TIME_BUSINESS));
    UNIT_ASSERT (s_is (sla_policy_target (q, "resolution"), SLA_UNIT_MINUTES, 480, SLA_TIME_BUSINESS));
    const sla_target_t *plan = sla_policy_target (q, "plan");
    UNIT_ASSERT (s_is (plan, SLA_UNIT_WORKING_DAYS, 3, SLA_TIME_BUSINESS));
    UNIT_ASSERT_STR_EQ (plan->starts_on, "marked_complex");
    UNIT_ASSERT_STR_EQ (plan->stops_on, "plan_sent");
    UNIT_ASSERT_STR_EQ (sla_policy_name (sla_match (sla, "city", "suggestion", "low", "regular")), "question");
    /* VIP and important customers in the city get tighter targets; elsewhere
     * they fall through to their tier's policy. */
    UNIT_ASSERT_STR_EQ (sla_policy_name (sla_match (sla, "city", "repair", "normal", "vip")), "vip-city-visit");
    UNIT_ASSERT (s_is (s_target (sla, "city", "return", "low", "important", "arrival"), SLA_UNIT_MINUTES, 60,
                       SLA_TIME_BUSINESS));
    UNIT_ASSERT (s_is (s_target (sla, "city", "repair", "normal", "vip", "first_response"), SLA_UNIT_MINUTES, 30,
                       SLA_TIME_BUSINESS));
    UNIT_ASSERT_STR_EQ (sla_policy_name (sla_match (sla, "province", "repair", "normal", "vip")),
                        "province-visit");
    /* Descriptions for people. */
    char text[64];
    UNIT_ASSERT (sla_target_describe (s_target (sla, "city", "repair", "normal", "regular", "arrival"), text,
                                      sizeof text) == 0);
    UNIT_ASSERT_STR_EQ (text, "2 business hours");
    sla_target_describe (s_target (sla, "province", "repair", "normal", "regular", "arrival"), text, sizeof text);
    UNIT_ASSERT_STR_EQ (text, "48 calendar hours");
    sla_target_describe (plan, text, sizeof text);
    UNIT_ASSERT_STR_EQ (text, "3 working days");
    sla_target_describe (sla_policy_target (city, "callback_due"), text, sizeof text);
    UNIT_ASSERT_STR_EQ (text, "3 calendar days");
    sla_target_describe (s_target (sla, "city", "repair", "normal", "vip", "first_response"), text, sizeof text);
    UNIT_ASSERT_STR_EQ (text, "30 business minutes");
    UNIT_ASSERT (sla_target_describe (plan, text, 4) == -1);
    /* Unknown values fit only `any`: the catch-all. */
    UNIT_ASSERT_STR_EQ (sla_policy_name (sla_match (sla, "moon", "repair", "normal", "regular")), "question");
    UNIT_ASSERT_STR_EQ (sla_policy_name (sla_match (sla, NULL, NULL, NULL, NULL)), "question");
    sla_destroy (&sla);
}

/* ---------------------------------------------------------------- matching */

#define LADDER                                                                                   \
    "ladders:\n"                                                                                 \
    "  - branch: default\n"                                                                      \
    "    levels:\n"                                                                              \
    "      - {level: team_lead, staff: A}\n"

UNIT_TEST (sla_demo_reopen_restarts)
{
    sla_config_t *sla = s_load_demo ();
    UNIT_ASSERT (sla);
    const sla_target_t *t = s_target (sla, "city", "complaint", "normal", "regular", "complaint_decision");
    UNIT_ASSERT (t && t->restart_on_reopen);
    t = s_target (sla, "city", "complaint", "normal", "regular", "first_response");
    UNIT_ASSERT (t && !t->restart_on_reopen);
    t = s_target (sla, "province", "repair", "normal", "regular", "arrival");
    UNIT_ASSERT (t && t->restart_on_reopen);
    sla_destroy (&sla);
}

UNIT_TEST (sla_first_matching_policy_wins)
{
    char err[512] = "";
    sla_config_t *sla = s_load ("warn_at_percent: 75\n"
                                "policies:\n"
                                "  - name: urgent-vip\n"
                                "    match: {priority: urgent, class: vip}\n"
                                "    repeat_escalation_minutes: 15\n"
                                "    targets: {arrival: {minutes: 45, time: business}}\n"
                                "  - name: urgent\n"
                                "    match: {priority: [high, urgent], tier: any}\n"
                                "    warn_at_percent: 50\n"
                                "    targets: {arrival: {hours: 1, time: calendar}}\n"
                                "  - name: rest\n"
                                "    match: {tier: any, kind: any, priority: any, class: any}\n"
                                "    targets: {arrival: {hours: 4, time: business}}\n" LADDER,
                                err, sizeof err);
    if (!sla)
        printf ("    %s\n", err);
    UNIT_ASSERT (sla);
    const sla_policy_t *p = sla_match (sla, "city", "repair", "urgent", "vip");
    UNIT_ASSERT_STR_EQ (sla_policy_name (p), "urgent-vip");
    UNIT_ASSERT_INT_EQ (sla_policy_repeat_minutes (p), 15);
    UNIT_ASSERT_INT_EQ (sla_policy_warn_percent (p), 75);
    p = sla_match (sla, "province", "repair", "urgent", "regular");
    UNIT_ASSERT_STR_EQ (sla_policy_name (p), "urgent");
    UNIT_ASSERT_INT_EQ (sla_policy_warn_percent (p), 50);
    UNIT_ASSERT_INT_EQ (sla_policy_repeat_minutes (p), 60);
    UNIT_ASSERT (s_is (sla_policy_target (p, "arrival"), SLA_UNIT_MINUTES, 60, SLA_TIME_CALENDAR));
    UNIT_ASSERT_STR_EQ (sla_policy_name (sla_match (sla, "city", "repair", "high", "vip")), "urgent");
    UNIT_ASSERT_STR_EQ (sla_policy_name (sla_match (sla, "city", "repair", "normal", "vip")), "rest");
    /* An unknown priority fits only `any`. */
    UNIT_ASSERT_STR_EQ (sla_policy_name (sla_match (sla, "city", "repair", "asap", "vip")), "rest");
    sla_destroy (&sla);

    /* The same two policies the other way round: the broad one would always
     * win, so the narrow one can never be chosen — refused. */
    sla = s_load ("policies:\n"
                  "  - name: urgent\n"
                  "    match: {priority: [high, urgent]}\n"
                  "    targets: {arrival: {hours: 1, time: calendar}}\n"
                  "  - name: urgent-vip\n"
                  "    match: {priority: urgent, class: vip}\n"
                  "    targets: {arrival: {minutes: 45, time: business}}\n"
                  "  - name: rest\n"
                  "    targets: {arrival: {hours: 4, time: business}}\n" LADDER,
                  err, sizeof err);
    UNIT_ASSERT (!sla);
    UNIT_ASSERT_CONTAINS (err, "t.yaml:5: policies[1].name: policy \"urgent-vip\" can never be chosen");
    UNIT_ASSERT_CONTAINS (err, "\"urgent\" at line 2");
}

UNIT_TEST (sla_custom_clocks_and_events)
{
    char err[512] = "";
    sla_config_t *sla = s_load ("clocks:\n"
                                "  - arrival\n"
                                "  - {name: callback, starts_on: work_order_completed, stops_on: callback_done}\n"
                                "  - {name: revisit, starts_on: ticket_reopened, stops_on: technician_arrived}\n"
                                "policies:\n"
                                "  - name: all\n"
                                "    targets:\n"
                                "      arrival: {hours: 2, time: business, starts_on: work_order_created}\n"
                                "      callback: {days: 1, time: calendar}\n"
                                "      revisit: {hours: 24, time: calendar}\n" LADDER,
                                err, sizeof err);
    if (!sla)
        printf ("    %s\n", err);
    UNIT_ASSERT (sla);
    UNIT_ASSERT_INT_EQ (sla_clock_count (sla), 3);
    UNIT_ASSERT_STR_EQ (sla_clock_name (sla, 2), "revisit");
    UNIT_ASSERT (!sla_clock_known (sla, "first_response")); /* not listed: not in use */
    const sla_policy_t *p = sla_match (sla, "city", "repair", "normal", "regular");
    UNIT_ASSERT_INT_EQ (sla_policy_target_count (p), 3);
    UNIT_ASSERT_STR_EQ (sla_policy_target_at (p, 0)->clock, "arrival");
    UNIT_ASSERT_STR_EQ (sla_policy_target (p, "arrival")->starts_on, "work_order_created");
    UNIT_ASSERT_STR_EQ (sla_policy_target (p, "arrival")->stops_on, "technician_arrived");
    UNIT_ASSERT_STR_EQ (sla_policy_target (p, "callback")->starts_on, "work_order_completed");
    UNIT_ASSERT_STR_EQ (sla_policy_target (p, "revisit")->starts_on, "ticket_reopened");
    UNIT_ASSERT_INT_EQ (sla_policy_target (p, "revisit")->line, 10);
    UNIT_ASSERT (sla_policy_target_at (p, 3) == NULL);
    sla_destroy (&sla);
}

/* ---------------------------------------------------------------- ladders */

UNIT_TEST (sla_ladder_navigation)
{
    sla_config_t *sla = s_load_demo ();
    UNIT_ASSERT (sla);
    const sla_ladder_t *ladder = sla_ladder_for (sla, "SH02");
    UNIT_ASSERT_STR_EQ (sla_ladder_branch (ladder), "default");
    /* A breach goes to the first level, then one level up each time. */
    const sla_contact_t *c = sla_ladder_next (ladder, SLA_LEVEL_NONE);
    UNIT_ASSERT (c && c->level == SLA_LEVEL_TEAM_LEAD);
    UNIT_ASSERT_STR_EQ (c->staff, "TL01");
    UNIT_ASSERT_STR_EQ (c->name, "黄磊");
    UNIT_ASSERT_STR_EQ (c->email, "tl01@example.com");
    UNIT_ASSERT_STR_EQ (c->phone, "021-5555-0101");
    c = sla_ladder_next (ladder, c->level);
    UNIT_ASSERT (c && c->level == SLA_LEVEL_DEPARTMENT_HEAD);
    UNIT_ASSERT (c->phone == NULL);
    c = sla_ladder_next (ladder, c->level);
    UNIT_ASSERT (c && c->level == SLA_LEVEL_CENTRE_DIRECTOR);
    c = sla_ladder_next (ladder, c->level);
    UNIT_ASSERT (c && c->level == SLA_LEVEL_GENERAL_MANAGER);
    UNIT_ASSERT (sla_ladder_next (ladder, c->level) == NULL);
    UNIT_ASSERT_STR_EQ (sla_ladder_contact (sla_ladder_for (sla, "SZ01"), SLA_LEVEL_TEAM_LEAD)->email,
                        "sz-lead@kefu.example.cn");
    /* An unknown branch (added to org.yaml after loading) gets the default. */
    UNIT_ASSERT_STR_EQ (sla_ladder_branch (sla_ladder_for (sla, "BJ01")), "default");
    UNIT_ASSERT_STR_EQ (sla_level_name (SLA_LEVEL_CENTRE_DIRECTOR), "centre_director");
    UNIT_ASSERT (sla_level_name (SLA_LEVEL_NONE) == NULL);
    sla_level_t level;
    UNIT_ASSERT (sla_level_parse ("general_manager", &level) == 0 && level == SLA_LEVEL_GENERAL_MANAGER);
    UNIT_ASSERT (sla_level_parse ("ceo", &level) == -1);
    sla_destroy (&sla);

    /* A ladder may start above team_lead and stop below general_manager. */
    char err[512] = "";
    sla = s_load ("policies:\n"
                  "  - {name: all, targets: {arrival: {hours: 2, time: business}}}\n"
                  "ladders:\n"
                  "  - branch: SH01\n"
                  "    levels:\n"
                  "      - {level: department_head, staff: DH1}\n"
                  "      - {level: centre_director, staff: CD1}\n"
                  "  - branch: SH02\n"
                  "    levels: [{level: team_lead, staff: TL1}]\n"
                  "  - branch: SZ01\n"
                  "    levels: [{level: general_manager, staff: GM1}]\n",
                  err, sizeof err);
    if (!sla)
        printf ("    %s\n", err);
    UNIT_ASSERT (sla);
    ladder = sla_ladder_for (sla, "SH01");
    UNIT_ASSERT_INT_EQ (sla_ladder_size (ladder), 2);
    UNIT_ASSERT (sla_ladder_next (ladder, SLA_LEVEL_NONE)->level == SLA_LEVEL_DEPARTMENT_HEAD);
    UNIT_ASSERT (sla_ladder_next (ladder, SLA_LEVEL_TEAM_LEAD)->level == SLA_LEVEL_DEPARTMENT_HEAD);
    UNIT_ASSERT (sla_ladder_next (ladder, SLA_LEVEL_CENTRE_DIRECTOR) == NULL);
    UNIT_ASSERT (sla_ladder_contact (ladder, SLA_LEVEL_TEAM_LEAD) == NULL);
    UNIT_ASSERT (sla_ladder_for (sla, "BJ01") == NULL); /* no default ladder */
    const sla_contact_t *skipped[SLA_LEVEL_COUNT];
    int n_skipped = -1;
    const char *flags[] = { "safety" };
    UNIT_ASSERT (sla_ladder_skip (ladder, flags, 1, SLA_LEVEL_NONE, skipped, &n_skipped) == NULL);
    UNIT_ASSERT_INT_EQ (n_skipped, 0);
    sla_destroy (&sla);
}

UNIT_TEST (sla_skip_level)
{
    sla_config_t *sla = s_load_demo ();
    UNIT_ASSERT (sla);
    const sla_ladder_t *ladder = sla_ladder_for (sla, "SH01");
    const sla_contact_t *skipped[SLA_LEVEL_COUNT];
    int n = -1;
    /* A safety risk goes straight to the general manager; the three levels
     * below are told. */
    const char *safety[] = { "vip_customer", "safety" };
    const sla_contact_t *to = sla_ladder_skip (ladder, safety, 2, SLA_LEVEL_NONE, skipped, &n);
    UNIT_ASSERT (to && to->level == SLA_LEVEL_GENERAL_MANAGER);
    UNIT_ASSERT_STR_EQ (to->email, "gm01@example.com");
    UNIT_ASSERT_INT_EQ (n, 3);
    UNIT_ASSERT (skipped[0]->level == SLA_LEVEL_TEAM_LEAD);
    UNIT_ASSERT (skipped[1]->level == SLA_LEVEL_DEPARTMENT_HEAD);
    UNIT_ASSERT (skipped[2]->level == SLA_LEVEL_CENTRE_DIRECTOR);
    /* Already escalated to the department head: only the centre director
     * is skipped. */
    const char *media[] = { "media_risk" };
    to = sla_ladder_skip (ladder, media, 1, SLA_LEVEL_DEPARTMENT_HEAD, skipped, &n);
    UNIT_ASSERT (to && to->level == SLA_LEVEL_GENERAL_MANAGER);
    UNIT_ASSERT_INT_EQ (n, 1);
    UNIT_ASSERT (skipped[0]->level == SLA_LEVEL_CENTRE_DIRECTOR);
    /* At the top already, or no flag that skips: nothing to do. */
    UNIT_ASSERT (sla_ladder_skip (ladder, media, 1, SLA_LEVEL_GENERAL_MANAGER, skipped, &n) == NULL);
    const char *none[] = { "vip_customer" };
    UNIT_ASSERT (sla_ladder_skip (ladder, none, 1, SLA_LEVEL_NONE, skipped, &n) == NULL);
    UNIT_ASSERT_INT_EQ (n, 0);
    UNIT_ASSERT (sla_ladder_skip (ladder, NULL, 0, SLA_LEVEL_NONE, skipped, &n) == NULL);
    /* SZ01 has no skip_level of its own: it follows the default ladder's,
     * with its own people. */
    const char *loss[] = { "large_loss" };
    to = sla_ladder_skip (sla_ladder_for (sla, "SZ01"), loss, 1, SLA_LEVEL_NONE, skipped, &n);
    UNIT_ASSERT (to && to->level == SLA_LEVEL_GENERAL_MANAGER);
    UNIT_ASSERT_INT_EQ (n, 3);
    UNIT_ASSERT_STR_EQ (skipped[0]->email, "sz-lead@kefu.example.cn");
    sla_destroy (&sla);

    /* Several rules: the highest level any carried flag names wins. */
    char err[512] = "";
    sla = s_load ("policies:\n"
                  "  - {name: all, targets: {arrival: {hours: 2, time: business}}}\n"
                  "ladders:\n"
                  "  - branch: default\n"
                  "    levels:\n"
                  "      - {level: team_lead, staff: TL1}\n"
                  "      - {level: department_head, staff: DH1}\n"
                  "      - {level: centre_director, staff: CD1}\n"
                  "    skip_level:\n"
                  "      - {flags: [large_loss], to: department_head}\n"
                  "      - {flags: [safety, major_fault], to: centre_director}\n",
                  err, sizeof err);
    if (!sla)
        printf ("    %s\n", err);
    UNIT_ASSERT (sla);
    ladder = sla_ladder_for (sla, "SH01");
    to = sla_ladder_skip (ladder, loss, 1, SLA_LEVEL_NONE, skipped, &n);
    UNIT_ASSERT (to && to->level == SLA_LEVEL_DEPARTMENT_HEAD);
    UNIT_ASSERT_INT_EQ (n, 1);
    const char *both[] = { "large_loss", "major_fault" };
    to = sla_ladder_skip (ladder, both, 2, SLA_LEVEL_NONE, skipped, &n);
    UNIT_ASSERT (to && to->level == SLA_LEVEL_CENTRE_DIRECTOR);
    UNIT_ASSERT_INT_EQ (n, 2);
    UNIT_ASSERT (sla_ladder_skip (ladder, media, 1, SLA_LEVEL_NONE, skipped, &n) == NULL);
    sla_destroy (&sla);
}

/* ---------------------------------------------------------------- staff */

/*  A staff directory of six people, three of whom cannot be on a ladder. */
static const struct {
    const char *id;
    sla_person_t person;
} s_people[] = {
    { "TL1", { "陈静", "chen@x.cn", "021-64380001", true } },
    { "DH1", { "刘洋", "liu@x.cn", NULL, true } },
    { "CD1", { "孙丽", "sun@x.cn", "", true } },
    { "GONE", { "王退", "wang@x.cn", NULL, false } },
    { "NOMAIL", { "李无", NULL, NULL, true } },
    { "BADMAIL", { "赵错", "zhao@localhost", NULL, true } },
};

static int s_people_lookup (void *arg, const char *id, sla_person_t *out)
{
    int *calls = arg;
    (*calls)++;
    for (size_t i = 0; i < sizeof s_people / sizeof *s_people; i++)
        if (strcmp (s_people[i].id, id) == 0) {
            *out = s_people[i].person;
            return 1;
        }
    return 0;
}

/*  Lines 1-2 a policy, 3-5 a ladder, 6: team lead TL1, 7: department head `id`. */
static sla_config_t *s_load_with (const char *id, int *calls, char *err, size_t errsize)
{
    char text[512];
    snprintf (text, sizeof text,
              "policies:\n  - {name: all, targets: {arrival: {hours: 2, time: business}}}\n"
              "ladders:\n  - branch: default\n    levels:\n"
              "      - {level: team_lead, staff: TL1}\n"
              "      - {level: department_head, staff: %s}\n"
              "      - {level: centre_director, staff: CD1}\n",
              id);
    sla_config_t *sla = s_load (text, err, errsize);
    if (sla && sla_resolve_staff (sla, s_people_lookup, calls, err, errsize) != 0)
        sla_destroy (&sla);
    return sla;
}

UNIT_TEST (sla_ladder_staff_from_the_directory)
{
    char err[512] = "";
    int calls = 0;
    sla_config_t *sla = s_load_with ("DH1", &calls, err, sizeof err);
    if (!sla)
        printf ("    %s\n", err);
    UNIT_ASSERT (sla);
    UNIT_ASSERT_INT_EQ (calls, 3);
    const sla_ladder_t *ladder = sla_ladder_for (sla, "SH01");
    const sla_contact_t *lead = sla_ladder_at (ladder, 0), *head = sla_ladder_at (ladder, 1);
    UNIT_ASSERT_STR_EQ (lead->staff, "TL1");
    UNIT_ASSERT_STR_EQ (lead->name, "陈静");
    UNIT_ASSERT_STR_EQ (lead->email, "chen@x.cn");
    UNIT_ASSERT_STR_EQ (lead->phone, "021-64380001");
    UNIT_ASSERT_STR_EQ (head->name, "刘洋");
    UNIT_ASSERT (head->phone == NULL);
    UNIT_ASSERT (sla_ladder_at (ladder, 2)->phone == NULL); /* an empty phone is none */
    /* Who may acknowledge: the level's person and everyone above them. */
    UNIT_ASSERT_INT_EQ (lead->n_may_acknowledge, 3);
    UNIT_ASSERT_STR_EQ (lead->may_acknowledge[0], "TL1");
    UNIT_ASSERT_STR_EQ (lead->may_acknowledge[1], "DH1");
    UNIT_ASSERT_STR_EQ (lead->may_acknowledge[2], "CD1");
    UNIT_ASSERT_INT_EQ (head->n_may_acknowledge, 2);
    UNIT_ASSERT_STR_EQ (head->may_acknowledge[0], "DH1");
    UNIT_ASSERT_INT_EQ (sla_ladder_at (ladder, 2)->n_may_acknowledge, 1);
    sla_destroy (&sla);

    /* Refused, naming file, line and key. */
    static const struct {
        const char *id, *expected;
    } bad[] = {
        { "DH9", "t.yaml:7: ladders[0].levels[1].staff: unknown staff id \"DH9\" (not in the staff directory: "
                 "add the person to staff: in the organisation file and run kefuctl admin load)" },
        { "GONE", "t.yaml:7: ladders[0].levels[1].staff: staff GONE (王退) is no longer active" },
        { "NOMAIL", "t.yaml:7: ladders[0].levels[1].staff: staff NOMAIL (李无) has no e-mail address, and "
                    "escalations are sent to one" },
        { "BADMAIL", "t.yaml:7: ladders[0].levels[1].staff: staff BADMAIL (赵错): their e-mail address in the "
                     "staff directory is not one an escalation can be sent to" },
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        err[0] = '\0';
        sla = s_load_with (bad[i].id, &calls, err, sizeof err);
        UNIT_ASSERT (sla == NULL);
        UNIT_ASSERT_CONTAINS (err, bad[i].expected);
    }
    /* The address never appears in an error (errors are logged). */
    UNIT_ASSERT (strstr (err, "zhao@localhost") == NULL);
}

/* ---------------------------------------------------------------- reload */

UNIT_TEST (sla_failed_reload_keeps_previous)
{
    sla_config_t *current = s_load_demo ();
    UNIT_ASSERT (current);
    char err[512] = "";
    sla_config_t *next = s_load ("policies:\n"
                                 "  - {name: all, targets: {arrival: {hours: -2, time: business}}}\n" LADDER,
                                 err, sizeof err);
    UNIT_ASSERT (next == NULL);
    UNIT_ASSERT_CONTAINS (err, "t.yaml:2: policies[0].targets.arrival.hours:");
    /* The caller still holds the old configuration, intact. */
    UNIT_ASSERT (s_is (s_target (current, "city", "repair", "normal", "regular", "arrival"), SLA_UNIT_MINUTES, 120,
                       SLA_TIME_BUSINESS));
    next = sla_load ("/nonexistent/sla.yaml", s_tiers, 3, s_branches, 3, err, sizeof err);
    UNIT_ASSERT (next == NULL);
    UNIT_ASSERT_CONTAINS (err, "/nonexistent/sla.yaml: cannot open");
    next = sla_load_string ("t.yaml", LADDER, NULL, 0, s_branches, 3, err, sizeof err);
    UNIT_ASSERT (next == NULL);
    UNIT_ASSERT_CONTAINS (err, "region tiers must be known");
    UNIT_ASSERT_INT_EQ (sla_policy_count (current), 6);
    sla_destroy (&current);
}

/* ---------------------------------------------------------------- bad input */

/*  Lines 1-4: one catch-all policy; lines 5-8: a default ladder. */
#define POLICY                                                                                   \
    "policies:\n"                                                                                \
    "  - name: all\n"                                                                            \
    "    targets:\n"                                                                             \
    "      arrival: {hours: 2, time: business}\n"

#define DEFAULT_LADDER_4                                                                         \
    "ladders:\n"                                                                                 \
    "  - branch: default\n"                                                                      \
    "    levels:\n"                                                                              \
    "      - {level: team_lead, staff: A}\n"                                       \
    "      - {level: department_head, staff: B}\n"                                 \
    "      - {level: centre_director, staff: C}\n"                                 \
    "      - {level: general_manager, staff: D}\n"                                 \
    "    skip_level: {flags: [safety], to: general_manager}\n"

typedef struct {
    const char *what, *text, *expected;
} s_bad_t;

#define ONE_POLICY(targets) "policies:\n  - name: all\n    targets: " targets "\n"

static const s_bad_t s_bad[] = {
    /* Match values. */
    { "unknown tier",
      "policies:\n  - name: near\n    match: {tier: [city, cty]}\n    targets: {arrival: {hours: 2, time: business}}\n" LADDER,
      "t.yaml:3: policies[0].match.tier[1]: unknown tier \"cty\" (expected any, or one or a list of: city, "
      "surrounding, province)" },
    { "unknown kind",
      "policies:\n  - name: all\n    match:\n      kind: repairs\n    targets: {arrival: {hours: 2, time: business}}\n" LADDER,
      "t.yaml:4: policies[0].match.kind: unknown kind \"repairs\"" },
    { "unknown priority",
      "policies:\n  - name: all\n    match: {priority: [low, asap]}\n    targets: {arrival: {hours: 2, time: business}}\n" LADDER,
      "t.yaml:3: policies[0].match.priority[1]: unknown priority \"asap\"" },
    { "unknown class",
      "policies:\n  - name: all\n    match: {class: gold}\n    targets: {arrival: {hours: 2, time: business}}\n" LADDER,
      "t.yaml:3: policies[0].match.class: unknown class \"gold\" (expected any, or one or a list of: regular, important, vip)" },
    { "any inside a list",
      "policies:\n  - name: all\n    match: {class: [vip, any]}\n    targets: {arrival: {hours: 2, time: business}}\n" LADDER,
      "t.yaml:3: policies[0].match.class[1]: `any` stands alone" },
    { "empty match list",
      "policies:\n  - name: all\n    match: {class: []}\n    targets: {arrival: {hours: 2, time: business}}\n" LADDER,
      "t.yaml:3: policies[0].match.class: an empty list matches nothing" },
    { "value listed twice",
      "policies:\n  - name: all\n    match: {tier: [city, city]}\n    targets: {arrival: {hours: 2, time: business}}\n" LADDER,
      "t.yaml:3: policies[0].match.tier[1]: \"city\" listed twice" },
    /* Targets. */
    { "unknown clock",
      "policies:\n  - name: all\n    targets:\n      arival: {hours: 2, time: business}\n" LADDER,
      "t.yaml:4: policies[0].targets.arival: unknown key (expected one of: first_response, arrange, "
      "call_centre_check, arrival, resolution, complaint_decision, plan, callback)" },
    { "clock not in the clocks list",
      "clocks: [arrival]\npolicies:\n  - name: all\n    targets:\n      arrival: {hours: 2, time: business}\n"
      "      plan: {days: 3, time: business}\n" LADDER,
      "t.yaml:6: policies[0].targets.plan: unknown key (expected one of: arrival)" },
    { "negative target",
      "policies:\n  - name: all\n    targets:\n      arrival: {hours: -2, time: business}\n" LADDER,
      "t.yaml:4: policies[0].targets.arrival.hours: must be an integer from 1 to 8760 (found \"-2\")" },
    { "zero target",
      "policies:\n  - name: all\n    targets:\n      arrival: {minutes: 0, time: business}\n" LADDER,
      "t.yaml:4: policies[0].targets.arrival.minutes: must be an integer from 1 to 525600 (found \"0\")" },
    { "target over a year",
      "policies:\n  - name: all\n    targets:\n      resolution:\n        days: 366\n        time: calendar\n" LADDER,
      "t.yaml:5: policies[0].targets.resolution.days: must be an integer from 1 to 365 (found \"366\")" },
    { "not a number",
      "policies:\n  - name: all\n    targets:\n      arrival: {hours: 1.5, time: business}\n" LADDER,
      "t.yaml:4: policies[0].targets.arrival.hours: must be an integer from 1 to 8760 (found \"1.5\")" },
    { "unknown time kind",
      "policies:\n  - name: all\n    targets:\n      arrival: {hours: 2, time: office}\n" LADDER,
      "t.yaml:4: policies[0].targets.arrival.time: \"office\" is not one of: business, calendar" },
    { "time kind missing",
      "policies:\n  - name: all\n    targets:\n      arrival:\n        hours: 2\n" LADDER,
      "t.yaml:5: policies[0].targets.arrival.time: missing (required key)" },
    { "two units",
      "policies:\n  - name: all\n    targets:\n      arrival: {hours: 2, minutes: 30, time: business}\n" LADDER,
      "t.yaml:4: policies[0].targets.arrival.hours: give one of minutes, hours or days, not both minutes and hours" },
    { "no amount",
      "policies:\n  - name: all\n    targets:\n      arrival: {time: business}\n" LADDER,
      "t.yaml:4: policies[0].targets.arrival.hours: missing (required key; one of minutes, hours or days" },
    { "misspelt unit",
      "policies:\n  - name: all\n    targets:\n      arrival:\n        time: business\n        minuts: 30\n" LADDER,
      "t.yaml:6: policies[0].targets.arrival.minuts: unknown key (expected one of: minutes, hours, days, time, "
      "starts_on, stops_on, on_breach)" },
    { "unknown event",
      "policies:\n  - name: all\n    targets:\n      arrival: {hours: 2, time: business, starts_on: ticket_opened}\n" LADDER,
      "t.yaml:4: policies[0].targets.arrival.starts_on: \"ticket_opened\" is not one of: ticket_created," },
    { "starts and stops together",
      "policies:\n  - name: all\n    targets:\n      arrival: {hours: 2, time: business, starts_on: technician_arrived}\n" LADDER,
      "t.yaml:4: policies[0].targets.arrival: the clock would start and stop on the same event (technician_arrived)" },
    { "empty targets",
      "policies:\n  - name: all\n    targets: {}\n" LADDER,
      "t.yaml:3: policies[0].targets: a policy needs at least one target" },
    { "null targets",
      "policies:\n  - name: all\n    targets:\n" LADDER,
      "t.yaml:3: policies[0].targets: a policy needs at least one target" },
    /* Clocks. */
    { "custom clock without events",
      "clocks: [arrival, revisit]\n" POLICY LADDER,
      "t.yaml:1: clocks[1]: \"revisit\" is not a built-in clock; give its events" },
    { "custom clock missing stops_on",
      "clocks:\n  - {name: revisit, starts_on: ticket_reopened}\n" POLICY LADDER,
      "t.yaml:2: clocks[0].stops_on: missing (required key)" },
    { "bad clock name",
      "clocks:\n  - {name: Revisit2, starts_on: ticket_reopened, stops_on: technician_arrived}\n" POLICY LADDER,
      "t.yaml:2: clocks[0].name: \"Revisit2\" is not a clock name (1 to 32 of a-z and _)" },
    { "clock listed twice",
      "clocks: [arrival, plan, arrival]\n" POLICY LADDER,
      "t.yaml:1: clocks[2]: clock \"arrival\" listed twice" },
    /* Policies. */
    { "unknown top-level key",
      POLICY "ladder:\n  - branch: default\n",
      "t.yaml:5: ladder: unknown key (expected one of: clocks, warn_at_percent, repeat_escalation_minutes, "
      "policies, ladders)" },
    { "misspelt policy key",
      "policies:\n  - name: all\n    tagets:\n      arrival: {hours: 2, time: business}\n" LADDER,
      "t.yaml:3: policies[0].tagets: unknown key (did you mean targets?)" },
    { "unknown match key",
      "policies:\n  - name: all\n    match:\n      tiers: city\n    targets: {arrival: {hours: 2, time: business}}\n" LADDER,
      "t.yaml:4: policies[0].match.tiers: unknown key (expected one of: tier, kind, priority, class)" },
    { "duplicate policy name",
      "policies:\n  - {name: all, match: {tier: city}, targets: {arrival: {hours: 2, time: business}}}\n"
      "  - {name: all, targets: {arrival: {hours: 4, time: business}}}\n" LADDER,
      "t.yaml:3: policies[1].name: duplicate policy name \"all\" (first at line 2)" },
    { "bad policy name",
      "policies:\n  - {name: 全部, targets: {arrival: {hours: 2, time: business}}}\n" LADDER,
      "t.yaml:2: policies[0].name: \"全部\" is not a policy name" },
    { "catch-all before others",
      "policies:\n"
      "  - name: all\n"
      "    targets: {arrival: {hours: 4, time: business}}\n"
      "  - name: city\n"
      "    match: {tier: city}\n"
      "    targets: {arrival: {hours: 2, time: business}}\n" LADDER,
      "t.yaml:4: policies[1].name: policy \"city\" can never be chosen: every ticket it matches is matched by an "
      "earlier policy (the first policy that fits wins; e.g. \"all\" at line 2)" },
    { "covered by two earlier policies together",
      "policies:\n"
      "  - {name: low, match: {priority: [low, normal]}, targets: {arrival: {hours: 4, time: business}}}\n"
      "  - {name: high, match: {priority: [high, urgent]}, targets: {arrival: {hours: 2, time: business}}}\n"
      "  - {name: rest, targets: {arrival: {hours: 8, time: business}}}\n" LADDER,
      "t.yaml:4: policies[2].name: policy \"rest\" can never be chosen" },
    { "no catch-all",
      "policies:\n"
      "  - {name: city, match: {tier: city}, targets: {arrival: {hours: 2, time: business}}}\n"
      "  - {name: near, match: {tier: surrounding}, targets: {arrival: {hours: 12, time: business}}}\n" LADDER,
      "t.yaml:2: policies: no policy matches a ticket with tier province, kind consultation, priority low, class "
      "regular; end the list with a catch-all policy" },
    { "policies missing", LADDER, "t.yaml:1: policies: missing (required key; a list of policies" },
    { "warn_at_percent out of range", "warn_at_percent: 100\n" POLICY LADDER,
      "t.yaml:1: warn_at_percent: must be an integer from 1 to 99 (found \"100\")" },
    { "policy warn_at_percent out of range",
      "policies:\n  - name: all\n    warn_at_percent: 0\n    targets: {arrival: {hours: 2, time: business}}\n" LADDER,
      "t.yaml:3: policies[0].warn_at_percent: must be an integer from 1 to 99 (found \"0\")" },
    { "repeat out of range", "repeat_escalation_minutes: -5\n" POLICY LADDER,
      "t.yaml:1: repeat_escalation_minutes: must be an integer from 1 to 10080 (found \"-5\")" },
    { "empty file", "", "t.yaml:0: the file is empty" },
    /* Ladders. */
    { "unknown branch",
      POLICY "ladders:\n  - branch: BJ01\n    levels:\n      - {level: team_lead, staff: A}\n",
      "t.yaml:6: ladders[0].branch: unknown branch \"BJ01\" (expected default, SH01, SH02, SZ01)" },
    { "second ladder for a branch",
      POLICY LADDER "  - branch: default\n    levels: [{level: team_lead, staff: B}]\n",
      "t.yaml:9: ladders[1].branch: a second ladder for default (first at line 6)" },
    { "ladder gap",
      POLICY "ladders:\n  - branch: default\n    levels:\n      - {level: team_lead, staff: A}\n"
      "      - {level: centre_director, staff: C}\n",
      "t.yaml:9: ladders[0].levels[1].level: gap in the ladder: department_head is missing between team_lead and "
      "centre_director" },
    { "duplicate level",
      POLICY "ladders:\n  - branch: default\n    levels:\n      - {level: team_lead, staff: A}\n"
      "      - {level: team_lead, staff: B}\n",
      "t.yaml:9: ladders[0].levels[1].level: duplicate level team_lead (first at line 8)" },
    { "levels out of order",
      POLICY "ladders:\n  - branch: default\n    levels:\n      - {level: department_head, staff: A}\n"
      "      - {level: team_lead, staff: B}\n",
      "t.yaml:9: ladders[0].levels[1].level: team_lead listed after department_head: list the levels lowest first" },
    { "unknown level",
      POLICY "ladders:\n  - branch: default\n    levels:\n      - {level: ceo, staff: A}\n",
      "t.yaml:8: ladders[0].levels[0].level: \"ceo\" is not one of: team_lead, department_head, centre_director, "
      "general_manager" },
    { "no levels", POLICY "ladders:\n  - branch: default\n    levels: []\n",
      "t.yaml:7: ladders[0].levels: must list 1 to 4 levels" },
    { "name in the file",
      POLICY "ladders:\n  - branch: default\n    levels:\n      - {level: team_lead, staff: A, name: 陈静}\n",
      "t.yaml:8: ladders[0].levels[0].name: a ladder names people by staff id (staff: TL01); their name, e-mail and "
      "phone come from the staff directory" },
    { "e-mail in the file",
      POLICY "ladders:\n  - branch: default\n    levels:\n      - {level: team_lead, email: a@b.cn}\n",
      "t.yaml:8: ladders[0].levels[0].email: a ladder names people by staff id" },
    { "not a staff id",
      POLICY "ladders:\n  - branch: default\n    levels:\n      - {level: team_lead, staff: \"T 1\"}\n",
      "t.yaml:8: ladders[0].levels[0].staff: \"T 1\" is not a staff id (1 to 32 of A-Z a-z 0-9 _ -)" },
    { "no staff id",
      POLICY "ladders:\n  - branch: default\n    levels:\n      - {level: team_lead}\n",
      "t.yaml:8: ladders[0].levels[0].staff: missing (required key; the person's staff id, e.g. TL01)" },
    { "misspelt staff key",
      POLICY "ladders:\n  - branch: default\n    levels:\n      - level: team_lead\n        staf: A\n",
      "t.yaml:9: ladders[0].levels[0].staf: unknown key (did you mean staff?)" },
    { "skip-level target not on the ladder",
      POLICY LADDER "    skip_level: {flags: [safety], to: general_manager}\n",
      "t.yaml:9: ladders[0].skip_level.to: general_manager is not on this ladder (its levels: team_lead)" },
    { "unknown flag",
      POLICY LADDER "    skip_level: {flags: [safety, fire], to: team_lead}\n",
      "t.yaml:9: ladders[0].skip_level.flags[1]: unknown flag \"fire\" (expected one of: major_fault, safety, "
      "large_loss, media_risk)" },
    { "inherited skip target missing",
      POLICY DEFAULT_LADDER_4 "  - branch: SZ01\n    levels:\n      - {level: team_lead, staff: E}\n",
      "t.yaml:13: ladders[1].branch: this ladder follows the default ladder's skip_level (line 12), whose target "
      "general_manager is not on it (its levels: team_lead)" },
    { "branch without a ladder",
      POLICY "ladders:\n  - branch: SH01\n    levels: [{level: team_lead, staff: A}]\n"
      "  - branch: SZ01\n    levels: [{level: team_lead, staff: A}]\n",
      "t.yaml:6: ladders: branch SH02 has no ladder and there is no default ladder" },
    { "ladders missing", POLICY, "t.yaml:1: ladders: missing (required key; a list of ladders" },
    /* Reopening. */
    { "reopen restarts a clock the policy does not run",
      "policies:\n  - name: all\n    targets: {arrival: {hours: 2, time: business}}\n"
      "    reopen_restarts: [arrival, resolution]\n" LADDER,
      "t.yaml:4: policies[0].reopen_restarts[1]: \"resolution\" is not one of this policy's targets" },
    { "reopen restarts a clock twice",
      "policies:\n  - name: all\n    targets: {arrival: {hours: 2, time: business}}\n"
      "    reopen_restarts: [arrival, arrival]\n" LADDER,
      "t.yaml:4: policies[0].reopen_restarts[1]: \"arrival\" is listed twice" },
    { "reopen restarts not a list",
      "policies:\n  - name: all\n    targets: {arrival: {hours: 2, time: business}}\n"
      "    reopen_restarts: arrival\n" LADDER,
      "t.yaml:4: policies[0].reopen_restarts: expected a list" },
    { "redispatch on a clock that is not the assignee's",
      "policies:\n  - name: all\n    targets: {arrival: {hours: 2, time: business, on_breach: redispatch}}\n" LADDER,
      "t.yaml:3: policies[0].targets.arrival.on_breach: redispatch needs a clock that starts on work_order_assigned "
      "(this one starts on ticket_created)" },
    { "unknown on_breach",
      "policies:\n  - name: all\n    targets: {arrange: {hours: 2, time: business, on_breach: ignore}}\n" LADDER,
      "t.yaml:3: policies[0].targets.arrange.on_breach: " },
    /* Clocks of subjects other than the ticket (tests/unit/test_sla_subjects.c). */
    { "unknown subject",
      "clocks:\n  - {name: pay, subject: invoice, starts_on: a, stops_on: b}\n" ONE_POLICY ("{pay: {hours: 1, time: business}}") LADDER,
      "t.yaml:2: clocks[0].subject: " },
    { "a ticket's event on an inspection clock",
      "clocks:\n  - arrival\n  - {name: fi, subject: inspection, starts_on: work_order_completed, stops_on: inspection_passed}\n"
      ONE_POLICY ("{arrival: {hours: 2, time: business}, fi: {hours: 4, time: business}}") LADDER,
      "t.yaml:3: clocks[1].starts_on: \"work_order_completed\" is not an event of a clock whose subject is inspection (expected one "
      "of: inspection_started, level_signed.LEVEL, inspection_passed, inspection_failed)" },
    { "an inspection's event on a ticket clock",
      "clocks:\n  - {name: fi, starts_on: inspection_started, stops_on: ticket_resolved}\n"
      ONE_POLICY ("{fi: {hours: 4, time: business}}") LADDER,
      "t.yaml:2: clocks[0].starts_on: " },
    { "a level without its name",
      "clocks:\n  - arrival\n  - {name: fi, subject: inspection, starts_on: inspection_started, stops_on: level_signed}\n"
      ONE_POLICY ("{arrival: {hours: 2, time: business}, fi: {hours: 4, time: business}}") LADDER,
      "t.yaml:3: clocks[1].stops_on: \"level_signed\" is not an event of a clock whose subject is inspection" },
    { "a level name that is not one",
      "clocks:\n  - arrival\n  - {name: fi, subject: inspection, starts_on: inspection_started, stops_on: \"level_signed.a b\"}\n"
      ONE_POLICY ("{arrival: {hours: 2, time: business}, fi: {hours: 4, time: business}}") LADDER,
      "t.yaml:3: clocks[1].stops_on: \"level_signed.a b\" is not an event of a clock whose subject is inspection" },
    { "a subject clock without its events",
      "clocks:\n  - arrival\n  - {name: fi, subject: inspection}\n"
      ONE_POLICY ("{arrival: {hours: 2, time: business}, fi: {hours: 4, time: business}}") LADDER,
      "t.yaml:3: clocks[1].starts_on: missing" },
    { "a built-in clock given another subject",
      "clocks:\n  - {name: callback, subject: callback, starts_on: callback_scheduled, stops_on: callback_recorded}\n"
      ONE_POLICY ("{callback: {days: 3, time: calendar}}") LADDER,
      "t.yaml:2: clocks[0].subject: \"callback\" is a built-in clock of the ticket; give a clock of a callback "
      "another name" },
    { "a target overriding with another kind's event",
      "clocks:\n  - arrival\n  - {name: fi, subject: inspection, starts_on: inspection_started, stops_on: inspection_passed}\n"
      ONE_POLICY ("{arrival: {hours: 2, time: business}, fi: {hours: 4, time: business, stops_on: callback_done}}") LADDER,
      "t.yaml:6: policies[0].targets.fi.stops_on: \"callback_done\" is not an event of a clock whose subject is inspection" },
    { "a policy with subject clocks and none of the ticket",
      "clocks:\n  - arrival\n  - {name: fi, subject: inspection, starts_on: inspection_started, stops_on: inspection_passed}\n"
      ONE_POLICY ("{fi: {hours: 4, time: business}}") LADDER,
      "t.yaml:6: policies[0].targets: the policy sets fi, a clock of an inspection, and no clock of the ticket" },
    { "a reopened ticket restarting a subject's clock",
      "clocks:\n  - arrival\n  - {name: fi, subject: inspection, starts_on: inspection_started, stops_on: inspection_passed}\n"
      ONE_POLICY ("{arrival: {hours: 2, time: business}, fi: {hours: 4, time: business}}")
      "    reopen_restarts: [fi]\n" LADDER,
      "t.yaml:7: policies[0].reopen_restarts[0]: \"fi\" is a clock of the inspection, not of the ticket" },
    { "redispatch on a subject's clock",
      "clocks:\n  - arrival\n  - {name: wo, subject: work_order, starts_on: work_order_assigned, stops_on: work_order_done}\n"
      ONE_POLICY ("{arrival: {hours: 2, time: business}, wo: {hours: 4, time: business, on_breach: redispatch}}") LADDER,
      "t.yaml:6: policies[0].targets.wo.on_breach: redispatch needs a clock of the ticket that starts on "
      "work_order_assigned (this one is a clock of the work_order)" },
    { "a subject clock starting and stopping on one event",
      "clocks:\n  - arrival\n  - {name: fi, subject: inspection, starts_on: level_signed.a, stops_on: level_signed.a}\n"
      ONE_POLICY ("{arrival: {hours: 2, time: business}, fi: {hours: 4, time: business}}") LADDER,
      "t.yaml:3: clocks[1].name: clock \"fi\" starts and stops on the same event (level_signed.a)" },
    /* YAML itself. */
    { "duplicate key", "policies: []\npolicies: []\n", "t.yaml:2: policies: duplicate key (first at line 1)" },
};

UNIT_TEST (sla_bad_input_refused_with_file_line_key)
{
    int failures = 0;
    for (size_t i = 0; i < sizeof s_bad / sizeof *s_bad; i++) {
        char err[1024] = "";
        sla_config_t *sla = s_load (s_bad[i].text, err, sizeof err);
        if (sla || !strstr (err, s_bad[i].expected)) {
            unit_fail (__FILE__, __LINE__, "%s: %s\n      got:      %s\n      expected: %s", s_bad[i].what,
                       sla ? "accepted" : "wrong error", err, s_bad[i].expected);
            failures++;
        }
        sla_destroy (&sla);
    }
    UNIT_ASSERT_INT_EQ (failures, 0);
}

/*  The good base of the table above loads: each refusal is the mutation's. */
UNIT_TEST (sla_bad_input_base_is_good)
{
    char err[512] = "";
    sla_config_t *sla = s_load (POLICY LADDER, err, sizeof err);
    if (!sla)
        printf ("    %s\n", err);
    UNIT_ASSERT (sla);
    sla_destroy (&sla);
    sla = s_load (POLICY DEFAULT_LADDER_4 "  - branch: SZ01\n    levels:\n      - {level: team_lead, staff: E}\n"
                  "    skip_level: {flags: [safety], to: team_lead}\n",
                  err, sizeof err);
    if (!sla)
        printf ("    %s\n", err);
    UNIT_ASSERT (sla);
    sla_destroy (&sla);
}

/*  Unit tests for SLA clocks of subjects other than the ticket: the table
 *  of subject kinds (common/model/sla_subject.h) and what sla.yaml may say
 *  of them (services/dispatch/sla/sla_policy): a clock declares its
 *  subject, names only its kind's events (qualified ones such as
 *  level_signed.final included), and every mistake is refused with
 *  file:line: key and a reason (in test_sla_policy.c's table of bad input).
 */
#include <stdio.h>
#include <string.h>

#include "model/sla_clock.h"
#include "model/sla_subject.h"
#include "../../services/dispatch/sla/sla_policy.h"
#include "unit.h"

static const char *const s_tiers[] = { "city", "surrounding", "province" };
static const char *const s_branches[] = { "SH01", "SH02", "SZ01" };

static sla_config_t *s_load (const char *text, char *err, size_t errsize)
{
    return sla_load_string ("t.yaml", text, s_tiers, 3, s_branches, 3, err, errsize);
}

#define LADDER                                                                                   \
    "ladders:\n"                                                                                 \
    "  - branch: default\n"                                                                      \
    "    levels:\n"                                                                              \
    "      - {level: team_lead, staff: A}\n"

/*  Lines 1-6: the clocks; 7-: one catch-all policy. */
#define CLOCKS                                                                                   \
    "clocks:\n"                                                                                  \
    "  - arrival\n"                                                                              \
    "  - {name: final_inspection, subject: inspection, starts_on: inspection_started, "           \
    "stops_on: level_signed.final}\n"                                                            \
    "  - {name: callback_due, subject: callback, starts_on: callback_scheduled, stops_on: callback_recorded}\n" \
    "  - {name: visit_done, subject: work_order, starts_on: work_order_assigned, stops_on: work_order_done}\n" \
    "  - {name: revisit, starts_on: ticket_reopened, stops_on: technician_arrived}\n"

UNIT_TEST (sla_subject_kinds_and_their_events)
{
    UNIT_ASSERT_STR_EQ (sla_subject_names ()[0], "ticket");
    UNIT_ASSERT (sla_subject_find ("inspection") != NULL);
    UNIT_ASSERT (sla_subject_find ("invoice") == NULL);
    /* a ticket's events are model/ticket.h's */
    UNIT_ASSERT (sla_subject_event_valid ("ticket", "technician_arrived"));
    UNIT_ASSERT (!sla_subject_event_valid ("ticket", "inspection_started"));
    UNIT_ASSERT (!sla_subject_event_valid ("ticket", "paused")); /* moves clocks, starts none */
    UNIT_ASSERT (sla_subject_event_valid ("inspection", "inspection_started"));
    UNIT_ASSERT (sla_subject_event_valid ("inspection", "level_signed.final"));
    UNIT_ASSERT (sla_subject_event_valid ("inspection", "level_signed.team-lead_2"));
    UNIT_ASSERT (!sla_subject_event_valid ("inspection", "level_signed."));
    UNIT_ASSERT (!sla_subject_event_valid ("inspection", "level_signed"));
    UNIT_ASSERT (!sla_subject_event_valid ("inspection", "level_signed.fi nal"));
    UNIT_ASSERT (!sla_subject_event_valid ("inspection", "technician_arrived"));
    UNIT_ASSERT (sla_subject_event_valid ("work_order", "work_order_done"));
    UNIT_ASSERT (sla_subject_event_valid ("callback", "callback_recorded"));
    UNIT_ASSERT (!sla_subject_event_valid ("nothing", "callback_recorded"));
    UNIT_ASSERT (sla_subject_event_ends ("inspection", "inspection_failed"));
    UNIT_ASSERT (sla_subject_event_ends ("callback", "callback_unreachable"));
    UNIT_ASSERT (!sla_subject_event_ends ("inspection", "inspection_started"));
    UNIT_ASSERT (sla_subject_event_ends ("ticket", "ticket_closed"));
    /* every kind's ends are events of the kind */
    for (int k = 1; sla_subject_kinds[k].name; k++)
        for (int e = 0; sla_subject_kinds[k].ends[e]; e++)
            UNIT_ASSERT (sla_subject_event_valid (sla_subject_kinds[k].name, sla_subject_kinds[k].ends[e]));
}

UNIT_TEST (sla_clocks_of_subjects_load)
{
    char err[512] = "";
    sla_config_t *sla = s_load (CLOCKS "policies:\n"
                                       "  - name: all\n"
                                       "    targets:\n"
                                       "      arrival: {hours: 2, time: business}\n"
                                       "      final_inspection: {hours: 4, time: business}\n"
                                       "      callback_due: {days: 3, time: calendar, stops_on: callback_unreachable}\n"
                                       "      visit_done: {hours: 8, time: business}\n"
                                       "      revisit: {hours: 24, time: calendar}\n"
                                       "    reopen_restarts: [arrival]\n" LADDER,
                                err, sizeof err);
    if (!sla)
        printf ("    %s\n", err);
    UNIT_ASSERT (sla);
    UNIT_ASSERT_INT_EQ (sla_clock_count (sla), 5);
    UNIT_ASSERT_STR_EQ (sla_clock_subject (sla, 0), "ticket");
    UNIT_ASSERT_STR_EQ (sla_clock_subject (sla, 1), "inspection");
    UNIT_ASSERT_STR_EQ (sla_clock_subject (sla, 4), "ticket");
    UNIT_ASSERT (sla_subject_used (sla, "inspection") && sla_subject_used (sla, "callback"));
    UNIT_ASSERT (sla_subject_used (sla, "work_order") && sla_subject_used (sla, "ticket"));
    const sla_policy_t *p = sla_match (sla, "city", "repair", "normal", "regular");
    UNIT_ASSERT (sla_policy_find (sla, "all") == p);
    UNIT_ASSERT (sla_policy_find (sla, "none") == NULL);
    const sla_target_t *t = sla_policy_target (p, "final_inspection");
    UNIT_ASSERT (t != NULL);
    UNIT_ASSERT_STR_EQ (t->subject, "inspection");
    UNIT_ASSERT_STR_EQ (t->starts_on, "inspection_started");
    UNIT_ASSERT_STR_EQ (t->stops_on, "level_signed.final");
    UNIT_ASSERT_INT_EQ (t->amount, 240);
    UNIT_ASSERT_STR_EQ (sla_policy_target (p, "callback_due")->stops_on, "callback_unreachable");
    UNIT_ASSERT_STR_EQ (sla_policy_target (p, "arrival")->subject, "ticket");
    UNIT_ASSERT_STR_EQ (sla_policy_target (p, "revisit")->starts_on, "ticket_reopened");
    sla_destroy (&sla);

    /* without `clocks`, every clock is the ticket's */
    sla = s_load ("policies:\n  - name: all\n    targets: {arrival: {hours: 2, time: business}}\n" LADDER, err,
                  sizeof err);
    UNIT_ASSERT (sla);
    UNIT_ASSERT (!sla_subject_used (sla, "inspection"));
    UNIT_ASSERT_STR_EQ (sla_clock_subject (sla, 7), "ticket");
    sla_destroy (&sla);
}

/*  The demo's subject clocks: final inspection within 4 business hours of
 *  the work reported done, a revisit within 24 h in the city and 72 h
 *  outside it, started over by a second reopening. */
UNIT_TEST (sla_demo_subject_clocks)
{
    char path[512], err[512] = "";
    static const char *const tiers[] = { "city", "surrounding", "province" };
    static const char *const branches[] = { "SH01", "SH02", "SZ01" };
    sla_config_t *sla = sla_load (unit_repo_file ("deploy/demo/sla.yaml", path, sizeof path), tiers, 3, branches, 3,
                                  err, sizeof err);
    if (!sla)
        printf ("    %s\n", err);
    UNIT_ASSERT (sla);
    const sla_policy_t *city = sla_match (sla, "city", "repair", "normal", "regular");
    const sla_target_t *t = sla_policy_target (city, "final_inspection");
    UNIT_ASSERT (t && t->amount == 240 && t->time == SLA_TIME_BUSINESS);
    UNIT_ASSERT_STR_EQ (t->subject, "inspection");
    UNIT_ASSERT_STR_EQ (t->stops_on, "level_signed.final_inspection");
    t = sla_policy_target (city, "revisit");
    UNIT_ASSERT (t && t->amount == 24 * 60 && t->time == SLA_TIME_CALENDAR && t->restart_on_reopen);
    t = sla_policy_target (sla_match (sla, "province", "installation", "normal", "vip"), "revisit");
    UNIT_ASSERT (t && t->amount == 72 * 60 && t->time == SLA_TIME_CALENDAR);
    t = sla_policy_target (sla_match (sla, "surrounding", "repair", "urgent", "regular"), "revisit");
    UNIT_ASSERT (t && t->amount == 72 * 60);
    UNIT_ASSERT (sla_policy_target (sla_match (sla, "city", "consultation", "normal", "regular"), "revisit") == NULL);
    sla_destroy (&sla);
}

/*  A provider's deposit concerns no ticket and no branch: its clock counts
 *  calendar time, and a business-time target for it is refused with file,
 *  line and key. Its clock's states move by the one table of clock moves:
 *  started (or begun anew once stopped), paused and resumed, stopped. */
UNIT_TEST (sla_deposit_clock_counts_calendar_time)
{
    char err[512] = "";
    const char *clocks = "clocks:\n"
                         "  - arrival\n"
                         "  - {name: deposit_topup, subject: deposit, starts_on: deposit_short, "
                         "stops_on: deposit_topped_up}\n"
                         "policies:\n"
                         "  - name: all\n"
                         "    targets:\n"
                         "      arrival: {hours: 2, time: business}\n";
    char text[1024];
    snprintf (text, sizeof text, "%s      deposit_topup: {days: 3, time: calendar}\n" LADDER, clocks);
    sla_config_t *sla = s_load (text, err, sizeof err);
    if (!sla)
        printf ("    %s\n", err);
    UNIT_ASSERT (sla && sla_subject_used (sla, "deposit"));
    sla_destroy (&sla);
    snprintf (text, sizeof text, "%s      deposit_topup: {days: 3, time: business}\n" LADDER, clocks);
    sla = s_load (text, err, sizeof err);
    UNIT_ASSERT (sla == NULL);
    UNIT_ASSERT (strstr (err, "t.yaml:8: policies[0].targets.deposit_topup.time: a clock of a deposit counts "
                              "calendar time") == err);
    UNIT_ASSERT (states_can_move (&sla_clock_states, CLOCK_STOPPED, CLOCK_RUNNING)); /* short again */
    UNIT_ASSERT (states_can_move (&sla_clock_states, CLOCK_RUNNING, CLOCK_PAUSED));  /* a hold taken */
    UNIT_ASSERT (states_can_move (&sla_clock_states, CLOCK_PAUSED, CLOCK_RUNNING));  /* the last released */
    UNIT_ASSERT (!states_can_move (&sla_clock_states, CLOCK_PENDING, CLOCK_PAUSED)); /* nothing to keep */
}

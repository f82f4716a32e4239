/*  test_assign — unit tests of dispatch's assignment rule (services/dispatch/assign.c):
 *  every filter, the order of the reasons, ties, the grade floor for repair
 *  and premium work, and invalid arguments.
 */
#include <stdio.h>
#include <string.h>

#include "../../services/dispatch/assign.h"
#include "unit.h"

static const char *const s_ac[] = { "air-conditioner" };
static const char *const s_ac_fridge[] = { "air-conditioner", "refrigerator" };
static const char *const s_washer[] = { "washer" };

static const assign_rules_t s_rules = { GRADE_INTERMEDIATE, GRADE_INTERMEDIATE, GRADE_TRAINEE };

static assign_tech_t s_tech (const char *id, org_grade_t grade, const char *const *skills,
                             int n_skills, int capacity, int load, bool on_shift)
{
    assign_tech_t t = { id, id, grade, skills, n_skills, capacity, load, on_shift, 0 };
    return t;
}

static assign_job_t s_job (const char *kind, const char *line, bool premium)
{
    assign_job_t j = { "SH01", kind, line, premium };
    return j;
}

UNIT_TEST (assign_picks_lowest_load)
{
    assign_tech_t techs[] = {
        s_tech ("T01", GRADE_SENIOR, s_ac, 1, 5, 3, true),
        s_tech ("T02", GRADE_INTERMEDIATE, s_ac, 1, 5, 1, true),
        s_tech ("T03", GRADE_SENIOR, s_ac_fridge, 2, 5, 2, true),
    };
    assign_job_t job = s_job ("repair", "air-conditioner", false);
    assign_result_t r;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 3, &r), 0);
    UNIT_ASSERT_INT_EQ (r.outcome, ASSIGN_OK);
    UNIT_ASSERT_INT_EQ (r.index, 1);
    UNIT_ASSERT_STR_EQ (r.reason, "");
}

UNIT_TEST (assign_prefers_the_better_rank_before_the_lower_load)
{
    /* a service provider's technician (rank 1, after the branch's own) with
     * less load loses to the branch's own; ranked first, he wins */
    assign_tech_t techs[] = {
        s_tech ("P01", GRADE_SENIOR, s_ac, 1, 5, 0, true),
        s_tech ("T01", GRADE_SENIOR, s_ac, 1, 5, 2, true),
    };
    techs[0].rank = 1;
    assign_job_t job = s_job ("repair", "air-conditioner", false);
    assign_result_t r;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 2, &r), 0);
    UNIT_ASSERT_INT_EQ (r.index, 1);
    techs[0].rank = -1;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 2, &r), 0);
    UNIT_ASSERT_INT_EQ (r.index, 0);
    techs[0].rank = 0; /* equal: the lower load */
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 2, &r), 0);
    UNIT_ASSERT_INT_EQ (r.index, 0);
    /* the better rank at capacity leaves the job to the next */
    techs[0].rank = -1;
    techs[0].load = 5;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 2, &r), 0);
    UNIT_ASSERT_INT_EQ (r.index, 1);
}

UNIT_TEST (assign_ties_go_to_lowest_id)
{
    assign_tech_t techs[] = {
        s_tech ("T09", GRADE_SENIOR, s_ac, 1, 5, 1, true),
        s_tech ("T03", GRADE_SENIOR, s_ac, 1, 5, 1, true),
        s_tech ("T05", GRADE_SENIOR, s_ac, 1, 5, 1, true),
    };
    assign_job_t job = s_job ("installation", "air-conditioner", false);
    assign_result_t r;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 3, &r), 0);
    UNIT_ASSERT_STR_EQ (techs[r.index].id, "T03");
}

UNIT_TEST (assign_no_active_technician)
{
    assign_job_t job = { "SH02", "repair", "air-conditioner", false };
    assign_result_t r;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, NULL, 0, &r), -1);
    UNIT_ASSERT_INT_EQ (r.outcome, ASSIGN_NO_TECHNICIAN);
    UNIT_ASSERT_INT_EQ (r.index, -1);
    UNIT_ASSERT_STR_EQ (r.reason, "no active technician in branch SH02");
}

UNIT_TEST (assign_no_skill_names_branch_and_line)
{
    assign_tech_t techs[] = {
        s_tech ("T01", GRADE_SENIOR, s_ac, 1, 5, 0, true),
        s_tech ("T02", GRADE_SENIOR, s_washer, 1, 5, 0, true),
    };
    assign_job_t job = s_job ("repair", "refrigerator", false);
    assign_result_t r;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 2, &r), -1);
    UNIT_ASSERT_INT_EQ (r.outcome, ASSIGN_NO_SKILL);
    UNIT_ASSERT_STR_EQ (r.reason, "no technician in branch SH01 has skill refrigerator");
}

UNIT_TEST (assign_job_without_product_needs_no_skill)
{
    assign_tech_t techs[] = { s_tech ("T01", GRADE_TRAINEE, NULL, 0, 1, 0, true) };
    assign_job_t job = s_job ("installation", NULL, false);
    assign_result_t r;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 1, &r), 0);
    UNIT_ASSERT_INT_EQ (r.index, 0);
    UNIT_ASSERT (assign_has_skill (&techs[0], &job));
    job.product_line = "washer";
    UNIT_ASSERT (!assign_has_skill (&techs[0], &job));
}

UNIT_TEST (assign_trainee_and_junior_never_repair)
{
    assign_tech_t techs[] = {
        s_tech ("T01", GRADE_TRAINEE, s_ac, 1, 5, 0, true),
        s_tech ("T02", GRADE_JUNIOR, s_ac, 1, 5, 0, true),
        s_tech ("T03", GRADE_SENIOR, s_washer, 1, 5, 0, true),
    };
    assign_job_t job = s_job ("repair", "air-conditioner", false);
    assign_result_t r;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 3, &r), -1);
    UNIT_ASSERT_INT_EQ (r.outcome, ASSIGN_NO_GRADE);
    UNIT_ASSERT_STR_EQ (r.reason,
                        "repair needs grade intermediate or above; fitting technicians are only trainee/junior");
}

UNIT_TEST (assign_repair_floor_ignores_lower_config)
{
    /* a configuration that says trainees may repair is overruled: never alone */
    assign_rules_t lax = { GRADE_TRAINEE, GRADE_TRAINEE, GRADE_TRAINEE };
    assign_tech_t techs[] = { s_tech ("T01", GRADE_JUNIOR, s_ac, 1, 5, 0, true) };
    assign_job_t job = s_job ("repair", "air-conditioner", false);
    assign_result_t r;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &lax, techs, 1, &r), -1);
    UNIT_ASSERT_INT_EQ (r.outcome, ASSIGN_NO_GRADE);
    UNIT_ASSERT_CONTAINS (r.reason, "needs grade intermediate or above");
    UNIT_ASSERT_CONTAINS (r.reason, "only junior");
    /* the same junior may install a non-premium product */
    job.kind = "installation";
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &lax, techs, 1, &r), 0);
}

UNIT_TEST (assign_premium_needs_configured_grade)
{
    assign_rules_t rules = { GRADE_INTERMEDIATE, GRADE_SENIOR, GRADE_TRAINEE };
    assign_tech_t techs[] = {
        s_tech ("T01", GRADE_INTERMEDIATE, s_ac, 1, 5, 0, true),
        s_tech ("T02", GRADE_JUNIOR, s_ac, 1, 5, 0, true),
    };
    assign_job_t job = s_job ("installation", "air-conditioner", true);
    assign_result_t r;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &rules, techs, 2, &r), -1);
    UNIT_ASSERT_INT_EQ (r.outcome, ASSIGN_NO_GRADE);
    UNIT_ASSERT_STR_EQ (r.reason, "premium product line air-conditioner needs grade senior or above; "
                                  "fitting technicians are only junior/intermediate");
    techs[1].grade = GRADE_SENIOR;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &rules, techs, 2, &r), 0);
    UNIT_ASSERT_STR_EQ (techs[r.index].id, "T02");
}

UNIT_TEST (assign_premium_installation_refuses_junior)
{
    assign_tech_t techs[] = { s_tech ("T01", GRADE_JUNIOR, s_ac, 1, 5, 0, true) };
    assign_job_t job = s_job ("installation", "air-conditioner", true);
    assign_result_t r;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 1, &r), -1);
    UNIT_ASSERT_CONTAINS (r.reason, "premium product line air-conditioner needs grade intermediate");
}

UNIT_TEST (assign_min_grade_takes_highest_rule)
{
    char what[128];
    assign_rules_t rules = { GRADE_INTERMEDIATE, GRADE_SENIOR, GRADE_JUNIOR };
    assign_job_t job = s_job ("repair", "air-conditioner", false);
    UNIT_ASSERT_INT_EQ (assign_min_grade (&job, &rules, what, sizeof what), GRADE_INTERMEDIATE);
    UNIT_ASSERT_STR_EQ (what, "repair");
    job.premium = true;
    UNIT_ASSERT_INT_EQ (assign_min_grade (&job, &rules, what, sizeof what), GRADE_SENIOR);
    UNIT_ASSERT_STR_EQ (what, "premium product line air-conditioner");
    job.kind = "return";
    job.premium = false;
    UNIT_ASSERT_INT_EQ (assign_min_grade (&job, &rules, what, sizeof what), GRADE_JUNIOR);
    UNIT_ASSERT_STR_EQ (what, "return");
    /* repair stricter than premium: repair names the requirement */
    rules.repair = GRADE_SENIOR;
    rules.premium = GRADE_INTERMEDIATE;
    job.kind = "repair";
    job.premium = true;
    UNIT_ASSERT_INT_EQ (assign_min_grade (&job, &rules, what, sizeof what), GRADE_SENIOR);
    UNIT_ASSERT_STR_EQ (what, "repair");
    /* other above everything */
    rules.other = GRADE_SENIOR;
    job.kind = "installation";
    job.premium = false;
    UNIT_ASSERT_INT_EQ (assign_min_grade (&job, &rules, NULL, 0), GRADE_SENIOR);
}

UNIT_TEST (assign_all_off_shift)
{
    assign_tech_t techs[] = {
        s_tech ("T01", GRADE_SENIOR, s_ac, 1, 5, 0, false),
        s_tech ("T02", GRADE_INTERMEDIATE, s_ac, 1, 5, 0, false),
        s_tech ("T03", GRADE_JUNIOR, s_ac, 1, 5, 0, true), /* on shift but too junior */
    };
    assign_job_t job = s_job ("repair", "air-conditioner", false);
    assign_result_t r;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 3, &r), -1);
    UNIT_ASSERT_INT_EQ (r.outcome, ASSIGN_OFF_SHIFT);
    UNIT_ASSERT_STR_EQ (r.reason, "all 2 fitting technicians are off shift");
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 1, &r), -1);
    UNIT_ASSERT_STR_EQ (r.reason, "the only fitting technician is off shift");
}

UNIT_TEST (assign_all_at_capacity)
{
    assign_tech_t techs[] = {
        s_tech ("T01", GRADE_SENIOR, s_ac, 1, 2, 2, true),
        s_tech ("T02", GRADE_SENIOR, s_ac, 1, 3, 3, true),
        s_tech ("T03", GRADE_INTERMEDIATE, s_ac, 1, 1, 4, true), /* over capacity counts as full */
    };
    assign_job_t job = s_job ("repair", "air-conditioner", false);
    assign_result_t r;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 3, &r), -1);
    UNIT_ASSERT_INT_EQ (r.outcome, ASSIGN_AT_CAPACITY);
    UNIT_ASSERT_STR_EQ (r.reason, "all 3 fitting technicians are at capacity");
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 1, &r), -1);
    UNIT_ASSERT_STR_EQ (r.reason, "the only fitting technician is at capacity");
    /* one free slot is enough */
    techs[1].load = 2;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 3, &r), 0);
    UNIT_ASSERT_STR_EQ (techs[r.index].id, "T02");
}

UNIT_TEST (assign_mixed_unavailable)
{
    assign_tech_t techs[] = {
        s_tech ("T01", GRADE_SENIOR, s_ac, 1, 2, 2, true),
        s_tech ("T02", GRADE_SENIOR, s_ac, 1, 3, 0, false),
        s_tech ("T03", GRADE_SENIOR, s_ac, 1, 3, 3, true),
    };
    assign_job_t job = s_job ("repair", "air-conditioner", false);
    assign_result_t r;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 3, &r), -1);
    UNIT_ASSERT_INT_EQ (r.outcome, ASSIGN_UNAVAILABLE);
    UNIT_ASSERT_STR_EQ (r.reason, "all 3 fitting technicians are unavailable: 1 off shift, 2 at capacity");
}

UNIT_TEST (assign_reason_precedence_skill_before_grade_before_shift)
{
    /* nobody has the skill and some are junior and off shift: the skill is named */
    assign_tech_t techs[] = {
        s_tech ("T01", GRADE_JUNIOR, s_washer, 1, 5, 0, false),
        s_tech ("T02", GRADE_TRAINEE, s_washer, 1, 5, 5, true),
    };
    assign_job_t job = s_job ("repair", "air-conditioner", false);
    assign_result_t r;
    assign_choose (&job, &s_rules, techs, 2, &r);
    UNIT_ASSERT_INT_EQ (r.outcome, ASSIGN_NO_SKILL);
    /* with the skill but junior and off shift: the grade is named, not the shift */
    job.product_line = "washer";
    assign_choose (&job, &s_rules, techs, 2, &r);
    UNIT_ASSERT_INT_EQ (r.outcome, ASSIGN_NO_GRADE);
    UNIT_ASSERT_CONTAINS (r.reason, "only trainee/junior");
}

UNIT_TEST (assign_skips_unfit_for_fit_with_higher_load)
{
    /* the least loaded technicians are unfit for different reasons; the fit one wins */
    assign_tech_t techs[] = {
        s_tech ("T01", GRADE_SENIOR, s_washer, 1, 5, 0, true),
        s_tech ("T02", GRADE_JUNIOR, s_ac, 1, 5, 0, true),
        s_tech ("T03", GRADE_SENIOR, s_ac, 1, 5, 0, false),
        s_tech ("T04", GRADE_SENIOR, s_ac, 1, 1, 1, true),
        s_tech ("T05", GRADE_INTERMEDIATE, s_ac_fridge, 2, 5, 4, true),
    };
    assign_job_t job = s_job ("repair", "air-conditioner", false);
    assign_result_t r;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 5, &r), 0);
    UNIT_ASSERT_STR_EQ (techs[r.index].id, "T05");
}

UNIT_TEST (assign_repeated_choice_spreads_load)
{
    assign_tech_t techs[] = {
        s_tech ("T01", GRADE_SENIOR, s_ac, 1, 2, 0, true),
        s_tech ("T02", GRADE_SENIOR, s_ac, 1, 2, 0, true),
    };
    assign_job_t job = s_job ("repair", "air-conditioner", false);
    const char *order[4];
    assign_result_t r;
    for (int i = 0; i < 4; i++) {
        UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 2, &r), 0);
        order[i] = techs[r.index].id;
        techs[r.index].load++;
    }
    UNIT_ASSERT_STR_EQ (order[0], "T01");
    UNIT_ASSERT_STR_EQ (order[1], "T02");
    UNIT_ASSERT_STR_EQ (order[2], "T01");
    UNIT_ASSERT_STR_EQ (order[3], "T02");
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 2, &r), -1);
    UNIT_ASSERT_STR_EQ (r.reason, "all 2 fitting technicians are at capacity");
}

UNIT_TEST (assign_invalid_arguments_never_crash)
{
    assign_result_t r;
    assign_job_t job = s_job ("repair", "air-conditioner", false);
    assign_tech_t bad[] = {
        s_tech (NULL, GRADE_SENIOR, s_ac, 1, 5, 0, true),                 /* no id: ignored */
        s_tech ("T02", (org_grade_t) 42, s_ac, 1, 5, 0, true),           /* bad grade: unfit */
        s_tech ("T03", GRADE_SENIOR, s_ac, 1, 0, 0, true),               /* zero capacity: full */
    };
    UNIT_ASSERT_INT_EQ (assign_choose (NULL, &s_rules, bad, 3, &r), -1);
    UNIT_ASSERT_CONTAINS (r.reason, "invalid");
    UNIT_ASSERT_INT_EQ (assign_choose (&job, NULL, bad, 3, &r), -1);
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, NULL, 3, &r), -1);
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, bad, -1, &r), -1);
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, bad, 3, NULL), -1);
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, bad, 3, &r), -1);
    UNIT_ASSERT_STR_EQ (r.reason, "the only fitting technician is at capacity");
    assign_job_t blank = { NULL, NULL, NULL, false };
    UNIT_ASSERT_INT_EQ (assign_choose (&blank, &s_rules, NULL, 0, &r), -1);
    UNIT_ASSERT_STR_EQ (r.reason, "no active technician in branch (none)");
}

UNIT_TEST (assign_long_names_are_truncated_not_overflowed)
{
    char line[600];
    memset (line, 'x', sizeof line - 1);
    line[sizeof line - 1] = '\0';
    assign_job_t job = s_job ("repair", line, false);
    assign_result_t r;
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, NULL, 0, &r), -1);
    assign_tech_t techs[] = { s_tech ("T01", GRADE_SENIOR, s_ac, 1, 5, 0, true) };
    UNIT_ASSERT_INT_EQ (assign_choose (&job, &s_rules, techs, 1, &r), -1);
    UNIT_ASSERT_INT_EQ (r.outcome, ASSIGN_NO_SKILL);
    UNIT_ASSERT (strlen (r.reason) < ASSIGN_REASON_MAX);
    UNIT_ASSERT_STR_EQ (assign_outcome_name (ASSIGN_UNAVAILABLE), "unavailable");
}

/* ---------------------------------------------------------------- redispatch */

#include "../../services/dispatch/redispatch.h"

UNIT_TEST (redispatch_passed_over_matches_whole_ids_only)
{
    UNIT_ASSERT (redispatch_passed_over ("{T101}", "T101"));
    UNIT_ASSERT (redispatch_passed_over ("{T101,T102}", "T102"));
    UNIT_ASSERT (redispatch_passed_over ("{T101,T102}", "T101"));
    UNIT_ASSERT (!redispatch_passed_over ("{T1011,T102}", "T101"));
    UNIT_ASSERT (!redispatch_passed_over ("{T1,XT101}", "T101"));
    UNIT_ASSERT (!redispatch_passed_over ("{}", "T101"));
    UNIT_ASSERT (!redispatch_passed_over (NULL, "T101"));
    UNIT_ASSERT (!redispatch_passed_over ("{T101}", ""));
}

/*  assign — the pure rule that picks a technician for a work order (see
 *  assign.h for the filters, their order and the reasons).
 */
#include "assign.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define S_GRADE_COUNT 4

static const char *s_grade_name (org_grade_t grade)
{
    if ((int) grade < 0 || (int) grade >= S_GRADE_COUNT)
        return "unknown";
    return org_grade_names[grade];
}

static bool s_grade_valid (org_grade_t grade)
{
    return (int) grade >= 0 && (int) grade < S_GRADE_COUNT;
}

const char *assign_outcome_name (assign_outcome_t outcome)
{
    switch (outcome) {
    case ASSIGN_OK: return "ok";
    case ASSIGN_NO_TECHNICIAN: return "no_technician";
    case ASSIGN_NO_SKILL: return "no_skill";
    case ASSIGN_NO_GRADE: return "no_grade";
    case ASSIGN_OFF_SHIFT: return "off_shift";
    case ASSIGN_AT_CAPACITY: return "at_capacity";
    case ASSIGN_UNAVAILABLE: return "unavailable";
    }
    return "unknown";
}

org_grade_t assign_min_grade (const assign_job_t *job, const assign_rules_t *rules,
                              char *what, size_t what_size)
{
    org_grade_t min = s_grade_valid (rules->other) ? rules->other : GRADE_TRAINEE;
    const char *kind = job->kind && *job->kind ? job->kind : "this job";
    if (what && what_size)
        snprintf (what, what_size, "%s", kind);

    bool repair = job->kind && strcmp (job->kind, "repair") == 0;
    if (repair) {
        org_grade_t need = s_grade_valid (rules->repair) ? rules->repair : GRADE_INTERMEDIATE;
        if (need < GRADE_INTERMEDIATE)
            need = GRADE_INTERMEDIATE;
        if (need >= min) {
            min = need;
            if (what && what_size)
                snprintf (what, what_size, "repair");
        }
    }
    if (job->premium) {
        org_grade_t need = s_grade_valid (rules->premium) ? rules->premium : GRADE_INTERMEDIATE;
        if (need < GRADE_INTERMEDIATE)
            need = GRADE_INTERMEDIATE;
        /* premium names the requirement only when it is stricter than repair's */
        if (need > min || (!repair && need == min)) {
            min = need;
            if (what && what_size) {
                if (job->product_line && *job->product_line)
                    snprintf (what, what_size, "premium product line %s", job->product_line);
                else
                    snprintf (what, what_size, "premium product");
            }
        }
    }
    return min;
}

bool assign_has_skill (const assign_tech_t *tech, const assign_job_t *job)
{
    if (!job->product_line || !*job->product_line)
        return true;
    if (!tech->skills)
        return false;
    for (int i = 0; i < tech->n_skills; i++)
        if (tech->skills[i] && strcmp (tech->skills[i], job->product_line) == 0)
            return true;
    return false;
}

/*  "trainee/junior": the distinct grades of the skilled candidates, lowest first. */
static void s_grades_present (const assign_tech_t *techs, int n, const assign_job_t *job,
                              char *out, size_t size)
{
    bool seen[S_GRADE_COUNT] = { false };
    for (int i = 0; i < n; i++)
        if (assign_has_skill (&techs[i], job) && s_grade_valid (techs[i].grade))
            seen[techs[i].grade] = true;
    size_t used = 0;
    out[0] = '\0';
    for (int g = 0; g < S_GRADE_COUNT; g++) {
        if (!seen[g])
            continue;
        int w = snprintf (out + used, size - used, "%s%s", used ? "/" : "", s_grade_name ((org_grade_t) g));
        if (w < 0 || (size_t) w >= size - used)
            break;
        used += (size_t) w;
    }
}

static void s_set (assign_result_t *out, assign_outcome_t outcome, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

static void s_set (assign_result_t *out, assign_outcome_t outcome, const char *fmt, ...)
{
    out->outcome = outcome;
    out->index = -1;
    va_list ap;
    va_start (ap, fmt);
    vsnprintf (out->reason, sizeof out->reason, fmt, ap);
    va_end (ap);
}

int assign_choose (const assign_job_t *job, const assign_rules_t *rules,
                   const assign_tech_t *techs, int n, assign_result_t *out)
{
    if (!out)
        return -1;
    if (!job || !rules || n < 0 || (n > 0 && !techs)) {
        s_set (out, ASSIGN_NO_TECHNICIAN, "invalid assignment request");
        return -1;
    }
    const char *branch = job->branch && *job->branch ? job->branch : "(none)";
    char what[128];
    org_grade_t min = assign_min_grade (job, rules, what, sizeof what);

    int skilled = 0, graded = 0, on_shift = 0, off_shift = 0, full = 0;
    int best = -1;
    for (int i = 0; i < n; i++) {
        const assign_tech_t *t = &techs[i];
        if (!t->id || !assign_has_skill (t, job))
            continue;
        skilled++;
        if (!s_grade_valid (t->grade) || t->grade < min)
            continue;
        graded++;
        if (!t->on_shift) {
            off_shift++;
            continue;
        }
        on_shift++;
        if (t->capacity <= 0 || t->load >= t->capacity) {
            full++;
            continue;
        }
        const assign_tech_t *b = best < 0 ? NULL : &techs[best];
        if (!b || t->rank < b->rank || (t->rank == b->rank && t->load < b->load)
            || (t->rank == b->rank && t->load == b->load && strcmp (t->id, b->id) < 0))
            best = i;
    }
    if (best >= 0) {
        out->outcome = ASSIGN_OK;
        out->index = best;
        out->reason[0] = '\0';
        return 0;
    }
    if (n == 0) {
        s_set (out, ASSIGN_NO_TECHNICIAN, "no active technician in branch %s", branch);
        return -1;
    }
    if (skilled == 0) {
        s_set (out, ASSIGN_NO_SKILL, "no technician in branch %s has skill %s", branch,
               job->product_line ? job->product_line : "(none)");
        return -1;
    }
    if (graded == 0) {
        char present[64];
        s_grades_present (techs, n, job, present, sizeof present);
        s_set (out, ASSIGN_NO_GRADE, "%s needs grade %s or above; fitting technicians are only %s",
               what, s_grade_name (min), present);
        return -1;
    }
    if (on_shift == 0) {
        if (graded == 1)
            s_set (out, ASSIGN_OFF_SHIFT, "the only fitting technician is off shift");
        else
            s_set (out, ASSIGN_OFF_SHIFT, "all %d fitting technicians are off shift", graded);
        return -1;
    }
    if (off_shift == 0) {
        if (graded == 1)
            s_set (out, ASSIGN_AT_CAPACITY, "the only fitting technician is at capacity");
        else
            s_set (out, ASSIGN_AT_CAPACITY, "all %d fitting technicians are at capacity", graded);
        return -1;
    }
    s_set (out, ASSIGN_UNAVAILABLE, "all %d fitting technicians are unavailable: %d off shift, %d at capacity",
           graded, off_shift, full);
    return -1;
}

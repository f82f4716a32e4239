/*  qc's plans: units and their physical ranges, the limit checks, timed
 *  items, the choice of plan, and the plans file's refusals
 *  (services/qc/qc_units.c, qc_plan.c, qc_plans_load.c). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../../services/qc/inspection_states.h"
#include "../../services/qc/qc_plan.h"
#include "../../services/qc/qc_plans_load.h"
#include "auth/roles.h"
#include "unit.h"

#define HOUR_US (INT64_C (3600) * 1000000)
#define NOW_US (INT64_C (1800000000) * 1000000)

static const char s_plans[] =
    "default: generic\n"
    "plans:\n"
    "  - name: renovation\n"
    "    product_lines: [renovation]\n"
    "    restart: failed\n"
    "    levels:\n"
    "      - name: materials\n"
    "        role: qc_inspector\n"
    "        items:\n"
    "          - {name: wood_moisture, unit: \"%\", at_most: 12}\n"
    "          - {name: pipe_pressure, unit: MPa, at_least: 0.6}\n"
    "          - {name: torque, unit: Nm, range: [110, 130]}\n"
    "          - {name: frame_level, unit: mm, nominal: 0, tolerance: 2}\n"
    "          - {name: water_test, hold_hours: 24}\n"
    "      - name: completion\n"
    "        role: service_advisor\n"
    "        items: [{name: site_clean}]\n"
    "  - name: generic\n"
    "    kinds: [repair]\n"
    "    levels:\n"
    "      - {name: self_check, role: technician, items: [{name: ok}]}\n";

static qp_set_t *s_load (const char *text, char *err, size_t errsize)
{
    return qp_load_string ("qc.yaml", text, err, errsize);
}

static const qp_item_t *s_item (const qp_set_t *set, const char *name)
{
    const qp_level_t *l = &qp_find (set, "renovation")->levels[0];
    return &l->items[qp_item_index (l, name)];
}

static qp_reading_t s_value (double v, const char *unit)
{
    return (qp_reading_t) { .has_value = true, .value = v, .unit = unit };
}

UNIT_TEST (qc_units_have_physical_ranges)
{
    UNIT_ASSERT (qu_find ("%") && qu_find ("°C") == qu_find ("degC") && qu_find ("N·m") == qu_find ("Nm"));
    UNIT_ASSERT (!qu_find ("furlong") && !qu_find (NULL));
    UNIT_ASSERT (qu_in_range (qu_find ("%"), 0) && qu_in_range (qu_find ("%"), 100));
    UNIT_ASSERT (!qu_in_range (qu_find ("%"), 100.5) && !qu_in_range (qu_find ("%"), -0.1));
    UNIT_ASSERT (!qu_in_range (qu_find ("°C"), -300) && !qu_in_range (qu_find ("mm"), NAN));
}

UNIT_TEST (qc_limits_pass_and_fail)
{
    char err[256] = "", reason[256] = "";
    qp_set_t *set = s_load (s_plans, err, sizeof err);
    UNIT_ASSERT (set);
    struct {
        const char *item;
        double v;
        const char *unit;
        bool pass;
    } cases[] = {
        { "wood_moisture", 12, "%", true },   { "wood_moisture", 12.01, "%", false },
        { "pipe_pressure", 0.6, "MPa", true }, { "pipe_pressure", 0.59, "MPa", false },
        { "torque", 110, "N·m", true },        { "torque", 130, "Nm", true },
        { "torque", 131, "Nm", false },        { "torque", 109.9, "Nm", false },
        { "frame_level", -2, "mm", true },     { "frame_level", 2, "mm", true },
        { "frame_level", 2.5, "mm", false },   { "frame_level", -2.1, "mm", false },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        qp_reading_t r = s_value (cases[i].v, cases[i].unit);
        bool pass = !cases[i].pass;
        int rc = qp_judge (s_item (set, cases[i].item), &r, NOW_US, &pass, reason, sizeof reason, err, sizeof err);
        if (rc != 0 || pass != cases[i].pass)
            unit_fail (__FILE__, __LINE__, "%s = %g %s: rc %d pass %d, expected pass %d (%s)", cases[i].item,
                       cases[i].v, cases[i].unit, rc, pass, cases[i].pass, err);
    }
    qp_reading_t r = s_value (14.2, "%");
    bool pass = true;
    UNIT_ASSERT (qp_judge (s_item (set, "wood_moisture"), &r, NOW_US, &pass, reason, sizeof reason, err, sizeof err) == 0);
    UNIT_ASSERT (!pass);
    UNIT_ASSERT_CONTAINS (reason, "14.2 % is outside the limit (at most 12 %)");
    qp_set_destroy (&set);
    qp_set_destroy (&set);
}

UNIT_TEST (qc_wrong_input_is_refused_not_failed)
{
    char err[256] = "", reason[256] = "";
    qp_set_t *set = s_load (s_plans, err, sizeof err);
    UNIT_ASSERT (set);
    bool pass;
    qp_reading_t wrong_unit = s_value (10, "mm");
    UNIT_ASSERT (qp_judge (s_item (set, "wood_moisture"), &wrong_unit, NOW_US, &pass, reason, sizeof reason, err,
                           sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "wrong unit \"mm\" (expected %)");
    qp_reading_t physical = s_value (130, "%");
    UNIT_ASSERT (qp_judge (s_item (set, "wood_moisture"), &physical, NOW_US, &pass, reason, sizeof reason, err,
                           sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "outside the physical range of %");
    qp_reading_t nan = s_value (NAN, "%");
    UNIT_ASSERT (qp_judge (s_item (set, "wood_moisture"), &nan, NOW_US, &pass, reason, sizeof reason, err,
                           sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "not a number");
    qp_reading_t result = { .has_result = true, .result_pass = true };
    UNIT_ASSERT (qp_judge (s_item (set, "wood_moisture"), &result, NOW_US, &pass, reason, sizeof reason, err,
                           sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "give \"value\" and \"unit\"");
    qp_set_destroy (&set);
}

UNIT_TEST (qc_timed_item_needs_its_hold)
{
    char err[256] = "", reason[256] = "";
    qp_set_t *set = s_load (s_plans, err, sizeof err);
    UNIT_ASSERT (set);
    const qp_item_t *water = s_item (set, "water_test");
    bool pass = true;
    qp_reading_t r = { .has_result = true, .result_pass = true, .has_times = true,
                       .started_us = NOW_US - 23 * HOUR_US, .read_us = NOW_US };
    UNIT_ASSERT (qp_judge (water, &r, NOW_US, &pass, reason, sizeof reason, err, sizeof err) == 0);
    UNIT_ASSERT (!pass);
    UNIT_ASSERT_CONTAINS (reason, "read 23 h after its start; it must hold at least 24 h");
    r.started_us = NOW_US - 24 * HOUR_US;
    UNIT_ASSERT (qp_judge (water, &r, NOW_US, &pass, reason, sizeof reason, err, sizeof err) == 0);
    UNIT_ASSERT (pass);
    r.read_us = NOW_US + HOUR_US; /* in the future */
    UNIT_ASSERT (qp_judge (water, &r, NOW_US, &pass, reason, sizeof reason, err, sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "in the future");
    r = (qp_reading_t) { .has_result = true, .result_pass = true };
    UNIT_ASSERT (qp_judge (water, &r, NOW_US, &pass, reason, sizeof reason, err, sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "is timed");
    qp_set_destroy (&set);
}

UNIT_TEST (qc_plan_choice_and_order)
{
    char err[256] = "";
    qp_set_t *set = s_load (s_plans, err, sizeof err);
    UNIT_ASSERT (set);
    UNIT_ASSERT_STR_EQ (qp_choose (set, "renovation", "installation")->name, "renovation");
    UNIT_ASSERT_STR_EQ (qp_choose (set, "car", "repair")->name, "generic");
    UNIT_ASSERT_STR_EQ (qp_choose (set, NULL, "installation")->name, "generic"); /* the default */
    const qp_plan_t *p = qp_find (set, "renovation");
    UNIT_ASSERT_INT_EQ (p->restart, QP_RESTART_FAILED);
    UNIT_ASSERT_INT_EQ (qp_level_index (p, "materials"), 0);
    UNIT_ASSERT_INT_EQ (qp_level_index (p, "completion"), 1);
    UNIT_ASSERT_INT_EQ (p->levels[1].role, ROLE_SERVICE_ADVISOR);
    qp_set_destroy (&set);
}

UNIT_TEST (qc_plans_file_refusals)
{
    static const struct {
        const char *text, *want;
    } cases[] = {
        { "default: p\nplans:\n  - {name: p, levels: [{name: a, role: wizard, items: [{name: x}]}]}\n",
          "qc.yaml:3: plans[0].levels[0].role: unknown role \"wizard\"" },
        { "default: p\nplans:\n  - {name: p, levels: [{name: a, role: technician, items: []}]}\n",
          "a level needs at least one item" },
        { "default: p\nplans:\n  - {name: p, levels: [{name: a, role: technician, items: [{name: x, unit: furlong, at_most: 1}]}]}\n",
          "unknown unit \"furlong\"" },
        { "default: p\nplans:\n  - {name: p, levels: [{name: a, role: technician, items: [{name: x, unit: mm, range: [3, 1]}]}]}\n",
          "min 3 is greater than max 1" },
        { "default: p\nplans:\n  - {name: p, levels: [{name: a, role: technician, items: [{name: x, unit: mm, nominal: 0, tolerance: -1}]}]}\n",
          "a tolerance cannot be negative" },
        { "default: p\nplans:\n  - {name: p, levels: [{name: a, role: technician, items: [{name: x, unit: \"%\", at_most: 120}]}]}\n",
          "outside the physical range of %" },
        { "default: p\nplans:\n  - {name: p, levels: [{name: a, role: technician, items: [{name: x}, {name: x}]}]}\n",
          "item \"x\" is listed twice" },
        { "default: p\nplans:\n  - {name: p, levels: [{name: a, role: technician, items: [{name: x}]}, {name: a, role: team_lead, items: [{name: y}]}]}\n",
          "level \"a\" is listed twice" },
        { "default: p\nplans:\n  - {name: p, levels: [{name: a, role: technician, items: [{name: x}]}]}\n  - {name: p, levels: [{name: a, role: technician, items: [{name: x}]}]}\n",
          "plan \"p\" is listed twice" },
        { "default: q\nplans:\n  - {name: p, levels: [{name: a, role: technician, items: [{name: x}]}]}\n",
          "no plan is called \"q\"" },
        { "default: p\nplans:\n  - {name: p, levels: [{name: a, role: technician, items: [{name: x, unit: mm}]}]}\n",
          "a measured item needs one limit" },
        { "default: p\nplans:\n  - {name: p, levels: [{name: a, role: technician, items: [{name: x, at_most: 3}]}]}\n",
          "a limit needs a unit" },
        { "default: p\nplans:\n  - {name: p, levels: [{name: a, role: technician, items: [{name: x, unit: mm, at_most: 3, at_least: 1}]}]}\n",
          "an item has one limit" },
        { "default: p\nplans:\n  - {name: p, levels: [{name: a, role: technician, items: [{name: x, unit: mm, at_most: abc}]}]}\n",
          "expected a number" },
        { "default: p\nplans:\n  - {name: p, kinds: [haircut], levels: [{name: a, role: technician, items: [{name: x}]}]}\n",
          "unknown kind \"haircut\"" },
        { "default: p\nplans:\n  - {name: p, restart: sometimes, levels: [{name: a, role: technician, items: [{name: x}]}]}\n",
          "restart" },
        { "default: p\nplans:\n  - {name: p, levels: [{name: a, role: technician, items: [{name: x, colour: red}]}]}\n",
          "unknown key" },
        { "default: p\nplans:\n  - {name: p, levels: [{name: a, role: technician, items: [{name: x, hold_hours: 0}]}]}\n",
          "expected hours above 0" },
        { "default: p\nplans:\n  - {name: \"p q\", levels: [{name: a, role: technician, items: [{name: x}]}]}\n",
          "is not a name" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[512] = "", what[32];
        qp_set_t *set = s_load (cases[i].text, err, sizeof err);
        snprintf (what, sizeof what, "case %zu", i);
        bool ok = unit_refused (set != NULL, what, err, cases[i].want);
        qp_set_destroy (&set);
        UNIT_ASSERT (ok);
    }
}

UNIT_TEST (qc_demo_and_fixture_plans_load)
{
    const char *files[] = { "deploy/demo/qc.yaml", "tests/fixtures/qc.yaml" };
    for (size_t i = 0; i < 2; i++) {
        char path[512], err[512] = "";
        qp_set_t *set = qp_load_file (unit_repo_file (files[i], path, sizeof path), err, sizeof err);
        if (!set)
            unit_fail (__FILE__, __LINE__, "%s refused: %s", files[i], err);
        UNIT_ASSERT (set);
        UNIT_ASSERT (qp_find (set, "car_repair") && qp_find (set, "car_repair")->n_levels == 4);
        UNIT_ASSERT (qp_find (set, "renovation") && qp_find (set, "renovation")->n_levels == 4);
        qp_set_destroy (&set);
    }
}

UNIT_TEST (qc_inspection_states)
{
    char err[128];
    UNIT_ASSERT (insp_move (&insp_states, INSP_OPEN, INSP_PASSED, err, sizeof err) == 0);
    UNIT_ASSERT (insp_move (&insp_states, INSP_OPEN, INSP_FAILED, err, sizeof err) == 0);
    UNIT_ASSERT (insp_move (&insp_states, INSP_PASSED, INSP_FAILED, err, sizeof err) == -1);
    UNIT_ASSERT_CONTAINS (err, "from passed to failed");
    UNIT_ASSERT (insp_move (&lvl_states, LVL_WAITING, LVL_PENDING, err, sizeof err) == 0);
    UNIT_ASSERT (insp_move (&lvl_states, LVL_PENDING, LVL_PASSED, err, sizeof err) == 0);
    UNIT_ASSERT (insp_move (&lvl_states, LVL_WAITING, LVL_PASSED, err, sizeof err) == -1); /* out of order */
    UNIT_ASSERT (insp_move (&lvl_states, LVL_PASSED, LVL_PASSED, err, sizeof err) == -1);  /* twice */
    UNIT_ASSERT (insp_move (&lvl_states, LVL_CARRIED, LVL_PENDING, err, sizeof err) == -1);
    /* the SQL CHECKs name the same states */
    char path[512], text[8192] = "";
    FILE *f = fopen (unit_repo_file ("schemas/sql/0019_qc.sql", path, sizeof path), "rb");
    UNIT_ASSERT (f);
    size_t n = fread (text, 1, sizeof text - 1, f);
    fclose (f);
    text[n] = '\0';
    UNIT_ASSERT_CONTAINS (text, "status IN ('open', 'passed', 'failed')");
    UNIT_ASSERT_CONTAINS (text, "status IN ('waiting', 'pending', 'passed', 'failed', 'carried')");
}

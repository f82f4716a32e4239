/*  provider_calc — a quarter's figures (docs/providers.md "The reward"):
 *  the months the contract covers and their scores, the average with
 *  months at or below the threshold counting 0, the grade and its
 *  coefficient, eligibility (callback satisfaction, media exposure), and
 *  the reward of the quarter as the year so far less the earlier quarters
 *  (reward.h). A settled quarter's figures are those it was settled with. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "provider_private.h"

/*  The quarter's bounds in the provider's zone, whether it has ended, and
 *  its callbacks and media-exposure incidents (the year's, to its end). */
#define S_QUARTER_SQL                                                                                         \
    "WITH b AS (SELECT (make_date($2::int, $3::int * 3 - 2, 1)::timestamp AT TIME ZONE $4) AS from_at,"       \
    "                  ((make_date($2::int, $3::int * 3 - 2, 1) + interval '3 months')::timestamp"            \
    "                    AT TIME ZONE $4) AS to_at)"                                                           \
    " SELECT cb.recorded, cb.satisfied, b.to_at <= $5::timestamptz,"                                          \
    "        (SELECT to_char(min(i.occurred_on), 'YYYY-MM-DD') FROM billing.provider_incidents i"              \
    "          WHERE i.provider_id = $1 AND i.occurred_on >= make_date($2::int, 1, 1)"                         \
    "            AND i.occurred_on < make_date($2::int, $3::int * 3 - 2, 1) + interval '3 months'),"           \
    "        to_char(b.to_at, 'YYYY-MM-DD\"T\"HH24:MI:SSOF')"                                                  \
    "   FROM b, billing.provider_callbacks($1, b.from_at, b.to_at) cb"

/*  Why the provider is not eligible (reason left empty when it is). */
static void s_eligibility (const pr_rules_t *rules, prov_calc_t *calc, const char *incident)
{
    calc->eligible = true;
    if (rules->satisfaction_rule && calc->recorded > 0
        && calc->satisfied * 10000 < (int64_t) rules->satisfaction_min * calc->recorded) {
        int64_t bp = calc->satisfied * 10000 / calc->recorded;
        snprintf (calc->reason, sizeof calc->reason,
                  "callback satisfaction %" PRId64 ".%02" PRId64 " %% (%" PRId64 " of %" PRId64
                  ") is below %d.%02d %%",
                  bp / 100, bp % 100, calc->satisfied, calc->recorded, rules->satisfaction_min / 100,
                  rules->satisfaction_min % 100);
        calc->eligible = false;
    }
    else if (rules->no_media_exposure && incident) {
        snprintf (calc->reason, sizeof calc->reason, "a media-exposure incident on %s", incident);
        calc->eligible = false;
    }
}

/*  The scores recorded for the quarter's months. */
static int s_scores (prov_tx_t *t, const prov_contract_t *c, prov_calc_t *calc)
{
    PGresult *res = prov_exec_quarter (t, c->id, calc->quarter, NULL,
                                       "SELECT substr(month, 6)::int, score FROM billing.provider_months"
                                       " WHERE provider_id = $1 AND substr(month, 1, 4)::int = $2::int"
                                       "   AND (substr(month, 6)::int + 2) / 3 = $3::int AND $4::text IS NULL");
    if (!res)
        return -1;
    for (int i = 0; i < 3; i++)
        calc->scores[i] = -1;
    for (int r = 0; r < PQntuples (res); r++)
        calc->scores[(atoi (PQgetvalue (res, r, 0)) - 1) % 3] = atoi (PQgetvalue (res, r, 1));
    PQclear (res);
    return 0;
}

/*  The earlier quarters of the year as settled; a covered one not settled
 *  yet must be first. */
static int s_year_so_far (prov_tx_t *t, const prov_contract_t *c, const prov_calc_t *calc, reward_quarter_t *quarters)
{
    char y[8];
    snprintf (y, sizeof y, "%d", calc->quarter.year);
    const char *p[] = { c->id, y };
    PGresult *res = db_exec (t->self->db,
                             "SELECT quarter, CASE WHEN eligible THEN coefficient ELSE 0 END, months"
                             "  FROM billing.provider_settlements WHERE provider_id = $1 AND year = $2::int",
                             2, p);
    if (!res)
        return -1;
    bool settled[4] = { false };
    for (int r = 0; r < PQntuples (res); r++) {
        int q = atoi (PQgetvalue (res, r, 0));
        settled[q - 1] = true;
        quarters[q - 1] = (reward_quarter_t) { atoi (PQgetvalue (res, r, 1)), atoi (PQgetvalue (res, r, 2)) };
    }
    PQclear (res);
    for (int q = 1; q < calc->quarter.q; q++) {
        int months = reward_quarter_months (calc->quarter.year, q, c->start, c->end);
        if (!settled[q - 1] && months > 0)
            return PROV_FAIL (t, RPL_CONFLICT, "body.quarter: %dQ%d comes first (settle it before %dQ%d)",
                              calc->quarter.year, q, calc->quarter.year, calc->quarter.q);
        if (!settled[q - 1])
            quarters[q - 1] = (reward_quarter_t) { 0, 0 };
    }
    return 0;
}

/*  The figures of a settled quarter as they were settled. Returns 1 when
 *  it is settled, 0 when not, -1 on failure. */
static int s_settled (prov_tx_t *t, const prov_contract_t *c, prov_calc_t *calc)
{
    PGresult *res = prov_exec_quarter (t, c->id, calc->quarter, NULL,
                                       "SELECT months, scores[1], scores[2], scores[3], average, grade, coefficient,"
                                       "       eligible, coalesce(reason, ''), callbacks, satisfied, reward"
                                       "  FROM billing.provider_settlements WHERE provider_id = $1 AND year = $2::int"
                                       "   AND quarter = $3::int AND $4::text IS NULL");
    if (!res)
        return -1;
    int found = PQntuples (res) == 1;
    if (found) {
        calc->settled = true;
        calc->months = atoi (PQgetvalue (res, 0, 0));
        for (int i = 0; i < 3; i++)
            calc->scores[i] = atoi (PQgetvalue (res, 0, 1 + i));
        calc->average = atoi (PQgetvalue (res, 0, 4));
        snprintf (calc->grade.name, sizeof calc->grade.name, "%s", PQgetvalue (res, 0, 5));
        calc->grade.coefficient = atoi (PQgetvalue (res, 0, 6));
        calc->eligible = strcmp (PQgetvalue (res, 0, 7), "t") == 0;
        snprintf (calc->reason, sizeof calc->reason, "%s", PQgetvalue (res, 0, 8));
        calc->recorded = strtoll (PQgetvalue (res, 0, 9), NULL, 10);
        calc->satisfied = strtoll (PQgetvalue (res, 0, 10), NULL, 10);
        calc->reward = strtoll (PQgetvalue (res, 0, 11), NULL, 10);
    }
    PQclear (res);
    return found;
}

int prov_calc (prov_tx_t *t, const prov_contract_t *c, prov_quarter_t q, prov_calc_t *calc)
{
    memset (calc, 0, sizeof *calc);
    calc->quarter = q;
    for (int i = 0; i < 3; i++)
        calc->covered[i] = reward_month_covered (q.year, q.q * 3 - 2 + i, c->start, c->end);
    int settled = s_settled (t, c, calc);
    if (settled != 0)
        return settled < 0 ? -1 : 0;
    if (!c->has_base)
        return PROV_FAIL (t, RPL_CONFLICT, "body.provider: %s has no contract base (org.yaml contract_base)", c->id);
    calc->months = reward_quarter_months (q.year, q.q, c->start, c->end);
    if (s_scores (t, c, calc) != 0)
        return -1;
    int32_t counted[3];
    int n = 0;
    for (int i = 0; i < 3; i++)
        if (calc->covered[i])
            counted[n++] = calc->scores[i];
    if (reward_quarter_average (counted, n, t->self->rules->threshold, &calc->average) != 0)
        return PROV_FAIL (t, RPL_INTERNAL, "scores: a month's score is out of range");
    const grade_band_t *g = grade_for (t->self->rules->grades, t->self->rules->n_grades, calc->average);
    calc->grade = *g; /* the file has a band from 0 (provider_rules.c) */
    char y[8], qq[4], now[40];
    snprintf (y, sizeof y, "%d", q.year);
    snprintf (qq, sizeof qq, "%d", q.q);
    const char *p[] = { c->id, y, qq, c->zone, prov_now (now, sizeof now) };
    PGresult *res = db_exec (t->self->db, S_QUARTER_SQL, 5, p);
    if (!res)
        return -1;
    calc->recorded = strtoll (PQgetvalue (res, 0, 0), NULL, 10);
    calc->satisfied = strtoll (PQgetvalue (res, 0, 1), NULL, 10);
    bool ended = strcmp (PQgetvalue (res, 0, 2), "t") == 0;
    char ends[40];
    snprintf (ends, sizeof ends, "%s", PQgetvalue (res, 0, 4));
    s_eligibility (t->self->rules, calc, PQgetisnull (res, 0, 3) ? NULL : PQgetvalue (res, 0, 3));
    PQclear (res);
    reward_quarter_t quarters[4];
    if (s_year_so_far (t, c, calc, quarters) != 0)
        return -1;
    quarters[q.q - 1] = (reward_quarter_t) { calc->eligible ? calc->grade.coefficient : 0, calc->months };
    if (!reward_quarter (c->base, quarters, q.q, &calc->reward))
        return PROV_FAIL (t, RPL_CONFLICT, "body.provider: %s's reward would pass what can be booked", c->id);
    if (!ended && strcmp (t->ctx->request, "provider.settle") == 0)
        return PROV_FAIL (t, RPL_CONFLICT, "body.quarter: %dQ%d ends at %s: it cannot be settled before", q.year,
                          q.q, ends);
    return 0;
}

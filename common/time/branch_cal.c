/*  branch_cal — a branch's business calendar built from ref.branches and
 *  ref.calendar_days (see branch_cal.h). */
#include "base/err.h"
#include "branch_cal.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hours.h"

/*  Columns of the one query bcal_load runs. */
enum { S_TZ, S_HOURS, S_CALENDAR, S_DAY, S_KIND, S_AS, S_DAY_HOURS, S_NAME };

/*  Explicit hours of a make-up day: ["08:00-12:00", …], 1 to
 *  HOURS_MAX_INTERVALS of them. Returns the count, or -1. */
static int s_day_hours (const char *json, hours_interval_t iv[HOURS_MAX_INTERVALS])
{
    int n = -1;
    cJSON *root = cJSON_ParseWithOpts (json, NULL, 1);
    int size = cJSON_IsArray (root) ? cJSON_GetArraySize (root) : 0;
    if (size < 1 || size > HOURS_MAX_INTERVALS)
        goto cleanup;
    int i = 0;
    for (const cJSON *item = root->child; item; item = item->next, i++)
        if (!cJSON_IsString (item) || hours_interval_parse (item->valuestring, &iv[i]) != 0)
            goto cleanup;
    n = size;
cleanup:
    cJSON_Delete (root);
    return n;
}

/*  Applies one row of ref.calendar_days to the calendar. Returns 0 or -1. */
static int s_apply_day (cal_t *cal, PGresult *res, int row, char *err, size_t errsize)
{
    const char *day = PQgetvalue (res, row, S_DAY), *kind = PQgetvalue (res, row, S_KIND);
    int y = 0, m = 0, d = 0;
    char why[256] = "";
    int rc = -1;
    if (sscanf (day, "%d-%d-%d", &y, &m, &d) != 3)
        snprintf (why, sizeof why, "not a date");
    else if (strcmp (kind, "holiday") == 0)
        rc = cal_add_holiday (cal, y, m, d, why, sizeof why);
    else if (strcmp (kind, "workday") == 0 && !PQgetisnull (res, row, S_AS))
        rc = cal_add_workday_as (cal, y, m, d, atoi (PQgetvalue (res, row, S_AS)), why, sizeof why);
    else if (strcmp (kind, "workday") == 0 && !PQgetisnull (res, row, S_DAY_HOURS)) {
        hours_interval_t iv[HOURS_MAX_INTERVALS];
        int n = s_day_hours (PQgetvalue (res, row, S_DAY_HOURS), iv);
        if (n < 0)
            snprintf (why, sizeof why, "hours %s are not a list of 1 to %d \"HH:MM-HH:MM\"",
                      PQgetvalue (res, row, S_DAY_HOURS), HOURS_MAX_INTERVALS);
        else
            rc = cal_add_workday (cal, y, m, d, iv, n, why, sizeof why);
    }
    else
        snprintf (why, sizeof why, "kind %s without as_weekday or hours", kind);
    if (rc != 0)
        err_set (err, errsize, "ref.calendar_days %s %s (%s): %s", PQgetvalue (res, row, S_CALENDAR), day,
               PQgetvalue (res, row, S_NAME), why);
    return rc;
}

cal_t *bcal_load (db_t *db, const char *branch_id, char *err, size_t errsize)
{
    if (!db || !branch_id) {
        err_set (err, errsize, "no database or branch given");
        return NULL;
    }
    const char *p[] = { branch_id };
    PGresult *res = db_exec (db,
                             "SELECT b.timezone, b.hours::text, b.calendar, to_char(d.day, 'YYYY-MM-DD'), "
                             "d.kind, d.as_weekday, d.hours::text, d.name "
                             "FROM ref.branches b LEFT JOIN ref.calendar_days d ON d.calendar = b.calendar "
                             "WHERE b.id = $1 ORDER BY d.day",
                             1, p);
    if (!res) {
        err_set (err, errsize, "reading the calendar of branch %s: %s", branch_id, db_error (db));
        return NULL;
    }
    cal_t *cal = NULL;
    if (PQntuples (res) == 0) {
        err_set (err, errsize, "no branch \"%s\"", branch_id);
        goto cleanup;
    }
    hours_week_t week;
    if (hours_week_from_json (PQgetvalue (res, 0, S_HOURS), &week) != 0) {
        err_set (err, errsize, "branch %s: hours %s are not weekly hours", branch_id, PQgetvalue (res, 0, S_HOURS));
        goto cleanup;
    }
    char why[512] = "";
    cal = cal_new (PQgetvalue (res, 0, S_TZ), &week, why, sizeof why);
    if (!cal) {
        err_set (err, errsize, "branch %s: %s", branch_id, why);
        goto cleanup;
    }
    for (int row = 0; row < PQntuples (res); row++) {
        if (PQgetisnull (res, row, S_DAY))
            continue; /* no holiday calendar, or one without dates */
        if (s_apply_day (cal, res, row, err, errsize) != 0) {
            cal_destroy (&cal);
            goto cleanup;
        }
    }
cleanup:
    PQclear (res);
    return cal;
}

int bcal_has_year (db_t *db, const char *branch_id, int year, bool *has, char *calendar, size_t calsize,
                   char *err, size_t errsize)
{
    if (!db || !branch_id || !has) {
        err_set (err, errsize, "no database, branch or result given");
        return -1;
    }
    char num[16];
    snprintf (num, sizeof num, "%d", year);
    const char *p[] = { branch_id, num };
    PGresult *res = db_exec (db,
                             "SELECT coalesce(b.calendar, ''), b.calendar IS NULL OR EXISTS (SELECT 1 FROM "
                             "ref.calendar_years y WHERE y.calendar = b.calendar AND y.year = $2::int) "
                             "FROM ref.branches b WHERE b.id = $1",
                             2, p);
    if (!res) {
        err_set (err, errsize, "reading the holiday years of branch %s: %s", branch_id, db_error (db));
        return -1;
    }
    int rc = -1;
    if (PQntuples (res) != 1)
        err_set (err, errsize, "no branch \"%s\"", branch_id);
    else {
        *has = strcmp (PQgetvalue (res, 0, 1), "t") == 0;
        if (calendar && calsize)
            snprintf (calendar, calsize, "%s", PQgetvalue (res, 0, 0));
        rc = 0;
    }
    PQclear (res);
    return rc;
}

/*  hours — see hours.h. */
#include "hours.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <string.h>

const char *const hours_day_keys[] = { "mon", "tue", "wed", "thu", "fri", "sat", "sun", NULL };

/*  "HH:MM" with HH 00..24 (24 only as 24:00). Returns minutes or -1. */
static int s_hhmm (const char *text)
{
    if (!(text[0] >= '0' && text[0] <= '9' && text[1] >= '0' && text[1] <= '9' && text[2] == ':'
          && text[3] >= '0' && text[3] <= '5' && text[4] >= '0' && text[4] <= '9'))
        return -1;
    int hours = (text[0] - '0') * 10 + (text[1] - '0');
    int minutes = (text[3] - '0') * 10 + (text[4] - '0');
    if (hours > 24 || (hours == 24 && minutes != 0))
        return -1;
    return hours * 60 + minutes;
}

int hours_interval_shape (const char *text, hours_interval_t *out)
{
    if (!text || strlen (text) != 11 || text[5] != '-')
        return -1;
    int start = s_hhmm (text), end = s_hhmm (text + 6);
    if (start < 0 || end < 0)
        return -1;
    out->start_min = start;
    out->end_min = end;
    return 0;
}

int hours_interval_parse (const char *text, hours_interval_t *out)
{
    hours_interval_t iv;
    if (!out || hours_interval_shape (text, &iv) != 0 || iv.start_min >= iv.end_min)
        return -1;
    *out = iv;
    return 0;
}

char *hours_week_to_json (const hours_week_t *week)
{
    if (!week)
        return NULL;
    char *text = NULL;
    cJSON *root = cJSON_CreateObject ();
    if (!root)
        return NULL;
    for (int d = 0; d < 7; d++) {
        if (week->n[d] < 0 || week->n[d] > HOURS_MAX_INTERVALS)
            goto cleanup;
        if (week->n[d] == 0)
            continue;
        cJSON *list = cJSON_AddArrayToObject (root, hours_day_keys[d]);
        if (!list)
            goto cleanup;
        for (int i = 0; i < week->n[d]; i++) {
            const hours_interval_t *iv = &week->iv[d][i];
            if (iv->start_min < 0 || iv->end_min > 1440 || iv->start_min >= iv->end_min)
                goto cleanup;
            char buf[32];
            snprintf (buf, sizeof buf, "%02d:%02d-%02d:%02d", iv->start_min / 60, iv->start_min % 60,
                      iv->end_min / 60, iv->end_min % 60);
            cJSON *item = cJSON_CreateString (buf);
            if (!item || !cJSON_AddItemToArray (list, item)) {
                cJSON_Delete (item);
                goto cleanup;
            }
        }
    }
    text = cJSON_PrintUnformatted (root);
cleanup:
    cJSON_Delete (root);
    return text;
}

int hours_week_from_json (const char *json, hours_week_t *out)
{
    if (!json || !out)
        return -1;
    hours_week_t week;
    memset (&week, 0, sizeof week);
    int rc = -1;
    bool seen[7] = { false };
    cJSON *root = cJSON_ParseWithOpts (json, NULL, 1);
    if (!cJSON_IsObject (root))
        goto cleanup;
    for (const cJSON *day = root->child; day; day = day->next) {
        int d = -1;
        for (int k = 0; k < 7; k++)
            if (day->string && strcmp (day->string, hours_day_keys[k]) == 0)
                d = k;
        if (d < 0 || seen[d] || !cJSON_IsArray (day) || cJSON_GetArraySize (day) > HOURS_MAX_INTERVALS)
            goto cleanup;
        seen[d] = true;
        for (const cJSON *item = day->child; item; item = item->next) {
            hours_interval_t iv;
            if (!cJSON_IsString (item) || hours_interval_parse (item->valuestring, &iv) != 0)
                goto cleanup;
            if (week.n[d] > 0 && iv.start_min < week.iv[d][week.n[d] - 1].end_min)
                goto cleanup;
            week.iv[d][week.n[d]++] = iv;
        }
    }
    *out = week;
    rc = 0;
cleanup:
    cJSON_Delete (root);
    return rc;
}

bool hours_week_contains (const hours_week_t *week, int weekday, int minute)
{
    if (!week || weekday < 0 || weekday > 6 || minute < 0 || minute >= 1440)
        return false;
    int n = week->n[weekday];
    for (int i = 0; i < n && i < HOURS_MAX_INTERVALS; i++)
        if (minute >= week->iv[weekday][i].start_min && minute < week->iv[weekday][i].end_min)
            return true;
    return false;
}


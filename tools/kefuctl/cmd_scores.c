/*  cmd_scores — the monthly scores (docs/scores.md, docs/kefuctl.md
 *  "scores"), asked of qc's request endpoint; qc checks roles, branches
 *  and every value, and its refusals are printed as they come (exit 1):
 *    kefuctl scores sample BRANCH [MONTH]
 *    kefuctl scores form TICKET --item NAME=POINTS ... [--note TEXT]
 *    kefuctl scores notice BRANCH SUBJECT CODE --reason TEXT [--points N] [--provider] [--at RFC3339]
 *    kefuctl scores assess BRANCH MONTH SUBJECT POINTS [--provider] [--note TEXT]
 *    kefuctl scores report BRANCH [MONTH] [--json | --csv]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/json.h"
#include "base/uuid.h"
#include "kctl.h"
#include "table.h"

/*  A number member of o, or fallback. */
static double s_num (const cJSON *o, const char *key, double fallback)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive (o, key);
    return cJSON_IsNumber (v) ? v->valuedouble : fallback;
}

static const char s_usage[] =
    "usage: kefuctl scores sample BRANCH [MONTH]\n"
    "       kefuctl scores form TICKET --item NAME=POINTS ... [--note TEXT]\n"
    "       kefuctl scores notice BRANCH SUBJECT CODE --reason TEXT [--points N] [--provider] [--at INSTANT]\n"
    "       kefuctl scores assess BRANCH MONTH SUBJECT POINTS [--provider] [--note TEXT]\n"
    "       kefuctl scores report BRANCH [MONTH] [--json | --csv]\n"
    "  MONTH is YYYY-MM (default: this month in the branch's time zone); docs/scores.md.\n";

/*  A number argument: -1 when it is none. */
static int s_number (const char *text, double *out)
{
    char *end = NULL;
    *out = strtod (text, &end);
    return end != text && !*end ? 0 : -1;
}

/*  "12.50" or "—" for a score that may be null. */
static void s_score (const cJSON *o, const char *key, char *out, size_t size)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive (o, key);
    if (cJSON_IsNumber (v))
        snprintf (out, size, "%.2f", v->valuedouble);
    else
        snprintf (out, size, "-");
}

/*  The members of o's array `list` joined: "NAME POINTS, …" (name_key
 *  names each, fmt prints its points): the parts and the events. */
static void s_joined (const cJSON *o, const char *list, const char *name_key, const char *fmt, char *out, size_t size)
{
    size_t used = 0;
    out[0] = '\0';
    const cJSON *e;
    cJSON_ArrayForEach (e, cJSON_GetObjectItemCaseSensitive (o, list))
    {
        char pts[32];
        snprintf (pts, sizeof pts, fmt, s_num (e, "points", 0));
        int n = snprintf (out + used, size - used, "%s%s %s", used ? ", " : "", json_str (e, name_key, ""), pts);
        if (n < 0 || (size_t) n >= size - used)
            break;
        used += (size_t) n;
    }
}

/*  One line per scored subject: kind, id, name, detail, events, score, counted. */
static int s_report_print (const cJSON *r, bool csv)
{
    static const char *const headers[] = { "kind", "id", "name", "parts", "events", "score", "counts" };
    tbl_t *t = csv ? NULL : tbl_new (7, headers);
    if (csv)
        printf ("kind,id,name,parts,events,score,counts_in_quarter\n");
    static const char *const lists[] = { "agents", "technicians", "providers" };
    for (int l = 0; l < 3; l++) {
        const cJSON *o;
        cJSON_ArrayForEach (o, cJSON_GetObjectItemCaseSensitive (r, lists[l]))
        {
            char parts[512], events[512], score[16], counted[16];
            if (l == 0)
                snprintf (parts, sizeof parts, "forms %d of %d sampled, average %.2f, complaints %d",
                          (int) json_int (o, "forms", 0), (int) json_int (o, "sampled", 0),
                          s_num (o, "form_average", 0), (int) json_int (o, "complaints", 0));
            else
                s_joined (o, "parts", "part", "%.2f", parts, sizeof parts);
            s_joined (o, "events", "code", "%+.2f", events, sizeof events);
            s_score (o, "score", score, sizeof score);
            s_score (o, "counts_in_quarter", counted, sizeof counted);
            const char *id = json_str (o, l == 2 ? "organisation" : "staff_id", "");
            const char *cells[] = { lists[l], id, json_str (o, "name", ""), parts, events, score, counted };
            if (csv)
                printf ("%s,%s,\"%s\",\"%s\",\"%s\",%s,%s\n", lists[l], id, json_str (o, "name", ""), parts, events,
                        score, counted);
            else if (t)
                tbl_add_row (t, cells);
        }
    }
    if (t) {
        printf ("%s %s (threshold %d: a month at or below it counts 0 in the quarter)\n", json_str (r, "branch", ""),
                json_str (r, "month", ""), (int) json_int (r, "threshold", 0));
        tbl_print (t, stdout);
        tbl_destroy (&t);
    }
    return 0;
}

int cmd_scores (kctl_t *k, int argc, char **argv)
{
    if (argc < 2 || strcmp (argv[0], "--help") == 0) {
        fputs (s_usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    const char *sub = argv[0], *request = NULL;
    bool json = k->json, csv = false; /* --json before the command counts as after it */
    cJSON *body = cJSON_CreateObject (), *items = NULL;
    int pos = 0;
    const char *positional[6] = { NULL };
    for (int i = 1; body && i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        double d;
        if (strcmp (a, "--json") == 0)
            json = true;
        else if (strcmp (a, "--csv") == 0)
            csv = true;
        else if (strcmp (a, "--provider") == 0)
            cJSON_AddStringToObject (body, "subject_kind", "provider");
        else if (v && (strcmp (a, "--reason") == 0 || strcmp (a, "--note") == 0)) {
            cJSON_AddStringToObject (body, a + 2, v);
            i++;
        }
        else if (v && strcmp (a, "--at") == 0) {
            cJSON_AddStringToObject (body, "occurred_at", v);
            i++;
        }
        else if (v && strcmp (a, "--points") == 0) {
            if (s_number (v, &d) != 0) {
                fprintf (stderr, "kefuctl scores: --points \"%s\" is not a number\n", v);
                cJSON_Delete (body);
                return 2;
            }
            cJSON_AddNumberToObject (body, "points", d);
            i++;
        }
        else if (v && strcmp (a, "--item") == 0) {
            const char *eq = strchr (v, '=');
            if (!eq || eq == v || s_number (eq + 1, &d) != 0 || (size_t) (eq - v) > 64) {
                fprintf (stderr, "kefuctl scores: --item \"%s\": expected NAME=POINTS (accuracy=25)\n", v);
                cJSON_Delete (body);
                return 2;
            }
            if (!items)
                items = cJSON_AddArrayToObject (body, "items");
            char name[65];
            snprintf (name, sizeof name, "%.*s", (int) (eq - v), v);
            cJSON *it = cJSON_CreateObject ();
            cJSON_AddStringToObject (it, "item", name);
            cJSON_AddNumberToObject (it, "points", d);
            cJSON_AddItemToArray (items, it);
            i++;
        }
        else if (a[0] != '-' && pos < 6)
            positional[pos++] = a;
        else {
            fprintf (stderr, "kefuctl scores: unexpected \"%s\"\n%s", a, s_usage);
            cJSON_Delete (body);
            return 2;
        }
    }
    double d = 0;
    bool ok = body != NULL;
    if (strcmp (sub, "sample") == 0 || strcmp (sub, "report") == 0) {
        request = sub[0] == 's' ? "score.sample" : "score.report";
        ok = ok && pos >= 1 && pos <= 2 && cJSON_AddStringToObject (body, "branch", positional[0])
             && (pos < 2 || cJSON_AddStringToObject (body, "month", positional[1]));
    }
    else if (strcmp (sub, "form") == 0) {
        request = "score.form";
        ok = ok && pos == 1 && s_number (positional[0], &d) == 0 && cJSON_AddNumberToObject (body, "ticket_id", d);
    }
    else if (strcmp (sub, "notice") == 0) {
        request = "score.notice";
        char rid[KUUID_STR_LEN];
        if (kuuid_new (rid) != 0)
            ok = false;
        ok = ok && pos == 3 && cJSON_AddStringToObject (body, "branch", positional[0])
             && cJSON_AddStringToObject (body, "subject", positional[1])
             && cJSON_AddStringToObject (body, "code", positional[2]) && cJSON_AddStringToObject (body, "request_id", rid);
    }
    else if (strcmp (sub, "assess") == 0) {
        request = "score.assess";
        ok = ok && pos == 4 && s_number (positional[3], &d) == 0 && cJSON_AddStringToObject (body, "branch", positional[0])
             && cJSON_AddStringToObject (body, "month", positional[1])
             && cJSON_AddStringToObject (body, "subject", positional[2]) && cJSON_AddNumberToObject (body, "points", d);
    }
    if (!request || !ok) {
        fputs (s_usage, stderr);
        cJSON_Delete (body);
        return 2;
    }
    if (kctl_setup (k, "scores") != 0) {
        cJSON_Delete (body);
        return 2;
    }
    client_opts_t opts = kctl_service_opts (k, "scores", CFG_SVC_QC);
    char err[1024] = "";
    cJSON *result = NULL;
    int rc = 0;
    if (client_call (&opts, request, body, &result, err, sizeof err) != CLIENT_OK) {
        fprintf (stderr, "kefuctl scores: %s\n", err);
        rc = 1;
    }
    else if (json || strcmp (request, "score.report") != 0)
        rc = kctl_print_json (result) == 0 ? 0 : 1;
    else
        rc = s_report_print (result, csv);
    cJSON_Delete (result);
    cJSON_Delete (body);
    return rc;
}

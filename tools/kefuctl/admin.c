/*  admin — `kefuctl admin …`: operator commands against PostgreSQL as the
 *  owner role (see admin.h). Service schema names come only from the fixed
 *  list cfg_service_names, so they are safe to place in SQL text. */
#include "admin.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/clock.h"
#include "base/json.h"
#include "db/migrate.h"
#include "table.h"

#define ADMIN_WAIT_DEFAULT_MS 30000
#define ADMIN_WAIT_POLL_MS 200
#define ADMIN_FRESH_MIN_S 10

/*  Checks a service name against cfg_service_names (which has no NULL
 *  terminator). Returns 0, or -1 after printing the choices. */
static int s_admin_service (const char *cmd, const char *what, const char *text)
{
    if (cfg_service_index (text) >= 0)
        return 0;
    fprintf (stderr, "kefuctl %s: %s: \"%s\" is not one of ", cmd, what, text);
    for (int i = 0; i < CFG_SERVICE_COUNT; i++)
        fprintf (stderr, "%s%s", i ? ", " : "", cfg_service_names[i]);
    fputc ('\n', stderr);
    return -1;
}

static int s_admin_migrate (kctl_t *k, int argc, char **argv)
{
    const args_spec_t spec[] = { { NULL, false, NULL, NULL } };
    int rc = admin_args (k, "migrate", spec, argc, argv, NULL, 0, "no arguments");
    if (rc)
        return rc < 0 ? KCTL_OK : rc;
    db_t *db = admin_connect (k, "migrate");
    if (!db)
        return KCTL_FAILED;
    char dir[4096], err[1024] = "";
    snprintf (dir, sizeof dir, "%s/sql", k->cfg->schemas_dir);
    int n = migrate_apply (db, dir, err, sizeof err);
    db_destroy (&db);
    if (n < 0) {
        fprintf (stderr, "kefuctl admin migrate: %s\n", err);
        return KCTL_FAILED;
    }
    if (k->json)
        printf ("{\"applied\":%d}\n", n);
    else if (n == 0)
        printf ("database schema up to date (no migration applied)\n");
    else
        printf ("applied %d migration%s from %s\n", n, n == 1 ? "" : "s", dir);
    return KCTL_OK;
}

static int s_admin_load (kctl_t *k, int argc, char **argv)
{
    const char *pos[1];
    const args_spec_t spec[] = { { NULL, false, NULL, NULL } };
    int rc = admin_args (k, "load", spec, argc, argv, pos, 1, "the organisation file: kefuctl admin load ORG.yaml");
    if (rc)
        return rc < 0 ? KCTL_OK : rc;
    char err[1024] = "";
    org_t *org = org_load (pos[0], err, sizeof err);
    if (!org) {
        fprintf (stderr, "kefuctl admin load: %s\n", err);
        return KCTL_USAGE;
    }
    db_t *db = admin_connect (k, "load");
    if (!db) {
        org_destroy (&org);
        return KCTL_FAILED;
    }
    admin_load_counts_t c;
    rc = admin_load_org (db, org, &c, err, sizeof err);
    db_destroy (&db);
    org_destroy (&org);
    if (rc != 0) {
        fprintf (stderr, "kefuctl admin load: nothing loaded: %s\n", err);
        return KCTL_FAILED;
    }
    if (k->json)
        printf ("{\"tiers\":%d,\"regions\":%d,\"branches\":%d,\"calendars\":%d,\"calendar_years\":%d,"
                "\"calendar_days\":%d,\"products\":%d,\"technicians\":%d,"
                "\"deactivated\":%d,\"customers\":%d,\"warranty_cards\":%d,\"centres\":%d,"
                "\"organisations\":%d,\"staff\":%d,\"staff_deactivated\":%d,\"service_accounts\":%d,"
                "\"parts\":%d,\"parts_deactivated\":%d,\"lots\":%d}\n",
                c.tiers, c.regions, c.branches, c.calendars, c.calendar_years, c.calendar_days, c.products,
                c.technicians, c.deactivated, c.customers, c.cards, c.centres, c.organisations, c.staff,
                c.staff_deactivated, c.accounts, c.parts, c.parts_deactivated, c.lots);
    else
        printf ("loaded %s: %d tiers, %d regions, %d branches, %d holiday calendar%s (%d years, %d dates), "
                "%d products, %d technicians (%d deactivated), %d customers, %d warranty cards, "
                "%d centres, %d organisations, %d staff (%d deactivated), %d service accounts, "
                "%d parts (%d deactivated), %d lots\n",
                pos[0], c.tiers, c.regions, c.branches, c.calendars, c.calendars == 1 ? "" : "s", c.calendar_years,
                c.calendar_days, c.products, c.technicians, c.deactivated, c.customers, c.cards, c.centres,
                c.organisations, c.staff, c.staff_deactivated, c.accounts, c.parts, c.parts_deactivated, c.lots);
    return KCTL_OK;
}

static int s_admin_dead_letters (kctl_t *k, int argc, char **argv)
{
    const char *service = NULL;
    const args_spec_t spec[] = { { "service", true, &service, NULL }, { NULL, false, NULL, NULL } };
    int rc = admin_args (k, "dead-letters", spec, argc, argv, NULL, 0, "no arguments besides --service");
    if (rc)
        return rc < 0 ? KCTL_OK : rc;
    if (service && s_admin_service ("admin dead-letters", "--service", service) != 0)
        return KCTL_USAGE;
    db_t *db = admin_connect (k, "dead-letters");
    if (!db)
        return KCTL_FAILED;
    const char *headers[] = { "service", "queue", "id", "message_id", "type", "peer", "at", "reason" };
    tbl_t *tbl = tbl_new (8, headers);
    cJSON *json = cJSON_CreateArray ();
    rc = KCTL_FAILED;
    if (!tbl || !json)
        goto cleanup;
    tbl_set_max_width (tbl, 7, 80);
    for (int s = 0; s < CFG_SERVICE_COUNT; s++) {
        const char *svc = cfg_service_names[s];
        if (service && strcmp (service, svc) != 0)
            continue;
        char sql[1024];
        snprintf (sql, sizeof sql,
                  "SELECT 'received', id, coalesce(message_id::text, ''), coalesce(type, ''), "
                  "coalesce(source, ''), reason, "
                  "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') AS at "
                  "FROM %s.dead_letters UNION ALL "
                  "SELECT 'outbox', id, message_id::text, type, destination, coalesce(last_error, ''), "
                  "to_char(dead_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') "
                  "FROM %s.outbox WHERE dead_at IS NOT NULL ORDER BY at, 2",
                  svc, svc);
        PGresult *res = db_exec (db, sql, 0, NULL);
        if (!res) {
            fprintf (stderr, "kefuctl admin dead-letters: %s: %s\n", svc, db_error (db));
            goto cleanup;
        }
        for (int r = 0; r < PQntuples (res); r++) {
            const char *cells[8] = { svc, PQgetvalue (res, r, 0), PQgetvalue (res, r, 1), PQgetvalue (res, r, 2),
                                     PQgetvalue (res, r, 3), PQgetvalue (res, r, 4), PQgetvalue (res, r, 6),
                                     PQgetvalue (res, r, 5) };
            cJSON *o = cJSON_CreateObject ();
            bool ok = o && cJSON_AddItemToArray (json, o) && cJSON_AddStringToObject (o, "service", svc)
                      && cJSON_AddStringToObject (o, "queue", cells[1])
                      && cJSON_AddNumberToObject (o, "id", atof (cells[2]))
                      && cJSON_AddStringToObject (o, "message_id", cells[3])
                      && cJSON_AddStringToObject (o, "type", cells[4])
                      && cJSON_AddStringToObject (o, "peer", cells[5])
                      && cJSON_AddStringToObject (o, "at", cells[6])
                      && cJSON_AddStringToObject (o, "reason", cells[7]) && tbl_add_row (tbl, cells) == 0;
            if (!ok) {
                PQclear (res);
                goto cleanup;
            }
        }
        PQclear (res);
    }
    rc = KCTL_OK;
    if (k->json) {
        cJSON *wrap = cJSON_CreateObject ();
        if (wrap && cJSON_AddItemToObject (wrap, "dead_letters", json)) {
            json = NULL;
            kctl_print_json (wrap);
        }
        else
            rc = KCTL_FAILED;
        cJSON_Delete (wrap);
    }
    else if (tbl_rows (tbl) == 0)
        printf ("no dead letters%s%s\n", service ? " in " : "", service ? service : "");
    else
        tbl_print (tbl, stdout);
cleanup:
    cJSON_Delete (json);
    tbl_destroy (&tbl);
    db_destroy (&db);
    return rc;
}

static int s_admin_requeue (kctl_t *k, int argc, char **argv)
{
    const char *pos[2];
    const args_spec_t spec[] = { { NULL, false, NULL, NULL } };
    int rc = admin_args (k, "requeue", spec, argc, argv, pos, 2, "SERVICE OUTBOX_ID");
    if (rc)
        return rc < 0 ? KCTL_OK : rc;
    int64_t id;
    if (s_admin_service ("admin requeue", "service", pos[0]) != 0
        || args_int ("admin requeue", "outbox id", pos[1], 1, INT64_MAX, &id) != 0)
        return KCTL_USAGE;
    db_t *db = admin_connect (k, "requeue");
    if (!db)
        return KCTL_FAILED;
    char sql[512];
    snprintf (sql, sizeof sql,
              "UPDATE %s.outbox SET dead_at = NULL, attempts = 0, next_attempt_at = now() "
              "WHERE id = $1::bigint AND dead_at IS NOT NULL AND acked_at IS NULL "
              "RETURNING message_id::text, type, destination",
              pos[0]);
    const char *p[] = { pos[1] };
    rc = KCTL_FAILED;
    PGresult *res = db_exec (db, sql, 1, p);
    if (!res) {
        fprintf (stderr, "kefuctl admin requeue: %s\n", db_error (db));
        goto cleanup;
    }
    if (PQntuples (res) == 1) {
        if (k->json)
            printf ("{\"service\":\"%s\",\"id\":%s,\"message_id\":\"%s\",\"requeued\":true}\n", pos[0], pos[1],
                    PQgetvalue (res, 0, 0));
        else
            printf ("requeued %s outbox %s: %s to %s (message %s)\n", pos[0], pos[1], PQgetvalue (res, 0, 1),
                    PQgetvalue (res, 0, 2), PQgetvalue (res, 0, 0));
        rc = KCTL_OK;
        PQclear (res);
        goto cleanup;
    }
    PQclear (res);
    snprintf (sql, sizeof sql, "SELECT acked_at IS NOT NULL FROM %s.outbox WHERE id = $1::bigint", pos[0]);
    res = db_exec (db, sql, 1, p);
    if (!res)
        fprintf (stderr, "kefuctl admin requeue: %s\n", db_error (db));
    else if (PQntuples (res) == 0)
        fprintf (stderr, "kefuctl admin requeue: no outbox row %s in %s\n", pos[1], pos[0]);
    else
        fprintf (stderr, "kefuctl admin requeue: %s outbox %s is not a dead letter (%s); nothing to requeue\n",
                 pos[0], pos[1], strcmp (PQgetvalue (res, 0, 0), "t") == 0 ? "already acknowledged" : "still being delivered");
    PQclear (res);
cleanup:
    db_destroy (&db);
    return rc;
}

/*  Services (of those whose bit is set in wanted) without a fresh
 *  heartbeat, as "a, b" into out. Returns the count missing, or -1 on a
 *  database error (reason in out). */
static int s_admin_missing (db_t *db, unsigned wanted, int fresh_s, char *out, size_t outsize)
{
    int missing = 0;
    size_t len = 0;
    out[0] = '\0';
    char fresh[32];
    snprintf (fresh, sizeof fresh, "%d", fresh_s);
    for (int s = 0; s < CFG_SERVICE_COUNT; s++) {
        if (!(wanted & (1u << s)))
            continue;
        char sql[256];
        snprintf (sql, sizeof sql,
                  "SELECT count(*) FROM %s.endpoints WHERE heartbeat_at > now() - make_interval(secs => $1::int)",
                  cfg_service_names[s]);
        const char *p[] = { fresh };
        PGresult *res = db_exec (db, sql, 1, p);
        if (!res) {
            snprintf (out, outsize, "%s", db_error (db));
            return -1;
        }
        bool ready = PQntuples (res) == 1 && atoi (PQgetvalue (res, 0, 0)) > 0;
        PQclear (res);
        if (!ready) {
            int n = snprintf (out + len, outsize - len, "%s%s", missing ? ", " : "", cfg_service_names[s]);
            if (n > 0 && (size_t) n < outsize - len)
                len += (size_t) n;
            missing++;
        }
    }
    return missing;
}

/*  Parses "intake,dispatch" into a bit mask over cfg_service_names.
 *  NULL means all six. Returns 0, or -1 after printing the reason. */
static int s_admin_services_mask (const char *text, unsigned *mask, int *count)
{
    *mask = 0;
    *count = 0;
    if (!text) {
        *mask = (1u << CFG_SERVICE_COUNT) - 1;
        *count = CFG_SERVICE_COUNT;
        return 0;
    }
    char buf[256];
    if (strlen (text) >= sizeof buf || !*text) {
        fputs ("kefuctl admin wait-ready: --services: expected a comma-separated list of service names\n", stderr);
        return -1;
    }
    snprintf (buf, sizeof buf, "%s", text);
    char *save = NULL;
    for (char *name = strtok_r (buf, ",", &save); name; name = strtok_r (NULL, ",", &save)) {
        int i = cfg_service_index (name);
        if (i < 0) {
            fprintf (stderr, "kefuctl admin wait-ready: --services: unknown service \"%s\" (expected "
                             "intake, dispatch, qc, billing, callback or claims)\n", name);
            return -1;
        }
        if (!(*mask & (1u << i)))
            (*count)++;
        *mask |= 1u << i;
    }
    return 0;
}

static int s_admin_wait_ready (kctl_t *k, int argc, char **argv)
{
    const char *services_text = NULL;
    const args_spec_t spec[] = { { "services", true, &services_text, NULL }, { NULL, false, NULL, NULL } };
    int rc = admin_args (k, "wait-ready", spec, argc, argv, NULL, 0,
                           "no arguments besides --services and --timeout-ms");
    if (rc)
        return rc < 0 ? KCTL_OK : rc;
    unsigned wanted;
    int n_wanted;
    if (s_admin_services_mask (services_text, &wanted, &n_wanted) != 0)
        return KCTL_USAGE;
    int timeout = k->timeout_opt ? k->timeout_ms : ADMIN_WAIT_DEFAULT_MS;
    int fresh_s = k->cfg->discovery_ms * 5 / 1000;
    if (fresh_s < ADMIN_FRESH_MIN_S)
        fresh_s = ADMIN_FRESH_MIN_S;
    char *conninfo = cfg_conninfo_for (k->cfg, "kefu_owner", "kefuctl");
    db_t *db = conninfo ? db_new (conninfo) : NULL;
    free (conninfo);
    if (!db)
        return KCTL_FAILED;
    db_set_max_backoff_ms (db, 1000);
    int64_t deadline = clock_mono_ms () + timeout;
    char why[1024] = "the database is not reachable yet";
    rc = KCTL_FAILED;
    for (;;) {
        if (db_ensure (db) == 0) {
            char list[512];
            int missing = s_admin_missing (db, wanted, fresh_s, list, sizeof list);
            if (missing == 0) {
                if (k->json)
                    printf ("{\"ready\":true}\n");
                else
                    printf ("%s%d service%s ready\n", n_wanted == CFG_SERVICE_COUNT ? "all " : "",
                            n_wanted, n_wanted == 1 ? "" : "s");
                rc = KCTL_OK;
                break;
            }
            snprintf (why, sizeof why, "%s%s", missing > 0 ? "no fresh heartbeat from: " : "", list);
        }
        else
            snprintf (why, sizeof why, "cannot connect to PostgreSQL: %s", db_error (db));
        if (clock_mono_ms () >= deadline) {
            fprintf (stderr, "kefuctl admin wait-ready: not ready after %d ms: %s\n", timeout, why);
            if (!db_connected (db))
                kctl_db_hint (k, "admin wait-ready");
            break;
        }
        struct timespec ts = { 0, ADMIN_WAIT_POLL_MS * 1000000L };
        nanosleep (&ts, NULL);
    }
    db_destroy (&db);
    return rc;
}

int cmd_admin (kctl_t *k, int argc, char **argv)
{
    if (argc < 1 || strcmp (argv[0], "--help") == 0) {
        if (argc < 1) {
            fputs ("kefuctl admin: the admin command is missing (expected migrate, load, dead-letters, requeue, wait-ready, check-config, staff, tokens, audit or keys)\n", stderr);
            return KCTL_USAGE;
        }
        fputs (admin_usage, stdout);
        return KCTL_OK;
    }
    const char *sub = argv[0];
    if (strcmp (sub, "migrate") == 0)
        return s_admin_migrate (k, argc - 1, argv + 1);
    if (strcmp (sub, "load") == 0)
        return s_admin_load (k, argc - 1, argv + 1);
    if (strcmp (sub, "dead-letters") == 0)
        return s_admin_dead_letters (k, argc - 1, argv + 1);
    if (strcmp (sub, "requeue") == 0)
        return s_admin_requeue (k, argc - 1, argv + 1);
    if (strcmp (sub, "wait-ready") == 0)
        return s_admin_wait_ready (k, argc - 1, argv + 1);
    if (strcmp (sub, "check-config") == 0)
        return admin_check_config (k, argc - 1, argv + 1);
    if (strcmp (sub, "staff") == 0)
        return admin_staff (k, argc - 1, argv + 1);
    if (strcmp (sub, "tokens") == 0)
        return admin_tokens (k, argc - 1, argv + 1);
    if (strcmp (sub, "audit") == 0)
        return admin_audit (k, argc - 1, argv + 1);
    if (strcmp (sub, "keys") == 0)
        return admin_keys (k, argc - 1, argv + 1);
    fprintf (stderr, "kefuctl admin: unknown command \"%s\" (expected migrate, load, dead-letters, requeue, wait-ready, check-config, staff, tokens, audit or keys)\n", sub);
    return KCTL_USAGE;
}

/*  cmd_submit — `kefuctl submit`: builds a ticket.submit request from options
 *  or a JSON file, gives it a request_id so that retries are idempotent, and
 *  reports the ticket intake created, joined or closed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "client.h"
#include "model/ticket.h"
#include "base/json.h"
#include "kctl.h"
#include "base/uuid.h"

#define SUBMIT_MAX_FILE (1024 * 1024)
#define SUBMIT_MAX_TEXT 4096

static const char *const s_kinds[] = { "consultation", "repair", "installation", "complaint", "return", "suggestion", NULL };
static const char *const s_channels[] = { "hotline", "web", "chat", "email", "walk_in", "dealer", NULL };
static const char *const s_priorities[] = { "low", "normal", "high", "urgent", NULL };
static const char *const s_flags[] = { "major_fault", "safety", "large_loss", "media_risk", NULL };

static const char s_submit_usage[] =
    "usage: kefuctl submit --kind K --channel C (--customer ID | --name N --phone P --address A --region R)\n"
    "                      [--product CODE [--serial S] [--card NO]] [--branch B] [--priority P]\n"
    "                      --description TEXT [--answered [--resolution TEXT]] [--flags F,F]\n"
    "                      [--complained-staff ID] [--request-id UUID]\n"
    "       kefuctl submit --file BODY.json      (the request body as JSON; - reads stdin)\n"
    "  kinds: consultation, repair, installation, complaint, return, suggestion\n"
    "  channels: hotline, web, chat, email, walk_in (or walk-in), dealer\n"
    "  priorities: low, normal, high, urgent (default normal)\n"
    "  flags (skip-level escalation on breach): major_fault, safety, large_loss, media_risk\n"
    "  complained staff: a complaint's staff member complained about (an active staff id)\n"
    "  request id: the idempotency key (default a new random one); the same id again is\n"
    "    answered with the ticket the first request made or joined, and changes nothing\n";

/*  Adds "flags": ["safety", …] from "safety,media_risk". Returns 0 or -1
 *  (reason printed). */
static int s_submit_flags (cJSON *body, const char *text)
{
    char buf[128];
    if (strlen (text) >= sizeof buf || !*text) {
        fprintf (stderr, "kefuctl submit: --flags: expected a comma-separated list of %s\n",
                 "major_fault, safety, large_loss, media_risk");
        return -1;
    }
    snprintf (buf, sizeof buf, "%s", text);
    cJSON *list = cJSON_AddArrayToObject (body, "flags");
    if (!list)
        return -1;
    char *save = NULL;
    for (char *f = strtok_r (buf, ",", &save); f; f = strtok_r (NULL, ",", &save)) {
        if (args_enum ("submit", "--flags", f, s_flags) < 0)
            return -1;
        const cJSON *seen;
        cJSON_ArrayForEach (seen, list)
            if (strcmp (seen->valuestring, f) == 0) {
                fprintf (stderr, "kefuctl submit: --flags: \"%s\" given twice\n", f);
                return -1;
            }
        if (!cJSON_AddItemToArray (list, cJSON_CreateString (f)))
            return -1;
    }
    return 0;
}

/*  Adds a string member after checking it is valid non-empty UTF-8.
 *  Returns 0 or -1 (reason printed). */
static int s_submit_add (cJSON *obj, const char *key, const char *opt, const char *value)
{
    if (args_text ("submit", opt, value, SUBMIT_MAX_TEXT) != 0)
        return -1;
    if (!cJSON_AddStringToObject (obj, key, value)) {
        fprintf (stderr, "kefuctl submit: out of memory\n");
        return -1;
    }
    return 0;
}

cJSON *submit_build_body (const submit_args_t *a)
{
    cJSON *body = cJSON_CreateObject ();
    if (!body)
        return NULL;
    const char *missing = !a->kind ? "kind" : !a->channel ? "channel" : !a->description ? "description" : NULL;
    if (missing) {
        fprintf (stderr, "kefuctl submit: --%s is required\n", missing);
        goto fail;
    }
    if (args_enum ("submit", "--kind", a->kind, s_kinds) < 0)
        goto fail;
    /* people type "walk-in"; the contract says walk_in */
    const char *channel = strcmp (a->channel, "walk-in") == 0 ? "walk_in" : a->channel;
    if (args_enum ("submit", "--channel", channel, s_channels) < 0)
        goto fail;
    if (a->priority && args_enum ("submit", "--priority", a->priority, s_priorities) < 0)
        goto fail;
    bool any_new = a->name || a->phone || a->address || a->region;
    if (a->customer && any_new) {
        fprintf (stderr, "kefuctl submit: give either --customer ID or --name/--phone/--address/--region for a new customer, not both\n");
        goto fail;
    }
    if (!a->customer && !any_new) {
        fprintf (stderr, "kefuctl submit: the customer is missing: give --customer ID, or --name, --phone, --address and --region\n");
        goto fail;
    }
    if (!a->customer) {
        const char *m = !a->name ? "name" : !a->phone ? "phone" : !a->address ? "address" : !a->region ? "region" : NULL;
        if (m) {
            fprintf (stderr, "kefuctl submit: --%s is required for a new customer (with --name, --phone, --address, --region)\n", m);
            goto fail;
        }
    }
    if ((a->serial || a->card) && !a->product) {
        fprintf (stderr, "kefuctl submit: --%s needs --product CODE\n", a->serial ? "serial" : "card");
        goto fail;
    }
    if (a->resolution && !a->answered) {
        fprintf (stderr, "kefuctl submit: --resolution needs --answered\n");
        goto fail;
    }
    if (s_submit_add (body, "channel", "--channel", channel) || s_submit_add (body, "kind", "--kind", a->kind))
        goto fail;
    if (a->priority && s_submit_add (body, "priority", "--priority", a->priority))
        goto fail;
    cJSON *cust = cJSON_AddObjectToObject (body, "customer");
    if (!cust)
        goto fail;
    if (a->customer) {
        if (s_submit_add (cust, "id", "--customer", a->customer))
            goto fail;
    }
    else if (s_submit_add (cust, "name", "--name", a->name) || s_submit_add (cust, "phone", "--phone", a->phone)
             || s_submit_add (cust, "address", "--address", a->address)
             || s_submit_add (cust, "region", "--region", a->region))
        goto fail;
    if (a->product) {
        cJSON *prod = cJSON_AddObjectToObject (body, "product");
        if (!prod || s_submit_add (prod, "code", "--product", a->product))
            goto fail;
        if (a->serial && s_submit_add (prod, "serial", "--serial", a->serial))
            goto fail;
        if (a->card && s_submit_add (prod, "warranty_card", "--card", a->card))
            goto fail;
    }
    if (a->branch && s_submit_add (body, "branch", "--branch", a->branch))
        goto fail;
    if (s_submit_add (body, "description", "--description", a->description))
        goto fail;
    if (a->answered && !cJSON_AddBoolToObject (body, "answered", true))
        goto fail;
    if (a->resolution && s_submit_add (body, "resolution", "--resolution", a->resolution))
        goto fail;
    if (a->flags && s_submit_flags (body, a->flags) != 0)
        goto fail;
    if (a->complained_staff
        && s_submit_add (body, "complained_staff_id", "--complained-staff", a->complained_staff))
        goto fail;
    return body;
fail:
    cJSON_Delete (body);
    return NULL;
}

char *submit_describe (const cJSON *result)
{
    char *out = NULL;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive (result, "ticket_id");
    long long tid = json_is_integer (id) ? (long long) id->valuedouble : -1;
    const char *status = json_str (result, "status", "?");
    const char *branch = json_str (result, "branch", "?");
    int n;
    if (json_bool (result, "joined", false))
        n = asprintf (&out, "joined open ticket %lld (repeat contact)", tid);
    else if (strcmp (status, TICKET_S_CLOSED) == 0)
        n = asprintf (&out, "ticket %lld closed at intake (consultation answered)", tid);
    else
        n = asprintf (&out, "ticket %lld created for branch %s (status %s)", tid, branch, status);
    return n < 0 ? NULL : out;
}

/*  Reads the body from a file ("-" = stdin), at most SUBMIT_MAX_FILE bytes,
 *  strictly parsed. Returns the object or NULL after printing why. */
static cJSON *s_submit_read_file (const char *path)
{
    FILE *f = strcmp (path, "-") == 0 ? stdin : fopen (path, "rb");
    if (!f) {
        fprintf (stderr, "kefuctl submit: --file: cannot open %s: %m\n", path);
        return NULL;
    }
    cJSON *body = NULL;
    char *buf = malloc (SUBMIT_MAX_FILE + 1);
    if (!buf) {
        fprintf (stderr, "kefuctl submit: out of memory\n");
        goto cleanup;
    }
    size_t len = fread (buf, 1, SUBMIT_MAX_FILE + 1, f);
    if (ferror (f)) {
        fprintf (stderr, "kefuctl submit: --file: cannot read %s: %m\n", path);
        goto cleanup;
    }
    if (len > SUBMIT_MAX_FILE) {
        fprintf (stderr, "kefuctl submit: --file: %s is larger than %d bytes\n", path, SUBMIT_MAX_FILE);
        goto cleanup;
    }
    char err[160] = "";
    body = json_parse_strict (buf, len, err, sizeof err);
    if (!body) {
        fprintf (stderr, "kefuctl submit: --file: %s: %s\n", path, err);
        goto cleanup;
    }
    if (!cJSON_IsObject (body)) {
        fprintf (stderr, "kefuctl submit: --file: %s: expected a JSON object (the ticket.submit body)\n", path);
        cJSON_Delete (body);
        body = NULL;
        goto cleanup;
    }
    const cJSON *rid = cJSON_GetObjectItemCaseSensitive (body, "request_id");
    if (rid && !(cJSON_IsString (rid) && kuuid_valid (rid->valuestring))) {
        fprintf (stderr, "kefuctl submit: --file: %s: request_id: expected a UUID string\n", path);
        cJSON_Delete (body);
        body = NULL;
    }
cleanup:
    free (buf);
    if (f != stdin)
        fclose (f);
    return body;
}

int cmd_submit (kctl_t *k, int argc, char **argv)
{
    submit_args_t a;
    memset (&a, 0, sizeof a);
    const char *file = NULL, *request_id = NULL;
    const args_spec_t spec[] = {
        { "kind", true, &a.kind, NULL },         { "channel", true, &a.channel, NULL },
        { "customer", true, &a.customer, NULL }, { "name", true, &a.name, NULL },
        { "phone", true, &a.phone, NULL },       { "address", true, &a.address, NULL },
        { "region", true, &a.region, NULL },     { "product", true, &a.product, NULL },
        { "serial", true, &a.serial, NULL },     { "card", true, &a.card, NULL },
        { "branch", true, &a.branch, NULL },     { "priority", true, &a.priority, NULL },
        { "description", true, &a.description, NULL },
        { "answered", false, NULL, &a.answered }, { "resolution", true, &a.resolution, NULL },
        { "flags", true, &a.flags, NULL },       { "request-id", true, &request_id, NULL },
        { "complained-staff", true, &a.complained_staff, NULL },
        { "file", true, &file, NULL },           { NULL, false, NULL, NULL },
    };
    int npos = 0;
    if (args_parse ("submit", KCTL_SPECS (k, spec), argc, argv, NULL, 0, &npos) != 0)
        return KCTL_USAGE;
    if (k->help) {
        fputs (s_submit_usage, stdout);
        return KCTL_OK;
    }
    if (request_id && !kuuid_valid (request_id)) {
        fprintf (stderr, "kefuctl submit: --request-id: \"%s\" is not a UUID "
                         "(expected e.g. 6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c)\n", request_id);
        return KCTL_USAGE;
    }
    cJSON *body = NULL;
    if (file) {
        bool others = a.kind || a.channel || a.customer || a.name || a.phone || a.address || a.region
                      || a.product || a.serial || a.card || a.branch || a.priority || a.description
                      || a.answered || a.resolution || a.flags || request_id;
        if (others) {
            fprintf (stderr, "kefuctl submit: --file replaces the other request options; give one or the other\n");
            return KCTL_USAGE;
        }
        body = s_submit_read_file (file);
    }
    else
        body = submit_build_body (&a);
    if (!body)
        return KCTL_USAGE;
    int rc = KCTL_USAGE;
    cJSON *result = NULL;
    if (kctl_setup (k, "submit") != 0)
        goto cleanup;
    if (request_id && !cJSON_AddStringToObject (body, "request_id", request_id)) {
        fprintf (stderr, "kefuctl submit: out of memory\n");
        rc = KCTL_FAILED;
        goto cleanup;
    }
    if (!cJSON_GetObjectItemCaseSensitive (body, "request_id")) {
        char rid[KUUID_STR_LEN];
        if (kuuid_new (rid) != 0 || !cJSON_AddStringToObject (body, "request_id", rid)) {
            fprintf (stderr, "kefuctl submit: cannot make a request id\n");
            rc = KCTL_FAILED;
            goto cleanup;
        }
    }
    client_opts_t opts = kctl_client_opts (k, "submit");
    char err[1024] = "";
    client_status_t st = client_call (&opts, "ticket.submit", body, &result, err, sizeof err);
    if (st != CLIENT_OK) {
        fprintf (stderr, "kefuctl submit: %s\n", err);
        rc = KCTL_FAILED;
        goto cleanup;
    }
    rc = KCTL_OK;
    if (k->json)
        kctl_print_json (result);
    else {
        char *line = submit_describe (result);
        puts (line ? line : "submitted");
        free (line);
    }
cleanup:
    cJSON_Delete (result);
    cJSON_Delete (body);
    return rc;
}

/*  credential — see credential.h. */
#include "credential.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/roles.h"
#include "auth/token.h"
#include "base/clock.h"

#define S_SLOTS 1024 /* cache slots, chosen by the hash's first hex digits */
#define S_STMT "auth_credential"

typedef struct {
    char hash[TOKEN_HASH_HEX]; /* "" when the slot is empty */
    int64_t fetched_ms;
    bool found, revoked, active;
    int64_t expires_us;        /* INT64_MAX: never */
    place_t place;
    cred_who_t data;
} s_entry_t;

struct cred_s {
    db_t *db;
    s_entry_t *slots;
};

cred_t *cred_new (db_t *db)
{
    cred_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->db = db;
    if (!(self->slots = calloc (S_SLOTS, sizeof *self->slots))
        || db_prepare (db, S_STMT,
                       "SELECT principal, kind, roles::text, branches::text, organisation, place,"
                       " requests::text, expires_us, revoked, active"
                       " FROM auth.credentials WHERE hash = $1")
               != 0) {
        cred_destroy (&self);
        return NULL;
    }
    return self;
}

void cred_destroy (cred_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    cred_t *self = *self_p;
    for (int i = 0; self->slots && i < S_SLOTS; i++)
        cred_who_free (&self->slots[i].data);
    free (self->slots);
    free (self);
    *self_p = NULL;
}

static void s_free_list (char **items, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free (items[i]);
    free (items);
}

void cred_who_free (cred_who_t *caller)
{
    s_free_list (caller->branch_ids, caller->n_branch_ids);
    s_free_list (caller->requests, caller->n_requests);
    memset (caller, 0, sizeof *caller);
}

/*  Splits a PostgreSQL text[] of identifiers ("{a,b}": no quoting is needed,
 *  ids are A-Z a-z 0-9 _ - and request names a-z _ .). Returns 0 or -1. */
static int s_split (const char *text, char ***out, size_t *n)
{
    *out = NULL;
    *n = 0;
    size_t len = strlen (text);
    if (len < 2 || text[0] != '{' || text[len - 1] != '}')
        return -1;
    size_t count = len > 2 ? 1 : 0;
    for (const char *c = text; *c; c++)
        count += *c == ',';
    if (!(*out = calloc (count + 1, sizeof **out)))
        return -1;
    const char *p = text + 1;
    while (*n < count) {
        size_t w = strcspn (p, ",}");
        if (w == 0 || memchr (p, '"', w) || !((*out)[*n] = strndup (p, w)))
            return -1;
        (*n)++;
        p += w + 1;
    }
    return 0;
}

/*  Points data->who at data's own strings. */
static void s_bind (cred_who_t *data, bool every_branch)
{
    data->who.principal = data->principal;
    data->who.organisation = data->organisation[0] ? data->organisation : NULL;
    data->who.branches = every_branch ? NULL : (const char *const *) data->branch_ids;
    data->who.n_branches = every_branch ? 0 : data->n_branch_ids;
}

static place_t s_place (const char *text)
{
    static const char *const names[] = { "branch", "centre", "region", "organisation", "company" };
    for (int i = 0; i < 5; i++)
        if (strcmp (names[i], text) == 0)
            return (place_t) i;
    return PLACE_ORGANISATION; /* a service account: no contact, no company */
}

/*  Reads the row into e. Returns 0, or -1 (out of memory or a row the view
 *  cannot give). */
static int s_fill (s_entry_t *e, PGresult *res)
{
    e->found = PQntuples (res) == 1;
    if (!e->found)
        return 0;
    cred_who_t *d = &e->data;
    snprintf (d->principal, sizeof d->principal, "%s", PQgetvalue (res, 0, 0));
    d->service_account = strcmp (PQgetvalue (res, 0, 1), "service") == 0;
    d->who.roles = roles_parse_array (PQgetvalue (res, 0, 2));
    bool every = PQgetisnull (res, 0, 3);
    if (!every && s_split (PQgetvalue (res, 0, 3), &d->branch_ids, &d->n_branch_ids) != 0)
        return -1;
    if (!PQgetisnull (res, 0, 4))
        snprintf (d->organisation, sizeof d->organisation, "%s", PQgetvalue (res, 0, 4));
    e->place = s_place (PQgetvalue (res, 0, 5));
    if (s_split (PQgetvalue (res, 0, 6), &d->requests, &d->n_requests) != 0)
        return -1;
    e->expires_us = PQgetisnull (res, 0, 7) ? INT64_MAX : strtoll (PQgetvalue (res, 0, 7), NULL, 10);
    e->revoked = strcmp (PQgetvalue (res, 0, 8), "t") == 0;
    e->active = strcmp (PQgetvalue (res, 0, 9), "t") == 0;
    d->who.contact = !d->service_account && roles_see_contact (d->who.roles, e->place);
    s_bind (d, every);
    return 0;
}

static int s_copy_list (char **from, size_t n, char ***to, size_t *n_to)
{
    *n_to = 0;
    if (!(*to = calloc (n + 1, sizeof **to)))
        return -1;
    for (; *n_to < n; (*n_to)++)
        if (!((*to)[*n_to] = strdup (from[*n_to])))
            return -1;
    return 0;
}

/*  Looks the hash up, through the cache. Returns the entry, or NULL with
 *  *code set (unavailable, internal). */
static s_entry_t *s_lookup (cred_t *self, const char *hash, rpl_code_t *code, char *err,
                            size_t errsize)
{
    s_entry_t *e = &self->slots[strtoul ((char[]) { hash[0], hash[1], hash[2], 0 }, NULL, 16) % S_SLOTS];
    int64_t now = clock_mono_ms ();
    if (strcmp (e->hash, hash) == 0 && now - e->fetched_ms < CRED_CACHE_MS)
        return e;
    cred_who_free (&e->data);
    memset (e, 0, sizeof *e);
    const char *params[] = { hash };
    PGresult *res = db_exec_prepared (self->db, S_STMT, 1, params);
    if (!res) {
        snprintf (err, errsize, "token: cannot be checked now (the database is unavailable)");
        *code = RPL_UNAVAILABLE;
        return NULL;
    }
    int rc = s_fill (e, res);
    PQclear (res);
    if (rc != 0) {
        cred_who_free (&e->data);
        memset (e, 0, sizeof *e);
        snprintf (err, errsize, "token: cannot be read (out of memory)");
        *code = RPL_INTERNAL;
        return NULL;
    }
    snprintf (e->hash, sizeof e->hash, "%s", hash);
    e->fetched_ms = now;
    return e;
}

rpl_code_t cred_check (cred_t *self, const char *token, size_t len, cred_who_t *out, char *err,
                       size_t errsize)
{
    memset (out, 0, sizeof *out);
    char hash[TOKEN_HASH_HEX];
    if (token_parse (token, len, hash, err, errsize) != 0)
        return RPL_UNAUTHENTICATED;
    rpl_code_t code = RPL_INTERNAL;
    s_entry_t *e = s_lookup (self, hash, &code, err, errsize);
    if (!e)
        return code;
    const char *why = !e->found ? "unknown"
                      : e->revoked ? "revoked"
                      : !e->active ? "its holder is no longer active"
                      : clock_now_us () >= e->expires_us ? "expired"
                                                          : NULL;
    if (why) {
        snprintf (err, errsize, "token: %s", why);
        return RPL_UNAUTHENTICATED;
    }
    *out = e->data;
    out->branch_ids = NULL;
    out->requests = NULL;
    if (s_copy_list (e->data.branch_ids, e->data.n_branch_ids, &out->branch_ids, &out->n_branch_ids) != 0
        || s_copy_list (e->data.requests, e->data.n_requests, &out->requests, &out->n_requests) != 0) {
        cred_who_free (out);
        snprintf (err, errsize, "token: cannot be read (out of memory)");
        return RPL_INTERNAL;
    }
    s_bind (out, e->data.who.branches == NULL);
    return RPL_OK;
}

bool cred_allows (const cred_who_t *caller, const char *request, svc_roles_t roles)
{
    if (!caller->service_account)
        return (caller->who.roles & roles) != 0;
    for (size_t i = 0; i < caller->n_requests; i++)
        if (strcmp (caller->requests[i], request) == 0)
            return true;
    return false;
}

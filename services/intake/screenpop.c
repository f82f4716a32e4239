/*  screenpop — see screenpop.h. */
#include "screenpop.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "customer_find.h"
#include "db/statements.h"
#include "model/contact.h"
#include "svc/failure.h"

#define S_RANDOM_BYTES 16
/*  Expired pops deleted per open or read: a bounded step, never a long
 *  statement in the request's path. */
#define S_SWEEP(now)                                                                    \
    "WITH gone AS (DELETE FROM intake.screen_pops WHERE id IN ("                       \
    " SELECT id FROM intake.screen_pops WHERE expires_at <= " now "::timestamptz"    \
    " ORDER BY expires_at LIMIT 100)) "

struct isp_s {
    db_t *db;
    int seconds;
};

static const db_statement_t s_statements[] = {
    /* $4 NULL: the opener acts for every branch, which is every branch now */
    { "isp_open",
      S_SWEEP ("$5")
      "INSERT INTO intake.screen_pops (id, phone, principal, branches, created_at, expires_at)"
      " VALUES ($1, $2, $3, COALESCE($4::text[], (SELECT array_agg(b.id ORDER BY b.id) FROM ref.branches b)),"
      "         $5, $6)" },
    { "isp_get",
      S_SWEEP ("$2")
      "SELECT p.phone, " DB_EPOCH_US ("p.expires_at")
      " FROM intake.screen_pops p WHERE p.id = $1 AND p.expires_at > $2::timestamptz" },
};

isp_t *isp_new (db_t *db, int seconds)
{
    if (!db || seconds < 1)
        return NULL;
    if (sodium_init () < 0 || db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements)) != 0
        || icf_prepare (db) != 0)
        return NULL;
    isp_t *self = calloc (1, sizeof *self);
    if (!self)
        return NULL;
    self->db = db;
    self->seconds = seconds;
    return self;
}

void isp_destroy (isp_t **self_p)
{
    if (!self_p || !*self_p)
        return;
    free (*self_p);
    *self_p = NULL;
}

static rpl_code_t s_oom (char *err, size_t errsize)
{
    snprintf (err, errsize, "out of memory");
    return RPL_INTERNAL;
}

rpl_code_t isp_find (isp_t *self, const svc_who_t *who, const ilr_find_t *q, cJSON **result, char *err,
                     size_t errsize)
{
    cJSON *customers = NULL;
    rpl_code_t code = icf_find (self->db, who, "customer.find", q, &customers, err, errsize);
    if (code != RPL_OK)
        return code;
    if (!(*result = cJSON_CreateObject ()) || !cJSON_AddItemToObject (*result, "customers", customers)) {
        cJSON_Delete (customers);
        cJSON_Delete (*result);
        *result = NULL;
        return s_oom (err, errsize);
    }
    return RPL_OK;
}

rpl_code_t isp_open (isp_t *self, const svc_who_t *who, const char *phone_key, cJSON **result, char *err,
                     size_t errsize)
{
    *result = NULL;
    char branches[4096];
    if (who->branches && who->n_branches == 0) {
        snprintf (err, errsize, "request: the caller acts for no branch, so no one could read the screen pop");
        return RPL_FORBIDDEN;
    }
    if (!svc_who_branches_fit (who, sizeof branches)) {
        snprintf (err, errsize, "request: the caller acts for more branches than a screen pop can name");
        return RPL_INTERNAL;
    }
    if (db_ensure (self->db) != 0)
        return svc_db_request_failure (self->db, "connecting", err, errsize);
    unsigned char raw[S_RANDOM_BYTES];
    char id[sodium_base64_ENCODED_LEN (S_RANDOM_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
    randombytes_buf (raw, sizeof raw);
    sodium_bin2base64 (id, sizeof id, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    int64_t now = clock_now_us (), expires = now + (int64_t) self->seconds * 1000000;
    char now_text[40], expires_text[40];
    clock_format_us (now, now_text, sizeof now_text);
    clock_format_us (expires, expires_text, sizeof expires_text);
    const char *p[] = { id, phone_key, who->principal ? who->principal : "intake",
                        svc_who_branches_literal (who, branches, sizeof branches), now_text, expires_text };
    PGresult *res = db_exec_prepared (self->db, "isp_open", 6, p);
    if (!res)
        return svc_db_request_failure (self->db, "storing the screen pop", err, errsize);
    PQclear (res);
    /* the link the phone system hands the agent's screen: the web console's
     * page of this pop (docs/intake.md "Screen pops"), the id its only part */
    char link[sizeof id + 16];
    snprintf (link, sizeof link, "/console/pop/%s", id);
    if (!(*result = cJSON_CreateObject ()) || !cJSON_AddStringToObject (*result, "id", id)
        || !cJSON_AddStringToObject (*result, "link", link)
        || !cJSON_AddStringToObject (*result, "expires_at", expires_text)) {
        cJSON_Delete (*result);
        *result = NULL;
        return s_oom (err, errsize);
    }
    return RPL_OK;
}

/*  The reply of a pop whose phone's key is `phone`: its customers, the
 *  first of them as "customer", their open tickets, and the number. */
static rpl_code_t s_pop_reply (isp_t *self, const svc_who_t *who, const char *phone, const char *expires,
                               cJSON *doc, char *err, size_t errsize)
{
    ilr_find_t q = { .limit = ISP_CUSTOMERS_MAX };
    snprintf (q.phone_key, sizeof q.phone_key, "%s", phone);
    cJSON *customers = NULL, *tickets = NULL;
    rpl_code_t code = icf_find (self->db, who, "screenpop.get", &q, &customers, err, errsize);
    if (code == RPL_OK)
        code = icf_open_tickets (self->db, who, customers, &tickets, err, errsize);
    if (code != RPL_OK) {
        cJSON_Delete (customers);
        return code;
    }
    cJSON *first = cJSON_GetArrayItem (customers, 0);
    char masked[80];
    cJSON_AddItemToObject (doc, "customer", first ? cJSON_Duplicate (first, true) : cJSON_CreateNull ());
    cJSON_AddItemToObject (doc, "customers", customers);
    cJSON_AddItemToObject (doc, "open_tickets", tickets);
    cJSON_AddStringToObject (doc, "phone_masked", contact_mask_phone (phone, masked, sizeof masked));
    if (who->contact) /* to fill the new-ticket form */
        cJSON_AddStringToObject (doc, "phone", phone);
    cJSON_AddStringToObject (doc, "expires_at", expires);
    return RPL_OK;
}

rpl_code_t isp_get (isp_t *self, const svc_who_t *who, const char *id, cJSON **result, char *err,
                    size_t errsize)
{
    *result = NULL;
    if (db_ensure (self->db) != 0)
        return svc_db_request_failure (self->db, "connecting", err, errsize);
    char now_text[40], expires[40];
    clock_format_us (clock_now_us (), now_text, sizeof now_text);
    const char *p[] = { id, now_text };
    PGresult *res = db_exec_prepared (self->db, "isp_get", 2, p);
    if (!res)
        return svc_db_request_failure (self->db, "reading the screen pop", err, errsize);
    if (PQntuples (res) != 1) {
        PQclear (res);
        snprintf (err, errsize, "body.id: no such screen pop (unknown, expired, or opened for other branches)");
        return RPL_NOT_FOUND;
    }
    char phone[IPH_KEY_SIZE];
    snprintf (phone, sizeof phone, "%s", PQgetvalue (res, 0, 0));
    clock_format_us (strtoll (PQgetvalue (res, 0, 1), NULL, 10), expires, sizeof expires);
    PQclear (res);
    cJSON *doc = cJSON_CreateObject ();
    if (!doc)
        return s_oom (err, errsize);
    rpl_code_t code = s_pop_reply (self, who, phone, expires, doc, err, errsize);
    sodium_memzero (phone, sizeof phone);
    if (code != RPL_OK) {
        cJSON_Delete (doc);
        return code;
    }
    *result = doc;
    return RPL_OK;
}

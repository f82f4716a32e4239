/*  customer_find — see customer_find.h. */
#include "customer_find.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/clock.h"
#include "db/statements.h"
#include "model/contact.h"
#include "model/ticket.h"
#include "svc/failure.h"
#include "tickets_private.h"

#define S_COLUMNS "c.id, c.name, c.phone, c.address, c.region_id, c.branch_id, c.class"
/*  Names starting with $1, in byte order: every such name lies in
 *  [$1, $1 U+10FFFF) under collation "C", a range customers_name_c_idx
 *  serves (a LIKE would not reach an index under row-level security). */
#define S_PREFIX "(c.name COLLATE \"C\" >= $1::text AND c.name COLLATE \"C\" < $1::text || chr(1114111))"

static const db_statement_t s_statements[] = {
    { "icf_by_phone",
      "SELECT " S_COLUMNS " FROM ref.customers c WHERE c.phone_key = $1 ORDER BY c.id LIMIT $2" },
    /* prefix matches first, then names containing $1 (any case) */
    { "icf_by_name",
      "SELECT id, name, phone, address, region_id, branch_id, class FROM ("
      " (SELECT " S_COLUMNS ", 0 AS rank FROM ref.customers c WHERE " S_PREFIX
      "  ORDER BY c.name COLLATE \"C\", c.id LIMIT $2)"
      " UNION ALL"
      " (SELECT " S_COLUMNS ", 1 FROM ref.customers c"
      "  WHERE strpos(lower(c.name), lower($1::text)) > 0 AND NOT " S_PREFIX
      "  ORDER BY c.name COLLATE \"C\", c.id LIMIT $2)) m"
      " ORDER BY rank, name COLLATE \"C\", id LIMIT $2" },
    { "icf_contact_reads",
      "INSERT INTO ref.contact_reads (principal, customer_id, request)"
      " SELECT $1, unnest($2::text[]), $3" },
    { "icf_open_tickets",
      "SELECT t.id, t.branch_id, t.customer_id, t.product_code, t.kind, t.priority, t.status,"
      "  t.description, " DB_EPOCH_US ("t.created_at") ", " DB_EPOCH_US ("t.updated_at")
      " FROM intake.tickets t"
      " WHERE t.customer_id = ANY ($1::text[]) AND t.status <> '" TICKET_S_CLOSED "'"
      "   AND ($2::text[] IS NULL OR t.branch_id = ANY ($2::text[]))"
      " ORDER BY t.id DESC LIMIT $3" },
};

int icf_prepare (db_t *db)
{
    return db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements));
}

/*  The customers' ids as a PostgreSQL text[] literal (customer ids are
 *  1..64 of A-Z a-z 0-9 _ -: org.c, ref.customer_seq; quoted anyway).
 *  Caller frees; NULL when out of memory. */
static char *s_array_ids (const cJSON *customers)
{
    size_t size = 3;
    const cJSON *c;
    cJSON_ArrayForEach (c, customers) size += strlen (cJSON_GetStringValue (cJSON_GetObjectItem (c, "id"))) + 3;
    char *out = malloc (size), *at = out;
    if (!out)
        return NULL;
    *at++ = '{';
    cJSON_ArrayForEach (c, customers)
        at += sprintf (at, "%s\"%s\"", at == out + 1 ? "" : ",", cJSON_GetStringValue (cJSON_GetObjectItem (c, "id")));
    strcpy (at, "}");
    return out;
}

/*  The rows as customers, full or masked as who may see them. */
static cJSON *s_customers (const PGresult *res, bool full)
{
    cJSON *list = cJSON_CreateArray ();
    for (int i = 0; list && i < PQntuples (res); i++) {
        cJSON *c = cJSON_CreateObject ();
        if (!c || !cJSON_AddItemToArray (list, c)) {
            cJSON_Delete (c);
            cJSON_Delete (list);
            return NULL;
        }
        const char *phone = itk_val (res, i, 2), *address = itk_val (res, i, 3);
        char masked_phone[80], masked_address[1100];
        if (!full) {
            phone = phone ? contact_mask_phone (phone, masked_phone, sizeof masked_phone) : NULL;
            address = address ? contact_mask_address (address, masked_address, sizeof masked_address) : NULL;
        }
        itk_add_str (c, "id", itk_val (res, i, 0));
        itk_add_str (c, "name", itk_val (res, i, 1));
        itk_add_str (c, "phone", phone);
        itk_add_str (c, "address", address);
        itk_add_str (c, "region", itk_val (res, i, 4));
        itk_add_str (c, "branch", itk_val (res, i, 5));
        itk_add_str (c, "class", itk_val (res, i, 6));
    }
    return list;
}

rpl_code_t icf_find (db_t *db, const svc_who_t *who, const char *request, const ilr_find_t *q,
                     cJSON **customers, char *err, size_t errsize)
{
    *customers = NULL;
    if (db_ensure (db) != 0)
        return svc_db_request_failure (db, "connecting", err, errsize);
    char limit[16];
    snprintf (limit, sizeof limit, "%d", q->limit);
    const char *p[] = { q->name ? q->name : q->phone_key, limit };
    PGresult *res = db_exec_prepared (db, q->name ? "icf_by_name" : "icf_by_phone", 2, p);
    if (!res)
        return svc_db_request_failure (db, "looking the customer up", err, errsize);
    cJSON *list = s_customers (res, who->contact);
    PQclear (res);
    char *ids = list && who->contact && cJSON_GetArraySize (list) > 0 ? s_array_ids (list) : NULL;
    if (!list || (who->contact && cJSON_GetArraySize (list) > 0 && !ids)) {
        cJSON_Delete (list);
        free (ids);
        snprintf (err, errsize, "out of memory");
        return RPL_INTERNAL;
    }
    if (ids) {
        /* every full read recorded before it is answered */
        const char *a[] = { who->principal, ids, request };
        PGresult *audit = db_exec_prepared (db, "icf_contact_reads", 3, a);
        free (ids);
        if (!audit) {
            cJSON_Delete (list);
            return svc_db_request_failure (db, "recording the read of contact data", err, errsize);
        }
        PQclear (audit);
    }
    *customers = list;
    return RPL_OK;
}

static cJSON *s_tickets (const PGresult *res)
{
    cJSON *list = cJSON_CreateArray ();
    for (int i = 0; list && i < PQntuples (res); i++) {
        cJSON *t = cJSON_CreateObject ();
        if (!t || !cJSON_AddItemToArray (list, t)) {
            cJSON_Delete (t);
            cJSON_Delete (list);
            return NULL;
        }
        char created[40], updated[40];
        cJSON_AddNumberToObject (t, "id", (double) strtoll (PQgetvalue (res, i, 0), NULL, 10));
        itk_add_str (t, "branch", itk_val (res, i, 1));
        itk_add_str (t, "customer_id", itk_val (res, i, 2));
        itk_add_str (t, "product_code", itk_val (res, i, 3));
        itk_add_str (t, "kind", itk_val (res, i, 4));
        itk_add_str (t, "priority", itk_val (res, i, 5));
        itk_add_str (t, "status", itk_val (res, i, 6));
        itk_add_str (t, "description", itk_val (res, i, 7));
        itk_add_str (t, "created_at", clock_format_us (strtoll (PQgetvalue (res, i, 8), NULL, 10), created, sizeof created));
        itk_add_str (t, "updated_at", clock_format_us (strtoll (PQgetvalue (res, i, 9), NULL, 10), updated, sizeof updated));
    }
    return list;
}

rpl_code_t icf_open_tickets (db_t *db, const svc_who_t *who, const cJSON *customers, cJSON **tickets,
                             char *err, size_t errsize)
{
    *tickets = NULL;
    char branches[4096], limit[16];
    if (!svc_who_branches_fit (who, sizeof branches)) {
        snprintf (err, errsize, "request: the caller acts for more branches than a look-up can name");
        return RPL_INTERNAL;
    }
    if (cJSON_GetArraySize (customers) == 0)
        return (*tickets = cJSON_CreateArray ()) ? RPL_OK : RPL_INTERNAL;
    char *ids = s_array_ids (customers);
    if (!ids) {
        snprintf (err, errsize, "out of memory");
        return RPL_INTERNAL;
    }
    snprintf (limit, sizeof limit, "%d", ICF_OPEN_TICKETS_MAX);
    const char *p[] = { ids, svc_who_branches_literal (who, branches, sizeof branches), limit };
    PGresult *res = db_exec_prepared (db, "icf_open_tickets", 3, p);
    free (ids);
    if (!res)
        return svc_db_request_failure (db, "reading the customer's open tickets", err, errsize);
    *tickets = s_tickets (res);
    PQclear (res);
    if (*tickets)
        return RPL_OK;
    snprintf (err, errsize, "out of memory");
    return RPL_INTERNAL;
}

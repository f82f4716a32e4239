/*  tickets_read — ticket.get and ticket.list: reading tickets back, with
 *  their customer and history (contract in tickets.h), confined to the
 *  caller's branches. Plain reads in autocommit; the only write is the
 *  audit row of a full read of a customer's contact data, made before the
 *  data is answered (no audit, no answer).
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/cursor.h"
#include "model/contact.h"
#include "tickets.h"
#include "tickets_private.h"

/*  The customer's phone and address: in full for staff of the ticket's
 *  branch who serve customers (who->contact), recorded in ref.contact_reads
 *  first; masked for everyone else. Returns 0, or -1 when the audit row
 *  could not be written (nothing is shown then). */
static int s_add_contact (itk_t *self, const svc_who_t *who, cJSON *customer, PGresult *t,
                          const char *ticket_id)
{
    const char *phone = itk_val (t, 0, 18), *address = itk_val (t, 0, 19);
    if (who->contact) {
        const char *p[] = { who->principal, itk_val (t, 0, 2), "ticket.get", ticket_id };
        PGresult *res = db_exec_prepared (self->db, "intake_contact_read", 4, p);
        if (!res)
            return -1;
        PQclear (res);
        itk_add_str (customer, "phone", phone);
        itk_add_str (customer, "address", address);
        return 0;
    }
    char masked[600];
    itk_add_str (customer, "phone", phone ? contact_mask_phone (phone, masked, sizeof masked) : NULL);
    itk_add_str (customer, "address",
                 address ? contact_mask_address (address, masked, sizeof masked) : NULL);
    return 0;
}

rpl_code_t itk_get (itk_t *self, const svc_who_t *who, int64_t ticket_id, cJSON **result,
                    char *err, size_t errsize)
{
    *result = NULL;
    if (db_ensure (self->db) != 0)
        return svc_db_request_failure (self->db, "connecting", err, errsize);
    char id[32];
    snprintf (id, sizeof id, "%" PRId64, ticket_id);
    const char *p[] = { id };
    PGresult *t = NULL, *h = NULL;
    cJSON *doc = NULL;
    rpl_code_t code = RPL_OK;

    if (!(t = db_exec_prepared (self->db, "intake_get", 1, p))) {
        code = svc_db_request_failure (self->db, "reading the ticket", err, errsize);
        goto cleanup;
    }
    /* outside the caller's branches: as if it did not exist */
    if (PQntuples (t) != 1 || !svc_who_sees_branch (who, itk_val (t, 0, 1))) {
        snprintf (err, errsize, "body.ticket_id: no ticket %s", id);
        code = RPL_NOT_FOUND;
        goto cleanup;
    }
    if (!(h = db_exec_prepared (self->db, "intake_history", 1, p))) {
        code = svc_db_request_failure (self->db, "reading the ticket history", err, errsize);
        goto cleanup;
    }
    doc = cJSON_CreateObject ();
    cJSON *ticket = cJSON_AddObjectToObject (doc, "ticket");
    cJSON *customer = cJSON_CreateObject ();
    cJSON *history = cJSON_AddArrayToObject (doc, "history");
    if (!doc || !ticket || !customer || !history) {
        cJSON_Delete (customer);
        snprintf (err, errsize, "out of memory");
        code = RPL_INTERNAL;
        goto cleanup;
    }
    cJSON_AddNumberToObject (ticket, "id", (double) ticket_id);
    itk_add_str (ticket, "branch", itk_val (t, 0, 1));
    itk_add_str (customer, "id", itk_val (t, 0, 2));
    itk_add_str (customer, "name", itk_val (t, 0, 17));
    if (s_add_contact (self, who, customer, t, id) != 0) {
        code = svc_db_request_failure (self->db, "recording the read of contact data", err, errsize);
        goto cleanup;
    }
    itk_add_str (customer, "region", itk_val (t, 0, 20));
    itk_add_str (customer, "class", itk_val (t, 0, 21));
    cJSON_AddItemToObject (ticket, "customer", customer);
    itk_add_str (ticket, "product_code", itk_val (t, 0, 3));
    itk_add_str (ticket, "serial", itk_val (t, 0, 4));
    itk_add_str (ticket, "warranty_card", itk_val (t, 0, 5));
    itk_add_str (ticket, "channel", itk_val (t, 0, 6));
    itk_add_str (ticket, "kind", itk_val (t, 0, 7));
    itk_add_str (ticket, "priority", itk_val (t, 0, 8));
    itk_add_str (ticket, "status", itk_val (t, 0, 9));
    itk_add_str (ticket, "description", itk_val (t, 0, 10));
    cJSON_AddNumberToObject (ticket, "contact_count", atoi (PQgetvalue (t, 0, 11)));
    itk_add_str (ticket, "request_id", itk_val (t, 0, 12));
    itk_add_time (ticket, "created_at", itk_val (t, 0, 13));
    itk_add_time (ticket, "updated_at", itk_val (t, 0, 14));
    itk_add_time (ticket, "closed_at", itk_val (t, 0, 15));
    itk_add_str (ticket, "resolution", itk_val (t, 0, 16));
    /* waiting on the customer or for parts (ticket.event paused), else null */
    itk_add_str (ticket, "paused_reason", itk_val (t, 0, 22));
    itk_add_time (ticket, "paused_at", itk_val (t, 0, 23));

    const cJSON *flagged = NULL; /* the three-repairs rule's flag, as counted when set (repairs.h) */
    for (int i = 0; i < PQntuples (h); i++) {
        cJSON *ev = cJSON_CreateObject ();
        if (!ev)
            break;
        itk_add_time (ev, "at", itk_val (h, i, 0));
        itk_add_str (ev, "actor", itk_val (h, i, 1));
        itk_add_str (ev, "event", itk_val (h, i, 2));
        const char *detail = itk_val (h, i, 3);
        cJSON *d = detail ? cJSON_Parse (detail) : NULL;
        cJSON_AddItemToObject (ev, "detail", d ? d : cJSON_CreateObject ());
        cJSON_AddItemToArray (history, ev);
        if (strcmp (itk_val (h, i, 2), "replacement_flagged") == 0)
            flagged = cJSON_GetObjectItemCaseSensitive (ev, "detail");
    }
    cJSON_AddItemToObject (ticket, "replacement",
                           itk_val (t, 0, 24) && flagged ? cJSON_Duplicate (flagged, true) : cJSON_CreateNull ());
    *result = doc;
    doc = NULL;
cleanup:
    PQclear (t);
    PQclear (h);
    cJSON_Delete (doc);
    return code;
}

rpl_code_t itk_list (itk_t *self, const svc_who_t *who, const irq_list_t *filter,
                     cJSON **result, char *err, size_t errsize)
{
    *result = NULL;
    char limit[16], branches[4096];
    if (!svc_who_branches_fit (who, sizeof branches)) {
        snprintf (err, errsize, "request: the caller acts for more branches than a list can name");
        return RPL_INTERNAL;
    }
    if (db_ensure (self->db) != 0)
        return svc_db_request_failure (self->db, "connecting", err, errsize);
    snprintf (limit, sizeof limit, "%d", filter->limit + 1); /* one more: does a next page follow? */
    const char *p[] = { filter->branch, filter->status, filter->kind, filter->customer_id,
                        limit, svc_who_branches_literal (who, branches, sizeof branches),
                        cur_page_id (&filter->page) };
    PGresult *res = db_exec_prepared (self->db, "intake_list", 7, p);
    if (!res)
        return svc_db_request_failure (self->db, "listing tickets", err, errsize);
    cJSON *doc = cJSON_CreateObject ();
    cJSON *tickets = doc ? cJSON_AddArrayToObject (doc, "tickets") : NULL;
    if (!tickets) {
        PQclear (res);
        cJSON_Delete (doc);
        snprintf (err, errsize, "out of memory");
        return RPL_INTERNAL;
    }
    int rows = cur_page_rows (&filter->page, PQntuples (res));
    if (cur_page_next_row (&filter->page, doc, res, 0, 0) != 0) {
        PQclear (res);
        cJSON_Delete (doc);
        snprintf (err, errsize, "out of memory");
        return RPL_INTERNAL;
    }
    for (int i = 0; i < rows; i++) {
        cJSON *t = cJSON_CreateObject ();
        if (!t)
            break;
        cJSON_AddNumberToObject (t, "id", (double) strtoll (PQgetvalue (res, i, 0), NULL, 10));
        itk_add_str (t, "branch", itk_val (res, i, 1));
        itk_add_str (t, "customer_id", itk_val (res, i, 2));
        itk_add_str (t, "customer_name", itk_val (res, i, 3));
        itk_add_str (t, "product_code", itk_val (res, i, 4));
        itk_add_str (t, "channel", itk_val (res, i, 5));
        itk_add_str (t, "kind", itk_val (res, i, 6));
        itk_add_str (t, "priority", itk_val (res, i, 7));
        itk_add_str (t, "status", itk_val (res, i, 8));
        cJSON_AddNumberToObject (t, "contact_count", atoi (PQgetvalue (res, i, 9)));
        itk_add_time (t, "created_at", itk_val (res, i, 10));
        itk_add_time (t, "updated_at", itk_val (res, i, 11));
        itk_add_str (t, "description", itk_val (res, i, 12));
        char masked[80];
        const char *phone = itk_val (res, i, 13);
        itk_add_str (t, "customer_phone", phone ? contact_mask_phone (phone, masked, sizeof masked) : NULL);
        cJSON_AddItemToArray (tickets, t);
    }
    PQclear (res);
    *result = doc;
    return RPL_OK;
}

/*  admin_audit — `kefuctl admin audit`: who read which customer's full
 *  contact data, when, and through which request (ref.contact_reads,
 *  schemas/sql/0016_contact_data.sql). The audit itself names customers by
 *  id only.
 */
#include <stdio.h>
#include <string.h>

#include "admin.h"

#define S_LIMIT_DEFAULT "100"

int admin_audit (kctl_t *k, int argc, char **argv)
{
    const char *customer = NULL, *staff = NULL, *limit = NULL;
    const args_spec_t spec[] = { { "customer", true, &customer, NULL }, { "staff", true, &staff, NULL },
                                 { "limit", true, &limit, NULL },       { NULL, false, NULL, NULL } };
    int rc = admin_args (k, "audit", spec, argc, argv, NULL, 0, "no arguments besides --customer, --staff, --limit");
    if (rc)
        return rc < 0 ? KCTL_OK : rc;
    if (!limit)
        limit = S_LIMIT_DEFAULT;
    int64_t n;
    if (args_int ("admin audit", "--limit", limit, 1, 100000, &n) != 0)
        return KCTL_USAGE;
    const char *p[] = { customer, staff, limit };
    return admin_query_print (k, "audit",
                              "SELECT id::text, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') AS at,"
                              " principal, customer_id, request, coalesce(ticket_id::text, '') AS ticket"
                              " FROM ref.contact_reads WHERE ($1::text IS NULL OR customer_id = $1)"
                              " AND ($2::text IS NULL OR principal = $2) ORDER BY id DESC LIMIT $3::int",
                              3, p, "reads", "no reads of customer contact data recorded");
}

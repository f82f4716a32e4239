/*  route_list — the route table as text (route_list.h). */
#include "route_list.h"

#include <string.h>

#include "route.h"
#include "routes.h"

static void s_flags (const gw_route_t *row, char *out, size_t size)
{
    static const struct {
        unsigned bit;
        const char *name;
    } names[] = { { GW_QUERY, "query" }, { GW_BODY, "body" }, { GW_IDEMPOTENT, "idempotent" },
                  { GW_PAGED, "paged" }, { GW_CREATED, "created" } };
    out[0] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (row->flags & names[i].bit)
            snprintf (out + strlen (out), size - strlen (out), "%s%s", out[0] ? "," : "", names[i].name);
    if (row->csv)
        snprintf (out + strlen (out), size - strlen (out), "%s%s", out[0] ? "," : "", "csv");
    if (!out[0])
        snprintf (out, size, "-");
}

int gw_route_list_print (FILE *out)
{
    const gw_route_t *const areas[] = { gw_routes_tickets, gw_routes_sla, gw_routes_work, gw_routes_money };
    for (size_t a = 0; a < sizeof areas / sizeof areas[0]; a++)
        for (const gw_route_t *row = areas[a]; row->path; row++) {
            char flags[80];
            s_flags (row, flags, sizeof flags);
            fprintf (out, "%s %s %s %s %s\n", gw_method_name (row->method), row->path, row->service, row->request,
                     flags);
        }
    return fflush (out) == 0 && !ferror (out) ? 0 : -1;
}

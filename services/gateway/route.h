/*  route — the REST API's table: one row per HTTP operation, each turned
 *  into one request of one service's request endpoint (docs/gateway.md).
 *
 *  A row says which method and path it answers, which service answers it
 *  and under which request name; the gateway builds the request's body from
 *  the path's {fields}, the query string (GET) or the JSON body (others),
 *  sends it with the caller's token, and maps the reply to HTTP. The
 *  tables live by area in api/ (api/tickets.c, api/work.c, …), so each
 *  area's operations are read in one place; routes.c joins them.
 */
#ifndef KEFU_GATEWAY_ROUTE_H
#define KEFU_GATEWAY_ROUTE_H

typedef enum {
    GW_GET = 1,
    GW_POST,
    GW_PUT,
    GW_PATCH,
    GW_DELETE,
} gw_method_t;

/*  What a row's request takes from HTTP, as bits. */
enum {
    GW_QUERY = 1u << 0,      /* query parameters become body fields, typed by the request's schema */
    GW_BODY = 1u << 1,       /* the JSON body is the request's body (path fields are added to it) */
    GW_IDEMPOTENT = 1u << 2, /* Idempotency-Key becomes the body's request_id */
    GW_PAGED = 1u << 3,      /* a list: ?cursor= and ?limit=, the reply's next_cursor */
    GW_CREATED = 1u << 4,    /* success is 201 Created rather than 200 */
};

/*  CSV of a reply (Accept: text/csv), for the operations whose kefuctl
 *  command offers --csv: the rows are the array `list` of the result, the
 *  columns its members' `columns` (comma-separated keys, also the header). */
typedef struct {
    const char *list;
    const char *columns;
} gw_csv_t;

typedef struct {
    gw_method_t method;
    const char *path;     /* "/api/v1/tickets/{id}": each {field} segment is the body field of that name */
    const char *service;  /* whose request endpoint answers: "intake", "dispatch", … */
    const char *request;  /* the request's name there: "ticket.get" */
    unsigned flags;       /* GW_… bits */
    const gw_csv_t *csv;  /* NULL: JSON only */
} gw_route_t;

/*  Each area's table ends with a row whose path is NULL. */
extern const gw_route_t gw_routes_tickets[];  /* api/tickets.c: tickets, customers, screen pops */
extern const gw_route_t gw_routes_sla[];      /* api/sla.c: due, clocks, board, report, work orders */
extern const gw_route_t gw_routes_work[];     /* api/work.c: qc, callback */
extern const gw_route_t gw_routes_money[];    /* api/money.c: billing, claims */

#endif

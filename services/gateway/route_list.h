/*  route_list — the route table as text, one row a line, for
 *  `kefu-gateway --routes`: what the contract test compares with
 *  schemas/openapi.yaml (tests/integration/test_api_routes.py).
 */
#ifndef KEFU_GATEWAY_ROUTE_LIST_H
#define KEFU_GATEWAY_ROUTE_LIST_H

#include <stdio.h>

/*  Prints every row of every area's table (route.h) as
 *  "METHOD PATH SERVICE REQUEST FLAGS", FLAGS the row's GW_ bits and its
 *  CSV as a comma-separated list of query, body, idempotent, paged,
 *  created, csv ("-" for none). Returns 0, or -1 when out could not be
 *  written. */
int gw_route_list_print (FILE *out);

#endif

/*  sla — the REST operations of this area (route.h). */
#include "../route.h"

#include <stddef.h>

const gw_route_t gw_routes_sla[] = {
    { GW_GET, "/api/v1/sla/board", "dispatch", "sla.board", GW_QUERY, NULL },
    { 0, NULL, NULL, NULL, 0, NULL },
};

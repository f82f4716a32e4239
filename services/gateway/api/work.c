/*  work — the REST operations of this area (route.h). */
#include "../route.h"

#include <stddef.h>

const gw_route_t gw_routes_work[] = {
    { 0, NULL, NULL, NULL, 0, NULL },
};

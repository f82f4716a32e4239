/*  who — see who.h. */
#include "who.h"

#include <string.h>

bool svc_who_sees_branch (const svc_who_t *who, const char *branch)
{
    if (!who->branches)
        return true;
    if (!branch)
        return false;
    for (size_t i = 0; i < who->n_branches; i++)
        if (strcmp (who->branches[i], branch) == 0)
            return true;
    return false;
}

svc_who_t svc_who_system (const char *service)
{
    return (svc_who_t) { .principal = service };
}

/*  who — see who.h. */
#include "who.h"

#include <stdio.h>
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

bool svc_who_branches_fit (const svc_who_t *who, size_t size)
{
    size_t need = 3; /* braces and NUL */
    for (size_t i = 0; who->branches && i < who->n_branches; i++)
        need += strlen (who->branches[i]) + 1;
    return need <= size;
}

const char *svc_who_branches_literal (const svc_who_t *who, char *out, size_t size)
{
    if (!who->branches || !svc_who_branches_fit (who, size))
        return NULL;
    size_t used = 0;
    out[used++] = '{';
    for (size_t i = 0; i < who->n_branches; i++)
        used += (size_t) snprintf (out + used, size - used, "%s%s", i ? "," : "", who->branches[i]);
    snprintf (out + used, size - used, "}");
    return out;
}

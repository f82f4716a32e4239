/*  scope — see scope.h. */
#include "scope.h"

#include <assert.h>
#include <string.h>

#include "base/ident.h"
#include "base/log.h"

#define S_EVERY_BRANCH "*"
#define S_ID_MAX 32

int db_scope_set (db_t *db, const svc_who_t *who)
{
    assert (db && who);
    if (!who->branches)
        return db_scope_system (db);
    char value[DB_SCOPE_MAX + 1];
    size_t len = 0;
    for (size_t i = 0; i < who->n_branches; i++) {
        const char *id = who->branches[i];
        size_t n = id ? strlen (id) : 0;
        if (!ident_valid (id, S_ID_MAX) || len + n + 1 > DB_SCOPE_MAX) {
            db_scope_clear (db);
            log_kv (LOG_WARN, "scope_refused", "principal", who->principal ? who->principal : "",
                    "reason", ident_valid (id, S_ID_MAX) ? "too many branches"
                                                  : "a branch id is not an identifier",
                    NULL);
            return -1;
        }
        if (len > 0)
            value[len++] = ',';
        memcpy (value + len, id, n);
        len += n;
    }
    value[len] = '\0';
    return db_set_scope (db, value);
}

int db_scope_system (db_t *db)
{
    assert (db);
    return db_set_scope (db, S_EVERY_BRANCH);
}

void db_scope_clear (db_t *db)
{
    assert (db);
    db_set_scope (db, NULL);
}

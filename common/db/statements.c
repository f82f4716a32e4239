/*  statements — see statements.h. */
#include "statements.h"

#include <assert.h>

int db_prepare_statements (db_t *db, const db_statement_t *table, size_t n)
{
    assert (db && (table || n == 0));
    for (size_t i = 0; i < n; i++)
        if (db_prepare (db, table[i].name, table[i].sql) != 0)
            return -1;
    return 0;
}

/*  statements — a module's SQL as one table of named statements, registered
 *  on a connection with one call. Each module keeps its table next to the
 *  code that runs it:
 *
 *      static const db_statement_t s_statements[] = {
 *          { "dispatch_wo_create", S_SQL_WO_CREATE },
 *          { "dispatch_wo_assign", S_SQL_WO_ASSIGN },
 *      };
 *      if (db_prepare_statements (db, s_statements, DB_STATEMENTS (s_statements)) != 0)
 *          ... db_error (db) names the statement that failed ...
 */
#ifndef KEFU_STATEMENTS_H
#define KEFU_STATEMENTS_H

#include <stddef.h>

#include "db/db.h"

typedef struct {
    const char *name; /* unique on the connection, "<module>_<what>" */
    const char *sql;
} db_statement_t;

/*  The number of rows of a statement table (an array, not a pointer). */
#define DB_STATEMENTS(table) (sizeof (table) / sizeof (table)[0])

/*  Registers every statement of the table on db (db_prepare: prepared at
 *  once when connected, and again on every reconnection). Returns 0, or -1
 *  at the first that fails, with db_error set (the database's reason). */
int db_prepare_statements (db_t *db, const db_statement_t *table, size_t n);

#endif

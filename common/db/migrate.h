/*  migrate — applies schemas/sql/NNNN_name.sql in order, each in its own
 *  transaction, recording version, name and a SHA-256 of the file in
 *  kefu.schema_migrations. An applied file whose checksum changed is an
 *  error (released migrations are never edited). Takes a session advisory
 *  lock so two migrators never interleave.
 */
#ifndef KEFU_MIGRATE_H
#define KEFU_MIGRATE_H

#include <stddef.h>
#include "db.h"

/*  Applies what is missing. Returns the number applied (>= 0) or -1 with the
 *  reason in err. */
int migrate_apply (db_t *db, const char *sql_dir, char *err, size_t errsize);

#endif

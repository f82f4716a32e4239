/*  migrate — applies schemas/sql/NNNN_name.sql in order (see migrate.h).
 *
 *  Rules enforced here, each with a specific error:
 *    - a file name is NNNN_name.sql (four digits, lower-case name); two
 *      files may not share a version;
 *    - an applied migration's file must still exist with the same name and
 *      the same SHA-256 (released migrations are never edited);
 *    - a new migration comes after the last applied one (no gaps filled in
 *      later, which would apply changes out of order on existing databases).
 *  The checksum is computed by PostgreSQL (sha256(), built in since 11), so
 *  no crypto code lives here. Each file runs in its own transaction together
 *  with its bookkeeping row; a transaction-level advisory lock plus a
 *  re-check inside that transaction keep the rule even if the session lock
 *  were lost to a reconnect.
 */
#include "base/err.h"
#include "migrate.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/log.h"

#define MIGRATE_LOCK_KEY  "7308325104402837504"  /* arbitrary, fixed: 'kefu' migrations */
#define MIGRATE_MAX_FILES 10000
#define MIGRATE_MAX_BYTES (16 * 1024 * 1024)

typedef struct {
    int version;
    char *name;     /* file name, "0002_ref.sql" */
    char *text;     /* contents */
    char checksum[65];
} mig_file_t;

typedef struct {
    mig_file_t *file;
    const char *dir;
    bool skipped;   /* already applied by someone else meanwhile */
    char err[512];
} mig_apply_t;

/*  True for NNNN_name.sql with name in [a-z0-9_]+; sets *version. */
static bool s_parse_name (const char *name, int *version)
{
    size_t len = strlen (name);
    if (len < 10 || strcmp (name + len - 4, ".sql") != 0)
        return false;
    for (int i = 0; i < 4; i++)
        if (!isdigit ((unsigned char) name[i]))
            return false;
    if (name[4] != '_')
        return false;
    for (size_t i = 5; i < len - 4; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            return false;
    }
    *version = (name[0] - '0') * 1000 + (name[1] - '0') * 100 + (name[2] - '0') * 10 + (name[3] - '0');
    return *version > 0;
}

static int s_cmp_files (const void *a, const void *b)
{
    const mig_file_t *fa = a, *fb = b;
    return fa->version - fb->version;
}

static void s_free_files (mig_file_t *files, int n)
{
    for (int i = 0; i < n; i++) {
        free (files[i].name);
        free (files[i].text);
    }
    free (files);
}

/*  Reads one file whole. Returns its text (caller frees) or NULL. */
static char *s_read_file (const char *path, char *err, size_t errsize)
{
    char *text = NULL;
    FILE *f = fopen (path, "rb");
    if (!f) {
        err_set (err, errsize, "%s: cannot open: %s", path, strerror (errno));
        return NULL;
    }
    struct stat st;
    if (fstat (fileno (f), &st) != 0 || !S_ISREG (st.st_mode)) {
        err_set (err, errsize, "%s: not a regular file", path);
        goto cleanup;
    }
    if (st.st_size > MIGRATE_MAX_BYTES) {
        err_set (err, errsize, "%s: larger than %d bytes", path, MIGRATE_MAX_BYTES);
        goto cleanup;
    }
    text = malloc ((size_t) st.st_size + 1);
    if (!text) {
        err_set (err, errsize, "%s: out of memory", path);
        goto cleanup;
    }
    size_t got = fread (text, 1, (size_t) st.st_size, f);
    if (got != (size_t) st.st_size || ferror (f)) {
        err_set (err, errsize, "%s: read error", path);
        free (text);
        text = NULL;
        goto cleanup;
    }
    text[got] = '\0';
    if (strlen (text) != got) {
        err_set (err, errsize, "%s: contains a NUL byte (expected SQL text)", path);
        free (text);
        text = NULL;
    }
cleanup:
    fclose (f);
    return text;
}

/*  Lists and reads every migration file in dir, sorted by version.
 *  Returns the count (>= 0) with *files_p set, or -1. */
static int s_load_dir (const char *dir, mig_file_t **files_p, char *err, size_t errsize)
{
    mig_file_t *files = NULL;
    int n = 0, cap = 0, rc = -1;
    DIR *d = opendir (dir);
    if (!d) {
        err_set (err, errsize, "%s: cannot open migrations directory: %s", dir, strerror (errno));
        return -1;
    }
    struct dirent *de;
    while ((de = readdir (d)) != NULL) {
        const char *name = de->d_name;
        size_t len = strlen (name);
        if (len < 4 || strcmp (name + len - 4, ".sql") != 0)
            continue;   /* README, editor files… */
        int version;
        if (!s_parse_name (name, &version)) {
            err_set (err, errsize, "%s/%s: bad migration file name (expected NNNN_name.sql, "
                   "NNNN from 0001, name in a-z 0-9 _)", dir, name);
            goto cleanup;
        }
        if (n == MIGRATE_MAX_FILES) {
            err_set (err, errsize, "%s: more than %d migration files", dir, MIGRATE_MAX_FILES);
            goto cleanup;
        }
        if (n == cap) {
            int ncap = cap ? cap * 2 : 16;
            mig_file_t *grown = realloc (files, (size_t) ncap * sizeof *files);
            if (!grown) {
                err_set (err, errsize, "out of memory");
                goto cleanup;
            }
            files = grown;
            cap = ncap;
        }
        memset (&files[n], 0, sizeof files[n]);
        files[n].version = version;
        files[n].name = strdup (name);
        n++;
        if (!files[n - 1].name) {
            err_set (err, errsize, "out of memory");
            goto cleanup;
        }
    }
    if (n > 0)
        qsort (files, (size_t) n, sizeof *files, s_cmp_files);
    for (int i = 0; i < n; i++) {
        if (i > 0 && files[i].version == files[i - 1].version) {
            err_set (err, errsize, "%s: %s and %s have the same version %04d", dir,
                   files[i - 1].name, files[i].name, files[i].version);
            goto cleanup;
        }
        char path[4096];
        snprintf (path, sizeof path, "%s/%s", dir, files[i].name);
        files[i].text = s_read_file (path, err, errsize);
        if (!files[i].text)
            goto cleanup;
    }
    *files_p = files;
    files = NULL;
    rc = n;
cleanup:
    closedir (d);
    if (files)
        s_free_files (files, n);
    return rc;
}

/*  SHA-256 of the file text, computed by the server. */
static int s_checksum (db_t *db, mig_file_t *file, char *err, size_t errsize)
{
    const char *params[] = { file->text };
    PGresult *res = db_exec (db, "SELECT encode(sha256(convert_to($1::text, 'UTF8')), 'hex')", 1, params);
    if (!res) {
        err_set (err, errsize, "%s: checksum: %s", file->name, db_error (db));
        return -1;
    }
    int rc = -1;
    if (PQntuples (res) == 1 && PQgetlength (res, 0, 0) == 64) {
        memcpy (file->checksum, PQgetvalue (res, 0, 0), 64);
        file->checksum[64] = '\0';
        rc = 0;
    }
    else
        err_set (err, errsize, "%s: checksum: unexpected result", file->name);
    PQclear (res);
    return rc;
}

/*  Compares one applied row with its file. Returns 0 or -1 (err set). */
static int s_check_applied (const mig_file_t *file, const char *name, const char *checksum,
                            char *err, size_t errsize)
{
    if (strcmp (name, file->name) != 0) {
        err_set (err, errsize, "%s: version %04d was applied as %s (a released migration is never renamed)",
               file->name, file->version, name);
        return -1;
    }
    if (strcmp (checksum, file->checksum) != 0) {
        err_set (err, errsize, "%s: checksum changed since it was applied (applied %.12s…, file %.12s…): "
               "released migrations are never edited; add a new migration instead",
               file->name, checksum, file->checksum);
        return -1;
    }
    return 0;
}

/*  One migration in one transaction (db_tx callback). */
static int s_apply_one (db_t *db, void *arg)
{
    mig_apply_t *ctx = arg;
    mig_file_t *file = ctx->file;
    char version[16];
    snprintf (version, sizeof version, "%d", file->version);
    const char *vparams[] = { version };

    PGresult *res = db_exec (db, "SELECT pg_advisory_xact_lock(" MIGRATE_LOCK_KEY ")", 0, NULL);
    if (!res)
        return -1;
    PQclear (res);
    res = db_exec (db, "SELECT name, checksum FROM kefu.schema_migrations WHERE version = $1::int",
                   1, vparams);
    if (!res)
        return -1;
    if (PQntuples (res) == 1) {
        /* Applied by another migrator since we looked: same rules apply. */
        int rc = s_check_applied (file, PQgetvalue (res, 0, 0), PQgetvalue (res, 0, 1), ctx->err,
                                  sizeof ctx->err);
        PQclear (res);
        ctx->skipped = true;
        return rc;
    }
    PQclear (res);

    if (db_command (db, file->text) < 0) {
        err_set (ctx->err, sizeof ctx->err, "%s/%s: %s", ctx->dir, file->name, db_error (db));
        return -1;
    }
    const char *params[] = { version, file->name, file->checksum };
    res = db_exec (db, "INSERT INTO kefu.schema_migrations (version, name, checksum) "
                       "VALUES ($1::int, $2, $3)", 3, params);
    if (!res)
        return -1;
    PQclear (res);
    return 0;
}

int migrate_apply (db_t *db, const char *sql_dir, char *err, size_t errsize)
{
    mig_file_t *files = NULL;
    PGresult *applied = NULL;
    bool locked = false;
    int n = 0, count = 0, rc = -1;
    if (err && errsize)
        err[0] = '\0';
    if (!db || !sql_dir) {
        err_set (err, errsize, "migrate: no database or directory given");
        return -1;
    }
    n = s_load_dir (sql_dir, &files, err, errsize);
    if (n < 0)
        return -1;
    if (n == 0) {
        err_set (err, errsize, "%s: no migration files (expected NNNN_name.sql)", sql_dir);
        goto cleanup;
    }
    if (db_ensure (db) < 0) {
        err_set (err, errsize, "migrate: cannot connect: %s", db_error (db));
        goto cleanup;
    }
    PGresult *res = db_exec (db, "SELECT pg_advisory_lock(" MIGRATE_LOCK_KEY ")", 0, NULL);
    if (!res) {
        err_set (err, errsize, "migrate: lock: %s", db_error (db));
        goto cleanup;
    }
    PQclear (res);
    locked = true;
    if (db_command (db, "CREATE SCHEMA IF NOT EXISTS kefu; "
                        "CREATE TABLE IF NOT EXISTS kefu.schema_migrations ("
                        " version int PRIMARY KEY CHECK (version > 0),"
                        " name text NOT NULL,"
                        " checksum text NOT NULL,"
                        " applied_at timestamptz NOT NULL DEFAULT now())") < 0) {
        err_set (err, errsize, "migrate: cannot create kefu.schema_migrations: %s", db_error (db));
        goto cleanup;
    }
    for (int i = 0; i < n; i++)
        if (s_checksum (db, &files[i], err, errsize) < 0)
            goto cleanup;

    applied = db_exec (db, "SELECT version, name, checksum FROM kefu.schema_migrations ORDER BY version",
                       0, NULL);
    if (!applied) {
        err_set (err, errsize, "migrate: reading kefu.schema_migrations: %s", db_error (db));
        goto cleanup;
    }
    int max_applied = 0;
    for (int r = 0; r < PQntuples (applied); r++) {
        int version = atoi (PQgetvalue (applied, r, 0));
        const char *name = PQgetvalue (applied, r, 1);
        mig_file_t *file = NULL;
        for (int i = 0; i < n && !file; i++)
            if (files[i].version == version)
                file = &files[i];
        if (!file) {
            err_set (err, errsize, "%s: the database has migration %s applied but there is no such "
                   "file (is this build older than the database?)", sql_dir, name);
            goto cleanup;
        }
        if (s_check_applied (file, name, PQgetvalue (applied, r, 2), err, errsize) < 0)
            goto cleanup;
        if (version > max_applied)
            max_applied = version;
    }

    for (int i = 0; i < n; i++) {
        bool done = false;
        for (int r = 0; r < PQntuples (applied) && !done; r++)
            done = atoi (PQgetvalue (applied, r, 0)) == files[i].version;
        if (done)
            continue;
        if (files[i].version < max_applied) {
            err_set (err, errsize, "%s: not applied, but a later migration (%04d) already is: "
                   "new migrations must be numbered after the last released one",
                   files[i].name, max_applied);
            goto cleanup;
        }
        mig_apply_t ctx = { .file = &files[i], .dir = sql_dir };
        bool fn_failed = false;
        db_status_t st = db_tx (db, s_apply_one, &ctx, &fn_failed);
        if (st != DB_OK) {
            if (ctx.err[0])
                err_set (err, errsize, "%s", ctx.err);
            else
                err_set (err, errsize, "%s/%s: %s", sql_dir, files[i].name, db_error (db));
            goto cleanup;
        }
        if (!ctx.skipped) {
            count++;
            log_kv (LOG_INFO, "migration_applied", "file", files[i].name, "checksum",
                    files[i].checksum, NULL);
        }
    }
    rc = count;

cleanup:
    PQclear (applied);
    if (locked) {
        PGresult *unlock = db_exec (db, "SELECT pg_advisory_unlock(" MIGRATE_LOCK_KEY ")", 0, NULL);
        PQclear (unlock);
    }
    if (files)
        s_free_files (files, n);
    return rc;
}

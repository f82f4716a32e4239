/*  admin — kefuctl's operator commands, which talk to PostgreSQL directly as
 *  the owner role (cfg_conninfo_for (cfg, "kefu_owner", "kefuctl")):
 *    migrate          apply schemas/sql migrations
 *    load ORG.yaml    upsert the organisation into ref.* in one transaction
 *    dead-letters     list dead letters of every service schema
 *    requeue SVC ID   send a dead outbox row again
 *    wait-ready       wait until all six services report a fresh heartbeat
 *    check-config     check a whole configuration file (admin_config.c; no database)
 *    keys             make the bus's CurveZMQ key pairs (admin_keys.c; no database)
 */
#ifndef KEFUCTL_ADMIN_H
#define KEFUCTL_ADMIN_H

#include "db/db.h"
#include "args.h"
#include "kctl.h"
#include "ref/org.h"

/*  Counts of what admin_load_org wrote. */
typedef struct {
    int tiers, regions, branches, products, technicians, deactivated, customers, cards;
    int calendars, calendar_years, calendar_days; /* holiday calendars the branches name */
    int centres, organisations, staff, staff_deactivated, accounts; /* admin_load_staff.c */
    int parts, parts_deactivated, lots;                             /* admin_load_money.c */
} admin_load_counts_t;

/*  Writes the organisation into ref.* in ONE transaction (db_tx): upserts
 *  tiers, regions, branches (hours as JSON, holiday calendar name), replaces
 *  the years and dates of every holiday calendar a branch names
 *  (ref.calendar_years, ref.calendar_days), upserts products, technicians (skills
 *  as text[], shift as JSON), customers and warranty cards, then the staff
 *  (admin_load_staff) and the parts and lots (admin_load_money); technicians no
 *  longer in the file become active = false; other rows are left alone
 *  (they may be referenced). Returns 0, or -1 with the reason in err
 *  (nothing written). */
int admin_load_org (db_t *db, const org_t *org, admin_load_counts_t *counts, char *err, size_t errsize);

/*  Within admin_load_org's transaction: centres (and the branches each
 *  serves, replaced), dealer and provider organisations, staff (every
 *  technician too) and service accounts, upserted; staff and service
 *  accounts no longer in the file become inactive, so their tokens stop
 *  working. Returns 0, or -1 with the reason in err. */
int admin_load_staff (db_t *db, const org_t *org, admin_load_counts_t *counts, char *err,
                      size_t errsize);

/*  Within admin_load_org's transaction, after the organisations: the parts
 *  list (upserted; parts no longer listed become active = false) and the
 *  lots (upserted; lots no longer listed are left alone: defects and
 *  returns are recorded against them). Returns 0, or -1 with the reason in
 *  err. */
int admin_load_money (db_t *db, const org_t *org, admin_load_counts_t *counts, char *err, size_t errsize);

/*  Marks every row of `table` whose `key` column is not among the keys of
 *  the n rows inactive (active = false): what the file no longer lists.
 *  Each row is `stride` bytes and its key is its first member (a char *).
 *  Returns how many rows, or -1 with the reason in err
 *  (admin_load_staff.c). */
int admin_deactivate (db_t *db, const char *table, const char *key, const void *rows, size_t stride, int n,
                      char *err, size_t errsize);

/*  Runs one statement of the owner's; on failure "what: db error" in err. */
int admin_exec (db_t *db, char *err, size_t errsize, const char *what, const char *sql, int n,
                const char *const *params);
/*  JSON array text of strings (skills, ids); caller frees; NULL: out of memory. */
char *admin_json_array (char *const *items, int n);

/*  `kefuctl admin --help`: every admin command's usage line. */
extern const char admin_usage[];

/*  Parses `kefuctl admin CMD` options and exactly `want` positionals (what
 *  names them in the error) and sets up. Returns KCTL_OK to go on, -1 when
 *  help was printed (done), or the exit code. */
int admin_args (kctl_t *k, const char *cmd, const args_spec_t *spec, int argc, char **argv,
                const char **pos, int want, const char *what);

/*  `kefuctl admin tokens …` and `kefuctl admin staff …` (admin_identity.c). */
int admin_tokens (kctl_t *k, int argc, char **argv);
int admin_staff (kctl_t *k, int argc, char **argv);
/*  Prints a result's rows as a table, or as {"key": [{column: text}]} with
 *  --json; `empty` when there are none. Returns KCTL_OK or KCTL_FAILED. */
int admin_print_rows (const kctl_t *k, PGresult *res, const char *key, const char *empty);
/*  Runs one query as the owner (`kefuctl admin CMD`) and prints its rows as
 *  admin_print_rows does. Returns KCTL_OK or KCTL_FAILED (reason printed). */
int admin_query_print (kctl_t *k, const char *cmd, const char *sql, int n, const char *const *p,
                       const char *key, const char *empty);
/*  `kefuctl admin audit` (admin_audit.c). */
int admin_audit (kctl_t *k, int argc, char **argv);

/*  Opens the owner connection (connects at once). Returns the handle or
 *  NULL after printing why. */
db_t *admin_connect (const kctl_t *k, const char *cmd);

/*  `kefuctl admin check-config [FILE]`: loads FILE (default: the global
 *  --config, $KEFU_CONFIG or deploy/demo/kefu.yaml) with the shared part
 *  and every known section, as cfg_load does. Prints "FILE: ok (…)" and
 *  returns KCTL_OK, or prints "file:line: key: reason" to stderr and
 *  returns KCTL_USAGE (a bad configuration file). */
int admin_check_config (kctl_t *k, int argc, char **argv);

/*  `kefuctl admin keys [--dir DIR] [NAME…]` (admin_keys.c). Returns a KCTL_ exit code. */
int admin_keys (kctl_t *k, int argc, char **argv);

#endif

/*  sla_loader — the SLA file in effect: read when the database first
 *  connects, validated against ref.tiers and ref.branches (sla_load: all or
 *  nothing), its ladders' staff ids resolved against auth.staff_directory
 *  (sla_resolve_staff: unknown, inactive or without e-mail is refused), and
 *  read again on SIGHUP. A file refused at start-up stops the
 *  dispatcher (sll_failed); a reload that is refused keeps the file in
 *  effect. Every other part of the engine asks this one for the
 *  configuration (sll_config) at each use, so a reload reaches the next
 *  clock started and the next firing.
 */
#ifndef KEFU_DISPATCH_SLA_LOADER_H
#define KEFU_DISPATCH_SLA_LOADER_H

#include <stdbool.h>
#include <stddef.h>

#include "db/db.h"
#include "sla_policy.h"

typedef struct sll_s sll_t;

/*  A loader of the SLA file at `path` that reads the reference tables with
 *  db and names the notification adapter `notify` in its log lines. All
 *  three are borrowed and must outlive the loader. Nothing is read yet.
 *  NULL when out of memory. */
sll_t *sll_new (db_t *db, const char *path, const char *notify);
/*  Frees the loader and the configuration; safe on NULL and twice. */
void sll_destroy (sll_t **self_p);

/*  Loads the file unless it is loaded already; logs "sla_config" with its
 *  counts. Returns 0, or -1 with "file:line: key: reason" (or the database
 *  error) in err; a refused file keeps failing (sll_failed). */
int sll_ensure (sll_t *self, char *err, size_t errsize);
/*  True once the file was refused at start-up: the dispatcher must not run.
 *  False for NULL. */
bool sll_failed (const sll_t *self);
/*  The configuration in effect (borrowed until the next sll_reload), or
 *  NULL before sll_ensure succeeded. */
const sla_config_t *sll_config (const sll_t *self);

/*  Reads the file again into a NEW configuration and swaps it in only when
 *  it loaded completely; logs "sla_reloaded" with its counts. A file that
 *  is refused, or a database that cannot be read, logs "sla_reload_refused"
 *  with the reason and keeps the configuration in effect. Whoever holds
 *  pointers into the old configuration drops them before (sla_engine.h).
 *  Returns 0, or -1 with the reason in err. */
int sll_reload (sll_t *self, char *err, size_t errsize);

#endif

/*  tickets_private — what the ticket desk's source files share:
 *  tickets.c (life cycle, ticket.submit and its group commit) and
 *  tickets_read.c (ticket.get, ticket.list). Not part of the contract; only
 *  tickets*.c include it.
 */
#ifndef KEFU_INTAKE_TICKETS_PRIVATE_H
#define KEFU_INTAKE_TICKETS_PRIVATE_H

#include <cjson/cJSON.h>
#include <libpq-fe.h>
#include <stdbool.h>
#include <stddef.h>

#include "msg/bus.h"
#include "db/db.h"
#include "request.h"
#include "svc/failure.h"
#include "tickets.h"

struct itk_s {
    db_t *db;
    bus_t *bus;
    char *actor;
    itk_stats_t stats;
    int replace_after; /* intake.replace_after (repairs.h) */
    struct isp_s *pops; /* screenpop.h, borrowed */
};

/*  The statement between itk_submit_start and itk_submit_finish, and its
 *  number of parameters. */
#define ITK_OI_STATEMENT "intake_open_or_insert"
#define ITK_OI_PARAMS 17

/*  State of one ticket.submit inside a transaction (reset on each run). */
typedef struct {
    itk_t *self;
    const irq_submit_t *rq;
    const svc_who_t *who;    /* the caller (NULL: the system, recorded as intake) */
    const char *phone;       /* rq->phone without spaces and dashes */
    char phone_buf[64];
    char ts[40];             /* now, RFC 3339 */
    rpl_code_t code;
    char *err;
    size_t errsize;
    cJSON *result;
    bool emitted;
    const char *outcome;     /* "created", "joined", "replayed", "closed_at_intake" */
    /* resolved along the way: */
    char customer_id[72], region[72], tier[72], branch[72], customer_class[40];
    char product_line[72];
    bool has_product, premium;
    /* set by itk_submit_prefetch for this run of the batch, else NULL: the
     * request is locked and this row of intake_lookup is what it read */
    const PGresult *prefetched;
    int prefetched_row;
    /* intake_open_or_insert's parameters, set by itk_submit_start */
    const char *oi_params[ITK_OI_PARAMS];
    char *oi_detail;         /* owned, until itk_submit_finish / itk_submit_drop */
} itk_submit_t;

/*  One ticket.submit inside the caller's transaction (arg: itk_submit_t,
 *  with self, rq, phone, ts, err set). Starts from a clean state each time
 *  (db_tx may run it again). Returns 0 with result/outcome/emitted set, or
 *  -1 with code and err (RPL_UNAVAILABLE when the database failed
 *  transiently); the caller rolls back what it did. */
int itk_submit_one (db_t *db, void *arg);
/*  itk_submit_one in two halves, so that a batch can send the one statement
 *  between them (intake_open_or_insert, its parameters in s->oi_params) for
 *  several requests in one round trip (db_exec_pipeline). itk_submit_start
 *  does all that comes before it: returns 1 when the statement is wanted, 0
 *  when the request is answered without it (a replay), -1 on failure (code
 *  and err set). itk_submit_finish takes the statement's result (PQclears
 *  it) and does the rest: 0 or -1 as itk_submit_one. itk_submit_drop frees
 *  what start kept when finish is not called (the statement failed). */
int itk_submit_start (db_t *db, itk_submit_t *s);
int itk_submit_finish (db_t *db, itk_submit_t *s, PGresult *res);
void itk_submit_drop (itk_submit_t *s);
/*  Whether itk_submit_start touches nothing another request of the batch
 *  may change first: read with the batch (itk_submit_prefetch) and a known
 *  customer. Only such requests share a round trip. */
bool itk_submit_pipelinable (const itk_submit_t *s);
/*  First thing in the batch's transaction: takes the request locks of all
 *  n submits in one statement, then reads every request's ticket (a
 *  replay), known customer (locked) and product in one more — one round
 *  trip for the batch (db_exec_pipeline) instead of two per request — and
 *  points each submit's `prefetched` at its row. A request_id that comes twice is
 *  looked up again by its second submit (it may exist by then). Returns the
 *  result, which the caller clears after the submits ran, or NULL after a
 *  database failure. */
PGresult *itk_submit_prefetch (db_t *db, itk_submit_t *subs, int n);
/*  Copies the phone without the spaces and dashes people type. */
void itk_normalise_phone (const char *in, char *out, size_t size);

/*  A text column, NULL for SQL NULL (borrowed from res). */
const char *itk_val (const PGresult *res, int row, int col);
/*  Adds a string member, or null for NULL. */
void itk_add_str (cJSON *obj, const char *key, const char *value);
/*  Adds an RFC 3339 time from a microseconds column, or null. */
void itk_add_time (cJSON *obj, const char *key, const char *us_text);

#endif

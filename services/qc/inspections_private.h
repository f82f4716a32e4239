/*  inspections_private — what the inspections module's files share (see
 *  inspections.h): the object, and the record every reply carries. */
#ifndef KEFU_QC_INSPECTIONS_PRIVATE_H
#define KEFU_QC_INSPECTIONS_PRIVATE_H

#include "inspections.h"

struct qi_s {
    db_t *db;
    bus_t *bus;
    qp_set_t *plans;
    svc_handler_t on_done; /* registered on the bus: lives as long as it */
};

/*  The record of the inspection whose qc.inspections row is `row` of res
 *  (the columns of QI_INSPECTION_COLUMNS), its levels read in the caller's
 *  transaction. Returns RPL_OK with *out, or the code with err. */
#define QI_INSPECTION_COLUMNS                                                                             \
    "id, work_order_id, ticket_id, branch_id, technician_id, kind, product_line, plan, rework_of, "     \
    "status, " DB_EPOCH_US ("done_at") ", " DB_EPOCH_US ("created_at") ", " DB_EPOCH_US ("closed_at")
rpl_code_t qi_record (qi_t *self, PGresult *res, int row, cJSON **out, char *err, size_t errsize);

/*  "out of memory" as a reply. */
rpl_code_t qi_oom (char *err, size_t errsize);

#endif

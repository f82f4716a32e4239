/*  reads — dispatch's request table (see reads.h). Who may read what:
 *  docs/security.md, "Roles and operations"; every read is confined to the
 *  caller's branches and carries no customer contact data. */
#include "reads.h"

#include "auth/roles.h"

const rqe_handler_t rds_requests[] = {
    { "sla.board", rds_board, NULL, ROLES_READ_TICKETS },
    { "sla.clocks", rds_clocks, NULL, ROLES_READ_TICKETS },
    { "sla.due", rds_due, NULL, ROLES_READ_TICKETS },
    { "sla.report", rds_report, NULL, ROLES_READ_TICKETS },
    { NULL, NULL, NULL, 0 },
};

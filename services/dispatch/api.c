/*  api — dispatch's request table (see api.h). Who may make which request:
 *  docs/security.md, "Roles and operations". */
#include "api.h"

#include "auth/roles.h"
#include "diagnosis.h"
#include "reads/reads.h"
#include "work_order_requests.h"

const rqe_handler_t dapi_requests[] = {
    RDS_REQUEST_ROWS,
    /* the technician who did the work, or a team lead of the branch for them */
    { "workorder.report", wor_done, NULL, ROLE_BIT (ROLE_TECHNICIAN) | ROLE_BIT (ROLE_TEAM_LEAD) },
    { "workorder.list", wor_list, NULL, ROLES_READ_TICKETS },
    /* the technician of the work order, or a team lead of the branch */
    { "workorder.diagnose", diagnosis_record, NULL, ROLE_BIT (ROLE_TECHNICIAN) | ROLE_BIT (ROLE_TEAM_LEAD) },
    { NULL, NULL, NULL, 0 },
};

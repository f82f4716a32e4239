/*  reads — dispatch's request table (see reads.h). */
#include "reads.h"

const rqe_handler_t rds_requests[] = {
    { "sla.board", rds_board, NULL },
    { "sla.clocks", rds_clocks, NULL },
    { "sla.due", rds_due, NULL },
    { "sla.report", rds_report, NULL },
    { NULL, NULL, NULL },
};

/*  callback — the callback service put together (svc/program.h): the
 *  messages it handles (ticket.updated, workorder.accepted: cb_schedule.h),
 *  the timer that creates periodic callbacks (cb_periodic.h), and the
 *  requests it serves on
 *  services.callback.api (cb_requests.h, cb_reports.h). docs/callback.md
 *  describes the whole of it.
 */
#ifndef KEFU_CALLBACK_H
#define KEFU_CALLBACK_H

#include "svc/program.h"

extern const svc_def_t callback_service;

#endif

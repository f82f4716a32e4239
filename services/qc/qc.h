/*  qc — the qc service put together (svc/program.h): quality inspection
 *  (质检/验收) of every work order reported done, level by level, with
 *  measured limits and rework (docs/qc.md). It handles workorder.done and
 *  serves inspection.pending, inspection.sign and inspection.get on
 *  services.qc.api; its plans come from qc.plans_file.
 */
#ifndef KEFU_QC_H
#define KEFU_QC_H

#include "svc/program.h"

extern const svc_def_t qc_service;

#endif

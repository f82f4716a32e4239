/*  changes — GET /api/v1/changes, the changes feed (docs/gateway.md "Live
 *  changes"): Server-Sent Events naming the kind of thing that changed
 *  (`event: ticket`, data {"topic": "ticket"}), never which one; the page
 *  then reads what it shows again through the API, under its caller's
 *  confinement. The caller is checked when the stream opens (a session
 *  cookie or a bearer token, open at the gateway's clock: auth.token_open)
 *  and again every GW_CHANGES_RECHECK_MS and whenever a session is revoked
 *  or a staff member made inactive (topic access): the stream ends when its
 *  token no longer is. At most stream_limit streams per instance.
 *
 *  The stream is a gw_stream_t (exchange.h): server.c hands its bytes out
 *  as libmicrohttpd asks for them, in the connection's own thread, which
 *  the read blocks while nothing changed.
 */
#ifndef KEFU_GATEWAY_CHANGES_H
#define KEFU_GATEWAY_CHANGES_H

#include <stddef.h>
#include <stdint.h>

#include "conf/config.h"
#include "exchange.h"
#include "gateway_config.h"
#include "live.h"

#define GW_CHANGES_PATH "/api/v1/changes"
/*  How often a stream's caller is checked again at the least. */
#define GW_CHANGES_RECHECK_MS 30000
/*  The shortest time between two batches of events to one stream: a burst
 *  of changes is one event per topic. */
#define GW_CHANGES_GAP_MS 150
/*  The longest silence on a stream: then a comment line. Never more than
 *  half of connection_timeout_s either. */
#define GW_CHANGES_KEEPALIVE_MS 15000

/*  Answers a request for GW_CHANGES_PATH: 405 for a method other than GET,
 *  401 without open credentials, 503 when every stream place is taken or
 *  the database cannot say; else 200 with resp->stream set. */
void gw_changes_open (gw_live_t *live, const cfg_t *cfg, const gw_request_t *req, gw_response_t *resp);

/*  The events for the topics (sendable ones only) whose generation differs
 *  between seen and now, as many as fit in buf (size bytes, >= 64); those
 *  written are copied into seen. Returns the bytes written. */
size_t gw_changes_events (const gw_live_gens_t *now, gw_live_gens_t *seen, char *buf, size_t size);

#endif

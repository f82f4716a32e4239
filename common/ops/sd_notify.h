/*  sd_notify — tells systemd a service's state without libsystemd: one
 *  datagram per state on the Unix socket named by $NOTIFY_SOCKET (a path,
 *  or '@' for Linux's abstract namespace). READY=1 when the service is
 *  ready, WATCHDOG=1 from its loop every half $WATCHDOG_USEC, STOPPING=1
 *  when it begins to stop. Everything is a no-op when NOTIFY_SOCKET is
 *  unset (not started by systemd, or not Type=notify) — see
 *  docs/operations.md "systemd".
 */
#ifndef KEFU_OPS_SD_NOTIFY_H
#define KEFU_OPS_SD_NOTIFY_H

#include <stdint.h>

/*  Sends state ("READY=1", "STOPPING=1", …: newline-separated KEY=VALUE
 *  lines) to $NOTIFY_SOCKET. Returns 1 when sent, 0 when NOTIFY_SOCKET is
 *  unset or empty, -1 when it names no usable socket or the send failed
 *  (errno set). */
int sd_notify_state (const char *state);

/*  The interval the watchdog asks to be kicked at: half of $WATCHDOG_USEC,
 *  in milliseconds (at least 1); 0 when no watchdog is asked for this
 *  process (WATCHDOG_USEC unset or not a positive integer, or WATCHDOG_PID
 *  naming another process). */
int64_t sd_notify_watchdog_ms (void);

/*  Sends WATCHDOG=1 when an interval has passed since the last one sent
 *  (the first call sends at once). Returns the milliseconds until the next
 *  is due — the most a loop may wait before calling again — or -1 when there
 *  is no watchdog. Call it on every pass of a service's loop. */
int sd_notify_watchdog_kick (void);

#endif

/*  clock — the one source of "now" for every service.
 *
 *  Real time by default. Tests inject time two ways:
 *    - in-process: clock_set() / clock_advance() / clock_use_real();
 *    - across processes: the environment variable KEFU_CLOCK_FILE names a
 *      file holding one line, an integer count of microseconds since the
 *      Unix epoch (UTC). Every call to clock_now_us() re-reads it (only when
 *      its mtime or size changed), so a test advances days of business time
 *      in every running service by rewriting one file.
 *  Only business time goes through here; socket time-outs and retry back-off
 *  use the monotonic clock (clock_mono_ms) so that a frozen test clock never
 *  stalls message delivery.
 */
#ifndef KEFU_CLOCK_H
#define KEFU_CLOCK_H

#include <stdint.h>
#include <stddef.h>
#include <time.h>

/*  Microseconds since the Unix epoch, UTC. */
int64_t clock_now_us (void);

/*  Milliseconds from a monotonic clock, for time-outs and back-off only. */
int64_t clock_mono_ms (void);

/*  The moment ms milliseconds from now on clock_id (CLOCK_MONOTONIC for
 *  pthread_cond_timedwait on such a condition, CLOCK_REALTIME for
 *  sem_timedwait), as the absolute time those calls take. */
void clock_deadline (clockid_t clock_id, int ms, struct timespec *out);

/*  Freezes the in-process clock at `us` (overrides KEFU_CLOCK_FILE). */
void clock_set (int64_t us);
/*  Moves a frozen clock forward (or back, if negative). Freezes at real now
 *  first if the clock was real. */
void clock_advance (int64_t delta_us);
/*  Returns to real time (or to KEFU_CLOCK_FILE when that is set). */
void clock_use_real (void);

/*  Formats `us` as RFC 3339 UTC with microseconds: 2026-11-22T06:48:42.123456Z.
 *  `out` needs at least 32 bytes. Returns out. */
char *clock_format_us (int64_t us, char *out, size_t size);

/*  Parses RFC 3339 (with "Z" or a ±hh:mm offset, fractional seconds optional)
 *  into microseconds since the epoch. Returns 0, or -1 on malformed input
 *  and on an instant outside 0000-01-01T00:00:00Z..9999-12-31T23:59:59.999999Z
 *  ("0000-01-01T00:00:00+01:00"), which clock_format_us could not write. */
int clock_parse_rfc3339 (const char *text, int64_t *us);

#endif

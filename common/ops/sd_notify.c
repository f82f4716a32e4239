/*  sd_notify — the notification protocol of sd_notify(3), written out: a
 *  fresh datagram socket per message (messages are rare: a start, a stop,
 *  a kick every few seconds), so nothing is left open across fork or
 *  reload.
 */
#include "sd_notify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/clock.h"

/*  A positive decimal integer of at most 18 digits from s, or 0. */
static int64_t s_positive (const char *s)
{
    if (!s || !*s || strlen (s) > 18 || strspn (s, "0123456789") != strlen (s))
        return 0;
    return (int64_t) strtoll (s, NULL, 10);
}

int sd_notify_state (const char *state)
{
    const char *path = getenv ("NOTIFY_SOCKET");
    if (!path || !*path)
        return 0;
    struct sockaddr_un addr;
    memset (&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    size_t len = strlen (path);
    /* "@name": the abstract namespace, a NUL where the '@' was */
    if (!state || (path[0] != '/' && path[0] != '@') || len < 2 || len > sizeof addr.sun_path) {
        errno = EINVAL;
        return -1;
    }
    memcpy (addr.sun_path, path, len);
    if (path[0] == '@')
        addr.sun_path[0] = '\0';
    else if (len == sizeof addr.sun_path) {
        errno = ENAMETOOLONG; /* no room for the path's NUL */
        return -1;
    }
    socklen_t addrlen = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + len + (path[0] == '/'));
    int fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    ssize_t sent = sendto (fd, state, strlen (state), MSG_NOSIGNAL, (const struct sockaddr *) &addr, addrlen);
    int saved = errno;
    close (fd);
    errno = saved;
    return sent == (ssize_t) strlen (state) ? 1 : -1;
}

int64_t sd_notify_watchdog_ms (void)
{
    int64_t usec = s_positive (getenv ("WATCHDOG_USEC"));
    if (usec <= 0)
        return 0;
    const char *pid = getenv ("WATCHDOG_PID");
    if (pid && *pid && s_positive (pid) != (int64_t) getpid ())
        return 0;
    int64_t ms = usec / 2000;
    return ms > 0 ? ms : 1;
}

int sd_notify_watchdog_kick (void)
{
    static int64_t next_ms; /* monotonic: when the next kick is due */
    static int checked; /* the environment is read once */
    static int64_t interval_ms;
    if (!checked) {
        interval_ms = getenv ("NOTIFY_SOCKET") ? sd_notify_watchdog_ms () : 0;
        checked = 1;
    }
    if (interval_ms <= 0)
        return -1;
    int64_t now = clock_mono_ms ();
    if (next_ms == 0 || now >= next_ms) {
        sd_notify_state ("WATCHDOG=1");
        next_ms = now + interval_ms;
    }
    int64_t left = next_ms - now;
    return left > 0x7fffffff ? 0x7fffffff : (int) left;
}

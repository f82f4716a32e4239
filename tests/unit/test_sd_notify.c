/*  test_sd_notify — common/ops/sd_notify.c: the watchdog interval read
 *  from the environment (half WATCHDOG_USEC, none for another WATCHDOG_PID
 *  or a malformed value), nothing sent without NOTIFY_SOCKET, a socket name
 *  that is neither a path nor '@' refused, and a state received whole on a
 *  socket in the abstract namespace and on a path.
 */
#include "unit.h"
#include "ops/sd_notify.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

/*  A datagram socket bound to name ('@' first: abstract), receiving with a
 *  5 s time-out; -1 on failure. */
static int s_listen (const char *name)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    size_t len = strlen (name);
    if (len >= sizeof addr.sun_path)
        return -1;
    memcpy (addr.sun_path, name, len);
    if (name[0] == '@')
        addr.sun_path[0] = '\0';
    int fd = socket (AF_UNIX, SOCK_DGRAM, 0);
    struct timeval limit = {.tv_sec = 5};
    socklen_t addrlen = (socklen_t) (offsetof (struct sockaddr_un, sun_path) + len + (name[0] != '@'));
    if (fd < 0 || bind (fd, (struct sockaddr *) &addr, addrlen) != 0
        || setsockopt (fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit) != 0) {
        if (fd >= 0)
            close (fd);
        return -1;
    }
    return fd;
}

UNIT_TEST (sd_notify_watchdog_interval_is_half_watchdog_usec)
{
    char pid[24];
    snprintf (pid, sizeof pid, "%ld", (long) getpid ());
    unsetenv ("WATCHDOG_PID");
    unsetenv ("WATCHDOG_USEC");
    UNIT_ASSERT_INT_EQ (sd_notify_watchdog_ms (), 0);
    setenv ("WATCHDOG_USEC", "30000000", 1);
    UNIT_ASSERT_INT_EQ (sd_notify_watchdog_ms (), 15000);
    setenv ("WATCHDOG_PID", pid, 1);
    UNIT_ASSERT_INT_EQ (sd_notify_watchdog_ms (), 15000);
    setenv ("WATCHDOG_PID", "1", 1); /* another process's watchdog */
    UNIT_ASSERT_INT_EQ (sd_notify_watchdog_ms (), 0);
    unsetenv ("WATCHDOG_PID");
    setenv ("WATCHDOG_USEC", "1", 1); /* under a millisecond: as often as can be */
    UNIT_ASSERT_INT_EQ (sd_notify_watchdog_ms (), 1);
    static const char *const bad[] = {"", "0", "-5", "30s", " 30", "1e6", "9999999999999999999999"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv ("WATCHDOG_USEC", bad[i], 1);
        if (sd_notify_watchdog_ms () != 0) {
            unsetenv ("WATCHDOG_USEC");
            unit_fail (__FILE__, __LINE__, "WATCHDOG_USEC=\"%s\" gave a watchdog", bad[i]);
            return;
        }
    }
    unsetenv ("WATCHDOG_USEC");
}

UNIT_TEST (sd_notify_sends_nothing_without_a_socket_and_refuses_a_bad_name)
{
    unsetenv ("NOTIFY_SOCKET");
    UNIT_ASSERT_INT_EQ (sd_notify_state ("READY=1"), 0);
    setenv ("NOTIFY_SOCKET", "", 1);
    UNIT_ASSERT_INT_EQ (sd_notify_state ("READY=1"), 0);
    static const char *const bad[] = {"relative/path", "@", "/",
                                      "/a/path/far/longer/than/the/one/hundred/and/eight/bytes/a/unix/socket/"
                                      "address/holds/so/it/is/refused/before/any/send"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        setenv ("NOTIFY_SOCKET", bad[i], 1);
        if (sd_notify_state ("READY=1") != -1) {
            unsetenv ("NOTIFY_SOCKET");
            unit_fail (__FILE__, __LINE__, "NOTIFY_SOCKET=\"%s\" was not refused", bad[i]);
            return;
        }
    }
    /* a path where nothing listens: the send fails, nothing else happens */
    setenv ("NOTIFY_SOCKET", "/nonexistent/kefu-notify", 1);
    UNIT_ASSERT_INT_EQ (sd_notify_state ("READY=1"), -1);
    unsetenv ("NOTIFY_SOCKET");
}

UNIT_TEST (sd_notify_delivers_to_abstract_and_path_sockets)
{
    char dir[256], path[320], abstract[64];
    UNIT_ASSERT_INT_EQ (unit_temp_dir ("sdnotify", dir, sizeof dir), 0);
    snprintf (path, sizeof path, "%s/notify", dir);
    snprintf (abstract, sizeof abstract, "@kefu-unit-notify-%ld", (long) getpid ());
    const char *names[] = {abstract, path};
    for (int i = 0; i < 2; i++) {
        int fd = s_listen (names[i]);
        UNIT_ASSERT (fd >= 0);
        setenv ("NOTIFY_SOCKET", names[i], 1);
        int sent = sd_notify_state ("STATUS=one\nREADY=1");
        char got[128] = "";
        ssize_t n = recv (fd, got, sizeof got - 1, 0);
        close (fd);
        unsetenv ("NOTIFY_SOCKET");
        UNIT_ASSERT_INT_EQ (sent, 1);
        UNIT_ASSERT_INT_EQ (n, 18);
        got[n] = '\0';
        UNIT_ASSERT_STR_EQ (got, "STATUS=one\nREADY=1");
    }
    unlink (path);
    rmdir (dir);
}

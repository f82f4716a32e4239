/*  test_gateway_limits — the gateway's bounds that need a process of their
 *  own: the open-file limit it raises at start (or refuses to start under)
 *  (services/gateway/gateway.c; docs/gateway.md "Configuration"). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../services/gateway/gateway.h"
#include "unit.h"

/*  In a child with at most 200 open files (soft 100): what fits is raised
 *  to, what does not is refused naming the numbers. Exit 0 when so. */
static int s_files_child (void)
{
    struct rlimit rl = { 100, 200 };
    char err[300] = "";
    if (setrlimit (RLIMIT_NOFILE, &rl) != 0)
        return 1;
    if (gw_files_enough (256, err, sizeof err) != -1
        || !strstr (err, "connection_limit 256 needs up to 3456 open files, and this process may open at most 200"))
        return 2;
    if (gw_files_enough (4, err, sizeof err) != 0 || getrlimit (RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur != 4 * 13 + 128)
        return 3;
    return 0;
}

UNIT_TEST (gateway_raises_the_open_file_limit_or_refuses_to_start)
{
    fflush (stdout);
    pid_t pid = fork ();
    UNIT_ASSERT (pid >= 0);
    if (pid == 0)
        _exit (s_files_child ());
    int status = -1;
    UNIT_ASSERT (waitpid (pid, &status, 0) == pid);
    UNIT_ASSERT (WIFEXITED (status));
    UNIT_ASSERT_INT_EQ (WEXITSTATUS (status), 0);
}

/*  test_gateway_limits — the gateway's bounds that need a process of their
 *  own or a socket: the open-file limit it raises at start (or refuses to
 *  start under), and a wait for a service that ends when the gateway stops
 *  (services/gateway/gateway.c, forward.c; docs/gateway.md "Concurrency"). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "../../services/gateway/forward.h"
#include "../../services/gateway/gateway.h"
#include "base/clock.h"
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

typedef struct {
    void *router;
    atomic_bool *stop;
} s_peer_t;

/*  Takes the whole request, never answers, and stops the gateway. */
static void *s_take_then_stop (void *arg)
{
    s_peer_t *peer = arg;
    zmq_msg_t msg;
    zmq_msg_init (&msg);
    for (int more = 1; more && zmq_msg_recv (&msg, peer->router, 0) >= 0;)
        more = zmq_msg_more (&msg);
    zmq_msg_close (&msg);
    atomic_store (peer->stop, true);
    return NULL;
}

UNIT_TEST (gateway_a_wait_for_a_service_ends_when_the_gateway_stops)
{
    void *zctx = zmq_ctx_new ();
    void *router = zmq_socket (zctx, ZMQ_ROUTER);
    int linger = 0, wait_ms = 20000;
    zmq_setsockopt (router, ZMQ_LINGER, &linger, sizeof linger);
    zmq_setsockopt (router, ZMQ_RCVTIMEO, &wait_ms, sizeof wait_ms);
    UNIT_ASSERT (zmq_bind (router, "tcp://127.0.0.1:*") == 0);
    char endpoint[128];
    size_t n = sizeof endpoint;
    UNIT_ASSERT (zmq_getsockopt (router, ZMQ_LAST_ENDPOINT, endpoint, &n) == 0);
    atomic_bool stop;
    atomic_init (&stop, false);
    gw_forward_t *fwd = gw_forward_new (zctx, &stop);
    s_peer_t peer = { router, &stop };
    pthread_t thread;
    UNIT_ASSERT (pthread_create (&thread, NULL, s_take_then_stop, &peer) == 0);
    char *reply = NULL;
    size_t len = 0;
    int64_t start = clock_mono_ms ();
    gw_fwd_status_t st = gw_forward_call (fwd, 0, endpoint, "{}", 5000, 60000, &reply, &len);
    int64_t took = clock_mono_ms () - start;
    pthread_join (thread, NULL);
    UNIT_ASSERT_INT_EQ (st, GW_FWD_STOPPED);
    UNIT_ASSERT (took < 10000); /* not the request's 60 s */
    free (reply);
    gw_forward_destroy (&fwd);
    zmq_close (router);
    zmq_ctx_term (zctx);
}

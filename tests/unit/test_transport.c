/*  test_transport — the socket helpers of common/msg/transport.c over real
 *  ZeroMQ sockets (tcp on 127.0.0.1 with an ephemeral port): bound endpoint
 *  read back, multipart round trip with NUL-terminated copies, extra frames
 *  discarded, non-blocking send to nobody (ZMQ_IMMEDIATE), unroutable
 *  replies failing (ZMQ_ROUTER_MANDATORY), bad arguments refused. */
#include "unit.h"
#include "base/clock.h"
#include "msg/transport.h"

#include <errno.h>
#include <stdlib.h>

/*  Receives with a time-out by polling (no sleeps). */
static int s_recv_within (void *socket, char **frames, size_t *sizes, int max, int ms)
{
    int64_t until = clock_mono_ms () + ms;
    while (clock_mono_ms () < until) {
        zmq_pollitem_t item = { .socket = socket, .events = ZMQ_POLLIN };
        if (zmq_poll (&item, 1, 50) > 0)
            return tr_recv (socket, frames, sizes, max, ZMQ_DONTWAIT);
    }
    return -1;
}

UNIT_TEST (transport_round_trip_and_mandatory_routing)
{
    void *ctx = zmq_ctx_new ();
    UNIT_ASSERT (ctx);
    void *router = tr_socket (ctx, ZMQ_ROUTER, 100, 0);
    void *dealer = tr_socket (ctx, ZMQ_DEALER, 100, 0);
    UNIT_ASSERT (router && dealer);

    char bound[256];
    UNIT_ASSERT_INT_EQ (tr_bind (router, "tcp://127.0.0.1:*", bound, sizeof bound), 0);
    UNIT_ASSERT (strncmp (bound, "tcp://127.0.0.1:", 16) == 0);
    UNIT_ASSERT (strcmp (bound + 16, "*") != 0 && atoi (bound + 16) > 0);
    char tiny[8];
    UNIT_ASSERT_INT_EQ (tr_bind (router, "tcp://127.0.0.1:*", tiny, sizeof tiny), -1);

    /* Not connected yet: ZMQ_IMMEDIATE makes the send fail at once. */
    const void *one[1] = { "hello" };
    size_t one_size[1] = { 5 };
    UNIT_ASSERT_INT_EQ (tr_send (dealer, one, one_size, 1, 0), -1);
    UNIT_ASSERT_INT_EQ (errno, EAGAIN);

    UNIT_ASSERT_INT_EQ (zmq_connect (dealer, bound), 0);
    int64_t until = clock_mono_ms () + 3000;
    const void *three[3] = { "a", "", "第三帧" };
    size_t three_size[3] = { 1, 0, strlen ("第三帧") };
    int rc = -1;
    while (rc != 0 && clock_mono_ms () < until) {
        rc = tr_send (dealer, three, three_size, 3, 0);
        if (rc != 0)
            zmq_poll (NULL, 0, 10);
    }
    UNIT_ASSERT_INT_EQ (rc, 0);

    /* Router sees [identity][a][][第三帧]; ask for 3: the 4th is dropped. */
    char *frames[4] = { NULL };
    size_t sizes[4];
    int n = s_recv_within (router, frames, sizes, 3, 3000);
    UNIT_ASSERT_INT_EQ (n, 3);
    bool ok = sizes[1] == 1 && strcmp (frames[1], "a") == 0 && sizes[2] == 0
              && frames[2][0] == '\0';
    char identity[256];
    size_t identity_size = sizes[0] < sizeof identity ? sizes[0] : 0;
    memcpy (identity, frames[0], identity_size);
    tr_frames_free (frames, n);
    UNIT_ASSERT (ok && identity_size > 0);
    /* Nothing of that message is left behind. */
    UNIT_ASSERT_INT_EQ (tr_recv (router, frames, sizes, 3, ZMQ_DONTWAIT), -1);

    /* Reply to the known identity arrives; to an unknown one it fails. */
    const void *reply[2] = { identity, "pong" };
    size_t reply_size[2] = { identity_size, 4 };
    UNIT_ASSERT_INT_EQ (tr_send (router, reply, reply_size, 2, 0), 0);
    n = s_recv_within (dealer, frames, sizes, 2, 3000);
    UNIT_ASSERT_INT_EQ (n, 1);
    ok = strcmp (frames[0], "pong") == 0 && sizes[0] == 4;
    tr_frames_free (frames, n);
    UNIT_ASSERT (ok);
    const void *lost[2] = { "nobody", "pong" };
    size_t lost_size[2] = { 6, 4 };
    UNIT_ASSERT_INT_EQ (tr_send (router, lost, lost_size, 2, 0), -1);
    UNIT_ASSERT_INT_EQ (errno, EHOSTUNREACH);

    zmq_close (dealer);
    zmq_close (router);
    zmq_ctx_term (ctx);
}

UNIT_TEST (transport_refuses_bad_arguments)
{
    UNIT_ASSERT (tr_socket (NULL, ZMQ_DEALER, 10, 0) == NULL);
    void *ctx = zmq_ctx_new ();
    UNIT_ASSERT (ctx);
    UNIT_ASSERT (tr_socket (ctx, ZMQ_DEALER, -1, 0) == NULL);
    UNIT_ASSERT (tr_socket (ctx, 9999, 10, 0) == NULL);
    void *s = tr_socket (ctx, ZMQ_DEALER, 10, 0);
    UNIT_ASSERT (s);
    char out[64];
    int bad_bind = tr_bind (s, "nonsense://x", out, sizeof out);
    int bad_send = tr_send (s, NULL, NULL, 1, 0);
    char *frames[1];
    size_t sizes[1];
    int bad_recv = tr_recv (s, frames, sizes, 0, ZMQ_DONTWAIT);
    int empty_recv = tr_recv (s, frames, sizes, 1, ZMQ_DONTWAIT);
    zmq_close (s);
    zmq_ctx_term (ctx);
    UNIT_ASSERT_INT_EQ (bad_bind, -1);
    UNIT_ASSERT_STR_EQ (out, "");
    UNIT_ASSERT_INT_EQ (bad_send, -1);
    UNIT_ASSERT_INT_EQ (bad_recv, -1);
    UNIT_ASSERT_INT_EQ (empty_recv, -1);
}

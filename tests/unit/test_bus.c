/*  test_bus — the parts of the bus that need no database: text made safe
 *  for PostgreSQL (dead-letter payloads that are not valid UTF-8) and the
 *  argument contracts of the public functions (asserts in a child process). The bus itself is tested
 *  against PostgreSQL by tests/integration/bus.c (bin/it-bus). */
#include "unit.h"
#include "msg/bus.h"
#include "msg/bus_private.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

UNIT_TEST (bus_text_safe_keeps_valid_utf8_and_escapes_the_rest)
{
    char *s = bus_text_safe ("{\"name\":\"张三\"}", strlen ("{\"name\":\"张三\"}"));
    UNIT_ASSERT (s);
    bool same = strcmp (s, "{\"name\":\"张三\"}") == 0;
    free (s);
    UNIT_ASSERT (same);

    /* A NUL, a lone continuation byte, a truncated 3-byte sequence, an
     * overlong '/', and a valid character after them. */
    const char bad[] = "a\0b\x80" "c\xe5\xbc" "d\xc0\xaf" "张";
    s = bus_text_safe (bad, sizeof bad - 1);
    UNIT_ASSERT (s);
    char copy[128];
    snprintf (copy, sizeof copy, "%s", s);
    free (s);
    UNIT_ASSERT_STR_EQ (copy, "a\\x00b\\x80c\\xE5\\xBCd\\xC0\\xAF张");

    s = bus_text_safe (NULL, 5);
    UNIT_ASSERT (s);
    same = s[0] == '\0';
    free (s);
    UNIT_ASSERT (same);
}

/*  Runs fn in a child process; true when it ended by an assert (SIGABRT). */
static bool s_aborts (void (*fn) (void))
{
    fflush (NULL);
    pid_t pid = fork ();
    if (pid < 0)
        return false;
    if (pid == 0) {
        /* the assert's message is expected: keep it off the test output */
        if (!freopen ("/dev/null", "w", stderr))
            _exit (2);
        fn ();
        _exit (0);
    }
    int status = 0;
    if (waitpid (pid, &status, 0) != pid)
        return false;
    return WIFSIGNALED (status) && WTERMSIG (status) == SIGABRT;
}

static void s_new_null (void)
{
    bus_new (NULL, "intake", "x", NULL, NULL, NULL, NULL);
}
static void s_bind_null (void)
{
    bus_bind (NULL);
}
static void s_on_null (void)
{
    bus_on (NULL, "ticket.created", NULL, NULL);
}
static void s_emit_null (void)
{
    env_t *none = NULL;
    bus_emit (NULL, NULL, &none);
}
static void s_ride_null (void)
{
    bus_relay_ride (NULL, NULL);
}

/*  A NULL that the contract forbids is a programmer error: an assert, not
 *  a -1 that a handler would turn into BUS_RETRY and endless redelivery. */
UNIT_TEST (bus_functions_assert_on_forbidden_null_arguments)
{
    UNIT_ASSERT (s_aborts (s_new_null));
    UNIT_ASSERT (s_aborts (s_bind_null));
    UNIT_ASSERT (s_aborts (s_on_null));
    UNIT_ASSERT (s_aborts (s_emit_null));
    UNIT_ASSERT (s_aborts (s_ride_null));
}

/*  The functions whose contract takes a NULL bus do nothing with it. */
UNIT_TEST (bus_functions_that_take_null_do_nothing)
{
    UNIT_ASSERT_STR_EQ (bus_endpoint (NULL), "");
    bus_kick (NULL);
    UNIT_ASSERT_INT_EQ (bus_poll_items (NULL, NULL, 4), 0);
    UNIT_ASSERT_INT_EQ (bus_handle_input (NULL), 0);
    bus_stats_t st = { .sent = 7 };
    bus_stats (NULL, &st);
    UNIT_ASSERT_INT_EQ (st.sent, 0);
    bus_t *bus = NULL;
    bus_destroy (&bus);
    bus_destroy (NULL);
}

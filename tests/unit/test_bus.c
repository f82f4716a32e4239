/*  test_bus — the parts of the bus that need no database: text made safe
 *  for PostgreSQL (dead-letter payloads that are not valid UTF-8) and the
 *  argument checks of the public functions. The bus itself is tested
 *  against PostgreSQL by tests/integration/bus.c (bin/it-bus). */
#include "unit.h"
#include "msg/bus.h"
#include "msg/bus_private.h"

#include <stdlib.h>

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

UNIT_TEST (bus_functions_refuse_null_arguments)
{
    UNIT_ASSERT (bus_new (NULL, "intake", "x", NULL, NULL, NULL) == NULL);
    UNIT_ASSERT_INT_EQ (bus_bind (NULL), -1);
    UNIT_ASSERT_STR_EQ (bus_endpoint (NULL), "");
    UNIT_ASSERT_INT_EQ (bus_on (NULL, "ticket.created", NULL, NULL), -1);
    env_t *none = NULL;
    UNIT_ASSERT_INT_EQ (bus_emit (NULL, NULL, &none), -1);
    UNIT_ASSERT_INT_EQ (bus_emit (NULL, NULL, NULL), -1);
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

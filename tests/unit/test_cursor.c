/*  test_cursor — the cursors of the list requests (common/db/cursor.h):
 *  a position survives the round trip, a cursor is URL-safe and short, and
 *  one of another list, an edited, cut, padded or foreign one is refused
 *  with a reason that names the field. */
#include "unit.h"
#include "db/cursor.h"

#include <stdint.h>
#include <stdlib.h>

#include "base/json.h"

UNIT_TEST (cursor_round_trips_a_position)
{
    const int64_t keys[] = { INT64_MIN, -1, 0, 1, 1767225600123456, INT64_MAX };
    const int64_t ids[] = { 1, 42, INT64_MAX };
    for (size_t k = 0; k < sizeof keys / sizeof *keys; k++)
        for (size_t i = 0; i < sizeof ids / sizeof *ids; i++) {
            char c[CUR_MAX + 1], err[256] = "";
            UNIT_ASSERT_INT_EQ (cur_make ("inspection.pending", keys[k], ids[i], c, sizeof c), 0);
            UNIT_ASSERT (strlen (c) <= CUR_MAX);
            UNIT_ASSERT_INT_EQ (strspn (c, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
                                strlen (c));
            int64_t key = 0, id = 0;
            UNIT_ASSERT_INT_EQ (cur_read ("inspection.pending", c, &key, &id, err, sizeof err), 0);
            UNIT_ASSERT (key == keys[k]);
            UNIT_ASSERT (id == ids[i]);
        }
}

UNIT_TEST (cursor_of_another_list_is_refused)
{
    char c[CUR_MAX + 1], err[256] = "";
    int64_t key, id;
    UNIT_ASSERT_INT_EQ (cur_make ("claim.list", 7, 7, c, sizeof c), 0);
    UNIT_ASSERT_INT_EQ (cur_read ("ticket.list", c, &key, &id, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "body.cursor: a cursor of claim.list, not of ticket.list");
}

UNIT_TEST (cursor_edited_or_cut_is_refused)
{
    char c[CUR_MAX + 1], err[256];
    int64_t key, id;
    UNIT_ASSERT_INT_EQ (cur_make ("ticket.list", 1000, 1000, c, sizeof c), 0);
    size_t len = strlen (c);
    for (size_t at = 0; at < len; at++) {
        char edited[CUR_MAX + 1];
        memcpy (edited, c, len + 1);
        edited[at] = edited[at] == 'A' ? 'B' : 'A';
        err[0] = '\0';
        UNIT_ASSERT_INT_EQ (cur_read ("ticket.list", edited, &key, &id, err, sizeof err), -1);
        UNIT_ASSERT_CONTAINS (err, "body.cursor: ");
    }
    for (size_t cut = 1; cut < len; cut++) {
        char shorter[CUR_MAX + 1];
        memcpy (shorter, c, cut);
        shorter[cut] = '\0';
        UNIT_ASSERT_INT_EQ (cur_read ("ticket.list", shorter, &key, &id, err, sizeof err), -1);
    }
}

UNIT_TEST (cursor_malformed_is_refused_without_quoting_it)
{
    const char *bad[] = { "", "!!!!", "abc=", "dGlja2V0Lmxpc3Q", "MXx0aWNrZXQubGlzdHwxfDE",
                          "a b", "AAAAAAAAAAAAAAAAAAAAAAAA" };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char err[256] = "";
        int64_t key, id;
        UNIT_ASSERT_INT_EQ (cur_read ("ticket.list", bad[i], &key, &id, err, sizeof err), -1);
        UNIT_ASSERT_CONTAINS (err, "body.cursor: ");
        if (strlen (bad[i]) > 3)
            UNIT_ASSERT (strstr (err, bad[i]) == NULL);
    }
    char longer[CUR_MAX + 2], err[256] = "";
    int64_t key, id;
    memset (longer, 'A', CUR_MAX + 1);
    longer[CUR_MAX + 1] = '\0';
    UNIT_ASSERT_INT_EQ (cur_read ("ticket.list", longer, &key, &id, err, sizeof err), -1);
    UNIT_ASSERT_CONTAINS (err, "body.cursor: too long");
}

UNIT_TEST (cursor_page_asks_one_more_row_and_says_where_to_go_on)
{
    char err[256] = "";
    cur_page_t page;
    cJSON *body = cJSON_Parse ("{\"limit\": 2}");
    UNIT_ASSERT (body != NULL);
    UNIT_ASSERT_INT_EQ (cur_page_start (&page, "ticket.list", body, 2, err, sizeof err), 0);
    cJSON_Delete (body);
    UNIT_ASSERT (cur_page_key (&page) == NULL && cur_page_id (&page) == NULL);
    UNIT_ASSERT_STR_EQ (cur_page_fetch (&page), "3");
    UNIT_ASSERT_INT_EQ (cur_page_rows (&page, 3), 2);
    UNIT_ASSERT_INT_EQ (cur_page_rows (&page, 2), 2);

    cJSON *doc = cJSON_CreateObject ();
    UNIT_ASSERT_INT_EQ (cur_page_next (&page, doc, 2, 9, 9), 0);
    UNIT_ASSERT (cJSON_GetObjectItem (doc, "next_cursor") == NULL); /* the end */
    UNIT_ASSERT_INT_EQ (cur_page_next (&page, doc, 3, 9, 9), 0);
    const char *next = json_str (doc, "next_cursor", NULL);
    UNIT_ASSERT (next != NULL);

    cJSON *again = cJSON_CreateObject ();
    UNIT_ASSERT (again && cJSON_AddStringToObject (again, "cursor", next));
    cJSON_Delete (doc);
    UNIT_ASSERT_INT_EQ (cur_page_start (&page, "ticket.list", again, 2, err, sizeof err), 0);
    cJSON_Delete (again);
    UNIT_ASSERT_STR_EQ (cur_page_key (&page), "9");
    UNIT_ASSERT_STR_EQ (cur_page_id (&page), "9");

    /* no limit asked (workorder.list): every row, no cursor */
    UNIT_ASSERT_INT_EQ (cur_page_start (&page, "workorder.list", NULL, 0, err, sizeof err), 0);
    UNIT_ASSERT (cur_page_fetch (&page) == NULL);
    UNIT_ASSERT_INT_EQ (cur_page_rows (&page, 700), 700);
}

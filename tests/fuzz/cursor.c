/*  fuzz target "cursor": the input as the cursor of a list request
 *  through cur_read (common/db/cursor.h), the one parser of a page's
 *  position that takes outside text.
 *
 *  Beyond "no crash, no leak": a refusal gives a reason that names the
 *  field and never quotes the input, and an accepted cursor is exactly the
 *  one cur_make writes for its position (so no other text passes).
 */

#include "db/cursor.h"
#include "fuzz.h"

static void fuzz_setup (void)
{
}

static void s_cursor (const char *text)
{
    char err[512] = "";
    int64_t key = 0, id = 0;
    if (cur_read ("ticket.list", text, &key, &id, err, sizeof err) == 0) {
        char again[CUR_MAX + 1];
        FUZZ_CHECK (cur_make ("ticket.list", key, id, again, sizeof again) == 0, "cannot remake");
        FUZZ_CHECK (strcmp (again, text) == 0, "accepted a cursor kefu does not write");
        FUZZ_CHECK (id >= 1, "id %lld", (long long) id);
        return;
    }
    FUZZ_CHECK (strncmp (err, "body.cursor: ", 13) == 0, "reason \"%s\"", err);
    /* the reasons are fixed phrases (and, for a checked cursor, list names) */
    FUZZ_CHECK (strlen (err) < 200, "reason of %zu bytes", strlen (err));
    FUZZ_CHECK (strlen (text) <= 100 || !strstr (err, text), "the reason quotes the cursor");
}

FUZZ_TEXT_TARGET (s_cursor)

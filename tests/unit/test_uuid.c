/*  test_uuid — v4 generation (format, version and variant bits, no repeats)
 *  and the canonical-form check of common/base/uuid.c. */
#include "unit.h"
#include "base/uuid.h"

#include <stdlib.h>

static int s_cmp (const void *a, const void *b)
{
    return strcmp ((const char *) a, (const char *) b);
}

UNIT_TEST (kuuid_new_is_lowercase_v4)
{
    for (int i = 0; i < 200; i++) {
        char id[KUUID_STR_LEN];
        UNIT_ASSERT_INT_EQ (kuuid_new (id), 0);
        UNIT_ASSERT_INT_EQ (strlen (id), 36);
        UNIT_ASSERT (kuuid_valid (id));
        UNIT_ASSERT (id[14] == '4');
        UNIT_ASSERT (strchr ("89ab", id[19]) != NULL);
        for (int k = 0; k < 36; k++)
            UNIT_ASSERT (!(id[k] >= 'A' && id[k] <= 'F'));
    }
}

UNIT_TEST (kuuid_new_does_not_repeat)
{
    enum { N = 2000 };
    char (*ids)[KUUID_STR_LEN] = malloc (N * sizeof *ids);
    UNIT_ASSERT (ids != NULL);
    int failures = 0;
    for (int i = 0; i < N; i++)
        failures += kuuid_new (ids[i]) != 0;
    if (failures) {
        free (ids);
        UNIT_ASSERT_INT_EQ (failures, 0);
    }
    qsort (ids, N, sizeof *ids, s_cmp);
    int dups = 0;
    for (int i = 1; i < N; i++)
        dups += strcmp (ids[i - 1], ids[i]) == 0;
    /* the random bits are spread: not every id starts with the same digit */
    bool spread = ids[0][0] != ids[N - 1][0];
    free (ids);
    UNIT_ASSERT_INT_EQ (dups, 0);
    UNIT_ASSERT (spread);
}

UNIT_TEST (kuuid_valid_checks_canonical_form)
{
    UNIT_ASSERT (kuuid_valid ("123e4567-e89b-42d3-a456-426614174000"));
    UNIT_ASSERT (kuuid_valid ("123E4567-E89B-42D3-A456-426614174000"));
    UNIT_ASSERT (kuuid_valid ("00000000-0000-0000-0000-000000000000"));
    UNIT_ASSERT (!kuuid_valid (NULL));
    UNIT_ASSERT (!kuuid_valid (""));
    UNIT_ASSERT (!kuuid_valid ("123e4567-e89b-42d3-a456-42661417400"));   /* short */
    UNIT_ASSERT (!kuuid_valid ("123e4567-e89b-42d3-a456-4266141740000")); /* long */
    UNIT_ASSERT (!kuuid_valid ("123e4567e89b-42d3-a456-4266141740000"));  /* hyphen moved */
    UNIT_ASSERT (!kuuid_valid ("123e4567-e89b-42d3-a456_426614174000"));
    UNIT_ASSERT (!kuuid_valid ("g23e4567-e89b-42d3-a456-426614174000"));
    UNIT_ASSERT (!kuuid_valid ("{123e4567-e89b-42d3-a456-426614174000}"));
    UNIT_ASSERT (!kuuid_valid (" 123e4567-e89b-42d3-a456-426614174000"));
    UNIT_ASSERT (!kuuid_valid ("123e4567-e89b-42d3-a456-42661417400\xC3\xA9"));
    UNIT_ASSERT (!kuuid_valid ("123e4567-e89b-42d3-a456-426614174000\n"));
}

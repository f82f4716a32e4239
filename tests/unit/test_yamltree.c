/*  Unit tests for common/conf/yamltree: the tree with lines and paths, the typed
 *  getters and their errors, and everything the parser must refuse. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "base/keyindex.h"
#include "conf/yamltree.h"

static const char *s_text_doc = "name: 上海徐汇服务站\n"
                                "count: 42\n"
                                "flag: yes\n"
                                "level: warn\n"
                                "nested:\n"
                                "  list:\n"
                                "    - a\n"
                                "    - {k: v}\n"
                                "empty:\n";

UNIT_TEST (yamltree_builds_tree_with_lines_and_paths)
{
    char err[512] = "";
    yt_doc_t *doc = yt_load_string ("t.yaml", s_text_doc, err, sizeof err);
    UNIT_ASSERT (doc);
    yt_node_t *root = yt_root (doc);
    UNIT_ASSERT (root && yt_kind (root) == YT_MAP);
    UNIT_ASSERT_INT_EQ (yt_size (root), 6);
    UNIT_ASSERT_STR_EQ (yt_key_at (root, 0), "name");
    UNIT_ASSERT_STR_EQ (yt_text (yt_get (root, "name")), "上海徐汇服务站");
    yt_node_t *list = yt_get (yt_get (root, "nested"), "list");
    UNIT_ASSERT (list && yt_kind (list) == YT_SEQ);
    UNIT_ASSERT_INT_EQ (yt_size (list), 2);
    UNIT_ASSERT_INT_EQ (yt_line (list), 7);
    UNIT_ASSERT_STR_EQ (yt_path (list), "nested.list");
    yt_node_t *inner = yt_item (list, 1);
    UNIT_ASSERT_STR_EQ (yt_path (inner), "nested.list[1]");
    UNIT_ASSERT_STR_EQ (yt_path (yt_get (inner, "k")), "nested.list[1].k");
    UNIT_ASSERT_INT_EQ (yt_line (yt_get (inner, "k")), 8);
    UNIT_ASSERT (yt_item (list, 2) == NULL);
    UNIT_ASSERT (yt_text (list) == NULL);
    yt_destroy (&doc);
    UNIT_ASSERT (doc == NULL);
    yt_destroy (&doc);
}

UNIT_TEST (yamltree_typed_getters_convert_and_keep_defaults)
{
    char err[512] = "";
    yt_doc_t *doc = yt_load_string ("t.yaml", s_text_doc, err, sizeof err);
    UNIT_ASSERT (doc);
    yt_node_t *root = yt_root (doc);
    int64_t count = 0;
    UNIT_ASSERT_INT_EQ (yt_int (doc, root, "count", true, 0, 100, &count), 0);
    UNIT_ASSERT_INT_EQ (count, 42);
    bool flag = false;
    UNIT_ASSERT_INT_EQ (yt_bool (doc, root, "flag", true, &flag), 0);
    UNIT_ASSERT (flag);
    static const char *const levels[] = { "debug", "info", "warn", "error", NULL };
    int level = -1;
    UNIT_ASSERT_INT_EQ (yt_enum (doc, root, "level", true, levels, &level), 0);
    UNIT_ASSERT_INT_EQ (level, 2);
    char *name = strdup ("old");
    UNIT_ASSERT_INT_EQ (yt_str (doc, root, "name", true, 64, &name), 0);
    UNIT_ASSERT_STR_EQ (name, "上海徐汇服务站");
    /* Absent and empty optional keys keep the default. */
    int64_t missing = 7;
    UNIT_ASSERT_INT_EQ (yt_int (doc, root, "absent", false, 0, 10, &missing), 0);
    UNIT_ASSERT_INT_EQ (missing, 7);
    UNIT_ASSERT_INT_EQ (yt_str (doc, root, "empty", false, 10, &name), 0);
    UNIT_ASSERT_STR_EQ (name, "上海徐汇服务站");
    free (name);
    yt_get (yt_get (root, "nested"), "list");
    static const char *const known[] = { "name", "count", "flag", "level", "nested", "empty", NULL };
    UNIT_ASSERT_INT_EQ (yt_check_unknown (doc, root, known), 0);
    UNIT_ASSERT_STR_EQ (yt_error (doc), "");
    yt_destroy (&doc);
}

/*  Loads text, runs one getter-driven check and returns the doc's error. */
static void s_expect_getter_error (const char *text, int which, const char *expected, bool *ok)
{
    char err[512] = "";
    yt_doc_t *doc = yt_load_string ("c.yaml", text, err, sizeof err);
    *ok = false;
    if (!doc)
        return;
    yt_node_t *root = yt_root (doc);
    int64_t n = 0;
    bool b = false;
    char *s = NULL;
    int e = 0, rc = 0;
    static const char *const choices[] = { "red", "green", NULL };
    static const char *const known[] = { "size", NULL };
    switch (which) {
    case 0: rc = yt_int (doc, root, "size", true, 1, 10, &n); break;
    case 1: rc = yt_bool (doc, root, "size", true, &b); break;
    case 2: rc = yt_enum (doc, root, "size", true, choices, &e); break;
    case 3: rc = yt_str (doc, root, "size", true, 4, &s); break;
    case 4: rc = yt_int (doc, root, "size", true, 1, 10, &n); break;
    default:
        yt_get (root, "size");
        rc = yt_check_unknown (doc, root, known);
    }
    free (s);
    *ok = rc == -1 && strstr (yt_error (doc), expected) != NULL;
    if (!*ok)
        printf ("    got: %s\n", yt_error (doc));
    yt_destroy (&doc);
}

UNIT_TEST (yamltree_getter_errors_name_file_line_and_key)
{
    bool ok;
    s_expect_getter_error ("x: 1\nsize: 11\n", 0, "c.yaml:2: size: must be an integer from 1 to 10 (found \"11\")", &ok);
    UNIT_ASSERT (ok);
    s_expect_getter_error ("size: 3x\n", 0, "c.yaml:1: size: must be an integer from 1 to 10", &ok);
    UNIT_ASSERT (ok);
    s_expect_getter_error ("size: 99999999999999999999999\n", 0, "must be an integer", &ok);
    UNIT_ASSERT (ok);
    s_expect_getter_error ("size: maybe\n", 1, "c.yaml:1: size: must be true or false", &ok);
    UNIT_ASSERT (ok);
    s_expect_getter_error ("size: blue\n", 2, "c.yaml:1: size: \"blue\" is not one of: red, green", &ok);
    UNIT_ASSERT (ok);
    s_expect_getter_error ("size: toolong\n", 3, "c.yaml:1: size: longer than 4 bytes", &ok);
    UNIT_ASSERT (ok);
    s_expect_getter_error ("size: [1, 2]\n", 3, "c.yaml:1: size: expected a single value, found a list", &ok);
    UNIT_ASSERT (ok);
    s_expect_getter_error ("other: 1\n", 4, "c.yaml:1: size: missing (required key)", &ok);
    UNIT_ASSERT (ok);
    s_expect_getter_error ("other: 1\nsise: 2\n", 4, "c.yaml:2: sise: unknown key (did you mean size?)", &ok);
    UNIT_ASSERT (ok);
    s_expect_getter_error ("other: 1\nSIZE: 2\n", 4, "c.yaml:2: SIZE: unknown key (did you mean size?)", &ok);
    UNIT_ASSERT (ok);
    s_expect_getter_error ("size:\n", 4, "c.yaml:1: size: a value is required", &ok);
    UNIT_ASSERT (ok);
    s_expect_getter_error ("size: 1\n\nsiez: 2\n", 5,
                           "c.yaml:3: siez: unknown key (expected one of: size)", &ok);
    UNIT_ASSERT (ok);
}

/*  Parsing must fail with an error containing `expected`. */
static bool s_refused (const char *text, const char *expected)
{
    char err[512] = "";
    yt_doc_t *doc = yt_load_string ("bad.yaml", text, err, sizeof err);
    bool loaded = doc != NULL;
    yt_destroy (&doc);
    return unit_refused (loaded, text, err, expected);
}

UNIT_TEST (yamltree_refuses_what_configuration_must_not_hold)
{
    UNIT_ASSERT (s_refused ("a: 1\nb: 2\na: 3\n", "bad.yaml:3: a: duplicate key (first at line 1)"));
    UNIT_ASSERT (s_refused ("a: &x 1\nb: *x\n", "bad.yaml:1: a: anchors"));
    UNIT_ASSERT (s_refused ("a:\n  - 1\nb: *x\n", "bad.yaml:3"));
    UNIT_ASSERT (s_refused ("a: !!str 1\n", "bad.yaml:1: a: tags"));
    UNIT_ASSERT (s_refused ("a: 1\n---\nb: 2\n", "bad.yaml:2: only one YAML document"));
    UNIT_ASSERT (s_refused ("a: [1, 2\nb: 3\n", "YAML syntax error"));
    UNIT_ASSERT (s_refused ("a:\n  b: 1\n c: 2\n", "bad.yaml:3: YAML syntax error"));
    UNIT_ASSERT (s_refused ("? [1, 2]\n: x\n", "mapping keys must be plain text"));
    UNIT_ASSERT (s_refused ("a: \"\\0\"\n", "NUL byte or invalid UTF-8"));
    UNIT_ASSERT (s_refused ("a: \"\\uD800\"\n", "bad.yaml:1"));
    UNIT_ASSERT (s_refused ("a: \xff\xfe\n", "bad.yaml"));
    /* Deep nesting cannot exhaust the stack. */
    char deep[700];
    memset (deep, '[', 300);
    memset (deep + 300, ']', 300);
    deep[600] = '\0';
    UNIT_ASSERT (s_refused (deep, "bad.yaml:1: [0][0]"));
    UNIT_ASSERT (s_refused (deep, "nested deeper than 64 levels"));
}

UNIT_TEST (yamltree_empty_document_has_no_root)
{
    char err[256] = "";
    const char *empties[] = { "", "# only a comment\n", "---\n", "~\n" };
    for (size_t i = 0; i < sizeof empties / sizeof *empties; i++) {
        yt_doc_t *doc = yt_load_string ("e.yaml", empties[i], err, sizeof err);
        UNIT_ASSERT (doc);
        UNIT_ASSERT (yt_root (doc) == NULL);
        yt_destroy (&doc);
    }
}

UNIT_TEST (yamltree_load_file_errors_name_the_file)
{
    char err[512] = "";
    yt_doc_t *doc = yt_load_file ("/nonexistent/kefu.yaml", err, sizeof err);
    UNIT_ASSERT (doc == NULL);
    UNIT_ASSERT_CONTAINS (err, "/nonexistent/kefu.yaml: cannot open");
    doc = yt_load_file ("/tmp", err, sizeof err);
    UNIT_ASSERT (doc == NULL);
    UNIT_ASSERT_CONTAINS (err, "/tmp: not a regular file");

    char path[] = "/tmp/kefu-yt-XXXXXX";
    int fd = mkstemp (path);
    UNIT_ASSERT (fd >= 0);
    FILE *file = fdopen (fd, "w");
    UNIT_ASSERT (file);
    fputs ("ok: 1\nbad: 2\nbad: 3\n", file);
    fclose (file);
    doc = yt_load_file (path, err, sizeof err);
    char expected[64];
    snprintf (expected, sizeof expected, "%s:3: bad: duplicate key", path);
    remove (path);
    UNIT_ASSERT (doc == NULL);
    UNIT_ASSERT_CONTAINS (err, expected);
}

/*  A large mapping (its key index grows many times): every key is found,
 *  and a repeated key is still refused with file, line, path and the line
 *  of the first one. */
UNIT_TEST (yamltree_large_map_finds_every_key_and_refuses_a_repeat)
{
    enum { N = 5000 };
    size_t cap = (size_t) N * 40 + 64, len = 0;
    char *text = malloc (cap);
    UNIT_ASSERT (text != NULL);
    len += (size_t) snprintf (text + len, cap - len, "root:\n");
    for (int i = 0; i < N; i++)
        len += (size_t) snprintf (text + len, cap - len, "  key_%d: %d\n", i, i);
    char err[256] = "";
    yt_doc_t *doc = yt_load_string ("big.yaml", text, err, sizeof err);
    UNIT_ASSERT (doc != NULL);
    yt_node_t *root = yt_get (yt_root (doc), "root");
    UNIT_ASSERT_INT_EQ ((int) yt_size (root), N);
    int found = 0;
    for (int i = 0; i < N; i++) {
        char key[32], value[32];
        snprintf (key, sizeof key, "key_%d", i);
        snprintf (value, sizeof value, "%d", i);
        const char *got = yt_text (yt_get (root, key));
        found += got && strcmp (got, value) == 0;
    }
    UNIT_ASSERT_INT_EQ (found, N);
    UNIT_ASSERT (yt_get (root, "key_5000") == NULL);
    UNIT_ASSERT (yt_get (root, "key_") == NULL);
    yt_destroy (&doc);
    /* key_17 is on line 19 (line 1 holds "root:"); its repeat on line N + 2 */
    snprintf (text + len, cap - len, "  key_17: again\n");
    doc = yt_load_string ("big.yaml", text, err, sizeof err);
    free (text);
    UNIT_ASSERT (doc == NULL);
    char expected[96];
    snprintf (expected, sizeof expected, "big.yaml:%d: root.key_17: duplicate key (first at line 19)",
              N + 2);
    UNIT_ASSERT_STR_EQ (err, expected);
}

UNIT_TEST (yamltree_first_error_wins)
{
    char err[256] = "";
    yt_doc_t *doc = yt_load_string ("f.yaml", "a: x\nb: y\n", err, sizeof err);
    UNIT_ASSERT (doc);
    yt_node_t *root = yt_root (doc);
    UNIT_ASSERT_INT_EQ (yt_fail (doc, yt_get (root, "b"), "first %d", 1), -1);
    UNIT_ASSERT_INT_EQ (yt_fail (doc, yt_get (root, "a"), "second"), -1);
    UNIT_ASSERT_STR_EQ (yt_error (doc), "f.yaml:2: b: first 1");
    UNIT_ASSERT_INT_EQ (yt_expect (doc, root, YT_SEQ), -1);
    UNIT_ASSERT_STR_EQ (yt_error (doc), "f.yaml:2: b: first 1");
    yt_destroy (&doc);
}

UNIT_TEST (keyindex_finds_what_was_entered_and_nothing_else)
{
    char *keys[100] = { 0 };
    char names[100][8];
    keyindex_t ix = { 0 };
    UNIT_ASSERT (keyindex_find (&ix, keys, "k0") == -1);
    for (size_t i = 0; i < 100; i++) {
        snprintf (names[i], sizeof names[i], "k%zu", i);
        keys[i] = names[i];
        UNIT_ASSERT (keyindex_add (&ix, keys, i) == 0);
    }
    for (size_t i = 0; i < 100; i++)
        UNIT_ASSERT_INT_EQ (keyindex_find (&ix, keys, names[i]), (long long) i);
    UNIT_ASSERT (keyindex_find (&ix, keys, "k100") == -1);
    UNIT_ASSERT (ix.n_slots >= 200);
    keyindex_free (&ix);
    UNIT_ASSERT (ix.slots == NULL && ix.n_slots == 0);
}

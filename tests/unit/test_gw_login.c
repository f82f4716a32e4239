/*  The gateway's log-in rules: the body's refusals, the throttle of failed
 *  log-ins (known pairs, accounts, addresses, Retry-After) and the password
 *  check (services/gateway/login.c); the session cookie's attributes
 *  (services/gateway/session.c). */
#include <cjson/cJSON.h>
#include <malloc.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../../services/gateway/login.h"
#include "../../services/gateway/session.h"
#include "auth/password.h"
#include "unit.h"

#define SEC_US INT64_C (1000000)
#define NOW_US (INT64_C (1800000000) * SEC_US)

static int s_parse (const char *body, gw_login_body_t *out, char *err, size_t errsize)
{
    return gw_login_parse (body, strlen (body), out, err, errsize);
}

UNIT_TEST (gw_login_body_takes_staff_and_password)
{
    gw_login_body_t body;
    char err[256] = "";
    UNIT_ASSERT (s_parse ("{\"staff\": \"A101\", \"password\": \"correct horse\"}", &body, err, sizeof err) == 0);
    UNIT_ASSERT_STR_EQ (body.staff, "A101");
    UNIT_ASSERT_STR_EQ (body.password, "correct horse");
}

UNIT_TEST (gw_login_body_refusals_name_the_field)
{
    static const struct {
        const char *body, *want;
    } cases[] = {
        { "", "body: " },
        { "[1]", "body: not a JSON object" },
        { "{\"staff\": \"A101\", \"password\": \"x\", \"remember\": true}", "body: unknown field" },
        { "{\"password\": \"secret secret\"}", "staff: missing" },
        { "{\"staff\": 7, \"password\": \"secret secret\"}", "staff: not a string" },
        { "{\"staff\": \"A 101\", \"password\": \"secret secret\"}", "staff: not a staff id" },
        { "{\"staff\": \"\", \"password\": \"secret secret\"}", "staff: not a staff id" },
        { "{\"staff\": \"A101\"}", "password: missing" },
        { "{\"staff\": \"A101\", \"password\": null}", "password: not a string" },
        { "{\"staff\": \"A101\", \"password\": \"\"}", "password: empty" },
        { "{\"staff\": \"A101\", \"password\": \"\xff\xfe\"}", "body: invalid UTF-8" },
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        gw_login_body_t body;
        char err[256] = "";
        int rc = s_parse (cases[i].body, &body, err, sizeof err);
        UNIT_ASSERT (unit_refused (rc == 0, cases[i].body, err, cases[i].want));
    }
    char big[400];
    snprintf (big, sizeof big, "{\"staff\": \"A101\", \"password\": \"%0*d\"}", PASSWORD_MAX + 1, 0);
    gw_login_body_t body;
    char err[256] = "";
    UNIT_ASSERT (unit_refused (s_parse (big, &body, err, sizeof err) == 0, "long password", err,
                               "password: too long (expected a string of 1 to 128 bytes)"));
    UNIT_ASSERT (strstr (err, "0000") == NULL);
}

/*  cJSON's frees, each block searched for the password before it goes. */
static const char s_secret[] = "hunter2-never-seen";
static int s_freed_with_secret;

static void s_free_checked (void *block)
{
    if (block && memmem (block, malloc_usable_size (block), s_secret, sizeof s_secret - 1))
        s_freed_with_secret++;
    free (block);
}

UNIT_TEST (gw_login_body_password_is_wiped_before_the_json_tree_is_freed)
{
    cJSON_Hooks hooks = { malloc, s_free_checked };
    cJSON_InitHooks (&hooks);
    s_freed_with_secret = 0;
    static const char *const bodies[] = {
        "{\"staff\": \"A101\", \"password\": \"hunter2-never-seen\"}",
        "{\"staff\": \"A 101\", \"password\": \"hunter2-never-seen\"}",
        "{\"password\": \"hunter2-never-seen\", \"staff\": \"A101\", \"more\": 1}",
    };
    for (size_t i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
        gw_login_body_t body;
        char err[256];
        s_parse (bodies[i], &body, err, sizeof err);
        memset (&body, 0, sizeof body);
    }
    cJSON_InitHooks (NULL);
    UNIT_ASSERT (s_freed_with_secret == 0);
}

/*  n failures, the newest `age_s` seconds ago, one second apart. */
static int s_fill (int64_t *times, int n, int64_t age_s)
{
    for (int i = 0; i < n; i++)
        times[i] = NOW_US - (age_s + i) * SEC_US;
    return n;
}

UNIT_TEST (gw_login_unknown_pairs_throttled_by_account_or_address)
{
    gw_login_record_t r = { 0 };
    UNIT_ASSERT (gw_login_retry_after_s (&r, NOW_US) == 0);
    r.n_account = s_fill (r.account, GW_LOGIN_ACCOUNT_LIMIT - 1, 0);
    UNIT_ASSERT (gw_login_retry_after_s (&r, NOW_US) == 0);
    /* the 10th failure: throttled until the oldest of the newest ten leaves the window */
    r.n_account = s_fill (r.account, GW_LOGIN_ACCOUNT_LIMIT, 0);
    UNIT_ASSERT (gw_login_retry_after_s (&r, NOW_US) == GW_LOGIN_WINDOW_S - (GW_LOGIN_ACCOUNT_LIMIT - 1));
    r.n_account = s_fill (r.account, GW_LOGIN_TIMES_MAX, 100);
    UNIT_ASSERT (gw_login_retry_after_s (&r, NOW_US) == GW_LOGIN_WINDOW_S - 100 - (GW_LOGIN_ACCOUNT_LIMIT - 1));
    r.n_account = 0;
    r.n_address = s_fill (r.address, GW_LOGIN_ADDRESS_LIMIT - 1, 0);
    UNIT_ASSERT (gw_login_retry_after_s (&r, NOW_US) == 0);
    r.n_address = s_fill (r.address, GW_LOGIN_ADDRESS_LIMIT, 0);
    UNIT_ASSERT (gw_login_retry_after_s (&r, NOW_US) == GW_LOGIN_WINDOW_S - (GW_LOGIN_ADDRESS_LIMIT - 1));
    /* the longer of the two waits */
    r.n_account = s_fill (r.account, GW_LOGIN_ACCOUNT_LIMIT, 0);
    UNIT_ASSERT (gw_login_retry_after_s (&r, NOW_US) == GW_LOGIN_WINDOW_S - (GW_LOGIN_ACCOUNT_LIMIT - 1));
    /* a wait is never rounded down to nothing */
    r.n_address = 0;
    r.n_account = GW_LOGIN_ACCOUNT_LIMIT;
    for (int i = 0; i < GW_LOGIN_ACCOUNT_LIMIT; i++)
        r.account[i] = NOW_US - (int64_t) GW_LOGIN_WINDOW_S * SEC_US + 1;
    UNIT_ASSERT (gw_login_retry_after_s (&r, NOW_US) == 1);
}

UNIT_TEST (gw_login_known_pair_only_its_own_failures_count)
{
    /* an attack on the account from elsewhere and a flood from a shared
     * address do not stop the user who logged in from here before */
    gw_login_record_t r = { .known = true };
    r.n_account = s_fill (r.account, GW_LOGIN_TIMES_MAX, 0);
    r.n_address = s_fill (r.address, GW_LOGIN_TIMES_MAX, 0);
    UNIT_ASSERT (gw_login_retry_after_s (&r, NOW_US) == 0);
    r.n_pair = s_fill (r.pair, GW_LOGIN_PAIR_LIMIT - 1, 0);
    UNIT_ASSERT (gw_login_retry_after_s (&r, NOW_US) == 0);
    r.n_pair = s_fill (r.pair, GW_LOGIN_PAIR_LIMIT, 5);
    UNIT_ASSERT (gw_login_retry_after_s (&r, NOW_US) == GW_LOGIN_WINDOW_S - 5 - (GW_LOGIN_PAIR_LIMIT - 1));
}

static int64_t s_check_us (const char *hash, const char *password)
{
    struct timespec a, b;
    clock_gettime (CLOCK_MONOTONIC, &a);
    gw_login_check (hash, password);
    clock_gettime (CLOCK_MONOTONIC, &b);
    return (int64_t) (b.tv_sec - a.tv_sec) * SEC_US + (b.tv_nsec - a.tv_nsec) / 1000;
}

UNIT_TEST (gw_login_start_makes_the_dummy_hash_an_unknown_id_takes_as_long)
{
    char err[256] = "", hash[PASSWORD_HASH_MAX];
    UNIT_ASSERT (gw_login_start (err, sizeof err) == 0);
    UNIT_ASSERT_STR_EQ (err, "");
    UNIT_ASSERT (password_hash ("correct horse battery", hash, err, sizeof err) == 0);
    int64_t known = INT64_MAX, unknown = INT64_MAX;
    for (int i = 0; i < 2; i++) {
        int64_t k = s_check_us (hash, "not it"), u = s_check_us (NULL, "not it");
        known = k < known ? k : known;
        unknown = u < unknown ? u : unknown;
    }
    /* no quick answer tells an unknown id apart (the same Argon2id work) */
    if (unknown * 4 < known)
        fprintf (stderr, "unknown id checked in %lld us, a known one in %lld us\n", (long long) unknown,
                 (long long) known);
    UNIT_ASSERT (unknown * 4 >= known);
}

UNIT_TEST (gw_login_check_matches_only_the_right_password)
{
    char hash[PASSWORD_HASH_MAX], err[128];
    UNIT_ASSERT (password_hash ("correct horse battery", hash, err, sizeof err) == 0);
    UNIT_ASSERT (gw_login_check (hash, "correct horse battery") == GW_CHECK_MATCH);
    UNIT_ASSERT (gw_login_check (hash, "correct horse batterz") == GW_CHECK_WRONG);
    /* no account: the dummy hash is checked, and nothing matches it */
    UNIT_ASSERT (gw_login_check (NULL, "correct horse battery") == GW_CHECK_WRONG);
    UNIT_ASSERT (gw_login_check ("$argon2id$broken", "correct horse battery") == GW_CHECK_WRONG);
}

static void *s_check_wrong (void *arg)
{
    (void) arg;
    gw_login_check (NULL, "not the password");
    return NULL;
}

UNIT_TEST (gw_login_checks_at_most_two_passwords_at_once)
{
    pthread_t threads[6];
    for (int i = 0; i < 6; i++)
        UNIT_ASSERT (pthread_create (&threads[i], NULL, s_check_wrong, NULL) == 0);
    for (int i = 0; i < 6; i++)
        pthread_join (threads[i], NULL);
    UNIT_ASSERT (gw_login_hash_peak () >= 1);
    UNIT_ASSERT (gw_login_hash_peak () <= GW_LOGIN_HASHES);
}

UNIT_TEST (gw_session_cookie_is_http_only_strict_and_secure_under_tls)
{
    char out[GW_SESSION_COOKIE_MAX];
    const char *token = "kefu_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd";
    UNIT_ASSERT_STR_EQ (gw_session_cookie (token, false, out, sizeof out),
                        "kefu_session=kefu_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd; Path=/; HttpOnly; "
                        "SameSite=Strict");
    UNIT_ASSERT_STR_EQ (gw_session_cookie (token, true, out, sizeof out),
                        "kefu_session=kefu_AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_abcd; Path=/; HttpOnly; "
                        "SameSite=Strict; Secure");
    UNIT_ASSERT_STR_EQ (gw_session_cookie (NULL, true, out, sizeof out),
                        "kefu_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure");
}

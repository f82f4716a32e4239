/*  Unit tests for the notify section (common/notify/notify_config, docs/configuration.md
 *  "notify"): the adapter defaults as before (file when notify.file is set,
 *  else log), the SMTP relay's keys, their defaults and every refusal with
 *  file:line: key, and the password from KEFU_SMTP_PASSWORD. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf/config.h"
#include "base/log.h"
#include "notify/notify.h"
#include "notify/notify_config.h"
#include "unit.h"

static cfg_t *s_load (const char *text)
{
    char err[512] = "";
    cfg_t *cfg = cfg_load_string ("kefu.yaml", text, err, sizeof err);
    if (!cfg)
        printf ("    %s\n", err);
    return cfg;
}

static bool s_refused (const char *text, const char *expected)
{
    char err[512] = "";
    cfg_t *cfg = cfg_load_string ("kefu.yaml", text, err, sizeof err);
    bool loaded = cfg != NULL;
    cfg_destroy (&cfg);
    return unit_refused (loaded, text, err, expected);
}

UNIT_TEST (config_notify_adapter_defaults_to_file_or_log)
{
    unsetenv ("KEFU_SMTP_PASSWORD");
    cfg_t *cfg = s_load ("");
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_INT_EQ (notify_config (cfg)->adapter, NOTIFY_ADAPTER_LOG);
    UNIT_ASSERT_INT_EQ (notify_config (cfg)->smtp.port, 25);
    UNIT_ASSERT_INT_EQ (notify_config (cfg)->smtp.timeout_ms, 5000);
    UNIT_ASSERT (notify_config (cfg)->smtp.host == NULL && notify_config (cfg)->smtp.password == NULL);
    cfg_destroy (&cfg);
    cfg = s_load ("notify:\n  file: /tmp/n.jsonl\n");
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_INT_EQ (notify_config (cfg)->adapter, NOTIFY_ADAPTER_FILE);
    cfg_destroy (&cfg);
    cfg = s_load ("notify:\n  adapter: log\n");
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_INT_EQ (notify_config (cfg)->adapter, NOTIFY_ADAPTER_LOG);
    cfg_destroy (&cfg);
}

UNIT_TEST (config_notify_smtp_reads_the_relay)
{
    unsetenv ("KEFU_SMTP_PASSWORD");
    cfg_t *cfg =
        s_load ("notify:\n  adapter: smtp\n  smtp:\n    host: 127.0.0.1\n    from: kefu@kefu.example.cn\n");
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_INT_EQ (notify_config (cfg)->adapter, NOTIFY_ADAPTER_SMTP);
    UNIT_ASSERT_STR_EQ (notify_config (cfg)->smtp.host, "127.0.0.1");
    UNIT_ASSERT_STR_EQ (notify_config (cfg)->smtp.from, "kefu@kefu.example.cn");
    UNIT_ASSERT_INT_EQ (notify_config (cfg)->smtp.port, 25);
    UNIT_ASSERT (notify_config (cfg)->smtp.helo == NULL && notify_config (cfg)->smtp.username == NULL);
    cfg_destroy (&cfg);

    setenv ("KEFU_SMTP_PASSWORD", "from env", 1);
    cfg =
        s_load ("notify:\n  adapter: smtp\n  smtp: {host: mail.example.com, port: 2525, from: a@example.com, "
                "helo: kefu1.example.com, timeout_ms: 1500, username: kefu}\n");
    unsetenv ("KEFU_SMTP_PASSWORD");
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_INT_EQ (notify_config (cfg)->smtp.port, 2525);
    UNIT_ASSERT_INT_EQ (notify_config (cfg)->smtp.timeout_ms, 1500);
    UNIT_ASSERT_STR_EQ (notify_config (cfg)->smtp.helo, "kefu1.example.com");
    UNIT_ASSERT_STR_EQ (notify_config (cfg)->smtp.username, "kefu");
    UNIT_ASSERT_STR_EQ (notify_config (cfg)->smtp.password, "from env");

    /* the section's config line names the relay, never the password */
    log_init ("test", "t1", LOG_INFO);
    UNIT_ASSERT (unit_log_capture () == 0);
    cfg_log (cfg);
    char line[8192] = "";
    UNIT_ASSERT (unit_log_captured (line, sizeof line) == 0);
    cfg_destroy (&cfg);
    UNIT_ASSERT_CONTAINS (line, "\"section\":\"notify\",\"adapter\":\"smtp\"");
    UNIT_ASSERT_CONTAINS (line, "\"smtp.host\":\"mail.example.com\",\"smtp.port\":\"2525\",\"smtp.from\":\"a@example.com\"");
    UNIT_ASSERT_CONTAINS (line, "\"smtp.username\":\"kefu\",\"smtp.password\":\"set\"");
    UNIT_ASSERT (strstr (line, "from env") == NULL);

    cfg = s_load ("notify:\n  adapter: smtp\n  smtp: {host: \"::1\", from: a@example.com, username: u, "
                  "password: in-file}\n");
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_STR_EQ (notify_config (cfg)->smtp.password, "in-file");
    cfg_destroy (&cfg);

    /* kefuctl reads the file without the dispatcher's secret; the
     * dispatcher refuses to open the adapter without it */
    cfg = s_load ("notify:\n  adapter: smtp\n  smtp: {host: h, from: a@example.com, username: kefu}\n");
    UNIT_ASSERT (cfg);
    char err[256] = "";
    UNIT_ASSERT (notify_new_from_config (notify_config (cfg), err, sizeof err) == NULL);
    UNIT_ASSERT_CONTAINS (err, "notify.smtp.username \"kefu\" needs a password: set the environment variable "
                               "KEFU_SMTP_PASSWORD");
    cfg_destroy (&cfg);
}

UNIT_TEST (config_notify_bad_values_name_file_line_and_key)
{
    unsetenv ("KEFU_SMTP_PASSWORD");
    const char *smtp = "notify:\n  adapter: smtp\n  smtp:\n";
    char text[512];
    UNIT_ASSERT (s_refused ("notify:\n  adapter: sms\n",
                            "kefu.yaml:2: notify.adapter: \"sms\" is not one of: log, file, smtp"));
    UNIT_ASSERT (
        s_refused ("notify:\n  adapter: file\n", "kefu.yaml:2: notify.adapter: file needs notify.file"));
    UNIT_ASSERT (s_refused ("notify:\n  adapter: smtp\n", "notify.smtp: missing"));
    UNIT_ASSERT (s_refused ("notify:\n  adapter: smtp\n  file: /tmp/x\n  smtp: {host: h, from: a@b.cn}\n",
                            "kefu.yaml:3: notify.file: only used by adapter: file (the adapter is smtp)"));
    UNIT_ASSERT (s_refused ("notify:\n  smtp:\n    host: h\n",
                            "kefu.yaml:3: notify.smtp: only used by adapter: smtp (the adapter is log)"));
    UNIT_ASSERT (
        s_refused ("notify:\n  adapter: smtp\n  smtp:\n    from: a@b.cn\n", "notify.smtp.host: missing"));
    snprintf (text, sizeof text, "%s    host: h\n", smtp);
    UNIT_ASSERT (s_refused (text, "notify.smtp.from: missing"));
    snprintf (text, sizeof text, "%s    host: \"mail example\"\n    from: a@b.cn\n", smtp);
    UNIT_ASSERT (s_refused (text, "kefu.yaml:4: notify.smtp.host: \"mail example\": expected a host name"));
    snprintf (text, sizeof text, "%s    host: h\n    from: a@b.cn\n    port: 0\n", smtp);
    UNIT_ASSERT (s_refused (text, "kefu.yaml:6: notify.smtp.port: must be an integer from 1 to 65535"));
    snprintf (text, sizeof text, "%s    host: h\n    from: a@b.cn\n    timeout_ms: 60001\n", smtp);
    UNIT_ASSERT (
        s_refused (text, "kefu.yaml:6: notify.smtp.timeout_ms: must be an integer from 100 to 60000"));
    snprintf (text, sizeof text, "%s    host: h\n    from: kefu\n", smtp);
    UNIT_ASSERT (s_refused (text, "kefu.yaml:5: notify.smtp.from: \"kefu\": not a usable sender address"));
    snprintf (text, sizeof text, "%s    host: h\n    from: a@b.cn\n    helo: \"a b\"\n", smtp);
    UNIT_ASSERT (s_refused (text, "kefu.yaml:6: notify.smtp.helo: \"a b\": expected a host name"));
    snprintf (text, sizeof text, "%s    host: h\n    from: a@b.cn\n    password: x\n", smtp);
    UNIT_ASSERT (
        s_refused (text, "kefu.yaml:6: notify.smtp.password: a password needs notify.smtp.username"));
    snprintf (text, sizeof text, "%s    host: h\n    from: a@b.cn\n    tls: true\n", smtp);
    UNIT_ASSERT (s_refused (text, "kefu.yaml:6: notify.smtp.tls: \"true\" is not one of: starttls, smtps, none"));
    snprintf (text, sizeof text, "%s    host: h\n    from: a@b.cn\n    tls_verify: maybe\n", smtp);
    UNIT_ASSERT (s_refused (text, "kefu.yaml:6: notify.smtp.tls_verify: must be true or false"));
    snprintf (text, sizeof text, "%s    host: h\n    from: a@b.cn\n    starttls: yes\n", smtp);
    UNIT_ASSERT (s_refused (text, "kefu.yaml:6: notify.smtp.starttls: unknown key"));
    UNIT_ASSERT (s_refused ("notify:\n  adaptor: smtp\n", "kefu.yaml:2: notify.adaptor: unknown key"));
}

UNIT_TEST (config_notify_smtp_tls_defaults_to_verified_starttls)
{
    unsetenv ("KEFU_SMTP_PASSWORD");
    cfg_t *cfg = s_load ("notify:\n  adapter: smtp\n  smtp: {host: mail.example.com, from: a@example.com}\n");
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_INT_EQ (notify_config (cfg)->smtp.tls, NOTIFY_SMTP_STARTTLS);
    UNIT_ASSERT (notify_config (cfg)->smtp.tls_verify);
    UNIT_ASSERT (notify_config (cfg)->smtp.ca_file == NULL);
    UNIT_ASSERT_INT_EQ (notify_config (cfg)->smtp.port, 25);
    cfg_destroy (&cfg);
    /* implicit TLS: port 465 unless one is named */
    cfg = s_load ("notify:\n  adapter: smtp\n  smtp: {host: mail.example.com, from: a@example.com, tls: smtps, "
                  "ca_file: /etc/kefu/relay-ca.pem, username: kefu}\n");
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_INT_EQ (notify_config (cfg)->smtp.tls, NOTIFY_SMTP_SMTPS);
    UNIT_ASSERT_INT_EQ (notify_config (cfg)->smtp.port, 465);
    UNIT_ASSERT_STR_EQ (notify_config (cfg)->smtp.ca_file, "/etc/kefu/relay-ca.pem");
    cfg_destroy (&cfg);
    cfg = s_load ("notify:\n  adapter: smtp\n  smtp: {host: mail.example.com, from: a@example.com, tls: smtps, "
                  "port: 4650, tls_verify: false}\n");
    UNIT_ASSERT (cfg);
    UNIT_ASSERT_INT_EQ (notify_config (cfg)->smtp.port, 4650);
    UNIT_ASSERT (!notify_config (cfg)->smtp.tls_verify);
    cfg_destroy (&cfg);
    /* a plain connection may carry AUTH to loopback only */
    const char *loopback[] = {"localhost", "127.0.0.1", "\"::1\""};
    for (int i = 0; i < 3; i++) {
        char text[300];
        snprintf (text, sizeof text,
                  "notify:\n  adapter: smtp\n  smtp: {host: %s, from: a@example.com, tls: none, username: kefu}\n",
                  loopback[i]);
        cfg = s_load (text);
        UNIT_ASSERT (cfg);
        cfg_destroy (&cfg);
    }
    cfg = s_load ("notify:\n  adapter: smtp\n  smtp: {host: relay.internal, from: a@example.com, tls: none}\n");
    UNIT_ASSERT (cfg); /* no AUTH: nothing secret goes in clear */
    cfg_destroy (&cfg);
}

UNIT_TEST (config_notify_smtp_refuses_auth_in_clear_and_tls_keys_without_tls)
{
    unsetenv ("KEFU_SMTP_PASSWORD");
    const char *smtp = "notify:\n  adapter: smtp\n  smtp:\n    from: a@b.cn\n";
    char text[512];
    snprintf (text, sizeof text, "%s    host: 192.0.2.25\n    tls: none\n    username: kefu\n", smtp);
    UNIT_ASSERT (s_refused (text, "kefu.yaml:7: notify.smtp.username: AUTH over a plain connection to 192.0.2.25 "
                                  "would send the password in clear: set notify.smtp.tls to starttls or smtps"));
    snprintf (text, sizeof text, "%s    host: mail.example.com\n    tls: none\n    username: kefu\n", smtp);
    UNIT_ASSERT (s_refused (text, "notify.smtp.username: AUTH over a plain connection to mail.example.com"));
    snprintf (text, sizeof text, "%s    host: h\n    tls: none\n    ca_file: /etc/ca.pem\n", smtp);
    UNIT_ASSERT (s_refused (text, "kefu.yaml:7: notify.smtp.ca_file: only used with TLS (notify.smtp.tls is none)"));
    snprintf (text, sizeof text, "%s    host: h\n    tls: none\n    tls_verify: true\n", smtp);
    UNIT_ASSERT (s_refused (text, "kefu.yaml:7: notify.smtp.tls_verify: only used with TLS"));
    snprintf (text, sizeof text, "%s    host: h\n    tls_verify: false\n    ca_file: /etc/ca.pem\n", smtp);
    UNIT_ASSERT (s_refused (text, "kefu.yaml:7: notify.smtp.ca_file: not used when notify.smtp.tls_verify is false"));
}

"""What an operator meets at the command line: the demo feed of make run is
idempotent (a second feed changes nothing), and kefuctl says what is wrong
or what it waits for instead of failing silently or waiting silently."""
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System, ROOT  # noqa: E402

S = None


def setup_module():
    global S
    S = System("operator", org=os.path.join(ROOT, "deploy", "demo", "org.yaml"))
    S.start_services(["intake"])


def teardown_module():
    if S:
        S.shutdown()


def feed():
    kefuctl = "%s --config %s" % (os.path.join(h.BUILD, "bin", "kefuctl"), S.config)
    proc = subprocess.run([os.path.join(ROOT, "deploy", "demo", "requests.sh")], cwd=ROOT,
                          env=h.child_env({"KEFUCTL": kefuctl, "KEFU_TOKEN_FILE": S.token_file}),
                          capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def tickets():
    return S.sql("SELECT id, contact_count, status FROM intake.tickets ORDER BY id")


def test_feeding_the_demo_requests_twice_changes_nothing():
    feed()
    first = tickets()
    assert len(first) == 6 and (1, 2, first[0][2]) == first[0], first  # request 2 joined ticket 1
    history = S.sql("SELECT count(*) FROM intake.ticket_history")
    feed()
    assert tickets() == first
    assert S.sql("SELECT count(*) FROM intake.ticket_history") == history


def test_submit_refuses_a_request_id_that_is_not_a_uuid():
    proc = S.kefuctl("submit", "--request-id", "demo-1", "--kind", "repair", "--channel", "web",
                     "--customer", "C1001", "--description", "x", check=False)
    assert proc.returncode == 2 and '--request-id: "demo-1" is not a UUID' in proc.stderr, proc


def test_a_malformed_endpoint_is_refused_at_once():
    for endpoint in ("tcp://:7100", "tcp://127.0.0.1:99999", "tcp://127.0.0.1:*"):
        start = time.monotonic()
        proc = S.kefuctl("--endpoint", endpoint, "list", check=False)
        assert proc.returncode == 2, (endpoint, proc)
        assert "--endpoint: \"%s\" is not an endpoint kefuctl can connect to" % endpoint \
            in proc.stderr, proc.stderr
        assert time.monotonic() - start < 5, "refused only after %.1f s" % (time.monotonic() - start)


def test_list_says_what_it_waits_for_while_intake_is_away():
    port = h.free_port()
    proc = S.kefuctl("--endpoint", "tcp://127.0.0.1:%d" % port, "--timeout-ms", "700",
                     "--retries", "1", "list", check=False)
    assert proc.returncode == 1, proc
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("kefuctl list: waiting for a connection to intake at "
                               "tcp://127.0.0.1:%d (is kefu-intake running" % port), lines
    assert "attempt 1 of 2, giving up in about" in lines[0], lines
    assert "trying again; attempt 2 of 2" in lines[1], lines
    assert lines[-1].endswith("(gave up after 2 attempts)"), lines


def test_board_says_what_it_waits_for_while_dispatch_is_away():
    port = h.free_port()
    proc = S.kefuctl("--endpoint", "tcp://127.0.0.1:%d" % port, "--timeout-ms", "700",
                     "--retries", "1", "board", check=False)
    assert proc.returncode == 1, proc
    lines = proc.stderr.splitlines()
    assert lines[0].startswith("kefuctl board: waiting for a connection to dispatch at "
                               "tcp://127.0.0.1:%d (is kefu-dispatch running" % port), lines
    assert lines[-1] == ("kefuctl board: no connection to dispatch at tcp://127.0.0.1:%d "
                         "(gave up after 2 attempts)" % port), lines


def test_a_database_command_without_run_env_says_to_source_it():
    config = h.write_config(S.tmp, S.cluster, name="nodb.yaml",
                            database={"conninfo": "host=%s port=1 dbname=kefu" % S.tmp})
    proc = h.kefuctl(config, "admin", "dead-letters")   # no cluster: KEFU_DB_CONNINFO stays unset
    assert proc.returncode == 1, proc
    assert "kefuctl admin dead-letters: cannot connect to PostgreSQL" in proc.stderr, proc.stderr
    assert "KEFU_DB_CONNINFO is not set" in proc.stderr and "`. run/env`" in proc.stderr, proc.stderr

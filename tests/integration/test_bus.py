"""Runs the C integration test of the messaging core (bin/it-bus, from
tests/integration/bus.c) against a throwaway, freshly migrated cluster:
delivery and acknowledgement, redelivery applied once, an absent receiver
retried with back-off, dead letters, max_attempts."""
import os
import subprocess

from kefu_harness import BUILD, ROOT, Cluster, child_env

cluster = None


def setup_module():
    global cluster
    cluster = Cluster().start()
    cluster.migrate_with_psql()


def teardown_module():
    if cluster is not None:
        cluster.close()


def test_c_bus_integration_program_passes():
    binary = os.path.join(BUILD, "bin", "it-bus")
    assert os.path.exists(binary), "%s is not built" % binary
    proc = subprocess.run([binary], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, timeout=300,
                          env=child_env({"KEFU_TEST_CONNINFO": cluster.conninfo}))
    print(proc.stdout)
    assert proc.returncode == 0, proc.stdout
    last = [l for l in proc.stdout.splitlines() if l.endswith(" failed")][-1]
    passed, failed = int(last.split()[0]), int(last.split()[2])
    assert failed == 0 and passed > 0, last


def test_schema_files_are_valid_draft_2020_12_schemas():
    proc = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "tools", "check_messages.py"),
                           "--self-test", os.path.join(ROOT, "schemas")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout

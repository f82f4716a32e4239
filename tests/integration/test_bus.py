"""Runs the C integration test of the messaging core (bin/it-bus, from
tests/integration/bus.c) against a throwaway, freshly migrated cluster:
delivery and acknowledgement, redelivery applied once, an absent receiver
retried with back-off, dead letters, max_attempts."""
import os
import subprocess

from kefu_harness import ROOT, Cluster, run_c_integration

cluster = None


def setup_module():
    global cluster
    cluster = Cluster().start()
    cluster.migrate_with_psql()


def teardown_module():
    if cluster is not None:
        cluster.close()


def test_c_bus_integration_program_passes():
    run_c_integration("bus", cluster)


def test_schema_files_are_valid_draft_2020_12_schemas():
    proc = subprocess.run(["/usr/bin/python3", os.path.join(ROOT, "tests", "tools", "check_messages.py"),
                           "--self-test", os.path.join(ROOT, "schemas")],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout

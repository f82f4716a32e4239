"""Runs the C integration test of the whole-database metrics (bin/it-db_metrics,
from tests/integration/db_metrics.c) against a throwaway, freshly migrated
cluster: the SLA clock and outbox figures of known rows, read by roles that
may read neither table; the counts following the caller's "now"; exactly
one exporter among two connections, and the other taking over when it
closes; errors as a reason, never a crash. The text it wrote passes
`promtool check metrics` (Debian package prometheus)."""
import os
import shutil
import subprocess

import pytest

from kefu_harness import Cluster, run_c_integration


@pytest.fixture(scope="module")
def migrated():
    cluster = Cluster().start()
    try:
        cluster.migrate_with_psql()
        yield cluster
    finally:
        cluster.close()


def test_c_db_metrics_integration_program_passes(migrated, tmp_path, monkeypatch):
    out = str(tmp_path / "db_metrics.prom")
    monkeypatch.setenv("KEFU_TEST_METRICS_OUT", out)
    assert run_c_integration("db_metrics", migrated) == 4
    with open(out, encoding="utf-8") as f:
        text = f.read()
    assert "kefu_sla_clocks_open{clock=\"arrival\"} 3\n" in text, text
    if shutil.which("promtool") is None:
        pytest.skip("promtool is not installed (Debian package prometheus)")
    lint = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True,
                          timeout=60)
    assert (lint.returncode, lint.stdout, lint.stderr) == (0, "", ""), text

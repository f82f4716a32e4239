"""Runs the C integration test of the whole-database metrics (bin/it-db_metrics,
from tests/integration/db_metrics.c) against a throwaway, freshly migrated
cluster: the SLA clock and outbox figures of known rows, read by roles that
may read neither table; the counts following the caller's "now"; exactly
one exporter among two connections, and the other taking over when it
closes; errors as a reason, never a crash."""
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


def test_c_db_metrics_integration_program_passes(migrated):
    assert run_c_integration("db_metrics", migrated) == 4

"""Runs the C integration test of billing's ledger (bin/it-ledger, from
tests/integration/ledger.c) against a throwaway, freshly migrated cluster:
posting as kefu_billing, one key booked once (also by two connections at
once), the database's refusals of UPDATE, DELETE, TRUNCATE and bad rows,
and the books confined by branch."""
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


def test_c_ledger_integration_program_passes(migrated):
    assert run_c_integration("ledger", migrated) == 5

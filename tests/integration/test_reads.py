"""Runs the C integration test of dispatch's SLA reads (bin/it-reads, from
tests/integration/reads.c) against a throwaway, freshly migrated cluster:
each read confined to the caller's branches, as kefu_dispatch, every
success valid against schemas/replies/."""
from kefu_harness import Cluster, run_c_integration

cluster = None


def setup_module():
    global cluster
    cluster = Cluster().start()
    cluster.migrate_with_psql()


def teardown_module():
    if cluster is not None:
        cluster.close()


def test_c_reads_integration_program_passes():
    assert run_c_integration("reads", cluster) == 3

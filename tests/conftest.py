"""pytest set-up shared by every Python-driven test: tests/lib is
importable, its assertions show the values they compared (as those in the
test files do), and the run ends with the one line "N passed, N failed" that
tests/run.sh adds up."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
pytest.register_assert_rewrite("kefu_harness", "kefu_system", "intake_client", "smtp_sink")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a module's last test and its teardown_module: whatever System
    is still running (its setup_module failed, so no teardown ran) is
    stopped, so that no service or cluster outlives its module."""
    yield
    if nextitem is None or nextitem.module is not item.module:
        import kefu_system
        kefu_system.abandon_open_systems()


def pytest_terminal_summary(terminalreporter):
    stats = terminalreporter.stats
    passed = len(stats.get("passed", []))
    failed = len(stats.get("failed", [])) + len(stats.get("error", []))
    terminalreporter.write_line("%d passed, %d failed" % (passed, failed))

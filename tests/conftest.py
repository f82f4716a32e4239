"""pytest set-up shared by every Python-driven test: tests/lib is
importable, its assertions show the values they compared (as those in the
test files do), and the run ends with the one line "N passed, N failed" that
tests/run.sh adds up."""
import os
import sys

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "lib"))
pytest.register_assert_rewrite("kefu_harness", "kefu_system", "intake_client", "smtp_sink")


def pytest_terminal_summary(terminalreporter):
    stats = terminalreporter.stats
    passed = len(stats.get("passed", []))
    failed = len(stats.get("failed", [])) + len(stats.get("error", []))
    terminalreporter.write_line("%d passed, %d failed" % (passed, failed))

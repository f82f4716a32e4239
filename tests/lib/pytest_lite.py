#!/usr/bin/python3
"""pytest_lite — the tiny test runner for kefu's Python-driven tests
(integration, end-to-end, fault), so that they need nothing beyond Debian's
/usr/bin/python3.

    /usr/bin/python3 tests/lib/pytest_lite.py FILE.py... [-k "WORD WORD"]

Discovers the module-level functions named test_* in each file, in the order
they are written, and runs each once. Per file, setup_module() runs before
its first selected test and teardown_module() after its last (also when
tests fail). A test whose signature names a parameter `tmp_path` gets a
fresh temporary directory (a pathlib.Path), removed after a pass and kept
after a failure for inspection.

Prints "ok - FILE::NAME" or "not ok - FILE::NAME" followed by the traceback
(each line prefixed "# "), and finally one line "N passed, N failed". Exits
1 when anything failed. -k selects tests whose "FILE::NAME" contains any of
the given words.
"""
import importlib.util
import inspect
import os
import pathlib
import shutil
import sys
import tempfile
import time
import traceback

HERE = os.path.dirname(os.path.abspath(__file__))


def _print_traceback(text):
    for line in text.rstrip("\n").split("\n"):
        print("# " + line)


def _load(path, index):
    """Imports a test file as its own module; tests/lib and the file's own
    directory are importable from it."""
    directory = os.path.dirname(os.path.abspath(path))
    for p in (HERE, directory):
        if p not in sys.path:
            sys.path.insert(0, p)
    name = "kefu_test_%d_%s" % (index, os.path.splitext(os.path.basename(path))[0])
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _tests_of(module):
    found = []
    for name, fn in vars(module).items():
        if name.startswith("test_") and inspect.isfunction(fn) and fn.__module__ == module.__name__:
            found.append((fn.__code__.co_firstlineno, name, fn))
    found.sort()
    return [(name, fn) for _, name, fn in found]


def _run_one(label, fn):
    """Runs one test. Returns True when it passed."""
    tmp = None
    kwargs = {}
    if "tmp_path" in inspect.signature(fn).parameters:
        tmp = tempfile.mkdtemp(prefix="kefu-test-")
        os.chmod(tmp, 0o755)
        kwargs["tmp_path"] = pathlib.Path(tmp)
    started = time.monotonic()
    try:
        fn(**kwargs)
    except KeyboardInterrupt:
        raise
    except BaseException:  # noqa: B902 - a test may raise anything, SystemExit included
        print("not ok - %s (%.1f s)" % (label, time.monotonic() - started))
        _print_traceback(traceback.format_exc())
        if tmp:
            print("# kept %s" % tmp)
        sys.stdout.flush()
        return False
    print("ok - %s (%.1f s)" % (label, time.monotonic() - started))
    sys.stdout.flush()
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
    return True


def main(argv):
    files, words = [], []
    i = 0
    while i < len(argv):
        if argv[i] == "-k":
            if i + 1 >= len(argv):
                print("pytest_lite: -k needs words", file=sys.stderr)
                return 2
            words.extend(argv[i + 1].split())
            i += 2
            continue
        if argv[i] in ("-h", "--help"):
            print(__doc__)
            return 0
        files.append(argv[i])
        i += 1
    if not files:
        print("usage: pytest_lite.py FILE.py... [-k WORDS]", file=sys.stderr)
        return 2

    passed = failed = 0
    for index, path in enumerate(files):
        rel = os.path.relpath(path)
        try:
            module = _load(path, index)
        except KeyboardInterrupt:
            raise
        except BaseException:  # noqa: B902
            print("not ok - %s (import failed)" % rel)
            _print_traceback(traceback.format_exc())
            failed += 1
            continue
        selected = [(n, f) for n, f in _tests_of(module)
                    if not words or any(w in "%s::%s" % (rel, n) for w in words)]
        if not selected:
            continue
        setup = getattr(module, "setup_module", None)
        teardown = getattr(module, "teardown_module", None)
        try:
            if setup:
                try:
                    setup()
                except KeyboardInterrupt:
                    raise
                except BaseException:  # noqa: B902
                    text = traceback.format_exc()
                    for name, _ in selected:
                        print("not ok - %s::%s (setup_module failed)" % (rel, name))
                    _print_traceback(text)
                    failed += len(selected)
                    continue
            for name, fn in selected:
                if _run_one("%s::%s" % (rel, name), fn):
                    passed += 1
                else:
                    failed += 1
        finally:
            if teardown:
                try:
                    teardown()
                except KeyboardInterrupt:
                    raise
                except BaseException:  # noqa: B902
                    print("not ok - %s::teardown_module" % rel)
                    _print_traceback(traceback.format_exc())
                    failed += 1
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except KeyboardInterrupt:
        print("interrupted")
        print("0 passed, 1 failed")
        sys.exit(130)

"""systemd's notification protocol, spoken by every service and the
gateway without libsystemd (common/ops/sd_notify.c): started with
NOTIFY_SOCKET and WATCHDOG_USEC as systemd starts a Type=notify unit with
WatchdogSec=, each sends READY=1 once ready, WATCHDOG=1 again and again at
half the watchdog interval, and STOPPING=1 on SIGTERM, then exits cleanly.
The socket is a path for some and in the abstract namespace ('@') for the
others, as systemd uses both."""
import os
import signal
import socket
import sys
import time

import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
# 1 s: a kick every 0.5 s, so the test sees several in a few seconds
WATCHDOG_USEC = 1000000
KNOWN = {"READY=1", "WATCHDOG=1", "STOPPING=1"}


def setup_module():
    global S
    S = System("sdnotify")


def teardown_module():
    if S:
        S.shutdown()


class Listener:
    """A datagram socket bound where NOTIFY_SOCKET will point."""

    def __init__(self, name, abstract):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if abstract:
            self.address = "@kefu-test-%d-%s" % (os.getpid(), name)
            self.sock.bind("\0" + self.address[1:])
        else:
            self.address = os.path.join(S.tmp, "notify-%s" % name)
            self.sock.bind(self.address)
        self.received = []

    def wait_for(self, state, count=1, timeout=60):
        """Receives until `state` has come `count` times since the last call,
        or fails after timeout seconds with what did come."""
        seen = 0
        deadline = time.monotonic() + timeout
        while seen < count:
            left = deadline - time.monotonic()
            assert left > 0, "waited %d s for %d x %r; received %r" % (timeout, count, state, self.received)
            self.sock.settimeout(left)
            try:
                data = self.sock.recv(4096).decode("utf-8")
            except socket.timeout:
                continue
            self.received.append(data)
            assert data in KNOWN, "unexpected notification %r (all: %r)" % (data, self.received)
            seen += data == state

    def close(self):
        self.sock.close()
        if not self.address.startswith("@"):
            os.unlink(self.address)


@pytest.mark.parametrize("index,name", list(enumerate(h.PROGRAMS)), ids=list(h.PROGRAMS))
def test_service_tells_systemd_ready_watchdog_and_stopping(index, name):
    listener = Listener(name, abstract=index % 2 == 1)
    svc = None
    try:
        svc = S.start_service(name, env={"NOTIFY_SOCKET": listener.address,
                                         "WATCHDOG_USEC": str(WATCHDOG_USEC)})
        listener.wait_for("READY=1")
        assert listener.received.count("READY=1") == 1, listener.received
        assert svc.events("ready"), "READY=1 came before the \"ready\" log line"
        # kicks keep coming after ready, not a single one
        listener.wait_for("WATCHDOG=1", count=3, timeout=30)
        svc.proc.send_signal(signal.SIGTERM)
        listener.wait_for("STOPPING=1", timeout=30)
        # no second SIGTERM (svc.stop would send one): the first is stopping it
        rc = svc.proc.wait(60)
        assert rc == 0, "%s exited with %s; log:\n%s" % (name, rc, "\n".join(map(str, svc.lines()[-5:])))
        assert listener.received[-1] == "STOPPING=1", listener.received
        assert listener.received.count("READY=1") == 1, listener.received
    finally:
        if svc is not None and svc.alive():
            svc.stop(check=False)
        listener.close()

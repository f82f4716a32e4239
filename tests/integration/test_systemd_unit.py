"""The systemd units: deploy/systemd/kefu@.service is hardened: systemd's own
offline security analysis rates its exposure at most 3.0, each protection
docs/configuration.md ("Running under systemd") promises is among those it
counts as in place, and its filters let through every system call and socket
family the services were seen to use; both it and kefu-gateway.service are
Type=notify with a watchdog, and the gateway's unit is rated at most 3.0 too.
Needs systemd-analyze (Debian package systemd, deploy/packages.txt); no
running systemd: the analysis reads the file alone."""
import json
import os
import re
import shutil
import subprocess

import pytest

from kefu_harness import ROOT

UNIT = os.path.join(ROOT, "deploy", "systemd", "kefu@.service")
MAX_EXPOSURE = 3.0

# Checks of `systemd-analyze security` that must be passed (its names).
REQUIRED = [
    "NoNewPrivileges=", "AmbientCapabilities=", "CapabilityBoundingSet=~CAP_SYS_ADMIN",
    "CapabilityBoundingSet=~CAP_SET(UID|GID|PCAP)", "ProtectSystem=", "ProtectHome=",
    "PrivateTmp=", "PrivateDevices=", "ProtectKernelTunables=", "ProtectKernelModules=",
    "ProtectKernelLogs=", "ProtectControlGroups=", "ProtectClock=", "ProtectHostname=",
    "RestrictNamespaces=~user", "RestrictNamespaces=~mnt", "RestrictNamespaces=~net",
    "LockPersonality=", "MemoryDenyWriteExecute=", "RestrictRealtime=", "RestrictSUIDSGID=",
    "SystemCallArchitectures=", "SystemCallFilter=~@privileged",
    "SystemCallFilter=~@mount", "SystemCallFilter=~@debug", "SystemCallFilter=~@module",
    "RestrictAddressFamilies=~AF_PACKET",
    "RestrictAddressFamilies=~…",
]


def analyze(*extra):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (Debian package systemd)")
    proc = subprocess.run(["systemd-analyze", "security", "--offline=true", "--no-pager", *extra, UNIT],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_systemd_unit_exposure_is_at_most_3():
    out = analyze()
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+) (\S+)", out)
    assert m, "no overall exposure line in:\n" + out
    exposure = float(m.group(1))
    assert exposure <= MAX_EXPOSURE, "exposure %.1f %s > %.1f:\n%s" % (exposure, m.group(2), MAX_EXPOSURE, out)


def test_systemd_unit_has_every_promised_protection():
    checks = {c["name"]: c["set"] for c in json.loads(analyze("--json=short"))}
    missing = [name for name in REQUIRED if checks.get(name) is not True]
    assert missing == [], {name: checks.get(name, "not reported") for name in missing}


def test_systemd_unit_gives_the_file_notifier_its_folder():
    """notify.file must be writable under ProtectSystem=strict: the unit
    makes /var/log/kefu the service's (LogsDirectory=kefu), the folder the
    docs and the demo configuration name."""
    with open(UNIT, encoding="utf-8") as f:
        lines = [line.strip() for line in f]
    assert "LogsDirectory=kefu" in lines, lines
    assert "ProtectSystem=strict" in lines, lines
    with open(os.path.join(ROOT, "deploy", "demo", "kefu.yaml"), encoding="utf-8") as f:
        assert "/var/log/kefu/" in f.read()


# Every system call kefu-intake and kefu-dispatch (release build) made
# through a whole e2e module under strace -f, libzmq's threads included.
OBSERVED_SYSCALLS = """
accept4 access arch_prctl bind brk clone3 close connect epoll_create1 epoll_ctl epoll_wait eventfd2
execve fcntl futex getdents64 getpeername getpid getrandom getsockname getsockopt listen lseek mmap
mprotect munmap newfstatat openat poll prctl pread64 prlimit64 read recvfrom recvmsg rseq rt_sigaction
rt_sigprocmask sched_getaffinity sched_getparam sched_getscheduler sched_setscheduler sendto
set_robust_list set_tid_address setsockopt socket uname write
""".split()


def syscall_set(names):
    """The system calls that filter words (@groups and names) stand for."""
    out = set()
    for name in names:
        if not name.startswith("@"):
            out.add(name)
            continue
        listing = subprocess.run(["systemd-analyze", "syscall-filter", "--no-pager", name],
                                 capture_output=True, text=True, timeout=60).stdout
        for line in listing.splitlines()[1:]:
            word = line.strip()
            if word and not word.startswith("#"):
                out |= syscall_set([word])
    return out


def test_systemd_unit_lets_through_what_the_services_use():
    analyze()    # skips without systemd-analyze
    allowed = set()
    families = None
    with open(UNIT, encoding="utf-8") as f:
        for line in f:
            key, _, value = line.strip().partition("=")
            if key == "SystemCallFilter":
                if value.startswith("~"):
                    allowed -= syscall_set(value[1:].split())
                else:
                    allowed |= syscall_set(value.split())
            elif key == "RestrictAddressFamilies":
                families = value.split()
    refused = [name for name in OBSERVED_SYSCALLS if name not in allowed]
    assert refused == [], refused
    # sockets: TCP/IP, Unix, and netlink for libzmq's getifaddrs()
    assert families == ["AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK"], families


GATEWAY_UNIT = os.path.join(ROOT, "deploy", "systemd", "kefu-gateway.service")


def unit_settings(path):
    """The [Service] section's KEY=VALUE lines of a unit file, as a dict."""
    settings, section = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line.startswith("["):
                section = line
            elif section == "[Service]" and "=" in line and not line.startswith("#"):
                key, _, value = line.partition("=")
                settings[key] = value
    return settings


@pytest.mark.parametrize("path", [UNIT, GATEWAY_UNIT], ids=["kefu@", "kefu-gateway"])
def test_systemd_units_wait_for_ready_and_keep_a_watchdog(path):
    """Both units start once the service says READY=1 and restart it when
    its watchdog kicks stop (tests/e2e/test_sd_notify.py shows the kicks);
    only the main process may speak for the unit."""
    settings = unit_settings(path)
    wanted = {"Type": "notify", "NotifyAccess": "main", "WatchdogSec": "30s", "Restart": "always"}
    assert {k: settings.get(k) for k in wanted} == wanted


def test_gateway_unit_exposure_is_at_most_3():
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed (Debian package systemd)")
    proc = subprocess.run(["systemd-analyze", "security", "--offline=true", "--no-pager", GATEWAY_UNIT],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    m = re.search(r"Overall exposure level for \S+: (\d+\.\d+) (\S+)", proc.stdout)
    assert m and float(m.group(1)) <= MAX_EXPOSURE, proc.stdout

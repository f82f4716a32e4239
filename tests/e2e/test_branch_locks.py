"""Two dispatchers on an organisation of four branches: a burst of tickets
spread over the branches reaches both dispatchers in batches that share
branches. Each batch takes its branches' locks in one order, so neither
dispatcher ever holds one branch while waiting for another that the other
holds (PostgreSQL would end one of them with 40P01 "deadlock detected").
Every ticket still gets exactly one work order."""
import os
import re
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from intake_client import submit_repairs  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
N = 800
BRANCHES = 4
CLIENTS = 8
DISPATCHERS = ("dispatch-a", "dispatch-b")


def setup_module():
    global S
    org = os.path.join(tempfile.mkdtemp(prefix="kefu-branches-org-"), "org.yaml")
    with open(org, "w") as f:
        subprocess.run([os.path.join(h.ROOT, "bench", "make-org.sh"), str(N), str(BRANCHES)],
                       stdout=f, check=True)
    S = System("branch-locks", org=org,
               dispatch={"sla_file": os.path.join(h.ROOT, "bench", "sla.yaml")})
    S.start_service("intake").wait_ready(30)
    for name in DISPATCHERS:
        S.start_service("dispatch", name).wait_ready(30)


def teardown_module():
    if S:
        S.shutdown()


def deadlock_lines():
    found = []
    for name in DISPATCHERS:
        with open(S.services[name].log, "rb") as f:
            found += ["%s: %s" % (name, line.decode("utf-8", "replace").strip())
                      for line in f if re.search(rb"deadlock|40P01", line, re.I)]
    return found


def test_a_burst_over_four_branches_is_assigned_without_a_deadlock():
    results = []
    threads = [threading.Thread(target=submit_repairs,
                                args=(S.config.api, S.token, range(k, N, CLIENTS), results,
                                      "四个服务站 第%d单"))
               for k in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    refused = [r for r in results if not r["ok"]]
    assert len(results) == N and not refused, (len(results), refused[:3])
    ids = [r["result"]["ticket_id"] for r in results]
    branches = S.sql("SELECT count(DISTINCT branch_id) FROM intake.tickets WHERE id = ANY(%s)", (ids,))
    assert branches == [(BRANCHES,)], branches
    h.wait_until(lambda: S.sql("SELECT count(*) FROM dispatch.work_orders "
                               "WHERE status = 'assigned'")[0][0] == N,
                 120, "every ticket's work order to be assigned")
    h.wait_until(lambda: S.sql("SELECT count(*) FROM intake.tickets WHERE id = ANY(%s) "
                               "AND status = 'assigned'", (ids,))[0][0] == N,
                 60, "intake to hear about every assignment")
    # exactly once: one work order per ticket, nothing dead-lettered
    orders = S.sql("SELECT count(*), count(DISTINCT ticket_id) FROM dispatch.work_orders")
    assert orders == [(N, N)], orders
    dead = S.sql("SELECT count(*) FROM dispatch.dead_letters")
    assert dead == [(0,)], dead
    found = deadlock_lines()
    assert not found, "%d deadlock lines in the dispatch logs, the first: %s" % (len(found), found[0])


def test_both_dispatchers_took_a_share():
    applied = {}
    for name in DISPATCHERS:
        svc = S.services.pop(name)
        svc.stop()
        stopping = svc.events("stopping")
        assert stopping, "%s logged no stopping line" % name
        applied[name] = int(stopping[-1].get("applied", 0))
    assert all(n > 0 for n in applied.values()), applied
    assert sum(applied.values()) >= N, applied

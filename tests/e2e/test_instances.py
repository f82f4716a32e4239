"""Several instances of a service at once: two dispatchers share the work
without doing any of it twice, and no technician is given more than their
capacity even when both decide at the same moment."""
import os
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from intake_client import submit_repairs  # noqa: E402
from kefu_system import System  # noqa: E402

S = None
N = 150


def setup_module():
    global S
    org = os.path.join(tempfile.mkdtemp(prefix="kefu-inst-org-"), "org.yaml")
    with open(org, "w") as f:
        subprocess.run([os.path.join(h.ROOT, "bench", "make-org.sh"), str(N)], stdout=f, check=True)
    S = System("instances", org=org,
               dispatch={"sla_file": os.path.join(h.ROOT, "bench", "sla.yaml")})  # branch SH01 only
    # 40 technicians x capacity 100 is far more than N: shrink capacity so
    # that the capacity rule is tested under two concurrent dispatchers.
    S.sql("UPDATE ref.technicians SET capacity = 2 WHERE id <= 'BT030'")
    S.sql("UPDATE ref.technicians SET active = false WHERE id > 'BT030'")
    S.start_service("intake").wait_ready()
    S.start_service("dispatch", "dispatch-a").wait_ready()
    S.start_service("dispatch", "dispatch-b").wait_ready()


def teardown_module():
    if S:
        S.shutdown()


def test_two_dispatchers_share_the_work_without_doing_any_twice():
    results = []
    threads = [threading.Thread(target=submit_repairs,
                                args=(S.config.api, S.token, range(k * (N // 3), (k + 1) * (N // 3)), results,
                                      "两个调度实例 第%d单"))
               for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(results) == N and all(r["ok"] for r in results)
    ids = [r["result"]["ticket_id"] for r in results]
    # 30 technicians x 2 = 60 assigned, the other 90 wait with a reason
    h.wait_until(lambda: S.sql("SELECT count(*) FROM dispatch.work_orders")[0][0] == N,
                 120, "a work order for every ticket")
    h.wait_until(lambda: S.sql("SELECT count(*) FROM intake.tickets WHERE id = ANY(%s) AND "
                               "status IN ('assigned', 'unassigned')", (ids,))[0][0] == N,
                 120, "intake to hear about every work order")
    S.quiet()                       # both dispatchers' passes have run since: nothing more to place
    assert S.sql("SELECT count(*), count(DISTINCT ticket_id) FROM dispatch.work_orders") == [(N, N)]
    over = S.sql("SELECT technician_id, count(*) FROM dispatch.work_orders WHERE status = 'assigned' "
                 "GROUP BY technician_id HAVING count(*) > 2")
    assert over == [], "technicians over capacity: %s" % over
    assert S.sql("SELECT count(*) FROM dispatch.work_orders WHERE status = 'assigned'")[0][0] == 60
    assert S.sql("SELECT count(*) FROM dispatch.work_orders WHERE status = 'unassigned' "
                 "AND unassigned_reason LIKE '%%capacity%%'")[0][0] == N - 60


def test_both_instances_took_a_share():
    applied = {}
    for name in ("dispatch-a", "dispatch-b"):
        svc = S.services.pop(name)
        svc.stop()
        stopping = svc.events("stopping")
        assert stopping, "%s logged no stopping line" % name
        applied[name] = int(stopping[-1].get("applied", 0))
    assert all(n > 0 for n in applied.values()), applied
    assert sum(applied.values()) >= N, applied

"""Fault: the callback service killed (SIGKILL) while tickets are being
resolved, then started again. ticket.updated waits in intake's outbox and
is delivered again until acknowledged; callback applies each message once
(its inbox) and each completion has one callback (the unique index). So
afterwards every resolved ticket has exactly one callback: none lost, none
doubled."""
import datetime
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System  # noqa: E402

CST = datetime.timezone(datetime.timedelta(hours=8))
MONDAY_1000 = int(datetime.datetime(2026, 11, 23, 10, 0, tzinfo=CST).timestamp() * 1_000_000)
PRODUCTS = ["AC-3200", "RF-500", "WH-60", "AC-LUX", "DW-1"]


def test_callback_killed_mid_stream_loses_and_doubles_nothing():
    S = System("callback-fault", clock_us=MONDAY_1000)
    try:
        S.start_services(["intake", "dispatch"])
        cb = S.start_service("callback")
        cb.wait_ready()
        tickets = []
        for i, (customer, product) in enumerate((c, p) for c in ("C1001", "C1002", "C1005") for p in PRODUCTS):
            tid = S.kefuctl("submit", "--channel", "hotline", "--kind", "complaint", "--customer", customer,
                            "--product", product, "--description", "故障测试", json_out=True)["ticket_id"]
            S.kefuctl("event", str(tid), "ticket_resolved")
            tickets.append(tid)
            if i == 6:
                # some applied, some in flight: killed without a chance to finish
                h.wait_until(lambda: S.sql("SELECT count(*) FROM callback.callbacks"
                                                   " WHERE purpose = 'after_work'")[0][0] >= 1, 60,
                             "a first callback before the kill")
                S.services.pop("callback-1").kill9()
        assert len(set(tickets)) == 15, tickets
        cb = S.start_service("callback", instance="callback-2")
        cb.wait_ready()
        S.quiet()
        # one after-work callback per resolution (the periodic ones of the
        # customers' classes and cards are counted by test_callback_periodic)
        rows = dict(S.sql("SELECT ticket_id, count(*) FROM callback.callbacks WHERE purpose = 'after_work'"
                          " GROUP BY ticket_id"))
        assert rows == {t: 1 for t in tickets}, rows
        assert S.sql("SELECT count(*) FROM callback.dead_letters") == [(0,)]
        assert S.check_messages() > 0
    finally:
        S.shutdown()

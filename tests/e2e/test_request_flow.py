"""End to end: the six services running as real processes on a real
PostgreSQL, driven from outside through kefuctl and intake's endpoint, as a
call-centre agent and an operator would. Test organisation: tests/fixtures/org.yaml.
"""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
import kefu_harness as h  # noqa: E402
from kefu_system import System, SERVICES  # noqa: E402

S = None


def setup_module():
    global S
    S = System("e2e")
    S.start_services()


def teardown_module():
    if S:
        S.shutdown()


def submit(*args):
    return S.kefuctl("submit", *args, json_out=True)


def history_events(ticket_id):
    return [e["event"] for e in S.ticket(ticket_id)["history"]]


def test_all_six_services_report_ready_and_advertise_an_endpoint():
    for name in SERVICES:
        rows = S.sql("SELECT endpoint FROM %s.endpoints" % name)
        assert len(rows) == 1 and rows[0][0].startswith("tcp://127.0.0.1:"), (name, rows)


def test_repair_travels_from_intake_to_an_assigned_technician():
    out = submit("--channel", "hotline", "--kind", "repair", "--customer", "C1002",
                 "--product", "RF-500", "--description", "冰箱不制冷")
    assert out["status"] == "open" and out["joined"] is False and out["branch"] == "SH01"
    tid = out["ticket_id"]
    S.wait_ticket_status(tid, "assigned")
    S.quiet()                       # a second assignment would be in by now
    shown = S.ticket(tid)
    events = [e["event"] for e in shown["history"]
              if not e["event"].startswith(("clock_", "sla_"))]  # SLA events: test_sla.py
    assert events == ["created", "work_order_assigned"], events
    assigned = [e for e in shown["history"] if e["event"] == "work_order_assigned"][0]["detail"]
    # refrigerator repair in SH01: T101 (senior) is the only fitting one —
    # T104 has the skill but is a trainee, who never repairs alone.
    assert assigned["technician"]["id"] == "T101", assigned
    wo = S.sql("SELECT status, technician_id FROM dispatch.work_orders WHERE ticket_id = %s", (tid,))
    assert wo == [("assigned", "T101")]


def test_repeat_contact_joins_the_open_ticket_instead_of_a_duplicate():
    first = submit("--channel", "hotline", "--kind", "repair", "--customer", "C1005",
                   "--product", "AC-3200", "--description", "空调漏水")
    again = submit("--channel", "chat", "--kind", "repair", "--customer", "C1005",
                   "--product", "AC-3200", "--description", "还没人联系我")
    assert again["joined"] is True and again["ticket_id"] == first["ticket_id"]
    assert S.sql("SELECT count(*), max(contact_count) FROM intake.tickets "
                 "WHERE customer_id = 'C1005'") == [(1, 2)]
    assert "repeat_contact" in history_events(first["ticket_id"])
    h.wait_until(lambda: S.sql("SELECT count(*) FROM dispatch.work_orders WHERE ticket_id = %s",
                               (first["ticket_id"],)) != [(0,)], 60, "a work order")
    S.quiet()                       # a second one would be in by now
    assert S.sql("SELECT count(*) FROM dispatch.work_orders WHERE ticket_id = %s",
                 (first["ticket_id"],)) == [(1,)]


def test_consultation_answered_on_the_spot_closes_at_intake_without_a_visit():
    out = submit("--channel", "hotline", "--kind", "consultation", "--customer", "C1002",
                 "--description", "保修期多长？", "--answered", "--resolution", "整机一年")
    assert out["status"] == "closed"
    tid = out["ticket_id"]
    assert history_events(tid) == ["created", "closed_at_intake"], history_events(tid)
    # dispatch received the message and created nothing
    h.wait_until(lambda: S.sql("SELECT count(*) FROM dispatch.inbox i JOIN intake.outbox o "
                               "ON o.message_id = i.message_id WHERE o.payload::jsonb #>> "
                               "'{body,ticket_id}' = %s", (str(tid),)) == [(1,)],
                 60, "dispatch to receive the closed consultation")
    S.quiet()                       # and anything it answered is in
    assert S.sql("SELECT count(*) FROM dispatch.work_orders WHERE ticket_id = %s", (tid,)) == [(0,)]
    assert history_events(tid) == ["created", "closed_at_intake"], history_events(tid)


def test_chinese_names_and_addresses_round_trip_byte_for_byte():
    name, address = "欧阳娜娜·𠮷", "上海市徐汇区衡山路８号「梧桐」公寓 2-301"
    out = submit("--channel", "walk_in", "--kind", "installation", "--name", name,
                 "--phone", "13911112222", "--address", address, "--region", "SH",
                 "--product", "WH-60", "--description", "热水器安装，师傅请带膨胀螺丝")
    shown = S.ticket(out["ticket_id"])
    assert shown["ticket"]["customer"]["name"] == name
    assert shown["ticket"]["customer"]["address"] == address
    raw = S.sql("SELECT convert_to(name, 'UTF8'), convert_to(address, 'UTF8') FROM ref.customers "
                "WHERE id = %s", (out["customer_id"],))[0]
    assert bytes(raw[0]) == name.encode() and bytes(raw[1]) == address.encode()


def test_installation_goes_to_the_least_loaded_fitting_technician():
    # water-heater installation in SZ01: T301 (intermediate) and T302 (junior)
    # both fit; the one with fewer open work orders gets it. The loads are
    # read once earlier tickets' orders are in.
    S.quiet()
    loads = dict(S.sql("SELECT t.id, count(w.id) FROM ref.technicians t LEFT JOIN "
                       "dispatch.work_orders w ON w.technician_id = t.id AND w.status = 'assigned' "
                       "WHERE t.id IN ('T301', 'T302') GROUP BY t.id"))
    out = submit("--channel", "web", "--kind", "installation", "--customer", "C1004",
                 "--product", "WH-60", "--description", "新买的热水器需要安装")
    S.wait_ticket_status(out["ticket_id"], "assigned")
    tech = S.sql("SELECT technician_id FROM dispatch.work_orders WHERE ticket_id = %s",
                 (out["ticket_id"],))[0][0]
    expected = min(loads, key=lambda t: (loads[t], t))
    assert tech == expected, (tech, loads)


def test_work_order_waits_unassigned_with_the_reason_when_nobody_fits():
    # a dishwasher: no technician anywhere has the skill
    out = submit("--channel", "hotline", "--kind", "repair", "--customer", "C1002",
                 "--product", "DW-1", "--description", "洗碗机不排水")
    tid = out["ticket_id"]
    S.wait_ticket_status(tid, "unassigned")
    shown = S.ticket(tid)
    reason = [e for e in shown["history"] if e["event"] == "work_order_unassigned"][0]["detail"]["reason"]
    assert "dishwasher" in reason, reason
    listed = S.kefuctl("list", "--status", "unassigned", json_out=True)
    assert tid in [t["id"] for t in listed["tickets"]]


def test_list_filters_by_branch_and_kind():
    listed = S.kefuctl("list", "--branch", "SZ01", "--kind", "installation", json_out=True)
    assert listed["tickets"], listed
    assert all(t["branch"] == "SZ01" and t["kind"] == "installation" for t in listed["tickets"])
    table = S.kefuctl("list", "--branch", "SZ01").stdout
    assert "SZ01" in table and "installation" in table


def test_every_emitted_message_matches_its_schema():
    assert S.check_messages() > 0


def test_logs_never_contain_a_full_phone_number_or_address():
    customers = S.sql("SELECT phone, address FROM ref.customers")
    assert customers
    for svc in S.services.values():
        with open(svc.log, encoding="utf-8", errors="replace") as f:
            text = f.read()
        assert "ready" in text
        for phone, address in customers:
            assert phone not in text, "%s logged a full phone number" % svc.instance
            assert address not in text, "%s logged a full address" % svc.instance

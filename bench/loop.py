#!/usr/bin/python3
"""bench-loop's driver: N tickets through the whole loop, K at a time.

Each ticket, by the people who do it in a branch, each with their own token:
the call centre's agent CC01 submits a repair of CAR-SVC (intake); once
dispatch has assigned its work order, the technician reports it done
(dispatch, workorder.report); the four levels of the demo's car_repair plan
are signed by the technician, the branch's team lead, qc inspector and
service advisor (qc, inspection.sign); once the callback is due, the
branch's agent records it satisfied (callback). Waiting for the services
(assignment, the inspection, the callback) polls the database as its
owner. Prints one line: tickets, seconds from the first submit to the last
callback recorded, and the throughput.

usage: loop.py --config FILE.json (endpoints, tokens, conninfo, tickets, clients)
"""
import json
import sys
import threading
import time
import uuid

import psycopg2
import zmq

CFG = json.load(open(sys.argv[sys.argv.index("--config") + 1]))
CTX = zmq.Context()
LEVELS = [
    ("self_check", "tech", [{"item": "fault_cleared", "result": "pass"},
                            {"item": "wheel_nut_torque", "value": 120, "unit": "N·m"},
                            {"item": "tyre_pressure", "value": 2.4, "unit": "bar"}]),
    ("team_lead_check", "BTL", [{"item": "work_matches_order", "result": "pass"},
                                {"item": "road_test", "result": "pass"}]),
    ("final_inspection", "BQC", [{"item": "brake_disc_thickness", "value": 24, "unit": "mm"},
                                 {"item": "coolant_freeze_point", "value": -30, "unit": "°C"},
                                 {"item": "no_leaks", "result": "pass"}]),
    ("handover_check", "BSA", [{"item": "vehicle_clean", "result": "pass"},
                               {"item": "customer_briefed", "result": "pass"}]),
]


class Client:
    def __init__(self):
        self.socks = {}

    def ask(self, service, request, body, staff):
        sock = self.socks.get(service)
        if sock is None:
            sock = self.socks[service] = CTX.socket(zmq.REQ)
            sock.setsockopt(zmq.LINGER, 0)
            sock.connect(CFG["endpoints"][service])
        sock.send_string(json.dumps({"request": request, "version": 1, "token": CFG["tokens"][staff],
                                     "body": body}))
        if not sock.poll(60000):
            raise RuntimeError("%s %s: no reply in 60 s" % (service, request))
        reply = json.loads(sock.recv())
        if not reply.get("ok"):
            raise RuntimeError("%s %s: %s" % (service, request, reply))
        return reply["result"]


def wait(db, query, params, what):
    give_up = time.monotonic() + 120
    with db.cursor() as cur:
        while True:
            cur.execute(query, params)
            row = cur.fetchone()
            if row:
                return row
            if time.monotonic() > give_up:
                raise RuntimeError("waited 120 s for " + what)
            time.sleep(0.005)


def one_ticket(client, db, number):
    branches = CFG["branches"]
    branch = "%02d" % (number % branches + 1)
    ticket = client.ask("intake", "ticket.submit", {
        "channel": "hotline", "kind": "repair", "customer": {"id": "B%06d" % (number + 1)},
        "product": {"code": "CAR-SVC"}, "description": "压测：保养后异响",
        "request_id": str(uuid.uuid4())}, "CC01")["ticket_id"]
    wo, tech = wait(db, "SELECT id, technician_id FROM dispatch.work_orders WHERE ticket_id = %s "
                        "AND status = 'assigned'", (ticket,), "ticket %d assigned" % ticket)
    client.ask("dispatch", "workorder.report", {
        "work_order_id": wo, "parts": [{"code": "OIL-5W30", "quantity": 4}], "labour_minutes": 60,
        "distance_m": 0, "cause": "wear", "photos": ["bench/%d.jpg" % wo]}, tech)
    wait(db, "SELECT 1 FROM qc.inspections WHERE work_order_id = %s", (wo,), "the inspection of %d" % wo)
    for level, who, items in LEVELS:
        staff = tech if who == "tech" else who + branch
        client.ask("qc", "inspection.sign", {"work_order_id": wo, "level": level, "items": items}, staff)
    if CFG.get("callback"):
        cb = wait(db, CFG["callback"]["due_sql"], (ticket,), "the callback of ticket %d" % ticket)[0]
        body = dict(CFG["callback"]["outcome"], callback_id=cb)
        client.ask("callback", CFG["callback"]["request"], body, "BAG" + branch)


def main():
    n, k = CFG["tickets"], CFG["clients"]
    numbers = list(range(n))
    lock = threading.Lock()
    failures = []

    def worker():
        client = Client()
        db = psycopg2.connect(CFG["conninfo"])
        db.autocommit = True
        while True:
            with lock:
                if not numbers or failures:
                    break
                number = numbers.pop(0)
            try:
                one_ticket(client, db, number)
            except Exception as e:     # noqa: BLE001 - reported below, the run fails
                with lock:
                    failures.append(str(e))
        db.close()

    start = time.monotonic()
    threads = [threading.Thread(target=worker) for _ in range(k)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.monotonic() - start
    if failures:
        print("loop failed: %s" % failures[0], file=sys.stderr)
        sys.exit(1)
    print("%d %.2f %.1f" % (n, seconds, n / seconds))


if __name__ == "__main__":
    main()

"""No silent edits, with the services running (docs/database.md "Tickets:
no silent edits"): a repair's whole life — submit, the dispatcher's
assignment, a repeat contact, a reply, a pause and resume, the work order's
visit, resolution, closing and reopening — passes the database's
enforcement, and each change the ticket row went through has a history row
written in the same transaction. Every change is seen by an audit trigger the
test installs beside the services (it records each changed row's ticket and
transaction), independently of the rule it checks. Direct SQL as the intake
role, against the same running system, is refused."""
import datetime
import os
import sys

import psycopg2
import pytest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "lib"))
from kefu_system import System  # noqa: E402

S = None
CST = datetime.timezone(datetime.timedelta(hours=8))
MONDAY_0900 = int(datetime.datetime(2026, 11, 23, 9, 0, tzinfo=CST).timestamp() * 1_000_000)

AUDIT = """
CREATE TABLE public.ticket_changes_seen (ticket_id bigint NOT NULL, xact xid8 NOT NULL, op text NOT NULL);
CREATE FUNCTION public.see_ticket_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
BEGIN
    INSERT INTO public.ticket_changes_seen VALUES (NEW.id, pg_current_xact_id(), TG_OP);
    RETURN NULL;
END
$$;
CREATE TRIGGER test_sees_every_change AFTER INSERT OR UPDATE ON intake.tickets
    FOR EACH ROW EXECUTE FUNCTION public.see_ticket_change();
"""


def setup_module():
    global S
    S = System("history-enforced", clock_us=MONDAY_0900)
    S.sql(AUDIT)
    S.start_services(["intake", "dispatch"])


def teardown_module():
    if S:
        try:
            assert S.check_messages() > 0
        finally:
            S.shutdown()


def events(tid):
    return [e["event"] for e in S.ticket(tid)["history"]]


def event(tid, name, *extra):
    S.kefuctl("event", str(tid), name, *extra)


def test_a_repairs_whole_life_leaves_a_history_row_for_every_change():
    submit = ("submit", "--channel", "hotline", "--kind", "repair", "--customer", "C1002",
              "--product", "AC-3200", "--description", "空调不制冷")
    tid = S.kefuctl(*submit, json_out=True)["ticket_id"]
    S.wait_ticket_status(tid, "assigned")
    again = S.kefuctl(*submit[:-1], "又来电催促", json_out=True)
    assert again["ticket_id"] == tid, again                      # a repeat contact joins it
    event(tid, "first_reply", "--note", "已联系客户")
    event(tid, "paused", "--reason", "waiting_parts")
    event(tid, "resumed")
    event(tid, "work_order_arranged")
    event(tid, "technician_arrived")
    event(tid, "work_order_completed")
    event(tid, "ticket_resolved", "--note", "更换压缩机")
    S.wait_ticket_status(tid, "resolved")
    event(tid, "ticket_closed")
    S.wait_ticket_status(tid, "closed")
    event(tid, "ticket_reopened", "--note", "客户反映仍不制冷")
    S.wait_ticket_status(tid, "assigned")       # reopened, and its revisit assigned
    S.quiet()

    seen = S.sql("SELECT op, count(*) FROM public.ticket_changes_seen WHERE ticket_id = %s GROUP BY op "
                 "ORDER BY op", (tid,))
    # created; then assigned, joined, paused, resumed, resolved, closed,
    # reopened and the revisit's assignment moved the row (the reply and the
    # work order's events are history rows alone)
    assert seen == [("INSERT", 1), ("UPDATE", 8)], seen
    silent = S.sql("SELECT s.op, s.xact::text FROM public.ticket_changes_seen s WHERE s.ticket_id = %s "
                   "AND NOT EXISTS (SELECT 1 FROM intake.ticket_history h WHERE h.ticket_id = s.ticket_id "
                   "AND h.written_in_xact = s.xact)", (tid,))
    assert silent == [], silent
    evs = events(tid)
    for name in ("created", "work_order_assigned", "repeat_contact", "first_reply", "paused", "resumed",
                 "work_order_arranged", "technician_arrived", "work_order_completed", "ticket_resolved",
                 "ticket_closed", "ticket_reopened"):
        assert name in evs, (name, evs)


def test_direct_sql_as_intake_is_refused_on_the_running_system():
    tid = S.kefuctl("submit", "--channel", "web", "--kind", "consultation", "--customer", "C1003",
                    "--description", "咨询保修期", json_out=True)["ticket_id"]
    S.quiet()
    before = S.sql("SELECT * FROM intake.tickets WHERE id = %s", (tid,))
    history = events(tid)
    for query, code in (("UPDATE intake.tickets SET status = 'closed' WHERE id = %s", "23000"),
                        ("UPDATE intake.tickets SET description = '改过' WHERE id = %s", "42501"),
                        ("DELETE FROM intake.tickets WHERE id = %s", "42501")):
        with pytest.raises(psycopg2.Error) as refused:
            S.cluster.sql(query, (tid,), role="kefu_intake", branches="*")
        assert refused.value.pgcode == code, (query, refused.value.pgcode, refused.value.pgerror)
    S.quiet()
    assert S.sql("SELECT * FROM intake.tickets WHERE id = %s", (tid,)) == before
    assert events(tid) == history

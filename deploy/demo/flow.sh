#!/usr/bin/env bash
# The demo's finished job, after deploy/demo/requests.sh: ticket 1 (the VIP's
# air conditioner in SH01, its 12 months' warranty over since March 2025) is
# diagnosed by its technician; billing's estimate is chargeable, line by line
# (docs/billing.md), and waits until the customer's approval, which agent A101
# records with her name; then the technician reports it done, inspected by
# the appliance plan of deploy/demo/qc.yaml (the technician's self-check,
# then QC01's final inspection), accepted — which resolves the ticket — and
# its callback is scheduled for SH01's agent A101, inside SH01's hours and
# outside the customer's rest hours; when the call is due now (SH01 works
# 08:00-18:00), A101 records the customer satisfied. Each person acts with a
# token of their own, valid for a day. A second `make run` finds the work
# done and says so.
# KEFUCTL names the binary; kefuctl admin needs the database (run/env).
set -euo pipefail
k=${KEFUCTL:-build/release/bin/kefuctl}
py=/usr/bin/python3

as() {
    local who=$1
    shift
    KEFU_TOKEN=$("$k" admin tokens create --staff "$who" --label "make run demo" --expires-in 1d | head -1) \
        "$k" "$@"
}
# field F of ticket 1's latest work order, from kefuctl --json workorders
order() { "$k" --json workorders 1 2>/dev/null | $py -c "import json,sys; print(json.load(sys.stdin)['work_orders'][-1].get('$1', ''))"; }

for _ in $(seq 1 50); do
    case "$(order status)" in assigned | awaiting_approval) break ;; esac
    [ "$(order status)" = accepted ] && { echo "ticket 1's work is done and accepted already (kefuctl workorders 1)"; exit 0; }
    sleep 0.2
done
case "$(order status)" in
assigned | awaiting_approval) ;;
*)
    echo "ticket 1's work order is not assigned ($(order unassigned_reason)): the inspection demo waits for it"
    exit 0
    ;;
esac
wo=$(order work_order_id)
tech=$(order technician_id)
# the estimate's status, once billing has made it from the diagnosis
estimate() { as SA01 --json estimate show "$wo" 2>/dev/null | $py -c "import json,sys; print(json.load(sys.stdin)['status'])"; }
if [ -z "$(estimate)" ]; then
    echo "ticket 1, work order $wo: $tech diagnoses a refrigerant leak and a failed start capacitor"
    as "$tech" diagnose "$wo" --fault refrigerant_leak --labour-minutes 75 --distance-km 6.5 \
        --parts CAP-35UF:1 --photos demo/ticket-1/capacitor.jpg
fi
for _ in $(seq 1 50); do
    [ "$(estimate)" = awaiting_approval ] || [ "$(estimate)" = approved ] && break
    sleep 0.2
done
echo "billing's estimate, as service advisor SA01 sees it (out of warranty: chargeable):"
as SA01 estimate show "$wo"
if [ "$(estimate)" = awaiting_approval ]; then
    echo "the customer approves 118.50 on the phone; A101 records it"
    as A101 estimate approve "$wo" --name 王秀英 >/dev/null
fi
for _ in $(seq 1 50); do
    [ "$(order status)" = assigned ] && break
    sleep 0.2
done
echo "ticket 1, work order $wo: $tech reports it done; the appliance plan's two levels follow"
as "$tech" done "$wo" --cause refrigerant_leak --labour-minutes 75 --distance-km 6.5 \
    --parts CAP-35UF:1:SN-CAP-0001 --photos demo/ticket-1/valve.jpg --serial KF35A240312001
for _ in $(seq 1 50); do
    as "$tech" --json inspect show "$wo" >/dev/null 2>&1 && break
    sleep 0.2
done
as "$tech" inspect sign "$wo" self_check --item runs_normally=pass
as QC01 inspect sign "$wo" final_inspection --item insulation_resistance=50MΩ --item site_clean=pass
for _ in $(seq 1 50); do
    [ "$("$k" --json show 1 | $py -c "import json,sys; print(json.load(sys.stdin)['ticket']['status'])")" = resolved ] \
        && break
    sleep 0.2
done
echo "ticket 1 is $("$k" --json show 1 | $py -c "import json,sys; print(json.load(sys.stdin)['ticket']['status'])")"
# the callback: A101's work list holds the call once it is due
cb=""
for _ in $(seq 1 50); do
    cb=$(as A101 --json callbacks --upcoming | $py -c "import json,sys
print(next((str(c['callback_id']) for c in json.load(sys.stdin)['callbacks'] if c['ticket_id'] == 1), ''))")
    [ -n "$cb" ] && break
    sleep 0.2
done
if [ -z "$cb" ]; then
    echo "ticket 1's callback is not scheduled yet (kefuctl callbacks --upcoming, as A101)"
    exit 0
fi
if as A101 --json callbacks | $py -c "import json,sys
sys.exit(0 if any(c['callback_id'] == $cb for c in json.load(sys.stdin)['callbacks']) else 1)"; then
    as A101 callback outcome "$cb" satisfied --reasons on_time,polite --note "师傅上门准时，空调已正常制冷"
else
    echo "callback $cb of ticket 1 is scheduled for A101, outside SH01's hours or the customer's rest hours now:"
    as A101 callbacks --upcoming
fi

#!/usr/bin/env bash
# The demo's finished job, after deploy/demo/requests.sh: ticket 1 (the VIP's
# air conditioner in SH01) is reported done by its technician, inspected by
# the appliance plan of deploy/demo/qc.yaml (the technician's self-check,
# then QC01's final inspection), accepted — which resolves the ticket — and
# its callback is scheduled for SH01's agent A101, inside SH01's hours and
# outside the customer's rest hours. Each person acts with a token of their
# own, valid for a day. A second `make run` finds the work done and says so.
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
    [ "$(order status)" = assigned ] && break
    [ "$(order status)" = accepted ] && { echo "ticket 1's work is done and accepted already (kefuctl workorders 1)"; exit 0; }
    sleep 0.2
done
if [ "$(order status)" != assigned ]; then
    echo "ticket 1's work order is not assigned ($(order unassigned_reason)): the inspection demo waits for it"
    exit 0
fi
wo=$(order work_order_id)
tech=$(order technician_id)
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

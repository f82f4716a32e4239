#!/usr/bin/env bash
# The demo's money, after deploy/demo/flow.sh (docs/claims.md, docs/ledger.md):
#  1. a warranty job: the central air conditioning of 陈美玲 (C1003, SZ01),
#     installed by P-JS in 2024 and under its 72 months' warranty, is
#     diagnosed by P-JS's technician PT01 (SZ01 has no central-air technician
#     of its own): billing's estimate is free, every line covered (840.00 of
#     warranty work); PT01 replaces the expansion valve and SZ01's appliance
#     plan inspects it; the free settlement is not SZ01's own warranty cost:
#     P-JS's technician did the work, so P-JS claims it back;
#  2. the dealer D-JS (DS02), who sold the unit, tries to claim the work and
#     is refused (not_their_work: P-JS's technician did it); P-JS (PS01) claims
#     it with the evidence — product, spec, purchase proof, install date,
#     cause and 5 photos (file name, size, SHA-256); the region's manager RM-JS
#     reviews it, head office (HO01) approves it, and billing credits P-JS's
#     account: the job's 840.00 is in the ledger once, as the claim's credit;
#     the valve is returned and checked by SZ01's inspector QC03, which closes
#     the claim;
#  3. the chargeable job, ticket 1 (out of warranty since March 2025, its
#     estimate approved in flow.sh): its settlement, priced from the done
#     report, is printed for the customer to sign; she accepts it, which
#     issues the invoice; she pays in two parts by WeChat Pay, and finance
#     (FN01) records the same receipt twice: it counts once;
#  4. SH01's and SZ01's month reconciled with the ledger, to the fen.
# Each step looks at what is there first, so a second `make run` goes on
# from where the first stopped and changes nothing twice.
# KEFUCTL names the binary; kefuctl admin needs the database (run/env).
set -euo pipefail
k=${KEFUCTL:-build/release/bin/kefuctl}
py=/usr/bin/python3
month=$(TZ=Asia/Shanghai date +%Y-%m)   # SH01's and SZ01's month, in their time zone

# kefuctl as a demo staff member, with a token of their own valid for a day
# (made once, by login, in this shell: `as` also runs in subshells)
declare -A tokens
login() { local who; for who; do
    tokens[$who]=$("$k" admin tokens create --staff "$who" --label "make run demo" --expires-in 1d | sed -n 1p)
done; }
as() {
    local who=$1
    shift
    KEFU_TOKEN=${tokens[$who]} "$k" "$@"
}
login DS02 PS01 RM-JS HO01 QC03 FN01 A101 A301
# json EXPR: evaluates EXPR on the JSON of standard input (as d)
json() { $py -c "import json,sys; d=json.load(sys.stdin); print($1)"; }
# waits up to 10 s for COMMAND's output to be WANTED
wait_for() {
    local wanted=$1
    shift
    for _ in $(seq 1 50); do
        [ "$("$@" 2>/dev/null || true)" = "$wanted" ] && return 0
        sleep 0.2
    done
    return 1
}

echo "== a warranty job and its claim (docs/claims.md)"
ticket=$("$k" --json list --limit 50 | json "next((t['id'] for t in d['tickets'] if t['product_code'] == 'CAC-120H'), '')")
if [ -z "$ticket" ]; then
    echo "no ticket for C1003's central air conditioning (deploy/demo/requests.sh): nothing to claim"
    exit 0
fi
wo_field() { "$k" --json workorders "$ticket" | json "d['work_orders'][-1].get('$1', '')"; }
if ! wait_for assigned wo_field status && [ "$(wo_field status)" != accepted ]; then
    echo "ticket $ticket's work order is $(wo_field status) ($(wo_field unassigned_reason)): the claim demo waits for it"
    exit 0
fi
wo=$(wo_field work_order_id)
tech=$(wo_field technician_id)
login "$tech"
estimate() { as HO01 --json estimate show "$wo" 2>/dev/null | json "d['status']"; }
if [ "$(wo_field status)" = assigned ] && [ -z "$(estimate)" ]; then
    echo "ticket $ticket, work order $wo: $tech diagnoses a stuck expansion valve"
    as "$tech" diagnose "$wo" --fault component_failure --labour-minutes 120 --distance-km 12 \
        --parts CAC-EXV-12:1 --photos demo/ticket-$ticket/exv-diagnosis.jpg
    wait_for free estimate || true
    echo "billing's estimate: every line under warranty (the card's 72 months from the install), free"
    as HO01 estimate show "$wo"
fi
if [ "$(wo_field status)" = assigned ]; then
    echo "$tech replaces the valve and reports the work done"
    as "$tech" done "$wo" --cause component_failure --labour-minutes 120 --distance-km 12 \
        --parts CAC-EXV-12:1:SN-EXV-240001 --photos demo/ticket-$ticket/exv.jpg --serial CAC12H24110501
    inspection_open() { as "$tech" --json inspect show "$wo" >/dev/null 2>&1 && echo yes; }
    wait_for yes inspection_open || true
    as "$tech" inspect sign "$wo" self_check --item runs_normally=pass
    as QC03 inspect sign "$wo" final_inspection --item insulation_resistance=20MΩ --item site_clean=pass
fi
wait_for accepted wo_field status || { echo "work order $wo is $(wo_field status), not accepted yet"; exit 0; }
echo "work order $wo is accepted; its settlement is free, and not SZ01's own warranty cost: $tech of P-JS did the work"
settled() { as FN01 --json settlement show "$1" | json "d['status']"; }
wait_for open settled "$wo" || true
[ "$(settled "$wo")" != open ] || as A301 settlement accept "$wo" --name 陈美玲 >/dev/null
as A301 settlement show "$wo"

claim_field() { as HO01 --json claims | json "next((c['$1'] for c in d['claims'] if c['work_order_id'] == $wo), '')"; }
claim=$(claim_field claim_id)
if [ -z "$claim" ]; then
    # the photos: small demo files' names, sizes and SHA-256
    photos=""
    for view in nameplate valve_before valve_after drip_tray serial_label; do
        content="kefu demo photo of ticket $ticket: $view"
        sha=$(printf '%s' "$content" | sha256sum | cut -d' ' -f1)
        photos+="${photos:+,}$view.jpg:${#content}:$sha"
    done
    claim_file() {
        as "$1" claim file "$wo" --product CAC-120H --spec "CAC-120H 12kW" --quantity 1 --proof "FP-2024-110501" \
            --install-date 2024-11-08 --description "中央空调内机滴水，电子膨胀阀卡死" --cause component_failure \
            --photos "$photos" --amount 840.00
    }
    echo "DS02 of the dealer D-JS, who sold the unit, files a claim for the work: refused, P-JS did it"
    claim_file DS02 2>&1 | sed 's/^/  /' || true
    echo "PS01 of the provider P-JS files the claim with 5 photos"
    claim_file PS01
    claim=$(claim_field claim_id)
fi
if [ "$(claim_field status)" = filed ]; then
    as RM-JS claim review "$claim" approve --note "照片与完工报告一致" | grep -E "^claim|reviewed:"
fi
if [ "$(claim_field status)" = reviewed ]; then
    as HO01 claim decide "$claim" approve --responsibility product_quality --amount 840.00 | grep -E "^claim|decided:"
fi
echo "billing credits P-JS's account (kefuctl account P-JS, as FN01): the job's one warranty cost"
dealer_credit() { as FN01 --json account P-JS | json "sum(a['credits'] for a in d['accounts'] if a['account'] == 'dealer_accounts')"; }
wait_for 84000 dealer_credit || true
as FN01 account P-JS
if [ "$(claim_field status)" = approved ]; then
    echo "PS01 returns the replaced valve; QC03 checks it, which closes the claim"
    as PS01 claim part-returned "$claim" CAC-EXV-12 SN-EXV-240001 >/dev/null
    as QC03 claim part-checked "$claim" CAC-EXV-12 ok >/dev/null
fi
as HO01 claim show "$claim"

echo
echo "== the chargeable job: ticket 1, out of warranty (docs/billing.md, docs/ledger.md)"
wo1=$("$k" --json workorders 1 | json "d['work_orders'][-1]['work_order_id']")
if ! wait_for open settled "$wo1" && [ "$(settled "$wo1")" != accepted ]; then
    echo "ticket 1's settlement is $(settled "$wo1" || true), not open yet (deploy/demo/flow.sh): nothing to invoice"
    exit 0
fi
echo "work order $wo1's settlement, printed for the customer to sign (kefuctl settlement $wo1 --print text):"
as A101 settlement "$wo1" --print text
if [ "$(settled "$wo1")" = open ]; then
    echo "王秀英 signs; A101 records her acceptance, which issues the invoice"
    as A101 settlement accept "$wo1" --name 王秀英 >/dev/null
fi
invoice=$(as A101 --json settlement show "$wo1" | json "d['invoice_number']")
echo "she pays $invoice: 50.00, then the rest (FN01 records the first receipt twice)"
as FN01 pay "$invoice" --amount 50.00 --ref WX-DEMO-0001 >/dev/null
as FN01 pay "$invoice" --amount 50.00 --ref WX-DEMO-0001 | grep "recorded before" || true
as FN01 pay "$invoice" --amount 68.50 --ref WX-DEMO-0002 >/dev/null
as FN01 invoice show "$invoice"

echo
echo "== the month's books, reconciled with the ledger (kefuctl reconcile, as FN01)"
as FN01 reconcile --branch SH01 --month "$month"
as FN01 reconcile --branch SZ01 --month "$month"

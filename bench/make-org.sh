#!/usr/bin/env bash
# Prints the benchmark organisation: B branches (default 1) SH01… in one
# region, open round the clock; 40 senior air-conditioner technicians
# (capacity 100 each) dealt out over the branches in turn; a call centre
# serving them all with one agent, CC01, and the four people of the
# benchmark's escalation ladder, BL01…BL04; and N customers
# B000001…, customer i belonging to branch number i mod B (so that
# consecutive requests go to different branches), and no benchmark request
# joins another's ticket.
#
#   make-org.sh N [B]
set -euo pipefail
n=${1:?usage: make-org.sh N [BRANCHES]}
b=${2:-1}
[[ "$b" =~ ^[1-9][0-9]?$ ]] || { echo "make-org.sh: BRANCHES must be 1 to 99, got \"$b\"" >&2; exit 2; }
allday='{mon: ["00:00-24:00"], tue: ["00:00-24:00"], wed: ["00:00-24:00"], thu: ["00:00-24:00"], fri: ["00:00-24:00"], sat: ["00:00-24:00"], sun: ["00:00-24:00"]}'
cat <<YAML
tiers: [city, surrounding, province]
regions:
  - {id: SH, name: 上海市区, tier: city}
branches:
YAML
for j in $(seq 1 "$b"); do
    suffix=$([ "$b" -eq 1 ] || echo "$j")
    printf '  - id: SH%02d\n    name: 上海压测服务站%s\n    region: SH\n    timezone: Asia/Shanghai\n    hours: %s\n' \
        "$j" "$suffix" "$allday"
done
cat <<YAML
products:
  - {code: AC-3200, name: 变频空调, line: air-conditioner, premium: false, warranty_months: 12}
  - {code: CAR-SVC, name: 轿车保养维修, line: car, premium: false, warranty_months: 12}
technicians:
YAML
for i in $(seq 1 40); do
    printf '  - {id: BT%03d, name: 压测技师%d, branch: SH%02d, grade: senior, skills: [air-conditioner, car], capacity: 100, shift: %s}\n' \
        "$i" "$i" $(((i - 1) % b + 1)) "$allday"
done
# CC01: the caller of the benchmark and the tests that use this organisation,
# an agent of a call centre serving every branch (docs/security.md).
# BL01…BL04: the people on bench/sla.yaml's escalation ladder.
# CAR-SVC (line car): the repair of the demo's four-level inspection plan.
printf 'centres:\n  - {id: CC-BENCH, name: 压测客服中心, branches: [%s]}\n' \
    "$(for j in $(seq 1 "$b"); do printf 'SH%02d' "$j"; [ "$j" -lt "$b" ] && printf ', '; done)"
cat <<YAML
staff:
  - {id: CC01, name: 压测客服, centre: CC-BENCH, roles: [agent, team_lead]}
  - {id: BL01, name: 压测班长, centre: CC-BENCH, roles: [team_lead], email: bench-lead@kefu.example.cn}
  - {id: BL02, name: 压测主任, centre: CC-BENCH, roles: [department_head], email: bench-head@kefu.example.cn}
  - {id: BL03, name: 压测中心主任, centre: CC-BENCH, roles: [centre_director], email: bench-centre@kefu.example.cn}
  - {id: BL04, name: 压测总经理, roles: [general_manager], email: bench-gm@kefu.example.cn}
YAML
# Per branch j, the people of the whole-loop benchmark (bench/loop.sh): the
# team lead, qc inspector and service advisor who sign the repair plan's
# levels, and the agent who makes the callbacks.
for j in $(seq 1 "$b"); do
    printf '  - {id: BTL%02d, name: 压测班组长%d, branch: SH%02d, roles: [team_lead]}\n' "$j" "$j" "$j"
    printf '  - {id: BQC%02d, name: 压测质检员%d, branch: SH%02d, roles: [qc_inspector]}\n' "$j" "$j" "$j"
    printf '  - {id: BSA%02d, name: 压测服务顾问%d, branch: SH%02d, roles: [service_advisor]}\n' "$j" "$j" "$j"
    printf '  - {id: BAG%02d, name: 压测回访员%d, branch: SH%02d, roles: [agent]}\n' "$j" "$j" "$j"
done
echo "customers:"
for i in $(seq 1 "$n"); do
    if [ "$b" -eq 1 ]; then
        printf '  - {id: B%06d, name: 压测客户%d, phone: "139%08d", address: 上海市徐汇区压测路%d号, region: SH, class: regular}\n' "$i" "$i" "$i" "$i"
    else
        printf '  - {id: B%06d, name: 压测客户%d, phone: "139%08d", address: 上海市徐汇区压测路%d号, region: SH, branch: SH%02d, class: regular}\n' "$i" "$i" "$i" "$i" $(((i - 1) % b + 1))
    fi
done

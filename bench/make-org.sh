#!/usr/bin/env bash
# Prints the benchmark organisation: one city branch open round the clock,
# 40 senior air-conditioner technicians (capacity 100 each), and N customers
# B000001… so that no benchmark request joins another's ticket.
set -euo pipefail
n=${1:?usage: make-org.sh N}
cat <<YAML
tiers: [city, surrounding, province]
regions:
  - {id: SH, name: 上海市区, tier: city}
branches:
  - id: SH01
    name: 上海压测服务站
    region: SH
    timezone: Asia/Shanghai
    hours: {mon: ["00:00-24:00"], tue: ["00:00-24:00"], wed: ["00:00-24:00"], thu: ["00:00-24:00"], fri: ["00:00-24:00"], sat: ["00:00-24:00"], sun: ["00:00-24:00"]}
products:
  - {code: AC-3200, name: 变频空调, line: air-conditioner, premium: false, warranty_months: 12}
technicians:
YAML
for i in $(seq 1 40); do
    printf '  - {id: BT%03d, name: 压测技师%d, branch: SH01, grade: senior, skills: [air-conditioner], capacity: 100, shift: {mon: ["00:00-24:00"], tue: ["00:00-24:00"], wed: ["00:00-24:00"], thu: ["00:00-24:00"], fri: ["00:00-24:00"], sat: ["00:00-24:00"], sun: ["00:00-24:00"]}}\n' "$i" "$i"
done
echo "customers:"
for i in $(seq 1 "$n"); do
    printf '  - {id: B%06d, name: 压测客户%d, phone: "139%08d", address: 上海市徐汇区压测路%d号, region: SH, class: regular}\n' "$i" "$i" "$i" "$i"
done

#!/usr/bin/env bash
# The demo's service requests: what a call centre hears in a morning.
# Uses the demo organisation in deploy/demo/org.yaml. KEFUCTL names the binary.
set -euo pipefail
k=${KEFUCTL:-build/release/bin/kefuctl}

# A repair of a known customer's air conditioner, by phone.
$k submit --channel hotline --kind repair --customer C1001 --product AC-3200 \
    --description "空调不制冷，开机十分钟后出风是热的"
# The same customer calls again about the same air conditioner: joins ticket 1.
$k submit --channel chat --kind repair --customer C1001 --product AC-3200 \
    --description "再次来电催促：什么时候上门？"
# An installation for a customer in the surrounding region.
$k submit --channel web --kind installation --customer C1004 --product WH-60 \
    --description "新买的热水器需要安装"
# A new customer, never seen before: the customer file is opened at intake.
$k submit --channel walk_in --kind repair --name "欧阳娜娜" --phone 13912345678 \
    --address "上海市浦东新区世纪大道100号" --region SH --product RF-500 \
    --description "冰箱冷藏室结霜严重"
# A consultation answered on the spot: closed at intake.
$k submit --channel hotline --kind consultation --customer C1002 \
    --description "保修期多长？" --answered --resolution "整机保修一年，压缩机三年"
# A complaint: recorded; no visit is dispatched for complaints by default.
$k submit --channel email --kind complaint --customer C1003 --product AC-3200 \
    --description "上次维修后师傅没有清理现场"

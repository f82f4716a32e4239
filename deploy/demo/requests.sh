#!/usr/bin/env bash
# The demo's service requests: what a call centre hears in a morning.
# Uses the demo organisation in deploy/demo/org.yaml. KEFUCTL names the binary.
# Each request has a fixed request id, so feeding them again (a second
# `make run`) is answered with the tickets the first feed made and changes
# nothing. (A repeat contact is recognised this way only while the ticket it
# joined is open: after that ticket is closed, it counts as a new contact.)
set -euo pipefail
k=${KEFUCTL:-build/release/bin/kefuctl}
# demo request N: a fixed id
rid() { printf '6b656675-de30-4000-8000-%012d' "$1"; }

# A VIP's air conditioner stopped cooling: repair, by phone, with the warranty card.
$k submit --request-id "$(rid 1)" --channel hotline --kind repair --customer C1001 --product KFR-35GW \
    --card W2024-000101 --description "空调不制冷，开机十分钟后出风是热的"
# The same customer calls again about the same air conditioner: joins that ticket.
$k submit --request-id "$(rid 2)" --channel chat --kind repair --customer C1001 --product KFR-35GW \
    --description "再次来电催促：什么时候上门？"
# An installation in the surrounding region (Suzhou).
$k submit --request-id "$(rid 3)" --channel web --kind installation --customer C1005 --product EW-60D \
    --description "新买的电热水器需要安装，周末在家"
# A premium central air-conditioning repair: only intermediate or senior technicians.
$k submit --request-id "$(rid 4)" --channel dealer --kind repair --customer C1003 --product CAC-120H \
    --card W2024-000301 --description "中央空调内机滴水"
# A customer never seen before: the customer file is opened at intake.
$k submit --request-id "$(rid 5)" --channel walk_in --kind repair --name "欧阳娜娜" --phone 13912345678 \
    --address "上海市浦东新区世纪大道100号" --region SH --product BCD-256T \
    --description "冰箱冷藏室结霜严重"
# A consultation answered on the spot: closed at intake.
$k submit --request-id "$(rid 6)" --channel hotline --kind consultation --customer C1002 \
    --description "燃气热水器保修期多长？" --answered --resolution "整机保修两年，以保修卡日期为准"
# A complaint: recorded on its ticket; complaints need no visit by default.
$k submit --request-id "$(rid 7)" --channel email --kind complaint --customer C1004 --product EW-60D \
    --description "上次维修后师傅没有清理现场"

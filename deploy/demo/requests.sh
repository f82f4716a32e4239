#!/usr/bin/env bash
# The demo's service requests: what a call centre hears in a morning.
# Uses the demo organisation in deploy/demo/org.yaml. KEFUCTL names the binary.
set -euo pipefail
k=${KEFUCTL:-build/release/bin/kefuctl}

# A VIP's air conditioner stopped cooling: repair, by phone, with the warranty card.
$k submit --channel hotline --kind repair --customer C1001 --product KFR-35GW \
    --card W2024-000101 --description "空调不制冷，开机十分钟后出风是热的"
# The same customer calls again about the same air conditioner: joins that ticket.
$k submit --channel chat --kind repair --customer C1001 --product KFR-35GW \
    --description "再次来电催促：什么时候上门？"
# An installation in the surrounding region (Suzhou).
$k submit --channel web --kind installation --customer C1005 --product EW-60D \
    --description "新买的电热水器需要安装，周末在家"
# A premium central air-conditioning repair: only intermediate or senior technicians.
$k submit --channel dealer --kind repair --customer C1003 --product CAC-120H \
    --card W2024-000301 --description "中央空调内机滴水"
# A customer never seen before: the customer file is opened at intake.
$k submit --channel walk_in --kind repair --name "欧阳娜娜" --phone 13912345678 \
    --address "上海市浦东新区世纪大道100号" --region SH --product BCD-256T \
    --description "冰箱冷藏室结霜严重"
# A consultation answered on the spot: closed at intake.
$k submit --channel hotline --kind consultation --customer C1002 \
    --description "燃气热水器保修期多长？" --answered --resolution "整机保修两年，以保修卡日期为准"
# A complaint: recorded on its ticket; complaints need no visit by default.
$k submit --channel email --kind complaint --customer C1004 --product EW-60D \
    --description "上次维修后师傅没有清理现场"

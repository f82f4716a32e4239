/* A work order's settlement (GET /api/v1/work-orders/{id}/settlement):
 * every line with its amount, warranty or chargeable and the reason, the
 * totals, and a print button; printed (print.css) it is one A4 page with
 * lines for the customer's signature and the date. */
'use strict';
kefu.strings({
  'zh-CN': {
    'settlement.title': '结算单', 'settlement.heading': '维修结算单', 'settlement.bad_id': '“{arg}”不是派工单号',
    'settlement.number': '结算单号', 'settlement.wo': '派工单', 'settlement.ticket': '工单', 'settlement.branch': '网点',
    'settlement.customer': '客户', 'settlement.created': '开单时间', 'settlement.status': '状态',
    'settlement.coverage': '保修判定', 'settlement.hold': '暂缓原因', 'settlement.accepted': '客户确认',
    'settlement.invoice': '发票号', 'settlement.work_org': '施工单位',
    'settlement.lines': '明细', 'settlement.pos': '序号', 'settlement.kind': '项目', 'settlement.code': '编码',
    'settlement.description': '说明', 'settlement.quantity': '数量', 'settlement.unit': '单价',
    'settlement.amount': '金额', 'settlement.line_coverage': '保修/收费', 'settlement.dispute': '异议与裁定',
    'settlement.was': '原金额 {amount}', 'settlement.no_lines': '没有明细',
    'settlement.total': '客户应付', 'settlement.warranty_total': '保修承担', 'settlement.approved_total': '客户已批准金额',
    'settlement.print': '打印结算单', 'settlement.sign': '客户签字', 'settlement.date': '日期',
    'settlement.st.priced': '已计价', 'settlement.st.awaiting_approval': '待客户批准', 'settlement.st.open': '待客户确认',
    'settlement.st.disputed': '有异议', 'settlement.st.accepted': '已确认',
    'settlement.cov.warranty': '保修', 'settlement.cov.chargeable': '收费',
    'settlement.why.covered': '在保修范围内', 'settlement.why.no_card': '无保修卡',
    'settlement.why.not_authorised_install': '非授权安装', 'settlement.why.misuse': '使用不当',
    'settlement.why.unauthorised_maintenance': '非授权维修', 'settlement.why.force_majeure': '不可抗力',
    'settlement.why.no_start': '保修尚未开始', 'settlement.why.expired': '保修已过期',
    'settlement.k.part': '配件', 'settlement.k.labour': '工时', 'settlement.k.travel': '上门路程',
    'settlement.d.upheld': '异议成立', 'settlement.d.rejected': '异议驳回',
    'settlement.q.labour': '{n} 分钟', 'settlement.q.travel': '{km} 公里',
    'settlement.per.part': '{price}', 'settlement.per.labour': '{price}/小时', 'settlement.per.travel': '{price}/公里',
  },
  en: {
    'settlement.title': 'Settlement', 'settlement.heading': 'Service settlement',
    'settlement.bad_id': '"{arg}" is not a work order number',
    'settlement.number': 'Settlement', 'settlement.wo': 'Work order', 'settlement.ticket': 'Ticket',
    'settlement.branch': 'Branch', 'settlement.customer': 'Customer', 'settlement.created': 'Made',
    'settlement.status': 'Status', 'settlement.coverage': 'Warranty decision', 'settlement.hold': 'Held because',
    'settlement.accepted': 'Accepted by the customer', 'settlement.invoice': 'Invoice',
    'settlement.work_org': 'Work done by',
    'settlement.lines': 'Lines', 'settlement.pos': '#', 'settlement.kind': 'Item', 'settlement.code': 'Code',
    'settlement.description': 'Description', 'settlement.quantity': 'Qty', 'settlement.unit': 'Unit price',
    'settlement.amount': 'Amount', 'settlement.line_coverage': 'Warranty / chargeable',
    'settlement.dispute': 'Dispute and decision', 'settlement.was': 'was {amount}', 'settlement.no_lines': 'No lines',
    'settlement.total': 'The customer pays', 'settlement.warranty_total': 'Covered by warranty',
    'settlement.approved_total': 'Approved by the customer',
    'settlement.print': 'Print the settlement', 'settlement.sign': "Customer's signature", 'settlement.date': 'Date',
    'settlement.st.priced': 'priced', 'settlement.st.awaiting_approval': "awaiting the customer's approval",
    'settlement.st.open': "awaiting the customer's acceptance", 'settlement.st.disputed': 'disputed',
    'settlement.st.accepted': 'accepted',
    'settlement.cov.warranty': 'warranty', 'settlement.cov.chargeable': 'chargeable',
    'settlement.why.covered': 'covered', 'settlement.why.no_card': 'no warranty card',
    'settlement.why.not_authorised_install': 'installed by an unauthorised party', 'settlement.why.misuse': 'misuse',
    'settlement.why.unauthorised_maintenance': 'unauthorised maintenance', 'settlement.why.force_majeure': 'force majeure',
    'settlement.why.no_start': 'warranty not started', 'settlement.why.expired': 'warranty expired',
    'settlement.k.part': 'part', 'settlement.k.labour': 'labour', 'settlement.k.travel': 'travel',
    'settlement.d.upheld': 'upheld', 'settlement.d.rejected': 'rejected',
    'settlement.q.labour': '{n} min', 'settlement.q.travel': '{km} km',
    'settlement.per.part': '{price}', 'settlement.per.labour': '{price}/h', 'settlement.per.travel': '{price}/km',
  },
});

(() => {
  const { el, t } = kefu;

  function facts(s) {
    const money = (v) => kefu.fmt.money(v, s.currency);
    const pairs = [['settlement.number', `#${s.settlement_id}`], ['settlement.wo', String(s.work_order_id)],
      ['settlement.ticket', String(s.ticket_id)], ['settlement.branch', s.branch],
      ['settlement.customer', [s.customer_name, s.customer_id].filter(Boolean).join(' · ')],
      ['settlement.created', kefu.fmt.time(s.created_at)], ['settlement.status', t('settlement.st.' + s.status)],
      ['settlement.coverage', `${t('settlement.cov.' + s.coverage)} · ${t('settlement.why.' + s.reason)}`]];
    if (s.hold_reason) pairs.push(['settlement.hold', s.hold_reason]);
    if (s.work_org) pairs.push(['settlement.work_org', s.work_org]);
    if (s.accepted_at) pairs.push(['settlement.accepted', `${s.accepted_name || ''} · ${kefu.fmt.time(s.accepted_at)}`]);
    if (s.invoice_number) pairs.push(['settlement.invoice', s.invoice_number]);
    if (s.approved_total) pairs.push(['settlement.approved_total', money(s.approved_total)]);
    return el('dl', { class: 'facts', id: 'settlement-facts' },
      pairs.flatMap(([k, v]) => [el('dt', {}, t(k)), el('dd', {}, v)]));
  }

  /* labour is priced by the hour and counted in minutes, travel by the km and counted in metres */
  function quantity(l) {
    if (l.kind === 'labour') return t('settlement.q.labour', { n: l.quantity });
    if (l.kind === 'travel') return t('settlement.q.travel', { km: (l.quantity / 1000).toFixed(1) });
    return String(l.quantity);
  }

  function lines(s) {
    const money = (v) => kefu.fmt.money(v, s.currency);
    if (!s.lines.length) return el('p', { class: 'hint' }, t('settlement.no_lines'));
    const heads = ['settlement.pos', 'settlement.kind', 'settlement.code', 'settlement.description',
      'settlement.quantity', 'settlement.unit', 'settlement.amount', 'settlement.line_coverage', 'settlement.dispute'];
    const num = new Set(['settlement.pos', 'settlement.quantity', 'settlement.unit', 'settlement.amount']);
    return el('table', { id: 'settlement-lines' },
      el('thead', {}, el('tr', {}, heads.map((k) => el('th', { scope: 'col', class: num.has(k) ? 'num' : null }, t(k))))),
      el('tbody', {}, s.lines.map((l) => el('tr', { 'data-position': l.position, 'data-coverage': l.coverage },
        el('td', { class: 'num' }, l.position), el('td', {}, t('settlement.k.' + l.kind)), el('td', {}, l.code || ''),
        el('td', {}, l.description === l.kind ? '' : l.description), el('td', { class: 'num' }, quantity(l)),
        el('td', { class: 'num' }, t('settlement.per.' + l.kind, { price: money(l.unit_amount) })),
        el('td', { class: 'num' }, money(l.amount),
          l.original_amount !== null
            ? el('div', { class: 'hint' }, t('settlement.was', { amount: money(l.original_amount) })) : null),
        el('td', {}, `${t('settlement.cov.' + l.coverage)} · ${t('settlement.why.' + l.reason)}`),
        el('td', {}, [l.dispute_reason, l.decision ? t('settlement.d.' + l.decision) : null, l.decision_note]
          .filter(Boolean).join(' · '))))),
      el('tfoot', {},
        el('tr', { class: 'total' }, el('th', { scope: 'row', colspan: 6 }, t('settlement.total')),
          el('td', { class: 'num', id: 'settlement-total' }, money(s.total)), el('td', { colspan: 2 })),
        el('tr', {}, el('th', { scope: 'row', colspan: 6 }, t('settlement.warranty_total')),
          el('td', { class: 'num', id: 'settlement-warranty' }, money(s.warranty_total)), el('td', { colspan: 2 }))));
  }

  kefu.page('settlement', {
    title: 'settlement.title',
    async render(main, arg) {
      if (!/^[1-9][0-9]{0,15}$/.test(arg)) {
        main.append(el('p', { class: 'error' }, t('settlement.bad_id', { arg })));
        return;
      }
      const wo = Number(arg);
      const sheet = el('article', { id: 'settlement', class: 'sheet' });
      const print = el('button', { type: 'button', id: 'settlement-print', onclick: () => window.print() },
        t('settlement.print'));
      main.append(el('div', { class: 'no-print actions' }, print), sheet);
      async function load() {
        const s = (await kefu.api('GET', `/api/v1/work-orders/${wo}/settlement`)).body;
        sheet.dataset.status = s.status;
        sheet.replaceChildren(el('h1', {}, t('settlement.heading')), facts(s),
          el('h2', {}, t('settlement.lines')), lines(s),
          el('div', { class: 'signatures' },
            el('div', { class: 'sign-line' }, el('span', {}, t('settlement.sign')), el('span', { class: 'blank' })),
            el('div', { class: 'sign-line' }, el('span', {}, t('settlement.date')), el('span', { class: 'blank' }))));
      }
      await load();
      kefu.live(['settlement'], () => load().catch((e) => kefu.say(`${e.code || ''}: ${e.message}`)));
    },
  });
})();

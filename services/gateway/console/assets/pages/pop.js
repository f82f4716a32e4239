/* Screen pop (docs/console.md "Screen pop"): /console/pop/<id>, the link
 * the phone system got for a ringing call. It shows the caller's customer
 * file and open tickets, or, for a number kefu does not know, a button to
 * the new-ticket form, which reads the number from the pop itself: the
 * number is never put in a URL. */
'use strict';
kefu.strings({
  'zh-CN': {
    'pop.title': '来电弹屏', 'pop.call': '来电 {phone}', 'pop.customer': '客户资料', 'pop.others': '同一号码的其他客户',
    'pop.id': '客户编号', 'pop.name': '姓名', 'pop.phone': '电话', 'pop.address': '地址', 'pop.region': '区域',
    'pop.branch': '服务站', 'pop.class': '等级', 'pop.open': '在办工单', 'pop.no_open': '没有在办工单',
    'pop.ticket': '工单', 'pop.kind': '类型', 'pop.status': '状态', 'pop.product': '产品', 'pop.description': '描述',
    'pop.created': '创建时间', 'pop.unknown': '这个号码还没有客户资料', 'pop.new': '为此来电新建工单',
    'pop.new_known': '为该客户新建工单', 'pop.gone': '弹屏已过期或不存在（有效期两分钟）', 'pop.expires': '有效至 {at}',
    'status.open': '待处理', 'status.unassigned': '待派工', 'status.assigned': '已派工', 'status.resolved': '已解决',
    'class.vip': 'VIP', 'class.important': '重要', 'class.regular': '普通',
  },
  en: {
    'pop.title': 'Screen pop', 'pop.call': 'Call from {phone}', 'pop.customer': "Customer's file",
    'pop.others': 'Other customers of this number', 'pop.id': 'Customer', 'pop.name': 'Name', 'pop.phone': 'Phone',
    'pop.address': 'Address', 'pop.region': 'Region', 'pop.branch': 'Branch', 'pop.class': 'Class',
    'pop.open': 'Open tickets', 'pop.no_open': 'No open ticket', 'pop.ticket': 'Ticket', 'pop.kind': 'Kind',
    'pop.status': 'Status', 'pop.product': 'Product', 'pop.description': 'Description', 'pop.created': 'Opened',
    'pop.unknown': 'No customer has this number yet', 'pop.new': 'New ticket for this call',
    'pop.new_known': 'New ticket for this customer', 'pop.gone': 'The screen pop has expired or does not exist (it lasts two minutes)',
    'pop.expires': 'Valid until {at}',
    'status.open': 'Open', 'status.unassigned': 'Unassigned', 'status.assigned': 'Assigned', 'status.resolved': 'Resolved',
    'class.vip': 'VIP', 'class.important': 'Important', 'class.regular': 'Regular',
  },
});

(() => {
  const { el, t } = kefu;
  const named = (prefix, code) => kefu.word(prefix, code);
  function link(path, text, attrs) {
    return el('a', Object.assign({ href: path, onclick: (ev) => { ev.preventDefault(); kefu.go(path); } }, attrs || {}), text);
  }
  function customerFile(c) {
    const rows = [['id', c.id], ['name', c.name], ['phone', c.phone], ['address', c.address], ['region', c.region],
                  ['branch', c.branch], ['class', named('class.', c.class)]];
    return el('dl', { class: 'file', 'data-customer': c.id },
      rows.flatMap(([k, v]) => [el('dt', {}, t('pop.' + k)), el('dd', {}, v === null || v === undefined ? '—' : v)]));
  }

  kefu.page('pop', {
    title: 'pop.title',
    roles: ['agent', 'team_lead', 'service_advisor', 'department_head', 'centre_director'],
    async render(main, arg) {
      const box = el('div', { id: 'pop' });
      main.append(box);
      if (!/^[A-Za-z0-9_-]{22}$/.test(arg)) {
        box.append(el('p', { class: 'error', role: 'alert' }, t('pop.gone')));
        return;
      }
      let p;
      try {
        p = (await kefu.api('GET', '/api/v1/screen-pops/' + arg)).body;
      } catch (err) {
        box.append(el('p', { class: 'error', role: 'alert' }, err.status === 404 ? t('pop.gone') : err.message));
        return;
      }
      box.append(el('h1', {}, t('pop.call', { phone: p.phone_masked })),
                 el('p', { class: 'hint' }, t('pop.expires', { at: kefu.fmt.time(p.expires_at) })));
      // The form reads the pop again by its id: the number stays out of every URL.
      const newLink = link('/console/new?pop=' + encodeURIComponent(arg), t(p.customer ? 'pop.new_known' : 'pop.new'),
                           { id: 'pop-new', class: 'button' });
      if (!p.customer) {
        box.append(el('p', { id: 'pop-unknown' }, t('pop.unknown')), newLink);
        newLink.focus();
        return;
      }
      box.append(el('h2', {}, t('pop.customer')), customerFile(p.customer));
      const others = p.customers.filter((c) => c.id !== p.customer.id);
      if (others.length) box.append(el('h2', {}, t('pop.others')), others.map(customerFile));
      box.append(el('h2', {}, t('pop.open')));
      if (!p.open_tickets.length) box.append(el('p', { class: 'empty' }, t('pop.no_open')));
      else {
        box.append(el('table', { id: 'pop-tickets' },
          el('thead', {}, el('tr', {}, ['ticket', 'kind', 'status', 'product', 'description', 'created'].map(
            (k) => el('th', { scope: 'col' }, t('pop.' + k))))),
          el('tbody', {}, p.open_tickets.map((tk) => el('tr', { 'data-ticket': tk.id },
            el('td', {}, link('/console/ticket/' + tk.id, '#' + tk.id)), el('td', {}, named('kind.', tk.kind)),
            el('td', {}, named('status.', tk.status)), el('td', {}, tk.product_code || '—'),
            el('td', {}, tk.description), el('td', {}, kefu.fmt.time(tk.created_at)))))));
      }
      box.append(el('p', {}, newLink));
      const first = box.querySelector('#pop-tickets a') || newLink;
      first.focus();
    },
  });
})();

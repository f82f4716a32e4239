/* Pending inspections: the levels the person may sign now, oldest first
 * (GET /api/v1/inspections/pending); each opens its checklist. */
'use strict';
kefu.strings({
  'zh-CN': {
    'inspections.title': '质检', 'inspections.heading': '待签质检', 'inspections.empty': '现在没有待您签署的质检',
    'inspections.wo': '派工单', 'inspections.ticket': '工单', 'inspections.branch': '网点',
    'inspections.kind': '类型', 'inspections.plan': '质检方案', 'inspections.level': '级别',
    'inspections.technician': '技师', 'inspections.since': '待签自', 'inspections.items': '检查项',
    'inspections.open': '打开派工单 {id} 的检查表', 'inspections.more': '更多',
  },
  en: {
    'inspections.title': 'Inspections', 'inspections.heading': 'Inspections to sign',
    'inspections.empty': 'Nothing waits for your signature now',
    'inspections.wo': 'Work order', 'inspections.ticket': 'Ticket', 'inspections.branch': 'Branch',
    'inspections.kind': 'Kind', 'inspections.plan': 'Plan', 'inspections.level': 'Level',
    'inspections.technician': 'Technician', 'inspections.since': 'Waiting since', 'inspections.items': 'Items',
    'inspections.open': 'Open the checklist of work order {id}', 'inspections.more': 'More',
  },
});

(() => {
  const { el, t } = kefu;
  const nav = (path) => (ev) => { ev.preventDefault(); kefu.go(path); };

  function row(p) {
    const path = '/console/inspection/' + p.work_order_id;
    return el('tr', { 'data-work-order': p.work_order_id },
      el('td', { class: 'num' }, el('a', { href: path, onclick: nav(path), 'aria-label':
        t('inspections.open', { id: p.work_order_id }) }, String(p.work_order_id))),
      el('td', { class: 'num' }, el('a', { href: '/console/ticket/' + p.ticket_id,
        onclick: nav('/console/ticket/' + p.ticket_id) }, String(p.ticket_id))),
      el('td', {}, p.branch), el('td', {}, p.kind), el('td', {}, p.plan), el('td', {}, p.level),
      el('td', {}, p.technician_id), el('td', {}, kefu.fmt.time(p.started_at)),
      el('td', { class: 'num' }, p.checklist.length));
  }

  kefu.page('inspections', {
    title: 'inspections.title',
    nav: true,
    /* inspection.pending answers any staff role; these are the roles the plans give levels to */
    roles: ['qc_inspector', 'technician', 'team_lead', 'service_advisor', 'department_head', 'centre_director'],
    async render(main) {
      const body = el('tbody', {});
      const table = el('table', { id: 'inspections' }, el('thead', {}, el('tr', {},
        ['inspections.wo', 'inspections.ticket', 'inspections.branch', 'inspections.kind', 'inspections.plan',
          'inspections.level', 'inspections.technician', 'inspections.since', 'inspections.items']
          .map((k) => el('th', { scope: 'col' }, t(k))))), body);
      const empty = el('p', { class: 'hint', id: 'inspections-empty', hidden: true }, t('inspections.empty'));
      const more = el('button', { type: 'button', class: 'secondary', id: 'inspections-more', hidden: true },
        t('inspections.more'));
      main.append(el('h1', {}, t('inspections.heading')), table, empty, more);
      let cursor = null;
      async function page(first) {
        const r = (await kefu.api('GET', '/api/v1/inspections/pending',
          { query: { limit: 50, cursor: first ? null : cursor } })).body;
        if (first) body.replaceChildren();
        body.append(...r.pending.map(row));
        cursor = r.next_cursor || null;
        more.hidden = !cursor;
        empty.hidden = body.children.length > 0;
        table.hidden = body.children.length === 0;
      }
      const fail = (e) => kefu.say(e instanceof kefu.ApiError ? `${e.code}: ${e.message}` : String(e));
      more.addEventListener('click', () => page(false).catch(fail));
      await page(true);
      kefu.live(['inspection'], () => page(true).catch(fail));
    },
  });
})();

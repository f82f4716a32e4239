/* Ticket detail: the ticket with its history, clocks and escalations, work
 * orders with their inspections and settlements, its open callbacks, and
 * the form for the events an agent records (POST …/tickets/{id}/events).
 * Everything is read again when the changes feed names a kind it shows. */
'use strict';
kefu.strings({
  'zh-CN': {
    'ticket.title': '工单详情', 'ticket.heading': '工单 #{id}', 'ticket.bad_id': '“{arg}”不是工单号',
    'ticket.summary': '概要', 'ticket.branch': '网点', 'ticket.kind': '类型', 'ticket.channel': '渠道',
    'ticket.priority': '优先级', 'ticket.status': '状态', 'ticket.created': '创建时间', 'ticket.updated': '更新时间',
    'ticket.customer': '客户', 'ticket.phone': '电话', 'ticket.address': '地址', 'ticket.product': '产品',
    'ticket.serial': '序列号', 'ticket.card': '保修卡', 'ticket.description': '问题描述', 'ticket.paused': '暂停原因',
    'ticket.resolution': '处理结果', 'ticket.contacts': '来电次数', 'ticket.none': '—',
    'ticket.record': '记录事件', 'ticket.event': '事件', 'ticket.reason': '暂停原因', 'ticket.escalation': '升级',
    'ticket.note': '备注', 'ticket.submit': '记录', 'ticket.recorded': '已记录：{event}',
    'ticket.no_escalation': '没有待确认的升级',
    'ticket.clocks': '时效', 'ticket.clock': '时效项', 'ticket.policy': '策略', 'ticket.state': '计时',
    'ticket.due': '到期', 'ticket.remaining': '剩余', 'ticket.level': '级别', 'ticket.no_clocks': '没有时效',
    'ticket.escalations': '升级', 'ticket.esc_kind': '类别', 'ticket.recipient': '通知对象', 'ticket.at': '时间',
    'ticket.acked': '确认', 'ticket.ack': '确认升级 #{id}', 'ticket.no_escalations': '没有升级',
    'ticket.work_orders': '派工单', 'ticket.wo': '派工单', 'ticket.purpose': '用途', 'ticket.technician': '技师',
    'ticket.completed': '完工', 'ticket.inspection': '质检', 'ticket.settlement': '结算',
    'ticket.no_work_orders': '没有派工单', 'ticket.open_inspection': '质检 {status}',
    'ticket.open_settlement': '结算 {status} {total}', 'ticket.not_yet': '尚无',
    'ticket.callbacks': '回访', 'ticket.callbacks_hint': '您的回访列表中本工单未完成的回访',
    'ticket.no_callbacks': '没有待办回访', 'ticket.callbacks_hidden': '您的角色无权查看回访列表',
    'ticket.history': '历史', 'ticket.actor': '操作人', 'ticket.detail': '详情',
    'ticket.overdue': '超时 {d}', 'ticket.h': '{h}小时{m}分', 'ticket.m': '{m}分',
    'ticket.live': '已更新',
  },
  en: {
    'ticket.title': 'Ticket', 'ticket.heading': 'Ticket #{id}', 'ticket.bad_id': '"{arg}" is not a ticket number',
    'ticket.summary': 'Summary', 'ticket.branch': 'Branch', 'ticket.kind': 'Kind', 'ticket.channel': 'Channel',
    'ticket.priority': 'Priority', 'ticket.status': 'Status', 'ticket.created': 'Created', 'ticket.updated': 'Updated',
    'ticket.customer': 'Customer', 'ticket.phone': 'Phone', 'ticket.address': 'Address', 'ticket.product': 'Product',
    'ticket.serial': 'Serial', 'ticket.card': 'Warranty card', 'ticket.description': 'Description',
    'ticket.paused': 'Paused for', 'ticket.resolution': 'Resolution', 'ticket.contacts': 'Contacts',
    'ticket.none': '—',
    'ticket.record': 'Record an event', 'ticket.event': 'Event', 'ticket.reason': 'Reason for the pause',
    'ticket.escalation': 'Escalation', 'ticket.note': 'Note', 'ticket.submit': 'Record',
    'ticket.recorded': 'Recorded: {event}', 'ticket.no_escalation': 'No escalation waits for acknowledgement',
    'ticket.clocks': 'Clocks', 'ticket.clock': 'Clock', 'ticket.policy': 'Policy', 'ticket.state': 'Timing',
    'ticket.due': 'Due', 'ticket.remaining': 'Left', 'ticket.level': 'Level', 'ticket.no_clocks': 'No clocks',
    'ticket.escalations': 'Escalations', 'ticket.esc_kind': 'Kind', 'ticket.recipient': 'Told', 'ticket.at': 'At',
    'ticket.acked': 'Acknowledged', 'ticket.ack': 'Acknowledge escalation #{id}',
    'ticket.no_escalations': 'No escalations',
    'ticket.work_orders': 'Work orders', 'ticket.wo': 'Work order', 'ticket.purpose': 'Purpose',
    'ticket.technician': 'Technician', 'ticket.completed': 'Completed', 'ticket.inspection': 'Inspection',
    'ticket.settlement': 'Settlement', 'ticket.no_work_orders': 'No work orders',
    'ticket.open_inspection': 'Inspection {status}', 'ticket.open_settlement': 'Settlement {status} {total}',
    'ticket.not_yet': 'none yet',
    'ticket.callbacks': 'Callbacks', 'ticket.callbacks_hint': "This ticket's open callbacks on your list",
    'ticket.no_callbacks': 'No open callbacks', 'ticket.callbacks_hidden': 'Your role may not list callbacks',
    'ticket.history': 'History', 'ticket.actor': 'By', 'ticket.detail': 'Detail',
    'ticket.overdue': 'overdue by {d}', 'ticket.h': '{h} h {m} min', 'ticket.m': '{m} min',
    'ticket.live': 'Updated',
  },
});
/* The values the API answers, in words: ticket.v.<value>. */
kefu.strings({
  'zh-CN': {
    'ticket.v.open': '待处理', 'ticket.v.unassigned': '未派工', 'ticket.v.assigned': '已派工',
    'ticket.v.resolved': '已解决', 'ticket.v.closed': '已关闭',
    'ticket.v.waiting_customer': '等待客户', 'ticket.v.waiting_parts': '等待配件',
    'ticket.ev.first_reply': '首次答复', 'ticket.ev.marked_complex': '标记为复杂', 'ticket.ev.plan_sent': '已发送方案',
    'ticket.ev.work_order_arranged': '已预约上门', 'ticket.ev.call_centre_checked': '呼叫中心已核实',
    'ticket.ev.technician_arrived': '技师已到达', 'ticket.ev.work_order_completed': '上门已完成',
    'ticket.ev.ticket_resolved': '已解决', 'ticket.ev.complaint_decided': '投诉已裁定',
    'ticket.ev.callback_done': '回访已完成', 'ticket.ev.ticket_reopened': '重新打开',
    'ticket.ev.ticket_closed': '关闭工单', 'ticket.ev.paused': '暂停', 'ticket.ev.resumed': '恢复',
    'ticket.ev.escalation_acknowledged': '确认升级',
    'ticket.ev.created': '创建', 'ticket.ev.closed_at_intake': '受理时办结', 'ticket.ev.repeat_contact': '重复来电',
    'ticket.ev.replacement_flagged': '三包换货', 'ticket.ev.work_order_done': '派工单完工',
    'ticket.ev.inspection_failed': '质检不合格', 'ticket.ev.work_order_assigned': '已派工',
    'ticket.ev.work_order_unassigned': '无法派工', 'ticket.ev.clock_started': '时效开始',
    'ticket.ev.clock_stopped': '时效停止', 'ticket.ev.clock_paused': '时效暂停', 'ticket.ev.clock_resumed': '时效恢复',
    'ticket.ev.clock_restarted': '时效重启', 'ticket.ev.sla_warning': '时效预警', 'ticket.ev.sla_escalated': '时效升级',
    'ticket.ev.sla_informed': '时效知会',
    'ticket.clk.on track': '正常', 'ticket.clk.at risk': '即将超时', 'ticket.clk.breached': '已超时',
    'ticket.clk.paused': '已暂停', 'ticket.clk.met': '已达成', 'ticket.clk.': '未开始',
    'ticket.st.pending': '未开始', 'ticket.st.running': '计时中', 'ticket.st.paused': '已暂停', 'ticket.st.stopped': '已停止',
    'ticket.esc.warning': '预警', 'ticket.esc.escalation': '升级', 'ticket.esc.skip_level': '越级升级',
    'ticket.esc.informed': '知会',
    'ticket.wo.visit': '上门', 'ticket.wo.rework': '返工', 'ticket.wo.revisit': '复访',
    'ticket.wos.unassigned': '未派工', 'ticket.wos.assigned': '已派工', 'ticket.wos.completed': '已完工',
    'ticket.wos.accepted': '已验收', 'ticket.wos.rework': '返工中', 'ticket.wos.cancelled': '已取消',
  },
  en: {
    'ticket.v.open': 'open', 'ticket.v.unassigned': 'unassigned', 'ticket.v.assigned': 'assigned',
    'ticket.v.resolved': 'resolved', 'ticket.v.closed': 'closed',
    'ticket.v.waiting_customer': 'waiting for the customer', 'ticket.v.waiting_parts': 'waiting for parts',
    'ticket.ev.first_reply': 'First reply', 'ticket.ev.marked_complex': 'Marked complex',
    'ticket.ev.plan_sent': 'Plan sent', 'ticket.ev.work_order_arranged': 'Visit arranged',
    'ticket.ev.call_centre_checked': 'Checked by the call centre', 'ticket.ev.technician_arrived': 'Technician arrived',
    'ticket.ev.work_order_completed': 'Visit completed', 'ticket.ev.ticket_resolved': 'Resolved',
    'ticket.ev.complaint_decided': 'Complaint decided', 'ticket.ev.callback_done': 'Callback done',
    'ticket.ev.ticket_reopened': 'Reopened', 'ticket.ev.ticket_closed': 'Closed', 'ticket.ev.paused': 'Paused',
    'ticket.ev.resumed': 'Resumed', 'ticket.ev.escalation_acknowledged': 'Escalation acknowledged',
    'ticket.ev.created': 'Created', 'ticket.ev.closed_at_intake': 'Answered at intake',
    'ticket.ev.repeat_contact': 'Repeat contact', 'ticket.ev.replacement_flagged': 'Replacement due (three repairs)',
    'ticket.ev.work_order_done': 'Work order done', 'ticket.ev.inspection_failed': 'Inspection failed',
    'ticket.ev.work_order_assigned': 'Work order assigned', 'ticket.ev.work_order_unassigned': 'No technician fits',
    'ticket.ev.clock_started': 'Clock started', 'ticket.ev.clock_stopped': 'Clock stopped',
    'ticket.ev.clock_paused': 'Clock paused', 'ticket.ev.clock_resumed': 'Clock resumed',
    'ticket.ev.clock_restarted': 'Clock restarted', 'ticket.ev.sla_warning': 'SLA warning',
    'ticket.ev.sla_escalated': 'SLA escalated', 'ticket.ev.sla_informed': 'SLA informed',
    'ticket.clk.on track': 'on track', 'ticket.clk.at risk': 'at risk', 'ticket.clk.breached': 'breached',
    'ticket.clk.paused': 'paused', 'ticket.clk.met': 'met', 'ticket.clk.': 'not started',
    'ticket.st.pending': 'pending', 'ticket.st.running': 'running', 'ticket.st.paused': 'paused',
    'ticket.st.stopped': 'stopped',
    'ticket.esc.warning': 'warning', 'ticket.esc.escalation': 'escalation', 'ticket.esc.skip_level': 'skip-level',
    'ticket.esc.informed': 'informed',
    'ticket.wo.visit': 'visit', 'ticket.wo.rework': 'rework', 'ticket.wo.revisit': 'revisit',
    'ticket.wos.unassigned': 'unassigned', 'ticket.wos.assigned': 'assigned', 'ticket.wos.completed': 'completed',
    'ticket.wos.accepted': 'accepted', 'ticket.wos.rework': 'in rework', 'ticket.wos.cancelled': 'cancelled',
  },
});

(() => {
  const { el, t } = kefu;
  /* ticket.event's events, in the order a ticket meets them (schemas/requests/ticket.event.v1.json) */
  const EVENTS = ['first_reply', 'marked_complex', 'plan_sent', 'work_order_arranged', 'call_centre_checked',
    'technician_arrived', 'work_order_completed', 'ticket_resolved', 'complaint_decided', 'callback_done',
    'ticket_reopened', 'ticket_closed', 'paused', 'resumed', 'escalation_acknowledged'];
  const CLOCK_COLOUR = { 'on track': 'green', met: 'green', 'at risk': 'yellow', breached: 'red' };
  /* roles that may list every agent's callbacks (callback.list with all) */
  const ALL_CALLBACKS = ['team_lead', 'department_head', 'centre_director', 'general_manager', 'regional_manager',
    'head_office'];
  const word = (prefix, v) => (v === null || v === undefined ? t('ticket.none') : t(prefix + v));
  /* a clock's name in words when it is one of the known ones, else as configured */
  const clockName = (c) => kefu.word('clock.', c);
  const orNone = (v) => (v === null || v === undefined || v === '' ? t('ticket.none') : String(v));

  function duration(seconds) {
    const s = Math.abs(seconds);
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    const d = h ? t('ticket.h', { h, m }) : t('ticket.m', { m });
    return seconds < 0 ? t('ticket.overdue', { d }) : d;
  }

  function table(cls, heads, rows, empty) {
    if (!rows.length) return el('p', { class: 'hint' }, empty);
    return el('table', { class: cls }, el('thead', {}, el('tr', {}, heads.map((h) => el('th', { scope: 'col' }, h)))),
      el('tbody', {}, rows));
  }

  function summary(tk) {
    const c = tk.customer;
    const pairs = [
      ['ticket.status', word('ticket.v.', tk.status)], ['ticket.branch', tk.branch],
      ['ticket.kind', word('kind.', tk.kind)], ['ticket.channel', word('channel.', tk.channel)],
      ['ticket.priority', word('priority.', tk.priority)], ['ticket.created', kefu.fmt.time(tk.created_at)],
      ['ticket.updated', kefu.fmt.time(tk.updated_at)], ['ticket.customer', `${c.name} (${c.id})`],
      ['ticket.phone', orNone(c.phone)], ['ticket.address', orNone(c.address)],
      ['ticket.product', orNone(tk.product_code)], ['ticket.serial', orNone(tk.serial)],
      ['ticket.card', orNone(tk.warranty_card)], ['ticket.contacts', tk.contact_count],
      ['ticket.paused', tk.paused_reason ? word('ticket.v.', tk.paused_reason) : t('ticket.none')],
      ['ticket.resolution', orNone(tk.resolution)], ['ticket.description', tk.description],
    ];
    return el('dl', { class: 'facts', id: 'ticket-summary' },
      pairs.flatMap(([k, v]) => [el('dt', {}, t(k)), el('dd', { 'data-field': k.slice(7) }, String(v))]));
  }

  function clocksTable(clocks) {
    return table('clocks', [t('ticket.clock'), t('ticket.policy'), t('ticket.state'), t('ticket.status'),
      t('ticket.due'), t('ticket.remaining'), t('ticket.level')], clocks.map((c) => el('tr', {},
      el('td', { title: c.clock }, clockName(c.clock)), el('td', {}, c.policy), el('td', {}, t('ticket.st.' + c.state)),
      el('td', {}, el('span', { class: `chip ${CLOCK_COLOUR[c.status] || 'grey'}` }, t('ticket.clk.' + c.status))),
      el('td', {}, kefu.fmt.time(c.due_at)),
      el('td', { class: 'num' }, c.remaining_seconds === null ? t('ticket.none') : duration(c.remaining_seconds)),
      el('td', {}, kefu.word('level.', c.level, t('ticket.none'))))), t('ticket.no_clocks'));
  }

  function escalationsTable(escalations, acknowledge) {
    return table('escalations', ['#', t('ticket.clock'), t('ticket.esc_kind'), t('ticket.level'),
      t('ticket.recipient'), t('ticket.at'), t('ticket.acked')],
    escalations.map((e) => el('tr', { 'data-escalation': e.id },
      el('td', { class: 'num' }, e.id), el('td', {}, clockName(e.clock)), el('td', {}, t('ticket.esc.' + e.kind)),
      el('td', {}, kefu.word('level.', e.level)), el('td', {}, e.recipient), el('td', {}, kefu.fmt.time(e.at)),
      el('td', {}, e.acknowledged_at ? `${e.acknowledged_by} · ${kefu.fmt.time(e.acknowledged_at)}`
        : e.kind === 'informed' ? t('ticket.none')
          : el('button', { type: 'button', class: 'secondary ack', onclick: () => acknowledge(e.id) },
            t('ticket.ack', { id: e.id }))))), t('ticket.no_escalations'));
  }

  function workOrdersTable(wos, extras) {
    return table('work-orders', [t('ticket.wo'), t('ticket.purpose'), t('ticket.status'), t('ticket.technician'),
      t('ticket.created'), t('ticket.completed'), t('ticket.inspection'), t('ticket.settlement')], wos.map((w) => {
      const { inspection, settlement } = extras[w.work_order_id] || {};
      return el('tr', { 'data-work-order': w.work_order_id },
        el('td', { class: 'num' }, w.work_order_id), el('td', {}, t('ticket.wo.' + w.purpose)),
        el('td', {}, t('ticket.wos.' + w.status),
          w.unassigned_reason ? el('div', { class: 'hint' }, w.unassigned_reason) : null),
        el('td', {}, orNone(w.technician_id)), el('td', {}, kefu.fmt.time(w.created_at)),
        el('td', {}, kefu.fmt.time(w.completed_at)),
        el('td', {}, inspection ? link('/console/inspection/' + w.work_order_id,
          t('ticket.open_inspection', { status: t('inspection.st.' + inspection.status) })) : t('ticket.not_yet')),
        el('td', {}, settlement ? link('/console/settlement/' + w.work_order_id,
          t('ticket.open_settlement', { status: t('settlement.st.' + settlement.status),
            total: kefu.fmt.money(settlement.total, settlement.currency) })) : t('ticket.not_yet')));
    }), t('ticket.no_work_orders'));
  }

  function link(path, text) {
    return el('a', { href: path, onclick: (ev) => { ev.preventDefault(); kefu.go(path); } }, text);
  }

  function callbacksBlock(callbacks) {
    if (callbacks === null) return el('p', { class: 'hint' }, t('ticket.callbacks_hidden'));
    return [el('p', { class: 'hint' }, t('ticket.callbacks_hint')),
      table('callbacks', ['#', t('callbacks.purpose'), t('ticket.status'), t('callbacks.attempts'),
        t('callbacks.due'), t('callbacks.next_call')], callbacks.map((c) => el('tr', { 'data-callback': c.callback_id },
        el('td', { class: 'num' }, c.callback_id), el('td', {}, t('callbacks.p.' + c.purpose)),
        el('td', {}, t('callbacks.st.' + c.status)), el('td', { class: 'num' }, c.attempts),
        el('td', {}, kefu.fmt.time(c.due_at)), el('td', {}, kefu.fmt.time(c.next_call_at)))),
      t('ticket.no_callbacks'))];
  }

  /* What a history row's detail says, in a line: the fields a person reads. */
  function detailText(row) {
    const d = row.detail || {};
    const parts = [];
    if (d.technician) parts.push(`${d.technician.name} (${d.technician.id})`);
    if (d.work_order_id) parts.push(`${t('ticket.wo')} ${d.work_order_id}`);
    if (d.clock) parts.push(clockName(String(d.clock)));
    if (d.level && typeof d.level === 'string') parts.push(kefu.word('level.', d.level));
    if (d.reason && typeof d.reason === 'string') parts.push(t('ticket.v.' + d.reason));
    if (d.escalation_id) parts.push(`#${d.escalation_id}`);
    if (d.status && typeof d.status === 'string') parts.push('→ ' + t('ticket.v.' + d.status));
    if (d.note) parts.push(String(d.note));
    if (d.resolution) parts.push(String(d.resolution));
    return parts.join(' · ');
  }

  function historyTable(history) {
    return table('history', [t('ticket.at'), t('ticket.actor'), t('ticket.event'), t('ticket.detail')],
      history.slice().reverse().map((r) => el('tr', { 'data-event': r.event },
        el('td', {}, kefu.fmt.time(r.at)), el('td', {}, r.actor), el('td', {}, t('ticket.ev.' + r.event)),
        el('td', {}, detailText(r)))), '');
  }

  /* A ticket with no clocks or no work orders yet is answered 404 by those reads: nothing to show. */
  function orEmpty(promise, empty) {
    return promise.then((r) => r, (e) => {
      if (e instanceof kefu.ApiError && e.status === 404) return { body: empty };
      throw e;
    });
  }

  /* Reads a work order's inspection and settlement; one not made yet (404) is null. */
  async function extrasOf(wos) {
    const orNull = (p) => p.then((r) => r.body, (e) => {
      if (e instanceof kefu.ApiError && (e.status === 404 || e.status === 403)) return null;
      throw e;
    });
    const out = {};
    await Promise.all(wos.map(async (w) => {
      const [inspection, settlement] = await Promise.all([
        orNull(kefu.api('GET', `/api/v1/work-orders/${w.work_order_id}/inspection`)),
        orNull(kefu.api('GET', `/api/v1/work-orders/${w.work_order_id}/settlement`))]);
      out[w.work_order_id] = { inspection, settlement };
    }));
    return out;
  }

  async function callbacksOf(id) {
    const query = { upcoming: 'true', limit: 1000 };
    if (kefu.hasRole(...ALL_CALLBACKS)) query.all = 'true';
    try {
      const r = await kefu.api('GET', '/api/v1/callbacks', { query });
      return r.body.callbacks.filter((c) => c.ticket_id === id);
    } catch (e) {
      if (e instanceof kefu.ApiError && e.status === 403) return null;
      throw e;
    }
  }

  function eventForm(id, reload) {
    const event = el('select', { name: 'event', id: 'ticket-event' },
      EVENTS.map((e) => el('option', { value: e }, t('ticket.ev.' + e))));
    const reason = el('select', { name: 'reason', id: 'ticket-reason' },
      ['waiting_customer', 'waiting_parts'].map((r) => el('option', { value: r }, t('ticket.v.' + r))));
    const escalation = el('select', { name: 'escalation_id', id: 'ticket-escalation' });
    const note = el('textarea', { name: 'note', id: 'ticket-note', maxlength: 2000, rows: 2 });
    const reasonField = kefu.field('ticket.reason', reason);
    const escalationField = kefu.field('ticket.escalation', escalation);
    const error = el('p', { class: 'error', role: 'alert', id: 'ticket-event-error' });
    const button = el('button', { type: 'submit' }, t('ticket.submit'));
    const form = el('form', { class: 'panel', id: 'ticket-event-form' }, el('h2', {}, t('ticket.record')),
      el('div', { class: 'row' }, kefu.field('ticket.event', event), reasonField, escalationField),
      kefu.field('ticket.note', note), error, button);
    const shown = () => {
      reasonField.hidden = event.value !== 'paused';
      escalationField.hidden = event.value !== 'escalation_acknowledged';
    };
    event.addEventListener('change', shown);
    shown();
    /* The escalations still to acknowledge (informed copies take none). */
    form.setEscalations = (escalations) => {
      const keep = escalation.value;
      const open = escalations.filter((e) => !e.acknowledged_at && e.kind !== 'informed');
      escalation.replaceChildren(...(open.length ? open.map((e) => el('option', { value: e.id },
        `#${e.id} ${clockName(e.clock)} · ${t('ticket.esc.' + e.kind)} · ${kefu.word('level.', e.level)}`))
        : [el('option', { value: '' }, t('ticket.no_escalation'))]));
      if (open.some((e) => String(e.id) === keep)) escalation.value = keep;
    };
    form.choose = (ev, escalationId) => {
      event.value = ev;
      shown();
      if (escalationId) escalation.value = String(escalationId);
      button.focus();
    };
    let key = null;     // one Idempotency-Key per event meant: a retry of it records it once
    form.addEventListener('input', () => { key = null; });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      const body = { event: event.value };
      if (note.value.trim()) body.note = note.value.trim();
      if (event.value === 'paused') body.reason = reason.value;
      if (event.value === 'escalation_acknowledged') {
        if (!escalation.value) { error.textContent = t('ticket.no_escalation'); return; }
        body.escalation_id = Number(escalation.value);
      }
      key = key || kefu.uuid();
      button.disabled = true;
      try {
        await kefu.api('POST', `/api/v1/tickets/${id}/events`, { body, key });
        key = null;
        note.value = '';
        kefu.say(t('ticket.recorded', { event: t('ticket.ev.' + body.event) }));
        await reload();
      } catch (e) {
        if (e.status && e.status < 500) key = null;
        error.textContent = e instanceof kefu.ApiError ? e.message : String(e);
      } finally {
        button.disabled = false;
      }
    });
    return form;
  }

  kefu.page('ticket', {
    title: 'ticket.title',
    async render(main, arg) {
      if (!/^[1-9][0-9]{0,15}$/.test(arg)) {
        main.append(el('p', { class: 'error' }, t('ticket.bad_id', { arg })));
        return;
      }
      const id = Number(arg);
      const heading = el('h1', {}, t('ticket.heading', { id }));
      const data = el('div', { id: 'ticket-data', 'aria-live': 'polite' });
      /* the sections stay; a read replaces what is in them */
      const sections = {};
      const below = el('div', { id: 'ticket-more' }, ['clocks', 'escalations', 'work_orders', 'callbacks', 'history']
        .map((k) => (sections[k] = el('section', { id: 'ticket-' + k.replace('_', '-') }))));
      const fill = (k, ...content) => sections[k].replaceChildren(el('h2', {}, t('ticket.' + k)), ...content);
      let form = null;
      let reading = null;
      let again = false;
      /* Reads everything again; a change arriving during a read reads once more after it. */
      async function load() {
        if (reading) { again = true; return reading; }
        reading = (async () => {
          do {
            again = false;
            /* the ticket first: it answers 404 for one that is not there or not the caller's */
            const tk = await kefu.api('GET', `/api/v1/tickets/${id}`);
            const [clocks, wos, callbacks] = await Promise.all([
              orEmpty(kefu.api('GET', `/api/v1/tickets/${id}/clocks`), { clocks: [], escalations: [] }),
              orEmpty(kefu.api('GET', `/api/v1/tickets/${id}/work-orders`, { query: { limit: 100 } }),
                { work_orders: [] }), callbacksOf(id)]);
            const extras = await extrasOf(wos.body.work_orders);
            const ticket = tk.body.ticket;
            heading.replaceChildren(t('ticket.heading', { id }), ' ',
              el('span', { class: 'chip status-' + ticket.status }, t('ticket.v.' + ticket.status)));
            data.replaceChildren(el('h2', {}, t('ticket.summary')), summary(ticket));
            form.setEscalations(clocks.body.escalations);
            fill('clocks', clocksTable(clocks.body.clocks));
            fill('escalations', escalationsTable(clocks.body.escalations,
              (eid) => form.choose('escalation_acknowledged', eid)));
            fill('work_orders', workOrdersTable(wos.body.work_orders, extras));
            fill('callbacks', callbacksBlock(callbacks));
            fill('history', historyTable(tk.body.history));
            main.dataset.loaded = String(Date.now());
          } while (again);
        })();
        try { await reading; } finally { reading = null; }
      }
      form = eventForm(id, load);
      main.append(heading, data, form, below);
      await load();
      kefu.live(['ticket', 'clock', 'escalation', 'workorder', 'inspection', 'settlement', 'callback'], () => {
        load().catch((e) => kefu.say(e instanceof kefu.ApiError ? `${e.code}: ${e.message}` : String(e)));
      });
    },
  });
})();

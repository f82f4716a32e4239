/* The callback work list: the calls due now (and, on request, later ones),
 * earliest deadline first, each with its outcome form. A call that reached
 * the customer records its outcome (POST …/callbacks/{id}/outcome); one
 * that did not records the attempt (POST …/callbacks/{id}/attempts). */
'use strict';
kefu.strings({
  'zh-CN': {
    'callbacks.title': '回访', 'callbacks.heading': '我的回访列表', 'callbacks.upcoming': '包括稍后回访的',
    'callbacks.all': '全部坐席的回访', 'callbacks.more': '更多', 'callbacks.empty': '现在没有要回访的客户',
    'callbacks.ticket': '工单 #{id}', 'callbacks.customer': '客户', 'callbacks.phone': '电话',
    'callbacks.purpose': '回访类型', 'callbacks.cause': '原因', 'callbacks.status': '状态', 'callbacks.agent': '坐席',
    'callbacks.attempts': '已拨打次数', 'callbacks.due': '回访期限', 'callbacks.next_call': '下次拨打',
    'callbacks.reached': '是否联系上客户', 'callbacks.reached.yes': '联系上了', 'callbacks.reached.no': '未联系上',
    'callbacks.outcome': '满意度', 'callbacks.reasons': '不满意的原因', 'callbacks.not_reached': '未接通原因',
    'callbacks.note': '备注', 'callbacks.record': '记录结果', 'callbacks.done': '结果：{status}',
    'callbacks.p.after_work': '完工回访', 'callbacks.p.periodic': '定期回访',
    'callbacks.st.scheduled': '待回访', 'callbacks.st.retrying': '重拨中', 'callbacks.st.recorded': '已记录',
    'callbacks.st.unreachable': '无法联系', 'callbacks.st.cancelled': '已取消',
    'callbacks.o.satisfied': '满意', 'callbacks.o.neutral': '一般', 'callbacks.o.dissatisfied': '不满意',
    'callbacks.r.late_arrival': '上门迟到', 'callbacks.r.not_fixed': '问题未解决', 'callbacks.r.rude': '服务态度差',
    'callbacks.r.price': '收费不合理',
    'callbacks.a.no_answer': '无人接听', 'callbacks.a.busy': '占线', 'callbacks.a.switched_off': '关机',
    'callbacks.a.wrong_number': '号码错误', 'callbacks.a.call_later': '客户要求稍后再打',
    'callbacks.c.ticket_resolved': '工单已解决', 'callbacks.c.workorder_accepted': '完工验收',
    'callbacks.c.important': '重要客户', 'callbacks.c.long_term': '长期客户', 'callbacks.c.warranty': '保修期客户',
    'callbacks.c.project': '项目',
  },
  en: {
    'callbacks.title': 'Callbacks', 'callbacks.heading': 'My callback list', 'callbacks.upcoming': 'Include later calls',
    'callbacks.all': "Every agent's callbacks", 'callbacks.more': 'More', 'callbacks.empty': 'Nobody to call now',
    'callbacks.ticket': 'Ticket #{id}', 'callbacks.customer': 'Customer', 'callbacks.phone': 'Phone',
    'callbacks.purpose': 'Kind', 'callbacks.cause': 'Cause', 'callbacks.status': 'Status', 'callbacks.agent': 'Agent',
    'callbacks.attempts': 'Attempts', 'callbacks.due': 'Due by', 'callbacks.next_call': 'Next call',
    'callbacks.reached': 'Was the customer reached?', 'callbacks.reached.yes': 'Reached',
    'callbacks.reached.no': 'Not reached', 'callbacks.outcome': 'Satisfaction',
    'callbacks.reasons': 'What was wrong', 'callbacks.not_reached': 'Why not reached', 'callbacks.note': 'Note',
    'callbacks.record': 'Record', 'callbacks.done': 'Result: {status}',
    'callbacks.p.after_work': 'after the work', 'callbacks.p.periodic': 'periodic',
    'callbacks.st.scheduled': 'to call', 'callbacks.st.retrying': 'calling again', 'callbacks.st.recorded': 'recorded',
    'callbacks.st.unreachable': 'unreachable', 'callbacks.st.cancelled': 'cancelled',
    'callbacks.o.satisfied': 'satisfied', 'callbacks.o.neutral': 'neutral', 'callbacks.o.dissatisfied': 'dissatisfied',
    'callbacks.r.late_arrival': 'arrived late', 'callbacks.r.not_fixed': 'not fixed', 'callbacks.r.rude': 'rude',
    'callbacks.r.price': 'price',
    'callbacks.a.no_answer': 'no answer', 'callbacks.a.busy': 'busy', 'callbacks.a.switched_off': 'phone off',
    'callbacks.a.wrong_number': 'wrong number', 'callbacks.a.call_later': 'asked to call later',
    'callbacks.c.ticket_resolved': 'ticket resolved', 'callbacks.c.workorder_accepted': 'work accepted',
    'callbacks.c.important': 'important customer', 'callbacks.c.long_term': 'long-standing customer',
    'callbacks.c.warranty': 'customer under warranty',
    'callbacks.c.project': 'project',
  },
});

(() => {
  const { el, t } = kefu;
  const OUTCOMES = ['satisfied', 'neutral', 'dissatisfied'];
  const REASONS = ['late_arrival', 'not_fixed', 'rude', 'price'];
  const ATTEMPTS = ['no_answer', 'busy', 'switched_off', 'wrong_number', 'call_later'];
  const ALL = ['team_lead', 'qc_inspector', 'department_head', 'centre_director', 'general_manager',
    'regional_manager', 'head_office'];
  const ROLES = ['agent', ...ALL];

  function facts(c) {
    const pairs = [['callbacks.customer', `${c.customer_name || ''} (${c.customer_id})`],
      ['callbacks.phone', c.phone], ['callbacks.purpose', t('callbacks.p.' + c.purpose)],
      ['callbacks.cause', t('callbacks.c.' + c.cause) === 'callbacks.c.' + c.cause ? c.cause : t('callbacks.c.' + c.cause)],
      ['callbacks.status', t('callbacks.st.' + c.status)],
      ['callbacks.agent', c.agent], ['callbacks.attempts', c.attempts],
      ['callbacks.due', kefu.fmt.time(c.due_at)], ['callbacks.next_call', kefu.fmt.time(c.next_call_at)]];
    return el('dl', { class: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
      .flatMap(([k, v]) => [el('dt', {}, t(k)), el('dd', {}, String(v))]));
  }

  /* One callback's card with its outcome form; onDone(reply) once recorded. */
  function card(c, onDone) {
    const id = c.callback_id;
    const reached = el('select', { name: 'reached', id: `cb-${id}-reached` },
      el('option', { value: 'yes' }, t('callbacks.reached.yes')), el('option', { value: 'no' }, t('callbacks.reached.no')));
    const outcome = el('select', { name: 'outcome', id: `cb-${id}-outcome` },
      OUTCOMES.map((o) => el('option', { value: o }, t('callbacks.o.' + o))));
    const boxes = REASONS.map((r) => el('input', { type: 'checkbox', name: 'reasons', value: r, id: `cb-${id}-r-${r}` }));
    const reasons = el('fieldset', { class: 'reasons' }, el('legend', {}, t('callbacks.reasons')),
      boxes.map((b) => el('span', { class: 'check' }, b, el('label', { for: b.id }, t('callbacks.r.' + b.value)))));
    const why = el('select', { name: 'reason', id: `cb-${id}-why` },
      ATTEMPTS.map((a) => el('option', { value: a }, t('callbacks.a.' + a))));
    const note = el('textarea', { name: 'note', id: `cb-${id}-note`, maxlength: 2000, rows: 2 });
    const outcomeField = kefu.field('callbacks.outcome', outcome);
    const whyField = kefu.field('callbacks.not_reached', why);
    const error = el('p', { class: 'error', role: 'alert' });
    const button = el('button', { type: 'submit' }, t('callbacks.record'));
    const form = el('form', { class: 'outcome', id: `cb-${id}-form` },
      el('div', { class: 'row' }, kefu.field('callbacks.reached', reached), outcomeField, whyField),
      reasons, kefu.field('callbacks.note', note), error, button);
    const shown = () => {
      const yes = reached.value === 'yes';
      outcomeField.hidden = !yes;
      reasons.hidden = !yes || outcome.value === 'satisfied';
      whyField.hidden = yes;
    };
    reached.addEventListener('change', shown);
    outcome.addEventListener('change', shown);
    shown();
    const state = el('p', { class: 'state', role: 'status' });
    const box = el('article', { class: 'panel callback', 'data-callback': id },
      el('h2', {}, el('a', { href: '/console/ticket/' + c.ticket_id,
        onclick: (ev) => { ev.preventDefault(); kefu.go('/console/ticket/' + c.ticket_id); } },
      t('callbacks.ticket', { id: c.ticket_id })), ` · #${id}`), facts(c), state, form);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      const body = {};
      if (note.value.trim()) body.note = note.value.trim();
      let path;
      if (reached.value === 'yes') {
        path = `/api/v1/callbacks/${id}/outcome`;
        body.outcome = outcome.value;
        const picked = boxes.filter((b) => b.checked && !reasons.hidden).map((b) => b.value);
        if (picked.length) body.reasons = picked;
      } else {
        path = `/api/v1/callbacks/${id}/attempts`;
        body.reason = why.value;
      }
      button.disabled = true;
      try {
        const r = (await kefu.api('POST', path, { body })).body;
        box.dataset.status = r.status;
        state.textContent = t('callbacks.done', { status: t('callbacks.st.' + r.status) +
          (r.outcome ? ' · ' + t('callbacks.o.' + r.outcome) : '') });
        if (r.status === 'retrying' || r.status === 'scheduled') {
          state.append(' · ', t('callbacks.next_call'), ' ', kefu.fmt.time(r.next_call_at));
        }
        form.remove();
        onDone(r);
      } catch (e) {
        error.textContent = e instanceof kefu.ApiError ? e.message : String(e);
        button.disabled = false;
      }
    });
    return box;
  }

  kefu.page('callbacks', {
    title: 'callbacks.title',
    nav: true,
    roles: ROLES,
    async render(main) {
      const upcoming = el('input', { type: 'checkbox', id: 'callbacks-upcoming', name: 'upcoming' });
      const all = el('input', { type: 'checkbox', id: 'callbacks-all', name: 'all' });
      const filters = el('div', { class: 'row filters' },
        el('span', { class: 'check' }, upcoming, el('label', { for: upcoming.id }, t('callbacks.upcoming'))),
        kefu.hasRole(...ALL)
          ? el('span', { class: 'check' }, all, el('label', { for: all.id }, t('callbacks.all'))) : null);
      const list = el('div', { id: 'callbacks-list' });
      const more = el('button', { type: 'button', class: 'secondary', id: 'callbacks-more', hidden: true },
        t('callbacks.more'));
      main.append(el('h1', {}, t('callbacks.heading')), filters, list, more);
      let cursor = null;
      let editing = false;     // a form being filled in is not redrawn under the person's hands
      let stale = false;
      list.addEventListener('input', () => { editing = true; });
      const query = () => ({ upcoming: upcoming.checked ? 'true' : null, all: all.checked ? 'true' : null,
        limit: 20, cursor });
      async function page(first) {
        if (first) cursor = null;
        const r = (await kefu.api('GET', '/api/v1/callbacks', { query: query() })).body;
        /* a call just recorded keeps its card, showing its state, until the screen is left */
        if (first) list.replaceChildren(...list.querySelectorAll('.callback[data-status]'));
        for (const c of r.callbacks) {
          if (list.querySelector(`[data-callback="${c.callback_id}"]`)) continue;
          list.append(card(c, () => { editing = false; if (stale) refresh(); }));
        }
        if (!list.querySelector('.callback')) {
          list.append(el('p', { class: 'hint', id: 'callbacks-empty' }, t('callbacks.empty')));
        }
        cursor = r.next_cursor || null;
        more.hidden = !cursor;
        editing = false;
        stale = false;
      }
      function refresh() {
        if (editing) { stale = true; return; }
        page(true).catch((e) => kefu.say(`${e.code || ''}: ${e.message}`));
      }
      more.addEventListener('click', () => page(false).catch((e) => kefu.say(`${e.code || ''}: ${e.message}`)));
      upcoming.addEventListener('change', () => { editing = false; refresh(); });
      all.addEventListener('change', () => { editing = false; refresh(); });
      await page(true);
      kefu.live(['callback'], refresh);
    },
  });
})();

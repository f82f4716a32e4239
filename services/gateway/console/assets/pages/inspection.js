/* One work order's inspection (GET /api/v1/work-orders/{id}/inspection):
 * every level with its state and readings, and the checklist form of the
 * level to sign now: a measured item's value with its unit and limit beside
 * it, a pass/fail item's result, a timed item's start and reading times.
 * A refusal naming an item is shown beside that item; so is each reason of
 * a level that failed. */
'use strict';
kefu.strings({
  'zh-CN': {
    'inspection.title': '质检检查表', 'inspection.heading': '派工单 {id} 的质检', 'inspection.bad_id': '“{arg}”不是派工单号',
    'inspection.ticket': '工单', 'inspection.plan': '质检方案', 'inspection.status': '状态',
    'inspection.technician': '技师', 'inspection.done_at': '完工时间', 'inspection.rework_of': '返工自派工单',
    'inspection.levels': '各级检验', 'inspection.level': '级别', 'inspection.role': '签署角色',
    'inspection.signed': '签署', 'inspection.readings': '读数', 'inspection.sign_level': '签署“{level}”',
    'inspection.item': '检查项', 'inspection.value': '{item} 测量值', 'inspection.result': '{item} 结果',
    'inspection.started': '{item} 开始时间', 'inspection.read': '{item} 读取时间', 'inspection.limit': '限值：{limit}',
    'inspection.unit': '单位：{unit}', 'inspection.pass': '合格', 'inspection.fail': '不合格',
    'inspection.sign': '签署', 'inspection.signed_ok': '已签署“{level}”：{status}',
    'inspection.failed_level': '“{level}”不合格：见各项旁的原因', 'inspection.nothing': '没有待签的级别',
    'inspection.refused': '未签署：{message}', 'inspection.refused_item': '未签署：见“{item}”旁的说明',
    'inspection.st.open': '检验中', 'inspection.st.passed': '合格', 'inspection.st.failed': '不合格',
    'inspection.ls.waiting': '等待', 'inspection.ls.pending': '待签', 'inspection.ls.passed': '合格',
    'inspection.ls.failed': '不合格', 'inspection.ls.carried': '沿用',
  },
  en: {
    'inspection.title': 'Inspection checklist', 'inspection.heading': 'Inspection of work order {id}',
    'inspection.bad_id': '"{arg}" is not a work order number',
    'inspection.ticket': 'Ticket', 'inspection.plan': 'Plan', 'inspection.status': 'Status',
    'inspection.technician': 'Technician', 'inspection.done_at': 'Work done', 'inspection.rework_of': 'Rework of',
    'inspection.levels': 'Levels', 'inspection.level': 'Level', 'inspection.role': 'Signed by role',
    'inspection.signed': 'Signed', 'inspection.readings': 'Readings', 'inspection.sign_level': 'Sign "{level}"',
    'inspection.item': 'Item', 'inspection.value': '{item} measured value', 'inspection.result': '{item} result',
    'inspection.started': '{item} started at', 'inspection.read': '{item} read at', 'inspection.limit': 'Limit: {limit}',
    'inspection.unit': 'Unit: {unit}', 'inspection.pass': 'pass', 'inspection.fail': 'fail',
    'inspection.sign': 'Sign', 'inspection.signed_ok': 'Signed "{level}": {status}',
    'inspection.failed_level': '"{level}" failed: see the reason beside each item',
    'inspection.nothing': 'No level waits for a signature', 'inspection.refused': 'Not signed: {message}',
    'inspection.refused_item': 'Not signed: see beside "{item}"',
    'inspection.st.open': 'open', 'inspection.st.passed': 'passed', 'inspection.st.failed': 'failed',
    'inspection.ls.waiting': 'waiting', 'inspection.ls.pending': 'to sign', 'inspection.ls.passed': 'passed',
    'inspection.ls.failed': 'failed', 'inspection.ls.carried': 'carried',
  },
});

(() => {
  const { el, t } = kefu;
  const ITEM_NAME = /item "([A-Za-z0-9_-]+)"/;
  const ITEM_INDEX = /^body\.items\[(\d+)\]/;

  function reading(r) {
    let s = r.item + ': ';
    if (r.value !== undefined) s += `${r.value} ${r.unit || ''}`.trim() + ' · ';
    return s + t('inspection.' + r.result);
  }

  function levelsTable(record) {
    return el('table', { id: 'inspection-levels' }, el('thead', {}, el('tr', {},
      ['inspection.level', 'inspection.role', 'inspection.status', 'inspection.signed', 'inspection.readings']
        .map((k) => el('th', { scope: 'col' }, t(k))))),
    el('tbody', {}, record.levels.map((l) => el('tr', { 'data-level': l.level, 'data-status': l.status },
      el('td', {}, l.level), el('td', {}, l.role), el('td', {}, t('inspection.ls.' + l.status)),
      el('td', {}, l.signed_by ? `${l.signed_by} · ${kefu.fmt.time(l.signed_at)}` : ''),
      el('td', {}, (l.items || []).map((r) => el('div', {}, reading(r))),
        (l.failed_items || []).map((f) => el('div', { class: 'error' }, `${f.item}: ${f.reason}`)))))));
  }

  /* An RFC 3339 instant from a datetime-local input (the browser's zone). */
  function instant(v) {
    const d = new Date(v);
    return Number.isNaN(d.getTime()) ? null : d.toISOString();
  }

  /* The form of the level to sign: one row per checklist item. */
  function signForm(wo, level, after) {
    const rows = level.checklist.map((c) => {
      const msg = el('p', { class: 'item-message error', role: 'alert', id: `msg-${c.item}`, 'data-item': c.item });
      const inputs = {};
      const fields = [];
      const describedBy = msg.id;
      if (c.unit) {
        inputs.value = el('input', { type: 'number', step: 'any', inputmode: 'decimal', required: true,
          name: c.item, id: `item-${c.item}`, 'aria-describedby': `lim-${c.item} ${describedBy}` });
        fields.push(el('div', { class: 'field measured' },
          el('label', { for: inputs.value.id }, t('inspection.value', { item: c.item })),
          el('span', { class: 'with-unit' }, inputs.value, el('span', { class: 'unit' }, c.unit)),
          el('span', { class: 'limit', id: `lim-${c.item}` }, t('inspection.limit', { limit: c.limit }))));
      } else {
        inputs.result = el('select', { name: c.item, id: `item-${c.item}`, 'aria-describedby': describedBy },
          el('option', { value: 'pass' }, t('inspection.pass')), el('option', { value: 'fail' }, t('inspection.fail')));
        fields.push(el('div', { class: 'field' },
          el('label', { for: inputs.result.id }, t('inspection.result', { item: c.item })), inputs.result,
          c.timed ? el('span', { class: 'limit' }, t('inspection.limit', { limit: c.limit })) : null));
      }
      if (c.timed) {
        inputs.started = el('input', { type: 'datetime-local', step: 1, required: true, id: `item-${c.item}-started` });
        inputs.read = el('input', { type: 'datetime-local', step: 1, required: true, id: `item-${c.item}-read` });
        fields.push(el('div', { class: 'field' },
          el('label', { for: inputs.started.id }, t('inspection.started', { item: c.item })), inputs.started),
        el('div', { class: 'field' }, el('label', { for: inputs.read.id }, t('inspection.read', { item: c.item })),
          inputs.read));
      }
      const box = el('div', { class: 'check-item', 'data-item': c.item }, el('h3', {}, c.item), fields, msg);
      return { c, inputs, msg, box };
    });
    const error = el('p', { class: 'error', role: 'alert', id: 'inspection-error' });
    const button = el('button', { type: 'submit' }, t('inspection.sign'));
    const form = el('form', { class: 'panel', id: 'inspection-form', 'data-level': level.level, novalidate: true },
      el('h2', {}, t('inspection.sign_level', { level: level.level })), rows.map((r) => r.box), error, button);
    const clear = () => {
      error.textContent = '';
      for (const r of rows) { r.msg.textContent = ''; r.box.classList.remove('bad'); }
    };
    const mark = (item, text) => {
      const r = rows.find((x) => x.c.item === item);
      if (!r) return false;
      r.msg.textContent = text;
      r.box.classList.add('bad');
      return true;
    };
    let key = null;     // the same signature retried keeps its Idempotency-Key
    form.addEventListener('input', () => { key = null; });
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clear();
      const items = [];
      for (const { c, inputs } of rows) {
        const it = { item: c.item };
        if (inputs.value) {
          const v = inputs.value.value.trim() === '' ? NaN : Number(inputs.value.value);
          if (!Number.isFinite(v)) {
            mark(c.item, t('inspection.value', { item: c.item }) + ' ?');
            inputs.value.focus();
            return;
          }
          it.value = v;
          it.unit = c.unit;
        } else {
          it.result = inputs.result.value;
        }
        if (inputs.started) {
          it.started_at = instant(inputs.started.value);
          it.read_at = instant(inputs.read.value);
          if (!it.started_at || !it.read_at) { mark(c.item, t('inspection.started', { item: c.item }) + ' ?'); return; }
        }
        items.push(it);
      }
      key = key || kefu.uuid();
      button.disabled = true;
      try {
        const record = (await kefu.api('POST', `/api/v1/work-orders/${wo}/inspection/sign`,
          { body: { level: level.level, items }, key })).body;
        key = null;
        const signed = record.levels.find((l) => l.level === level.level);
        if (signed && signed.status === 'failed') {
          for (const f of signed.failed_items || []) mark(f.item, f.reason);
          error.textContent = t('inspection.failed_level', { level: level.level });
          form.dataset.result = 'failed';
          button.remove();
          for (const r of rows) for (const i of Object.values(r.inputs)) i.disabled = true;
          after(record, false);
        } else {
          kefu.say(t('inspection.signed_ok', { level: level.level,
            status: t('inspection.ls.' + (signed ? signed.status : 'passed')) }));
          after(record, true);
        }
      } catch (e) {
        button.disabled = false;
        if (!(e instanceof kefu.ApiError)) { error.textContent = String(e); return; }
        if (e.status < 500) key = null;
        /* "body.items[1]: item "tyre_pressure": -5 bar is outside …": beside the item it names */
        const named = ITEM_NAME.exec(e.message);
        const index = ITEM_INDEX.exec(e.message);
        const item = named ? named[1] : index && items[Number(index[1])] ? items[Number(index[1])].item : null;
        form.dataset.result = 'refused';
        const beside = item && mark(item, e.message.replace(ITEM_INDEX, '').replace(/^:\s*/, ''));
        error.textContent = beside ? t('inspection.refused_item', { item })
          : t('inspection.refused', { message: e.message });
      }
    });
    return form;
  }

  kefu.page('inspection', {
    title: 'inspection.title',
    async render(main, arg) {
      if (!/^[1-9][0-9]{0,15}$/.test(arg)) {
        main.append(el('p', { class: 'error' }, t('inspection.bad_id', { arg })));
        return;
      }
      const wo = Number(arg);
      const head = el('div', { id: 'inspection-head' });
      const levels = el('section', { id: 'inspection-levels-box' });
      const signing = el('div', { id: 'inspection-sign' });
      main.append(el('h1', {}, t('inspection.heading', { id: wo })), head, levels, signing);
      function show(record, withForm) {
        const facts = [['inspection.ticket', el('a', { href: '/console/ticket/' + record.ticket_id,
          onclick: (ev) => { ev.preventDefault(); kefu.go('/console/ticket/' + record.ticket_id); } },
        String(record.ticket_id))], ['inspection.plan', record.plan],
        ['inspection.status', t('inspection.st.' + record.status)], ['inspection.technician', record.technician_id],
        ['inspection.done_at', kefu.fmt.time(record.done_at)]];
        if (record.rework_of) facts.push(['inspection.rework_of', String(record.rework_of)]);
        head.replaceChildren(el('dl', { class: 'facts', 'data-status': record.status },
          facts.flatMap(([k, v]) => [el('dt', {}, t(k)), el('dd', {}, v)])));
        levels.replaceChildren(el('h2', {}, t('inspection.levels')), levelsTable(record));
        if (!withForm) return;
        const next = record.status === 'open' ? record.levels.find((l) => l.status === 'pending') : null;
        signing.replaceChildren(next ? signForm(wo, next, (r, passed) => show(r, passed))
          : el('p', { class: 'hint' }, t('inspection.nothing')));
      }
      show((await kefu.api('GET', `/api/v1/work-orders/${wo}/inspection`)).body, true);
      /* another signer's level changes the record: read it again, keeping a form being filled in */
      kefu.live(['inspection'], async () => {
        try {
          const record = (await kefu.api('GET', `/api/v1/work-orders/${wo}/inspection`)).body;
          const form = signing.querySelector('form');
          const pending = record.levels.find((l) => l.status === 'pending');
          const same = form && !form.dataset.result && pending && form.dataset.level === pending.level;
          show(record, !same && !(form && form.dataset.result === 'failed'));
        } catch (e) {
          kefu.say(e instanceof kefu.ApiError ? `${e.code}: ${e.message}` : String(e));
        }
      });
    },
  });
})();

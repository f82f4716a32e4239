/* New ticket (docs/console.md "New ticket"): channel, kind, the customer
 * found by phone or name (POST /api/v1/customers/search, so no number is in
 * a URL) or a new one's details, product and description; POST
 * /api/v1/tickets with one Idempotency-Key per form, so a retry after a lost
 * answer makes no second ticket. A refusal shows next to the field it names.
 * ?pop=<id> fills the form from a screen pop. */
'use strict';
kefu.strings({
  'zh-CN': {
    'new.title': '新建工单', 'new.channel': '渠道', 'new.kind': '类型', 'new.priority': '优先级',
    'new.customer': '客户', 'new.known': '老客户', 'new.new': '新客户', 'new.search': '电话或姓名',
    'new.search_go': '查找', 'new.search_hint': '输入电话号码或姓名，按回车查找', 'new.found_none': '没有找到客户',
    'new.pick': '选择', 'new.pick_label': '选择客户 {name}（{id}）', 'new.picked': '已选择：{name}（{id}）',
    'new.pick_first': '请先查找并选择一位客户', 'new.name': '姓名', 'new.phone': '电话', 'new.address': '地址',
    'new.region': '区域代码', 'new.region_hint': '如 SH', 'new.product': '产品型号', 'new.product_hint': '可不填',
    'new.serial': '序列号', 'new.description': '问题描述', 'new.submit': '提交工单', 'new.sending': '正在提交…',
    'new.from_pop': '来电 {phone}', 'new.pop_gone': '来电弹屏已过期，请手动查找客户',
    'new.col.id': '客户编号', 'new.col.name': '姓名', 'new.col.phone': '电话', 'new.col.address': '地址',
    'new.col.branch': '服务站', 'new.col.class': '等级',
  },
  en: {
    'new.title': 'New ticket', 'new.channel': 'Channel', 'new.kind': 'Kind', 'new.priority': 'Priority',
    'new.customer': 'Customer', 'new.known': 'Known customer', 'new.new': 'New customer', 'new.search': 'Phone or name',
    'new.search_go': 'Find', 'new.search_hint': 'Type a phone number or a name and press Enter',
    'new.found_none': 'No customer found', 'new.pick': 'Choose', 'new.pick_label': 'Choose customer {name} ({id})',
    'new.picked': 'Chosen: {name} ({id})', 'new.pick_first': 'Find and choose a customer first', 'new.name': 'Name',
    'new.phone': 'Phone', 'new.address': 'Address', 'new.region': 'Region code', 'new.region_hint': 'e.g. SH',
    'new.product': 'Product model', 'new.product_hint': 'optional', 'new.serial': 'Serial number',
    'new.description': 'Description', 'new.submit': 'Submit ticket', 'new.sending': 'Submitting…',
    'new.from_pop': 'Call from {phone}', 'new.pop_gone': 'The screen pop has expired; find the customer by hand',
    'new.col.id': 'Customer', 'new.col.name': 'Name', 'new.col.phone': 'Phone', 'new.col.address': 'Address',
    'new.col.branch': 'Branch', 'new.col.class': 'Class',
  },
});

(() => {
  const { el, t } = kefu;
  const CHANNELS = ['hotline', 'web', 'chat', 'email', 'walk_in', 'dealer'];
  const KINDS = ['repair', 'installation', 'consultation', 'complaint', 'return', 'suggestion'];
  const PRIORITIES = ['normal', 'low', 'high', 'urgent'];

  function choice(name, values, prefix) {
    return el('select', { name }, values.map((v) => el('option', { value: v }, t(prefix + v))));
  }
  /* "body.customer.phone: …" → "customer.phone"; null when the message names no field. */
  function fieldOf(message) {
    const m = /^body\.([A-Za-z_.]+):/.exec(message || '');
    return m ? m[1] : null;
  }

  kefu.page('new', {
    title: 'new.title',
    nav: true,
    roles: ['agent', 'team_lead', 'service_advisor', 'department_head', 'centre_director'],
    async render(main, arg, params) {
      const key = kefu.uuid();   // one per form: a retry resends it and gets the same ticket
      const channel = choice('channel', CHANNELS, 'channel.');
      const kind = choice('kind', KINDS, 'kind.');
      const priority = choice('priority', PRIORITIES, 'priority.');
      const known = el('input', { type: 'radio', name: 'who', value: 'known', id: 'new-known', checked: true });
      const fresh = el('input', { type: 'radio', name: 'who', value: 'new', id: 'new-new' });
      const search = el('input', { name: 'search', type: 'search', maxlength: 64, autocomplete: 'off',
                                   'aria-describedby': 'new-search-hint' });
      const results = el('div', { id: 'new-results', 'aria-live': 'polite' });
      const picked = el('p', { id: 'new-picked', class: 'picked' });
      const name = el('input', { name: 'name', maxlength: 64, autocomplete: 'off' });
      const phone = el('input', { name: 'phone', type: 'tel', maxlength: 21, autocomplete: 'off' });
      const address = el('input', { name: 'address', maxlength: 200, autocomplete: 'off' });
      const region = el('input', { name: 'region', maxlength: 32, autocomplete: 'off' });
      const product = el('input', { name: 'product', maxlength: 32, autocomplete: 'off' });
      const serial = el('input', { name: 'serial', maxlength: 64, autocomplete: 'off' });
      const description = el('textarea', { name: 'description', rows: 4, maxlength: 2000, required: true });
      const submit = el('button', { type: 'submit', id: 'new-submit' }, t('new.submit'));
      const formError = el('p', { class: 'error', role: 'alert', id: 'new-error' });
      let customer = null;   // the chosen known customer {id, name}

      /* Each field's own error line, found by the request's field name. */
      const errors = {};
      let errorSeq = 0;
      /* The field's error line, read out with the field (aria-describedby). */
      function withError(path, node) {
        const line = el('p', { class: 'error field-error', role: 'alert', 'data-error-for': path,
                               id: 'new-error-' + (++errorSeq) });
        errors[path] = line;
        node.append(line);
        const input = node.querySelector('input:not([type=radio]), select, textarea');
        if (input && !input.hasAttribute('aria-describedby')) input.setAttribute('aria-describedby', line.id);
        return node;
      }
      function clearErrors() {
        for (const e of Object.values(errors)) e.textContent = '';
        for (const i of form.querySelectorAll('[aria-invalid]')) i.removeAttribute('aria-invalid');
        formError.textContent = '';
      }
      function showError(err) {
        const path = fieldOf(err.message);
        // the most specific field shown: customer.phone, else customer, else the form
        let target = null;
        for (let p = path; p && !target; p = p.includes('.') ? p.slice(0, p.lastIndexOf('.')) : null) target = errors[p];
        (target || formError).textContent = err.message;
        const input = target && target.parentNode.querySelector('input:not([type=radio]), select, textarea');
        if (input && !input.closest('[hidden]')) {
          input.setAttribute('aria-invalid', 'true');
          input.focus();
        }
      }

      const searchBlock = el('div', { id: 'new-search-block' },
        el('div', { class: 'inline' },
          kefu.field('new.search', search),
          el('button', { type: 'button', class: 'secondary', id: 'new-find', onclick: () => find() }, t('new.search_go'))),
        el('div', { class: 'hint', id: 'new-search-hint' }, t('new.search_hint')), results, picked);
      withError('search', searchBlock);
      const newBlock = el('div', { id: 'new-customer', hidden: true },
        withError('customer.name', kefu.field('new.name', name)),
        withError('customer.phone', kefu.field('new.phone', phone)),
        withError('customer.address', kefu.field('new.address', address)),
        withError('customer.region', kefu.field('new.region', region, t('new.region_hint'))));
      const who = el('fieldset', { id: 'new-who' }, el('legend', {}, t('new.customer')),
        el('div', { class: 'radios' }, el('label', { for: known.id }, known, ' ', t('new.known')),
           el('label', { for: fresh.id }, fresh, ' ', t('new.new'))),
        searchBlock, newBlock);
      withError('customer', who);
      function mode() {
        const isNew = fresh.checked;
        searchBlock.hidden = isNew;
        newBlock.hidden = !isNew;
        for (const i of [name, phone, address, region]) i.required = isNew;
      }
      known.addEventListener('change', mode);
      fresh.addEventListener('change', mode);

      function pick(c) {
        customer = { id: c.id, name: c.name };
        picked.textContent = t('new.picked', { name: c.name, id: c.id });
        picked.dataset.customer = c.id;
        errors.customer.textContent = '';
      }
      async function find() {
        clearErrors();
        const q = search.value.trim();
        if (!q) { errors.search.textContent = t('new.search_hint'); search.focus(); return; }
        // digits, spaces, dashes and a leading + are a phone number; anything else a name
        const body = /^\+?[0-9][0-9 -]*$/.test(q) ? { phone: q, limit: 10 } : { name: q, limit: 10 };
        try {
          const r = await kefu.api('POST', '/api/v1/customers/search', { body });
          const found = r.body.customers;
          results.replaceChildren(found.length ? el('table', { class: 'found' },
            el('thead', {}, el('tr', {}, ['id', 'name', 'phone', 'address', 'branch', 'class', null].map(
              (c) => el('th', { scope: 'col' }, c ? t('new.col.' + c) : '')))),
            el('tbody', {}, found.map((c) => el('tr', { 'data-customer': c.id },
              el('td', {}, c.id), el('td', {}, c.name), el('td', {}, c.phone || ''), el('td', {}, c.address || ''),
              el('td', {}, c.branch || ''), el('td', {}, c.class),
              el('td', {}, el('button', { type: 'button', class: 'secondary pick', 'data-customer': c.id,
                                          'aria-label': t('new.pick_label', { name: c.name, id: c.id }),
                                          onclick: () => pick(c) }, t('new.pick')))))))
            : el('p', { class: 'empty' }, t('new.found_none')));
          if (found.length === 1) pick(found[0]);
          const first = results.querySelector('button.pick');
          if (first) first.focus();
        } catch (err) {
          const path = fieldOf(err.message);
          errors.search.textContent = err.message;
          if (path === null && err.status === 0) errors.search.textContent = t('core.offline');
        }
      }
      search.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); find(); } });

      const form = el('form', { class: 'panel', id: 'new-form' },
        el('h1', {}, t('new.title')),
        el('div', { class: 'row3' }, withError('channel', kefu.field('new.channel', channel)),
           withError('kind', kefu.field('new.kind', kind)), withError('priority', kefu.field('new.priority', priority))),
        who,
        el('div', { class: 'row3' },
          withError('product.code', kefu.field('new.product', product, t('new.product_hint'))),
          withError('product.serial', kefu.field('new.serial', serial, t('new.product_hint')))),
        withError('description', kefu.field('new.description', description)),
        formError, submit);
      errors.product = errors['product.code'];

      form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        clearErrors();
        const body = { channel: channel.value, kind: kind.value, priority: priority.value,
                       description: description.value };
        if (fresh.checked) {
          body.customer = { name: name.value.trim(), phone: phone.value.trim(), address: address.value.trim(),
                            region: region.value.trim() };
        } else if (customer) {
          body.customer = { id: customer.id };
        } else {
          errors.customer.textContent = t('new.pick_first');
          search.focus();
          return;
        }
        if (product.value.trim()) {
          body.product = { code: product.value.trim() };
          if (serial.value.trim()) body.product.serial = serial.value.trim();
        }
        submit.disabled = true;
        submit.textContent = t('new.sending');
        try {
          const r = await kefu.api('POST', '/api/v1/tickets', { body, key });
          kefu.go('/console/ticket/' + r.body.ticket_id);
        } catch (err) {
          submit.disabled = false;
          submit.textContent = t('new.submit');
          showError(err);
        }
      });

      main.append(form);
      mode();
      const pop = params.get('pop');
      if (pop) await fillFromPop(pop);
      else search.focus();

      /* The screen pop's customer, or for an unknown number the new
       * customer's phone; the number comes from the API, never the URL. */
      async function fillFromPop(id) {
        try {
          const r = await kefu.api('GET', '/api/v1/screen-pops/' + encodeURIComponent(id));
          const p = r.body;
          form.insertBefore(el('p', { class: 'hint', id: 'new-pop' }, t('new.from_pop', { phone: p.phone_masked })), who);
          if (p.customer) {
            pick(p.customer);
            kind.focus();
          } else {
            fresh.checked = true;
            mode();
            if (p.phone) phone.value = p.phone;
            name.focus();
          }
        } catch (err) {
          formError.textContent = err.status === 404 ? t('new.pop_gone') : err.message;
          search.focus();
        }
      }
    },
  });
})();

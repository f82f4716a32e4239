/* The SLA wallboard (docs/console.md "SLA wallboard"): per branch the open
 * tickets green / yellow / red, the worst clocks first, the escalations not
 * yet acknowledged and today's compliance, from sla.board. It reads the
 * board again on every change of a ticket, clock or escalation (the changes
 * feed), at most two reads at once however many changes arrive together, and
 * never reloads the page. /console/wall?big=1 is the large-screen mode for a wall. */
'use strict';
kefu.strings({
  'zh-CN': {
    'wall.title': 'SLA 看板', 'wall.updated': '数据时间 {at}', 'wall.big': '大屏模式', 'wall.small': '退出大屏',
    'wall.branches': '各服务站在办工单', 'wall.branch': '服务站', 'wall.green': '正常', 'wall.yellow': '预警',
    'wall.red': '超时', 'wall.no_branches': '没有在办工单',
    'wall.worst': '最紧急的时钟', 'wall.ticket': '工单', 'wall.clock': '时钟', 'wall.level': '升级级别',
    'wall.left': '剩余 / 超时', 'wall.minutes_left': '剩余 {n} 分钟', 'wall.minutes_over': '超时 {n} 分钟',
    'wall.no_tickets': '没有预警或超时的工单',
    'wall.escalations': '未确认的升级', 'wall.at': '升级时间', 'wall.ack': '确认', 'wall.ack_label': '确认工单 {ticket} 的升级',
    'wall.acked': '已确认工单 {ticket} 的升级', 'wall.no_escalations': '没有未确认的升级',
    'wall.today': '今日达标率', 'wall.met': '达标', 'wall.breached': '超时', 'wall.rate': '达标率',
    'wall.no_today': '今天还没有结束的时钟', 'wall.none': '—',
  },
  en: {
    'wall.title': 'SLA wallboard', 'wall.updated': 'As of {at}', 'wall.big': 'Large screen', 'wall.small': 'Leave large screen',
    'wall.branches': 'Open tickets per branch', 'wall.branch': 'Branch', 'wall.green': 'Green', 'wall.yellow': 'Yellow',
    'wall.red': 'Red', 'wall.no_branches': 'No open tickets',
    'wall.worst': 'Worst clocks', 'wall.ticket': 'Ticket', 'wall.clock': 'Clock', 'wall.level': 'Escalated to',
    'wall.left': 'Left / overdue', 'wall.minutes_left': '{n} min left', 'wall.minutes_over': '{n} min overdue',
    'wall.no_tickets': 'No ticket is at risk or overdue',
    'wall.escalations': 'Escalations not acknowledged', 'wall.at': 'Raised', 'wall.ack': 'Acknowledge',
    'wall.ack_label': 'Acknowledge the escalation of ticket {ticket}', 'wall.acked': 'Escalation of ticket {ticket} acknowledged',
    'wall.no_escalations': 'No escalation waits for acknowledgement',
    'wall.today': "Today's compliance", 'wall.met': 'Met', 'wall.breached': 'Breached', 'wall.rate': 'Met %',
    'wall.no_today': 'No clock has ended today yet', 'wall.none': '—',
  },
});

(() => {
  const { el, t } = kefu;
  const COLOURS = ['red', 'yellow', 'green'];

  const known = (prefix, code) => kefu.word(prefix, code, t('wall.none'));
  function ticketLink(id) {
    return el('a', { href: '/console/ticket/' + id, onclick: (ev) => { ev.preventDefault(); kefu.go('/console/ticket/' + id); } },
              '#' + id);
  }
  function table(id, heads, rows, emptyKey) {
    if (!rows.length) return el('p', { id, class: 'empty' }, t(emptyKey));
    return el('table', { id },
      el('thead', {}, el('tr', {}, heads.map(([key, cls]) => el('th', { scope: 'col', class: cls }, t(key))))),
      el('tbody', {}, rows));
  }
  function minutesText(n) {
    return n < 0 ? t('wall.minutes_over', { n: -n }) : t('wall.minutes_left', { n });
  }
  /* met / (met + breached) as a whole per cent, or — when no clock ended. */
  function rate(met, breached) {
    return met + breached ? Math.round((100 * met) / (met + breached)) + '%' : t('wall.none');
  }

  function branchesPart(board) {
    const rows = board.branches.map((b) => el('tr', { 'data-branch': b.branch },
      el('th', { scope: 'row' }, b.branch),
      COLOURS.map((c) => el('td', { class: 'num count', 'data-colour': c },
        el('span', { class: 'chip ' + c }, t('wall.' + c)), ' ', el('span', { class: 'n' }, String(b[c]))))));
    return el('section', { 'aria-labelledby': 'wall-branches-h' },
      el('h2', { id: 'wall-branches-h' }, t('wall.branches')),
      table('wall-branches', [['wall.branch'], ['wall.red', 'num'], ['wall.yellow', 'num'], ['wall.green', 'num']],
            rows, 'wall.no_branches'));
  }
  function ticketsPart(board) {
    const rows = board.tickets.map((tk) => el('tr', { 'data-ticket': tk.ticket_id, 'data-colour': tk.colour,
                                                    'data-clock': tk.clock, class: 'row-' + tk.colour },
      el('td', {}, el('span', { class: 'chip ' + tk.colour }, t('wall.' + tk.colour))),
      el('td', {}, ticketLink(tk.ticket_id)), el('td', {}, tk.branch), el('td', {}, known('clock.', tk.clock)),
      el('td', {}, known('level.', tk.level)), el('td', { class: 'num minutes' }, minutesText(tk.minutes_left))));
    return el('section', { 'aria-labelledby': 'wall-tickets-h' },
      el('h2', { id: 'wall-tickets-h' }, t('wall.worst')),
      table('wall-tickets', [[''], ['wall.ticket'], ['wall.branch'], ['wall.clock'], ['wall.level'], ['wall.left', 'num']],
            rows, 'wall.no_tickets'));
  }
  function escalationsPart(board, acknowledge) {
    const rows = (board.escalations || []).map((e) => el('tr', { 'data-escalation': e.escalation_id, 'data-ticket': e.ticket_id },
      el('td', {}, ticketLink(e.ticket_id)), el('td', {}, e.branch), el('td', {}, known('clock.', e.clock)),
      el('td', {}, known('level.', e.level)), el('td', {}, kefu.fmt.time(e.at)),
      el('td', {}, el('button', { type: 'button', class: 'ack', 'data-escalation': e.escalation_id,
                                  'aria-label': t('wall.ack_label', { ticket: e.ticket_id }),
                                  onclick: (ev) => acknowledge(e, ev.currentTarget) }, t('wall.ack')))));
    return el('section', { 'aria-labelledby': 'wall-escalations-h' },
      el('h2', { id: 'wall-escalations-h' }, t('wall.escalations')),
      table('wall-escalations', [['wall.ticket'], ['wall.branch'], ['wall.clock'], ['wall.level'], ['wall.at'], ['']],
            rows, 'wall.no_escalations'));
  }
  function todayPart(board) {
    const rows = (board.today || []).map((d) => el('tr', { 'data-branch': d.branch },
      el('th', { scope: 'row' }, d.branch), el('td', { class: 'num met' }, String(d.met)),
      el('td', { class: 'num breached' }, String(d.breached)), el('td', { class: 'num rate' }, rate(d.met, d.breached))));
    return el('section', { 'aria-labelledby': 'wall-today-h' },
      el('h2', { id: 'wall-today-h' }, t('wall.today')),
      table('wall-today', [['wall.branch'], ['wall.met', 'num'], ['wall.breached', 'num'], ['wall.rate', 'num']],
            rows, 'wall.no_today'));
  }

  kefu.page('wall', {
    title: 'wall.title',
    nav: true,
    roles: ['agent', 'technician', 'team_lead', 'qc_inspector', 'service_advisor', 'department_head', 'centre_director',
            'general_manager', 'regional_manager', 'head_office', 'finance', 'operator'],
    async render(main, arg, params) {
      const big = params.get('big') === '1';
      document.body.classList.toggle('big', big);
      kefu.onLeave(() => document.body.classList.remove('big'));
      const toggle = el('button', { type: 'button', id: 'wall-size', class: 'secondary', 'aria-pressed': String(big),
                                    onclick: () => kefu.go(big ? '/console/wall' : '/console/wall?big=1') },
                        t(big ? 'wall.small' : 'wall.big'));
      const stamp = el('span', { id: 'wall-at', class: 'hint' });
      const body = el('div', { id: 'wall-body', class: 'wall-grid' });
      main.append(el('div', { id: 'wall', 'data-big': big ? '1' : '0' },
        el('div', { class: 'wall-head' }, el('h1', {}, t('wall.title')), stamp, toggle), body));
      if (big) {
        // Esc leaves the large screen, as the bar with its links is hidden there.
        const onKey = (ev) => { if (ev.key === 'Escape') kefu.go('/console/wall'); };
        document.addEventListener('keydown', onKey);
        kefu.onLeave(() => document.removeEventListener('keydown', onKey));
      }

      const ackKeys = new Map();   // escalation id → its Idempotency-Key, kept for a retry
      let left = false;
      kefu.onLeave(() => { left = true; });

      const acking = new Set();    // escalations whose acknowledgement is on its way
      async function acknowledge(e, button) {
        // not disabled (a disabled button loses the keyboard's focus): a
        // second press while the first is on its way does nothing
        if (acking.has(e.escalation_id)) return;
        acking.add(e.escalation_id);
        button.setAttribute('aria-busy', 'true');
        if (!ackKeys.has(e.escalation_id)) ackKeys.set(e.escalation_id, kefu.uuid());
        try {
          await kefu.api('POST', `/api/v1/tickets/${e.ticket_id}/events`, {
            key: ackKeys.get(e.escalation_id), body: { event: 'escalation_acknowledged', escalation_id: e.escalation_id } });
          kefu.say(t('wall.acked', { ticket: e.ticket_id }));
          refresh();
        } catch (err) {
          kefu.say(`${err.code}: ${err.message}`);
        } finally {
          acking.delete(e.escalation_id);
          button.removeAttribute('aria-busy');
        }
      }
      /* Each part is drawn again only when what it shows changed, so a row
       * and its button stay the same element while nothing about them did
       * (a click or a keyboard's place is not lost to a redraw). */
      const PARTS = [
        [(b) => b.branches, branchesPart], [(b) => b.tickets, ticketsPart],
        [(b) => b.escalations || [], (b) => escalationsPart(b, acknowledge)], [(b) => b.today || [], todayPart]];
      const shown = PARTS.map(() => ({ key: null, node: null }));
      /* Where the keyboard is in the board, as a selector that finds the
       * same link or button in a redrawn part: by its table and its row's
       * escalation or ticket. */
      function focusKey() {
        const a = document.activeElement;
        const row = a && body.contains(a) ? a.closest('tr') : null;
        const table = row && row.closest('table');
        if (!table || !table.id) return null;
        const which = row.dataset.escalation !== undefined ? `[data-escalation="${CSS.escape(row.dataset.escalation)}"]`
          : row.dataset.ticket !== undefined ? `[data-ticket="${CSS.escape(row.dataset.ticket)}"]` : null;
        return which && `#${table.id} tr${which} ${a.tagName.toLowerCase()}${a.classList.contains('ack') ? '.ack' : ''}`;
      }
      function draw(board) {
        const focused = focusKey();
        stamp.textContent = t('wall.updated', { at: kefu.fmt.time(board.at) });
        PARTS.forEach(([data, part], i) => {
          const key = JSON.stringify(data(board));
          if (key === shown[i].key) return;
          const node = part(board);
          if (shown[i].node) shown[i].node.replaceWith(node);
          else body.append(node);
          shown[i] = { key, node };
        });
        body.dataset.at = board.at;
        // A redraw took the focused element away: the same one again, or
        // after an acknowledged escalation left, the next button.
        if (focused && !body.contains(document.activeElement)) {
          const target = body.querySelector(focused)
            || (focused.includes('.ack') ? body.querySelector('button.ack') : null);
          if (target) target.focus();
        }
      }
      /* A change starts a read at once, so the newest state is never queued
       * behind an older read; but at most two reads run together, and the
       * changes that come while two run make one more read after them, however
       * many they are. Only an answer newer than the one drawn is drawn. */
      let asked = 0;
      let drawn = 0;
      let running = 0;
      let again = false;
      async function refresh() {
        if (running >= 2) { again = true; return; }
        running++;
        const mine = ++asked;
        try {
          const r = await kefu.api('GET', '/api/v1/sla/board');
          if (!left && mine > drawn) { drawn = mine; draw(r.body); }
        } catch (err) {
          if (!left) kefu.say(`${err.code}: ${err.message}`);
        } finally {
          running--;
          if (again && !left) { again = false; refresh(); }
        }
      }
      kefu.live(['ticket', 'clock', 'escalation'], refresh);
      // Minutes left change with time alone; read again each half minute too.
      const timer = setInterval(refresh, 30000);
      kefu.onLeave(() => clearInterval(timer));
      await refresh();
    },
  });
})();

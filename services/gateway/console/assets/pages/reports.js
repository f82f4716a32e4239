/* Supervisor reports (docs/console.md "Supervisor reports"): SLA compliance per branch
 * over the last weeks as a chart (one sla.report per week, drawn as SVG with
 * DOM calls), callback satisfaction and coverage over the same weeks, and the
 * SLA report as a CSV file to download. */
'use strict';
kefu.strings({
  'zh-CN': {
    'reports.title': '主管报表', 'reports.weeks': '统计周数', 'reports.show': '刷新',
    'reports.compliance': 'SLA 达标率（按周）', 'reports.chart': '各服务站每周 SLA 达标率',
    'reports.chart_desc': '横轴为每周起始日期，纵轴为达标率（达标 ÷（达标 + 超时））', 'reports.week': '周起始',
    'reports.branch': '服务站', 'reports.none': '—', 'reports.cell': '{pct}（{met}/{all}）',
    'reports.satisfaction': '回访满意度', 'reports.reached': '接通', 'reports.satisfied': '满意',
    'reports.neutral': '一般', 'reports.dissatisfied': '不满意', 'reports.rate': '满意率',
    'reports.coverage': '回访覆盖率', 'reports.finished': '完工工单', 'reports.recorded': '已回访',
    'reports.unreachable': '联系不上', 'reports.due': '待回访', 'reports.cancelled': '已取消', 'reports.missing': '遗漏',
    'reports.recorded_pct': '覆盖率', 'reports.empty': '这段时间没有数据',
    'reports.csv': '下载 SLA 报表（CSV）', 'reports.csv_ready': '已生成 {file}', 'reports.csv_link': '保存 {file}',
    'reports.period': '{from} 至 {to}', 'reports.not_allowed': '您的角色无权查看回访报表',
  },
  en: {
    'reports.title': 'Supervisor reports', 'reports.weeks': 'Weeks', 'reports.show': 'Refresh',
    'reports.compliance': 'SLA compliance per week', 'reports.chart': 'SLA compliance per branch and week',
    'reports.chart_desc': 'Across: the first day of each week; up: met ÷ (met + breached)', 'reports.week': 'Week of',
    'reports.branch': 'Branch', 'reports.none': '—', 'reports.cell': '{pct} ({met}/{all})',
    'reports.satisfaction': 'Callback satisfaction', 'reports.reached': 'Reached', 'reports.satisfied': 'Satisfied',
    'reports.neutral': 'Neutral', 'reports.dissatisfied': 'Dissatisfied', 'reports.rate': 'Satisfied %',
    'reports.coverage': 'Callback coverage', 'reports.finished': 'Finished', 'reports.recorded': 'Called back',
    'reports.unreachable': 'Unreachable', 'reports.due': 'Due', 'reports.cancelled': 'Cancelled', 'reports.missing': 'Missing',
    'reports.recorded_pct': 'Coverage %', 'reports.empty': 'Nothing in this period',
    'reports.csv': 'Download the SLA report (CSV)', 'reports.csv_ready': '{file} is ready', 'reports.csv_link': 'Save {file}',
    'reports.period': '{from} to {to}', 'reports.not_allowed': 'Your role may not see the callback reports',
  },
});

(() => {
  const { el, t } = kefu;
  const SVG = 'http://www.w3.org/2000/svg';
  const DAY = 86400000;
  const CALLBACK_ROLES = ['team_lead', 'qc_inspector', 'department_head', 'centre_director', 'general_manager',
                          'regional_manager', 'head_office'];

  /* An SVG element made with DOM calls: svg('line', {x1: 0, …}, children…). */
  function svg(tag, attrs, ...children) {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
    for (const c of children.flat()) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  /* YYYY-MM-DD of a UTC-midnight time value. */
  function ymd(ms) { return new Date(ms).toISOString().slice(0, 10); }
  function pct(met, all) { return all ? Math.round((1000 * met) / all) / 10 : null; }

  /* The Monday-to-Monday weeks ending with the one holding `at` (the
   * services' "now"), as [{from, to}] dates, oldest first. */
  function weeksUpTo(at, n) {
    const d = new Date(at);
    const day = Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
    const monday = day - ((new Date(day).getUTCDay() + 6) % 7) * DAY;
    const weeks = [];
    for (let i = n - 1; i >= 0; i--) weeks.push({ from: ymd(monday - 7 * i * DAY), to: ymd(monday - 7 * (i - 1) * DAY) });
    return weeks;
  }
  /* Per branch, per week: {met, breached} summed over the branch's clocks. */
  function compliance(weeks, reports) {
    const byBranch = new Map();
    reports.forEach((rows, w) => {
      for (const r of rows) {
        if (!byBranch.has(r.branch)) byBranch.set(r.branch, weeks.map(() => ({ met: 0, breached: 0 })));
        byBranch.get(r.branch)[w].met += r.met;
        byBranch.get(r.branch)[w].breached += r.breached;
      }
    });
    return [...byBranch.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  }

  function chart(weeks, series) {
    const W = 760, H = 280, L = 48, R = 32, T = 16, B = 36;
    const x = (i) => L + (weeks.length > 1 ? (i * (W - L - R)) / (weeks.length - 1) : (W - L - R) / 2);
    const y = (v) => T + ((100 - v) * (H - T - B)) / 100;
    const root = svg('svg', { id: 'reports-chart', viewBox: `0 0 ${W} ${H}`, role: 'img',
                              'aria-labelledby': 'reports-chart-title reports-chart-desc', class: 'chart' },
      svg('title', { id: 'reports-chart-title' }, t('reports.chart')),
      svg('desc', { id: 'reports-chart-desc' }, t('reports.chart_desc')));
    for (const v of [0, 25, 50, 75, 100]) {
      root.append(svg('line', { x1: L, x2: W - R, y1: y(v), y2: y(v), class: 'grid' }),
                  svg('text', { x: L - 6, y: y(v) + 4, class: 'axis', 'text-anchor': 'end' }, v + '%'));
    }
    weeks.forEach((w, i) => root.append(svg('text', { x: x(i), y: H - 12, class: 'axis', 'text-anchor': 'middle' },
                                            w.from.slice(5))));
    series.forEach(([branch, cells], s) => {
      const g = svg('g', { class: 'series series-' + (s % 8), 'data-branch': branch });
      let run = [];
      const flush = () => {
        if (run.length > 1) g.append(svg('polyline', { points: run.join(' '), class: 'line' }));
        run = [];
      };
      cells.forEach((c, i) => {
        const v = pct(c.met, c.met + c.breached);
        if (v === null) { flush(); return; }
        run.push(`${x(i)},${y(v)}`);
        g.append(svg('circle', { cx: x(i), cy: y(v), r: 4, class: 'dot', 'data-week': weeks[i].from, 'data-pct': v },
                     svg('title', {}, `${branch} ${weeks[i].from}: ${v}%`)));
      });
      flush();
      root.append(g);
    });
    return root;
  }
  function legend(series) {
    return el('ul', { class: 'legend', id: 'reports-legend' }, series.map(([branch], s) =>
      el('li', { 'data-branch': branch }, el('span', { class: 'swatch series-' + (s % 8), 'aria-hidden': 'true' }), branch)));
  }
  function figures(weeks, series) {
    return el('table', { id: 'reports-compliance' },
      el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, t('reports.branch')),
        weeks.map((w) => el('th', { scope: 'col', class: 'num' }, w.from.slice(5))))),
      el('tbody', {}, series.map(([branch, cells]) => el('tr', { 'data-branch': branch },
        el('th', { scope: 'row' }, branch),
        cells.map((c, i) => {
          const all = c.met + c.breached;
          const v = pct(c.met, all);
          return el('td', { class: 'num', 'data-week': weeks[i].from },
                    v === null ? t('reports.none') : t('reports.cell', { pct: v + '%', met: c.met, all }));
        })))));
  }
  function plainTable(id, columns, rows) {
    if (!rows.length) return el('p', { id, class: 'empty' }, t('reports.empty'));
    return el('table', { id },
      el('thead', {}, el('tr', {}, columns.map(([k, cls]) => el('th', { scope: 'col', class: cls }, t('reports.' + k))))),
      el('tbody', {}, rows.map((r) => el('tr', { 'data-branch': r.branch },
        columns.map(([k, cls]) => el('td', { class: cls }, k === 'rate' || k === 'recorded_pct'
          ? r[k === 'rate' ? 'rate_pct' : k] + '%' : String(r[k])))))));
  }

  kefu.page('reports', {
    title: 'reports.title',
    nav: true,
    roles: CALLBACK_ROLES.concat(['service_advisor', 'finance']),
    async render(main, arg, params) {
      const weeksIn = el('select', { name: 'weeks', id: 'reports-weeks' },
        [4, 8, 13, 26].map((n) => el('option', { value: n, selected: n === 8 }, String(n))));
      const wanted = Number(params.get('weeks'));
      if ([4, 8, 13, 26].includes(wanted)) weeksIn.value = String(wanted);
      const period = el('p', { class: 'hint', id: 'reports-period' });
      const compliancePart = el('section', { id: 'reports-sla', 'aria-labelledby': 'reports-sla-h' });
      const callbackPart = el('section', { id: 'reports-callbacks' });
      const csvButton = el('button', { type: 'button', id: 'reports-csv', class: 'secondary' }, t('reports.csv'));
      const csvOut = el('p', { id: 'reports-csv-out', 'aria-live': 'polite' });
      const form = el('form', { class: 'panel inline', id: 'reports-form' },
        kefu.field('reports.weeks', weeksIn), el('button', { type: 'submit' }, t('reports.show')), csvButton);
      main.append(el('h1', {}, t('reports.title')), form, period, csvOut, compliancePart, callbackPart);
      let range = null;

      async function load() {
        // The services' "now" (their clock may be another than this browser's).
        const now = (await kefu.api('GET', '/api/v1/sla/board')).body.at;
        const weeks = weeksUpTo(now, Number(weeksIn.value));
        range = { from: weeks[0].from, to: weeks[weeks.length - 1].to, now };
        period.textContent = t('reports.period', { from: range.from, to: ymd(Date.parse(range.to) - DAY) });
        const reports = await Promise.all(weeks.map((w) =>
          kefu.api('GET', '/api/v1/sla/report', { query: { from: w.from, to: w.to } }).then((r) => r.body.rows)));
        const series = compliance(weeks, reports);
        compliancePart.replaceChildren(el('h2', { id: 'reports-sla-h' }, t('reports.compliance')),
          chart(weeks, series), legend(series), figures(weeks, series));
        callbackPart.replaceChildren();
        if (!kefu.hasRole(...CALLBACK_ROLES)) {
          callbackPart.append(el('p', { class: 'hint' }, t('reports.not_allowed')));
          return;
        }
        const span = { from: range.from + 'T00:00:00Z', to: now };
        const [sat, cov] = await Promise.all([
          kefu.api('GET', '/api/v1/callbacks/satisfaction', { query: Object.assign({ by: 'branch' }, span) }),
          kefu.api('GET', '/api/v1/callbacks/coverage', { query: span })]);
        callbackPart.append(
          el('h2', {}, t('reports.satisfaction')),
          plainTable('reports-satisfaction', [['branch'], ['reached', 'num'], ['satisfied', 'num'], ['neutral', 'num'],
                                              ['dissatisfied', 'num'], ['rate', 'num']], sat.body.rows),
          el('h2', {}, t('reports.coverage')),
          plainTable('reports-coverage', [['branch'], ['finished', 'num'], ['recorded', 'num'], ['unreachable', 'num'],
                                          ['due', 'num'], ['cancelled', 'num'], ['missing', 'num'], ['recorded_pct', 'num']],
                     cov.body.branches));
      }
      /* The SLA report of the weeks shown, as the API's CSV, saved through a
       * Blob: the browser downloads it without another request. */
      async function download() {
        if (!range) return;
        const r = await kefu.api('GET', '/api/v1/sla/report', { query: { from: range.from, to: range.to }, accept: 'text/csv' });
        const file = `sla-report-${range.from}-${range.to}.csv`;
        const old = csvOut.querySelector('a');
        if (old) URL.revokeObjectURL(old.href);
        const a = el('a', { id: 'reports-csv-link', href: URL.createObjectURL(new Blob([r.body], { type: 'text/csv' })),
                            download: file }, t('reports.csv_link', { file }));
        csvOut.replaceChildren(t('reports.csv_ready', { file }), ' ', a);
        a.click();
      }
      kefu.onLeave(() => { const a = csvOut.querySelector('a'); if (a) URL.revokeObjectURL(a.href); });
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        load().catch((err) => kefu.say(`${err.code}: ${err.message}`));
      });
      csvButton.addEventListener('click', () => download().catch((err) => kefu.say(`${err.code}: ${err.message}`)));
      await load();
    },
  });
})();

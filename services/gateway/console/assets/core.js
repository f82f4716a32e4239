/* kefu console core: the session, API calls, strings in two languages,
 * screens and live changes. Each screen is its own file in pages/ and
 * registers itself with kefu.page(); nothing here knows a screen.
 * Text goes into the page only through textContent (kefu.el), never as
 * HTML, so no data shown can become markup. */
'use strict';

const kefu = (() => {
  const LANGS = ['zh-CN', 'en'];
  const strings = { 'zh-CN': {}, en: {} };
  const pages = {};
  let lang = null;
  let who;            // undefined: not asked yet; null: not logged in
  let leaving = [];   // what the current screen asked to run when it is left
  let source = null;  // the one EventSource of the changes feed
  let feedRetry = null; // the timer that opens it again after a refusal
  const listeners = new Set();

  /* -- strings ---------------------------------------------------------- */
  function addStrings(dict) {
    for (const l of LANGS) Object.assign(strings[l], dict[l] || {});
  }
  function t(key, vars) {
    let s = strings[lang][key];
    if (s === undefined) s = strings.en[key];
    if (s === undefined) s = key;
    if (vars) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in vars ? String(vars[k]) : m));
    return s;
  }
  function chooseLang() {
    const saved = localStorage.getItem('kefu.lang');
    if (LANGS.includes(saved)) return saved;
    for (const l of navigator.languages || [navigator.language || '']) {
      const low = String(l).toLowerCase();
      if (low.startsWith('zh')) return 'zh-CN';
      if (low.startsWith('en')) return 'en';
    }
    return 'zh-CN';
  }
  function setLang(l) {
    if (!LANGS.includes(l)) return;
    lang = l;
    localStorage.setItem('kefu.lang', l);
    document.documentElement.lang = l;
    render();
  }

  /* -- DOM -------------------------------------------------------------- */
  /* el('td', {class: 'num', onclick: fn}, 'text', child, …); null children are skipped. */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
      else if (k === 'text') e.textContent = v;
      else e.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return e;
  }
  let fieldSeq = 0;
  /* A labelled form field: field('ticket.kind', el('select', {name: 'kind'}, …)). */
  function field(labelKey, input, hint) {
    if (!input.id) input.id = 'f' + (++fieldSeq);
    return el('div', { class: 'field' }, el('label', { for: input.id }, t(labelKey)), input,
              hint ? el('div', { class: 'hint' }, hint) : null);
  }
  function say(text) { document.getElementById('status').textContent = text || ''; }

  /* -- the API ---------------------------------------------------------- */
  class ApiError extends Error {
    constructor(status, code, message) { super(message); this.status = status; this.code = code; }
  }
  function uuid() {
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }
  /* api('GET', '/api/v1/tickets', {query: {status: 'open'}}) → {status, body, headers};
   * {body} is sent as JSON, {key} as Idempotency-Key, {accept: 'text/csv'} answers text.
   * A refusal rejects with ApiError(status, code, message); 401 also shows the log-in. */
  async function api(method, path, opts = {}) {
    let url = path;
    if (opts.query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.query)) if (v !== null && v !== undefined && v !== '') q.append(k, v);
      if ([...q].length) url += '?' + q;
    }
    const headers = { Accept: opts.accept || 'application/json' };
    if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
    if (opts.key) headers['Idempotency-Key'] = opts.key;
    if (method !== 'GET' && method !== 'HEAD' && who && who.csrf) headers['X-CSRF-Token'] = who.csrf;
    let resp;
    try {
      resp = await fetch(url, { method, headers, credentials: 'same-origin',
                                body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
    } catch (e) {
      throw new ApiError(0, 'unavailable', t('core.offline'));
    }
    const type = resp.headers.get('Content-Type') || '';
    const text = resp.status === 204 ? '' : await resp.text();
    const body = type.startsWith('application/json') && text ? JSON.parse(text) : text;
    if (resp.ok) return { status: resp.status, body, headers: resp.headers };
    if (resp.status === 401 && path !== '/api/v1/session') {
      who = null;
      go('/console/login?next=' + encodeURIComponent(location.pathname + location.search));
    }
    throw new ApiError(resp.status, body && body.code || 'http_' + resp.status,
                       body && body.message || resp.statusText);
  }
  /* The logged-in person ({staff, name, roles, branches, csrf}) or null. */
  async function session(refresh) {
    if (who === undefined || refresh) {
      try { who = (await api('GET', '/api/v1/session')).body; } catch (e) { who = null; }
    }
    return who;
  }
  function setSession(s) { who = s; }
  /* A code the API answers, in words: the string prefix + code when there is
   * one, else the code itself (a deployment's own clock); none: null. */
  function word(prefix, code, none) {
    if (code === null || code === undefined) return none;
    const s = t(prefix + code);
    return s === prefix + code ? String(code) : s;
  }
  function hasRole(...roles) { return !!who && who.roles.some((r) => roles.includes(r)); }

  /* -- live changes ------------------------------------------------------ */
  /* live(['ticket', 'clock'], fn): fn(topic) on each change of those kinds
   * (GET /api/v1/changes, docs/gateway.md "Live changes"); stops when the
   * screen is left. The event names only the kind of change; the screen
   * reads what it shows again through the API. */
  function live(topics, fn) {
    const entry = { topics: new Set(topics), fn };
    listeners.add(entry);
    if (!source && !feedRetry) openFeed();
    leaving.push(() => listeners.delete(entry));
  }
  function openFeed() {
    const feed = new EventSource('/api/v1/changes');
    source = feed;
    for (const tp of ['ticket', 'clock', 'escalation', 'workorder', 'inspection', 'callback', 'settlement', 'claim'])
      feed.addEventListener(tp, () => { for (const l of listeners) if (l.topics.has(tp)) l.fn(tp); });
    // What changed before the stream was open (between a screen's first
    // read and the feed's start, or while the connection was cut and the
    // browser reconnected) was never told: every screen reads once more.
    feed.addEventListener('open', () => { for (const l of listeners) l.fn(l.topics.values().next().value); });
    // A refusal (503 when the gateway's streams are all taken, 401) ends an
    // EventSource for good: try again a while later while a screen listens.
    feed.addEventListener('error', () => {
      if (feed.readyState !== EventSource.CLOSED || source !== feed) return;
      source = null;
      feedRetry = setTimeout(() => {
        feedRetry = null;
        if (!source && listeners.size) openFeed();
      }, 5000);
    });
  }
  function onLeave(fn) { leaving.push(fn); }

  /* -- screens ------------------------------------------------------------ */
  /* page('wall', {title: 'wall.title', nav: true, roles: [...] | null, public: false,
   *               render(main, arg, params)}); arg is the path's rest (/console/ticket/7 → '7'). */
  function page(name, def) { pages[name] = Object.assign({ nav: false, roles: null, public: false }, def); }
  function go(path) { history.pushState(null, '', path); render(); }
  function defaultPage() {
    if (hasRole('qc_inspector') && pages.inspections) return 'inspections';
    return pages.wall ? 'wall' : Object.keys(pages).find((n) => pages[n].nav) || 'login';
  }
  function drawBar() {
    const nav = document.getElementById('nav');
    nav.replaceChildren();
    for (const [name, p] of Object.entries(pages)) {
      if (!p.nav || !who || (p.roles && !hasRole(...p.roles))) continue;
      nav.append(el('a', { href: '/console/' + name, 'data-page': name,
                           onclick: (ev) => { ev.preventDefault(); go('/console/' + name); } }, t(p.title)));
    }
    document.getElementById('who').textContent = who ? `${who.name} (${who.staff})` : '';
    const out = document.getElementById('logout');
    out.hidden = !who;
    out.textContent = t('core.logout');
    document.getElementById('lang-label').textContent = t('core.language');
    document.getElementById('lang').value = lang;
  }
  let renderSeq = 0;
  async function render() {
    const seq = ++renderSeq;
    for (const fn of leaving.splice(0)) fn();
    if (listeners.size === 0) {
      if (source) { source.close(); source = null; }
      if (feedRetry) { clearTimeout(feedRetry); feedRetry = null; }
    }
    say('');
    await session();
    if (seq !== renderSeq) return;
    const parts = location.pathname.replace(/^\/console\/?/, '').split('/');
    let name = parts[0] || '';
    const arg = parts.slice(1).join('/');
    if (!who && !(pages[name] && pages[name].public)) name = 'login';
    else if (!pages[name]) name = who ? defaultPage() : 'login';
    const p = pages[name];
    document.body.dataset.page = name;
    document.title = `${t(p.title)} · kefu`;
    drawBar();
    const main = document.getElementById('main');
    main.replaceChildren();
    if (p.roles && !hasRole(...p.roles)) { main.append(el('p', { class: 'error' }, t('core.not_allowed'))); return; }
    try {
      await p.render(main, arg, new URLSearchParams(location.search));
    } catch (e) {
      if (seq === renderSeq) say(e instanceof ApiError ? `${e.code}: ${e.message}` : String(e));
    }
  }

  /* -- formats ----------------------------------------------------------- */
  const fmt = {
    time: (iso) => (iso ? new Date(iso).toLocaleString(lang, { hour12: false }) : ''),
    date: (iso) => (iso ? new Date(iso).toLocaleDateString(lang) : ''),
    /* minor units (fen) and a currency: 12345, 'CNY' → "¥123.45" */
    money: (minor, currency) => new Intl.NumberFormat(lang, { style: 'currency', currency: currency || 'CNY' })
      .format(Number(minor) / 100),
  };

  addStrings({
    'zh-CN': { 'core.logout': '退出', 'core.language': '语言', 'core.offline': '无法连接服务器，请稍后重试',
               'core.not_allowed': '您的角色无权查看此页面' },
    en: { 'core.logout': 'Log out', 'core.language': 'Language', 'core.offline': 'The server cannot be reached; try again',
          'core.not_allowed': 'Your role may not see this page' },
  });

  function start() {
    lang = chooseLang();
    document.documentElement.lang = lang;
    document.getElementById('lang').addEventListener('change', (ev) => setLang(ev.target.value));
    document.getElementById('logout').addEventListener('click', async () => {
      try { await api('DELETE', '/api/v1/session'); } catch (e) { /* ended already */ }
      who = null;
      go('/console/login');
    });
    window.addEventListener('popstate', render);
    render();
  }
  document.addEventListener('DOMContentLoaded', start);

  return { t, word, strings: addStrings, lang: () => lang, setLang, el, field, say, api, ApiError, uuid, session,
           setSession, hasRole, live, onLeave, page, go, render, fmt };
})();

/* Log-in: staff id and password, once; the session cookie does the rest
 * (docs/gateway.md "Log-in and sessions"). */
'use strict';
kefu.strings({
  'zh-CN': { 'login.title': '登录', 'login.staff': '工号', 'login.password': '密码', 'login.submit': '登录',
             'login.failed': '工号或密码不正确', 'login.limited': '尝试次数过多，请 {s} 秒后再试' },
  en: { 'login.title': 'Log in', 'login.staff': 'Staff id', 'login.password': 'Password', 'login.submit': 'Log in',
        'login.failed': 'Staff id or password not recognised', 'login.limited': 'Too many attempts; try again in {s} s' },
});

kefu.page('login', {
  title: 'login.title',
  public: true,
  render(main, arg, params) {
    const { el, t } = kefu;
    const staff = el('input', { name: 'staff', autocomplete: 'username', required: true, maxlength: 64 });
    const password = el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
    const error = el('p', { class: 'error', role: 'alert', id: 'login-error' });
    const form = el('form', { class: 'panel', id: 'login-form' },
      el('h1', {}, t('login.title')),
      kefu.field('login.staff', staff), kefu.field('login.password', password), error,
      el('button', { type: 'submit' }, t('login.submit')));
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      error.textContent = '';
      try {
        const r = await kefu.api('POST', '/api/v1/session', { body: { staff: staff.value.trim(), password: password.value } });
        kefu.setSession(r.body);
        const next = params.get('next');
        kefu.go(next && next.startsWith('/console/') && !next.startsWith('/console/login') ? next : '/console/');
      } catch (e) {
        password.value = '';
        error.textContent = e.status === 429 ? t('login.limited', { s: 60 }) : t('login.failed');
      }
    });
    main.append(form);
    staff.focus();
  },
});

// The portal's shell: who is signed in, the header with navigation by role and the language
// switch, the hash router, and focus and title on every page change (issue 11).
import { html, render, useState, useEffect, useRef } from './lib.js';
import { t, lang, setLang, onLangChange } from './i18n.js';
import { get, del, setCsrf, setUnauthorizedHandler, ApiError } from './api.js';
import { addRoutes, allRoutes, currentPath, match, navigate, href } from './router.js';
import { SessionContext } from './session.js';
import { HomePage } from './pages/home.js';
import { SignInPage } from './pages/signin.js';
import { PasswordPage } from './pages/password.js';
import './messages.js';
import './pages/resident/index.js';
import './pages/officer/index.js';
import './pages/analyst/index.js';
import './pages/admin/index.js';
import './pages/certificates/index.js';
import './pages/activation/index.js';

addRoutes([
  { path: '/', component: HomePage, roles: null, title: 'app.name' },
  { path: '/signin', component: SignInPage, roles: null, title: 'signin.title' },
  // Every signed-in role changes its own password (issue 16).
  {
    path: '/password',
    component: PasswordPage,
    roles: ['resident', 'officer', 'supervisor', 'analyst', 'department', 'admin'],
    title: 'password.title',
    nav: { label: 'password.nav', order: 90 },
  },
]);

async function loadSession() {
  try {
    const s = await get('/api/v1/sessions/current', { quiet401: true });
    setCsrf(s.csrf_token);
    return s;
  } catch (err) {
    setCsrf(null);
    if (err instanceof ApiError && (err.status === 401 || err.status === 403 || err.status === 404)) return null;
    throw err;
  }
}

function Message({ title, body }) {
  return html`<h1 tabindex="-1">${title}</h1>
    <p>${body}</p>
    <p><a href=${href('/')}>${t('app.home')}</a></p>`;
}

function Header({ session, onSignOut }) {
  const path = currentPath();
  const items = allRoutes()
    .filter((r) => r.nav && (r.roles === null ? !r.nav.signedOutOnly || !session : session && r.roles.includes(session.role)))
    .sort((a, b) => (a.nav.order || 0) - (b.nav.order || 0));
  return html`<header class="site-header">
    <a class="skip" href="#main" onClick=${(e) => {
      e.preventDefault();
      const m = document.getElementById('main');
      if (m) m.focus();
    }}>${t('app.skip')}</a>
    <div class="bar">
      <a class="brand" href=${href('/')}>${t('app.name')}</a>
      <div class="bar-end">
        <button class="btn btn-link lang" type="button" lang=${lang() === 'en' ? 'zh-CN' : 'en'}
          aria-label=${t('app.lang.switch.label')}
          onClick=${() => setLang(lang() === 'en' ? 'zh-CN' : 'en')}>${t('app.lang.switch')}</button>
        ${session
          ? html`<span class="who">${t('app.signed_in_as', { name: session.name, role: t('role.' + session.role) })}</span>
              <button class="btn btn-link" type="button" onClick=${onSignOut}>${t('app.signout')}</button>`
          : html`<a class="btn btn-link" href=${href('/signin')}>${t('app.signin')}</a>`}
      </div>
    </div>
    ${items.length > 0 &&
    html`<nav aria-label=${t('app.nav')}>
      <ul>
        ${items.map((r) => {
          const target = r.nav.path || r.path;
          const here = path === target || (target !== '/' && path.startsWith(target + '/'));
          return html`<li><a href=${href(target)} aria-current=${here ? 'page' : undefined}>${t(r.nav.label)}</a></li>`;
        })}
      </ul>
    </nav>`}
  </header>`;
}

function App() {
  const [session, setSession] = useState(undefined); // undefined: not yet known
  const [path, setPath] = useState(currentPath());
  const [, setLangTick] = useState(0);
  const mainRef = useRef(null);

  const refresh = async () => {
    const s = await loadSession().catch(() => null);
    setSession(s);
    return s;
  };
  const signOut = async () => {
    try {
      await del('/api/v1/sessions/current', { quiet401: true });
    } catch (_) {
      /* already ended: signed out either way */
    }
    setCsrf(null);
    setSession(null);
    navigate('/', { replace: true });
  };

  useEffect(() => {
    refresh();
    const onHash = () => setPath(currentPath());
    window.addEventListener('hashchange', onHash);
    const off = onLangChange(() => setLangTick((n) => n + 1));
    setUnauthorizedHandler(() => {
      setCsrf(null);
      setSession(null);
      navigate('/signin?next=' + encodeURIComponent(currentPath()), { replace: true });
    });
    return () => {
      window.removeEventListener('hashchange', onHash);
      off();
    };
  }, []);

  const m = match(path);
  let page;
  let title = 'app.name';
  if (session === undefined) {
    page = html`<p class="loading" role="status">${t('common.loading')}</p>`;
  } else if (!m) {
    page = html`<${Message} title=${t('app.notfound.title')} body=${t('app.notfound.body')} />`;
    title = 'app.notfound.title';
  } else if (m.route.roles && !session) {
    navigate('/signin?next=' + encodeURIComponent(path), { replace: true });
    page = null;
  } else if (m.route.roles && !m.route.roles.includes(session.role)) {
    page = html`<${Message} title=${t('app.forbidden.title')} body=${t('app.forbidden.body')} />`;
    title = 'app.forbidden.title';
  } else {
    const Page = m.route.component;
    page = html`<${Page} ...${m.params} key=${path} />`;
    title = m.route.title || 'app.name';
  }

  // A new page: its title, and focus to its heading so a screen reader announces it.
  useEffect(() => {
    const name = t('app.name');
    document.title = title === 'app.name' ? name : `${t(title)} · ${name}`;
    if (session === undefined) return;
    const h1 = mainRef.current && mainRef.current.querySelector('h1');
    if (h1 && document.activeElement !== h1 && path !== '/') h1.focus({ preventScroll: false });
  }, [path, title, session, lang()]);

  return html`<${SessionContext.Provider} value=${{ session, refresh, signOut }}>
    <${Header} session=${session} onSignOut=${signOut} />
    <main id="main" tabindex="-1" ref=${mainRef}>${page}</main>
    <footer class="site-footer"><p>${t('app.footer')}</p></footer>
  <//>`;
}

render(html`<${App} />`, document.getElementById('app'));

// Signing in: the session lives in an HttpOnly cookie set by POST /api/v1/sessions with
// "cookie": true; the page gets the CSRF token back and never sees the session token.
import { html } from '../lib.js';
import { t } from '../i18n.js';
import { post, ApiError } from '../api.js';
import { navigate, currentQuery } from '../router.js';
import { useSession, ROLE_HOME } from '../session.js';
import { useForm, TextInput, Button, ErrorBanner, Alert } from '../ui.js';

export function SignInPage() {
  const { refresh } = useSession();
  const form = useForm({ name: '', password: '' });
  async function onSubmit(e) {
    e.preventDefault();
    const s = await form.submit(async (v) => {
      try {
        await post('/api/v1/sessions', { name: v.name.trim(), password: v.password, cookie: true }, { quiet401: true });
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) throw new Error(t('signin.failed'));
        throw err;
      }
      return refresh();
    });
    if (s) {
      const next = currentQuery().get('next');
      navigate(next && next.startsWith('/') ? next : ROLE_HOME[s.role] || '/', { replace: true });
    }
  }
  return html`<h1 tabindex="-1">${t('signin.title')}</h1>
    <form class="form narrow" onSubmit=${onSubmit} novalidate>
      <${ErrorBanner} error=${form.banner} />
      <${TextInput} label=${t('signin.name')} value=${form.values.name} onInput=${form.set('name')} error=${form.errors.name} autocomplete="username" required />
      <${TextInput} label=${t('signin.password')} type="password" value=${form.values.password} onInput=${form.set('password')} error=${form.errors.password} autocomplete="current-password" required />
      <${Button} type="submit" busy=${form.busy}>${t('signin.submit')}<//>
      <${Alert} kind="info">${t('signin.help')}<//>
    </form>`;
}

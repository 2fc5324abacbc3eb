// The resident makes their own account with an activation code (POST /api/v1/activations), then
// is signed in with it (POST /api/v1/sessions, the cookie session) and taken home.
import { html, useState } from '../../lib.js';
import { t } from '../../i18n.js';
import { post } from '../../api.js';
import { navigate } from '../../router.js';
import { useSession, ROLE_HOME } from '../../session.js';
import { useForm, TextInput, Button, ErrorBanner, Alert } from '../../ui.js';

export function ActivatePage() {
  const { refresh } = useSession();
  const form = useForm({ id_number: '', code: '', name: '', password: '', again: '' });
  const [made, setMade] = useState(null);
  const v = form.values;
  async function onSubmit(e) {
    e.preventDefault();
    if (v.password !== v.again) {
      form.setErrors({ again: t('activate.mismatch') });
      return;
    }
    const name = v.name.trim();
    const r = await form.submit(() =>
      post('/api/v1/activations', { id_number: v.id_number.trim(), code: v.code.trim(), name, password: v.password }),
    );
    if (!r) return;
    setMade(r.name);
    await post('/api/v1/sessions', { name, password: v.password, cookie: true });
    const s = await refresh();
    navigate((s && ROLE_HOME[s.role]) || '/', { replace: true });
  }
  return html`<h1 tabindex="-1">${t('activate.title')}</h1>
    <p class="lead">${t('activate.lead')}</p>
    ${made && html`<${Alert} kind="success">${t('activate.done', { name: made })}<//>`}
    <form class="form narrow" onSubmit=${onSubmit} novalidate data-form="activate">
      <${ErrorBanner} error=${form.banner} />
      <${TextInput} label=${t('activate.id_number')} value=${v.id_number} onInput=${form.set('id_number')} error=${form.errors.id_number} autocomplete="off" inputmode="text" />
      <${TextInput} label=${t('activate.code')} hint=${t('activate.code.hint')} value=${v.code} onInput=${form.set('code')} error=${form.errors.code} autocomplete="one-time-code" />
      <${TextInput} label=${t('activate.name')} hint=${t('activate.name.hint')} value=${v.name} onInput=${form.set('name')} error=${form.errors.name} autocomplete="username" />
      <${TextInput} type="password" label=${t('activate.password')} hint=${t('activate.password.hint')} value=${v.password} onInput=${form.set('password')} error=${form.errors.password} autocomplete="new-password" />
      <${TextInput} type="password" label=${t('activate.again')} value=${v.again} onInput=${form.set('again')} error=${form.errors.again} autocomplete="new-password" />
      <p class="hint">${t('activate.tries')}</p>
      <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('activate.submit')}<//></div>
    </form>`;
}

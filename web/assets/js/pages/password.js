// "Change my password" (issue 16; POST /api/v1/sessions/current/password), for every signed-in
// role: the current password and the new one twice. The server ends the account's other
// sessions; this one stays.
import { html, useState } from '../lib.js';
import { t } from '../i18n.js';
import { post } from '../api.js';
import { useForm, ErrorBanner, TextInput, Button, Alert } from '../ui.js';

export function PasswordPage() {
  const empty = { current_password: '', password: '', again: '' };
  const form = useForm(empty);
  const [done, setDone] = useState(false);
  const v = form.values;
  async function onSubmit(e) {
    e.preventDefault();
    setDone(false);
    if (v.password !== v.again) {
      form.setErrors({ again: t('password.mismatch') });
      return;
    }
    const r = await form.submit(() => post('/api/v1/sessions/current/password', { current_password: v.current_password, password: v.password }));
    if (r) {
      form.setValues(empty);
      setDone(true);
    }
  }
  return html`<h1 tabindex="-1">${t('password.title')}</h1>
    <p class="lead">${t('password.lead')}</p>
    ${done && html`<${Alert} kind="success">${t('password.done')}<//>`}
    <form class="form narrow" onSubmit=${onSubmit} novalidate data-form="password">
      <${ErrorBanner} error=${form.banner} />
      <${TextInput} type="password" label=${t('password.current')} value=${v.current_password} onInput=${form.set('current_password')} error=${form.errors.current_password} autocomplete="current-password" />
      <${TextInput} type="password" label=${t('password.new')} hint=${t('password.new.hint')} value=${v.password} onInput=${form.set('password')} error=${form.errors.password} autocomplete="new-password" />
      <${TextInput} type="password" label=${t('password.again')} value=${v.again} onInput=${form.set('again')} error=${form.errors.again} autocomplete="new-password" />
      <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('password.submit')}<//></div>
    </form>`;
}

// The admin's pages (issue 11): the accounts of the portal and the API (GET/POST
// /api/v1/users, POST /api/v1/users/{name}/disable): list, create with a role and a
// jurisdiction (or a resident's own ID number), disable. Department keys have no HTTP route
// (`hukou key add|list|revoke` on the command line only): the page says so.
import { html, useState } from '../../lib.js';
import { t, formatNumber } from '../../i18n.js';
import { get, post } from '../../api.js';
import { useLoad, useForm, Loading, ErrorBanner, DateText, TextInput, SelectInput, Button, Alert } from '../../ui.js';

const ROLES = ['resident', 'officer', 'supervisor', 'analyst', 'department', 'admin'];

function CreateForm({ onDone }) {
  const empty = { name: '', role: 'officer', jurisdiction: '', id_number: '', password: '' };
  const form = useForm(empty);
  const [msg, setMsg] = useState(null);
  const v = form.values;
  async function onSubmit(e) {
    e.preventDefault();
    setMsg(null);
    const r = await form.submit(() => {
      const body = { name: v.name.trim(), role: v.role, password: v.password };
      if ((v.role === 'officer' || v.role === 'supervisor') && v.jurisdiction.trim()) body.jurisdiction = v.jurisdiction.trim();
      if (v.role === 'resident' && v.id_number.trim()) body.id_number = v.id_number.trim().toUpperCase();
      return post('/api/v1/users', body);
    });
    if (r) {
      setMsg(['admin.created', { name: v.name.trim(), role: v.role }]);
      form.setValues(empty);
      onDone();
    }
  }
  return html`<form class="form narrow" onSubmit=${onSubmit} novalidate>
    ${msg && html`<${Alert} kind="success">${t(msg[0], { ...msg[1], role: t('role.' + msg[1].role) })}<//>`}
    <${ErrorBanner} error=${form.banner} />
    <${TextInput} label=${t('admin.name')} hint=${t('admin.name.hint')} value=${v.name} onInput=${form.set('name')} error=${form.errors.name} autocomplete="off" />
    <${SelectInput} label=${t('admin.role')} value=${v.role} onChange=${form.set('role')} error=${form.errors.role} options=${ROLES.map((r) => ({ value: r, label: t('role.' + r) }))} />
    ${(v.role === 'officer' || v.role === 'supervisor') &&
    html`<${TextInput} label=${t('admin.jurisdiction')} hint=${t('admin.jurisdiction.hint')} value=${v.jurisdiction} onInput=${form.set('jurisdiction')} error=${form.errors.jurisdiction} inputmode="numeric" maxlength="6" />`}
    ${v.role === 'resident' &&
    html`<${TextInput} label=${t('admin.id_number')} hint=${t('admin.id_number.hint')} value=${v.id_number} onInput=${form.set('id_number')} error=${form.errors.id_number} autocomplete="off" maxlength="18" />`}
    <${TextInput} type="password" label=${t('admin.password')} hint=${t('admin.password.hint')} value=${v.password} onInput=${form.set('password')} error=${form.errors.password} autocomplete="new-password" />
    <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('admin.create.submit')}<//></div>
  </form>`;
}

function DisableButton({ user, onDone }) {
  const [ask, setAsk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function go() {
    setBusy(true);
    setError(null);
    try {
      await post(`/api/v1/users/${encodeURIComponent(user.name)}/disable`);
      onDone(user.name);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setAsk(false);
    }
  }
  if (user.disabled) return html`<span class="badge">${t('admin.disabled')}</span>`;
  return html`<div>
    ${error && html`<${ErrorBanner} error=${error} />`}
    ${ask
      ? html`<span role="group" aria-label=${t('admin.disable.confirm', { name: user.name })}>
          <${Button} kind="danger" type="button" busy=${busy} onClick=${go}>${t('admin.disable.yes', { name: user.name })}<//>
          <button class="btn btn-link" type="button" onClick=${() => setAsk(false)}>${t('common.cancel')}</button>
        </span>`
      : html`<button class="btn btn-secondary" type="button" onClick=${() => setAsk(true)} aria-label=${t('admin.disable.label', { name: user.name })}>${t('admin.disable')}</button>`}
  </div>`;
}

export function AccountsPage() {
  const list = useLoad(() => get('/api/v1/users'), []);
  const [done, setDone] = useState(null);
  const users = (list.data && list.data.users) || [];
  return html`<h1 tabindex="-1">${t('admin.title')}</h1>
    <p class="lead">${t('admin.lead')}</p>
    ${done && html`<${Alert} kind="success">${t('admin.disabled_done', { name: done })}<//>`}
    <section>
      <h2>${t('admin.list')}</h2>
      <${ErrorBanner} error=${list.error} />
      ${list.loading && !list.data && html`<${Loading} />`}
      ${list.data &&
      html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('staff.table')}>
        <table class="stack">
          <caption>${t('admin.count', { n: formatNumber(users.length) })}</caption>
          <thead><tr><th scope="col">${t('admin.name')}</th><th scope="col">${t('admin.role')}</th><th scope="col">${t('admin.scope')}</th><th scope="col">${t('admin.created_at')}</th><th scope="col">${t('admin.state')}</th></tr></thead>
          <tbody>
            ${users.map(
              (u) => html`<tr data-name=${u.name}>
                <td data-label=${t('admin.name')}>${u.name}</td><td data-label=${t('admin.role')}>${t('role.' + u.role)}</td>
                <td class="num" data-label=${t('admin.scope')}>${u.jurisdiction || u.id_number_masked || u.id_number || '—'}</td>
                <td data-label=${t('admin.created_at')}><${DateText} value=${u.created ? u.created.slice(0, 10) : ''} /></td>
                <td data-label=${t('admin.state')}><${DisableButton} user=${u} onDone=${(name) => {
                  setDone(name);
                  list.reload();
                }} /></td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`}
    </section>
    <section class="card"><h2>${t('admin.create')}</h2><${CreateForm} onDone=${list.reload} /></section>
    <section class="card">
      <h2>${t('admin.keys')}</h2>
      <p>${t('admin.keys.body')}</p>
      <pre class="cmd"><code>hukou key add --db REGISTRY --department NAME --questions permit-valid,hukou-registered
hukou key list --db REGISTRY
hukou key revoke --db REGISTRY ID</code></pre>
    </section>`;
}

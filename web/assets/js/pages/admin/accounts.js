// The admin's pages (issues 11, 16): the accounts of the portal and the API. The list with a
// "manage" action per account; creating one (a role and a jurisdiction, or a resident's own ID
// number); for the account managed: its role and jurisdiction (PATCH /api/v1/users/{name}),
// a new password (POST .../password: its sessions end), disabling or re-enabling it. Department
// keys have a module of their own (keys.js).
import { html, useState, useEffect, useRef } from '../../lib.js';
import { t, formatNumber } from '../../i18n.js';
import { api, get, post } from '../../api.js';
import { useLoad, useForm, Loading, ErrorBanner, DateText, TextInput, SelectInput, Button, Alert } from '../../ui.js';
import { KeysSection } from './keys.js';

const ROLES = ['resident', 'officer', 'supervisor', 'analyst', 'department', 'admin'];
const hasArea = (role) => role === 'officer' || role === 'supervisor';
const roleOptions = (roles) => roles.map((r) => ({ value: r, label: t('role.' + r) }));

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
      if (hasArea(v.role) && v.jurisdiction.trim()) body.jurisdiction = v.jurisdiction.trim();
      if (v.role === 'resident' && v.id_number.trim()) body.id_number = v.id_number.trim().toUpperCase();
      return post('/api/v1/users', body);
    });
    if (r) {
      setMsg(['admin.created', { name: v.name.trim(), role: v.role }]);
      form.setValues(empty);
      onDone();
    }
  }
  return html`<form class="form narrow" onSubmit=${onSubmit} novalidate data-form="create">
    ${msg && html`<${Alert} kind="success">${t(msg[0], { ...msg[1], role: t('role.' + msg[1].role) })}<//>`}
    <${ErrorBanner} error=${form.banner} />
    <${TextInput} label=${t('admin.name')} hint=${t('admin.name.hint')} value=${v.name} onInput=${form.set('name')} error=${form.errors.name} autocomplete="off" />
    <${SelectInput} label=${t('admin.role')} value=${v.role} onChange=${form.set('role')} error=${form.errors.role} options=${roleOptions(ROLES)} />
    ${hasArea(v.role) &&
    html`<${TextInput} label=${t('admin.jurisdiction')} hint=${t('admin.jurisdiction.hint')} value=${v.jurisdiction} onInput=${form.set('jurisdiction')} error=${form.errors.jurisdiction} inputmode="numeric" maxlength="6" />`}
    ${v.role === 'resident' &&
    html`<${TextInput} label=${t('admin.id_number')} hint=${t('admin.id_number.hint')} value=${v.id_number} onInput=${form.set('id_number')} error=${form.errors.id_number} autocomplete="off" maxlength="18" />`}
    <${TextInput} type="password" label=${t('admin.password')} hint=${t('admin.password.hint')} value=${v.password} onInput=${form.set('password')} error=${form.errors.password} autocomplete="new-password" />
    <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('admin.create.submit')}<//></div>
  </form>`;
}

// Role and jurisdiction. A resident's account keeps its role (the API refuses the change), so
// a resident is offered none, and nobody else is offered the resident's role.
function RoleForm({ user, onDone }) {
  const form = useForm({ role: user.role, jurisdiction: user.jurisdiction || '' });
  const v = form.values;
  async function onSubmit(e) {
    e.preventDefault();
    const r = await form.submit(() => {
      const body = { role: v.role };
      if (hasArea(v.role)) body.jurisdiction = v.jurisdiction.trim();
      return api('PATCH', `/api/v1/users/${encodeURIComponent(user.name)}`, body);
    });
    if (r) onDone(['admin.changed', { name: user.name, role: r.role, area: r.jurisdiction || '—' }]);
  }
  if (user.role === 'resident') return html`<p class="hint">${t('admin.role.resident_fixed')}</p>`;
  return html`<form class="form narrow" onSubmit=${onSubmit} novalidate data-form="role">
    <h3>${t('admin.role.change')}</h3>
    <${ErrorBanner} error=${form.banner} />
    <${SelectInput} label=${t('admin.role')} value=${v.role} onChange=${form.set('role')} error=${form.errors.role} options=${roleOptions(ROLES.filter((r) => r !== 'resident'))} />
    ${hasArea(v.role) &&
    html`<${TextInput} label=${t('admin.jurisdiction')} hint=${t('admin.jurisdiction.hint')} value=${v.jurisdiction} onInput=${form.set('jurisdiction')} error=${form.errors.jurisdiction} inputmode="numeric" maxlength="6" />`}
    <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('admin.role.submit')}<//></div>
  </form>`;
}

function ResetForm({ user, onDone }) {
  const form = useForm({ password: '' });
  async function onSubmit(e) {
    e.preventDefault();
    const r = await form.submit(() => post(`/api/v1/users/${encodeURIComponent(user.name)}/password`, { password: form.values.password }));
    if (r) {
      form.setValues({ password: '' });
      onDone(['admin.reset.done', { name: user.name }]);
    }
  }
  return html`<form class="form narrow" onSubmit=${onSubmit} novalidate data-form="reset">
    <h3>${t('admin.reset')}</h3>
    <${ErrorBanner} error=${form.banner} />
    <${TextInput} type="password" label=${t('admin.reset.password')} hint=${t('admin.reset.hint')} value=${form.values.password} onInput=${form.set('password')} error=${form.errors.password} autocomplete="new-password" />
    <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('admin.reset.submit')}<//></div>
  </form>`;
}

// Disable (asked twice) or re-enable.
function StateControl({ user, onDone }) {
  const [ask, setAsk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function go(action) {
    setBusy(true);
    setError(null);
    try {
      await post(`/api/v1/users/${encodeURIComponent(user.name)}/${action}`);
      onDone([action === 'disable' ? 'admin.disabled_done' : 'admin.enabled_done', { name: user.name }]);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setAsk(false);
    }
  }
  return html`<div data-form="state">
    <h3>${t('admin.state')}</h3>
    <p>${user.disabled ? t('admin.state.disabled') : t('admin.state.enabled')}</p>
    ${error && html`<${ErrorBanner} error=${error} />`}
    ${user.disabled
      ? html`<${Button} kind="secondary" type="button" busy=${busy} onClick=${() => go('enable')}>${t('admin.enable', { name: user.name })}<//>`
      : ask
        ? html`<span role="group" aria-label=${t('admin.disable.confirm', { name: user.name })}>
            <${Button} kind="danger" type="button" busy=${busy} onClick=${() => go('disable')}>${t('admin.disable.yes', { name: user.name })}<//>
            <button class="btn btn-link" type="button" onClick=${() => setAsk(false)}>${t('common.cancel')}</button>
          </span>`
        : html`<button class="btn btn-secondary" type="button" onClick=${() => setAsk(true)}>${t('admin.disable.label', { name: user.name })}</button>`}
  </div>`;
}

function ManageCard({ user, onDone, onClose }) {
  const heading = useRef(null);
  useEffect(() => {
    if (heading.current) heading.current.focus();
  }, [user.name]);
  return html`<section class="card" aria-labelledby="manage-h" data-manage=${user.name}>
    <h2 id="manage-h" tabindex="-1" ref=${heading}>${t('admin.manage.title', { name: user.name })}</h2>
    <p class="hint">${t('role.' + user.role)}${user.jurisdiction ? ' · ' + user.jurisdiction : ''}</p>
    <${RoleForm} key=${'r' + user.name + user.role + user.jurisdiction} user=${user} onDone=${onDone} />
    <${ResetForm} key=${'p' + user.name} user=${user} onDone=${onDone} />
    <${StateControl} key=${'s' + user.name + user.disabled} user=${user} onDone=${onDone} />
    <div class="actions"><button class="btn btn-link" type="button" onClick=${onClose}>${t('admin.manage.close')}</button></div>
  </section>`;
}

export function AccountsPage() {
  const list = useLoad(() => get('/api/v1/users'), []);
  const [done, setDone] = useState(null);
  const [managed, setManaged] = useState(null);
  const users = (list.data && list.data.users) || [];
  const user = managed && users.find((u) => u.name === managed);
  // A message is kept as its key and values, so it follows a change of language.
  const finished = (msg) => {
    setDone(msg);
    list.reload();
  };
  return html`<h1 tabindex="-1">${t('admin.title')}</h1>
    <p class="lead">${t('admin.lead')}</p>
    ${done && html`<${Alert} kind="success">${t(done[0], done[1].role ? { ...done[1], role: t('role.' + done[1].role) } : done[1])}<//>`}
    <section>
      <h2>${t('admin.list')}</h2>
      <${ErrorBanner} error=${list.error} />
      ${list.loading && !list.data && html`<${Loading} />`}
      ${list.data &&
      html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('staff.table')}>
        <table class="stack">
          <caption>${t('admin.count', { n: formatNumber(users.length) })}</caption>
          <thead><tr><th scope="col">${t('admin.name')}</th><th scope="col">${t('admin.role')}</th><th scope="col">${t('admin.scope')}</th><th scope="col">${t('admin.created_at')}</th><th scope="col">${t('admin.state')}</th><th scope="col">${t('admin.actions')}</th></tr></thead>
          <tbody>
            ${users.map(
              (u) => html`<tr data-name=${u.name}>
                <td data-label=${t('admin.name')}>${u.name}</td><td data-label=${t('admin.role')}>${t('role.' + u.role)}</td>
                <td class="num" data-label=${t('admin.scope')}>${u.jurisdiction || u.id_number_masked || u.id_number || '—'}</td>
                <td data-label=${t('admin.created_at')}><${DateText} value=${u.created ? u.created.slice(0, 10) : ''} /></td>
                <td data-label=${t('admin.state')}>${u.disabled ? html`<span class="badge badge-no">${t('admin.disabled')}</span>` : html`<span class="badge badge-ok">${t('admin.enabled')}</span>`}</td>
                <td data-label=${t('admin.actions')}><button class="btn btn-secondary" type="button" aria-expanded=${managed === u.name ? 'true' : 'false'}
                  aria-label=${t('admin.manage.label', { name: u.name })} onClick=${() => {
                    setDone(null);
                    setManaged(u.name);
                  }}>${t('admin.manage')}</button></td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>`}
    </section>
    ${user && html`<${ManageCard} user=${user} onDone=${finished} onClose=${() => setManaged(null)} />`}
    <section class="card"><h2>${t('admin.create')}</h2><${CreateForm} onDone=${list.reload} /></section>
    <${KeysSection} />`;
}

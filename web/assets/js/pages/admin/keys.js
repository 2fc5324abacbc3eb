// Department keys on the admin's page (issues 11, 16; GET/POST /api/v1/keys, POST
// /api/v1/keys/{id}/revoke): the list (never a secret), a new key with checkboxes for the
// yes/no questions and the kinds of fact its department sends (the server's own catalogue,
// `scopes`), its secret shown once with a hint to copy it now, and revoking asked twice.
import { html, useState } from '../../lib.js';
import { t, formatNumber, isEn } from '../../i18n.js';
import { get, post } from '../../api.js';
import { useLoad, useForm, Loading, ErrorBanner, TextInput, Button, Alert, DateText } from '../../ui.js';

function Checks({ legend, hint, name, options, chosen, onToggle, error }) {
  return html`<fieldset class=${'field choice' + (error ? ' field-invalid' : '')} data-checks=${name}>
    <legend>${legend}</legend>
    ${hint && html`<p class="hint">${hint}</p>`}
    ${error && html`<p class="field-error" role="alert">${error}</p>`}
    ${options.map(
      (o) => html`<label class="checkbox choice-option" for=${`key-${name}-${o}`}>
        <input type="checkbox" id=${`key-${name}-${o}`} value=${o} checked=${chosen.includes(o)} onChange=${() => onToggle(o)} />
        <span>${t(`keys.${name}.${o}`)} <code>${o}</code></span>
      </label>`,
    )}
  </fieldset>`;
}

// The secret, this once: selected on focus so it is copied whole.
function Secret({ made, onClose }) {
  return html`<div class="alert alert-success" role="status" data-secret>
    <p><strong>${t('keys.made', { id: made.id, department: made.title || made.department })}</strong></p>
    <p>${t('keys.secret.once')}</p>
    <label for="key-secret">${t('keys.secret')}</label>
    <input id="key-secret" class="secret" type="text" readonly value=${made.key} onFocus=${(e) => e.target.select()} />
    <div class="actions"><button class="btn btn-secondary" type="button" onClick=${onClose}>${t('keys.secret.done')}</button></div>
  </div>`;
}

function CreateKey({ scopes, onDone }) {
  const empty = { department: '', title: '', questions: [], facts: [] };
  const form = useForm(empty);
  const [made, setMade] = useState(null);
  const v = form.values;
  const kinds = (scopes.departments && scopes.departments[v.department.trim()]) || [];
  const toggle = (name) => (o) =>
    form.setValues((old) => ({ ...old, [name]: old[name].includes(o) ? old[name].filter((x) => x !== o) : [...old[name], o] }));
  async function onSubmit(e) {
    e.preventDefault();
    setMade(null);
    const r = await form.submit(() =>
      post('/api/v1/keys', { department: v.department.trim(), title: v.title.trim(), questions: v.questions, facts: v.facts.filter((k) => kinds.includes(k)) }),
    );
    if (r) {
      setMade(r);
      form.setValues(empty);
      onDone();
    }
  }
  return html`<div>
    ${made && html`<${Secret} made=${made} onClose=${() => setMade(null)} />`}
    <form class="form narrow" onSubmit=${onSubmit} novalidate data-form="key">
      <${ErrorBanner} error=${form.banner} />
      <${TextInput} label=${t('keys.name')} hint=${t('keys.name.hint')}
        value=${v.title} onInput=${form.set('title')} error=${form.errors.title} autocomplete="off" />
      <${TextInput} label=${t('keys.department.code')} hint=${t('keys.department.hint', { known: Object.keys(scopes.departments || {}).join(', ') })}
        value=${v.department} onInput=${form.set('department')} error=${form.errors.department} autocomplete="off" />
      <${Checks} legend=${t('keys.questions')} name="questions" options=${scopes.questions || []} chosen=${v.questions} onToggle=${toggle('questions')} error=${form.errors.questions} />
      ${kinds.length > 0
        ? html`<${Checks} legend=${t('keys.facts')} hint=${t('keys.facts.hint')} name="facts" options=${kinds} chosen=${v.facts} onToggle=${toggle('facts')} error=${form.errors.facts} />`
        : html`<p class="hint">${t('keys.facts.none')}</p>${form.errors.facts && html`<p class="field-error" role="alert">${form.errors.facts}</p>`}`}
      <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('keys.create.submit')}<//></div>
    </form>
  </div>`;
}

function RevokeButton({ k, onDone }) {
  const [ask, setAsk] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  async function go() {
    setBusy(true);
    setError(null);
    try {
      await post(`/api/v1/keys/${k.id}/revoke`);
      onDone(k);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
      setAsk(false);
    }
  }
  if (k.revoked) return html`<span class="badge badge-no">${t('keys.revoked')}</span>`;
  return html`<div>
    ${error && html`<${ErrorBanner} error=${error} />`}
    ${ask
      ? html`<span role="group" aria-label=${t('keys.revoke.confirm', { id: k.id })}>
          <${Button} kind="danger" type="button" busy=${busy} onClick=${go}>${t('keys.revoke.yes', { id: k.id })}<//>
          <button class="btn btn-link" type="button" onClick=${() => setAsk(false)}>${t('common.cancel')}</button>
        </span>`
      : html`<button class="btn btn-secondary" type="button" onClick=${() => setAsk(true)} aria-label=${t('keys.revoke.label', { id: k.id, department: k.department })}>${t('keys.revoke')}</button>`}
  </div>`;
}

export function KeysSection() {
  const list = useLoad(() => get('/api/v1/keys'), []);
  const [done, setDone] = useState(null);
  const keys = (list.data && list.data.keys) || [];
  return html`<section class="card" aria-labelledby="keys-h">
    <h2 id="keys-h">${t('keys.title')}</h2>
    <p>${t('keys.lead')}</p>
    ${done && html`<${Alert} kind="success">${t('keys.revoked_done', { id: done.id, department: done.department })}<//>`}
    <${ErrorBanner} error=${list.error} />
    ${list.loading && !list.data && html`<${Loading} />`}
    ${list.data &&
    html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('keys.table')}>
        <table class="stack">
          <caption>${t('keys.count', { n: formatNumber(keys.length) })}</caption>
          <thead><tr><th scope="col">${t('keys.id')}</th><th scope="col">${t('keys.department')}</th><th scope="col">${t('keys.scope')}</th><th scope="col">${t('admin.created_at')}</th><th scope="col">${t('admin.state')}</th></tr></thead>
          <tbody>
            ${keys.map(
              (k) => html`<tr data-key=${k.id}>
                <td class="num" data-label=${t('keys.id')}>${k.id}</td><td data-label=${t('keys.department')}>${k.title ? html`${k.title} <code>${k.department}</code>` : k.department}</td>
                <td data-label=${t('keys.scope')}>${[...k.questions.map((q) => t('keys.questions.' + q)), ...k.facts.map((f) => t('keys.scope.fact', { kind: t('keys.facts.' + f) }))].join(isEn() ? '; ' : '；') || '—'}</td>
                <td data-label=${t('admin.created_at')}><${DateText} value=${k.created ? k.created.slice(0, 10) : ''} /></td>
                <td data-label=${t('admin.state')}><${RevokeButton} k=${k} onDone=${(x) => {
                  setDone(x);
                  list.reload();
                }} /></td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      <h3>${t('keys.create')}</h3>
      <${CreateKey} scopes=${list.data.scopes || {}} onDone=${list.reload} />`}
  </section>`;
}

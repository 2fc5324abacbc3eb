// Declarations on the officer's workbench (issue 10/11): a person's declared facts awaiting
// verification, each with the documents attached behind it, verified or corrected with a
// reason. The officer types the ID number; it travels only in fetch calls (never in the page's
// address); the page shows it masked. Downloads are fetched and handed to the browser as a
// file, so no link carries the number either.
import { html, useState } from '../../lib.js';
import { t, formatNumber, formatDate } from '../../i18n.js';
import { get, post, api } from '../../api.js';
import { useForm, TextInput, Button, ErrorBanner, Alert, DateText } from '../../ui.js';
import { maskId, DivisionLabel } from '../staff/common.js';

// One field of a declared fact as an officer reads it: a label for the key and for coded
// values (divisions by name, kinds and categories in words, yes/no, dates), never the raw
// codes; an unknown key (a field added later) is shown as it is rather than hidden.
const LABELLED = { kind: 'res.facts.housing.', education: 'res.education.', category: 'res.talent.', marital_status: 'res.marital.', relation: 'res.relation.' };
function fieldValue(k, v) {
  if (v === null || v === undefined || v === '') return k === 'to' ? t('officer.facts.ongoing') : '—';
  if (typeof v === 'boolean') return t(v ? 'officer.facts.yes' : 'officer.facts.no');
  if (k === 'spouse' || k === 'id_number') return maskId(v);
  if (k === 'division' || k === 'city') return html`<${DivisionLabel} code=${String(v)} />`;
  if (LABELLED[k]) return t(LABELLED[k] + v) === LABELLED[k] + v ? String(v) : t(LABELLED[k] + v);
  if (/^\d{4}-\d{2}-\d{2}$/.test(String(v))) return formatDate(v);
  return String(v);
}
function fieldLabel(k) {
  const label = t('officer.facts.field.' + k);
  return label === 'officer.facts.field.' + k ? k : label;
}

const base = (id) => '/api/v1/persons/' + encodeURIComponent(id) + '/facts';

async function loadDeclarations(id) {
  const ledger = await get(base(id));
  const waiting = ledger.entries.filter((e) => e.source === 'declared' && e.in_force);
  const files = await Promise.all(waiting.map((e) => get(`${base(id)}/${e.entry}/materials`)));
  return waiting.map((e, i) => ({ ...e, files: files[i] }));
}

export async function download(id, entry, m) {
  const res = await api('GET', `${base(id)}/${entry}/materials/${m.id}`, undefined, { raw: true });
  if (!res.ok) throw new Error(t('officer.facts.download.failed'));
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = m.name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function Declaration({ id, e, onDone }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [correcting, setCorrecting] = useState(false);
  const form = useForm({ reason: '', fact: JSON.stringify(e.fact, null, 2) }, { reason: 'reason', fact: 'fact' });
  async function verify() {
    setBusy(true);
    setError(null);
    try {
      await post(`${base(id)}/${e.entry}/verify`);
      onDone(t('officer.facts.verified', { entry: e.entry }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }
  async function correct(ev) {
    ev.preventDefault();
    let fact;
    try {
      fact = JSON.parse(form.values.fact);
    } catch (_) {
      form.setErrors({ fact: t('officer.facts.err.json') });
      return;
    }
    if (!form.values.reason.trim()) {
      form.setErrors({ reason: t('officer.facts.err.reason') });
      return;
    }
    const r = await form.submit(() => post(`${base(id)}/${e.entry}/correct`, { fact, reason: form.values.reason.trim() }));
    if (r) onDone(t('officer.facts.corrected', { entry: e.entry }));
  }
  const h = `decl-${e.entry}`;
  return html`<li class="card" data-entry=${e.entry} aria-labelledby=${h}>
    <h3 id=${h}>${t('res.facts.kind.' + e.kind)} · ${t('res.facts.entry', { entry: e.entry })}</h3>
    <p class="muted">${t('officer.facts.declared')} <${DateText} value=${e.recorded_on} /></p>
    <dl class="facts">
      ${Object.entries(e.fact || {}).map(([k, v]) => html`<div class="fact"><dt>${fieldLabel(k)}</dt><dd>${fieldValue(k, v)}</dd></div>`)}
    </dl>
    <h4>${t('officer.facts.files')}</h4>
    ${e.files.length
      ? html`<ul class="plain">
          ${e.files.map(
            (m) => html`<li><button type="button" class="btn btn-link" data-material=${m.id}
                onClick=${() => download(id, e.entry, m).catch((err) => setError(err))}>${t('officer.facts.download', { name: m.name })}</button>
              <span class="muted">(${formatNumber(Math.ceil(m.size / 1024))} KB)</span></li>`,
          )}
        </ul>`
      : html`<p class="muted">${t('officer.facts.nofiles')}</p>`}
    <${ErrorBanner} error=${error} />
    <div class="actions">
      <${Button} type="button" busy=${busy} onClick=${verify}>${t('officer.facts.verify')}<//>
      <${Button} type="button" kind="secondary" aria-expanded=${correcting ? 'true' : 'false'} onClick=${() => setCorrecting(!correcting)}>${t('officer.facts.correct')}<//>
    </div>
    ${correcting &&
    html`<form class="form" onSubmit=${correct} novalidate>
      <${ErrorBanner} error=${form.banner} />
      <${TextInput} id=${h + '-reason'} label=${t('officer.facts.reason')} value=${form.values.reason} onInput=${form.set('reason')} error=${form.errors.reason} />
      <div class=${'field' + (form.errors.fact ? ' field-invalid' : '')}>
        <label for=${h + '-fact'}>${t('officer.facts.fact')}</label>
        ${form.errors.fact && html`<p class="field-error" id=${h + '-fact-error'} role="alert">${form.errors.fact}</p>`}
        <textarea id=${h + '-fact'} rows="6" value=${form.values.fact} onInput=${form.set('fact')} aria-invalid=${form.errors.fact ? 'true' : undefined}
          aria-describedby=${form.errors.fact ? h + '-fact-error' : undefined}></textarea>
      </div>
      <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('officer.facts.correct.submit')}<//></div>
    </form>`}
  </li>`;
}

export function DeclarationsPage() {
  const form = useForm({ id: '' }, { id: 'id', id_number: 'id' });
  const [found, setFound] = useState(null); // {id, list}
  const [notice, setNotice] = useState(null);
  async function lookUp(id) {
    const list = await form.submit(() => loadDeclarations(id));
    if (list) setFound({ id, list });
  }
  async function onSubmit(ev) {
    ev.preventDefault();
    setNotice(null);
    const id = form.values.id.trim().toUpperCase();
    if (!/^\d{17}[\dX]$/.test(id)) {
      form.setErrors({ id: t('officer.facts.err.id') });
      return;
    }
    setFound(null);
    await lookUp(id);
  }
  const done = (msg) => {
    setNotice(msg);
    lookUp(found.id);
  };
  return html`<h1 tabindex="-1">${t('officer.facts.title')}</h1>
    <p class="lead">${t('officer.facts.lead')}</p>
    <form class="form narrow-wide" onSubmit=${onSubmit} novalidate role="search">
      <${ErrorBanner} error=${form.banner} />
      <${TextInput} id="of-id" label=${t('officer.facts.id')} hint=${t('officer.facts.id.hint')} value=${form.values.id} onInput=${form.set('id')} error=${form.errors.id}
        autocomplete="off" maxlength="18" />
      <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('officer.facts.find')}<//></div>
    </form>
    ${notice && html`<${Alert} kind="success">${notice}<//>`}
    ${found &&
    html`<section aria-labelledby="of-found">
      <h2 id="of-found">${t('officer.facts.of', { id: maskId(found.id) })}</h2>
      ${found.list.length
        ? html`<ul class="app-list">${found.list.map((e) => html`<${Declaration} key=${e.entry} id=${found.id} e=${e} onDone=${done} />`)}</ul>`
        : html`<p class="muted">${t('officer.facts.none')}</p>`}
    </section>`}`;
}

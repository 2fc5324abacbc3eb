// One application on the officer's workbench (issue 11): the applicant (masked), the engine's
// answers at submission and at the decision side by side, the steps, and the actions the state
// allows with their reasons; completing a settlement takes the destination's fields
// (docs/services.md, "The hukou move"). An error the API names a field of appears beside it.
import { html, useState, useEffect } from '../../lib.js';
import { t, pick, formatNumber } from '../../i18n.js';
import { get, post } from '../../api.js';
import { href } from '../../router.js';
import { useLoad, useForm, Loading, ErrorBanner, DateText, Facts, Choice, TextInput, Field, Button, Alert } from '../../ui.js';
import { StateBadge, pathwayLabel, divisionName } from '../staff/common.js';
// The applicant's electronic certificates (issue 12): an approval's 准予迁入证明, a permit's.
import { PersonCertificates } from '../certificates/officer.js';

// docs/services.md's state machine: what an officer may do in each state.
const ACTIONS = {
  submitted: ['accept', 'reject'],
  accepted: ['approve', 'request_material', 'reject'],
  material_requested: ['supply_material', 'reject'],
  approved: ['complete'],
  rejected: [],
  completed: [],
};
const NEEDS_REASON = new Set(['reject', 'request_material']);

// The part of an answer that concerns this application: the permit's, or the pathway's.
function partOf(answer, app) {
  if (!answer) return null;
  if (app.kind === 'permit') return answer.residence_permit || null;
  const ps = (answer.settlement && answer.settlement.pathways) || [];
  return ps.find((p) => p.pathway === app.pathway) || ps.find((p) => p.eligible) || null;
}

function Verdict({ part }) {
  if (!part) return html`<span class="muted">—</span>`;
  return part.eligible
    ? html`<span class="badge badge-ok">${t('officer.answer.eligible')}</span>`
    : html`<span class="badge badge-no">${t('officer.answer.not_eligible')}</span>`;
}

function Met({ c }) {
  if (!c) return html`<span class="muted">—</span>`;
  return html`<span class=${c.met ? 'met' : 'unmet'}><span class="sr-only">${c.met ? t('officer.answer.met') : t('officer.answer.unmet')}</span><span aria-hidden="true">${c.met ? '✓ ' : '✗ '}</span>${pick(c, 'text')}</span>`;
}

function Answers({ app }) {
  const a = partOf(app.answer_at_submission, app);
  const b = partOf(app.answer_at_decision, app);
  const ids = [];
  for (const p of [a, b]) for (const c of (p && p.conditions) || []) if (!ids.includes(c.id)) ids.push(c.id);
  const find = (p, id) => ((p && p.conditions) || []).find((c) => c.id === id);
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('staff.table')}>
    <table class="compare">
      <caption>${t('officer.answer.caption')}</caption>
      <thead><tr>
        <th scope="col">${t('officer.answer.at_submission')}${app.answer_at_submission ? html`<br /><${DateText} value=${app.answer_at_submission.as_of} />` : ''}</th>
        <th scope="col">${t('officer.answer.at_decision')}${app.answer_at_decision ? html`<br /><${DateText} value=${app.answer_at_decision.as_of} />` : ''}</th>
      </tr></thead>
      <tbody>
        <tr><td><${Verdict} part=${a} /></td><td>${app.answer_at_decision ? html`<${Verdict} part=${b} />` : html`<span class="muted">${t('officer.answer.none_yet')}</span>`}</td></tr>
        ${ids.map((id) => html`<tr><td><${Met} c=${find(a, id)} /></td><td><${Met} c=${find(b, id)} /></td></tr>`)}
      </tbody>
    </table>
  </div>`;
}

function Steps({ steps }) {
  return html`<ol class="timeline">
    ${(steps || []).map(
      (s) => html`<li>
        <strong>${t('officer.step.' + s.step)}</strong> · <${DateText} value=${s.on} /> · <span class="muted">${s.by}</span>
        ${s.reason ? html`<br /><span>${t('officer.step.reason')}: ${s.reason}</span>` : ''}
      </li>`,
    )}
  </ol>`;
}

function ActionForm({ app, onDone }) {
  const allowed = ACTIONS[app.state] || [];
  const form = useForm({ action: allowed[0] || '', reason: '', unit_code: '', unit_name: '', community: '', address: '' });
  if (allowed.length === 0) return html`<p class="muted">${t('officer.act.none')}</p>`;
  const completing = form.values.action === 'complete' && app.kind === 'settlement';
  async function onSubmit(e) {
    e.preventDefault();
    const r = await form.submit(async (v) => {
      const body = { action: v.action };
      if (v.reason.trim()) body.reason = v.reason.trim();
      if (completing) for (const k of ['unit_code', 'unit_name', 'community', 'address']) if (v[k].trim()) body[k] = v[k].trim();
      return post(`/api/v1/applications/${app.id}/actions`, body);
    });
    if (r) onDone(r, form.values.action);
  }
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    <${ErrorBanner} error=${form.banner} />
    <${Choice} legend=${t('officer.act.legend')} value=${form.values.action} onChange=${form.set('action')} error=${form.errors.action}
      options=${allowed.map((a) => ({ value: a, label: t('officer.action.' + a) }))} />
    <${Field} id="act-reason" label=${t('officer.act.reason') + (NEEDS_REASON.has(form.values.action) ? '' : ' ' + t('officer.optional'))}
      hint=${NEEDS_REASON.has(form.values.action) ? t('officer.act.reason_needed') : null} error=${form.errors.reason}>
      ${(a) => html`<textarea ...${a} maxlength="500" value=${form.values.reason} onInput=${form.set('reason')}></textarea>`}
    <//>
    ${completing &&
    html`<fieldset class="field group">
      <legend>${t('officer.complete.legend')}</legend>
      <p class="hint">${t('officer.complete.hint')}</p>
      <${TextInput} label=${t('officer.complete.unit_code') + ' ' + t('officer.optional')} value=${form.values.unit_code} onInput=${form.set('unit_code')} error=${form.errors.unit_code} />
      <${TextInput} label=${t('officer.complete.unit_name') + ' ' + t('officer.optional')} value=${form.values.unit_name} onInput=${form.set('unit_name')} error=${form.errors.unit_name} />
      <${TextInput} label=${t('officer.complete.community') + ' ' + t('officer.optional')} value=${form.values.community} onInput=${form.set('community')} error=${form.errors.community} />
      <${TextInput} label=${t('officer.complete.address') + ' ' + t('officer.optional')} value=${form.values.address} onInput=${form.set('address')} error=${form.errors.address} />
    </fieldset>`}
    <div class="actions"><${Button} type="submit" busy=${form.busy} kind=${form.values.action === 'reject' ? 'danger' : 'primary'}>${t('officer.act.submit')}<//></div>
  </form>`;
}

// The files attached to the application (POST /api/v1/applications/{id}/materials, branch
// `materials`), each a download link (the cookie session carries the right to read it). A
// server without the route answers 404: then the section is left out.
function Materials({ id, tick }) {
  const list = useLoad(() => get(`/api/v1/applications/${encodeURIComponent(id)}/materials`), [id, tick]);
  if (list.error && list.error.status === 404) return null;
  const items = Array.isArray(list.data) ? list.data : (list.data && list.data.materials) || [];
  return html`<section class="card materials">
    <h2>${t('officer.materials')}</h2>
    <${ErrorBanner} error=${list.error} />
    ${list.data && items.length === 0 && html`<p class="muted">${t('officer.materials.none')}</p>`}
    ${items.length > 0 &&
    html`<ul class="plain">
      ${items.map(
        (m) => html`<li>
          <a href=${`/api/v1/applications/${encodeURIComponent(id)}/materials/${m.id}`} download=${m.name || ''}>${m.name || t('officer.materials.file', { id: m.id })}</a>
          <span class="muted">${formatNumber(Math.ceil((m.size || 0) / 1024))} KB · <${DateText} value=${(m.uploaded_at || '').slice(0, 10)} /></span>
        </li>`,
      )}
    </ul>`}
  </section>`;
}

export function ApplicationPage({ id }) {
  const load = useLoad(() => get('/api/v1/applications/' + encodeURIComponent(id)), [id]);
  const [app, setApp] = useState(null);
  const [names, setNames] = useState({});
  const [person, setPerson] = useState(null);
  const [notice, setNotice] = useState(null);
  useEffect(() => setApp(load.data), [load.data]);
  useEffect(() => {
    if (!app) return;
    for (const code of [app.target, app.filed_in, app.moved_to && app.moved_to.division].filter(Boolean))
      divisionName(code).then((d) => d && setNames((n) => ({ ...n, [code]: d })));
    // The applicant's name: the number goes only into this fetch, never into the address bar.
    get('/api/v1/persons/' + encodeURIComponent(app.id_number)).then(setPerson, () => setPerson(null));
  }, [app && app.id, app && app.state]);
  const div = (code) => (code ? `${names[code] ? pick(names[code], 'name') + ' ' : ''}${code}` : '');
  return html`<p><a href=${href('/officer')}>← ${t('officer.back')}</a></p>
    <h1 tabindex="-1">${t('officer.app.title', { id })}</h1>
    <${ErrorBanner} error=${load.error} />
    ${load.loading && !app && html`<${Loading} />`}
    ${app &&
    html`<section class="card">
        <h2>${t('officer.app.summary')}</h2>
        <p><${StateBadge} state=${app.state} /></p>
        <${Facts} items=${[
          [t('officer.col.applicant'), `${person && person.name ? person.name + ' ' : ''}${app.id_masked}`],
          [t('officer.col.kind'), t('staff.kind.' + app.kind)],
          app.kind === 'settlement' && [t('officer.app.pathway'), pathwayLabel(app.pathway) + (app.requested_pathway && app.requested_pathway !== app.pathway ? ` (${t('officer.app.requested')}: ${pathwayLabel(app.requested_pathway)})` : '')],
          [t('officer.col.target'), div(app.target)],
          [t('officer.app.channel'), t('officer.channel.' + app.channel) + (app.filed_in ? ' · ' + div(app.filed_in) : '')],
          [t('officer.col.submitted'), html`<${DateText} value=${app.submitted_on} />`],
          [t('officer.col.due'), html`<${DateText} value=${app.due_on} />`],
          app.permit_number && [t('officer.app.permit_number'), app.permit_number],
          app.moved_to && [t('officer.app.moved_to'), `${div(app.moved_to.division)} ${app.moved_to.household || ''}`],
        ]} />
      </section>
      <section>
        <h2>${t('officer.answer.title')}</h2>
        <${Answers} app=${app} />
      </section>
      <${Materials} id=${id} tick=${app.steps ? app.steps.length : 0} />
      <section>
        <h2>${t('officer.steps')}</h2>
        <${Steps} steps=${app.steps} />
      </section>
      <${PersonCertificates} id=${app.id_number} tick=${app.state} heading=${t('officer.cert.applicant')} />
      <section class="card">
        <h2>${t('officer.act.title')}</h2>
        ${notice && html`<${Alert} kind="success">${t('officer.act.done', { action: t('officer.action.' + notice) })}<//>`}
        <${ActionForm} key=${app.state} app=${app} onDone=${(a, msg) => {
          setApp({ ...a, id: a.id || app.id });
          setNotice(msg);
        }} />
      </section>`}`;
}

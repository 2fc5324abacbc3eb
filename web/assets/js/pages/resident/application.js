// One of my applications: where it stands, a timeline of its steps, and, when an officer has
// asked for material, the form to supply it (the applicant's own step, hk_app_step).
import { html, useState, useEffect } from '../../lib.js';
import { t, formatDate, formatNumber } from '../../i18n.js';
import { get, post, ApiError } from '../../api.js';
import { href, currentQuery } from '../../router.js';
import { useForm, Button, ErrorBanner, Alert, Loading, Facts, DateText, useLoad, errorText } from '../../ui.js';
import { loadDivisions } from './data.js';
import { StateBadge } from './me.js';
import { PathwayCard } from './answer.js';

function Timeline({ steps }) {
  return html`<ol class="timeline">
    ${steps.map(
      (s) => html`<li data-step=${s.step}>
        <strong>${t('res.step.' + s.step)}</strong> · <${DateText} value=${s.on} />
        <div class="muted">${t('role.' + s.role)}</div>
        ${s.reason ? html`<p class="reason">${s.reason}</p>` : null}
      </li>`,
    )}
  </ol>`;
}

// The files the officer may ask for (PDF, JPEG, PNG), uploaded one by one to the application
// (POST …/materials, the raw file with its name in X-Filename) and then handed in with the
// written answer (supply_material with their ids). A server without the materials routes
// (GET …/materials is then an unknown route) gets the written answer only.
function useMaterials(id) {
  const [list, setList] = useState(undefined); // undefined: not known yet; null: no uploads here
  useEffect(() => {
    get(`/api/v1/applications/${id}/materials`).then(
      (d) => setList(Array.isArray(d) ? d : d.materials || []),
      (e) => setList(e instanceof ApiError && e.status === 404 && e.field === 'path' ? null : []),
    );
  }, [id]);
  return [list, setList];
}

function SupplyForm({ id, request, onDone }) {
  const form = useForm({ reason: '' }, { reason: 'reason', materials: 'file', body: 'file' });
  const [materials, setMaterials] = useMaterials(id);
  const [uploading, setUploading] = useState(false);
  const [fileError, setFileError] = useState(null);
  // Not yet handed in by a step (a handed-in material records the step that took it).
  const pending = (materials || []).filter((m) => m.step_index === null || m.step_index === undefined);

  async function onFiles(e) {
    const files = [...e.target.files];
    e.target.value = '';
    setFileError(null);
    setUploading(true);
    try {
      for (const f of files) {
        const m = await post(`/api/v1/applications/${id}/materials`, f, { headers: { 'X-Filename': encodeURIComponent(f.name) } });
        setMaterials((old) => [...(old || []).filter((x) => x.id !== m.id), m]);
      }
    } catch (err) {
      setFileError(errorText(err));
    } finally {
      setUploading(false);
    }
  }
  async function onSubmit(e) {
    e.preventDefault();
    if (!form.values.reason.trim()) {
      form.setErrors({ reason: 'res.supply.err' });
      return;
    }
    const body = { action: 'supply_material', reason: form.values.reason.trim() };
    if (pending.length) body.materials = pending.map((m) => m.id);
    const r = await form.submit(() => post(`/api/v1/applications/${id}/actions`, body));
    if (r) onDone();
  }
  const err = t(form.errors.reason); // a message key of the page, or the API's own text
  const ferr = fileError || form.errors.file;
  return html`<section class="card supply" aria-labelledby="supply-h">
    <h2 id="supply-h">${t('res.supply.h')}</h2>
    ${request && request.reason ? html`<p>${t('res.supply.asked')}<strong class="reason">${request.reason}</strong></p>` : null}
    <form class="form" onSubmit=${onSubmit} novalidate>
      <${ErrorBanner} error=${form.banner} />
      ${materials &&
      html`<div class=${'field' + (ferr ? ' field-invalid' : '')}>
        <label for="supply-file">${t('res.supply.file')}</label>
        <p class="hint" id="supply-file-hint">${t('res.supply.file.hint')}</p>
        ${ferr && html`<p class="field-error" id="supply-file-error" role="alert">${ferr}</p>`}
        <input id="supply-file" type="file" multiple accept="application/pdf,image/jpeg,image/png" onChange=${onFiles}
          aria-describedby=${ferr ? 'supply-file-hint supply-file-error' : 'supply-file-hint'} aria-invalid=${ferr ? 'true' : undefined} />
        ${uploading && html`<p class="loading" role="status">${t('res.supply.uploading')}</p>`}
        ${materials.length > 0 &&
        html`<ul class="files" aria-label=${t('res.supply.files')}>
          ${materials.map((m) => html`<li data-material=${m.id}>${m.name} <span class="muted">(${formatNumber(Math.ceil(m.size / 1024))} KB${m.step_index !== null && m.step_index !== undefined ? ' · ' + t('res.supply.handed') : ''})</span></li>`)}
        </ul>`}
      </div>`}
      <div class=${'field' + (err ? ' field-invalid' : '')}>
        <label for="supply-reason">${t('res.supply.label')}</label>
        <p class="hint" id="supply-hint">${t('res.supply.hint')}</p>
        ${err && html`<p class="field-error" id="supply-error" role="alert">${err}</p>`}
        <textarea id="supply-reason" maxlength="1000" aria-describedby=${err ? 'supply-hint supply-error' : 'supply-hint'} aria-invalid=${err ? 'true' : undefined}
          value=${form.values.reason} onInput=${form.set('reason')}></textarea>
      </div>
      <div class="actions"><${Button} type="submit" busy=${form.busy || uploading}>${t('res.supply.submit')}<//></div>
    </form>
  </section>`;
}

export function ApplicationPage({ id }) {
  const fresh = currentQuery().get('new') === '1';
  const load = useLoad(() => Promise.all([get(`/api/v1/applications/${encodeURIComponent(id)}`), loadDivisions()]), [id]);
  const title = html`<h1 tabindex="-1">${t('res.app.title', { id })}</h1>`;
  if (load.error) return html`${title}<${ErrorBanner} error=${load.error} /><p><a href=${href('/me')}>${t('res.back.me')}</a></p>`;
  if (load.loading && !load.data) return html`${title}<${Loading} />`;
  const [app, divisions] = load.data;
  const steps = app.steps || [];
  const request = [...steps].reverse().find((s) => s.step === 'request_material');
  const answer = app.answer_at_submission;
  const chosen =
    answer && app.kind === 'settlement' && answer.settlement ? answer.settlement.pathways.find((p) => p.pathway === app.pathway) : answer && answer.residence_permit;
  return html`${title}
    ${fresh ? html`<div class="panel-done" role="status"><h2>${t('res.app.submitted')}</h2><p>${t('res.app.submitted.next', { date: formatDate(app.due_on) })}</p></div>` : null}
    <p><${StateBadge} state=${app.state} /></p>
    ${app.state === 'material_requested' ? html`<${Alert} kind="warning">${t('res.app.material_needed')}<//>` : null}
    <${Facts}
      items=${[
        [t('res.apply.kind'), t('res.kind.' + app.kind)],
        app.pathway ? [t('res.apply.pathway'), t('res.pathway.' + app.pathway)] : null,
        [t('res.apply.where'), `${divisions.name(app.target.slice(0, 4) + '00')}${divisions.name(app.target)}`],
        [t('res.app.submitted_on.label'), html`<${DateText} value=${app.submitted_on} />`],
        [t('res.app.due'), html`<${DateText} value=${app.due_on} />`],
        [t('res.apply.channel'), t('res.apply.channel.' + app.channel)],
      ]} />
    ${app.state === 'material_requested' ? html`<${SupplyForm} id=${app.id} request=${request} onDone=${load.reload} />` : null}
    <section aria-labelledby="timeline-h">
      <h2 id="timeline-h">${t('res.app.timeline')}</h2>
      <${Timeline} steps=${steps} />
    </section>
    ${chosen ? html`<section aria-labelledby="answer-h"><h2 id="answer-h">${t('res.app.answer')}</h2>
      <${PathwayCard} name=${t(app.kind === 'permit' ? 'res.pathway.residence_permit' : 'res.pathway.' + app.pathway)} result=${chosen} /></section>` : null}
    <p><a href=${href('/me')}>${t('res.back.me')}</a></p>`;
}

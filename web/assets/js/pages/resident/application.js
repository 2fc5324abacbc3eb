// One of my applications: where it stands, a timeline of its steps, and, when an officer has
// asked for material, the form to supply it (the applicant's own step, hk_app_step).
import { html } from '../../lib.js';
import { t, formatDate } from '../../i18n.js';
import { get, post } from '../../api.js';
import { href, currentQuery } from '../../router.js';
import { useForm, Button, ErrorBanner, Alert, Loading, Facts, DateText, useLoad } from '../../ui.js';
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

function SupplyForm({ id, request, onDone }) {
  const form = useForm({ reason: '' }, { reason: 'reason' });
  async function onSubmit(e) {
    e.preventDefault();
    if (!form.values.reason.trim()) {
      form.setErrors({ reason: t('res.supply.err') });
      return;
    }
    const r = await form.submit((v) => post(`/api/v1/applications/${id}/actions`, { action: 'supply_material', reason: v.reason.trim() }));
    if (r) onDone();
  }
  const err = form.errors.reason;
  return html`<section class="card supply" aria-labelledby="supply-h">
    <h2 id="supply-h">${t('res.supply.h')}</h2>
    ${request && request.reason ? html`<p>${t('res.supply.asked')}<strong class="reason">${request.reason}</strong></p>` : null}
    <form class="form" onSubmit=${onSubmit} novalidate>
      <${ErrorBanner} error=${form.banner} />
      <div class=${'field' + (err ? ' field-invalid' : '')}>
        <label for="supply-reason">${t('res.supply.label')}</label>
        <p class="hint" id="supply-hint">${t('res.supply.hint')}</p>
        ${err && html`<p class="field-error" id="supply-error" role="alert">${err}</p>`}
        <textarea id="supply-reason" maxlength="1000" aria-describedby=${err ? 'supply-hint supply-error' : 'supply-hint'} aria-invalid=${err ? 'true' : undefined}
          value=${form.values.reason} onInput=${form.set('reason')}></textarea>
      </div>
      <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('res.supply.submit')}<//></div>
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

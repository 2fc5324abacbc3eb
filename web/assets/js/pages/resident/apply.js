// Applying for a residence permit or to settle, the 浙里办 way (issue 11): 身份验证 (the signed-in
// account) → 选择城市 (where, and what) → 告知承诺 (the engine's answer for that place, from the
// registry, and the pledge to confirm) → 在线填表 (the pathway, and a last look) → 上传材料 (what
// the system fetches itself) → 提交; then the application's page follows the progress.
import { html, useState, useEffect, useRef } from '../../lib.js';
import { t } from '../../i18n.js';
import { get, post, query } from '../../api.js';
import { navigate, currentQuery } from '../../router.js';
import { useSession } from '../../session.js';
import { useForm, SelectInput, Choice, Button, ErrorBanner, Alert, Loading, Facts } from '../../ui.js';
import { loadDivisions, divisionOptions, cityOf } from './data.js';
import { Answer } from './answer.js';

const STEPS = ['identity', 'place', 'pledge', 'form', 'materials', 'submit'];

function Steps({ at }) {
  return html`<ol class="steps" aria-label=${t('res.apply.steps')}>
    ${STEPS.map(
      (s, i) => html`<li class=${i < at ? 'done' : i === at ? 'current' : ''} aria-current=${i === at ? 'step' : undefined}>
        <span class="n" aria-hidden="true">${i + 1}</span><span>${t('res.apply.step.' + s)}</span>
      </li>`,
    )}
  </ol>`;
}

export function ApplyPage() {
  const { session } = useSession();
  const [ctx, setCtx] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [step, setStep] = useState(0);
  const [answer, setAnswer] = useState(null);
  const headRef = useRef(null);
  const kind0 = currentQuery().get('kind') === 'permit' ? 'permit' : 'settlement';
  const form = useForm({ kind: kind0, city: '', target: '', pathway: 'best', pledge: false }, { target: 'target', pathway: 'pathway', kind: 'kind' });
  const v = form.values;

  useEffect(() => {
    Promise.all([loadDivisions(), get('/api/v1/persons/me')]).then(([divisions, person]) => {
      const active = (person.residence || []).find((r) => r.to === null);
      if (active) form.setValues((o) => ({ ...o, city: cityOf(active.division), target: active.division }));
      setCtx({ divisions, person });
    }, setLoadError);
  }, []);
  // Each step is announced: its heading takes the focus.
  useEffect(() => {
    if (headRef.current && step > 0) headRef.current.focus();
  }, [step]);

  const title = html`<h1 tabindex="-1">${t('res.apply.title')}</h1>`;
  if (loadError) return html`${title}<${ErrorBanner} error=${loadError} />`;
  if (!ctx) return html`${title}<${Loading} />`;
  const { divisions, person } = ctx;
  const place = v.target ? `${divisions.name(cityOf(v.target))}${divisions.name(v.target)}` : '';

  async function toPledge(e) {
    e.preventDefault();
    if (!v.target) {
      form.setErrors({ target: 'res.check.err.county' });
      return;
    }
    const a = await form.submit(() => get('/api/v1/persons/me/eligibility' + query({ target: v.target })));
    if (a) {
      setAnswer(a);
      setStep(2);
    }
  }
  function toForm(e) {
    e.preventDefault();
    if (!v.pledge) {
      form.setErrors({ pledge: 'res.apply.pledge.err' });
      return;
    }
    form.setErrors({});
    setStep(3);
  }
  async function submit(e) {
    e.preventDefault();
    const body = { id_number: person.id_number, kind: v.kind, target: v.target };
    if (v.kind === 'settlement') body.pathway = v.pathway;
    const app = await form.submit(() => post('/api/v1/applications', body));
    if (app) navigate(`/me/applications/${app.id}?new=1`);
  }

  const eligiblePathways = answer && answer.settlement ? answer.settlement.pathways.filter((p) => p.eligible) : [];
  const canApply = answer && (v.kind === 'permit' ? answer.residence_permit && answer.residence_permit.eligible : answer.settlement && answer.settlement.eligible);
  const back = (n) => html`<${Button} kind="secondary" type="button" onClick=${() => setStep(n)}>${t('common.back')}<//>`;
  const heading = (key) => html`<h2 tabindex="-1" ref=${headRef}>${t(key)}</h2>`;

  let body;
  if (step === 0)
    body = html`${heading('res.apply.step.identity')}
      <p>${t('res.apply.identity', { name: person.name || session.name, id: session.id_number_masked || '' })}</p>
      <p class="hint">${t('res.apply.identity.hint')}</p>
      <div class="actions"><${Button} type="button" onClick=${() => setStep(1)}>${t('res.apply.next')}<//></div>`;
  else if (step === 1)
    body = html`${heading('res.apply.step.place')}
      <form class="form" onSubmit=${toPledge} novalidate>
        <${ErrorBanner} error=${form.banner} />
        <${Choice} legend=${t('res.apply.kind')} name="kind" value=${v.kind} error=${t(form.errors.kind)}
          onChange=${(x) => form.setValues((o) => ({ ...o, kind: x }))}
          options=${[
            { value: 'settlement', label: t('res.kind.settlement') },
            { value: 'permit', label: t('res.kind.permit') },
          ]} />
        <${SelectInput} id="a-city" label=${t('res.apply.city')} value=${v.city}
          onChange=${(e) => form.setValues((o) => ({ ...o, city: e.target.value, target: '' }))} options=${divisionOptions(divisions.zjCities)} />
        <${SelectInput} id="a-target" label=${t('res.apply.county')} value=${v.target} error=${t(form.errors.target)}
          onChange=${form.set('target')} options=${divisionOptions(v.city ? divisions.countiesOf(v.city) : [], v.city ? 'res.choose' : 'res.choose.city.first')} />
        <div class="actions">${back(0)}<${Button} type="submit" busy=${form.busy}>${t('res.apply.next')}<//></div>
      </form>`;
  else if (step === 2)
    body = html`${heading('res.apply.step.pledge')}
      <p>${t('res.apply.answer.lead', { place })}</p>
      <${Answer} answer=${answer} only=${v.kind} />
      ${canApply
        ? html`<form class="form" onSubmit=${toForm} novalidate>
            <div class=${'pledge card' + (form.errors.pledge ? ' field-invalid' : '')}>
              <h3>${t('res.apply.pledge.h')}</h3>
              <p>${t('res.apply.pledge.text')}</p>
              ${form.errors.pledge && html`<p class="field-error" id="a-pledge-error" role="alert">${t(form.errors.pledge)}</p>`}
              <label class="checkbox" for="a-pledge"><input id="a-pledge" type="checkbox" checked=${v.pledge} onChange=${form.set('pledge')}
                aria-describedby=${form.errors.pledge ? 'a-pledge-error' : undefined} /><span>${t('res.apply.pledge.confirm')}</span></label>
            </div>
            <div class="actions">${back(1)}<${Button} type="submit">${t('res.apply.next')}<//></div>
          </form>`
        : html`<${Alert} kind="warning">${t('res.apply.not_eligible')}<//>
          <div class="actions">${back(1)}</div>`}`;
  else if (step === 3)
    body = html`${heading('res.apply.step.form')}
      <form class="form" onSubmit=${(e) => { e.preventDefault(); setStep(4); }} novalidate>
        ${v.kind === 'settlement' &&
        html`<${Choice} legend=${t('res.apply.pathway')} hint=${t('res.apply.pathway.hint')} name="pathway" value=${v.pathway} error=${t(form.errors.pathway)}
          onChange=${(x) => form.setValues((o) => ({ ...o, pathway: x }))}
          options=${[{ value: 'best', label: t('res.apply.pathway.best') }, ...eligiblePathways.map((p) => ({ value: p.pathway, label: t('res.pathway.' + p.pathway) + ' ' + p.clause }))]} />`}
        <${Facts}
          items=${[
            [t('res.apply.kind'), t('res.kind.' + v.kind)],
            [t('res.apply.where'), place],
            [t('res.apply.applicant'), session.id_number_masked || person.name],
            [t('res.apply.channel'), t('res.apply.channel.online')],
          ]} />
        <div class="actions">${back(2)}<${Button} type="submit">${t('res.apply.next')}<//></div>
      </form>`;
  else if (step === 4)
    body = html`${heading('res.apply.step.materials')}
      <p>${t('res.apply.materials.auto')}</p>
      <p class="hint">${t('res.apply.materials.later')}</p>
      <div class="actions">${back(3)}<${Button} type="button" onClick=${() => setStep(5)}>${t('res.apply.next')}<//></div>`;
  else
    body = html`${heading('res.apply.step.submit')}
      <form class="form" onSubmit=${submit} novalidate>
        <${ErrorBanner} error=${form.banner} />
        ${form.errors.target && html`<${Alert} kind="error">${t(form.errors.target)}<//>`}
        ${form.errors.pathway && html`<${Alert} kind="error">${t(form.errors.pathway)}<//>`}
        <p>${t('res.apply.submit.lead', { kind: t('res.kind.' + v.kind), place })}</p>
        <div class="actions">${back(4)}<${Button} type="submit" busy=${form.busy}>${t('res.apply.submit')}<//></div>
      </form>`;

  return html`${title}<${Steps} at=${step} />${body}`;
}

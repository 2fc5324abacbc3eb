// Declare or change a residence registration (一): where one lives now, the address, urban or
// not, and the day one moved in. A new address in the city of the active registration is a
// change (POST …/residence/change), anywhere else a declaration (…/declare); the server's today
// is the day it is reported, and a late report is accepted and flagged.
import { html, useState, useEffect } from '../../lib.js';
import { t, formatDate } from '../../i18n.js';
import { get, post } from '../../api.js';
import { href } from '../../router.js';
import { useForm, TextInput, SelectInput, Choice, Button, ErrorBanner, Alert, Loading } from '../../ui.js';
import { loadDivisions, divisionOptions, cityOf } from './data.js';

export function ResidencePage() {
  const [ctx, setCtx] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [done, setDone] = useState(null);
  const form = useForm({ city: '', division: '', address: '', urban: 'yes', moved_in: '' }, {
    moved_in: 'moved_in',
    // A moving-in day after today: the service names "on" (the HTTP route) or "declared_on"
    // (the report's day, hukou residence); either is this field's answer.
    on: 'moved_in',
    declared_on: 'moved_in',
    division: 'division',
    address: 'address',
    urban: 'urban',
  });
  useEffect(() => {
    Promise.all([loadDivisions(), get('/api/v1/persons/me')]).then(([divisions, person]) => setCtx({ divisions, person }), setLoadError);
  }, []);
  const title = html`<h1 tabindex="-1">${t('res.residence.title')}</h1>`;
  if (loadError) return html`${title}<${ErrorBanner} error=${loadError} />`;
  if (!ctx) return html`${title}<${Loading} />`;
  const { divisions, person } = ctx;
  const active = (person.residence || []).find((r) => r.to === null);
  const v = form.values;
  const isChange = active && v.division && cityOf(active.division) === cityOf(v.division);

  async function onSubmit(e) {
    e.preventDefault();
    const errs = {};
    if (!v.division) errs.division = 'res.check.err.county';
    if (!v.address.trim()) errs.address = 'res.residence.err.address';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v.moved_in)) errs.moved_in = 'res.check.err.date';
    form.setErrors(errs);
    if (Object.keys(errs).length) return;
    const r = await form.submit((x) =>
      post(`/api/v1/persons/me/residence/${isChange ? 'change' : 'declare'}`, { division: x.division, address: x.address.trim(), urban: x.urban === 'yes', moved_in: x.moved_in }),
    );
    if (r) setDone(r);
  }

  if (done)
    return html`${title}
      <div class="panel-done" role="status">
        <h2>${t('res.residence.done')}</h2>
        <p>${t('res.residence.done.on', { date: formatDate(done.declared_on) })}</p>
      </div>
      ${done.late ? html`<${Alert} kind="warning">${t('res.residence.late', { date: formatDate(done.deadline) })}<//>` : null}
      <p><a class="btn btn-primary" href=${href('/me')}>${t('res.back.me')}</a></p>`;

  return html`${title}
    <p class="lead">${t('res.residence.lead')}</p>
    ${active ? html`<${Alert} kind="info">${t('res.residence.active', { place: divisions.name(active.division), date: formatDate(active.from) })}<//>` : null}
    <form class="form narrow-wide" onSubmit=${onSubmit} novalidate>
      <${ErrorBanner} error=${form.banner} />
      <${SelectInput} id="r-city" label=${t('res.check.liveCity')} value=${v.city}
        onChange=${(e) => form.setValues((o) => ({ ...o, city: e.target.value, division: '' }))} options=${divisionOptions(divisions.zjCities)} />
      <${SelectInput} id="r-division" label=${t('res.check.liveCounty')} value=${v.division} error=${t(form.errors.division)}
        onChange=${form.set('division')} options=${divisionOptions(v.city ? divisions.countiesOf(v.city) : [], v.city ? 'res.choose' : 'res.choose.city.first')} />
      <${TextInput} id="r-address" label=${t('res.residence.address')} hint=${t('res.residence.address.hint')} value=${v.address} onInput=${form.set('address')} error=${t(form.errors.address)} autocomplete="street-address" />
      <${Choice} legend=${t('res.check.urban')} hint=${t('res.check.urban.hint')} name="r-urban" value=${v.urban} error=${t(form.errors.urban)}
        onChange=${(x) => form.setValues((o) => ({ ...o, urban: x }))} options=${[{ value: 'yes', label: t('common.yes') }, { value: 'no', label: t('common.no') }]} />
      <${TextInput} id="r-moved" type="date" label=${t('res.residence.moved_in')} hint=${t('res.residence.moved_in.hint')} value=${v.moved_in} onInput=${form.set('moved_in')} error=${t(form.errors.moved_in)} />
      ${v.division ? html`<p class="hint">${isChange ? t('res.residence.will.change') : t('res.residence.will.declare')}</p>` : null}
      <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('res.residence.submit')}<//></div>
    </form>`;
}

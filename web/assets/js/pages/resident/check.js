// The eligibility check with no account (issue 11): plain questions a migrant worker can answer
// (where they live and since when, where their hukou is, housing, work, social insurance,
// schooling, education, talent, family here), built into a situation of the eligibility
// contract (../shared/spec/eligibility.md) and sent to POST /api/v1/eligibility. Nothing is
// stored; the answer shows every pathway, what is met and missing, the clause, and the date.
import { html, useState, useEffect, useRef } from '../../lib.js';
import { t } from '../../i18n.js';
import { post, get } from '../../api.js';
import { useForm, TextInput, SelectInput, Choice, Button, ErrorBanner, Alert, Loading } from '../../ui.js';
import { loadDivisions, divisionOptions, cityOf, idFromBirth, todayIso, monthMinus, EDUCATION, TALENT } from './data.js';
import { Answer } from './answer.js';

const EMPTY = {
  liveCity: '',
  liveCounty: '',
  urban: 'yes',
  liveSince: '',
  birth: '',
  marital: 'unmarried',
  hukouIn: 'other',
  hukouProvince: '',
  hukouCity: '',
  hukouCounty: '',
  housing: '',
  housingSince: '',
  work: 'no',
  workSince: '',
  insHere: '0',
  insOtherCity: '',
  insOtherMonths: '0',
  insTransferred: false,
  permit: 'no',
  permitSince: '',
  school: 'no',
  schoolSince: '',
  education: 'senior',
  talent: '',
  family: '',
  relBirth: '',
  relHead: 'no',
  relHousing: 'yes',
  relHousingSince: '',
};

// The contract's field names (as the API names them in an error) -> the question they came from.
const FIELD_MAP = {
  target: 'liveCounty',
  'person.id_number': 'birth',
  'person.hukou.division': 'hukouCity',
  'person.residence[0].from': 'liveSince',
  'person.housing[0].from': 'housingSince',
  'person.employment[0].from': 'workSince',
  'person.schooling[0].from': 'schoolSince',
  'person.residence_permits[0].from': 'permitSince',
  'person.social_insurance[0].from': 'insHere',
  'relatives[0].id_number': 'relBirth',
  'relatives[0].housing[0].from': 'relHousingSince',
};

const isDate = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s || '');
const months = (s) => (/^\d{1,3}$/.test(String(s).trim()) ? Number(s) : NaN);

// Checks the answers a person must give; returns {field: message} for those missing or wrong.
function validate(v, asOf) {
  const e = {};
  const need = (k, ok, msg) => {
    if (!ok) e[k] = msg; // a message key: shown in the language of the moment
  };
  need('liveCounty', v.liveCounty, 'res.check.err.county');
  need('liveSince', isDate(v.liveSince) && v.liveSince <= asOf, 'res.check.err.date');
  need('birth', isDate(v.birth) && v.birth < asOf, 'res.check.err.birth');
  if (v.hukouIn === 'zj') need('hukouCounty', v.hukouCounty, 'res.check.err.county');
  else need('hukouCity', v.hukouCity, 'res.check.err.city');
  need('housing', v.housing, 'res.check.err.choose');
  if (v.housing && v.housing !== 'none' && v.housingSince) need('housingSince', isDate(v.housingSince) && v.housingSince <= asOf, 'res.check.err.date');
  if (v.work === 'yes') need('workSince', isDate(v.workSince) && v.workSince <= asOf, 'res.check.err.date');
  if (v.school === 'yes') need('schoolSince', isDate(v.schoolSince) && v.schoolSince <= asOf, 'res.check.err.date');
  if (v.permit === 'yes') need('permitSince', isDate(v.permitSince) && v.permitSince <= asOf, 'res.check.err.date');
  need('insHere', months(v.insHere) >= 0 && months(v.insHere) <= 600, 'res.check.err.months');
  if (v.insOtherCity) need('insOtherMonths', months(v.insOtherMonths) >= 1 && months(v.insOtherMonths) <= 600, 'res.check.err.months');
  if (v.family) {
    need('relBirth', isDate(v.relBirth) && v.relBirth < asOf, 'res.check.err.birth');
    if (v.relHousing === 'yes' && v.relHousingSince) need('relHousingSince', isDate(v.relHousingSince) && v.relHousingSince <= asOf, 'res.check.err.date');
  }
  return e;
}

// The answers as a situation of the eligibility contract, as of asOf (YYYY-MM-DD).
export function buildSituation(v, asOf) {
  const target = v.liveCounty;
  const city = cityOf(target);
  const urban = v.urban === 'yes';
  const hukouDivision = v.hukouIn === 'zj' ? v.hukouCounty : v.hukouCity;
  const open = (from) => ({ division: target, from, to: null });
  const person = {
    id_number: idFromBirth(hukouDivision, v.birth),
    marital_status: v.marital,
    education: v.education,
    hukou: { division: hukouDivision, household: 'family', head: false },
    residence: [{ ...open(v.liveSince), urban }],
    housing: [],
    employment: [],
    schooling: [],
    social_insurance: [],
    residence_permits: [],
    talent: [],
  };
  if (v.housing && v.housing !== 'none') {
    const kind = v.housing === 'rented_unregistered' ? 'rented' : v.housing;
    const h = { ...open(v.housingSince || v.liveSince), urban, kind };
    if (v.housing === 'rented_unregistered') h.legal = false;
    person.housing.push(h);
  }
  if (v.work === 'yes') person.employment.push({ ...open(v.workSince), collective_household: false });
  if (v.school === 'yes') person.schooling.push(open(v.schoolSince));
  if (v.permit === 'yes') person.residence_permits.push(open(v.permitSince));
  // Social insurance: N months up to this month, still paid here; the other city's months
  // just before them (the contract counts whole months, `to` inclusive).
  const thisMonth = asOf.slice(0, 7);
  const here = months(v.insHere);
  let before = thisMonth;
  if (here > 0) {
    before = monthMinus(thisMonth, here);
    person.social_insurance.push({ city, from: monthMinus(thisMonth, here - 1), to: null });
  }
  const other = months(v.insOtherMonths);
  if (v.insOtherCity && other > 0) {
    const to = here > 0 ? before : monthMinus(thisMonth, 1);
    person.social_insurance.unshift({ city: v.insOtherCity, from: monthMinus(to, other - 1), to, pension_transferred: !!v.insTransferred });
  }
  if (v.talent) person.talent.push({ category: v.talent, division: city });
  const situation = { as_of: asOf, target, person };
  if (v.family) {
    const rel = {
      relation: v.family,
      id_number: idFromBirth(target, v.relBirth, '002'),
      hukou: { division: target, household: 'family', head: v.relHead === 'yes', urban: true },
      housing: v.relHousing === 'yes' ? [{ division: target, urban: true, kind: 'owned', from: v.relHousingSince || asOf, to: null }] : [],
      consents: true,
    };
    situation.relatives = [rel];
  }
  return situation;
}

function YesNo({ legend, hint, value, onChange, name, error }) {
  return html`<${Choice} legend=${legend} hint=${hint} name=${name} value=${value} error=${error} onChange=${onChange}
    options=${[
      { value: 'yes', label: t('common.yes') },
      { value: 'no', label: t('common.no') },
    ]} />`;
}

export function CheckPage() {
  const [divisions, setDivisions] = useState(null);
  const [loadError, setLoadError] = useState(null);
  const [yrd, setYrd] = useState(null);
  const [answer, setAnswer] = useState(null);
  const [fix, setFix] = useState(false);
  const form = useForm(EMPTY, FIELD_MAP);
  const resultRef = useRef(null);
  const v = form.values;
  const set = form.set;
  const setValue = (k) => (x) => form.setValues((old) => ({ ...old, [k]: x }));

  useEffect(() => {
    loadDivisions().then(setDivisions, setLoadError);
  }, []);
  // The Yangtze River Delta cities whose months count (七): the province's published list.
  useEffect(() => {
    get('/api/v1/policies/330000').then(
      (p) => setYrd((p.parameters && p.parameters['yrd.cities'] && p.parameters['yrd.cities'].value) || []),
      () => setYrd([]),
    );
  }, []);
  useEffect(() => {
    if (answer && resultRef.current) resultRef.current.focus();
  }, [answer]);

  if (loadError) return html`<h1 tabindex="-1">${t('res.check.title')}</h1><${ErrorBanner} error=${loadError} />`;
  if (!divisions) return html`<h1 tabindex="-1">${t('res.check.title')}</h1><${Loading} />`;

  async function onSubmit(e) {
    e.preventDefault();
    const asOf = todayIso();
    const errs = validate(v, asOf);
    form.setErrors(errs);
    setFix(false);
    setAnswer(null);
    const first = Object.keys(errs)[0];
    if (first) {
      setFix(true);
      return;
    }
    const a = await form.submit(() => post('/api/v1/eligibility', buildSituation(v, asOf)));
    if (a) setAnswer(a);
  }

  const liveCity = v.liveCity;
  const otherCities = (yrd || []).filter((c) => c !== cityOf(v.liveCounty)).map((c) => [c, divisions.name(c)]);
  return html`<h1 tabindex="-1">${t('res.check.title')}</h1>
    <p class="lead">${t('res.check.lead')}</p>
    <${Alert} kind="info">${t('res.check.private')}<//>
    <form class="form questions" onSubmit=${onSubmit} novalidate>
      <${ErrorBanner} error=${form.banner} />
      ${fix && html`<${Alert} kind="error">${t('res.check.fix')}<//>`}
      <fieldset class="group">
        <legend>${t('res.check.g.live')}</legend>
        <${SelectInput} id="q-live-city" label=${t('res.check.liveCity')} value=${liveCity} error=${t(form.errors.liveCity)}
          onChange=${(e) => form.setValues((o) => ({ ...o, liveCity: e.target.value, liveCounty: '' }))}
          options=${divisionOptions(divisions.zjCities)} />
        <${SelectInput} id="q-live-county" label=${t('res.check.liveCounty')} value=${v.liveCounty} error=${t(form.errors.liveCounty)}
          onChange=${set('liveCounty')} options=${divisionOptions(liveCity ? divisions.countiesOf(liveCity) : [], liveCity ? 'res.choose' : 'res.choose.city.first')} />
        <${YesNo} legend=${t('res.check.urban')} hint=${t('res.check.urban.hint')} name="urban" value=${v.urban} onChange=${setValue('urban')} />
        <${TextInput} id="q-live-since" type="date" label=${t('res.check.liveSince')} hint=${t('res.check.liveSince.hint')} value=${v.liveSince} onInput=${set('liveSince')} error=${t(form.errors.liveSince)} />
      </fieldset>

      <fieldset class="group">
        <legend>${t('res.check.g.you')}</legend>
        <${TextInput} id="q-birth" type="date" label=${t('res.check.birth')} hint=${t('res.check.birth.hint')} value=${v.birth} onInput=${set('birth')} error=${t(form.errors.birth)} autocomplete="bday" />
        <${SelectInput} id="q-marital" label=${t('res.check.marital')} value=${v.marital} onChange=${set('marital')}
          options=${['unmarried', 'married', 'divorced', 'widowed'].map((m) => ({ value: m, label: t('res.marital.' + m) }))} />
        <${Choice} legend=${t('res.check.hukouIn')} name="hukouIn" value=${v.hukouIn} onChange=${setValue('hukouIn')}
          options=${[
            { value: 'other', label: t('res.check.hukouIn.other') },
            { value: 'zj', label: t('res.check.hukouIn.zj') },
          ]} />
        ${v.hukouIn === 'zj'
          ? html`<${SelectInput} id="q-hukou-zcity" label=${t('res.check.hukouCity')} value=${v.hukouCity} error=${t(form.errors.hukouCity)}
                onChange=${(e) => form.setValues((o) => ({ ...o, hukouCity: e.target.value, hukouCounty: '' }))} options=${divisionOptions(divisions.zjCities)} />
              <${SelectInput} id="q-hukou-county" label=${t('res.check.hukouCounty')} value=${v.hukouCounty} error=${t(form.errors.hukouCounty)}
                onChange=${set('hukouCounty')} options=${divisionOptions(v.hukouCity ? divisions.countiesOf(v.hukouCity) : [], v.hukouCity ? 'res.choose' : 'res.choose.city.first')} />`
          : html`<${SelectInput} id="q-hukou-province" label=${t('res.check.hukouProvince')} value=${v.hukouProvince}
                onChange=${(e) => form.setValues((o) => ({ ...o, hukouProvince: e.target.value, hukouCity: '' }))}
                options=${divisionOptions(divisions.provinces.filter(([c]) => c !== '330000'))} />
              <${SelectInput} id="q-hukou-city" label=${t('res.check.hukouCity')} value=${v.hukouCity} error=${t(form.errors.hukouCity)}
                onChange=${set('hukouCity')} options=${divisionOptions(v.hukouProvince ? divisions.citiesOf(v.hukouProvince) : [], v.hukouProvince ? 'res.choose' : 'res.choose.province.first')} />`}
        <${SelectInput} id="q-education" label=${t('res.check.education')} value=${v.education} onChange=${set('education')}
          options=${EDUCATION.map((x) => ({ value: x, label: t('res.education.' + x) }))} />
        <${SelectInput} id="q-talent" label=${t('res.check.talent')} hint=${t('res.check.talent.hint')} value=${v.talent} onChange=${set('talent')}
          options=${[{ value: '', label: t('res.talent.none') }, ...TALENT.map((x) => ({ value: x, label: t('res.talent.' + x) }))]} />
      </fieldset>

      <fieldset class="group">
        <legend>${t('res.check.g.housing')}</legend>
        <${Choice} legend=${t('res.check.housing')} name="housing" value=${v.housing} error=${t(form.errors.housing)} onChange=${setValue('housing')}
          options=${['owned', 'rented', 'rented_unregistered', 'employer', 'relative', 'none'].map((k) => ({ value: k, label: t('res.housing.' + k) }))} />
        ${v.housing && v.housing !== 'none' &&
        html`<${TextInput} id="q-housing-since" type="date" label=${t('res.check.housingSince')} hint=${t('res.check.sameAsLive')} value=${v.housingSince} onInput=${set('housingSince')} error=${t(form.errors.housingSince)} />`}
      </fieldset>

      <fieldset class="group">
        <legend>${t('res.check.g.work')}</legend>
        <${YesNo} legend=${t('res.check.work')} name="work" value=${v.work} onChange=${setValue('work')} />
        ${v.work === 'yes' && html`<${TextInput} id="q-work-since" type="date" label=${t('res.check.workSince')} value=${v.workSince} onInput=${set('workSince')} error=${t(form.errors.workSince)} />`}
        <${YesNo} legend=${t('res.check.school')} name="school" value=${v.school} onChange=${setValue('school')} />
        ${v.school === 'yes' && html`<${TextInput} id="q-school-since" type="date" label=${t('res.check.schoolSince')} value=${v.schoolSince} onInput=${set('schoolSince')} error=${t(form.errors.schoolSince)} />`}
        <${YesNo} legend=${t('res.check.permit')} name="permit" value=${v.permit} onChange=${setValue('permit')} />
        ${v.permit === 'yes' && html`<${TextInput} id="q-permit-since" type="date" label=${t('res.check.permitSince')} value=${v.permitSince} onInput=${set('permitSince')} error=${t(form.errors.permitSince)} />`}
      </fieldset>

      <fieldset class="group">
        <legend>${t('res.check.g.insurance')}</legend>
        <${TextInput} id="q-ins-here" inputmode="numeric" label=${t('res.check.insHere')} hint=${t('res.check.insHere.hint')} value=${v.insHere} onInput=${set('insHere')} error=${t(form.errors.insHere)} />
        <${SelectInput} id="q-ins-other" label=${t('res.check.insOther')} hint=${t('res.check.insOther.hint')} value=${v.insOtherCity} onChange=${set('insOtherCity')}
          options=${[{ value: '', label: t('res.check.insOther.none') }, ...otherCities.map(([c, n]) => ({ value: c, label: n }))]} />
        ${v.insOtherCity &&
        html`<${TextInput} id="q-ins-other-months" inputmode="numeric" label=${t('res.check.insOtherMonths')} value=${v.insOtherMonths} onInput=${set('insOtherMonths')} error=${t(form.errors.insOtherMonths)} />
          <div class="field"><label class="checkbox" for="q-ins-transferred"><input id="q-ins-transferred" type="checkbox" checked=${v.insTransferred} onChange=${set('insTransferred')} /><span>${t('res.check.insTransferred')}</span></label></div>`}
      </fieldset>

      <fieldset class="group">
        <legend>${t('res.check.g.family')}</legend>
        <${Choice} legend=${t('res.check.family')} hint=${t('res.check.family.hint')} name="family" value=${v.family} onChange=${setValue('family')}
          options=${[
            { value: '', label: t('res.family.none') },
            { value: 'child', label: t('res.family.child') },
            { value: 'parent', label: t('res.family.parent') },
            { value: 'spouse', label: t('res.family.spouse') },
          ]} />
        ${v.family &&
        html`<${TextInput} id="q-rel-birth" type="date" label=${t('res.check.relBirth')} value=${v.relBirth} onInput=${set('relBirth')} error=${t(form.errors.relBirth)} />
          <${YesNo} legend=${t('res.check.relHousing')} name="relHousing" value=${v.relHousing} onChange=${setValue('relHousing')} />
          ${v.relHousing === 'yes' && html`<${TextInput} id="q-rel-housing-since" type="date" label=${t('res.check.relHousingSince')} hint=${t('res.check.relHousingSince.hint')} value=${v.relHousingSince} onInput=${set('relHousingSince')} error=${t(form.errors.relHousingSince)} />`}
          <${YesNo} legend=${t('res.check.relHead')} name="relHead" value=${v.relHead} onChange=${setValue('relHead')} />`}
      </fieldset>

      <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('res.check.submit')}<//></div>
    </form>
    ${answer &&
    html`<section class="result" aria-labelledby="check-result-h">
      <h2 id="check-result-h" tabindex="-1" ref=${resultRef}>${t('res.check.result')}</h2>
      <${Answer} answer=${answer} />
      <p class="muted">${t('res.check.disclaimer')}</p>
    </section>`}`;
}

// Births and deaths on the officer's workbench (issue 11): 出生登记 (POST /api/v1/births) and
// 死亡注销 (POST /api/v1/persons/{id}/death). A birth ends on what was registered: the child
// with a masked number, the household they joined (a link), the certificate and the birthplace
// by name. A death is irreversible, so the person is looked up first (GET /api/v1/persons/{id})
// and shown for the officer to confirm; afterwards the closed record is shown as the registry
// now holds it. The full numbers stay in the page's memory and travel only in requests.
import { html, useState, useEffect, useRef } from '../../lib.js';
import { t } from '../../i18n.js';
import { get, post, ApiError } from '../../api.js';
import { href } from '../../router.js';
import { useForm, ErrorBanner, DateText, Facts, TextInput, SelectInput, Button, Alert } from '../../ui.js';
import { maskId, DivisionLabel } from '../staff/common.js';

function HouseholdLink({ number }) {
  if (!number) return html`<span class="muted">—</span>`;
  return html`<a href=${href('/households/' + encodeURIComponent(number))}>${number}</a>`;
}

// A result panel that takes the focus once, when it appears (the form it replaces had it).
function DonePanel({ id, title, children }) {
  const box = useRef(null);
  useEffect(() => {
    if (box.current) box.current.focus();
  }, []);
  return html`<section class="panel-done" aria-labelledby=${id} tabindex="-1" ref=${box}>
    <h3 id=${id}>${title}</h3>
    ${children}
  </section>`;
}

const sexLabel = (s) => (s === 'M' || s === 'F' ? t('officer.birth.sex.' + s) : '');

// The registered birth: what the answer (HouseholdChange) says about the child.
function BirthDone({ r, onAnother }) {
  const hh = r.household || {};
  const child = (hh.members || []).find((m) => m.id_number === r.id_number) || {};
  return html`<${DonePanel} id="birth-done" title=${t('officer.birth.done')}>
    <${Facts} items=${[
      [t('officer.birth.name'), child.name || ''],
      [t('officer.hh.id'), html`<span class="num">${maskId(r.id_number)}</span>${r.id_allocated ? html` <span class="badge badge-ok">${t('officer.birth.allocated')}</span>` : ''}`],
      [t('officer.birth.born'), html`<${DateText} value=${child.birth_date} />`],
      [t('officer.birth.household_joined'), html`<${HouseholdLink} number=${hh.number} />`],
      [t('officer.birth.certificate'), r.birth_certificate || ''],
      [t('officer.birth.place_short'), html`<${DivisionLabel} code=${r.birthplace_division} /> ${r.birthplace || ''}`],
    ]} />
    <div class="actions"><${Button} kind="secondary" type="button" onClick=${onAnother}>${t('officer.birth.another')}<//></div>
  <//>`;
}

function BirthForm() {
  const empty = { name: '', sex: '', born: '', mother: '', father: '', household: '', birth_certificate: '', birthplace_division: '', birthplace: '', id_number: '' };
  const form = useForm(empty);
  const [done, setDone] = useState(null);
  async function onSubmit(e) {
    e.preventDefault();
    const r = await form.submit((v) => {
      // Without a number the registry allocates the order code and check character (GB 11643).
      const body = { born: v.born, birth_certificate: v.birth_certificate.trim().toUpperCase(), birthplace_division: v.birthplace_division.trim() };
      if (v.id_number.trim()) body.id_number = v.id_number.trim().toUpperCase();
      if (v.sex) body.sex = v.sex;
      for (const k of ['name', 'household', 'birthplace']) if (v[k].trim()) body[k] = v[k].trim();
      for (const k of ['mother', 'father']) if (v[k].trim()) body[k] = v[k].trim().toUpperCase();
      return post('/api/v1/births', body);
    });
    if (r) {
      setDone(r);
      form.setValues(empty);
    }
  }
  if (done) return html`<${BirthDone} r=${done} onAnother=${() => setDone(null)} />`;
  const v = form.values;
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    <${ErrorBanner} error=${form.banner} />
    <${TextInput} label=${t('officer.birth.name')} value=${v.name} onInput=${form.set('name')} error=${form.errors.name} autocomplete="off" />
    <${SelectInput} label=${t('officer.birth.sex')} value=${v.sex} onChange=${form.set('sex')} error=${form.errors.sex}
      options=${[{ value: '', label: t('officer.birth.sex.none') }, { value: 'M', label: t('officer.birth.sex.M') }, { value: 'F', label: t('officer.birth.sex.F') }]} />
    <${TextInput} type="date" label=${t('officer.birth.born')} value=${v.born} onInput=${form.set('born')} error=${form.errors.born} />
    <${TextInput} label=${t('officer.birth.mother')} hint=${t('officer.birth.parents.hint')} value=${v.mother} onInput=${form.set('mother')} error=${form.errors.mother} autocomplete="off" maxlength="18" />
    <${TextInput} label=${t('officer.birth.father')} value=${v.father} onInput=${form.set('father')} error=${form.errors.father} autocomplete="off" maxlength="18" />
    <${TextInput} label=${t('officer.birth.household')} hint=${t('officer.birth.household.hint')} value=${v.household} onInput=${form.set('household')} error=${form.errors.household} autocomplete="off" />
    <${TextInput} label=${t('officer.birth.certificate')} hint=${t('officer.birth.certificate.hint')} value=${v.birth_certificate} onInput=${form.set('birth_certificate')} error=${form.errors.birth_certificate} autocomplete="off" maxlength="31" />
    <${TextInput} label=${t('officer.birth.place_division')} hint=${t('officer.birth.place_division.hint')} value=${v.birthplace_division} onInput=${form.set('birthplace_division')} error=${form.errors.birthplace_division} autocomplete="off" inputmode="numeric" maxlength="6" />
    ${/^[0-9]{6}$/.test(v.birthplace_division) && html`<p class="hint" aria-live="polite"><${DivisionLabel} code=${v.birthplace_division} /></p>`}
    <${TextInput} label=${t('officer.birth.place')} value=${v.birthplace} onInput=${form.set('birthplace')} error=${form.errors.birthplace} autocomplete="off" />
    <${TextInput} label=${t('officer.birth.id')} hint=${t('officer.birth.id.hint')} value=${v.id_number} onInput=${form.set('id_number')} error=${form.errors.id_number} autocomplete="off" maxlength="18" />
    <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('officer.birth.submit')}<//></div>
  </form>`;
}

// Who is about to be (or was) registered dead, from GET /api/v1/persons/{id}.
function PersonFacts({ p }) {
  const hukou = p.hukou || {};
  return html`<${Facts} items=${[
    [t('officer.hh.name'), p.name || ''],
    [t('officer.hh.id'), html`<span class="num">${maskId(p.id_number)}</span>`],
    [t('officer.birth.sex.short'), sexLabel(p.sex)],
    [t('officer.hh.born'), html`<${DateText} value=${p.birth_date} />`],
    [t('officer.death.hukou'), html`<${DivisionLabel} code=${hukou.division} name=${hukou.division_name} />`],
    hukou.household_no && [t('officer.hh.number'), html`<${HouseholdLink} number=${hukou.household_no} />`],
    p.died_on && [t('officer.death.on'), html`<${DateText} value=${p.died_on} />`],
  ]} />`;
}

function DeathForm() {
  const empty = { id_number: '', died_on: '' };
  // The API names the person's number "id" (it is in the path): its error goes beside the field.
  const form = useForm(empty, { id: 'id_number' });
  const [person, setPerson] = useState(null); // looked up, awaiting the officer's confirmation
  const [done, setDone] = useState(null); // the record after the death was registered
  const v = form.values;
  const id = v.id_number.trim().toUpperCase();
  const path = (x) => '/api/v1/persons/' + encodeURIComponent(x);
  // A change of number or date after the look-up asks for a look-up again.
  const edit = (name) => (e) => {
    setPerson(null);
    form.set(name)(e);
  };
  async function onCheck(e) {
    e.preventDefault();
    if (!id) {
      form.setErrors({ id_number: t('officer.id.empty') });
      return;
    }
    if (!v.died_on) {
      form.setErrors({ died_on: t('officer.death.on.empty') });
      return;
    }
    // Not found (or outside the jurisdiction, which answers the same) is about the number.
    const lookUp = () =>
      get(path(id)).catch((err) => {
        if (err instanceof ApiError && err.status === 404 && !err.field) err.field = 'id';
        throw err;
      });
    const p = await form.submit(lookUp);
    if (p && p.died_on) form.setErrors({ id_number: t('officer.death.already', { on: p.died_on }) });
    else if (p) setPerson(p);
  }
  async function onConfirm() {
    const r = await form.submit(() => post(path(id) + '/death', { died_on: v.died_on }));
    if (!r) return;
    setPerson(null);
    form.setValues(empty);
    // The registering county reads the closed record (docs/http.md, hk_death_readable).
    const after = await get(path(id)).catch(() => null);
    setDone(after || { ...person, died_on: r.died_on || v.died_on });
  }
  if (done)
    return html`<${DonePanel} id="death-done" title=${t('officer.death.done')}>
      <${PersonFacts} p=${done} />
      <div class="actions"><${Button} kind="secondary" type="button" onClick=${() => setDone(null)}>${t('officer.death.another')}<//></div>
    <//>`;
  return html`<form class="form" onSubmit=${onCheck} novalidate>
    <${ErrorBanner} error=${form.banner} />
    <${TextInput} label=${t('officer.id')} hint=${t('officer.id.hint')} value=${v.id_number} onInput=${edit('id_number')} error=${form.errors.id_number} autocomplete="off" maxlength="18" />
    <${TextInput} type="date" label=${t('officer.death.on')} value=${v.died_on} onInput=${edit('died_on')} error=${form.errors.died_on} />
    ${person
      ? html`<div class="confirm" role="group" aria-labelledby="death-confirm">
          <p id="death-confirm"><strong>${t('officer.death.confirm', { name: person.name || maskId(person.id_number) })}</strong></p>
          <${PersonFacts} p=${person} />
          <p>${t('officer.death.irreversible')}</p>
          <div class="actions">
            <${Button} type="button" kind="danger" busy=${form.busy} onClick=${onConfirm}>${t('officer.death.submit')}<//>
            <${Button} type="button" kind="secondary" onClick=${() => setPerson(null)}>${t('common.cancel')}<//>
          </div>
        </div>`
      : html`<div class="actions"><${Button} type="submit" busy=${form.busy}>${t('officer.death.check')}<//></div>`}
  </form>`;
}

// On a phone the death form comes after the whole birth form: a button takes the officer (and
// the focus) to it. The address cannot carry a fragment (the router owns the hash).
function jumpTo(id) {
  const h = document.getElementById(id);
  if (!h) return;
  h.scrollIntoView({ block: 'start' });
  h.focus();
}

export function BirthsDeathsPage() {
  return html`<h1 tabindex="-1">${t('officer.bd.title')}</h1>
    <p class="jump">${t('officer.bd.jump')}
      <button type="button" class="btn btn-link" onClick=${() => jumpTo('bd-death')}>${t('officer.death.title')}</button></p>
    <div class="cards">
      <section class="card" aria-labelledby="bd-birth"><h2 id="bd-birth" tabindex="-1">${t('officer.birth.title')}</h2><${BirthForm} /></section>
      <section class="card" aria-labelledby="bd-death"><h2 id="bd-death" tabindex="-1">${t('officer.death.title')}</h2><${DeathForm} /></section>
    </div>`;
}

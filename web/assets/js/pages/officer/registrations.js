// Registrations on the officer's workbench (issue 11): the residence registrations (一) of the
// jurisdiction (GET /api/v1/residence), declaring, changing and ending one for a person, and the
// birth (出生登记) and death (死亡注销) forms. The person's number is typed into the form and
// goes only into the request (its path or body), never into the page's address.
import { html, useState } from '../../lib.js';
import { t, formatNumber } from '../../i18n.js';
import { get, post, query } from '../../api.js';
import { useLoad, useForm, Loading, ErrorBanner, DateText, TextInput, SelectInput, Choice, Button, Alert } from '../../ui.js';
import { today } from '../staff/common.js';

const PAGE = 100;

function ResidenceList() {
  const [active, setActive] = useState('1');
  const [more, setMore] = useState({ rows: [], next: null, busy: false, error: null });
  const list = useLoad(async () => {
    const r = await get('/api/v1/residence' + query({ active: active === 'all' ? '' : active === '1' ? 'true' : 'false', limit: PAGE }));
    setMore({ rows: [], next: r.next || null, busy: false, error: null });
    return r;
  }, [active]);
  async function loadMore() {
    setMore((m) => ({ ...m, busy: true }));
    try {
      const r = await get('/api/v1/residence' + query({ active: active === 'all' ? '' : active === '1' ? 'true' : 'false', limit: PAGE, after: more.next }));
      setMore((m) => ({ rows: [...m.rows, ...(r.registrations || [])], next: r.next || null, busy: false, error: null }));
    } catch (error) {
      setMore((m) => ({ ...m, busy: false, error }));
    }
  }
  const rows = list.data ? [...(list.data.registrations || []), ...more.rows] : [];
  const nextKey = list.data && (more.rows.length ? more.next : list.data.next);
  return html`<div class="filters">
      <${SelectInput} label=${t('officer.res.show')} value=${active} onChange=${(e) => setActive(e.target.value)}
        options=${[{ value: '1', label: t('officer.res.active') }, { value: '0', label: t('officer.res.ended') }, { value: 'all', label: t('officer.filter.any') }]} />
    </div>
    <${ErrorBanner} error=${list.error || more.error} />
    ${list.loading && html`<${Loading} />`}
    ${list.data &&
    html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('staff.table')}>
        <table>
          <caption>${t('officer.res.caption', { n: formatNumber(rows.length) })}</caption>
          <thead><tr><th scope="col">${t('officer.hh.name')}</th><th scope="col">${t('officer.hh.id')}</th><th scope="col">${t('officer.res.where')}</th>
            <th scope="col">${t('officer.res.from')}</th><th scope="col">${t('officer.res.to')}</th><th scope="col">${t('officer.res.declared')}</th></tr></thead>
          <tbody>
            ${rows.length === 0 && html`<tr><td colspan="6" class="muted">${t('common.none')}</td></tr>`}
            ${rows.map(
              (r) => html`<tr>
                <td>${r.name || ''}</td><td class="num">${r.id_masked}</td><td>${r.division_name || r.division} ${r.address || ''}</td>
                <td><${DateText} value=${r.from} /></td><td><${DateText} value=${r.to} /></td>
                <td><${DateText} value=${r.declared_on} />${r.late ? html` <span class="badge badge-wait">${t('officer.res.late')}</span>` : ''}</td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${nextKey && html`<div class="actions"><${Button} kind="secondary" type="button" busy=${more.busy} onClick=${loadMore}>${t('common.more')}<//></div>`}`}`;
}

function ResidenceForm() {
  const form = useForm({ what: 'declare', id_number: '', division: '', address: '', urban: 'true', moved_in: today(), left_on: today() });
  const [msg, setMsg] = useState(null);
  const v = form.values;
  async function onSubmit(e) {
    e.preventDefault();
    setMsg(null);
    const id = v.id_number.trim().toUpperCase();
    if (!id) {
      form.setErrors({ id_number: t('officer.id.empty') });
      return;
    }
    const r = await form.submit(() => {
      const body = v.what === 'cancel' ? { left_on: v.left_on } : { division: v.division.trim(), address: v.address.trim(), urban: v.urban === 'true', moved_in: v.moved_in };
      return post(`/api/v1/persons/${encodeURIComponent(id)}/residence/${v.what}`, body);
    });
    if (r) {
      setMsg(r.late ? ['officer.res.done_late', { deadline: r.deadline || '' }] : ['officer.res.done']);
      form.setValues({ ...v, id_number: '', address: '' });
    }
  }
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    ${msg && html`<${Alert} kind="success">${t(...msg)}<//>`}
    <${ErrorBanner} error=${form.banner} />
    <${Choice} legend=${t('officer.res.what')} value=${v.what} onChange=${form.set('what')}
      options=${['declare', 'change', 'cancel'].map((w) => ({ value: w, label: t('officer.res.' + w) }))} />
    <${TextInput} label=${t('officer.id')} hint=${t('officer.id.hint')} value=${v.id_number} onInput=${form.set('id_number')} error=${form.errors.id_number || form.errors.id} autocomplete="off" maxlength="18" />
    ${v.what === 'cancel'
      ? html`<${TextInput} type="date" label=${t('officer.res.left_on')} value=${v.left_on} onInput=${form.set('left_on')} error=${form.errors.left_on} />`
      : html`<${TextInput} label=${t('officer.division')} hint=${t('officer.division.hint')} value=${v.division} onInput=${form.set('division')} error=${form.errors.division} inputmode="numeric" maxlength="6" />
          <${TextInput} label=${t('officer.hh.address')} value=${v.address} onInput=${form.set('address')} error=${form.errors.address} />
          <${Choice} legend=${t('officer.urban')} value=${v.urban} onChange=${form.set('urban')} error=${form.errors.urban}
            options=${[{ value: 'true', label: t('officer.urban.yes') }, { value: 'false', label: t('officer.urban.no') }]} />
          <${TextInput} type="date" label=${t('officer.res.moved_in')} value=${v.moved_in} onInput=${form.set('moved_in')} error=${form.errors.moved_in} />`}
    <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('common.submit')}<//></div>
  </form>`;
}

export function ResidencePage() {
  return html`<h1 tabindex="-1">${t('officer.res.title')}</h1>
    <section class="card"><h2>${t('officer.res.register')}</h2><${ResidenceForm} /></section>
    <section><h2>${t('officer.res.list')}</h2><${ResidenceList} /></section>`;
}

function BirthForm() {
  const empty = { id_number: '', born: '', sex: '', name: '', birth_certificate: '', birthplace_division: '', birthplace: '', mother: '', father: '', household: '' };
  const form = useForm(empty);
  const [msg, setMsg] = useState(null);
  async function onSubmit(e) {
    e.preventDefault();
    setMsg(null);
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
      setMsg(['officer.birth.done', { id: r.id_number || '' }]);
      form.setValues(empty);
    }
  }
  const v = form.values;
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    ${msg && html`<${Alert} kind="success">${t(...msg)}<//>`}
    <${ErrorBanner} error=${form.banner} />
    <${TextInput} label=${t('officer.birth.id')} hint=${t('officer.birth.id.hint')} value=${v.id_number} onInput=${form.set('id_number')} error=${form.errors.id_number} autocomplete="off" maxlength="18" />
    <${SelectInput} label=${t('officer.birth.sex')} value=${v.sex} onChange=${form.set('sex')} error=${form.errors.sex}
      options=${[{ value: '', label: t('officer.birth.sex.none') }, { value: 'M', label: t('officer.birth.sex.M') }, { value: 'F', label: t('officer.birth.sex.F') }]} />
    <${TextInput} label=${t('officer.birth.certificate')} hint=${t('officer.birth.certificate.hint')} value=${v.birth_certificate} onInput=${form.set('birth_certificate')} error=${form.errors.birth_certificate} autocomplete="off" maxlength="31" />
    <${TextInput} label=${t('officer.birth.place_division')} hint=${t('officer.birth.place_division.hint')} value=${v.birthplace_division} onInput=${form.set('birthplace_division')} error=${form.errors.birthplace_division} autocomplete="off" inputmode="numeric" maxlength="6" />
    <${TextInput} label=${t('officer.birth.place')} value=${v.birthplace} onInput=${form.set('birthplace')} error=${form.errors.birthplace} autocomplete="off" />
    <${TextInput} type="date" label=${t('officer.birth.born')} value=${v.born} onInput=${form.set('born')} error=${form.errors.born} />
    <${TextInput} label=${t('officer.birth.name')} value=${v.name} onInput=${form.set('name')} error=${form.errors.name} autocomplete="off" />
    <${TextInput} label=${t('officer.birth.mother')} value=${v.mother} onInput=${form.set('mother')} error=${form.errors.mother} autocomplete="off" maxlength="18" />
    <${TextInput} label=${t('officer.birth.father')} value=${v.father} onInput=${form.set('father')} error=${form.errors.father} autocomplete="off" maxlength="18" />
    <${TextInput} label=${t('officer.birth.household')} hint=${t('officer.birth.household.hint')} value=${v.household} onInput=${form.set('household')} error=${form.errors.household} autocomplete="off" />
    <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('officer.birth.submit')}<//></div>
  </form>`;
}

function DeathForm() {
  const form = useForm({ id_number: '', died_on: '' });
  const [msg, setMsg] = useState(null);
  async function onSubmit(e) {
    e.preventDefault();
    setMsg(null);
    const id = form.values.id_number.trim().toUpperCase();
    if (!id) {
      form.setErrors({ id_number: t('officer.id.empty') });
      return;
    }
    const r = await form.submit((v) => post(`/api/v1/persons/${encodeURIComponent(id)}/death`, { died_on: v.died_on }));
    if (r) {
      setMsg(['officer.death.done']);
      form.setValues({ id_number: '', died_on: '' });
    }
  }
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    ${msg && html`<${Alert} kind="success">${t(...msg)}<//>`}
    <${ErrorBanner} error=${form.banner} />
    <${TextInput} label=${t('officer.id')} value=${form.values.id_number} onInput=${form.set('id_number')} error=${form.errors.id_number || form.errors.id} autocomplete="off" maxlength="18" />
    <${TextInput} type="date" label=${t('officer.death.on')} value=${form.values.died_on} onInput=${form.set('died_on')} error=${form.errors.died_on} />
    <div class="actions"><${Button} type="submit" busy=${form.busy} kind="danger">${t('officer.death.submit')}<//></div>
  </form>`;
}

export function BirthsDeathsPage() {
  return html`<h1 tabindex="-1">${t('officer.bd.title')}</h1>
    <div class="cards">
      <section class="card"><h2>${t('officer.birth.title')}</h2><${BirthForm} /></section>
      <section class="card"><h2>${t('officer.death.title')}</h2><${DeathForm} /></section>
    </div>`;
}

// Residence registrations on the officer's workbench (issue 11): the registrations (一) of the
// jurisdiction (GET /api/v1/residence), declaring, changing and ending one for a person (births
// and deaths are in births_deaths.js). The person's number is typed into the form and goes only
// into the request (its path or body), never into the page's address.
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
        <table class="stack">
          <caption>${t('officer.res.caption', { n: formatNumber(rows.length) })}</caption>
          <thead><tr><th scope="col">${t('officer.hh.name')}</th><th scope="col">${t('officer.hh.id')}</th><th scope="col">${t('officer.res.where')}</th>
            <th scope="col">${t('officer.res.from')}</th><th scope="col">${t('officer.res.to')}</th><th scope="col">${t('officer.res.declared')}</th></tr></thead>
          <tbody>
            ${rows.length === 0 && html`<tr><td colspan="6" class="muted">${t('common.none')}</td></tr>`}
            ${rows.map(
              (r) => html`<tr>
                <td data-label=${t('officer.hh.name')}>${r.name || ''}</td><td class="num" data-label=${t('officer.hh.id')}>${r.id_masked}</td>
                <td data-label=${t('officer.res.where')}>${r.division_name || r.division} ${r.address || ''}</td>
                <td data-label=${t('officer.res.from')}><${DateText} value=${r.from} /></td><td data-label=${t('officer.res.to')}><${DateText} value=${r.to} /></td>
                <td data-label=${t('officer.res.declared')}><${DateText} value=${r.declared_on} />${r.late ? html` <span class="badge badge-wait">${t('officer.res.late')}</span>` : ''}</td>
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

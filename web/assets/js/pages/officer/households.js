// Households on the officer's workbench (issue 11): find one by number, address or head's name
// (POST /api/v1/households/search), show it with its members, create a family or collective
// household, and add, remove, split and change the head (the household routes of docs/http.md).
// Members' numbers are shown masked; the full number a member's action needs stays in the page's
// memory and travels only in the request body.
import { html, useState } from '../../lib.js';
import { t, formatNumber } from '../../i18n.js';
import { get, post } from '../../api.js';
import { href, navigate } from '../../router.js';
import { useSession } from '../../session.js';
import { useLoad, useForm, Loading, ErrorBanner, DateText, Facts, TextInput, SelectInput, Choice, Button, Alert } from '../../ui.js';
import { maskId, DivisionLabel } from '../staff/common.js';

function Search() {
  const form = useForm({ number: '', address: '', head: '' });
  const [found, setFound] = useState(null);
  async function onSubmit(e) {
    e.preventDefault();
    const v = form.values;
    const number = v.number.trim();
    // A whole number (330402-000001) opens the household; anything else searches.
    if (/^[0-9]{6}-[0-9-]+$/.test(number) && !v.address.trim() && !v.head.trim()) {
      navigate('/households/' + encodeURIComponent(number));
      return;
    }
    const body = {};
    for (const k of ['number', 'address', 'head']) if (v[k].trim()) body[k] = v[k].trim();
    if (Object.keys(body).length === 0) {
      form.setErrors({ number: t('officer.hh.search.empty') });
      return;
    }
    const r = await form.submit(() => post('/api/v1/households/search', body));
    if (r) setFound(r.households || []);
  }
  return html`<form class="form" onSubmit=${onSubmit} novalidate role="search">
      <${ErrorBanner} error=${form.banner} />
      <div class="grid-3">
        <${TextInput} label=${t('officer.hh.number')} hint=${t('officer.hh.number.hint')} value=${form.values.number} onInput=${form.set('number')} error=${form.errors.number} autocomplete="off" />
        <${TextInput} label=${t('officer.hh.address')} value=${form.values.address} onInput=${form.set('address')} error=${form.errors.address} autocomplete="off" />
        <${TextInput} label=${t('officer.hh.head_name')} value=${form.values.head} onInput=${form.set('head')} error=${form.errors.head} autocomplete="off" />
      </div>
      <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('officer.search.submit')}<//></div>
    </form>
    ${found &&
    html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('staff.table')}>
      <table class="stack">
        <caption>${t('officer.hh.found', { n: formatNumber(found.length) })}</caption>
        <thead><tr><th scope="col">${t('officer.hh.number')}</th><th scope="col">${t('officer.hh.kind')}</th><th scope="col">${t('officer.hh.head')}</th><th scope="col">${t('officer.hh.address')}</th><th scope="col" class="num">${t('officer.hh.members')}</th></tr></thead>
        <tbody>
          ${found.length === 0 && html`<tr><td colspan="5" class="muted">${t('officer.search.none')}</td></tr>`}
          ${found.map(
            (h) => html`<tr>
              <td data-label=${t('officer.hh.number')}><a href=${href('/households/' + encodeURIComponent(h.number))}>${h.number}</a>${h.dissolved ? html` <span class="badge">${t('officer.hh.dissolved')}</span>` : ''}</td>
              <td data-label=${t('officer.hh.kind')}>${t('officer.hh.kind.' + h.kind)}</td>
              <td data-label=${t('officer.hh.head')}>${h.head ? html`${h.head.name || ''} <span class="num muted">${h.head.id_masked}</span>` : '—'}</td>
              <td data-label=${t('officer.hh.address')}>${h.division_name || h.division} ${h.address || ''}</td>
              <td class="num" data-label=${t('officer.hh.members')}>${formatNumber(h.members)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`}`;
}

function CreateForm() {
  const { session } = useSession();
  const j = (session && session.jurisdiction) || '';
  const form = useForm({ kind: 'family', division: j.length === 6 && !j.endsWith('00') ? j : '', urban: 'true', address: '', head: '', owner: 'community', owner_code: '', owner_name: '' });
  async function onSubmit(e) {
    e.preventDefault();
    const r = await form.submit((v) => {
      const body = { kind: v.kind, division: v.division.trim(), urban: v.urban === 'true' };
      if (v.address.trim()) body.address = v.address.trim();
      if (v.kind === 'family') body.head = v.head.trim().toUpperCase();
      else {
        body.owner = v.owner;
        if (v.owner_code.trim()) body.owner_code = v.owner_code.trim();
        if (v.owner_name.trim()) body.owner_name = v.owner_name.trim();
      }
      return post('/api/v1/households', body);
    });
    if (r && r.household) navigate('/households/' + encodeURIComponent(r.household.number));
  }
  const v = form.values;
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    <${ErrorBanner} error=${form.banner} />
    <${Choice} legend=${t('officer.hh.kind')} value=${v.kind} onChange=${form.set('kind')} error=${form.errors.kind}
      options=${[{ value: 'family', label: t('officer.hh.kind.family') }, { value: 'collective', label: t('officer.hh.kind.collective') }]} />
    <${TextInput} label=${t('officer.division')} hint=${t('officer.division.hint')} value=${v.division} onInput=${form.set('division')} error=${form.errors.division} inputmode="numeric" maxlength="6" />
    <${Choice} legend=${t('officer.urban')} value=${v.urban} onChange=${form.set('urban')} error=${form.errors.urban}
      options=${[{ value: 'true', label: t('officer.urban.yes') }, { value: 'false', label: t('officer.urban.no') }]} />
    <${TextInput} label=${t('officer.hh.address')} value=${v.address} onInput=${form.set('address')} error=${form.errors.address} />
    ${v.kind === 'family'
      ? html`<${TextInput} label=${t('officer.hh.head_id')} hint=${t('officer.hh.head_id.hint')} value=${v.head} onInput=${form.set('head')} error=${form.errors.head} autocomplete="off" maxlength="18" />`
      : html`<${SelectInput} label=${t('officer.hh.owner')} value=${v.owner} onChange=${form.set('owner')} error=${form.errors.owner}
            options=${['unit', 'community', 'talent_service'].map((o) => ({ value: o, label: t('officer.hh.owner.' + o) }))} />
          <${TextInput} label=${t('officer.hh.owner_code')} value=${v.owner_code} onInput=${form.set('owner_code')} error=${form.errors.owner_code} />
          <${TextInput} label=${t('officer.hh.owner_name')} value=${v.owner_name} onInput=${form.set('owner_name')} error=${form.errors.owner_name} />`}
    <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('officer.hh.create.submit')}<//></div>
  </form>`;
}

export function HouseholdsPage() {
  return html`<h1 tabindex="-1">${t('officer.hh.title')}</h1>
    <section class="card"><h2>${t('officer.hh.find')}</h2><${Search} /></section>
    <section class="card"><h2>${t('officer.hh.create')}</h2><${CreateForm} /></section>`;
}

// One action on a household: a small form posting to /households/{number}/{what}.
function MemberAction({ number, what, members, onDone }) {
  const ids = members.map((m) => m.id_number);
  const init = { id_number: what === 'add' ? '' : ids[0] || '', address: '', members: [], head: ids[0] || '' };
  const form = useForm(init, { members: 'members' });
  const [msg, setMsg] = useState(null);
  const memberOptions = members.map((m) => ({ value: m.id_number, label: `${m.name || ''} ${maskId(m.id_number)}${m.head ? ' · ' + t('officer.hh.is_head') : ''}` }));
  async function onSubmit(e) {
    e.preventDefault();
    setMsg(null);
    const r = await form.submit((v) => {
      let body;
      if (what === 'split') {
        body = { members: v.members, head: v.head };
        if (v.address.trim()) body.address = v.address.trim();
      } else {
        body = { id_number: v.id_number.trim().toUpperCase() };
        if (what === 'remove' && v.address.trim()) body.address = v.address.trim();
      }
      return post(`/api/v1/households/${encodeURIComponent(number)}/${what}`, body);
    });
    if (r) {
      const made = r.new_household && r.new_household.number;
      setMsg(made ? ['officer.hh.done_new', { number: made }] : ['officer.hh.done']);
      form.setValues({ ...init, id_number: what === 'add' ? '' : init.id_number });
      onDone(r);
    }
  }
  const v = form.values;
  return html`<form class="form" onSubmit=${onSubmit} novalidate>
    ${msg && html`<${Alert} kind="success">${t(...msg)}<//>`}
    <${ErrorBanner} error=${form.banner} />
    ${what === 'add' &&
    html`<${TextInput} label=${t('officer.hh.member_id')} hint=${t('officer.hh.member_id.hint')} value=${v.id_number} onInput=${form.set('id_number')} error=${form.errors.id_number} autocomplete="off" maxlength="18" />`}
    ${(what === 'remove' || what === 'head') &&
    html`<${SelectInput} label=${t('officer.hh.member')} value=${v.id_number} onChange=${form.set('id_number')} error=${form.errors.id_number} options=${memberOptions} />`}
    ${what === 'split' &&
    html`<fieldset class=${'field' + (form.errors.members ? ' field-invalid' : '')}>
        <legend>${t('officer.hh.split.members')}</legend>
        ${form.errors.members && html`<p class="field-error" role="alert">${form.errors.members}</p>`}
        ${members.map(
          (m, i) => html`<label class="checkbox choice-option" for=${`split-${number}-${i}`}>
            <input type="checkbox" id=${`split-${number}-${i}`} checked=${v.members.includes(m.id_number)}
              onChange=${(e) => form.setValues({ ...v, members: e.target.checked ? [...v.members, m.id_number] : v.members.filter((x) => x !== m.id_number) })} />
            <span>${m.name || ''} ${maskId(m.id_number)}</span>
          </label>`,
        )}
      </fieldset>
      <${SelectInput} label=${t('officer.hh.split.head')} value=${v.head} onChange=${form.set('head')} error=${form.errors.head} options=${memberOptions} />`}
    ${(what === 'remove' || what === 'split') &&
    html`<${TextInput} label=${t('officer.hh.new_address')} value=${v.address} onInput=${form.set('address')} error=${form.errors.address} />`}
    <div class="actions"><${Button} type="submit" busy=${form.busy} kind="secondary">${t('officer.hh.do.' + what)}<//></div>
  </form>`;
}

export function HouseholdPage({ number }) {
  const load = useLoad(() => get('/api/v1/households/' + encodeURIComponent(number)), [number]);
  const h = load.data;
  const members = (h && h.members) || [];
  return html`<p><a href=${href('/households')}>← ${t('officer.hh.title')}</a></p>
    <h1 tabindex="-1">${t('officer.hh.one', { number })}</h1>
    <${ErrorBanner} error=${load.error} />
    ${load.loading && !h && html`<${Loading} />`}
    ${h &&
    html`<section class="card">
        <${Facts} items=${[
          [t('officer.hh.kind'), t('officer.hh.kind.' + h.kind)],
          [t('officer.hh.division'), html`<${DivisionLabel} code=${h.division} />`],
          [t('officer.hh.address'), h.address || ''],
          [t('officer.urban'), h.urban ? t('officer.urban.yes') : t('officer.urban.no')],
          // A community's code is often its name again: said once.
          h.owner && [t('officer.hh.owner'), [t('officer.hh.owner.' + h.owner), h.owner_name, h.owner_code !== h.owner_name && h.owner_code].filter(Boolean).join(' ')],
          [t('officer.hh.created'), html`<${DateText} value=${h.created_on} />`],
          h.dissolved_on && [t('officer.hh.dissolved'), html`<${DateText} value=${h.dissolved_on} />`],
        ]} />
      </section>
      <div class="table-wrap" tabindex="0" role="region" aria-label=${t('staff.table')}>
        <table class="stack">
          <caption>${t('officer.hh.members')}</caption>
          <thead><tr><th scope="col">${t('officer.hh.name')}</th><th scope="col">${t('officer.hh.id')}</th><th scope="col">${t('officer.hh.born')}</th><th scope="col">${t('officer.hh.since')}</th></tr></thead>
          <tbody>
            ${members.length === 0 && html`<tr><td colspan="4" class="muted">${t('common.none')}</td></tr>`}
            ${members.map(
              (m) => html`<tr><td data-label=${t('officer.hh.name')}>${m.name || ''}${m.head ? html` <span class="badge badge-ok">${t('officer.hh.is_head')}</span>` : ''}</td>
                <td class="num" data-label=${t('officer.hh.id')}>${maskId(m.id_number)}</td><td data-label=${t('officer.hh.born')}><${DateText} value=${m.birth_date} /></td>
                <td data-label=${t('officer.hh.since')}><${DateText} value=${m.since} /></td></tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${!h.dissolved_on &&
      html`<div class="cards">
        <section class="card"><h2>${t('officer.hh.do.add')}</h2><${MemberAction} number=${number} what="add" members=${members} onDone=${load.reload} /></section>
        ${members.length > 0 && html`<section class="card"><h2>${t('officer.hh.do.remove')}</h2><${MemberAction} number=${number} what="remove" members=${members} onDone=${load.reload} /></section>`}
        ${h.kind === 'family' && members.length > 1 && html`<section class="card"><h2>${t('officer.hh.do.head')}</h2><${MemberAction} number=${number} what="head" members=${members} onDone=${load.reload} /></section>`}
        ${members.length > 1 && html`<section class="card"><h2>${t('officer.hh.do.split')}</h2><${MemberAction} number=${number} what="split" members=${members} onDone=${load.reload} /></section>`}
      </div>`}`}`;
}

// Declare a change (issue 10/11): the resident tells the registry about a new lease or home, a
// job, social insurance months, schooling, a degree, a talent recognition or a marriage, with
// the document behind it; an officer verifies it and only then does the eligibility answer
// count it. POST /api/v1/persons/me/facts {kind, fact}, then each file to
// …/facts/{entry}/materials (raw body, X-Filename). The list shows every declaration with its
// state: awaiting the officer, verified, corrected (with the reason).
import { html, useState } from '../../lib.js';
import { t, formatDate, formatNumber, pick } from '../../i18n.js';
import { get, post, query } from '../../api.js';
import { href } from '../../router.js';
import { useForm, useLoad, TextInput, SelectInput, Choice, Button, ErrorBanner, Loading, errorText } from '../../ui.js';
import { loadDivisions, divisionOptions, EDUCATION, TALENT } from './data.js';

const KINDS = ['housing', 'employment', 'social_insurance', 'schooling', 'education', 'talent', 'marital_status'];

// The fact document of each kind, as the import line's entry (../shared/spec/eligibility.md).
function factOf(kind, v) {
  switch (kind) {
    case 'housing':
      return { division: v.division, urban: v.urban === 'yes', kind: v.housing, from: v.from };
    case 'employment':
    case 'schooling':
      return { division: v.division, from: v.from };
    case 'social_insurance':
      return { city: v.city, from: v.month_from, to: v.month_to || null };
    case 'education':
      return { education: v.education };
    case 'talent':
      return { category: v.talent, division: v.city };
    default:
      return { marital_status: 'married', spouse: v.spouse.trim().toUpperCase() };
  }
}

// What the form must have before it is sent; the server checks the rest and names the field.
function missing(kind, v) {
  const e = {};
  const date = /^\d{4}-\d{2}-\d{2}$/;
  if (['housing', 'employment', 'schooling'].includes(kind)) {
    if (!v.division) e.division = 'res.check.err.county';
    if (!date.test(v.from)) e.from = 'res.check.err.date';
  }
  if (kind === 'social_insurance' || kind === 'talent') if (!v.city) e.city = 'res.facts.err.city';
  if (kind === 'social_insurance' && !/^\d{4}-\d{2}$/.test(v.month_from)) e.month_from = 'res.facts.err.month';
  if (kind === 'social_insurance' && v.month_to && !/^\d{4}-\d{2}$/.test(v.month_to)) e.month_to = 'res.facts.err.month';
  if (kind === 'education' && !v.education) e.education = 'res.facts.err.choose';
  if (kind === 'talent' && !v.talent) e.talent = 'res.facts.err.choose';
  if (kind === 'marital_status' && !/^\d{17}[\dXx]$/.test(v.spouse.trim())) e.spouse = 'res.facts.err.spouse';
  return e;
}

// A declaration's state from the ledger: in force (awaiting the officer), or superseded by a
// verification (hk_facts_verify: a verified entry with the same fact and the reason
// "核实 / verified") or by a correction (another fact, with its reason).
const VERIFY_REASON = '核实 / verified';
export function declarationState(entry, byId) {
  if (entry.in_force) return { state: 'awaiting' };
  const next = byId.get(entry.superseded_by);
  const same = next && next.source === 'verified' && (next.reason === VERIFY_REASON || JSON.stringify(next.fact) === JSON.stringify(entry.fact));
  if (next && !same) return { state: 'corrected', reason: next.reason };
  return { state: 'verified' };
}

// The declared fact as a short readable line (also the officer's worklist's, officer/facts_waiting.js).
export function describe(e, divisions) {
  const f = e.fact || {};
  switch (e.kind) {
    case 'housing':
      return `${divisions.name(f.division)} · ${t('res.facts.housing.' + (f.kind || 'rented'))} · ${formatDate(f.from)}`;
    case 'employment':
    case 'schooling':
      return `${divisions.name(f.division)} · ${formatDate(f.from)}`;
    case 'social_insurance':
      return `${divisions.name(f.city)} · ${f.from}–${f.to || t('res.facts.now')}`;
    case 'education':
      return t('res.education.' + f.education);
    case 'talent':
      return `${t('res.talent.' + f.category)} · ${divisions.name(f.division)}`;
    default:
      return t('res.facts.married');
  }
}

function Declarations({ ledger, files, divisions }) {
  const byId = new Map(ledger.entries.map((e) => [e.entry, e]));
  const mine = ledger.entries.filter((e) => e.source === 'declared').reverse();
  if (!mine.length) return html`<p class="muted">${t('res.facts.none')}</p>`;
  return html`<ul class="app-list">
    ${mine.map((e) => {
      const s = declarationState(e, byId);
      const cls = s.state === 'verified' ? 'badge badge-ok' : s.state === 'corrected' ? 'badge badge-no' : 'badge badge-wait';
      const list = files.get(e.entry) || [];
      return html`<li class="card" data-entry=${e.entry}>
        <p><strong>${t('res.facts.kind.' + e.kind)}</strong> · ${describe(e, divisions)}</p>
        <p><span class=${cls} data-state=${s.state}>${t('res.facts.state.' + s.state)}</span>
          <span class="muted">${t('res.facts.entry', { entry: e.entry })} · ${t('res.facts.declared_on', { date: formatDate(e.recorded_on) })}</span></p>
        ${s.reason ? html`<p>${t('res.facts.reason')}<strong class="reason">${s.reason}</strong></p>` : null}
        ${list.length
          ? html`<ul class="files" aria-label=${t('res.facts.files')}>
              ${list.map(
                (m) => html`<li><a href=${`/api/v1/persons/me/facts/${e.entry}/materials/${m.id}`} download=${m.name}>${m.name}</a>
                  <span class="muted">(${formatNumber(Math.ceil(m.size / 1024))} KB)</span></li>`,
              )}
            </ul>`
          : null}
      </li>`;
    })}
  </ul>`;
}

async function loadLedger() {
  const [ledger, divisions] = await Promise.all([get('/api/v1/persons/me/facts'), loadDivisions()]);
  const declared = ledger.entries.filter((e) => e.source === 'declared');
  const lists = await Promise.all(declared.map((e) => get(`/api/v1/persons/me/facts/${e.entry}/materials`)));
  return { ledger, divisions, files: new Map(declared.map((e, i) => [e.entry, lists[i]])) };
}

export function FactsPage() {
  const load = useLoad(loadLedger, []);
  const [done, setDone] = useState(null);
  const [fileError, setFileError] = useState(null);
  // The API names fact.* fields; where they land depends on the kind (set below, read at submit).
  const fieldMap = {
    'fact.division': 'division',
    'fact.from': 'from',
    'fact.to': 'month_to',
    'fact.city': 'city',
    'fact.urban': 'urban',
    'fact.kind': 'housing',
    'fact.education': 'education',
    'fact.category': 'talent',
    'fact.spouse': 'spouse',
    'fact.marital_status': 'kind',
    kind: 'kind',
    body: 'files',
    'X-Filename': 'files',
  };
  const form = useForm(
    { kind: '', city: '', division: '', housing: 'rented', urban: 'yes', from: '', month_from: '', month_to: '', education: '', talent: '', spouse: '', files: [] },
    fieldMap,
  );
  const title = html`<h1 tabindex="-1">${t('res.facts.title')}</h1>`;
  if (load.error) return html`${title}<${ErrorBanner} error=${load.error} />`;
  if (load.loading && !load.data) return html`${title}<${Loading} />`;
  const { ledger, divisions, files } = load.data;
  const v = form.values;
  const kind = v.kind;
  if (kind === 'social_insurance') fieldMap['fact.from'] = 'month_from';
  if (kind === 'talent') fieldMap['fact.division'] = 'city';
  const cityPick = html`<${SelectInput} id="f-city" label=${t(kind === 'social_insurance' ? 'res.facts.si.city' : kind === 'talent' ? 'res.facts.talent.city' : 'res.facts.city')}
    value=${v.city} error=${t(form.errors.city)}
    onChange=${(e) => form.setValues((o) => ({ ...o, city: e.target.value, division: '' }))} options=${divisionOptions(divisions.zjCities)} />`;
  const countyPick = html`${cityPick}<${SelectInput} id="f-division" label=${t('res.facts.county')} value=${v.division} error=${t(form.errors.division)}
    onChange=${form.set('division')} options=${divisionOptions(v.city ? divisions.countiesOf(v.city) : [], v.city ? 'res.choose' : 'res.choose.city.first')} />`;
  const fromPick = html`<${TextInput} id="f-from" type="date" label=${t('res.facts.from.' + kind)} value=${v.from} onInput=${form.set('from')} error=${t(form.errors.from)} />`;

  async function onSubmit(e) {
    e.preventDefault();
    setFileError(null);
    const errs = kind ? missing(kind, v) : { kind: 'res.facts.err.kind' };
    form.setErrors(errs);
    if (Object.keys(errs).length) return;
    const r = await form.submit(() => post('/api/v1/persons/me/facts', { kind, fact: factOf(kind, v) }));
    if (!r) return;
    // The declaration stands; each file goes behind it. A refused file is said, the rest kept.
    const sent = [];
    for (const f of v.files) {
      try {
        sent.push(await post(`/api/v1/persons/me/facts/${r.entry}/materials`, f, { headers: { 'X-Filename': encodeURIComponent(f.name) } }));
      } catch (err) {
        setFileError(`${f.name}: ${errorText(err)}`);
      }
    }
    setDone({ entry: r.entry, files: sent });
    form.setValues((o) => ({ ...o, kind: '', files: [] }));
    load.reload();
  }

  return html`${title}
    <p class="lead">${t('res.facts.lead')}</p>
    ${done
      ? html`<div class="panel-done" role="status"><h2>${t('res.facts.done')}</h2>
          <p>${t('res.facts.done.next', { entry: done.entry, n: done.files.length })}</p>
          <p><a href=${href('/me')}>${t('res.facts.done.me')}</a></p></div>`
      : null}
    ${fileError ? html`<p class="field-error" role="alert">${fileError}</p>` : null}
    <form class="form narrow-wide" onSubmit=${onSubmit} novalidate>
      <${ErrorBanner} error=${form.banner} />
      <${Choice} legend=${t('res.facts.what')} name="f-kind" value=${kind} error=${t(form.errors.kind)}
        onChange=${(x) => form.setValues((o) => ({ ...o, kind: x }))} options=${KINDS.map((k) => ({ value: k, label: t('res.facts.kind.' + k) }))} />
      ${kind === 'housing'
        ? html`${countyPick}
            <${Choice} legend=${t('res.facts.housing')} name="f-housing" value=${v.housing} error=${t(form.errors.housing)}
              onChange=${(x) => form.setValues((o) => ({ ...o, housing: x }))} options=${['rented', 'owned', 'employer'].map((k) => ({ value: k, label: t('res.facts.housing.' + k) }))} />
            <${Choice} legend=${t('res.check.urban')} name="f-urban" value=${v.urban} error=${t(form.errors.urban)}
              onChange=${(x) => form.setValues((o) => ({ ...o, urban: x }))} options=${[{ value: 'yes', label: t('common.yes') }, { value: 'no', label: t('common.no') }]} />
            ${fromPick}`
        : null}
      ${kind === 'employment' || kind === 'schooling' ? html`${countyPick}${fromPick}` : null}
      ${kind === 'social_insurance'
        ? html`${cityPick}
            <${TextInput} id="f-mfrom" type="month" label=${t('res.facts.si.from')} hint=${t('res.facts.month.hint')} value=${v.month_from} onInput=${form.set('month_from')} error=${t(form.errors.month_from)} />
            <${TextInput} id="f-mto" type="month" label=${t('res.facts.si.to')} hint=${t('res.facts.si.to.hint')} value=${v.month_to} onInput=${form.set('month_to')} error=${t(form.errors.month_to)} />`
        : null}
      ${kind === 'education'
        ? html`<${SelectInput} id="f-edu" label=${t('res.facts.education')} value=${v.education} error=${t(form.errors.education)} onChange=${form.set('education')}
            options=${[{ value: '', label: t('res.choose') }, ...EDUCATION.map((k) => ({ value: k, label: t('res.education.' + k) }))]} />`
        : null}
      ${kind === 'talent'
        ? html`<${SelectInput} id="f-talent" label=${t('res.facts.talent')} value=${v.talent} error=${t(form.errors.talent)} onChange=${form.set('talent')}
              options=${[{ value: '', label: t('res.choose') }, ...TALENT.map((k) => ({ value: k, label: t('res.talent.' + k) }))]} />
            ${cityPick}`
        : null}
      ${kind === 'marital_status'
        ? html`<${TextInput} id="f-spouse" label=${t('res.facts.spouse')} hint=${t('res.facts.spouse.hint')} value=${v.spouse} onInput=${form.set('spouse')} error=${t(form.errors.spouse)} maxlength="18" autocomplete="off" />`
        : null}
      ${kind
        ? html`<div class=${'field' + (form.errors.files ? ' field-invalid' : '')}>
            <label for="f-files">${t('res.facts.file')}</label>
            <p class="hint" id="f-files-hint">${t('res.facts.file.hint')}</p>
            ${form.errors.files ? html`<p class="field-error" id="f-files-error" role="alert">${t(form.errors.files)}</p>` : null}
            <input id="f-files" type="file" multiple accept="application/pdf,image/jpeg,image/png" aria-describedby="f-files-hint"
              onChange=${(e) => {
                const list = [...e.target.files];
                form.setValues((o) => ({ ...o, files: list }));
              }} />
          </div>`
        : null}
      <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('res.facts.submit')}<//></div>
    </form>
    <section aria-labelledby="facts-mine">
      <h2 id="facts-mine">${t('res.facts.mine')}</h2>
      <${Declarations} ledger=${ledger} files=${files} divisions=${divisions} />
    </section>`;
}

// On "my registration": what verifying my declarations would open, for where I live now (the
// county of my active residence registration, else of my hukou): the answer's
// pending_verification sentences ("如果民警核实您申报的租赁合同…").
export function PendingFacts({ person }) {
  const live = (person.residence || []).find((r) => r.to === null);
  const target = live ? live.division : person.hukou && person.hukou.division;
  const declared = ((person.ledger && person.ledger.in_force) || []).filter((e) => e.source === 'declared');
  const load = useLoad(
    () => (target && target.startsWith('33') && declared.length ? get('/api/v1/persons/me/eligibility' + query({ target })) : Promise.resolve(null)),
    [target, declared.length],
  );
  if (!declared.length) return null;
  const pending = (load.data && load.data.pending_verification) || [];
  return html`<section class="card" aria-labelledby="me-pending">
    <h2 id="me-pending">${t('res.facts.pending.h')}</h2>
    <p>${t('res.facts.pending.count', { n: declared.length })} <a href=${href('/me/facts')}>${t('res.facts.pending.see')}</a></p>
    ${load.error ? html`<${ErrorBanner} error=${load.error} />` : null}
    ${pending.length ? html`<ul class="plain pending">${pending.map((p) => html`<li data-pathway=${p.pathway}>${pick(p)}</li>`)}</ul>` : null}
  </section>`;
}

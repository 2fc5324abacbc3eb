// The officer's worklist of declarations (issue 10/11): what residents of the jurisdiction (hukou
// or residence registration in it) declared and nobody has verified yet, oldest first
// (GET /api/v1/facts?state=declared), filtered by kind and paged; opening one
// (#/declarations-waiting/ENTRY) shows the person, the declared fact and its documents, to verify
// it or correct it with a reason. Only the entry number is ever in the page's address: the full
// ID number comes with the entry (GET /api/v1/facts/{entry}) and travels only in fetch calls.
import { html, useState } from '../../lib.js';
import { t, formatNumber } from '../../i18n.js';
import { get, query } from '../../api.js';
import { href } from '../../router.js';
import { useLoad, Loading, ErrorBanner, DateText, SelectInput, Button, Alert } from '../../ui.js';
import { maskId } from '../staff/common.js';
import { loadDivisions } from '../resident/data.js';
import { describe } from '../resident/facts.js';
import { Declaration } from './facts.js';

const PAGE = 50;
export const FACT_KINDS = ['housing', 'employment', 'schooling', 'social_insurance', 'talent', 'education', 'marital_status', 'kinship'];

// The declared fact as a readable line: the resident's own wording of it, and for a link to a
// relative the relation and the relative's masked number.
function sentence(e, divisions) {
  if (e.kind === 'kinship') {
    const f = e.fact || {};
    return t('officer.wl.kinship', { relation: t('officer.wl.relation.' + f.relation), id: maskId(f.id_number) });
  }
  return describe(e, divisions);
}

export function WaitingPage() {
  const [kind, setKind] = useState('');
  const [more, setMore] = useState({ rows: [], next: null, busy: false, error: null });
  const args = (after) => query({ state: 'declared', kind, limit: PAGE, after });
  const list = useLoad(async () => {
    const [r, divisions] = await Promise.all([get('/api/v1/facts' + args()), loadDivisions()]);
    setMore({ rows: [], next: r.next || null, busy: false, error: null });
    return { ...r, divisions };
  }, [kind]);
  async function loadMore() {
    setMore((m) => ({ ...m, busy: true }));
    try {
      const r = await get('/api/v1/facts' + args(more.next));
      setMore((m) => ({ rows: [...m.rows, ...(r.entries || [])], next: r.next || null, busy: false, error: null }));
    } catch (error) {
      setMore((m) => ({ ...m, busy: false, error }));
    }
  }
  const rows = list.data ? [...list.data.entries, ...more.rows] : [];
  const nextKey = list.data && (more.rows.length ? more.next : list.data.next);
  return html`<h1 tabindex="-1">${t('officer.wl.title')}</h1>
    <p class="lead">${t('officer.wl.lead')}</p>
    <div class="filters">
      <${SelectInput} id="wl-kind" label=${t('officer.wl.kind')} value=${kind} onChange=${(e) => setKind(e.target.value)}
        options=${[{ value: '', label: t('officer.wl.kind.any') }, ...FACT_KINDS.map((k) => ({ value: k, label: t('officer.wl.kind.' + k) }))]} />
    </div>
    <${ErrorBanner} error=${list.error || more.error} />
    ${list.loading && html`<${Loading} />`}
    ${list.data &&
    html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('staff.table')}>
        <table id="wl-table" class="stack">
          <caption>${t('officer.wl.caption', { n: formatNumber(rows.length) })}</caption>
          <thead><tr><th scope="col">${t('officer.wl.entry')}</th><th scope="col">${t('officer.wl.name')}</th><th scope="col">${t('officer.wl.id')}</th>
            <th scope="col">${t('officer.wl.kind')}</th><th scope="col">${t('officer.wl.what')}</th><th scope="col">${t('officer.wl.declared')}</th>
            <th scope="col">${t('officer.wl.files')}</th><th scope="col"><span class="sr-only">${t('officer.wl.action')}</span></th></tr></thead>
          <tbody>
            ${rows.length === 0 && html`<tr><td colspan="8" class="muted">${t('officer.wl.none')}</td></tr>`}
            ${rows.map(
              (e) => html`<tr data-entry=${e.entry}>
                <td class="num" data-label=${t('officer.wl.entry')}>${e.entry}</td><td data-label=${t('officer.wl.name')}>${e.person.name}</td><td class="num" data-label=${t('officer.wl.id')}>${e.person.id_masked}</td>
                <td data-label=${t('officer.wl.kind')}>${t('officer.wl.kind.' + e.kind)}</td><td data-label=${t('officer.wl.what')}>${sentence(e, list.data.divisions)}</td>
                <td data-label=${t('officer.wl.declared')}><${DateText} value=${e.recorded_on} /></td><td class="num" data-label=${t('officer.wl.files')}>${formatNumber(e.materials)}</td>
                <td><a href=${href('/declarations-waiting/' + e.entry)}>${t('officer.wl.open', { entry: e.entry })}</a></td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${nextKey && html`<div class="actions"><${Button} kind="secondary" type="button" busy=${more.busy} onClick=${loadMore}>${t('common.more')}<//></div>`}`}`;
}

async function loadEntry(entry) {
  const [e, divisions] = await Promise.all([get('/api/v1/facts/' + encodeURIComponent(entry)), loadDivisions()]);
  const waiting = e.source === 'declared' && e.in_force;
  const files = waiting ? await get(`/api/v1/persons/${encodeURIComponent(e.person.id_number)}/facts/${e.entry}/materials`) : [];
  return { e: { ...e, files }, waiting, divisions };
}

export function WaitingEntryPage({ entry }) {
  const load = useLoad(() => loadEntry(entry), [entry]);
  const [notice, setNotice] = useState(null);
  const d = load.data;
  return html`<p><a href=${href('/declarations-waiting')}>${t('officer.wl.back')}</a></p>
    <h1 tabindex="-1">${t('officer.wl.entry.title', { entry })}</h1>
    ${notice && html`<${Alert} kind="success">${notice}<//>`}
    <${ErrorBanner} error=${load.error} />
    ${load.loading && !d && html`<${Loading} />`}
    ${d &&
    html`<dl class="facts" id="wl-summary">
        <div class="fact"><dt>${t('officer.wl.person')}</dt><dd>${d.e.person.name} (${d.e.person.id_masked})</dd></div>
        <div class="fact"><dt>${t('officer.wl.kind')}</dt><dd>${t('officer.wl.kind.' + d.e.kind)}</dd></div>
        <div class="fact"><dt>${t('officer.wl.what')}</dt><dd>${sentence(d.e, d.divisions)}</dd></div>
        <div class="fact"><dt>${t('officer.wl.declared')}</dt><dd><${DateText} value=${d.e.recorded_on} /></dd></div>
      </dl>
      ${d.waiting
        ? html`<ul class="app-list">
            <${Declaration} id=${d.e.person.id_number} e=${d.e} onDone=${(msg) => {
              setNotice(msg);
              load.reload();
            }} />
          </ul>`
        : html`<p class="muted" id="wl-handled">${t('officer.wl.handled')}</p>`}`}`;
}

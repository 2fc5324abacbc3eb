// The officer's queue (issue 11, "the officer's workbench"): the applications of the
// jurisdiction with counts by state (GET /api/v1/applications/counts), overdue ones first (the
// list's own order), filters by state, kind and overdue, pages of 50, and a search by ID number
// or name (POST /api/v1/persons/search: the number travels in a request body, the page's
// address and every list show it masked; issue 11, no full ID number in any URL or title).
import { html, useState } from '../../lib.js';
import { t, formatNumber } from '../../i18n.js';
import { get, post, query } from '../../api.js';
import { href, navigate, currentQuery } from '../../router.js';
import { useSession } from '../../session.js';
import { useLoad, useForm, Loading, ErrorBanner, DateText, SelectInput, TextInput, Button } from '../../ui.js';
import { STATES, StateBadge, pathwayLabel } from '../staff/common.js';

const PAGE = 50;
const ID_RE = /^[0-9]{17}[0-9Xx]$/;

function Counts({ counts }) {
  if (!counts) return null;
  const by = counts.by_state || {};
  return html`<ul class="stat-tiles" aria-label=${t('officer.counts')}>
    <li class=${counts.overdue ? 'tile tile-alert' : 'tile'}><span class="tile-n">${formatNumber(counts.overdue || 0)}</span><span>${t('officer.overdue')}</span></li>
    ${STATES.map((s) => html`<li class="tile"><span class="tile-n">${formatNumber(by[s] || 0)}</span><span>${t('staff.state.' + s)}</span></li>`)}
  </ul>`;
}

// Who a number or a name finds, and a link to their applications in the queue.
function PersonSearch({ onPick }) {
  const form = useForm({ term: '' }, { id_number: 'term', name: 'term' });
  const [found, setFound] = useState(null);
  async function onSubmit(e) {
    e.preventDefault();
    if (!form.values.term.trim()) {
      form.setErrors({ term: t('officer.search.empty') });
      return;
    }
    const r = await form.submit(async (v) => {
      const term = v.term.trim();
      const body = ID_RE.test(term) ? { id_number: term.toUpperCase() } : { name: term };
      return post('/api/v1/persons/search', body);
    });
    // The number leaves the form as soon as it has been sent (it is not kept on screen).
    if (r) {
      setFound(r.persons || []);
      form.setValues({ term: '' });
    }
  }
  return html`<form class="search-form" onSubmit=${onSubmit} novalidate role="search">
      <${ErrorBanner} error=${form.banner} />
      <${TextInput} label=${t('officer.search.label')} hint=${t('officer.search.hint')} value=${form.values.term} error=${form.errors.term}
        onInput=${form.set('term')} maxlength="40" autocomplete="off" />
      <${Button} type="submit" busy=${form.busy}>${t('officer.search.submit')}<//>
    </form>
    ${found &&
    html`<div class="card search-result" role="status">
      <h2>${t('officer.search.found', { n: formatNumber(found.length) })}</h2>
      ${found.length === 0 ? html`<p>${t('officer.search.none')}</p>` : ''}
      <ul class="plain">
        ${found.map(
          (p) => html`<li>
            <span>${p.name || ''} <span class="num">${p.id_masked}</span> · ${t('officer.search.hukou')}: ${(p.hukou && (p.hukou.division_name || p.hukou.division)) || '—'}</span>
            <button class="btn btn-link" type="button" onClick=${() => onPick(p)}>${t('officer.search.apps')}</button>
          </li>`,
        )}
      </ul>
    </div>`}`;
}

export function QueuePage() {
  const { session } = useSession();
  const q = currentQuery();
  const [filters, setFilters] = useState({ state: q.get('state') || '', kind: q.get('kind') || '', overdue: q.get('overdue') || '' });
  const [who, setWho] = useState(null); // {name, id_masked}: the queue narrowed to one applicant
  const [more, setMore] = useState({ rows: [], next: null, busy: false, error: null });
  const counts = useLoad(() => get('/api/v1/applications/counts'), []);
  const list = useLoad(async () => {
    const r = await get('/api/v1/applications' + query({ ...filters, q: who ? who.name : '', limit: PAGE }));
    setMore({ rows: [], next: r.next || null, busy: false, error: null });
    return r;
  }, [filters.state, filters.kind, filters.overdue, who && who.id_masked]);

  const rows = list.data ? [...(list.data.applications || []), ...more.rows].filter((a) => !who || a.applicant === who.id_masked) : [];
  async function loadMore() {
    setMore((m) => ({ ...m, busy: true }));
    try {
      const r = await get('/api/v1/applications' + query({ ...filters, q: who ? who.name : '', limit: PAGE, after: more.next }));
      setMore((m) => ({ rows: [...m.rows, ...(r.applications || [])], next: r.next || null, busy: false, error: null }));
    } catch (error) {
      setMore((m) => ({ ...m, busy: false, error }));
    }
  }
  // Filters live in the page's address (never a number), so that Back returns to the same view.
  const setFilter = (name) => (e) => {
    const next = { ...filters, [name]: e.target.value };
    setFilters(next);
    navigate('/officer' + query(next), { replace: true });
  };
  const by = (counts.data && counts.data.by_state) || {};
  const stateOptions = [{ value: '', label: t('officer.filter.any') }, ...STATES.map((s) => ({ value: s, label: counts.data ? `${t('staff.state.' + s)} (${formatNumber(by[s] || 0)})` : t('staff.state.' + s) }))];
  const nextKey = list.data && (more.rows.length ? more.next : list.data.next);
  return html`<h1 tabindex="-1">${t('officer.queue.title')}</h1>
    <p class="lead">${t('officer.queue.lead', { area: (session && session.jurisdiction) || '' })}</p>
    <${ErrorBanner} error=${counts.error} />
    <${Counts} counts=${counts.data} />
    <div class="toolbar">
      <div><${PersonSearch} onPick=${(p) => setWho({ name: p.name, id_masked: p.id_masked })} /></div>
      <div class="filters">
        <${SelectInput} label=${t('officer.filter.state')} value=${filters.state} onChange=${setFilter('state')} options=${stateOptions} />
        <${SelectInput} label=${t('officer.filter.kind')} value=${filters.kind} onChange=${setFilter('kind')}
          options=${[{ value: '', label: t('officer.filter.any') }, { value: 'settlement', label: t('staff.kind.settlement') }, { value: 'permit', label: t('staff.kind.permit') }]} />
        <${SelectInput} label=${t('officer.filter.overdue')} value=${filters.overdue} onChange=${setFilter('overdue')}
          options=${[{ value: '', label: t('officer.filter.any') }, { value: 'true', label: t('officer.filter.overdue_only') }]} />
      </div>
    </div>
    ${who &&
    html`<p class="alert alert-info">${t('officer.search.narrowed', { who: `${who.name || ''} ${who.id_masked}` })}
      <button class="btn btn-link" type="button" onClick=${() => setWho(null)}>${t('officer.search.clear')}</button></p>`}
    <${ErrorBanner} error=${list.error || more.error} />
    ${list.loading && html`<${Loading} />`}
    ${list.data &&
    html`<div class="table-wrap" tabindex="0" role="region" aria-label=${t('staff.table')}>
        <table class="stack">
          <caption>${t('officer.queue.caption', { n: formatNumber(rows.length) })}</caption>
          <thead><tr>
            <th scope="col">${t('officer.col.id')}</th><th scope="col">${t('officer.col.applicant')}</th><th scope="col">${t('officer.col.kind')}</th>
            <th scope="col">${t('officer.col.target')}</th><th scope="col">${t('officer.col.state')}</th><th scope="col">${t('officer.col.submitted')}</th><th scope="col">${t('officer.col.due')}</th>
          </tr></thead>
          <tbody>
            ${rows.length === 0 && html`<tr><td colspan="7" class="muted">${t('officer.queue.empty')}</td></tr>`}
            ${rows.map(
              (a) => html`<tr class=${a.overdue ? 'row-overdue' : ''}>
                <td data-label=${t('officer.col.id')}><a href=${href('/officer/applications/' + a.id)}>${t('officer.app.no', { id: a.id })}</a></td>
                <td data-label=${t('officer.col.applicant')}>${a.name ? html`${a.name}<br />` : ''}<span class="num muted">${a.applicant}</span></td>
                <td data-label=${t('officer.col.kind')}>${t('staff.kind.' + a.kind)}${a.pathway ? html`<br /><span class="muted">${pathwayLabel(a.pathway)}</span>` : ''}</td>
                <td data-label=${t('officer.col.target')}>${a.target_name || ''} <span class="num muted">${a.target}</span></td>
                <td data-label=${t('officer.col.state')}><${StateBadge} state=${a.state} />${a.overdue ? html` <span class="badge badge-no">${t('officer.overdue')}</span>` : ''}</td>
                <td data-label=${t('officer.col.submitted')}><${DateText} value=${a.submitted_on} /></td>
                <td data-label=${t('officer.col.due')}><${DateText} value=${a.due_on} /></td>
              </tr>`,
            )}
          </tbody>
        </table>
      </div>
      ${nextKey && html`<div class="actions"><${Button} kind="secondary" type="button" busy=${more.busy} onClick=${loadMore}>${t('common.more')}<//></div>`}`}`;
}

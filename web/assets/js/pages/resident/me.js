// The signed-in resident's own pages (issue 11): my household registration, my residence
// history, my residence permit (endorsement when its window is open), my applications. Every
// read goes through "me" (/api/v1/persons/me...), so no ID number is in any route; relatives'
// numbers are shown masked.
import { html, useState, useEffect } from '../../lib.js';
import { t, formatDate } from '../../i18n.js';
import { get, post, ApiError } from '../../api.js';
import { href } from '../../router.js';
import { useSession } from '../../session.js';
import { Facts, DateText, ErrorBanner, Loading, Alert, Button } from '../../ui.js';
import { loadDivisions } from './data.js';
import { PendingFacts } from './facts.js';

export const mask = (id) => (id && id.length === 18 ? id.slice(0, 6) + '********' + id.slice(14) : id || '');

// Loads several things at once; each may fail alone (a permit that does not exist is a 404).
function useMine() {
  const [state, setState] = useState({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    const soft404 = (p) => p.catch((e) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e)));
    Promise.all([get('/api/v1/persons/me'), soft404(get('/api/v1/persons/me/permit')), get('/api/v1/applications'), loadDivisions()]).then(
      ([person, permit, apps, divisions]) => live && setState({ person, permit, apps: Array.isArray(apps) ? apps : apps.applications || [], divisions }),
      (error) => live && setState({ error }),
    );
    return () => {
      live = false;
    };
  }, [tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

export function StateBadge({ state }) {
  const cls = state === 'completed' || state === 'approved' ? 'badge badge-ok' : state === 'rejected' ? 'badge badge-no' : state === 'material_requested' ? 'badge badge-wait' : 'badge';
  return html`<span class=${cls} data-state=${state}>${t('res.state.' + state)}</span>`;
}

export function AppList({ apps, divisions }) {
  if (!apps.length) return html`<p class="muted">${t('res.me.apps.none')}</p>`;
  return html`<ul class="app-list">
    ${apps.map(
      (a) => html`<li class="card">
        <a href=${href('/me/applications/' + a.id)}>${t('res.kind.' + a.kind)} · ${divisions.name(a.target)}</a>
        <p><${StateBadge} state=${a.state} /> <span class="muted">${t('res.app.no', { id: a.id })} · ${t('res.app.submitted_on', { date: formatDate(a.submitted_on) })}</span></p>
        ${a.state === 'material_requested' ? html`<p class="field-error">${t('res.me.apps.material')}</p>` : null}
      </li>`,
    )}
  </ul>`;
}

function PermitCard({ permit, divisions, onEndorsed }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [done, setDone] = useState(null);
  if (!permit)
    return html`<p>${t('res.permit.none')}</p>
      <p><a class="btn btn-secondary" href=${href('/me/apply?kind=permit')}>${t('res.permit.apply')}</a></p>`;
  async function endorse() {
    setBusy(true);
    setError(null);
    try {
      const r = await post('/api/v1/persons/me/permit/endorse');
      setDone(r);
      onEndorsed();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }
  return html`<${Facts}
      items=${[
        [t('res.permit.number'), html`<span class="num">${permit.number}</span>`],
        [t('res.permit.state'), t('res.permit.state.' + permit.state)],
        [t('res.permit.where'), divisions.name(permit.division)],
        [t('res.permit.issued'), html`<${DateText} value=${permit.issued_on} />`],
        [t('res.permit.valid_until'), html`<${DateText} value=${permit.valid_until} />`],
        [t('res.permit.window'), permit.endorse_from ? t('res.permit.window.from', { date: formatDate(permit.endorse_from) }) : '—'],
      ]} />
    ${done && html`<${Alert} kind="success">${t('res.permit.endorsed', { date: formatDate(done.valid_until) })}<//>`}
    <${ErrorBanner} error=${error} />
    <p class="hint">${t('res.permit.endorse.hint')}</p>
    <div class="actions"><${Button} kind="secondary" type="button" busy=${busy} onClick=${endorse}>${t('res.permit.endorse')}<//></div>`;
}

export function MePage() {
  const { session } = useSession();
  const mine = useMine();
  if (mine.error) {
    const notLinked = mine.error instanceof ApiError && (mine.error.status === 404 || mine.error.status === 403);
    return html`<h1 tabindex="-1">${t('res.me.title')}</h1>
      ${notLinked ? html`<${Alert} kind="warning">${t('res.me.notlinked')}<//>` : html`<${ErrorBanner} error=${mine.error} />`}`;
  }
  if (mine.loading) return html`<h1 tabindex="-1">${t('res.me.title')}</h1><${Loading} />`;
  const { person, permit, apps, divisions } = mine;
  const h = person.hukou || {};
  const residence = [...(person.residence || [])].reverse();
  return html`<h1 tabindex="-1">${t('res.me.title')}</h1>
    <p class="lead">${t('res.me.hello', { name: person.name || session.name, id: session.id_number_masked || mask(person.id_number) })}</p>
    <div class="actions">
      <a class="btn btn-primary" href=${href('/me/apply')}>${t('res.me.apply')}</a>
      <a class="btn btn-secondary" href=${href('/me/residence')}>${t('res.me.declare')}</a>
      <a class="btn btn-secondary" href=${href('/me/facts')}>${t('res.me.facts')}</a>
    </div>
    <${PendingFacts} person=${person} />
    <div class="cards">
      <section class="card" aria-labelledby="me-hukou">
        <h2 id="me-hukou">${t('res.me.hukou')}</h2>
        ${person.hukou
          ? html`<${Facts}
              items=${[
                [t('res.me.hukou.where'), `${h.division_name || divisions.name(h.division)}（${h.division}）`],
                [t('res.me.hukou.household'), h.household_no || '—'],
                [t('res.me.hukou.kind'), t('res.household.' + (h.household || 'family'))],
                [t('res.me.hukou.head'), h.head ? t('common.yes') : t('common.no')],
                [t('res.me.hukou.urban'), h.urban ? t('res.urban') : t('res.rural')],
              ]} />`
          : html`<p>${t('res.me.hukou.none')}</p>`}
        <h3>${t('res.me.relatives')}</h3>
        ${(person.relatives || []).length
          ? html`<ul class="plain">
              ${person.relatives.map((r) => html`<li><span>${t('res.relation.' + r.relation)}</span> <span class="num">${mask(r.id_number)}</span></li>`)}
            </ul>`
          : html`<p class="muted">${t('common.none')}</p>`}
      </section>
      <section class="card" aria-labelledby="me-permit">
        <h2 id="me-permit">${t('res.me.permit')}</h2>
        <${PermitCard} permit=${permit} divisions=${divisions} onEndorsed=${mine.reload} />
      </section>
    </div>
    <section aria-labelledby="me-residence">
      <h2 id="me-residence">${t('res.me.residence')}</h2>
      ${residence.length
        ? html`<div class="table-wrap"><table class="stack">
            <caption class="visually-hidden">${t('res.me.residence')}</caption>
            <thead><tr><th scope="col">${t('res.me.residence.where')}</th><th scope="col">${t('res.me.residence.from')}</th><th scope="col">${t('res.me.residence.to')}</th></tr></thead>
            <tbody>
              ${residence.map(
                (r) => html`<tr>
                  <td data-label=${t('res.me.residence.where')}>${divisions.name(r.division)}${r.urban === false ? `（${t('res.rural')}）` : ''}</td>
                  <td data-label=${t('res.me.residence.from')}><${DateText} value=${r.from} /></td>
                  <td data-label=${t('res.me.residence.to')}>${r.to ? html`<${DateText} value=${r.to} />` : html`<strong>${t('res.me.residence.now')}</strong>`}</td>
                </tr>`,
              )}
            </tbody>
          </table></div>`
        : html`<p class="muted">${t('res.me.residence.none')}</p>`}
    </section>
    <section aria-labelledby="me-apps">
      <h2 id="me-apps">${t('res.me.apps')}</h2>
      <${AppList} apps=${apps} divisions=${divisions} />
    </section>`;
}


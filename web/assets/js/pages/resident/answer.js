// The engine's answer as a resident reads it: for the residence permit and each settlement
// pathway, eligible or not, the date from which it is (or will be) met in large type, each
// condition met or missing in a sentence, and the clause of the notice behind it
// (../shared/spec/eligibility.md, "The answer").
import { html } from '../../lib.js';
import { t, pick, formatDate } from '../../i18n.js';

function verdict(r) {
  if (!r.applicable) return { cls: 'badge', text: t('res.answer.na') };
  if (r.eligible) return { cls: 'badge badge-ok', text: t('res.answer.eligible') };
  if (r.eligible_from) return { cls: 'badge badge-wait', text: t('res.answer.later') };
  return { cls: 'badge badge-no', text: t('res.answer.no') };
}

function Conditions({ list }) {
  if (!list || list.length === 0) return null;
  return html`<ul class="conditions">
    ${list.map(
      (c) => html`<li class=${c.met ? 'met' : 'unmet'}>
        <span class="mark" aria-hidden="true">${c.met ? '✓' : '✗'}</span>
        <span><span class="visually-hidden">${c.met ? t('res.answer.met') : t('res.answer.unmet')}</span>${pick(c, 'text')}</span>
      </li>`,
    )}
  </ul>`;
}

// One pathway (or the permit) as a card. name: its heading.
export function PathwayCard({ name, result, headingLevel = 3 }) {
  const v = verdict(result);
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return html`<section class=${'card pathway' + (result.eligible ? ' pathway-ok' : '')} data-pathway=${result.pathway || 'residence_permit'}>
    <${H}>${name} <span class="clause">${result.clause || ''}</span><//>
    <p><span class=${v.cls} data-verdict=${result.applicable ? (result.eligible ? 'eligible' : result.eligible_from ? 'later' : 'no') : 'na'}>${v.text}</span></p>
    ${result.applicable && result.eligible_from
      ? html`<p class="from-line">${result.eligible ? t('res.answer.since') : t('res.answer.from')}</p>
          <p class="big-date" data-eligible-from=${result.eligible_from}><time datetime=${result.eligible_from}>${formatDate(result.eligible_from)}</time></p>`
      : null}
    ${!result.applicable && (result.reason_text || result.reason) ? html`<p class="muted">${pick(result, 'reason_text') || result.reason}</p>` : null}
    ${result.rule ? html`<p>${t('res.answer.rule')}${t('res.rule.' + result.rule)}</p>` : null}
    ${result.address ? html`<p>${t('res.answer.address')}${t('res.address.' + result.address.kind)}</p>` : null}
    ${result.points ? html`<p>${t('res.answer.points', { total: result.points.total, threshold: result.points.threshold })}</p>` : null}
    <${Conditions} list=${result.conditions} />
  </section>`;
}

// The whole answer: the permit first, then every settlement pathway in the contract's order.
// only: 'permit' or 'settlement' to show one kind (the application form shows its own).
export function Answer({ answer, only }) {
  if (!answer) return null;
  const pathways = (answer.settlement && answer.settlement.pathways) || [];
  const best = pathways.filter((p) => p.eligible).map((p) => p.eligible_from).sort()[0];
  const soonest = pathways.filter((p) => !p.eligible && p.eligible_from).map((p) => p.eligible_from).sort()[0];
  return html`<div class="answer">
    <p class="muted">${t('res.answer.asof', { date: formatDate(answer.as_of), place: answer.target ? `${answer.target.city_name || ''}${answer.target.name || ''}` : '' })}</p>
    ${only !== 'permit' &&
    html`<div class=${'summary card ' + (answer.settlement && answer.settlement.eligible ? 'summary-ok' : '')}>
      <h3>${t('res.answer.settle.h')}</h3>
      ${answer.settlement && answer.settlement.eligible
        ? html`<p>${t('res.answer.settle.yes')}</p><p class="big-date"><time datetime=${best}>${formatDate(best)}</time></p>`
        : soonest
          ? html`<p>${t('res.answer.settle.later')}</p><p class="big-date"><time datetime=${soonest}>${formatDate(soonest)}</time></p>`
          : html`<p>${t('res.answer.settle.no')}</p>`}
    </div>`}
    ${only !== 'settlement' && answer.residence_permit &&
    html`<${PathwayCard} name=${t('res.pathway.residence_permit')} result=${answer.residence_permit} />`}
    ${only !== 'permit' &&
    pathways.map((p) => html`<${PathwayCard} name=${t('res.pathway.' + p.pathway)} result=${p} />`)}
  </div>`;
}

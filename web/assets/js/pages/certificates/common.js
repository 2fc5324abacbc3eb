// What the certificate pages share (issue 12): type and status in words, the dates a
// certificate carries (Unix seconds in the API's claims, or ISO dates), a card of the list, and
// the facts of one certificate.
import { html } from '../../lib.js';
import { t, isEn, formatDate } from '../../i18n.js';
import { href } from '../../router.js';
import { DivisionLabel } from '../staff/common.js';

// "2024-05-31T16:00:00Z" (the API's times, UTC) or seconds since 1970 → the reader's date of
// that moment in China, where the registry's days are: a certificate issued at 00:00 Beijing
// time is dated that day, not the UTC day before.
const CHINA_DAY = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit' });
export function certDate(v) {
  if (v === null || v === undefined || v === '' || v === 0) return '';
  const d = typeof v === 'number' ? new Date(v * 1000) : /T/.test(String(v)) ? new Date(v) : null;
  if (d && !Number.isNaN(d.getTime())) return formatDate(CHINA_DAY.format(d));
  return formatDate(String(v).slice(0, 10));
}

export function typeLabel(c) {
  const own = isEn() ? c.type_en : c.type_zh;
  if (own) return own;
  const k = 'cert.type.' + c.type;
  return t(k) === k ? c.type || '' : t(k);
}

export function StatusBadge({ status }) {
  const cls = status === 'valid' ? 'badge-ok' : status === 'revoked' ? 'badge-no' : 'badge-wait';
  const k = 'cert.status.' + status;
  return html`<span class=${'badge ' + cls} data-status=${status}>${t(k) === k ? status : t(k)}</span>`;
}

// "superseded" → words where the catalogue knows the reason, else the officer's own text.
export function reasonText(r) {
  if (!r) return '—';
  const k = 'cert.reason.' + r;
  return t(k) === k ? r : t(k);
}

export function validityText(c) {
  if (!c.valid_until) return t('cert.no_expiry');
  return t('cert.valid_until', { date: certDate(c.valid_until) });
}

export function Issuer({ code }) {
  return html`<${DivisionLabel} code=${code ? String(code) : ''} />`;
}

// One certificate in a list: a card that opens it.
export function CertificateCard({ c, to }) {
  const h = 'cert-' + c.id;
  return html`<li class="card cert-card" data-cert=${c.id} data-type=${c.type} aria-labelledby=${h}>
    <h3 id=${h}><a href=${href(to || '/certificates/' + encodeURIComponent(c.id))}>${typeLabel(c)}</a></h3>
    <p><${StatusBadge} status=${c.status} /> <span class="muted">${validityText(c)}</span></p>
    <p class="muted">${t('cert.issuer')}${t('cert.colon')}<${Issuer} code=${c.issuer} /> · ${t('cert.issued')}${t('cert.colon')}${certDate(c.issued_at)}</p>
    <p class="muted num cert-id">${t('cert.id')}${t('cert.colon')}${c.id}</p>
  </li>`;
}

// The printed facts of a certificate (the verification answer's members, or one certificate's).
export function certFacts(c) {
  const items = [];
  if (c.name) items.push([t('cert.holder'), c.name]);
  if (c.id_masked) items.push([t('cert.id_masked'), html`<span class="num">${c.id_masked}</span>`]);
  if (c.issuer) items.push([t('cert.issuer'), html`<${Issuer} code=${c.issuer} />`]);
  if (c.issued_at) items.push([t('cert.issued'), certDate(c.issued_at)]);
  items.push([t('cert.validity'), c.valid_until ? t('cert.valid_from_to', { from: certDate(c.valid_from || c.issued_at), to: certDate(c.valid_until) }) : t('cert.no_expiry')]);
  if (c.id) items.push([t('cert.id'), html`<span class="num cert-id">${c.id}</span>`]);
  return items;
}

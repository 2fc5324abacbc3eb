// What the staff pages (officer, analyst, admin) share: masked numbers, division names, the
// labels of states, kinds and pathways, and a small table of errors per field for forms whose
// fields are not all plain inputs.
import { html, useState, useEffect } from '../../lib.js';
import { t, pick, isEn } from '../../i18n.js';
import { get } from '../../api.js';

// 341222199001010112 → 341222********0112: the form every list shows (never the full number).
export function maskId(id) {
  const s = String(id || '').trim().toUpperCase();
  if (s.length !== 18) return s ? s.slice(0, 6) + '********' : '';
  return s.slice(0, 6) + '********' + s.slice(14);
}

// A division's name from GET /api/v1/divisions/{code}, asked once per code per page load.
const divisionCache = new Map();
export function divisionName(code) {
  if (!code) return Promise.resolve(null);
  if (!divisionCache.has(code)) {
    divisionCache.set(
      code,
      get('/api/v1/divisions/' + encodeURIComponent(code)).then(
        (d) => d,
        () => null,
      ),
    );
  }
  return divisionCache.get(code);
}

// "南湖区（330402）": the name the answer carried (Chinese) until the divisions route answered
// with both languages' names; the bare code when neither has.
export function DivisionLabel({ code, name }) {
  const [d, setD] = useState(name ? { name } : null);
  useEffect(() => {
    let live = true;
    setD(name ? { name } : null);
    if (/^[0-9]{6}$/.test(code || '')) divisionName(code).then((x) => live && x && setD(x));
    return () => {
      live = false;
    };
  }, [code, name]);
  if (!code) return html`<span class="muted">—</span>`;
  if (!d) return html`<span class="num">${code}</span>`;
  return html`<span>${pick(d, 'name')}<span class="num">${isEn() ? ` (${code})` : `（${code}）`}</span></span>`;
}

export function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

export const STATES = ['submitted', 'accepted', 'material_requested', 'approved', 'rejected', 'completed'];
export const OPEN_STATES = ['submitted', 'accepted', 'material_requested', 'approved'];

// docs/services.md: overdue = submitted, accepted or approved with due_on before today.
export function isOverdue(a, on = today()) {
  return ['submitted', 'accepted', 'approved'].includes(a.state) && a.due_on && a.due_on < on;
}

export function StateBadge({ state }) {
  const cls = state === 'completed' || state === 'approved' ? 'badge-ok' : state === 'rejected' ? 'badge-no' : 'badge-wait';
  return html`<span class=${'badge ' + cls}>${t('staff.state.' + state)}</span>`;
}

export function pathwayLabel(p, obj) {
  if (obj && (obj.label || obj.label_en)) return pick(obj, 'label');
  if (!p) return '';
  const k = 'staff.pathway.' + p;
  const s = t(k);
  return s === k ? p : s;
}

// Ask the divisions route for names and show "南湖区 (330402)".
export function DivisionText({ code, names }) {
  if (!code) return html`<span class="muted">—</span>`;
  const d = names && names[code];
  return html`<span>${d ? pick(d, 'name') + ' ' : ''}<span class="muted num">${code}</span></span>`;
}

// Download a table as CSV made in the page (UTF-8 with BOM so that spreadsheet programs read
// the Chinese names right).
export function downloadCsv(filename, rows) {
  const esc = (v) => {
    const s = v === null || v === undefined ? '' : String(v);
    return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s;
  };
  const text = '\ufeff' + rows.map((r) => r.map(esc).join(',')).join('\r\n') + '\r\n';
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

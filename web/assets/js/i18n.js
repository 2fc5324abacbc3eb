// Messages and formats in the reader's language: zh-CN first (the default), en one click away.
// Each area of the portal registers its own catalogue (addMessages) so that pages stay apart;
// t() looks a key up in the current language, falls back to Chinese, then shows the key itself
// (a missing message is visible in review and in the tests, never silently blank).
const catalogues = { 'zh-CN': {}, en: {} };
const listeners = new Set();
const STORAGE_KEY = 'hukou.lang';

function initialLang() {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'en' || saved === 'zh-CN') return saved;
  } catch (_) {
    /* storage may be disabled: the default stands */
  }
  return 'zh-CN';
}

let current = initialLang();

export function lang() {
  return current;
}

export function isEn() {
  return current === 'en';
}

export function setLang(next) {
  if (next !== 'en' && next !== 'zh-CN') return;
  current = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch (_) {
    /* not remembered across visits; still switched now */
  }
  document.documentElement.lang = next;
  for (const fn of listeners) fn(next);
}

export function onLangChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function addMessages(messages) {
  for (const l of Object.keys(catalogues)) Object.assign(catalogues[l], messages[l] || {});
}

// t('check.title') or t('apps.count', {n: 3}) with {n} placeholders.
export function t(key, params) {
  let s = catalogues[current][key];
  if (s === undefined) s = catalogues['zh-CN'][key];
  if (s === undefined) return key;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m));
  return s;
}

// The API's pairs: {message, message_en}, {name, name_en}, {label, label_en}...
export function pick(obj, base = 'message') {
  if (!obj) return '';
  if (current === 'en' && obj[base + '_en']) return obj[base + '_en'];
  return obj[base] || obj[base + '_en'] || '';
}

// Dates travel as ISO "2024-03-01"; shown as 2024年3月1日 or 1 Mar 2024.
export function formatDate(iso) {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return new Intl.DateTimeFormat(current, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' }).format(d);
}

export function formatNumber(n) {
  if (n === null || n === undefined || n === '') return '';
  return new Intl.NumberFormat(current).format(n);
}

document.documentElement.lang = current;

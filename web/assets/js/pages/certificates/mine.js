// 我的证照 / My certificates (issue 12): the signed-in resident's certificates as cards
// (GET /api/v1/persons/me/certificates), each opening to the certificate, and the two that are
// issued on request (POST … {"type"}): a proof of household registration and a residence
// registration receipt. "me" keeps the number out of every address.
import { html, useState } from '../../lib.js';
import { t } from '../../i18n.js';
import { get, post } from '../../api.js';
import { navigate } from '../../router.js';
import { useLoad, Loading, ErrorBanner, Button } from '../../ui.js';
import { CertificateCard } from './common.js';

const ON_REQUEST = ['hukou_proof', 'residence_receipt'];

export function MyCertificatesPage() {
  const list = useLoad(() => get('/api/v1/persons/me/certificates'), []);
  const [busy, setBusy] = useState(null);
  const [error, setError] = useState(null);
  async function request(type) {
    setBusy(type);
    setError(null);
    try {
      const c = await post('/api/v1/persons/me/certificates', { type });
      navigate('/certificates/' + encodeURIComponent(c.id));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  }
  const certs = Array.isArray(list.data) ? list.data : (list.data && list.data.certificates) || [];
  return html`<h1 tabindex="-1">${t('cert.mine.title')}</h1>
    <p class="lead">${t('cert.mine.lead')}</p>
    <${ErrorBanner} error=${list.error} />
    ${list.loading && html`<${Loading} />`}
    ${list.data &&
    html`<section aria-labelledby="cert-list">
      <h2 id="cert-list" class="sr-only">${t('cert.mine.list')}</h2>
      ${certs.length
        ? html`<ul class="app-list">${certs.map((c) => html`<${CertificateCard} key=${c.id} c=${c} />`)}</ul>`
        : html`<p class="muted">${t('cert.mine.none')}</p>`}
    </section>`}
    <section class="card cert-request" aria-labelledby="cert-request">
      <h2 id="cert-request">${t('cert.request.title')}</h2>
      <p class="muted">${t('cert.request.lead')}</p>
      <${ErrorBanner} error=${error} />
      <div class="actions">
        ${ON_REQUEST.map(
          (type) => html`<${Button} type="button" kind=${type === 'hukou_proof' ? 'primary' : 'secondary'} busy=${busy === type} disabled=${busy !== null}
            data-request=${type} onClick=${() => request(type)}>${t('cert.request.' + type)}<//>`,
        )}
      </div>
    </section>`;
}

// One certificate (issue 12), for its holder and for officers: the QR code large enough to be
// scanned from the phone's screen (GET /api/v1/certificates/{cid}/qr.svg, an image of this
// server), what the certificate certifies with its labels, the PDF to download, and the text
// the QR code holds. A withdrawn certificate says so above everything else.
import { html } from '../../lib.js';
import { t, isEn, formatDate } from '../../i18n.js';
import { get } from '../../api.js';
import { href } from '../../router.js';
import { useSession } from '../../session.js';
import { useLoad, Loading, ErrorBanner, Alert, Facts } from '../../ui.js';
import { StatusBadge, typeLabel, certFacts, reasonText } from './common.js';

const base = (cid) => '/api/v1/certificates/' + encodeURIComponent(cid);

function fieldLabel(f) {
  return (isEn() ? f.label_en : f.label_zh) || f.label_zh || f.label_en || f.key;
}

// The certificate's own words, but a date in the reader's format.
function fieldValue(f) {
  return /^\d{4}-\d{2}-\d{2}$/.test(f.value || '') ? formatDate(f.value) : f.value;
}

export function CertificatePage({ cid }) {
  const { session } = useSession();
  const one = useLoad(() => get(base(cid)), [cid]);
  const c = one.data;
  const back = session && session.role === 'resident' ? '/certificates' : '/officer-certificates';
  return html`<h1 tabindex="-1">${c ? typeLabel(c) : t('cert.page.title')}</h1>
    <${ErrorBanner} error=${one.error} />
    ${one.loading && html`<${Loading} />`}
    ${c &&
    html`<p><${StatusBadge} status=${c.status} /></p>
      ${c.status !== 'valid' &&
      html`<${Alert} kind=${c.status === 'revoked' ? 'error' : 'warning'}>${t('cert.withdrawn.' + c.status, { reason: reasonText(c.status_reason) })}<//>`}
      <div class="cert-show">
        <figure class="qr">
          <img src=${base(cid) + '/qr.svg'} width="320" height="320" alt=${t('cert.qr.alt', { type: typeLabel(c) })} />
          <figcaption class="muted">${t('cert.qr.hint')}</figcaption>
          <div class="actions">
            <a class="btn btn-primary" href=${base(cid) + '/pdf'} download=${cid + '.pdf'} data-pdf>${t('cert.pdf')}</a>
          </div>
        </figure>
        <section aria-labelledby="cert-fields">
          <h2 id="cert-fields">${t('cert.fields')}</h2>
          <${Facts} items=${[...certFacts(c), ...(c.fields || []).map((f) => [fieldLabel(f), fieldValue(f)])]} />
          ${c.qr &&
          html`<details class="qr-text">
            <summary>${t('cert.text')}</summary>
            <p class="cmd" data-qr-text>${c.qr}</p>
          </details>`}
        </section>
      </div>`}
    <p><a href=${href(back)}>${t(back === '/certificates' ? 'cert.back' : 'officer.cert.title')}</a></p>`;
}

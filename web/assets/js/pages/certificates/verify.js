// 证照核验 / Verify a certificate (issue 12): open to anyone, no sign-in. The QR code is read in
// the browser (npm jsqr, fetched when first needed) from a chosen picture or, only once the
// user presses the button, from the camera's frames; or its text is pasted. The text (and the
// holder's number, when given) goes to POST /api/v1/certificates/verify, whose answer is shown
// as one clear verdict with the facts printed on the certificate. The picture never leaves the
// browser; the number is sent in the body only, and neither is kept.
import { html, useState, useRef, useEffect } from '../../lib.js';
import { t } from '../../i18n.js';
import { post } from '../../api.js';
import { useForm, Field, TextInput, Button, ErrorBanner, Facts } from '../../ui.js';
import { typeLabel, certFacts } from './common.js';

let decoder = null;
function loadDecoder() {
  decoder = decoder || import('../../../vendor/jsqr.mjs').then((m) => m.default);
  return decoder;
}

// The pixels of a picture or a video frame, at most 2000 px on its longer side (a phone's
// photo is larger; a QR code of a printed page still has several pixels per module there).
function pixels(source, w, h) {
  const scale = Math.min(1, 2000 / Math.max(w, h));
  const cw = Math.max(1, Math.round(w * scale));
  const ch = Math.max(1, Math.round(h * scale));
  const canvas = document.createElement('canvas');
  canvas.width = cw;
  canvas.height = ch;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  ctx.drawImage(source, 0, 0, cw, ch);
  return ctx.getImageData(0, 0, cw, ch);
}

// A picture's QR text: {text} or {error: 'bad' | 'none'}. createImageBitmap reads the file
// without a blob: URL, which the portal's Content-Security-Policy would not load.
async function decodePicture(file) {
  const jsQR = await loadDecoder();
  let bitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch (_) {
    return { error: 'bad' };
  }
  const img = pixels(bitmap, bitmap.width, bitmap.height);
  if (bitmap.close) bitmap.close();
  const code = jsQR(img.data, img.width, img.height, { inversionAttempts: 'attemptBoth' });
  return code && code.data ? { text: code.data } : { error: 'none' };
}

// The camera, only after the button is pressed: frames scanned four times a second until a
// code is found or the user stops; the camera is released either way, and on leaving the page.
function Camera({ onText }) {
  const [state, setState] = useState('off'); // off | on | error
  const video = useRef(null);
  const stream = useRef(null);
  const timer = useRef(null);
  const stop = () => {
    clearTimeout(timer.current);
    if (stream.current) for (const track of stream.current.getTracks()) track.stop();
    stream.current = null;
    if (video.current) video.current.srcObject = null;
  };
  useEffect(() => stop, []);
  async function start() {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      setState('error');
      return;
    }
    try {
      const jsQR = await loadDecoder();
      stream.current = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
      setState('on');
      const v = video.current;
      v.srcObject = stream.current;
      await v.play();
      const tick = () => {
        if (!stream.current) return;
        if (v.readyState >= 2 && v.videoWidth) {
          const img = pixels(v, v.videoWidth, v.videoHeight);
          const code = jsQR(img.data, img.width, img.height);
          if (code && code.data) {
            stop();
            setState('off');
            onText(code.data);
            return;
          }
        }
        timer.current = setTimeout(tick, 250);
      };
      tick();
    } catch (_) {
      stop();
      setState('error');
    }
  }
  return html`<section class="card verify-way" aria-labelledby="v-camera">
    <h2 id="v-camera">${t('verify.camera')}</h2>
    ${state === 'error' && html`<p class="field-error" role="alert">${t('verify.camera.unavailable')}</p>`}
    ${state === 'on' && html`<p role="status">${t('verify.camera.scanning')}</p>`}
    <video ref=${video} class="camera" hidden=${state !== 'on'} muted playsinline aria-label=${t('verify.camera.video')}></video>
    <div class="actions">
      ${state === 'on'
        ? html`<${Button} type="button" kind="secondary" onClick=${() => {
            stop();
            setState('off');
          }}>${t('verify.camera.stop')}<//>`
        : html`<${Button} type="button" kind="secondary" id="v-camera-start" onClick=${start}>${t('verify.camera.start')}<//>`}
    </div>
  </section>`;
}

const KIND = {
  valid: 'ok',
  revoked: 'no',
  suspended: 'wait',
  expired: 'wait',
  not_yet_valid: 'wait',
  bad_signature: 'no',
  unknown_key: 'no',
  malformed: 'no',
};

function Verdict({ r }) {
  const v = KIND[r.verdict] ? r.verdict : 'malformed';
  const ok = v === 'valid';
  const body = ok && r.status_checked === false ? 'verify.v.valid.offline' : `verify.v.${v}.body`;
  return html`<section class=${'verdict verdict-' + KIND[v]} data-verdict=${r.verdict} aria-labelledby="v-result">
    <p class="sr-only">${t('verify.result')}</p>
    <h2 id="v-result" tabindex="-1"><span class="verdict-mark" aria-hidden="true">${ok ? '✓' : KIND[v] === 'wait' ? '!' : '✗'}</span> ${t('verify.v.' + v)}</h2>
    <p>${t(body)}</p>
    ${r.holder_matches === true && html`<p class="holder holder-yes" data-holder="yes">${t('verify.holder.yes')}</p>`}
    ${r.holder_matches === false && html`<p class="holder holder-no" data-holder="no">${t('verify.holder.no')}</p>`}
    ${r.type && html`<h3>${typeLabel(r)}</h3><${Facts} items=${certFacts(r)} />`}
  </section>`;
}

export function VerifyPage() {
  const form = useForm({ text: '', id: '' }, { qr: 'text', id_number: 'id' });
  const [result, setResult] = useState(null);
  const [picture, setPicture] = useState(null); // the message key of the picture's error, if any
  const [reading, setReading] = useState(false);
  const resultRef = useRef(null);

  async function verify(text, id) {
    setResult(null);
    const body = { qr: text.trim() };
    if (id.trim()) body.id_number = id.trim();
    const r = await form.submit(() => post('/api/v1/certificates/verify', body));
    if (r) setResult(r);
  }
  useEffect(() => {
    // The verdict's heading takes the focus, so a screen reader reads it at once.
    const h = resultRef.current && resultRef.current.querySelector('h2');
    if (h) {
      h.focus();
      h.scrollIntoView({ block: 'start' });
    }
  }, [result]);
  const gotText = (text) => {
    form.setValues((v) => ({ ...v, text }));
    verify(text, form.values.id);
  };
  async function onPicture(e) {
    const file = e.target.files && e.target.files[0];
    setPicture(null);
    if (!file) return;
    setReading(true);
    try {
      const r = await decodePicture(file);
      if (r.text) gotText(r.text);
      else setPicture(r.error === 'bad' ? 'verify.image.bad' : 'verify.image.none');
    } finally {
      setReading(false);
    }
  }
  function onSubmit(e) {
    e.preventDefault();
    if (!form.values.text.trim()) {
      form.setErrors({ text: t('verify.text.empty') });
      return;
    }
    verify(form.values.text, form.values.id);
  }
  // The verdict comes first, above the ways of reading, where a phone's screen shows it.
  return html`<h1 tabindex="-1">${t('verify.title')}</h1>
    <p class="lead">${t('verify.lead')}</p>
    <div aria-live="polite" ref=${resultRef}>${result && html`<${Verdict} r=${result} />`}</div>
    <section class="card verify-way" aria-labelledby="v-holder">
      <h2 id="v-holder">${t('verify.holder')}</h2>
      <${TextInput} id="v-id" label=${t('verify.id')} hint=${t('verify.id.hint')} value=${form.values.id} error=${form.errors.id}
        onInput=${form.set('id')} autocomplete="off" maxlength="18" />
    </section>
    <div class="verify-ways">
      <section class="card verify-way" aria-labelledby="v-image">
        <h2 id="v-image">${t('verify.image')}</h2>
        <${Field} id="v-file" label=${t('verify.image.choose')} hint=${t('verify.image.hint')} error=${picture && t(picture)}>
          ${(a) => html`<input ...${a} type="file" accept="image/*" onChange=${onPicture} />`}
        <//>
        ${reading && html`<p role="status" class="muted">${t('common.loading')}</p>`}
      </section>
      <${Camera} onText=${gotText} />
    </div>
    <form class="form card verify-form" onSubmit=${onSubmit} novalidate aria-labelledby="v-paste">
      <h2 id="v-paste">${t('verify.paste')}</h2>
      <${ErrorBanner} error=${form.banner} />
      <${Field} id="v-text" label=${t('verify.text')} hint=${t('verify.text.hint')} error=${form.errors.text}>
        ${(a) => html`<textarea ...${a} rows="4" spellcheck="false" autocapitalize="off" value=${form.values.text} onInput=${form.set('text')}></textarea>`}
      <//>
      <div class="actions"><${Button} type="submit" busy=${form.busy}>${t('verify.submit')}<//></div>
    </form>`;
}

// The portal's only way in: the same /api/v1/ routes every client uses. A browser session is an
// HttpOnly cookie (the page never sees the token); state-changing requests carry the session's
// CSRF token in X-CSRF-Token (docs/http.md, "The portal and browser sessions").
let csrfToken = null;
let onUnauthorized = () => {};

export class ApiError extends Error {
  constructor(status, error, body) {
    super((error && (error.message_en || error.message)) || `HTTP ${status}`);
    this.status = status;
    this.code = error ? error.code : 'http';
    this.field = error ? error.field || '' : '';
    this.message_zh = error ? error.message : '';
    this.message_en = error ? error.message_en : '';
    this.body = body; // the whole answer (a 409 for an ineligible application carries the engine's)
  }
}

export function setCsrf(token) {
  csrfToken = token || null;
}

// Called when a signed-in request is answered 401 (the session ended or expired).
export function setUnauthorizedHandler(fn) {
  onUnauthorized = fn;
}

export async function api(method, path, body, options = {}) {
  const headers = { Accept: 'application/json' };
  let payload;
  if (body instanceof Blob) {
    payload = body;
    headers['Content-Type'] = body.type || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = 'application/json';
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  Object.assign(headers, options.headers || {});
  let res;
  try {
    res = await fetch(path, { method, headers, body: payload, credentials: 'same-origin', cache: 'no-store' });
  } catch (e) {
    throw new ApiError(0, { code: 'network', message: '无法连接服务器，请稍后再试。', message_en: 'The server cannot be reached; try again later.' });
  }
  if (options.raw) return res;
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch (_) {
      data = null;
    }
  }
  if (!res.ok) {
    if (res.status === 401 && !options.quiet401) onUnauthorized();
    throw new ApiError(res.status, data && data.error, data);
  }
  return data;
}

export const get = (path, options) => api('GET', path, undefined, options);
export const post = (path, body, options) => api('POST', path, body === undefined ? {} : body, options);
export const del = (path, options) => api('DELETE', path, undefined, options);

// Query strings from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, v);
  const s = q.toString();
  return s ? '?' + s : '';
}

// api talks to /api/v1, the only thing the webmail talks to. It adds the
// CSRF token to state-changing requests and turns a 401 into one event the
// shell answers by showing the login form (and coming back afterwards).

let csrf = '';
const listeners = new Set();

export function setCSRF(token) {
  csrf = token || '';
}

export function csrfToken() {
  return csrf;
}

// onUnauthenticated registers f to run when the session is gone.
export function onUnauthenticated(f) {
  listeners.add(f);
  return () => listeners.delete(f);
}

export class APIError extends Error {
  constructor(status, code, message) {
    super(message || code);
    this.status = status;
    this.code = code;
  }
}

export async function request(method, path, body) {
  const opts = { method, headers: {}, credentials: 'same-origin' };
  if (method !== 'GET' && method !== 'HEAD') opts.headers['X-CSRF-Token'] = csrf;
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, opts);
  } catch (e) {
    throw new APIError(0, 'network', e.message);
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = data?.error || {};
    // a wrong password at the login form is no ended session
    if (res.status === 401 && path.split('?')[0] !== '/api/v1/session') listeners.forEach((f) => f());
    throw Object.assign(new APIError(res.status, err.code || 'http_' + res.status, err.message), { field: err.field, value: err.value, limit: err.limit });
  }
  return data;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);
export const patch = (path, body) => request('PATCH', path, body);
export const del = (path) => request('DELETE', path);

export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '' && v !== false) q.set(k, v === true ? '1' : String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}

// The REST API of the same node (/api/v1). The token lives in sessionStorage: it survives a reload of the tab,
// not the tab, and is sent only in the Authorization header (never a cookie).
const BASE = '/api/v1';
const STORE = 'duplex.session';

export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.error ? body.error : '');
    this.status = status;
    this.field = body ? body.field : undefined;
  }
}

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(STORE));
  } catch (e) {
    return null;
  }
}

function remember(s) {
  if (s) {
    sessionStorage.setItem(STORE, JSON.stringify(s));
  } else {
    sessionStorage.removeItem(STORE);
  }
}

async function request(method, path, body, token) {
  const headers = { Accept: 'application/json' };
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 30000);
  let response;
  try {
    response = await fetch(BASE + path, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: controller.signal,
    });
  } finally {
    clearTimeout(timer);
  }
  let data = null;
  try {
    data = await response.json();
  } catch (e) {
    data = null;
  }
  if (!response.ok) {
    throw new ApiError(response.status, data);
  }
  return data;
}

// Logs in and returns {token, user, role, expires} without keeping it (the confirmation dialog's re-check).
export function authenticate(username, password) {
  return request('POST', '/login', { username, password });
}

export async function login(username, password) {
  const s = await authenticate(username, password);
  remember(s);
  return s;
}

export async function logout() {
  const s = session();
  remember(null);
  if (s) {
    try {
      await request('POST', '/logout', {}, s.token);
    } catch (e) {
      // the token may have expired already: nothing left to forget
    }
  }
}

export function forget() {
  remember(null);
}

export function get(path) {
  const s = session();
  return request('GET', path, undefined, s ? s.token : null);
}

// A mutation sent with the token of a fresh login (the password asked again), which is then logged out, so the
// re-authentication leaves no second session behind.
export async function postWith(fresh, path, body) {
  try {
    return await request('POST', path, body, fresh.token);
  } finally {
    request('POST', '/logout', {}, fresh.token).catch(() => {});
  }
}

export function post(path, body) {
  const s = session();
  return request('POST', path, body, s ? s.token : null);
}

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

// The refusal of a password confirmation (POST /confirm): the operation itself was not sent.
export class ConfirmError extends ApiError {}

const CONFIRM_HEADER = 'X-Duplex-Confirm';

async function request(method, path, body, token, confirmation) {
  const headers = { Accept: 'application/json' };
  if (token) {
    headers.Authorization = `Bearer ${token}`;
  }
  if (confirmation) {
    headers[CONFIRM_HEADER] = confirmation;
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

export async function login(username, password) {
  const s = await request('POST', '/login', { username, password });
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

// A destructive operation: the server checks the password again (POST /confirm, the JAAS realm decides, rate-limited
// with the logins) and gives a confirmation good for this one request to this path, sent in its header.
export async function postConfirmed(password, path, body) {
  const s = session();
  const token = s ? s.token : null;
  let c;
  try {
    c = await request('POST', '/confirm', { password, path }, token);
  } catch (e) {
    throw e instanceof ApiError ? new ConfirmError(e.status, { error: e.message, field: e.field }) : e;
  }
  return request('POST', path, body, token, c.confirmation);
}

export function post(path, body) {
  const s = session();
  return request('POST', path, body, s ? s.token : null);
}

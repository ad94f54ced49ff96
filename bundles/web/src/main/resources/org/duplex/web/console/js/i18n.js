// Every visible word comes from i18n/<lang>.json: t(key, params) for text made in code, data-i18n="key" (and
// data-i18n-title="key") in the page. Switching language reloads nothing but the bundle, then repaints.
const LANGS = ['en', 'zh'];
const STORE = 'duplex.lang';
let bundle = {};
let current = 'en';
const listeners = [];

export function languages() {
  return LANGS.slice();
}

export function language() {
  return current;
}

export function preferred() {
  const saved = localStorage.getItem(STORE);
  if (LANGS.includes(saved)) {
    return saved;
  }
  const nav = (navigator.language || '').toLowerCase();
  return nav.startsWith('zh') ? 'zh' : 'en';
}

export async function setLanguage(lang) {
  if (!LANGS.includes(lang)) {
    throw new Error(lang);
  }
  const response = await fetch(`i18n/${lang}.json`, { cache: 'no-cache' });
  if (!response.ok) {
    throw new Error(`i18n/${lang}.json:${response.status}`);
  }
  bundle = await response.json();
  current = lang;
  localStorage.setItem(STORE, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  apply(document);
  listeners.forEach((fn) => fn(lang));
}

export function onLanguageChange(fn) {
  listeners.push(fn);
}

// A missing key shows as the key itself, so a gap is visible instead of silent.
export function t(key, params = {}) {
  const text = Object.prototype.hasOwnProperty.call(bundle, key) ? bundle[key] : key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

// A server value (mode, liveness, state, kind) in words when the bundle has it, else as sent.
export function tv(prefix, value) {
  if (value === null || value === undefined || value === '') {
    return t('common.none');
  }
  const key = `${prefix}.${value}`;
  return Object.prototype.hasOwnProperty.call(bundle, key) ? bundle[key] : String(value);
}

export function apply(root) {
  root.querySelectorAll('[data-i18n]').forEach((el) => {
    el.textContent = t(el.dataset.i18n);
  });
  root.querySelectorAll('[data-i18n-title]').forEach((el) => {
    el.title = t(el.dataset.i18nTitle);
  });
}

export function formatTime(iso) {
  if (!iso) {
    return t('common.none');
  }
  const d = new Date(iso);
  return d.toLocaleString(current === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
}

// The Clusters view: the other clusters this node watches (GET /clusters), side by side, each with its health read
// through this node (GET /clusters/NAME/status: the node logs in there over the pinned certificate, so the browser
// talks to its own node only). Each card is asked on its own: one cluster down or with a changed certificate shows
// its error on its card and the others go on. An admin registers (a form) and removes clusters.
// app.js hands over its helpers once, calls load() while the tab is open and render() on a language switch.
import * as api from './api.js';
import { t } from './i18n.js';

let ui = null;
const view = { clusters: [], health: {}, drawn: null };

export function setUp(helpers) {
  ui = helpers;
  document.getElementById('cluster-add-form').addEventListener('submit', register);
}

export function reset() {
  Object.assign(view, { clusters: [], health: {}, drawn: null });
}

export async function load() {
  view.clusters = (await api.get('/clusters')).clusters;
  const answers = await Promise.all(view.clusters.map((c) => api.get(`/clusters/${encodeURIComponent(c.name)}/status`)
    .then((r) => ({ health: r.health }), (e) => {
      if (e.status === 401) {
        throw e;
      }
      return { error: e };
    })));
  view.health = {};
  view.clusters.forEach((c, i) => { view.health[c.name] = answers[i]; });
  const drawn = JSON.stringify([view.clusters, answers.map((a) => (a.error ? [a.error.status, a.error.field,
    a.error.message] : a.health)), (api.session() || {}).role]);
  if (drawn !== view.drawn) {
    view.drawn = drawn;
    render();
  }
}

function card(c) {
  const { el, pill } = ui;
  const answer = view.health[c.name] || {};
  const parts = [el('h3', {}, c.name), el('div', { class: 'muted' }, c.url)];
  if (answer.error) {
    const changed = answer.error.field === 'fingerprint';
    parts.push(el('div', { class: 'state' }, pill(changed ? t('clusters.certificateChanged')
      : t('clusters.unreachable'), 'bad')));
    parts.push(el('div', { class: 'error' }, ui.errorText(answer.error)));
  } else if (answer.health) {
    const h = answer.health;
    parts.push(el('div', { class: 'state' },
      pill(h.quorate ? t('clusters.quorate') : t('clusters.notQuorate'), h.quorate ? 'good' : 'bad'),
      pill(t('clusters.nodesUp', { up: h.nodesUp, total: h.nodes.length }), h.nodesUp === h.nodes.length ? 'good'
        : 'warn'),
      pill(t('clusters.groupsRunning', { running: h.groupsRunning, total: h.groups.length }), 'good'),
      pill(t('clusters.groupsFailed', { count: h.groupsFailed }), h.groupsFailed ? 'bad' : 'good')));
    parts.push(el('div', { class: 'muted' }, t('clusters.answeredBy', { cluster: h.clusterName,
      node: h.answeredBy, coordinator: h.coordinator || t('common.none') })));
    h.groups.filter((g) => g.failed).forEach((g) => {
      parts.push(el('div', { class: ['error', 'failed-group'], dataset: { group: g.id } },
        t('clusters.failedGroup', { group: g.id, why: g.why.join('; ') })));
    });
  }
  parts.push(el('div', { class: ['muted', 'fingerprint'] }, t('clusters.pinned', { fingerprint: c.fingerprint })));
  parts.push(el('div', { class: 'muted' }, t('clusters.registeredBy', { user: c.registeredBy, username: c.username })));
  if ((api.session() || {}).role === 'admin') {
    parts.push(el('button', { type: 'button', dataset: { op: 'cluster-remove', cluster: c.name },
      onclick: () => remove(c.name) }, t('clusters.remove')));
  }
  return el('div', { class: ['card', 'cluster-card'], dataset: { cluster: c.name, state: answer.error ? 'error'
    : 'ok' } }, parts);
}

export function render() {
  if (!ui) {
    return;
  }
  document.getElementById('clusters-cards').replaceChildren(...view.clusters.map(card));
  document.getElementById('clusters-empty').hidden = view.clusters.length > 0;
  document.getElementById('cluster-add-card').hidden = (api.session() || {}).role !== 'admin';
}

function remove(name) {
  ui.confirmAndRun({ title: t('clusters.removeTitle', { cluster: name }), text: t('clusters.removeText',
    { cluster: name }), password: false,
  run: () => api.post(`/clusters/${encodeURIComponent(name)}/remove`, {}),
  done: () => t('clusters.removed', { cluster: name }) });
}

async function register(event) {
  event.preventDefault();
  const value = (id) => document.getElementById(id).value.trim();
  const name = value('cluster-add-name');
  const body = { url: value('cluster-add-url'), username: value('cluster-add-username'),
    password: document.getElementById('cluster-add-password').value };
  if (value('cluster-add-fingerprint')) {
    body.fingerprint = value('cluster-add-fingerprint');
  }
  const error = document.getElementById('cluster-add-error');
  error.textContent = '';
  document.getElementById('cluster-add-submit').disabled = true;
  try {
    const r = await api.post(`/clusters/${encodeURIComponent(name)}/add`, body);
    document.getElementById('cluster-add-form').reset();
    ui.announce(() => t('clusters.added', { cluster: r.cluster.name, fingerprint: r.cluster.fingerprint }));
    view.drawn = null;
    await load();
  } catch (e) {
    if (e.status === 401) {
      ui.expired();
      return;
    }
    error.textContent = ui.errorText(e);
  } finally {
    document.getElementById('cluster-add-submit').disabled = false;
  }
}

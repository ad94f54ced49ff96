// The Duplex web console: login, the live cluster view (polled), per-group timeline, audit, the what-if view (the
// failover engine's plan for failed nodes and/or an edited configuration, nothing done), and the operator's
// actions behind a confirmation (the password asked again for the ones that stop services).
import * as api from './api.js';
import * as platform from './platform.js';
import * as mirror from './mirror.js';
import * as clusters from './clusters.js';
import * as links from './links.js';
import { t, tv, setLanguage, preferred, language, onLanguageChange, formatTime } from './i18n.js';

const POLL_MS = 2000;
const $ = (id) => document.getElementById(id);
const state = { tab: 'overview', status: null, groups: [], resources: [], history: [], audit: [], timer: null,
  lastOk: null, timelineGroup: '', error: null, done: null, drawn: null };

// el('td', {class: 'x', dataset: {op: 'standby'}}, child...): children are nodes or strings that are either
// translations (t/tv) or values from the server; the page holds no text of its own.
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  Object.entries(attrs).forEach(([k, v]) => {
    if (k === 'dataset') {
      Object.assign(e.dataset, v);
    } else if (k === 'onclick') {
      e.addEventListener('click', v);
    } else if (Array.isArray(v)) {
      e.setAttribute(k, v.join(' '));
    } else if (v !== undefined && v !== null && v !== false) {
      e.setAttribute(k, v === true ? '' : v);
    }
  });
  children.flat().forEach((c) => {
    if (c !== null && c !== undefined) {
      e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
  });
  return e;
}

function pill(text, tone) {
  return el('span', { class: ['pill', `state-${tone}`] }, text);
}

function tone(value) {
  const v = String(value || '').toUpperCase();
  if (['ONLINE', 'ALIVE', 'SELF', 'UP', 'RUNNING'].includes(v)) {
    return 'good';
  }
  if (['DEAD', 'DOWN', 'FAILED', 'BLOCKED', 'PARTITIONED'].includes(v)) {
    return 'bad';
  }
  return 'warn';
}

function canOperate() {
  const s = api.session();
  return !!s && (s.role === 'operator' || s.role === 'admin');
}

function errorText(e) {
  if (e instanceof api.ApiError) {
    return t('error.status', { status: e.status, message: e.message || t(`error.http.${e.status}`) });
  }
  return t('error.network', { message: e.message });
}

// ---- login -------------------------------------------------------------------------------------------------------

function showLogin(messageKey) {
  stopPolling();
  $('app-view').hidden = true;
  $('login-view').hidden = false;
  $('logout').hidden = true;
  $('who').hidden = true;
  $('login-error').textContent = messageKey ? t(messageKey) : '';
  $('login-error').dataset.key = messageKey || '';
  $('password').value = '';
  $('username').focus();
}

async function onLogin(event) {
  event.preventDefault();
  $('login-error').textContent = '';
  $('login-error').dataset.key = '';
  try {
    await api.login($('username').value.trim(), $('password').value);
    showApp();
  } catch (e) {
    const key = e.status === 401 ? 'login.wrong' : e.status === 403 ? 'login.noRole'
      : e.status === 429 ? 'login.rateLimited' : null;
    $('login-error').textContent = key ? t(key) : errorText(e);
    $('login-error').dataset.key = key || '';
    $('password').value = '';
  }
}

function renderWho() {
  const s = api.session();
  if (s) {
    $('who').textContent = t('login.who', { user: s.user, role: tv('role', s.role) });
  }
}

function showApp() {
  $('login-view').hidden = true;
  $('app-view').hidden = false;
  $('logout').hidden = false;
  $('who').hidden = false;
  renderWho();
  selectTab(state.tab);
  startPolling();
}

// ---- polling -----------------------------------------------------------------------------------------------------

function startPolling() {
  stopPolling();
  refresh();
}

function stopPolling() {
  if (state.timer) {
    clearTimeout(state.timer);
    state.timer = null;
  }
}

async function refresh() {
  try {
    const [status, groups, resources] = await Promise.all([api.get('/status'), api.get('/groups'),
      api.get('/resources')]);
    Object.assign(state, { status, groups, resources });
    if (state.tab === 'timeline') {
      const g = state.timelineGroup ? `&group=${encodeURIComponent(state.timelineGroup)}` : '';
      state.history = await api.get(`/history?last=200${g}`);
    }
    if (state.tab === 'audit') {
      state.audit = await api.get('/audit?last=200');
    }
    await platform.refresh(state.tab);
    if (state.tab === 'mirror') {
      await mirror.load(); // repaints itself when the volumes changed
    }
    if (state.tab === 'overview') {
      await links.load(); // a sample per poll: the charts' history lives in the page
    }
    if (state.tab === 'clusters') {
      await clusters.load(); // each cluster's card on its own; repaints itself when they changed
    }
    state.lastOk = new Date();
    state.error = null;
    // Repaint the tables only when the data changed: rows replaced every poll would swallow a click in flight.
    const drawn = JSON.stringify([state.status, state.groups, state.resources, state.history, state.audit, state.tab]);
    if (drawn !== state.drawn) {
      state.drawn = drawn;
      render();
    } else {
      renderMessages();
      renderUpdated();
    }
  } catch (e) {
    if (e.status === 401) {
      api.forget();
      showLogin('login.expired');
      return;
    }
    state.error = e;
    renderMessages();
  }
  if (!$('app-view').hidden) {
    state.timer = setTimeout(refresh, POLL_MS);
  }
}

// ---- rendering ---------------------------------------------------------------------------------------------------

// The last error and the last action's outcome are kept as values, so a language switch re-words them too.
function renderMessages() {
  $('app-error').textContent = state.error ? errorText(state.error) : '';
  $('action-result').textContent = state.done ? state.done() : '';
}

function render() {
  renderWho();
  renderMessages();
  renderSummary();
  renderNodes();
  renderGroups();
  renderResources();
  renderTimeline();
  renderAudit();
  renderWhatif();
  platform.render();
  mirror.render();
  clusters.render();
  links.render();
  renderUpdated();
}

function renderUpdated() {
  $('refresh-state').textContent = state.lastOk
    ? t('common.updated', { time: state.lastOk.toLocaleTimeString(language() === 'zh' ? 'zh-CN' : 'en-GB',
      { hour12: false }) }) : '';
}

function renderSummary() {
  const s = state.status;
  const dl = $('cluster-summary');
  dl.replaceChildren();
  if (!s) {
    return;
  }
  const row = (key, ...value) => dl.append(el('dt', {}, t(key)), el('dd', {}, ...value));
  row('cluster.name', s.clusterName);
  row('cluster.localNode', s.localNode);
  row('cluster.quorum', pill(s.quorate ? t('common.yes') : t('common.no'), s.quorate ? 'good' : 'bad'),
    ' ', el('span', { class: 'muted' }, s.quorumReason));
  row('cluster.votes', t('cluster.votesOf', { votes: s.votes, expected: s.expectedVotes }));
  row('cluster.coordinator', el('span', { id: 'coordinator' }, s.coordinator || t('cluster.noCoordinator')));
  row('cluster.epoch', String(s.epoch));
  row('cluster.configVersion', String(s.configVersion));
  row('cluster.tiebreaker', s.tiebreaker || t('common.none'));
}

function opButton(labelKey, op, data, handler, danger) {
  return el('button', { type: 'button', class: danger ? 'danger' : null, dataset: { op, ...data }, onclick: handler },
    t(labelKey));
}

function renderNodes() {
  const body = $('nodes-table').querySelector('tbody');
  body.replaceChildren();
  const ops = canOperate();
  document.querySelectorAll('th.ops').forEach((th) => { th.hidden = !ops; });
  (state.status ? state.status.nodes : []).forEach((n) => {
    const links = Object.entries(n.links || {}).map(([id, st]) => pill(`${id}: ${tv('link', st)}`, tone(st)));
    const actions = [];
    if (ops && n.role === 'MEMBER') {
      if (n.mode === 'ONLINE') {
        actions.push(opButton('op.standby', 'standby', { node: n.id }, () => standby(n.id), true));
      } else {
        actions.push(opButton('op.online', 'online', { node: n.id }, () => online(n.id), false));
      }
      if (n.mode !== 'MAINTENANCE') {
        actions.push(platform.maintenanceButton(n.id));
      }
    }
    body.append(el('tr', { dataset: { node: n.id } },
      el('td', {}, n.id, n.coordinator ? pill(t('nodes.coordinatorMark'), 'good') : null),
      el('td', {}, tv('noderole', n.role)),
      el('td', {}, String(n.votes)),
      el('td', { class: 'mode' }, pill(tv('mode', n.mode), tone(n.mode))),
      el('td', {}, pill(tv('liveness', n.liveness), tone(n.liveness))),
      el('td', {}, n.inView ? t('common.yes') : t('common.no')),
      el('td', {}, links.length ? links : t('nodes.noLinks')),
      ops ? el('td', {}, actions) : null));
  });
}

function renderGroups() {
  const body = $('groups-table').querySelector('tbody');
  body.replaceChildren();
  const ops = canOperate();
  state.groups.forEach((g) => {
    const resources = g.resources.map((r) => {
      const where = Object.entries(g.states || {}).filter(([, m]) => m[r]).map(([node, m]) =>
        pill(`${node}: ${tv('state', m[r])}`, tone(m[r])));
      return el('div', {}, el('strong', {}, r), ' ', where.length ? where : pill(tv('state', 'stopped'), 'warn'));
    });
    const actions = [opButton('op.timeline', 'timeline', { group: g.id }, () => openTimeline(g.id), false)];
    if (ops && g.nodes.length > 1) {
      actions.push(opButton('op.switchover', 'switchover', { group: g.id }, () => switchover(g), true));
    }
    if (ops && g.placement) {
      actions.push(opButton('op.clearPlacement', 'clear-placement', { group: g.id }, () => clearPlacement(g), true));
    }
    // an operator placement (a switchover without reorder) outranks the node list until it is cleared
    const placement = g.placement ? el('div', { class: 'placement', title: t('groups.placement.detail',
      { node: g.placement.node, by: g.placement.by, at: g.placement.at }) },
    pill(t('groups.placement', { node: g.placement.node }), 'warn')) : null;
    body.append(el('tr', { dataset: { group: g.id } },
      el('td', {}, el('strong', {}, g.id)),
      el('td', { class: 'running-on' }, g.runningOn.length ? g.runningOn.map((n) => pill(n, 'good'))
        : pill(t('groups.nowhere'), 'bad')),
      el('td', { class: 'nodes' }, g.nodes.join(' \u2192 '), placement),
      el('td', {}, resources),
      el('td', {}, g.blocked.length ? g.blocked.map((b) => el('div', { class: 'error' }, b)) : t('common.none')),
      el('td', {}, actions)));
  });
  const select = $('timeline-group');
  const wanted = ['', ...state.groups.map((g) => g.id)];
  const have = Array.from(select.options).map((o) => o.value);
  if (wanted.join('\n') !== have.join('\n')) {
    select.replaceChildren(el('option', { value: '', 'data-i18n': 'timeline.all' }, t('timeline.all')),
      ...state.groups.map((g) => el('option', { value: g.id }, g.id)));
    select.value = state.timelineGroup;
  }
}

function renderResources() {
  const body = $('resources-table').querySelector('tbody');
  body.replaceChildren();
  const ops = canOperate();
  state.resources.forEach((r) => {
    const states = Object.entries(r.states || {}).map(([node, st]) => pill(`${node}: ${tv('state', st)}`, tone(st)));
    const failures = Object.entries(r.failures || {}).map(([node, n]) => pill(`${node}: ${n}`, 'bad'));
    body.append(el('tr', { dataset: { resource: r.id } },
      el('td', {}, el('strong', {}, r.id), r.agentPresent ? null : pill(t('resources.noAgent'), 'bad')),
      el('td', {}, r.type),
      el('td', {}, r.group || t('common.none')),
      el('td', {}, states.length ? states : pill(tv('state', 'stopped'), 'warn')),
      el('td', {}, failures.length ? failures : t('common.none')),
      ops ? el('td', {}, opButton('op.cleanup', 'cleanup', { resource: r.id }, () => cleanup(r.id), false)) : null));
  });
}

function renderTimeline() {
  const list = $('timeline');
  list.replaceChildren();
  state.history.slice().reverse().forEach((h) => {
    list.append(el('li', { class: `kind-${h.kind}`, dataset: { kind: h.kind } },
      el('span', { class: 'when' }, formatTime(h.at)),
      pill(tv('kind', h.kind), tone(h.kind === 'failure' ? 'FAILED' : h.kind === 'action' ? 'RUNNING' : '')),
      ' ', el('span', { class: 'muted' }, t('timeline.where', { node: h.node, what: h.resource || h.group || '' })),
      el('div', { class: 'reason' }, h.text)));
  });
  $('timeline-empty').hidden = state.history.length > 0 || state.tab !== 'timeline';
}

function renderAudit() {
  const body = $('audit-table').querySelector('tbody');
  body.replaceChildren();
  state.audit.slice().reverse().forEach((a) => {
    body.append(el('tr', { dataset: { operation: a.operation, user: a.user } },
      el('td', {}, formatTime(a.at)), el('td', {}, a.user), el('td', {}, a.source), el('td', {}, tv('channel', a.channel)),
      el('td', {}, a.operation), el('td', {}, a.arguments),
      el('td', {}, pill(a.success ? t('audit.ok') : t('audit.failed'), a.success ? 'good' : 'bad')),
      el('td', {}, a.result)));
  });
}

// ---- what if -----------------------------------------------------------------------------------------------------

// The question (nodes to fail, the edited configuration) stays in the form; the answer and the last error are kept
// as values, so a language switch re-words them.
const whatif = { fail: new Set(), result: null, error: null, nodes: null };

function resetWhatif() {
  Object.assign(whatif, { fail: new Set(), result: null, error: null, nodes: null });
  $('whatif-use-config').checked = false;
  $('whatif-config').value = '';
  $('whatif-config-row').hidden = true;
}

function renderWhatifNodes() {
  const ids = (state.status ? state.status.nodes : []).filter((n) => n.role === 'MEMBER').map((n) => n.id);
  const key = ids.join('\n');
  if (key === whatif.nodes) {
    return; // rebuilt only when the members change, so a tick in flight is never lost
  }
  whatif.nodes = key;
  whatif.fail = new Set(Array.from(whatif.fail).filter((id) => ids.includes(id)));
  $('whatif-nodes').replaceChildren(...ids.map((id) => el('label', { class: 'inline' },
    el('input', { type: 'checkbox', value: id, dataset: { node: id }, checked: whatif.fail.has(id) }), id)));
}

function where(nodes) {
  return nodes.length ? nodes.map((n) => pill(n, 'good')) : pill(t('groups.nowhere'), 'bad');
}

function changeOf(g) {
  if (g.actions.some((a) => a.op === 'block')) {
    return 'blocked';
  }
  const now = g.runningNow.slice().sort().join();
  const after = g.runningAfter.slice().sort().join();
  if (now === after) {
    return g.actions.some((a) => a.op === 'start' || a.op === 'stop') ? 'restarts' : 'stays';
  }
  if (!after) {
    return 'stops';
  }
  return now ? 'moves' : 'starts';
}

function step(a) {
  return el('div', { class: 'step', dataset: { op: a.op } }, t('whatif.step', { op: tv('planop', a.op),
    what: a.resource || a.group || '', node: a.node, intent: tv('intent', a.intent) }));
}

function renderWhatif() {
  renderWhatifNodes();
  $('whatif-error').textContent = whatif.error ? whatif.error() : '';
  const r = whatif.result;
  $('whatif-result').hidden = !r;
  if (!r) {
    return;
  }
  // one sentence per language: the bundle decides how the parts join (Chinese takes no spaces between them)
  $('whatif-summary').textContent = t('whatif.summary', {
    failed: r.failedNodes.length ? t('whatif.ifFailed', { nodes: r.failedNodes.join(', ') }) : t('whatif.ifNothingFails'),
    config: r.candidate ? t('whatif.withCandidate') : t('whatif.withRunning'),
    steps: r.actions.length ? t('whatif.stepCount', { count: r.actions.length }) : t('whatif.nothingToDo'),
  });
  const body = $('whatif-table').querySelector('tbody');
  body.replaceChildren(...r.groups.map((g) => {
    const change = changeOf(g);
    return el('tr', { dataset: { group: g.group, change } },
      el('td', {}, el('strong', {}, g.group), el('div', { class: 'muted' }, g.nodes.join(' \u2192 '))),
      el('td', { class: 'now' }, where(g.runningNow)),
      el('td', { class: 'after' }, where(g.runningAfter)),
      el('td', { class: 'change' }, pill(t(`whatif.change.${change}`), change === 'stays' ? 'good'
        : change === 'stops' || change === 'blocked' ? 'bad' : 'warn')),
      el('td', { class: 'steps' }, g.actions.length ? g.actions.map(step) : t('whatif.noSteps')),
      el('td', { class: 'reasons' }, g.reasons.length ? g.reasons.map((x) => el('div', {}, x)) : t('common.none')));
  }));
  const loose = r.actions.filter((a) => !a.group);
  const notes = r.notes.filter((n) => !r.groups.some((g) => n.startsWith(`${g.group} `)));
  // (replaceChildren writes a null as the text 'null': only the parts there are)
  $('whatif-other').replaceChildren(...[
    loose.length ? el('div', {}, el('h3', {}, t('whatif.otherSteps')), loose.map((a) => el('div', {}, step(a),
      el('div', { class: 'muted' }, a.reason)))) : null,
    notes.length ? el('div', {}, el('h3', {}, t('whatif.notes')), notes.map((n) => el('div', { class: 'muted' }, n)))
      : null,
    ...r.violations.map((v) => el('p', { class: ['error', 'violation'] }, t('whatif.violation', { text: v }))),
  ].filter((part) => part !== null));
}

async function loadConfiguration() {
  try {
    $('whatif-config').value = JSON.stringify(await api.get('/configuration'), null, 2);
    whatif.error = null;
  } catch (e) {
    whatif.error = () => errorText(e);
  }
  renderWhatif();
}

async function runWhatif(event) {
  event.preventDefault();
  whatif.error = null;
  whatif.result = null; // never an earlier answer beside a new question
  const body = { failNodes: Array.from(whatif.fail).sort() };
  if ($('whatif-use-config').checked) {
    try {
      body.configuration = JSON.parse($('whatif-config').value);
    } catch (e) {
      whatif.error = () => t('whatif.badJson', { message: e.message });
      renderWhatif();
      return;
    }
  }
  $('whatif-run').disabled = true;
  try {
    whatif.result = await api.post('/simulate', body);
  } catch (e) {
    if (e.status === 401) {
      api.forget();
      showLogin('login.expired');
      return;
    }
    whatif.result = null;
    whatif.error = () => (e.field ? t('whatif.fieldError', { message: errorText(e), field: e.field }) : errorText(e));
  } finally {
    $('whatif-run').disabled = false;
  }
  renderWhatif();
}

function setUpWhatif() {
  $('whatif-form').addEventListener('submit', runWhatif);
  $('whatif-nodes').addEventListener('change', (e) => {
    if (e.target.checked) {
      whatif.fail.add(e.target.value);
    } else {
      whatif.fail.delete(e.target.value);
    }
  });
  $('whatif-use-config').addEventListener('change', (e) => {
    $('whatif-config-row').hidden = !e.target.checked;
    if (e.target.checked && !$('whatif-config').value.trim()) {
      loadConfiguration();
    }
  });
  $('whatif-load').addEventListener('click', loadConfiguration);
}

// ---- tabs --------------------------------------------------------------------------------------------------------

function selectTab(tab) {
  state.tab = tab;
  document.querySelectorAll('.tab').forEach((b) => b.setAttribute('aria-selected', String(b.dataset.tab === tab)));
  document.querySelectorAll('.tab-page').forEach((p) => { p.hidden = p.id !== `tab-${tab}`; });
}

function openTimeline(group) {
  state.timelineGroup = group;
  $('timeline-group').value = group;
  selectTab('timeline');
  startPolling();
}

// ---- actions -----------------------------------------------------------------------------------------------------

// Opens the confirmation dialog. With `password`, the server checks the user's password again (POST /confirm) and
// the operation is sent with the confirmation it gives; a wrong password keeps the dialog open and sends nothing.
function confirmAndRun({ title, text, password, targets, run, done }) {
  const dialog = $('confirm');
  $('confirm-title').textContent = title;
  $('confirm-text').textContent = text;
  $('confirm-error').textContent = '';
  $('confirm-password').value = '';
  $('confirm-password-row').hidden = !password;
  $('confirm-target-row').hidden = !targets;
  if (targets) {
    $('confirm-target').replaceChildren(el('option', { value: '' }, t('dialog.nextEligible')),
      ...targets.map((n) => el('option', { value: n }, n)));
  }
  $('confirm-ok').className = password ? 'danger' : '';
  let busy = false;
  const submit = async (event) => {
    event.preventDefault();
    if (busy) {
      return;
    }
    busy = true;
    $('confirm-error').textContent = '';
    try {
      const fresh = password ? { password: $('confirm-password').value } : null;
      let result;
      try {
        result = await run(fresh, targets ? $('confirm-target').value || null : null);
      } catch (e) {
        if (e instanceof api.ConfirmError) {
          $('confirm-password').value = '';
          $('confirm-error').textContent = e.status === 403 && e.field === 'password' ? t('dialog.wrongPassword')
            : e.status === 429 ? t('login.rateLimited') : errorText(e);
          return;
        }
        throw e;
      }
      close();
      state.error = null;
      state.done = () => done(result);
      renderMessages();
      startPolling();
    } catch (e) {
      $('confirm-error').textContent = errorText(e);
    } finally {
      busy = false;
    }
  };
  const cancel = () => close();
  function close() {
    $('confirm-form').removeEventListener('submit', submit);
    $('confirm-cancel').removeEventListener('click', cancel);
    dialog.close();
  }
  $('confirm-form').addEventListener('submit', submit);
  $('confirm-cancel').addEventListener('click', cancel);
  dialog.showModal();
  (password ? $('confirm-password') : $('confirm-ok')).focus();
}

const send = (fresh, path, body) => (fresh ? api.postConfirmed(fresh.password, path, body) : api.post(path, body));

function standby(node) {
  confirmAndRun({ title: t('op.standby.title', { node }), text: t('op.standby.text', { node }), password: true,
    run: (fresh) => send(fresh, `/nodes/${encodeURIComponent(node)}/standby`, {}),
    done: () => t('op.standby.done', { node }) });
}

function online(node) {
  confirmAndRun({ title: t('op.online.title', { node }), text: t('op.online.text', { node }), password: false,
    run: (fresh) => send(fresh, `/nodes/${encodeURIComponent(node)}/online`, {}),
    done: () => t('op.online.done', { node }) });
}

function switchover(group) {
  const targets = group.nodes.filter((n) => !group.runningOn.includes(n));
  confirmAndRun({ title: t('op.switchover.title', { group: group.id }),
    text: t('op.switchover.text', { group: group.id, from: group.runningOn.join(', ') || t('groups.nowhere') }),
    password: true, targets,
    run: (fresh, node) => send(fresh, `/groups/${encodeURIComponent(group.id)}/switchover`, node ? { node } : {}),
    done: (r) => t('op.switchover.done', { group: r.group, from: r.from, to: r.to, ms: r.outageMillis })
      + (r.reordered ? '' : ' ' + t('op.switchover.placed', { group: r.group, to: r.to })) });
}

function clearPlacement(group) {
  confirmAndRun({ title: t('op.clearPlacement.title', { group: group.id }),
    text: t('op.clearPlacement.text', { group: group.id, node: group.placement.node, nodes: group.nodes.join(' \u2192 ') }),
    password: true,
    run: (fresh) => send(fresh, `/groups/${encodeURIComponent(group.id)}/switchover`, { clear: true }),
    done: (r) => t('op.clearPlacement.done', { group: r.group }) });
}

function cleanup(resource) {
  confirmAndRun({ title: t('op.cleanup.title', { resource }), text: t('op.cleanup.text', { resource }),
    password: true,
    run: (fresh) => send(fresh, `/resources/${encodeURIComponent(resource)}/cleanup`, {}),
    done: (r) => t('op.cleanup.done', { resource, count: r.failuresForgotten }) });
}

// ---- start -------------------------------------------------------------------------------------------------------

async function start() {
  await setLanguage(preferred());
  $('lang').value = language();
  $('lang').addEventListener('change', (e) => setLanguage(e.target.value).catch((err) => {
    state.error = err;
    renderMessages();
  }));
  onLanguageChange(() => {
    $('lang').value = language();
    const key = $('login-error').dataset.key;
    if (key) {
      $('login-error').textContent = t(key);
    }
    if (!$('app-view').hidden) {
      render();
    }
  });
  $('login-form').addEventListener('submit', onLogin);
  setUpWhatif();
  platform.setUp({ el, pill, opButton, confirmAndRun, errorText, canOperate, send,
    expired: () => { api.forget(); showLogin('login.expired'); },
    announce: (text) => { state.error = null; state.done = text; renderMessages(); } });
  mirror.setUp({ el, pill, confirmAndRun, send });
  links.setUp({ el, pill });
  clusters.setUp({ el, pill, confirmAndRun, errorText,
    expired: () => { api.forget(); showLogin('login.expired'); },
    announce: (text) => { state.error = null; state.done = text; renderMessages(); } });
  $('logout').addEventListener('click', async () => {
    state.drawn = null;
    state.done = null;
    state.error = null;
    resetWhatif();
    platform.forget();
    mirror.reset();
    clusters.reset();
    links.reset();
    await api.logout();
    showLogin(null);
  });
  document.querySelectorAll('.tab').forEach((b) => b.addEventListener('click', () => {
    selectTab(b.dataset.tab);
    startPolling();
  }));
  $('timeline-group').addEventListener('change', (e) => {
    state.timelineGroup = e.target.value;
    startPolling();
  });
  const s = api.session();
  if (!s) {
    showLogin(null);
    return;
  }
  try {
    await api.get('/session');
    showApp();
  } catch (e) {
    api.forget();
    showLogin(e.status === 401 ? 'login.expired' : null);
  }
}

document.body.dataset.ready = 'false';
start().finally(() => { document.body.dataset.ready = 'true'; });

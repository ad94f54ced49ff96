// The node's platform in the console: plug-ins (the cluster's set, each node's state; an admin installs and
// removes), monitors (the installed types, the bindings with each node's latest result and reason; an operator runs
// a check, an admin binds and unbinds), backups (jobs, snapshots; an operator starts a backup or a restore) and the
// maintenance action of a node. app.js hands over its helpers (ui) and calls refresh/render with its own polling.
import * as api from './api.js';
import { t, tv, formatTime } from './i18n.js';

const $ = (id) => document.getElementById(id);
let ui = null;
const data = { plugins: null, monitors: null, backups: null, backupsAbsent: false, drawn: null, change: null,
  snapshots: null, check: null, checkError: null, addError: null };

function isAdmin() {
  const s = api.session();
  return !!s && s.role === 'admin';
}

// "key=value" lines (blank lines skipped) as an object; a line without '=' is refused with its number.
function keyValues(text) {
  const out = {};
  const lines = text.split('\n').map((l) => l.trim());
  for (let i = 0; i < lines.length; i += 1) {
    if (lines[i]) {
      const eq = lines[i].indexOf('=');
      if (eq <= 0) {
        throw new Error(t('platform.badLine', { line: i + 1, text: lines[i] }));
      }
      out[lines[i].slice(0, eq).trim()] = lines[i].slice(eq + 1).trim();
    }
  }
  return out;
}

function fieldError(e) {
  return e.field ? t('platform.fieldError', { message: ui.errorText(e), field: e.field }) : ui.errorText(e);
}

// ---- polling (from app.js, for the platform's tabs only) ---------------------------------------------------------

export async function refresh(tab) {
  if (tab === 'plugins') {
    data.plugins = await api.get('/plugins');
  } else if (tab === 'monitors') {
    data.monitors = await api.get('/monitors');
  } else if (tab === 'backups') {
    try {
      data.backups = await api.get('/backups');
      data.backupsAbsent = false;
    } catch (e) {
      if (e.status !== 503) {
        throw e;
      }
      data.backups = [];
      data.backupsAbsent = true;
    }
  } else {
    return;
  }
  const drawn = JSON.stringify([tab, data.plugins, data.monitors, data.backups, data.backupsAbsent]);
  if (drawn !== data.drawn) {
    data.drawn = drawn;
    render();
  }
}

export function forget() {
  Object.assign(data, { plugins: null, monitors: null, backups: null, backupsAbsent: false, drawn: null,
    change: null, snapshots: null, check: null, checkError: null, addError: null });
}

export function render() {
  if (!ui) {
    return;
  }
  const admin = isAdmin();
  document.querySelectorAll('th.admin-ops').forEach((th) => { th.hidden = !admin; });
  renderPlugins(admin);
  renderMonitors(admin);
  renderBackups();
}

// ---- plug-ins ----------------------------------------------------------------------------------------------------

function pluginTone(s) {
  if (s.ok) {
    return 'good';
  }
  return ['UNKNOWN', 'waiting', 'installed', 'absent'].includes(s.state) ? 'warn' : 'bad';
}

function renderPlugins(admin) {
  const p = data.plugins;
  const body = $('plugins-table').querySelector('tbody');
  body.replaceChildren();
  if (!p) {
    return;
  }
  $('plugins-summary').textContent = t('plugins.summary', { version: p.version, count: p.wanted.length });
  const names = [...new Set([...p.wanted, ...p.states.map((s) => s.plugin)])].sort();
  names.forEach((name) => {
    const inSet = p.wanted.includes(name);
    const states = p.states.filter((s) => s.plugin === name).map((s) => ui.pill(
      `${s.node}: ${tv('pluginstate', s.state)}${s.detail ? ` (${s.detail})` : ''}`, pluginTone(s)));
    body.append(ui.el('tr', { dataset: { plugin: name } },
      ui.el('td', {}, ui.el('strong', {}, name), ' ', inSet ? ui.pill(t('plugins.inSet'), 'good')
        : ui.pill(t('plugins.notInSet'), 'warn')),
      ui.el('td', { class: 'plugin-states' }, states.length ? states : t('common.none')),
      admin ? ui.el('td', {}, inSet ? ui.opButton('plugins.remove', 'plugin-remove', { plugin: name },
        () => removePlugin(name), true) : null) : null));
  });
  $('plugins-available').replaceChildren(...(p.available.length ? p.available.map((name) => ui.el('div',
    { dataset: { available: name } }, ui.el('strong', {}, name), ' ',
    admin ? ui.opButton('plugins.install', 'plugin-install', { plugin: name }, () => installPlugin(name), false)
      : null)) : [t('common.none')]));
  $('plugins-problem').textContent = p.availableProblem;
  const c = data.change;
  $('plugins-change').hidden = !c;
  if (c) {
    $('plugins-change-summary').textContent = t(c.allOk ? 'plugins.changeOk' : 'plugins.changeNotAll',
      { plugin: c.plugin, summary: c.summary, version: c.version });
    $('plugins-change-table').querySelector('tbody').replaceChildren(...c.nodes.map((n) => ui.el('tr', {},
      ui.el('td', {}, n.node), ui.el('td', {}, ui.pill(tv('pluginstate', n.state), n.ok ? 'good' : 'bad')),
      ui.el('td', {}, n.detail))));
  }
}

function pluginDone(r) {
  data.change = r;
  renderPlugins(isAdmin());
  return t(r.allOk ? 'plugins.changeOk' : 'plugins.changeNotAll', { plugin: r.plugin, summary: r.summary,
    version: r.version });
}

function installPlugin(name) {
  ui.confirmAndRun({ title: t('plugins.install.title', { plugin: name }), text: t('plugins.install.text',
    { plugin: name }), password: true,
  run: (fresh) => ui.send(fresh, `/plugins/${encodeURIComponent(name)}/install`, {}), done: pluginDone });
}

function removePlugin(name) {
  ui.confirmAndRun({ title: t('plugins.remove.title', { plugin: name }), text: t('plugins.remove.text',
    { plugin: name }), password: true,
  run: (fresh) => ui.send(fresh, `/plugins/${encodeURIComponent(name)}/remove`, {}), done: pluginDone });
}

// ---- monitors ----------------------------------------------------------------------------------------------------

function renderMonitors(admin) {
  const m = data.monitors;
  const body = $('monitors-table').querySelector('tbody');
  body.replaceChildren();
  if (!m) {
    return;
  }
  m.bindings.forEach((b) => {
    const results = Object.entries(b.results || {}).map(([node, r]) => ui.el('div', { class: 'monitor-result',
      dataset: { node, failing: String(r.failing) } },
    ui.pill(`${node}: ${r.failing ? t('monitors.failing') : t('monitors.passing')}`, r.failing ? 'bad' : 'good'),
    ' ', r.reason, ' ', ui.el('span', { class: 'muted' }, formatTime(r.at))));
    const settings = Object.entries(b.settings || {}).map(([k, v]) => `${k}=${v}`).join(' ');
    body.append(ui.el('tr', { dataset: { monitor: b.name } },
      ui.el('td', {}, ui.el('strong', {}, b.name)),
      ui.el('td', {}, b.type, ' ', b.typeInstalled ? null : ui.pill(t('monitors.typeMissing'), 'bad')),
      ui.el('td', {}, t(b.on === 'node' ? 'monitors.onNode' : 'monitors.onResource', { target: b.target }),
        ui.el('div', { class: 'muted' }, b.meaning)),
      ui.el('td', {}, settings),
      ui.el('td', { class: 'results' }, results.length ? results : t('monitors.noResults')),
      admin ? ui.el('td', {}, ui.opButton('monitors.remove', 'monitor-remove', { monitor: b.name },
        () => removeMonitor(b.name), true)) : null));
  });
  $('monitors-empty').hidden = m.bindings.length > 0;
  $('monitors-types').replaceChildren(...(m.types.length ? m.types.map((type) => ui.pill(type, 'good'))
    : [t('monitors.noTypes')]));
  [$('monitor-check-type'), $('monitor-add-type')].forEach((select) => {
    const have = Array.from(select.options).map((o) => o.value).join('\n');
    if (have !== m.types.join('\n')) {
      const keep = select.value;
      select.replaceChildren(...m.types.map((type) => ui.el('option', { value: type }, type)));
      if (m.types.includes(keep)) {
        select.value = keep;
      }
    }
  });
  $('monitor-check-form').hidden = !ui.canOperate() || !m.types.length;
  $('monitor-add-card').hidden = !admin || !m.types.length;
  const c = data.check;
  $('monitor-check-result').replaceChildren(...(c ? [ui.pill(tv('health', c.health), c.health === 'HEALTHY' ? 'good'
    : 'bad'), ' ', c.reason, ' ', ui.el('span', { class: 'muted' }, t('monitors.took', { ms: c.elapsedMillis }))]
    : []));
  $('monitor-check-error').textContent = data.checkError ? data.checkError() : '';
  $('monitor-add-error').textContent = data.addError ? data.addError() : '';
}

function removeMonitor(name) {
  ui.confirmAndRun({ title: t('monitors.remove.title', { monitor: name }), text: t('monitors.remove.text',
    { monitor: name }), password: false,
  run: (fresh) => ui.send(fresh, `/monitors/${encodeURIComponent(name)}/remove`, {}),
  done: () => t('monitors.remove.done', { monitor: name }) });
}

async function runCheck(event) {
  event.preventDefault();
  data.check = null;
  data.checkError = null;
  let params;
  try {
    params = keyValues($('monitor-check-params').value);
  } catch (e) {
    data.checkError = () => e.message;
    renderMonitors(isAdmin());
    return;
  }
  $('monitor-check-run').disabled = true;
  try {
    data.check = await api.post(`/monitors/types/${encodeURIComponent($('monitor-check-type').value)}/check`,
      { params });
  } catch (e) {
    if (e.status === 401) {
      ui.expired();
      return;
    }
    data.checkError = () => fieldError(e);
  } finally {
    $('monitor-check-run').disabled = false;
  }
  renderMonitors(isAdmin());
}

async function addMonitor(event) {
  event.preventDefault();
  data.addError = null;
  const body = { type: $('monitor-add-type').value, on: $('monitor-add-on').value,
    target: $('monitor-add-target').value.trim(), replace: $('monitor-add-replace').checked };
  if ($('monitor-add-interval').value.trim()) {
    body.interval = $('monitor-add-interval').value.trim();
  }
  if ($('monitor-add-count').value.trim()) {
    body.count = Number($('monitor-add-count').value.trim());
  }
  try {
    body.params = keyValues($('monitor-add-params').value);
  } catch (e) {
    data.addError = () => e.message;
    renderMonitors(isAdmin());
    return;
  }
  const name = $('monitor-add-name').value.trim();
  try {
    await api.post(`/monitors/${encodeURIComponent(name)}/add`, body);
    $('monitor-add-form').reset();
    data.drawn = null;
    ui.announce(() => t('monitors.add.done', { monitor: name }));
  } catch (e) {
    if (e.status === 401) {
      ui.expired();
      return;
    }
    data.addError = () => fieldError(e);
  }
  renderMonitors(isAdmin());
}

// ---- backups -----------------------------------------------------------------------------------------------------

function renderBackups() {
  const body = $('backups-table').querySelector('tbody');
  body.replaceChildren();
  $('backups-absent').hidden = !data.backupsAbsent;
  $('backups-table').hidden = data.backupsAbsent;
  const ops = ui.canOperate();
  (data.backups || []).forEach((j) => {
    const now = [j.running ? ui.pill(t('backups.running', { what: j.running }), 'warn') : null,
      j.restoring ? ui.pill(t('backups.restoring', { what: j.restoring }), 'warn') : null,
      j.stale ? ui.el('div', { class: 'error' }, j.stale) : null,
      j.lastRestore ? ui.el('div', { class: 'muted' }, t('backups.lastRestore', { what: j.lastRestore })) : null]
      .filter((x) => x !== null);
    const run = j.lastRun;
    body.append(ui.el('tr', { dataset: { job: j.name } },
      ui.el('td', {}, ui.el('strong', {}, j.name), ' ', j.activeHere ? ui.pill(t('backups.activeHere'), 'good')
        : null),
      ui.el('td', {}, j.problem ? ui.el('span', { class: 'error' }, j.problem)
        : `${j.database ? t('backups.database', { resource: j.database }) : j.paths.join(', ')} \u2192 ${j.repository}`),
      ui.el('td', {}, j.schedule, ui.el('div', { class: 'muted' }, j.retention)),
      ui.el('td', {}, j.lastSuccess ? formatTime(j.lastSuccess) : t('common.none')),
      ui.el('td', {}, run ? [ui.pill(run.succeeded ? t('backups.succeeded') : t('backups.failed'),
        run.succeeded ? 'good' : 'bad'), ' ', formatTime(run.ended), ui.el('div', { class: 'muted' }, run.message)]
        : t('common.none')),
      ui.el('td', { class: 'now' }, now.length ? now : t('common.none')),
      ui.el('td', {}, j.problem ? null : [
        ui.opButton('backups.snapshots', 'backup-snapshots', { job: j.name }, () => showSnapshots(j), false),
        ops ? ui.opButton('backups.run', 'backup-run', { job: j.name }, () => runBackup(j.name), false) : null])));
  });
  renderSnapshots();
}

function renderSnapshots() {
  const s = data.snapshots;
  $('backup-snapshots-card').hidden = !s;
  if (!s) {
    return;
  }
  $('backup-snapshots-title').textContent = t('backups.snapshotsOf', { job: s.job.name });
  const ops = ui.canOperate();
  $('backup-restore-form').hidden = !ops;
  $('backup-target-row').hidden = !!s.job.database;
  $('backup-into-db-row').hidden = !s.job.database;
  $('backup-snapshots-error').textContent = s.error ? s.error() : '';
  $('backup-snapshots-table').querySelector('tbody').replaceChildren(...(s.list || []).slice().reverse().map((x) =>
    ui.el('tr', { dataset: { snapshot: x.id } },
      ui.el('td', {}, ui.el('code', {}, x.id)), ui.el('td', {}, formatTime(x.time)), ui.el('td', {}, x.host),
      ui.el('td', {}, x.slot), ui.el('td', {}, x.paths.join(', ')),
      ops ? ui.el('td', {}, ui.opButton('backups.restore', 'backup-restore', { job: s.job.name, snapshot: x.id },
        () => restore(s.job, x.id), true)) : null)));
}

async function showSnapshots(job) {
  data.snapshots = { job, list: null, error: null };
  renderSnapshots();
  try {
    data.snapshots.list = await api.get(`/backups/${encodeURIComponent(job.name)}/snapshots`);
  } catch (e) {
    if (e.status === 401) {
      ui.expired();
      return;
    }
    data.snapshots.error = () => ui.errorText(e);
  }
  renderSnapshots();
}

function runBackup(job) {
  ui.confirmAndRun({ title: t('backups.run.title', { job }), text: t('backups.run.text', { job }), password: false,
    run: (fresh) => ui.send(fresh, `/backups/${encodeURIComponent(job)}/run`, {}),
    done: (r) => t('backups.run.done', { job, message: r.message }) });
}

function restore(job, snapshot) {
  const intoDatabase = !!job.database;
  const target = $('backup-target').value.trim();
  const body = intoDatabase ? { snapshot, intoDatabase: true } : { snapshot, target };
  ui.confirmAndRun({ title: t('backups.restore.title', { job: job.name, snapshot }),
    text: intoDatabase ? t('backups.restore.textDatabase', { snapshot, resource: job.database })
      : t('backups.restore.text', { snapshot, target: target || t('common.none') }),
    password: true,
    run: (fresh) => ui.send(fresh, `/backups/${encodeURIComponent(job.name)}/restore`, body),
    done: (r) => t('backups.restore.done', { job: job.name, message: r.message }) });
}

// ---- nodes -------------------------------------------------------------------------------------------------------

// The node table's maintenance action (app.js adds it to a member node that is not in maintenance already).
export function maintenanceButton(node) {
  return ui.opButton('op.maintenance', 'maintenance', { node }, () => ui.confirmAndRun({
    title: t('op.maintenance.title', { node }), text: t('op.maintenance.text', { node }), password: true,
    run: (fresh) => ui.send(fresh, `/nodes/${encodeURIComponent(node)}/maintenance`, {}),
    done: () => t('op.maintenance.done', { node }) }), false);
}

export function setUp(helpers) {
  ui = helpers;
  $('monitor-check-form').addEventListener('submit', runCheck);
  $('monitor-add-form').addEventListener('submit', addMonitor);
}

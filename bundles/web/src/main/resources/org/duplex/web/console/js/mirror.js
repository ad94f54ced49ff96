// The Mirror view: this node's mirror volumes (GET /mirror/volumes) with their roles, disks, connection and sync
// state, and the ha:mirror-* operations behind the console's confirmation dialog (the password asked again for the
// ones that stop writes or throw data away). app.js hands over its helpers (el, pill, confirmAndRun, send) once and
// calls load() while the tab is open and render() on a language switch; the module keeps its own data.
import * as api from './api.js';
import { t, tv } from './i18n.js';

let ui = null;
const view = { volumes: [], unavailable: false, drawn: null };

export function setUp(helpers) {
  ui = helpers;
}

// Fetches the volumes; repaints only when they changed (rows replaced every poll would swallow a click in flight).
// A node without the mirror answers 503: the view says so instead of failing the whole refresh.
export async function load() {
  try {
    view.volumes = await api.get('/mirror/volumes');
    view.unavailable = false;
  } catch (e) {
    if (e.status !== 503) {
      throw e;
    }
    view.volumes = [];
    view.unavailable = true;
  }
  const drawn = JSON.stringify([view.volumes, view.unavailable, (api.session() || {}).role]);
  if (drawn !== view.drawn) {
    view.drawn = drawn;
    render();
  }
}

export function reset() {
  Object.assign(view, { volumes: [], unavailable: false, drawn: null });
}

function tone(value) {
  const v = String(value || '');
  if (['PRIMARY', 'CONNECTED', 'UP_TO_DATE'].includes(v)) {
    return 'good';
  }
  if (['STANDALONE', 'INCONSISTENT', 'OUTDATED'].includes(v)) {
    return 'bad';
  }
  return 'warn';
}

function bytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i += 1;
  }
  return `${i === 0 ? v : v.toFixed(1)} ${units[i]}`;
}

// The operations a row offers: what the volume's state allows and the user's role may do. A volume without a peer
// has no link to connect, verify or resync from, so it offers only promote and demote.
// Every mirror operation is an admin's, as in the shell's ACL (resuming writes can lose them, disconnecting stops
// the replication): operators switch services over, they do not steer the replication.
function operations(v, role) {
  const admin = role === 'admin';
  const ops = [];
  if (admin && v.replicated) {
    if (v.connection === 'CONNECTED') {
      ops.push('verify');
    }
    ops.push(v.connection === 'STANDALONE' ? 'connect' : 'disconnect');
  }
  if (admin && v.ioSuspended) {
    ops.push('resumeIo');
  }
  if (admin) {
    if (v.role === 'SECONDARY') {
      ops.push(v.localDisk === 'OUTDATED' ? 'forcePromote' : 'promote');
      if (v.replicated) {
        ops.push('invalidate');
      }
    } else {
      ops.push('demote');
    }
    if (v.splitBrain) {
      ops.push('keepData');
      if (v.role === 'SECONDARY') {
        ops.push('discardLocal');
      }
    }
  }
  return ops;
}

// Per operation: the path, the body, and whether the password is asked again (exactly the operations the server
// refuses without a confirmation: Confirmations.OPERATIONS).
const OPERATIONS = {
  verify: { path: 'verify', body: {}, password: false },
  connect: { path: 'connect', body: {}, password: false },
  disconnect: { path: 'disconnect', body: {}, password: true },
  resumeIo: { path: 'resume-io', body: { force: true }, password: true },
  promote: { path: 'promote', body: {}, password: true },
  forcePromote: { path: 'promote', body: { force: true }, password: true },
  demote: { path: 'demote', body: {}, password: true },
  invalidate: { path: 'invalidate', body: {}, password: true },
  keepData: { path: 'resolve-split-brain', body: {}, password: true },
  discardLocal: { path: 'resolve-split-brain', body: { discardLocal: true }, password: true },
};

function run(op, volume) {
  const o = OPERATIONS[op];
  ui.confirmAndRun({ title: t(`mirror.op.${op}.title`, { volume }), text: t(`mirror.op.${op}.text`, { volume }),
    password: o.password,
    run: (fresh) => ui.send(fresh, `/mirror/volumes/${encodeURIComponent(volume)}/${o.path}`, o.body),
    done: () => t(`mirror.op.${op}.done`, { volume }) });
}

function flags(v) {
  const { el, pill } = ui;
  const out = [];
  if (v.ioSuspended) {
    out.push(pill(t('mirror.ioSuspended'), 'bad'));
  }
  if (v.splitBrain) {
    out.push(pill(t('mirror.splitBrain'), 'bad'));
  }
  if (v.role === 'PRIMARY' && !v.writable) {
    out.push(pill(t('mirror.writesRefused'), 'bad'));
  }
  if (v.alert) {
    out.push(el('div', { class: 'error' }, v.alert));
  }
  if (v.lastVerify) {
    out.push(el('div', { class: 'muted' }, t('mirror.lastVerify', { result: v.lastVerify })));
  }
  return out.length ? out : t('common.none');
}

export function render() {
  if (!ui) {
    return;
  }
  const { el, pill } = ui;
  const role = (api.session() || {}).role;
  const operator = role === 'operator' || role === 'admin';
  document.getElementById('mirror-table').querySelectorAll('th.ops').forEach((th) => { th.hidden = !operator; });
  const body = document.getElementById('mirror-table').querySelector('tbody');
  body.replaceChildren(...view.volumes.map((v) => {
    const ops = operations(v, role).map((op) => el('button', { type: 'button',
      class: OPERATIONS[op].password ? 'danger' : null, dataset: { op, volume: v.name },
      onclick: () => run(op, v.name) }, t(`mirror.op.${op}`)));
    const sync = [el('div', {}, t('mirror.syncOf', { percent: v.syncPercent.toFixed(1) }))];
    if (v.dirtyBytes > 0) {
      sync.push(el('div', { class: 'muted' }, t('mirror.dirty', { bytes: bytes(v.dirtyBytes) })));
    }
    if (v.etaSeconds !== null && v.etaSeconds !== undefined) {
      sync.push(el('div', { class: 'muted' }, t('mirror.eta', { seconds: v.etaSeconds,
        speed: bytes(v.resyncBytesPerSec) })));
    }
    return el('tr', { dataset: { volume: v.name, role: v.role, connection: v.connection } },
      el('td', {}, el('strong', {}, v.name),
        el('div', { class: 'muted' }, v.exportAddress || t('mirror.noExport')),
        el('div', { class: 'muted' }, v.replicated ? t('mirror.peerAt', { address: v.peerAddress })
          : t('mirror.unreplicated'))),
      el('td', { class: 'role' }, pill(tv('mirrorrole', v.role), tone(v.role)),
        v.peerRole ? el('div', { class: 'muted' }, t('mirror.peerRole', { role: tv('mirrorrole', v.peerRole) }))
          : null),
      // a volume without a peer is always standalone: nothing wrong with that
      el('td', { class: 'connection' }, pill(tv('mirrorconn', v.connection), v.replicated ? tone(v.connection)
        : 'good')),
      el('td', { class: 'disks' }, pill(t('mirror.thisLeg', { disk: tv('mirrordisk', v.localDisk) }), tone(v.localDisk)),
        pill(t('mirror.peerLeg', { disk: tv('mirrordisk', v.peerDisk) }), tone(v.peerDisk))),
      el('td', { class: 'sync' }, sync),
      el('td', { class: 'flags' }, flags(v)),
      el('td', { class: ['generations', 'muted'] }, t('mirror.generationsOf', { current: v.generations.current,
        epoch: v.promotedEpoch })),
      operator ? el('td', {}, ops) : null);
  }));
  document.getElementById('mirror-empty').hidden = view.unavailable || view.volumes.length > 0;
  document.getElementById('mirror-unavailable').hidden = !view.unavailable;
}

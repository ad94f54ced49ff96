// Link quality on the Cluster tab: each heartbeat link's one-way latency, jitter and loss as this node sees them
// (GET /links, the heartbeat's metrics families as JSON), charted over the last minutes. The node keeps no history:
// the page samples at every poll and keeps up to HISTORY points per link (about 5 minutes at the 2 s poll), so the
// charts start empty when the page is opened. app.js calls load() at every poll of the Cluster tab and render() on
// a language switch.
import * as api from './api.js';
import { t } from './i18n.js';

const HISTORY = 150;
const SVG = 'http://www.w3.org/2000/svg';
const W = 300;
const H = 48;

let ui = null;
const view = { links: [], history: new Map(), unavailable: false };

export function setUp(helpers) {
  ui = helpers;
}

export function reset() {
  Object.assign(view, { links: [], history: new Map(), unavailable: false });
}

export async function load() {
  const r = await api.get('/links');
  view.links = r.links;
  const now = Date.now();
  view.links.forEach((l) => {
    const key = `${l.peer}/${l.link}`;
    const points = view.history.get(key) || [];
    points.push({ at: now, latency: l.latencySeconds === null ? null : l.latencySeconds * 1000,
      jitter: l.jitterSeconds === null ? null : l.jitterSeconds * 1000,
      loss: l.lossRatio === null ? null : l.lossRatio * 100, up: l.up });
    while (points.length > HISTORY) {
      points.shift();
    }
    view.history.set(key, points);
  });
  render();
}

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  Object.entries(attrs).forEach(([k, v]) => e.setAttribute(k, v));
  return e;
}

// A line of one value over the kept points, scaled to its own maximum (at least `floor`), with that maximum written.
function chart(points, value, floor, unit, kind) {
  const values = points.map((p) => p[value]);
  const max = Math.max(floor, ...values.filter((v) => v !== null));
  const s = svg('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H,
    class: ['chart', `chart-${kind}`].join(' '), role: 'img' });
  s.append(svg('rect', { x: 0, y: 0, width: W, height: H, class: 'chart-frame' }));
  const step = W / (HISTORY - 1);
  const offset = (HISTORY - points.length) * step;
  let segment = [];
  const flush = () => {
    if (segment.length > 1) {
      s.append(svg('polyline', { points: segment.join(' '), class: 'chart-line' }));
    } else if (segment.length === 1) {
      const [x, y] = segment[0].split(',');
      s.append(svg('circle', { cx: x, cy: y, r: 1.5, class: 'chart-dot' }));
    }
    segment = [];
  };
  values.forEach((v, i) => {
    if (v === null) {
      flush(); // a gap where the link had no value (no frame yet)
    } else {
      segment.push(`${(offset + i * step).toFixed(1)},${(H - 2 - (v / max) * (H - 6)).toFixed(1)}`);
    }
  });
  flush();
  const label = svg('text', { x: W - 4, y: 11, class: 'chart-max' });
  label.textContent = `${max.toFixed(max < 10 ? 2 : 0)} ${unit}`;
  s.append(label);
  return s;
}

function number(v, digits) {
  return v === null || v === undefined ? t('links.noValue') : v.toFixed(digits);
}

export function render() {
  if (!ui) {
    return;
  }
  const { el, pill } = ui;
  const box = document.getElementById('links-charts');
  document.getElementById('links-none').hidden = view.links.length > 0;
  box.replaceChildren(...view.links.map((l) => {
    const points = view.history.get(`${l.peer}/${l.link}`) || [];
    const last = points[points.length - 1] || {};
    return el('div', { class: 'link-quality', dataset: { peer: l.peer, link: l.link } },
      el('div', {}, el('strong', {}, t('links.title', { peer: l.peer, link: l.link, kind: l.kind })), ' ',
        pill(l.up ? t('links.up') : t('links.notUp'), l.up ? 'good' : 'bad')),
      el('div', { class: 'muted' }, t('links.now', { latency: number(last.latency, 2), jitter: number(last.jitter, 2),
        loss: number(last.loss, 2), received: l.framesReceived === null ? t('links.noValue') : l.framesReceived,
        lost: l.framesLost === null ? t('links.noValue') : l.framesLost })),
      el('div', { class: 'chart-row' },
        el('div', {}, el('div', { class: 'muted' }, t('links.latencyChart')), chart(points, 'latency', 1, 'ms',
          'latency')),
        el('div', {}, el('div', { class: 'muted' }, t('links.lossChart')), chart(points, 'loss', 1, '%',
          'loss'))));
  }));
}

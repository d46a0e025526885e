// The log itself: the latest checkpoint (verified here), its growth and append rate, and its
// tiles as a picture. Growth comes from data the log already serves: the integrated times of
// entries sampled across the tree (signed by each entry's SET) for the history, and the
// checkpoint polled while the page is open for the live rate. No endpoint of its own.

import * as api from './api.js';
import {hex} from './bytes.js';
import {dl, el, errorBox, mono, replace, svg, svgLink, utc} from './dom.js';
import * as trust from './trust.js';
import {verifyCheckpoint} from './verify.js';

const POLL_MS = 5000;
const HISTORY_POINTS = 20;
const TILE_WIDTH = 256;
const MAX_BOXES = 16;

let timer = null;
let generation = 0; // a view's polling loop stops when another view (or another showLog) starts
let live = []; // [{t (ms), size}]
let history = []; // [{t (ms), size}] from integrated times
let historySize = -1;
let historyAt = 0;

/** Shows the log view in target and keeps it current until stop(). */
export function showLog(target) {
  stop();
  live = [];
  history = [];
  historySize = -1;
  const parts = {
    tree: el('section', {class: 'card', id: 'tree'}, el('h3', {}, 'Tree'), el('p', {class: 'muted'}, 'Loading…')),
    checkpoint: el('section', {class: 'card', id: 'checkpoint'}, el('h3', {}, 'Latest checkpoint')),
    growth: el('section', {class: 'card', id: 'growth'}, el('h3', {}, 'Growth')),
    tiles: el('section', {class: 'card', id: 'tiles'}, el('h3', {}, 'Tiles')),
    trust: el('section', {class: 'card', id: 'trust'}, el('h3', {}, 'Log key')),
  };
  replace(target, el('h2', {}, 'The log'), Object.values(parts));
  trustCard(parts.trust);
  const mine = generation;
  const tick = async () => {
    if (mine !== generation) return;
    await refresh(parts);
    if (mine === generation) timer = setTimeout(tick, POLL_MS);
  };
  tick();
}

export function stop() {
  generation++;
  clearTimeout(timer);
  timer = null;
}

async function refresh(parts) {
  if (document.visibilityState === 'hidden') return;
  let info;
  let note;
  try {
    [info, note] = await Promise.all([api.logInfo(), api.checkpoint()]);
  } catch (e) {
    replace(parts.tree, el('h3', {}, 'Tree'), errorBox(e.message));
    return;
  }
  let verified = null;
  let problem = null;
  try {
    verified = await verifyCheckpoint(note, await trust.trustedKey());
  } catch (e) {
    problem = e.message;
  }
  const size = verified ? verified.checkpoint.size : info.treeSize;
  live.push({t: Date.now(), size});
  if (live.length > 720) live.shift();
  replace(parts.tree, el('h3', {}, 'Tree'), dl([
    ['Tree size', el('span', {id: 'tree-size'}, String(size))],
    ['Root hash', mono(verified ? hex(verified.checkpoint.root) : String(info.rootHash))],
    ['Tree ID', String(info.treeID)],
    ['Origin', verified ? verified.checkpoint.origin : null],
    ['Checkpoint', problem ? el('span', {class: 'fail', id: 'checkpoint-state', 'data-state': 'fail'}, 'NOT verified: ' + problem)
      : el('span', {class: 'pass', id: 'checkpoint-state', 'data-state': 'pass'}, 'signature verified with the log key')],
  ]));
  replace(parts.checkpoint, el('h3', {}, 'Latest checkpoint'),
    el('p', {class: 'muted'}, 'As served at /checkpoint: the text the log signed, a blank line, then one line per signature.'),
    el('pre', {class: 'note', id: 'checkpoint-text'}, note),
    verified ? el('ul', {class: 'sigs'},
      el('li', {}, el('span', {class: 'badge pass'}, 'log'), ' ', verified.signer.name + ' key ID ' + hex(verified.signer.keyId)
        + ': the log\'s signature, verified'),
      verified.others.map(s => el('li', {}, el('span', {class: 'badge other'}, 'other'), ' ', s.name + ' key ID ' + hex(s.keyId)
        + ': another key (a witness cosignature, say); not checked here'))) : null);
  // The history is sampled again when the tree has grown by a twentieth or a minute has passed,
  // not at every poll: each sample is an entry read with its proof.
  if (size !== historySize && (size >= historySize * 1.05 || Date.now() - historyAt > 60000)) {
    historySize = size;
    historyAt = Date.now();
    try {
      history = await sampleHistory(size);
    } catch (e) {
      history = [];
    }
  }
  replace(parts.growth, el('h3', {}, 'Growth'), chart(), rates());
  replace(parts.tiles, el('h3', {}, 'Tiles'),
    el('p', {class: 'muted'}, 'The tree as C2SP tlog-tiles: a tile holds 256 hashes; level 0 holds the leaf hashes, each level above'
      + ' the roots of full tiles below it. Solid tiles are full and never change; a partial tile grows until it is full.'
      + ' Each tile links to its file.'),
    tilePicture(size));
}

/** (integrated time, entries so far) at entries spread evenly over the tree. */
async function sampleHistory(size) {
  if (size === 0) return [];
  const n = Math.min(HISTORY_POINTS, size);
  const indexes = [...new Set(Array.from({length: n}, (_, j) => n === 1 ? 0 : Math.round(j * (size - 1) / (n - 1))))];
  const points = [];
  for (let i = 0; i < indexes.length; i += api.RETRIEVE_MAX) {
    for (const e of await api.retrieve({logIndexes: indexes.slice(i, i + api.RETRIEVE_MAX)})) {
      points.push({t: e.integratedTime * 1000, size: e.logIndex + 1});
    }
  }
  return points.sort((a, b) => a.size - b.size);
}

function chart() {
  const points = history.concat(live).sort((a, b) => a.t - b.t || a.size - b.size);
  if (points.length < 2) return el('p', {class: 'muted', id: 'growth-chart'}, 'Not enough entries yet to draw growth.');
  const W = 640;
  const H = 200;
  const L = 60;
  const B = 30;
  const t0 = points[0].t;
  const t1 = Math.max(points[points.length - 1].t, t0 + 1000);
  const maxSize = Math.max(1, ...points.map(p => p.size));
  const x = t => L + (W - L - 10) * (t - t0) / (t1 - t0);
  const y = s => H - B - (H - B - 10) * s / maxSize;
  const line = points.map(p => x(p.t).toFixed(1) + ',' + y(p.size).toFixed(1)).join(' ');
  return svg('svg', {viewBox: '0 0 ' + W + ' ' + H, class: 'chart', id: 'growth-chart', role: 'img',
    'aria-label': 'tree size over time'},
  svg('line', {x1: L, y1: H - B, x2: W - 10, y2: H - B, class: 'axis'}),
  svg('line', {x1: L, y1: 10, x2: L, y2: H - B, class: 'axis'}),
  svg('text', {x: L - 6, y: 14, 'text-anchor': 'end', class: 'label'}, String(maxSize)),
  svg('text', {x: L - 6, y: H - B, 'text-anchor': 'end', class: 'label'}, '0'),
  svg('text', {x: L, y: H - 8, class: 'label'}, utc(t0 / 1000)),
  svg('text', {x: W - 10, y: H - 8, 'text-anchor': 'end', class: 'label'}, utc(t1 / 1000)),
  svg('polyline', {points: line, class: 'growth'}),
  live.map(p => svg('circle', {cx: x(p.t).toFixed(1), cy: y(p.size).toFixed(1), r: 2.5, class: 'live'})));
}

function perMinute(entries, ms) {
  return ms <= 0 ? null : entries * 60000 / ms;
}

function rateText(r) {
  return r === null ? 'n/a' : (r >= 10 ? Math.round(r) : r.toFixed(1)) + ' entries/min';
}

function rates() {
  const items = [];
  if (live.length >= 2) {
    const a = live[0];
    const b = live[live.length - 1];
    items.push(['Since this page opened', rateText(perMinute(b.size - a.size, b.t - a.t)) + ' (' + Math.round((b.t - a.t) / 1000) + ' s, '
      + (b.size - a.size) + ' entries)']);
  } else {
    items.push(['Since this page opened', 'measuring (every ' + POLL_MS / 1000 + ' s)']);
  }
  if (history.length >= 2) {
    const a = history[history.length - 2];
    const b = history[history.length - 1];
    items.push(['Latest entries', b.t === a.t ? (b.size - a.size) + ' entries within one second'
      : rateText(perMinute(b.size - a.size, b.t - a.t)) + ' (entries ' + a.size + ' to ' + b.size + ')']);
    const f = history[0];
    items.push(['Over the log\'s life', rateText(perMinute(b.size - f.size, b.t - f.t)) + ' since ' + utc(f.t / 1000)]);
  }
  return dl(items, 'rates');
}

/** A tile index N as its C2SP tlog-tiles path: groups of three digits, all but the last x-prefixed. */
export function tileIndexPath(n) {
  let s = String(n);
  while (s.length % 3) s = '0' + s;
  const groups = s.match(/.{3}/g);
  return groups.map((g, i) => (i < groups.length - 1 ? 'x' : '') + g).join('/');
}

/** The tiles of a tree of size leaves: [{level, count, full, partial}] from level 0 up. */
export function tileLevels(size) {
  const out = [];
  for (let level = 0, hashes = size; hashes > 0; level++, hashes = Math.floor(hashes / TILE_WIDTH)) {
    out.push({level, hashes, full: Math.floor(hashes / TILE_WIDTH), partial: hashes % TILE_WIDTH});
  }
  return out;
}

function tilePicture(size) {
  if (size === 0) return el('p', {class: 'muted', id: 'tile-picture'}, 'The tree is empty: no tiles yet.');
  const levels = tileLevels(size);
  const rows = levels.slice().reverse().map(l => ({label: 'level ' + l.level, prefix: 'tile/' + l.level + '/', ...l}));
  rows.push({label: 'entries', prefix: 'tile/entries/', ...levels[0]});
  const BOX = 34;
  const GAP = 4;
  const ROW = 30;
  const LABEL = 70;
  const W = LABEL + MAX_BOXES * (BOX + GAP) + 10;
  const H = rows.length * ROW + 10;
  const children = [];
  rows.forEach((row, r) => {
    const y0 = 8 + r * ROW;
    children.push(svg('text', {x: 0, y: y0 + 16, class: 'label'}, row.label));
    const count = row.full + (row.partial ? 1 : 0);
    const shown = [];
    if (count <= MAX_BOXES) {
      for (let i = 0; i < count; i++) shown.push(i);
    } else {
      shown.push(0, 1, null);
      for (let i = count - (MAX_BOXES - 3); i < count; i++) shown.push(i);
    }
    shown.forEach((n, k) => {
      const x0 = LABEL + k * (BOX + GAP);
      if (n === null) {
        children.push(svg('text', {x: x0 + BOX / 2, y: y0 + 16, 'text-anchor': 'middle', class: 'label'},
          '…' + (count - MAX_BOXES + 1)));
        return;
      }
      const partial = n === row.full;
      const width = partial ? row.partial : TILE_WIDTH;
      const path = row.prefix + tileIndexPath(n) + (partial ? '.p/' + width : '');
      children.push(svgLink(path,
        svg('title', {}, path + (partial ? ': partial, ' + width + ' of 256' : ': full, 256') + (row.label === 'entries' ? ' entries' : ' hashes')),
        svg('rect', {x: x0, y: y0, width: BOX, height: 22, rx: 3, class: partial ? 'tile partial' : 'tile full'}),
        partial ? svg('rect', {x: x0, y: y0, width: Math.max(2, BOX * width / TILE_WIDTH).toFixed(1), height: 22, rx: 3, class: 'fill'}) : null,
        partial ? svg('text', {x: x0 + BOX / 2, y: y0 + 15, 'text-anchor': 'middle', class: 'width'}, String(width)) : null));
    });
  });
  return el('div', {id: 'tile-picture'},
    svg('svg', {viewBox: '0 0 ' + W + ' ' + H, class: 'tiles', role: 'img', 'aria-label': 'the tiles of the tree'}, children),
    el('p', {class: 'muted', id: 'tile-summary'}, levels.map(l => 'level ' + l.level + ': ' + plural(l.hashes, 'hash', 'hashes')
      + ' in ' + plural(l.full, 'full tile', 'full tiles') + (l.partial ? ' and a partial one of ' + l.partial : '')).join('; ') + '.'));
}

function plural(n, one, many) {
  return n + ' ' + (n === 1 ? one : many);
}

function trustCard(section) {
  const status = el('p', {id: 'pin-status'});
  const pem = el('textarea', {id: 'pin-pem', rows: 4, placeholder: '-----BEGIN PUBLIC KEY-----', spellcheck: 'false'});
  const pinButton = el('button', {type: 'button', id: 'pin'}, 'Pin this key');
  const unpinButton = el('button', {type: 'button', id: 'unpin'}, 'Forget the pinned key');
  const show = async () => {
    try {
      const k = await trust.trustedKey();
      replace(status, k.source === 'pinned'
        ? 'Verifying with a key pinned in this browser, log ID ' + hex(k.logId)
          + (k.servedDiffers ? '. The key this log serves is DIFFERENT: its answers will not verify.' : ', the key this log serves.')
        : 'Verifying with the key this log serves, log ID ' + hex(k.logId)
          + '. Compare it with a log key from a source you trust, and pin that key here.');
    } catch (e) {
      replace(status, errorBox(e.message));
    }
  };
  pinButton.addEventListener('click', async () => {
    try {
      await trust.pin(pem.value);
      pem.value = '';
    } catch (e) {
      replace(status, errorBox('Not pinned: ' + e.message));
      return;
    }
    show();
  });
  unpinButton.addEventListener('click', () => {
    trust.unpin();
    show();
  });
  section.append(status, el('label', {for: 'pin-pem'}, 'A log key (PEM) you trust:'), pem, el('p', {}, pinButton, ' ', unpinButton));
  show();
}

// Searching the log by what people know (docs/protocol.md section 10): an artifact digest, a
// public key or certificate, an identity in a certificate, a log index or an entry UUID. The
// search API answers a list of entry IDs; the entries are fetched a page at a time.

import * as api from './api.js';
import {b64, hex, sha256, utf8} from './bytes.js';
import {el, errorBox, link, mono, replace, utc} from './dom.js';
import {readBody, signerSummary} from './entry.js';

const PAGE = api.RETRIEVE_MAX;

/** The API query for a search kind and text, or an Error the person can act on. */
export function query(kind, q) {
  const t = q.trim();
  if (t === '') throw new Error('enter something to search for');
  switch (kind) {
    case 'digest': {
      const m = /^(?:(sha1|sha256|sha384|sha512):)?([0-9a-fA-F]+)$/.exec(t);
      if (!m || ![40, 64, 96, 128].includes(m[2].length)) {
        throw new Error('a digest is sha256:<64 hex digits> (or sha1, sha384, sha512), or bare hex');
      }
      return {hash: t.toLowerCase()};
    }
    case 'key':
      if (!t.includes('-----BEGIN ')) throw new Error('paste a PEM public key or certificate, or choose its file');
      return {publicKey: {format: 'x509', content: b64(utf8(t + '\n'))}};
    case 'identity':
      // Both look up the same index keys (the certificate's subject alternative names); e-mail
      // for what looks like an address, subject for URIs and anything else.
      return /^[^:/\s]+@[^\s]+$/.test(t) ? {email: t} : {subject: t};
    default:
      throw new Error('unknown search kind ' + kind);
  }
}

/** SHA-256 of a file, as a digest to search for. */
export async function fileDigest(file) {
  return 'sha256:' + hex(await sha256(new Uint8Array(await file.arrayBuffer())));
}

/** Runs a search and shows one page of its results in target. */
export async function showResults(target, kind, q, page) {
  replace(target, el('p', {class: 'muted'}, 'Searching…'));
  let ids;
  try {
    ids = await api.search(query(kind, q));
  } catch (e) {
    replace(target, errorBox(e.message));
    return;
  }
  if (ids.length === 0) {
    replace(target, el('p', {class: 'empty', id: 'no-results'}, 'No entries found.'));
    return;
  }
  ids.reverse(); // newest first
  const pages = Math.ceil(ids.length / PAGE);
  const p = Math.min(Math.max(1, page), pages);
  const slice = ids.slice((p - 1) * PAGE, p * PAGE);
  const status = el('p', {class: 'muted', id: 'result-count'},
    'Entries ' + ((p - 1) * PAGE + 1) + '–' + ((p - 1) * PAGE + slice.length) + ' of ' + ids.length + ' (newest first)');
  const nav = el('nav', {class: 'pager', 'aria-label': 'pages'},
    p > 1 ? link('search', {kind, q, page: p - 1}, '← Newer') : el('span', {class: 'muted'}, '← Newer'),
    el('span', {}, ' page ' + p + ' of ' + pages + ' '),
    p < pages ? link('search', {kind, q, page: p + 1}, 'Older →') : el('span', {class: 'muted'}, 'Older →'));
  replace(target, status, el('p', {class: 'muted'}, 'Loading entries…'));
  try {
    const entries = await api.retrieve({entryUUIDs: slice});
    replace(target, status, await table(entries, 'results'), pages > 1 ? nav : null);
  } catch (e) {
    replace(target, status, errorBox(e.message));
  }
}

/** The latest entries of the log, newest first. */
export async function showLatest(target) {
  try {
    const info = await api.logInfo();
    const n = Math.min(PAGE, info.treeSize);
    if (n === 0) {
      replace(target, el('p', {class: 'empty'}, 'The log is empty.'));
      return;
    }
    const indexes = [];
    for (let i = 0; i < n; i++) indexes.push(info.treeSize - 1 - i);
    replace(target, await table(await api.retrieve({logIndexes: indexes}), 'latest-table'));
  } catch (e) {
    replace(target, errorBox(e.message));
  }
}

async function table(entries, id) {
  const rows = [];
  for (const e of entries) {
    let kind = '?';
    let digest = '';
    let who = '';
    try {
      const b = await readBody(e.body);
      kind = b.kind;
      digest = b.digest ? b.digest.algorithm + ':' + b.digest.value : '';
      who = signerSummary(b);
    } catch (err) {
      who = 'unreadable body: ' + err.message;
    }
    rows.push(el('tr', {},
      el('td', {class: 'num'}, link('view', ['entry', e.uuid], String(e.logIndex))),
      el('td', {}, kind),
      el('td', {}, mono(digest, 'short')),
      el('td', {class: 'who'}, who),
      el('td', {class: 'time'}, utc(e.integratedTime))));
  }
  return el('table', {class: 'entries', id},
    el('thead', {}, el('tr', {}, ['Index', 'Kind', 'Artifact digest', 'Signer', 'Integrated'].map(h => el('th', {}, h)))),
    el('tbody', {}, rows));
}

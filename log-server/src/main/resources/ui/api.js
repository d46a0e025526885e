// The log's own API, as any client uses it (docs/protocol.md sections 2, 9, 10). The page is
// served by the log, so every address is relative to it: a log behind a path prefix works too.

import {fromAnswer} from './entry.js';

const ROOT = new URL('../', import.meta.url);
const TIMEOUT_MS = 20000;
/** At most this many items in one retrieve request (the log's limit, protocol 2.4). */
export const RETRIEVE_MAX = 10;

async function call(method, path, body, as = 'json') {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
  let r;
  try {
    r = await fetch(new URL(path, ROOT), {
      method, signal: ctl.signal, cache: 'no-store',
      headers: body === undefined ? {} : {'Content-Type': 'application/json'},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new Error(method + ' /' + path + ': ' + (e.name === 'AbortError' ? 'no answer within ' + TIMEOUT_MS / 1000 + ' s' : e.message));
  } finally {
    clearTimeout(timer);
  }
  const t = await r.text();
  if (!r.ok) {
    let message = t;
    try {
      message = JSON.parse(t).message || t;
    } catch (e) {
      // not JSON: show the text
    }
    const err = new Error('the log answered ' + r.status + ': ' + String(message).slice(0, 300));
    err.status = r.status;
    throw err;
  }
  if (as === 'text') return t;
  try {
    return JSON.parse(t);
  } catch (e) {
    throw new Error(method + ' /' + path + ': the answer is not JSON');
  }
}

export const logInfo = () => call('GET', 'api/v1/log');
export const checkpoint = () => call('GET', 'checkpoint', undefined, 'text');
export const publicKey = () => call('GET', 'api/v1/log/publicKey', undefined, 'text');

export async function entryByUuid(id) {
  return fromAnswer(await call('GET', 'api/v1/log/entries/' + encodeURIComponent(id)));
}

export async function entryByIndex(index) {
  return fromAnswer(await call('GET', 'api/v1/log/entries?logIndex=' + encodeURIComponent(index)));
}

/** Entries by UUIDs or indexes, at most RETRIEVE_MAX in all; those not in the log are left out. */
export async function retrieve({entryUUIDs, logIndexes}) {
  const q = {};
  if (entryUUIDs && entryUUIDs.length) q.entryUUIDs = entryUUIDs;
  if (logIndexes && logIndexes.length) q.logIndexes = logIndexes;
  const list = await call('POST', 'api/v1/log/entries/retrieve', q);
  if (!Array.isArray(list)) throw new Error('the retrieve answer is not a list');
  return list.map(fromAnswer);
}

/** Entry IDs for one criterion ({hash}, {publicKey: {format, content}}, {email}, {subject}). */
export async function search(query) {
  const ids = await call('POST', 'api/v1/index/retrieve', query);
  if (!Array.isArray(ids) || ids.some(i => typeof i !== 'string')) throw new Error('the search answer is not a list of entry IDs');
  return ids;
}

// Which log key the page verifies with. By default the key this log serves: that shows the
// log's answers agree with each other, not that the log is the one you mean. Pinning a key you
// got elsewhere (kept in this browser's localStorage) makes the checks mean what they say.

import * as api from './api.js';
import {equal} from './bytes.js';
import {logKey} from './verify.js';

const STORAGE = 'stele.explorer.logKey';
let served = null;

function pinnedPem() {
  try {
    return localStorage.getItem(STORAGE);
  } catch (e) {
    return null;
  }
}

/** The key this log serves (fetched once per page load). */
export function servedKey() {
  if (!served) served = api.publicKey().then(logKey);
  served.catch(() => {
    served = null;
  });
  return served;
}

/**
 * The key to verify with: {key, spki, logId, pem, source: 'pinned' | 'served', servedDiffers}.
 */
export async function trustedKey() {
  const pem = pinnedPem();
  if (!pem) return Object.assign({source: 'served', servedDiffers: false}, await servedKey());
  const k = await logKey(pem);
  let differs = null;
  try {
    differs = !equal((await servedKey()).spki, k.spki);
  } catch (e) {
    differs = null; // the log did not serve a key; the pinned one is used all the same
  }
  return Object.assign({source: 'pinned', servedDiffers: differs}, k);
}

/** Pins a PEM log key; throws if it is not an ECDSA P-256 public key. */
export async function pin(pem) {
  await logKey(pem);
  localStorage.setItem(STORAGE, pem.trim() + '\n');
}

export function unpin() {
  localStorage.removeItem(STORAGE);
}

export function isPinned() {
  return pinnedPem() !== null;
}

// Verifying what the log says, in the browser, with WebCrypto (docs/protocol.md sections 1, 5,
// 6, 7). Each check returns normally or throws an Error whose message is the reason, with the
// numbers in it; the page runs them one by one and shows each result.

import * as der from './der.js';
import {NO_WEBCRYPTO, concat, equal, fromB64, fromHex, hex, pemBlocks, sha256, utf8} from './bytes.js';

/**
 * The log's key from its PEM: {key (a WebCrypto ECDSA P-256 verify key), spki, logId (SHA-256 of
 * the SPKI, 32 bytes), pem}. The log key is ECDSA P-256 (protocol section 1).
 */
export async function logKey(pem) {
  if (!globalThis.crypto || !crypto.subtle) throw new Error(NO_WEBCRYPTO);
  const blocks = pemBlocks(pem);
  if (blocks.length !== 1 || blocks[0].type !== 'PUBLIC KEY') {
    throw new Error('the log key must be one PEM PUBLIC KEY block');
  }
  const spki = blocks[0].der;
  let key;
  try {
    key = await crypto.subtle.importKey('spki', spki, {name: 'ECDSA', namedCurve: 'P-256'}, false, ['verify']);
  } catch (e) {
    throw new Error('the log key is not an ECDSA P-256 public key (' + e.message + ')');
  }
  return {key, spki, logId: await sha256(spki), pem};
}

/**
 * An ASN.1 DER ECDSA signature SEQUENCE {r, s} as the fixed-size r || s WebCrypto wants (IEEE
 * P1363), each integer left-padded to size bytes.
 */
export function derToRaw(sig, size = 32) {
  const seq = der.expect(der.readAll(sig, 'signature'), der.SEQUENCE, 'ECDSA signature');
  const parts = der.children(seq);
  if (parts.length !== 2) throw new Error('an ECDSA signature is SEQUENCE {r, s}, found ' + parts.length + ' elements');
  const out = new Uint8Array(2 * size);
  parts.forEach((p, i) => {
    const v = der.unsigned(p);
    if (v.length > size) throw new Error('ECDSA signature integer of ' + v.length + ' bytes, at most ' + size);
    out.set(v, (i + 1) * size - v.length);
  });
  return out;
}

/** ECDSA P-256 with SHA-256 over data; throws unless the DER signature verifies. */
export async function verifySignature(key, sigDer, data, what) {
  let raw;
  try {
    raw = derToRaw(sigDer);
  } catch (e) {
    throw new Error(what + ' is not a DER ECDSA signature: ' + e.message);
  }
  const ok = await crypto.subtle.verify({name: 'ECDSA', hash: 'SHA-256'}, key, raw, data);
  if (!ok) throw new Error(what + ' does not verify under the log key');
}

// ---- RFC 6962 / 9162 Merkle hashing ----

export async function leafHash(body) {
  return sha256(concat(Uint8Array.of(0), body));
}

async function nodeHash(left, right) {
  return sha256(concat(Uint8Array.of(1), left, right));
}

/** The number of hashes in the audit path of index in a tree of size leaves (RFC 9162 2.1.3.2). */
export function proofLength(index, size) {
  const i = BigInt(index);
  const last = BigInt(size) - 1n;
  let inner = 0;
  for (let x = i ^ last; x > 0n; x >>= 1n) inner++;
  let border = 0;
  for (let x = i >> BigInt(inner); x > 0n; x >>= 1n) if (x & 1n) border++;
  return inner + border;
}

/**
 * The root an inclusion proof leads to (RFC 9162 2.1.3.2), after checking index < size and the
 * proof's exact length. Throws with the numbers otherwise.
 */
export async function rootFromInclusionProof(index, size, leaf, proof) {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) {
    throw new Error('index ' + index + ' is not in a tree of size ' + size);
  }
  const want = proofLength(index, size);
  if (proof.length !== want) {
    throw new Error('the proof has ' + proof.length + ' hashes; index ' + index + ' in a tree of ' + size + ' needs ' + want);
  }
  let fn = BigInt(index);
  let sn = BigInt(size) - 1n;
  let r = leaf;
  for (const p of proof) {
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  return r;
}

// ---- C2SP signed notes and checkpoints ----

const DASH = '\u2014 ';

/**
 * A signed note (protocol 7.2): {text, signatures: [{name, keyId (4 bytes), signature, line}]}.
 * The text ends at the last blank line.
 */
export function parseNote(note) {
  if (/[\u0000-\u0009\u000b-\u001f\u007f]/.test(note)) throw new Error('the note has control characters other than newline');
  const blank = note.lastIndexOf('\n\n');
  if (blank < 0) throw new Error('the note has no blank line between text and signatures');
  const text = note.slice(0, blank + 1);
  const rest = note.slice(blank + 2);
  if (!rest.endsWith('\n')) throw new Error('the last signature line does not end with a newline');
  const lines = rest.slice(0, -1).split('\n');
  if (lines.length > 100) throw new Error('the note has ' + lines.length + ' signature lines, at most 100');
  const signatures = lines.map((line, i) => {
    if (!line.startsWith(DASH)) throw new Error('signature line ' + (i + 1) + ' does not start with an em dash and a space');
    const parts = line.slice(DASH.length).split(' ');
    if (parts.length !== 2 || parts[0] === '' || parts[0].includes('+')) {
      throw new Error('signature line ' + (i + 1) + ' is not "— <name> <base64>"');
    }
    const bytes = fromB64(parts[1], 'signature line ' + (i + 1));
    if (bytes.length < 5) throw new Error('signature line ' + (i + 1) + ' holds ' + bytes.length + ' bytes, too few for a key ID and a signature');
    return {name: parts[0], keyId: bytes.subarray(0, 4), signature: bytes.subarray(4), line};
  });
  return {text, signatures};
}

/** A checkpoint's text (C2SP tlog-checkpoint, protocol 7.2): {origin, size, root, extensions}. */
export function parseCheckpoint(text) {
  const lines = text.split('\n');
  lines.pop(); // the text ends with a newline
  if (lines.length < 3) throw new Error('a checkpoint has at least three lines, this one ' + lines.length);
  const [origin, size, root, ...extensions] = lines;
  if (origin === '') throw new Error('the checkpoint origin is empty');
  if (!/^(0|[1-9][0-9]*)$/.test(size) || !Number.isSafeInteger(+size)) throw new Error('the checkpoint size "' + size.slice(0, 30) + '" is not a decimal number');
  const rootBytes = fromB64(root, 'the checkpoint root');
  if (rootBytes.length !== 32) throw new Error('the checkpoint root is ' + rootBytes.length + ' bytes, not 32');
  if (extensions.some(e => e === '')) throw new Error('the checkpoint has an empty extension line');
  return {origin, size: +size, root: rootBytes, extensions};
}

/**
 * Verifies a checkpoint note with the log key: the signature line of the log's key ID and the
 * origin's name must verify (lines of other keys, such as witness cosignatures, are returned
 * unchecked). Returns {checkpoint, signer, others}.
 */
export async function verifyCheckpoint(note, log) {
  const parsed = parseNote(note);
  const checkpoint = parseCheckpoint(parsed.text);
  const name = checkpoint.origin.split(' - ')[0];
  const keyId = log.logId.subarray(0, 4);
  const mine = parsed.signatures.filter(s => equal(s.keyId, keyId) && s.name === name);
  if (mine.length === 0) {
    throw new Error('no signature line of the log key (name ' + name + ', key ID ' + hex(keyId) + ') among '
      + parsed.signatures.length);
  }
  for (const s of mine) {
    await verifySignature(log.key, s.signature, utf8(parsed.text), 'the checkpoint signature of ' + s.name);
  }
  return {checkpoint, text: parsed.text, signer: mine[0], others: parsed.signatures.filter(s => !mine.includes(s))};
}

// ---- an entry ----

/** The canonical JSON the SET signs (protocol section 5). */
export function setPayload(entry) {
  return '{"body":' + JSON.stringify(entry.body) + ',"integratedTime":' + entry.integratedTime
    + ',"logID":' + JSON.stringify(entry.logID) + ',"logIndex":' + entry.logIndex + '}';
}

/**
 * The checks of one entry, in order: [{name, run}] where run() returns a detail text or throws
 * the reason. A later check may rely on an earlier one having passed; the page runs them all and
 * shows each, so a failure names where the log's answer went wrong.
 */
export function entryChecks(entry, log) {
  const proof = (entry.verification || {}).inclusionProof;
  let leaf;
  let checkpoint;
  return [
    {name: 'Log ID', run: async () => {
      if (entry.logID !== hex(log.logId)) {
        throw new Error('the entry names log ' + String(entry.logID).slice(0, 80) + ', the log key gives ' + hex(log.logId));
      }
      return 'the entry names the log whose key has ID ' + hex(log.logId);
    }},
    {name: 'Entry UUID', run: async () => {
      leaf = await leafHash(fromB64(entry.body, 'the body'));
      const uuid = entry.uuid.slice(-64).toLowerCase();
      if (uuid !== hex(leaf)) throw new Error('the UUID ' + uuid + ' is not the leaf hash of the body, ' + hex(leaf));
      return 'the UUID is the leaf hash SHA-256(0x00 ‖ body)';
    }},
    {name: 'Inclusion proof', run: async () => {
      if (!proof) throw new Error('the entry has no inclusion proof');
      if (proof.logIndex !== entry.logIndex) throw new Error('the proof is for index ' + proof.logIndex + ', the entry is at ' + entry.logIndex);
      if (!leaf) leaf = await leafHash(fromB64(entry.body, 'the body'));
      const hashes = proof.hashes.map((h, i) => fromHex(h, 'proof hash ' + i));
      const root = await rootFromInclusionProof(proof.logIndex, proof.treeSize, leaf, hashes);
      if (proof.rootHash !== hex(root)) {
        throw new Error('the proof leads to root ' + hex(root) + ', not to the root hash ' + String(proof.rootHash).slice(0, 64)
          + ' the log gives for size ' + proof.treeSize);
      }
      return 'entry ' + proof.logIndex + ' is in the tree of size ' + proof.treeSize + ' with root ' + proof.rootHash
        + ' (' + hashes.length + ' hashes)';
    }},
    {name: 'Checkpoint signature', run: async () => {
      if (!proof || typeof proof.checkpoint !== 'string') throw new Error('the proof has no checkpoint');
      checkpoint = await verifyCheckpoint(proof.checkpoint, log);
      return 'signed by ' + checkpoint.signer.name + ' with the log key (key ID ' + hex(checkpoint.signer.keyId) + ')'
        + (checkpoint.others.length ? '; ' + checkpoint.others.length + ' other signature lines not checked' : '');
    }},
    {name: 'Checkpoint matches the proof', run: async () => {
      if (!checkpoint) throw new Error('no verified checkpoint to compare with');
      const c = checkpoint.checkpoint;
      if (c.size !== proof.treeSize || hex(c.root) !== proof.rootHash) {
        throw new Error('the checkpoint signs size ' + c.size + ' and root ' + hex(c.root) + ', the proof is for size '
          + proof.treeSize + ' and root ' + String(proof.rootHash).slice(0, 64));
      }
      return 'the signed checkpoint is for size ' + c.size + ' and root ' + hex(c.root);
    }},
    {name: 'Signed entry timestamp', run: async () => {
      const set = (entry.verification || {}).signedEntryTimestamp;
      if (!set) throw new Error('the entry has no signed entry timestamp');
      await verifySignature(log.key, fromB64(set, 'the SET'), utf8(setPayload(entry)), 'the SET');
      return 'the log signed body, integrated time ' + entry.integratedTime + ', log ID and index ' + entry.logIndex;
    }},
  ];
}


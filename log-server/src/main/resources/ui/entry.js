// Reading an entry's canonical body (docs/protocol.md section 3) into what a person wants to
// know: the kind, the artifact digest, and who signed (a key or a certificate).

import {fromB64, pemBlocks, text} from './bytes.js';
import * as x509 from './x509.js';

/**
 * An entry of an API answer ({"<entry ID>": LogEntry}) as {uuid, ...LogEntry}; throws unless it
 * is one object with the members the page reads.
 */
export function fromAnswer(answer) {
  const ids = Object.keys(answer || {});
  if (ids.length !== 1) throw new Error('expected one entry in the answer, found ' + ids.length);
  const e = answer[ids[0]];
  if (typeof e !== 'object' || e === null || typeof e.body !== 'string' || !Number.isSafeInteger(e.logIndex)
    || !Number.isSafeInteger(e.integratedTime)) {
    throw new Error('the entry ' + ids[0].slice(0, 80) + ' lacks body, logIndex or integratedTime');
  }
  return {...e, uuid: ids[0]};
}

/**
 * The body, read: {kind, apiVersion, json, digest: {algorithm, value} | null, signature (base64)
 * | null, signers: [Signer], dsse: {payloadHash, envelopeHash} | null}. A Signer is {pem,
 * pemBase64, type: 'key' | 'certificate', key, fingerprint, certificates}. Throws for a
 * body that is not JSON; kinds it does not know come back with what could be read. Fingerprints
 * are null where the browser offers no WebCrypto.
 */
export async function readBody(bodyBase64) {
  const bytes = fromB64(bodyBase64, 'the body');
  let json;
  try {
    json = JSON.parse(text(bytes));
  } catch (e) {
    throw new Error('the body is not JSON: ' + e.message);
  }
  const out = {kind: String(json.kind), apiVersion: String(json.apiVersion), json, bytes,
    digest: null, signature: null, signers: [], dsse: null, problems: []};
  const spec = json.spec || {};
  try {
    if (out.kind === 'hashedrekord') {
      const h = ((spec.data || {}).hash) || {};
      out.digest = {algorithm: String(h.algorithm), value: String(h.value)};
      out.signature = (spec.signature || {}).content || null;
      out.signers.push(await signer(((spec.signature || {}).publicKey || {}).content));
    } else if (out.kind === 'dsse') {
      out.dsse = {payloadHash: hashOf(spec.payloadHash), envelopeHash: hashOf(spec.envelopeHash)};
      out.digest = {algorithm: 'sha256', value: out.dsse.payloadHash, payload: true};
      for (const s of spec.signatures || []) out.signers.push(await signer(s.verifier, s.signature));
    }
  } catch (e) {
    out.problems.push(e.message);
  }
  return out;
}

function hashOf(h) {
  return h && typeof h.value === 'string' ? h.value : '';
}

async function signer(pemBase64, signature) {
  if (typeof pemBase64 !== 'string') throw new Error('the body names no key or certificate');
  const pem = text(fromB64(pemBase64, 'the key'));
  const blocks = pemBlocks(pem);
  const s = {pem, pemBase64, signature: signature || null, certificates: []};
  if (blocks[0].type === 'PUBLIC KEY') {
    s.type = 'key';
    s.spki = blocks[0].der;
  } else {
    s.type = 'certificate';
    for (const b of blocks) s.certificates.push(await x509.parseCertificate(b.der));
    s.spki = s.certificates[0].spki;
  }
  s.key = x509.describeKey(s.spki);
  s.fingerprint = await x509.keyFingerprint(s.spki);
  return s;
}

/** One line about the signer, for lists: the first identity of a certificate, or the key. */
export function signerSummary(body) {
  const s = body.signers[0];
  if (!s) return '';
  if (s.type === 'certificate') {
    const c = s.certificates[0];
    return c.sans.length ? c.sans[0].value : 'certificate ' + x509.nameText(c.subject);
  }
  return s.key + (s.fingerprint ? ' ' + s.fingerprint.slice(0, 16) : '');
}

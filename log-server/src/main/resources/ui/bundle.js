// A Sigstore bundle v0.3 for an entry (docs/protocol.md section 11), in exactly the shape
// log-client's Bundle.toJson() writes (member order included), so that a verifier can check the
// entry offline: `stele verify-blob --bundle`. Protobuf JSON: bytes base64, 64-bit integers as
// decimal strings, zero values left out.

import {NO_WEBCRYPTO, b64, fromB64, fromHex, hex, sha256, text} from './bytes.js';

export const MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';

const DIGESTS = {sha256: 'SHA2_256', sha384: 'SHA2_384', sha512: 'SHA2_512'};

function int64(o, name, value) {
  if (value !== 0) o[name] = String(value);
}

/** The tlog entry of a bundle, from the log's LogEntry. */
export function tlogEntry(entry, body) {
  const t = {};
  int64(t, 'logIndex', entry.logIndex);
  t.logId = {keyId: b64(fromHex(entry.logID, 'logID'))};
  t.kindVersion = {kind: body.kind, version: body.apiVersion};
  int64(t, 'integratedTime', entry.integratedTime);
  const v = entry.verification || {};
  if (v.signedEntryTimestamp) t.inclusionPromise = {signedEntryTimestamp: b64(fromB64(v.signedEntryTimestamp, 'the SET'))};
  const p = v.inclusionProof;
  if (p) {
    const proof = {};
    int64(proof, 'logIndex', p.logIndex);
    proof.rootHash = b64(fromHex(p.rootHash, 'rootHash'));
    int64(proof, 'treeSize', p.treeSize);
    proof.hashes = p.hashes.map(h => b64(fromHex(h, 'proof hash')));
    proof.checkpoint = {envelope: p.checkpoint};
    t.inclusionProof = proof;
  }
  t.canonicalizedBody = entry.body;
  return t;
}

/** The verification material for a signer: a public-key hint, or the certificate(s). */
function material(signer) {
  if (signer.type === 'key') {
    if (!signer.fingerprint) throw new Error(NO_WEBCRYPTO);
    return {publicKey: {hint: signer.fingerprint}};
  }
  if (signer.certificates.length === 1) return {certificate: {rawBytes: b64(signer.certificates[0].der)}};
  return {x509CertificateChain: {certificates: signer.certificates.map(c => ({rawBytes: b64(c.der)}))}};
}

/** The bundle of a hashedrekord entry (a message signature), as JSON text with a final newline. */
export function hashedRekordBundle(entry, body) {
  const alg = DIGESTS[body.digest.algorithm];
  if (!alg) throw new Error('no bundle for digest algorithm ' + body.digest.algorithm);
  const bundle = {mediaType: MEDIA_TYPE, verificationMaterial: material(body.signers[0])};
  bundle.verificationMaterial.tlogEntries = [tlogEntry(entry, body)];
  bundle.messageSignature = {
    messageDigest: {algorithm: alg, digest: b64(fromHex(body.digest.value, 'the digest'))},
    signature: b64(fromB64(body.signature, 'the signature')),
  };
  return JSON.stringify(bundle) + '\n';
}

/**
 * The bundle of a dsse entry. The log keeps only hashes of the envelope, so the envelope comes
 * from the person: it must be the very bytes that were recorded (SHA-256 equal to the entry's
 * envelope hash) and carry the signatures the entry lists.
 */
export async function dsseBundle(entry, body, envelopeBytes) {
  const got = hex(await sha256(envelopeBytes));
  if (got !== body.dsse.envelopeHash.toLowerCase()) {
    throw new Error('this file is not the recorded envelope: its SHA-256 is ' + got + ', the entry names '
      + body.dsse.envelopeHash);
  }
  const env = JSON.parse(text(envelopeBytes));
  const sigs = (env.signatures || []).map(s => {
    const o = {sig: b64(fromB64(s.sig, 'an envelope signature'))};
    if (s.keyid) o.keyid = String(s.keyid);
    return o;
  });
  const bundle = {mediaType: MEDIA_TYPE, verificationMaterial: material(body.signers[0])};
  bundle.verificationMaterial.tlogEntries = [tlogEntry(entry, body)];
  bundle.dsseEnvelope = {payload: b64(fromB64(env.payload, 'the envelope payload')), payloadType: String(env.payloadType), signatures: sigs};
  return JSON.stringify(bundle) + '\n';
}


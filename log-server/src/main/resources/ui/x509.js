// X.509 certificates (RFC 5280) and public keys (SubjectPublicKeyInfo), read for display: who
// the signer is. Nothing here decides trust; the log and the verifier did or will.

import * as der from './der.js';
import {fingerprint, hex} from './bytes.js';

const NAME_ATTRIBUTES = {
  '2.5.4.3': 'CN', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST', '2.5.4.10': 'O', '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber', '1.2.840.113549.1.9.1': 'emailAddress', '0.9.2342.19200300.100.1.25': 'DC',
  '0.9.2342.19200300.100.1.1': 'UID',
};
const CURVES = {'1.2.840.10045.3.1.7': 'P-256', '1.3.132.0.34': 'P-384', '1.3.132.0.35': 'P-521'};
const SAN = '2.5.29.17';
// The OIDC issuer Fulcio-style certificates carry (version 1: raw text; version 2: a DER UTF8String).
const ISSUER_V1 = '1.3.6.1.4.1.57264.1.1';
const ISSUER_V2 = '1.3.6.1.4.1.57264.1.8';

/** "ECDSA P-256", "RSA 2048", "Ed25519" or the algorithm's OID, from DER SubjectPublicKeyInfo. */
export function describeKey(spki) {
  const [alg, key] = der.children(der.expect(der.readAll(spki, 'public key'), der.SEQUENCE, 'public key'));
  const [algOid, params] = der.children(der.expect(alg, der.SEQUENCE, 'public key algorithm'));
  const o = der.oid(algOid);
  if (o === '1.2.840.10045.2.1') {
    const curve = params && params.tag === der.OID ? der.oid(params) : '';
    return 'ECDSA ' + (CURVES[curve] || 'curve ' + curve);
  }
  if (o === '1.2.840.113549.1.1.1') {
    const rsa = der.read(der.bits(key));
    const modulus = der.unsigned(der.children(rsa)[0]);
    return 'RSA ' + bitLength(modulus);
  }
  if (o === '1.3.101.112') return 'Ed25519';
  return 'key algorithm ' + o;
}

function bitLength(b) {
  return b.length === 0 ? 0 : (b.length - 1) * 8 + (32 - Math.clz32(b[0]));
}

/** The hex SHA-256 of a public key's DER SubjectPublicKeyInfo (a bundle's publicKey.hint), or null. */
export async function keyFingerprint(spki) {
  return fingerprint(spki);
}

/** A distinguished name as [[type, value], ...] in certificate order. */
function name(e) {
  const out = [];
  for (const rdn of der.children(der.expect(e, der.SEQUENCE, 'name'))) {
    for (const atv of der.children(der.expect(rdn, der.SET, 'relative distinguished name'))) {
      const [type, value] = der.children(der.expect(atv, der.SEQUENCE, 'name attribute'));
      const t = der.oid(type);
      let v;
      try {
        v = der.string(value);
      } catch (err) {
        v = '#' + hex(value.der);
      }
      out.push([NAME_ATTRIBUTES[t] || t, v]);
    }
  }
  return out;
}

/** "CN=x, O=y", in certificate order; empty names read "(empty)". */
export function nameText(pairs) {
  return pairs.length === 0 ? '(empty)' : pairs.map(([t, v]) => t + '=' + v).join(', ');
}

/** The subject alternative names: [{type: 'email'|'uri'|'dns'|'ip'|'other', value}]. */
function generalNames(bytes) {
  const out = [];
  for (const g of der.children(der.readAll(bytes, 'subject alternative names'))) {
    if (g.cls !== 2) continue;
    const text = new TextDecoder('latin1').decode(g.content);
    switch (g.number) {
      case 1: out.push({type: 'email', value: text}); break;
      case 2: out.push({type: 'dns', value: text}); break;
      case 6: out.push({type: 'uri', value: text}); break;
      case 7: out.push({type: 'ip', value: ip(g.content)}); break;
      case 0: out.push({type: 'other', value: otherName(g)}); break;
      default: out.push({type: 'name type ' + g.number, value: hex(g.content)});
    }
  }
  return out;
}

function ip(b) {
  if (b.length === 4) return Array.from(b).join('.');
  if (b.length === 16) {
    const groups = [];
    for (let i = 0; i < 16; i += 2) groups.push(((b[i] << 8) | b[i + 1]).toString(16));
    return groups.join(':');
  }
  return hex(b);
}

/** OtherName ::= SEQUENCE { type-id OID, value [0] EXPLICIT ANY }: its text, when it is one. */
function otherName(g) {
  try {
    const [type, wrapped] = der.children(g);
    const value = der.children(wrapped)[0];
    return der.string(value) + ' (' + der.oid(type) + ')';
  } catch (e) {
    return hex(g.content);
  }
}

/**
 * A certificate from its DER: subject, issuer, serial, validity, SANs, OIDC issuer, public key,
 * and its SHA-256 fingerprint. Throws with the reason if the DER is not a certificate.
 */
export async function parseCertificate(bytes) {
  const cert = der.expect(der.readAll(bytes, 'certificate'), der.SEQUENCE, 'certificate');
  const [tbs] = der.children(cert);
  const f = der.children(der.expect(tbs, der.SEQUENCE, 'TBSCertificate'));
  let i = 0;
  if (f[0] && f[0].cls === 2 && f[0].number === 0) i++; // [0] version
  const serial = der.expect(f[i++], der.INTEGER, 'serial number');
  i++; // signature algorithm
  const issuer = name(f[i++]);
  const [notBefore, notAfter] = der.children(der.expect(f[i++], der.SEQUENCE, 'validity')).map(der.time);
  const subject = name(f[i++]);
  const spki = der.expect(f[i++], der.SEQUENCE, 'subject public key info').der;
  const out = {
    der: bytes, serial: hex(serial.content), issuer, subject, notBefore, notAfter, spki,
    key: describeKey(spki), sans: [], oidcIssuer: null, isCa: false,
    fingerprint: await fingerprint(bytes),
  };
  for (; i < f.length; i++) {
    if (f[i].cls !== 2 || f[i].number !== 3) continue; // [3] extensions
    for (const ext of der.children(der.children(f[i])[0])) {
      const parts = der.children(ext);
      const id = der.oid(parts[0]);
      const value = der.expect(parts[parts.length - 1], der.OCTET_STRING, 'extension value').content;
      if (id === SAN) out.sans = generalNames(value);
      else if (id === ISSUER_V2) out.oidcIssuer = der.string(der.readAll(value, 'OIDC issuer'));
      else if (id === ISSUER_V1 && !out.oidcIssuer) out.oidcIssuer = new TextDecoder().decode(value);
      else if (id === '2.5.29.19') {
        const bc = der.children(der.readAll(value, 'basic constraints'));
        out.isCa = bc.length > 0 && bc[0].tag === 0x01 && bc[0].content[0] !== 0;
      }
    }
  }
  return out;
}

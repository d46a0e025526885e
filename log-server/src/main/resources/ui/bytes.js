// Bytes and their text forms (docs/protocol.md section 1): hex, strict base64, UTF-8, SHA-256.

const decoder = new TextDecoder('utf-8', {fatal: true});
const encoder = new TextEncoder();

export function utf8(text) {
  return encoder.encode(text);
}

/** UTF-8 bytes to text; throws on invalid UTF-8. */
export function text(bytes) {
  return decoder.decode(bytes);
}

export function hex(bytes) {
  let s = '';
  for (const b of bytes) s += b.toString(16).padStart(2, '0');
  return s;
}

export function fromHex(s, what = 'hex') {
  if (typeof s !== 'string' || s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) {
    throw new Error(what + ' is not hexadecimal');
  }
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(2 * i, 2), 16);
  return out;
}

export function b64(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) {
    bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  }
  return btoa(bin);
}

/** Strict base64 (padded, zero padding bits): one byte string has exactly one text form. */
export function fromB64(s, what = 'base64') {
  let bin;
  try {
    if (typeof s !== 'string') throw new Error();
    bin = atob(s);
  } catch (e) {
    throw new Error(what + ' is not base64');
  }
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  if (b64(out) !== s) throw new Error(what + ' is not canonical base64');
  return out;
}

/** Base64 with whitespace allowed between characters (PEM bodies). */
export function fromB64Loose(s, what = 'base64') {
  return fromB64(s.replace(/\s+/g, ''), what);
}

/** Browsers offer WebCrypto only to secure contexts: HTTPS pages, and http://localhost. */
export const NO_WEBCRYPTO = 'this browser offers WebCrypto only on HTTPS pages and on localhost';

export async function sha256(bytes) {
  if (!globalThis.crypto || !crypto.subtle) throw new Error(NO_WEBCRYPTO);
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** Hex SHA-256 for display, or null where WebCrypto is unavailable (the rest of the page still works). */
export async function fingerprint(bytes) {
  try {
    return hex(await sha256(bytes));
  } catch (e) {
    return null;
  }
}

export function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function equal(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** The PEM blocks of a text (RFC 7468): [{type, der}]. Throws if there is none. */
export function pemBlocks(pem) {
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  const out = [];
  for (let m; (m = re.exec(pem)) !== null;) {
    out.push({type: m[1], der: fromB64Loose(m[2], 'the PEM ' + m[1] + ' block')});
  }
  if (out.length === 0) throw new Error('no PEM block found (-----BEGIN ...-----)');
  return out;
}

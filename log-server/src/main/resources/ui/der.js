// A small ASN.1 DER reader (ITU-T X.690), enough for X.509 certificates, public keys and ECDSA
// signatures. It reads definite lengths only (DER has no other kind) and checks that every
// element fits inside its parent; anything else is an Error naming the offset.

export const SEQUENCE = 0x30;
export const SET = 0x31;
export const INTEGER = 0x02;
export const BIT_STRING = 0x03;
export const OCTET_STRING = 0x04;
export const OID = 0x06;

/**
 * One element: tag (the first identifier byte), cls (0 universal, 2 context), constructed,
 * number (the tag number), content (the value bytes), der (the whole element) and end (the
 * offset after it in the buffer it was read from).
 */
export function read(bytes, at = 0, limit = bytes.length) {
  if (at + 2 > limit) throw new Error('DER: element at ' + at + ' is cut short');
  const tag = bytes[at];
  let number = tag & 0x1f;
  let p = at + 1;
  if (number === 0x1f) {
    number = 0;
    for (;;) {
      if (p >= limit) throw new Error('DER: tag at ' + at + ' is cut short');
      const b = bytes[p++];
      number = number * 128 + (b & 0x7f);
      if (!(b & 0x80)) break;
    }
  }
  if (p >= limit) throw new Error('DER: length at ' + p + ' is missing');
  let len = bytes[p++];
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) throw new Error('DER: length at ' + (p - 1) + ' is not a definite length of at most 4 bytes');
    len = 0;
    for (let i = 0; i < n; i++) {
      if (p >= limit) throw new Error('DER: length at ' + p + ' is cut short');
      len = len * 256 + bytes[p++];
    }
  }
  const end = p + len;
  if (end > limit) throw new Error('DER: element at ' + at + ' claims ' + len + ' bytes, only ' + (limit - p) + ' remain');
  return {
    tag, number, cls: tag >> 6, constructed: (tag & 0x20) !== 0,
    content: bytes.subarray(p, end), der: bytes.subarray(at, end), end,
  };
}

/** The one element that makes up bytes, with nothing after it. */
export function readAll(bytes, what) {
  const e = read(bytes);
  if (e.end !== bytes.length) throw new Error(what + ': ' + (bytes.length - e.end) + ' bytes after the DER element');
  return e;
}

/** The elements inside a constructed element. */
export function children(e) {
  const out = [];
  for (let at = 0; at < e.content.length;) {
    const c = read(e.content, at);
    out.push(c);
    at = c.end;
  }
  return out;
}

export function expect(e, tag, what) {
  if (!e || e.tag !== tag) {
    throw new Error(what + ': expected tag 0x' + tag.toString(16) + ', found ' + (e ? '0x' + e.tag.toString(16) : 'nothing'));
  }
  return e;
}

export function oid(e) {
  expect(e, OID, 'object identifier');
  const b = e.content;
  if (b.length === 0) throw new Error('DER: empty object identifier');
  const parts = [];
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        parts.push(first, v - 40 * first);
      } else {
        parts.push(v);
      }
      v = 0;
    }
  }
  return parts.join('.');
}

/** An INTEGER's magnitude bytes (big-endian, without the sign byte DER adds). */
export function unsigned(e) {
  expect(e, INTEGER, 'integer');
  let b = e.content;
  if (b.length === 0) throw new Error('DER: empty integer');
  if (b[0] & 0x80) throw new Error('DER: negative integer');
  while (b.length > 1 && b[0] === 0) b = b.subarray(1);
  return b;
}

/** A BIT STRING's bytes (which must have no unused bits). */
export function bits(e) {
  expect(e, BIT_STRING, 'bit string');
  if (e.content.length === 0 || e.content[0] !== 0) throw new Error('DER: bit string with unused bits');
  return e.content.subarray(1);
}

const latin1 = new TextDecoder('latin1');
const utf8 = new TextDecoder('utf-8', {fatal: false});
const utf16 = new TextDecoder('utf-16be');

/** The text of a string element (UTF8, Printable, IA5, Teletex, BMP, Universal, Visible). */
export function string(e) {
  switch (e.tag) {
    case 0x0c: return utf8.decode(e.content); // UTF8String; bad sequences shown as U+FFFD
    case 0x13: case 0x16: case 0x1a: return latin1.decode(e.content); // Printable, IA5, Visible
    case 0x14: return latin1.decode(e.content); // TeletexString, as Latin-1 in practice
    case 0x1e: return utf16.decode(e.content); // BMPString
    case 0x1c: { // UniversalString: UTF-32BE
      let s = '';
      for (let i = 0; i + 3 < e.content.length; i += 4) {
        const cp = ((e.content[i] << 24) | (e.content[i + 1] << 16) | (e.content[i + 2] << 8) | e.content[i + 3]) >>> 0;
        s += cp <= 0x10ffff ? String.fromCodePoint(cp) : '\ufffd';
      }
      return s;
    }
    default: throw new Error('DER: tag 0x' + e.tag.toString(16) + ' is not a string');
  }
}

/** UTCTime or GeneralizedTime as a Date (RFC 5280 4.1.2.5: Zulu, seconds). */
export function time(e) {
  const s = latin1.decode(e.content);
  let m;
  if (e.tag === 0x17 && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    const yy = +m[1];
    return new Date(Date.UTC(yy < 50 ? 2000 + yy : 1900 + yy, m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  }
  if (e.tag === 0x18 && (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/.exec(s))) {
    return new Date(Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
  }
  throw new Error('DER: not a UTC or generalized time: ' + s.slice(0, 40));
}

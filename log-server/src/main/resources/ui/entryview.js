// One entry as a person wants to read it: what was signed, by whom, when, and whether the log's
// evidence for it holds, checked here in the browser.

import {dsseBundle, hashedRekordBundle} from './bundle.js';
import {NO_WEBCRYPTO, fromB64, hex} from './bytes.js';
import {dl, download, el, errorBox, link, mono, replace, utc} from './dom.js';
import {readBody} from './entry.js';
import {trustedKey} from './trust.js';
import {entryChecks} from './verify.js';
import {nameText} from './x509.js';

/** Shows entry (a LogEntry with its uuid) in target and runs its checks. */
export async function showEntry(target, entry) {
  let body;
  try {
    body = await readBody(entry.body);
  } catch (e) {
    body = null;
    replace(target, errorBox('The body cannot be read: ' + e.message));
  }
  const checks = el('ol', {class: 'checks', id: 'checks'});
  const verdict = el('p', {class: 'verdict', id: 'verdict', 'data-state': 'running', 'aria-live': 'polite'}, 'Verifying…');
  const keyNote = el('p', {class: 'muted', id: 'key-note'});
  replace(target,
    el('h2', {}, 'Entry ' + entry.logIndex),
    summary(entry, body),
    body ? signers(entry, body) : null,
    el('section', {class: 'card', id: 'verification'},
      el('h3', {}, 'Verification in this browser'), verdict, checks, keyNote),
    body ? downloads(entry, body) : null,
    body ? el('section', {class: 'card'}, el('h3', {}, 'Body'),
      el('pre', {class: 'body', id: 'raw-body'}, JSON.stringify(body.json, null, 2))) : null);
  await verify(entry, checks, verdict, keyNote);
}

function summary(entry, body) {
  const d = body && body.digest;
  return el('section', {class: 'card', id: 'summary'}, dl([
    ['Kind', body ? body.kind + ' ' + body.apiVersion : '(unreadable)'],
    ['Artifact digest', d ? [mono(d.algorithm + ':' + d.value), ' ', link('search', {kind: 'digest', q: d.algorithm + ':' + d.value}, 'find entries'),
      d.payload ? el('span', {class: 'muted'}, ' (the DSSE payload)') : null] : null],
    ['DSSE envelope hash', body && body.dsse ? mono('sha256:' + body.dsse.envelopeHash) : null],
    ['Integrated', utc(entry.integratedTime) + ' (' + entry.integratedTime + ')'],
    ['Log index', String(entry.logIndex)],
    ['Entry UUID', mono(entry.uuid)],
    ['Log ID', mono(String(entry.logID))],
    ['Problems', body && body.problems.length ? body.problems.join('; ') : null],
  ], 'summary'));
}

function signers(entry, body) {
  const out = el('section', {class: 'card', id: 'signers'}, el('h3', {}, body.signers.length > 1 ? 'Signers' : 'Signer'));
  const at = new Date(entry.integratedTime * 1000);
  for (const s of body.signers) {
    const keySearch = link('search', {kind: 'key', q: s.pem}, 'find entries by this ' + (s.type === 'key' ? 'key' : 'certificate'));
    if (s.type === 'key') {
      out.appendChild(dl([
        ['Public key', s.key],
        ['Key fingerprint', s.fingerprint ? [mono(s.fingerprint), el('span', {class: 'muted'}, ' SHA-256 of the DER public key')]
          : el('span', {class: 'muted'}, 'not computed: ' + NO_WEBCRYPTO)],
        ['Search', keySearch],
      ], 'signer key'));
      continue;
    }
    const c = s.certificates[0];
    const valid = at >= c.notBefore && at <= c.notAfter;
    out.appendChild(dl([
      ['Subject', el('span', {class: 'subject'}, nameText(c.subject))],
      ['Identities', c.sans.length ? el('ul', {class: 'sans'}, c.sans.map(n => el('li', {},
        el('span', {class: 'san-type'}, n.type + ': '), el('span', {class: 'san'}, n.value),
        n.type === 'email' || n.type === 'uri' ? [' ', link('search', {kind: 'identity', q: n.value}, 'find entries')] : null)))
        : '(none)'],
      ['OIDC issuer', c.oidcIssuer],
      ['Issuer', el('span', {class: 'issuer'}, nameText(c.issuer))],
      ['Valid', [c.notBefore.toISOString() + ' to ' + c.notAfter.toISOString() + ' ',
        el('span', {class: valid ? 'pass' : 'fail'}, valid ? '(valid when integrated)' : '(NOT valid when integrated)')]],
      ['Serial', mono(c.serial)],
      ['Public key', s.key + (s.fingerprint ? ', fingerprint ' + s.fingerprint : '')],
      ['Certificate SHA-256', c.fingerprint ? mono(c.fingerprint) : null],
      ['Chain', s.certificates.length > 1 ? el('ol', {}, s.certificates.slice(1).map(x => el('li', {}, nameText(x.subject))))
        : null],
      ['Search', keySearch],
    ], 'signer certificate'));
  }
  return out;
}

function downloads(entry, body) {
  const section = el('section', {class: 'card', id: 'downloads'}, el('h3', {}, 'Downloads'));
  const name = 'entry-' + entry.logIndex;
  section.appendChild(el('p', {},
    download(name + '.body.json', fromB64(entry.body, 'the body'), 'application/json', 'Body (canonical JSON)'), ' ',
    download(name + '.entry.json', JSON.stringify({[entry.uuid]: withoutUuid(entry)}) + '\n', 'application/json', 'Log entry (API JSON)')));
  if (body.kind === 'hashedrekord' && body.signers.length === 1) {
    try {
      section.appendChild(el('p', {}, download(name + '.sigstore.json', hashedRekordBundle(entry, body), 'application/json',
        'Sigstore bundle'), el('span', {class: 'muted'}, ' v0.3, for offline verification: stele verify-blob FILE --bundle ' + name + '.sigstore.json')));
    } catch (e) {
      section.appendChild(errorBox('No bundle: ' + e.message));
    }
  } else if (body.kind === 'dsse' && body.dsse) {
    const input = el('input', {type: 'file', id: 'envelope-file', accept: '.json,application/json'});
    const out = el('div', {id: 'envelope-result'});
    input.addEventListener('change', async () => {
      const f = input.files[0];
      if (!f) return;
      try {
        const json = await dsseBundle(entry, body, new Uint8Array(await f.arrayBuffer()));
        replace(out, download(name + '.sigstore.json', json, 'application/json', 'Sigstore bundle'));
      } catch (e) {
        replace(out, errorBox(e.message));
      }
    });
    section.appendChild(el('p', {}, 'The log keeps only the hashes of a DSSE envelope, so a bundle needs the envelope itself. ',
      el('label', {for: 'envelope-file'}, 'Choose the envelope that was recorded: '), input));
    section.appendChild(out);
  }
  return section;
}

function withoutUuid(entry) {
  const {uuid, ...rest} = entry;
  return rest;
}

async function verify(entry, list, verdict, keyNote) {
  if (!globalThis.crypto || !crypto.subtle) {
    verdict.dataset.state = 'fail';
    replace(verdict, 'Not verified: ' + NO_WEBCRYPTO + '.');
    return;
  }
  let key;
  try {
    key = await trustedKey();
  } catch (e) {
    verdict.dataset.state = 'fail';
    replace(verdict, 'Not verified: no log key (' + e.message + ')');
    return;
  }
  replace(keyNote, key.source === 'pinned'
    ? 'Checked with the log key pinned in this browser (log ID ' + hex(key.logId) + ')'
      + (key.servedDiffers ? '; the key this log serves is DIFFERENT.' : '.')
    : 'Checked with the key this log serves (log ID ' + hex(key.logId) + '). That shows its answers agree with each other;'
      + ' pin a log key you obtained elsewhere (Log page) for the checks to show it is the log you mean.');
  let failed = 0;
  for (const check of entryChecks(entry, key)) {
    const item = el('li', {'data-step': check.name, 'data-state': 'running'}, el('span', {class: 'step'}, check.name), ' ');
    list.appendChild(item);
    try {
      const detail = await check.run();
      item.dataset.state = 'pass';
      item.append(el('span', {class: 'badge pass'}, 'pass'), ' ', el('span', {class: 'detail'}, detail));
    } catch (e) {
      failed++;
      item.dataset.state = 'fail';
      item.append(el('span', {class: 'badge fail'}, 'FAIL'), ' ', el('span', {class: 'detail'}, e.message));
    }
  }
  verdict.dataset.state = failed ? 'fail' : 'pass';
  replace(verdict, failed ? 'NOT verified: ' + failed + ' check' + (failed > 1 ? 's' : '') + ' failed.'
    : 'Verified: the log holds this entry, as of a checkpoint it signed.');
}

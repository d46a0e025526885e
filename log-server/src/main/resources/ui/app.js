// The explorer's entry point: a router over the location hash (#/, #/search?..., #/entry/<id>,
// #/index/<n>, #/log), so that every view has a link and the back button works, with static files
// only.

import * as api from './api.js';
import {errorBox, replace} from './dom.js';
import {showEntry} from './entryview.js';
import {showLog, stop as stopLog} from './logview.js';
import {fileDigest, showLatest, showResults} from './search.js';

const $ = id => document.getElementById(id);
const views = ['search-view', 'entry-view', 'log-view'];
const HELP = {
  digest: 'sha256:<hex>, or bare hex (its length names the algorithm). DSSE entries are found by their payload digest and the digests of their in-toto subjects.',
  key: 'Entries signed by this key, or by this certificate.',
  identity: 'An e-mail address or URI in a signing certificate (subject alternative name), for example a CI workflow identity. Case does not matter.',
  index: 'The position of the entry in the log, from 0.',
  uuid: 'The 64-hex UUID (the leaf hash) or the 80-hex entry ID.',
};

function show(view) {
  for (const v of views) $(v).hidden = v !== view;
  $('nav-log').classList.toggle('current', view === 'log-view');
  $('nav-search').classList.toggle('current', view === 'search-view');
  if (view !== 'log-view') {
    stopLog();
    replace($('log-view'));
  }
  // A view left behind is emptied, so that nothing of an earlier entry can pass for the next one.
  if (view !== 'entry-view') replace($('entry-view'));
}

function kindChanged() {
  const kind = $('search-kind').value;
  $('search-key-input').hidden = kind !== 'key';
  $('search-text').hidden = kind === 'key';
  $('search-digest-input').hidden = kind !== 'digest';
  $('search-text').placeholder = {digest: 'sha256:…', identity: 'name@example.com or https://…', index: '0', uuid: ''}[kind] || '';
  replace($('search-help'), HELP[kind]);
}

async function route() {
  const hash = location.hash || '#/';
  const [path, params] = hash.slice(1).split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] === 'entry' && parts[1]) {
      show('entry-view');
      replace($('entry-view'), 'Loading entry…');
      await showEntry($('entry-view'), await api.entryByUuid(parts[1]));
    } else if (parts[0] === 'index' && parts[1]) {
      show('entry-view');
      replace($('entry-view'), 'Loading entry…');
      await showEntry($('entry-view'), await api.entryByIndex(parts[1]));
    } else if (parts[0] === 'log') {
      show('log-view');
      showLog($('log-view'));
    } else if (parts[0] === 'search') {
      show('search-view');
      const q = new URLSearchParams(params || '');
      const kind = q.get('kind') || 'digest';
      $('search-kind').value = kind;
      if (kind === 'key') $('search-pem').value = q.get('q') || '';
      else $('search-text').value = q.get('q') || '';
      kindChanged();
      $('latest').hidden = true;
      await showResults($('search-results'), kind, q.get('q') || '', Number(q.get('page') || '1'));
    } else {
      show('search-view');
      replace($('search-results'));
      kindChanged();
      $('latest').hidden = false;
      await showLatest($('latest-entries'));
    }
  } catch (e) {
    const target = $('entry-view').hidden ? $('search-results') : $('entry-view');
    replace(target, errorBox(e.message));
  }
}

function submit(event) {
  event.preventDefault();
  const kind = $('search-kind').value;
  const q = kind === 'key' ? $('search-pem').value : $('search-text').value.trim();
  if (kind === 'index') {
    if (!/^\d+$/.test(q)) {
      replace($('search-results'), errorBox('a log index is a number from 0'));
      return;
    }
    location.hash = '#/index/' + q;
  } else if (kind === 'uuid') {
    if (!/^([0-9a-fA-F]{64}|[0-9a-fA-F]{80})$/.test(q)) {
      replace($('search-results'), errorBox('an entry UUID is 64 hex digits, an entry ID 80'));
      return;
    }
    location.hash = '#/entry/' + q.toLowerCase();
  } else {
    const target = '#/search?' + new URLSearchParams({kind, q}).toString();
    if (location.hash === target) route();
    else location.hash = target;
  }
}

async function readKeyFile() {
  const f = $('search-key-file').files[0];
  if (!f) return;
  $('search-pem').value = await f.text();
  $('search-form').requestSubmit();
}

async function hashArtifact() {
  const f = $('search-artifact-file').files[0];
  if (!f) return;
  try {
    $('search-text').value = await fileDigest(f);
  } catch (e) {
    replace($('search-results'), errorBox('Cannot hash the file: ' + e.message));
    return;
  }
  $('search-form').requestSubmit();
}

function start() {
  $('search-form').addEventListener('submit', submit);
  $('search-kind').addEventListener('change', kindChanged);
  $('search-key-file').addEventListener('change', readKeyFile);
  $('search-artifact-file').addEventListener('change', hashArtifact);
  window.addEventListener('hashchange', route);
  kindChanged();
  route();
}

start();

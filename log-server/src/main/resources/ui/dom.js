// Building the page from data. Everything an entry carries is attacker-controlled: it only ever
// becomes text (textContent, text nodes) or an attribute from a fixed list, never markup. The
// server's Content-Security-Policy (Trusted Types) makes any assignment of a string to innerHTML
// throw, so a slip here fails loudly instead of running someone's script.

const SVG = 'http://www.w3.org/2000/svg';
// Attributes data may set. href only through link(), which builds it from fixed prefixes.
const ATTRIBUTES = new Set(['class', 'id', 'title', 'type', 'value', 'name', 'placeholder', 'for', 'rows',
  'accept', 'download', 'role', 'aria-live', 'aria-label', 'data-step', 'data-state', 'data-kind', 'colspan',
  'selected', 'hidden', 'disabled', 'autocomplete', 'spellcheck',
  // SVG geometry and presentation
  'x', 'y', 'x1', 'y1', 'x2', 'y2', 'width', 'height', 'rx', 'viewBox', 'points', 'd', 'text-anchor',
  'dominant-baseline', 'font-size', 'transform', 'r', 'cx', 'cy']);

/** An HTML element: el('td', {class: 'hash'}, 'text', childNode, ...). Strings become text nodes. */
export function el(tag, attrs = {}, ...children) {
  return build(document.createElement(tag), attrs, children);
}

/** An SVG element, the same way. */
export function svg(tag, attrs = {}, ...children) {
  return build(document.createElementNS(SVG, tag), attrs, children);
}

function build(node, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (!ATTRIBUTES.has(k)) throw new Error('attribute ' + k + ' is not on the list');
    node.setAttribute(k, v === true ? '' : String(v));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(node, c);
    else if (c instanceof Node) node.appendChild(c);
    else node.appendChild(document.createTextNode(String(c)));
  }
}

/**
 * A link inside the explorer (#/...) or to a file of the log (tile/..., api/...), with the
 * variable parts percent-encoded. Data never chooses the scheme: a certificate's URI
 * "javascript:..." stays text.
 */
export function link(kind, parts, ...children) {
  let href;
  if (kind === 'view') href = '#/' + parts.map(encodeURIComponent).join('/');
  else if (kind === 'search') href = '#/search?' + new URLSearchParams(parts).toString();
  else if (kind === 'log') href = '../' + parts.map(encodeURIComponent).join('/');
  else throw new Error('unknown link kind ' + kind);
  const a = document.createElement('a');
  a.setAttribute('href', href);
  append(a, children);
  return a;
}

/** An SVG link to a file of the log (a tile). */
export function svgLink(path, ...children) {
  const a = document.createElementNS(SVG, 'a');
  a.setAttribute('href', '../' + path);
  append(a, children);
  return a;
}

/** Replaces the children of node. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** A download link for bytes or text made in the browser. */
export function download(name, content, type, label) {
  const url = URL.createObjectURL(new Blob([content], {type}));
  const a = document.createElement('a');
  a.setAttribute('href', url);
  a.setAttribute('download', name);
  a.setAttribute('class', 'button');
  a.textContent = label;
  return a;
}

/** A definition list from [term, value] pairs; a null value leaves the pair out. */
export function dl(pairs, cls) {
  return el('dl', {class: cls}, pairs.filter(p => p && p[1] !== null && p[1] !== undefined)
    .map(([t, v]) => [el('dt', {}, t), el('dd', {}, v)]));
}

/** A hash or other long value: monospace, breakable anywhere. */
export function mono(text, cls = '') {
  return el('code', {class: ('mono ' + cls).trim()}, text);
}

export function errorBox(message) {
  return el('p', {class: 'error', role: 'alert'}, message);
}

/** "2026-12-07 10:15:00 UTC" from Unix seconds. */
export function utc(seconds) {
  const d = new Date(seconds * 1000);
  if (isNaN(d.getTime())) return String(seconds);
  return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
}

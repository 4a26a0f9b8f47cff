"""The scripts a browser runs for us: the DOM snapshot (a web page as a UI tree), and the
scroll helpers. The seam (``driver.py``) runs them; nothing here reads the result.

A browser's own page source is HTML without geometry or live state. ``SNAPSHOT_JS`` runs
in the page (one round trip) and returns the DOM as XML that keeps every element, its
attributes and its text in place, so that a flow's XPath reads it as it would read the
page, plus a few attributes of ours, all prefixed ``mo-``:

- ``mo-bounds="[l,t][r,b]"``: the element's box in page coordinates (scrolled offset
  added), so that geometry (a label and its switch share a row) works as on phones;
- ``mo-shown``: rendered (not display:none, not visibility:hidden, not zero-sized);
- ``mo-role``: the ARIA role, explicit or implied by the tag (a ``<button>`` is a button);
- ``mo-name``: the accessible name: aria-label, aria-labelledby, a form control's
  ``<label>``, an image's alt, an input button's value;
- ``mo-text``: what a person reads in it: its own words; for a control (a link, a button,
  a label, an element with a widget role) or an element with words of its own, its whole
  text when that shows as one line (a button with an icon and a word). A wrapper around
  another element's words says nothing itself, so a text finds the element that says it;
- ``mo-checked``: a switch's or checkbox's live state, from ``aria-checked`` or the
  ``checked`` property, whichever the page uses; ``mo-disabled``.

The root is ``<webpage width height url title viewport scroll>`` (the document's full
size; a scroll changes the snapshot, so a scroll that moved nothing is seen as such). Skipped:
``<head>``, scripts, styles, templates and the inside of SVG images; nothing else, so that
an element's position among its same-tag siblings is the page's own (a path from this
tree finds the same element in the browser). An open shadow root's elements follow their
host's own children (no XPath in the browser reaches them; taps go by their boxes).

The driver (``mobile_optout.driver``) runs these scripts; ``mobile_optout.webdom`` turns
the snapshot's elements into nodes.
"""

from __future__ import annotations

ROOT_TAG = "webpage"

SNAPSHOT_JS = r"""
const SKIP = new Set(['head', 'script', 'style', 'noscript', 'template', 'link', 'meta']);
const IMPLIED = {a: 'link', button: 'button', h1: 'heading', h2: 'heading', h3: 'heading',
  h4: 'heading', h5: 'heading', h6: 'heading', nav: 'navigation', main: 'main', ul: 'list',
  ol: 'list', li: 'listitem', img: 'img', textarea: 'textbox', select: 'combobox',
  dialog: 'dialog', form: 'form', header: 'banner', footer: 'contentinfo', aside:
  'complementary', section: 'region', table: 'table', progress: 'progressbar'};
const INPUT_ROLES = {checkbox: 'checkbox', radio: 'radio', button: 'button', submit: 'button',
  reset: 'button', image: 'button', range: 'slider', search: 'searchbox', email: 'textbox',
  text: 'textbox', tel: 'textbox', url: 'textbox', password: 'textbox', number: 'spinbutton'};
const CHECKABLE = new Set(['switch', 'checkbox', 'radio', 'menuitemcheckbox', 'menuitemradio']);
const CONTROLS = new Set(['a', 'button', 'label', 'summary', 'option', 'select', 'textarea']);
const STRUCTURE = new Set(['navigation', 'main', 'region', 'banner', 'contentinfo',
  'complementary', 'form', 'list', 'table', 'dialog', 'img', 'presentation', 'none', 'group',
  'generic', 'document', 'application', 'menu', 'menubar', 'toolbar', 'tablist']);
const NAME_OK = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const sx = window.scrollX, sy = window.scrollY;
const norm = (t) => (t || '').replace(/\s+/g, ' ').trim();
const esc = (t) => String(t).replace(/[&<>"]/g, (c) => ({'&': '&amp;', '<': '&lt;', '>': '&gt;',
  '"': '&quot;'}[c])).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '');
function role(el, tag) {
  const explicit = (el.getAttribute('role') || '').trim().split(/\s+/)[0];
  if (explicit) return explicit.toLowerCase();
  if (tag === 'input') return INPUT_ROLES[(el.type || 'text').toLowerCase()] || '';
  if (tag === 'a' && !el.hasAttribute('href')) return '';
  return IMPLIED[tag] || '';
}
function accName(el, tag) {
  const label = el.getAttribute('aria-label');
  if (label && label.trim()) return norm(label);
  const ids = el.getAttribute('aria-labelledby');
  if (ids) {
    const text = ids.split(/\s+/).map((i) => document.getElementById(i))
      .filter((e) => e).map((e) => e.textContent).join(' ');
    if (norm(text)) return norm(text);
  }
  if (el.labels && el.labels.length) {
    return norm(Array.from(el.labels).map((l) => l.textContent).join(' '));
  }
  if (tag === 'img') return norm(el.getAttribute('alt'));
  if (tag === 'input' && ['button', 'submit', 'reset'].includes(el.type)) return norm(el.value);
  return '';
}
function shown(el, r) {
  if (r.width <= 0 || r.height <= 0) return false;
  if (el.checkVisibility) return el.checkVisibility({visibilityProperty: true});
  const s = getComputedStyle(el);
  return s.visibility !== 'hidden' && s.display !== 'none';
}
function readable(el, tag, rl) {
  let own = '';
  for (const c of el.childNodes) if (c.nodeType === 3) own += c.textContent;
  own = norm(own);
  const raw = (el.innerText || '').trim();
  const control = CONTROLS.has(tag) || (rl && !STRUCTURE.has(rl));
  // Its whole text when it says something itself or is a control, and that shows as one
  // line; else only its own words (a wrapper says nothing its children do not say).
  const text = (own || control) && raw && !raw.includes('\n') ? norm(raw) : own;
  return text.length > 400 ? text.slice(0, 400) : text;
}
function walk(el, out) {
  const tag = el.localName;
  if (SKIP.has(tag)) return;
  const name = NAME_OK.test(tag) ? tag : 'element';
  let r = el.getBoundingClientRect();
  let visible = shown(el, r);
  const rl = role(el, tag);
  let checked = '';
  const isBox = tag === 'input' && (el.type === 'checkbox' || el.type === 'radio');
  if (isBox) checked = el.checked ? 'true' : 'false';
  else if (CHECKABLE.has(rl)) {
    const a = el.getAttribute('aria-checked');
    if (a === 'true' || a === 'false') checked = a;
  }
  if (checked && (r.width < 4 || r.height < 4) && getComputedStyle(el).display !== 'none') {
    // A visually hidden checkbox: a person sees and clicks its label.
    const stand = (el.labels && el.labels[0]) || el.parentElement;
    if (stand) { r = stand.getBoundingClientRect(); visible = shown(stand, r); }
  }
  let attrs = '';
  for (const a of el.attributes) {
    if (!NAME_OK.test(a.name) || a.name === 'style' || a.name.startsWith('on') ||
        a.name.startsWith('mo-')) continue;
    attrs += ` ${a.name}="${esc(a.value.slice(0, 300))}"`;
  }
  const disabled = el.disabled === true || el.getAttribute('aria-disabled') === 'true';
  const box = `[${Math.round(r.left + sx)},${Math.round(r.top + sy)}]` +
    `[${Math.round(r.right + sx)},${Math.round(r.bottom + sy)}]`;
  attrs += ` mo-bounds="${box}" mo-shown="${visible}"`;
  if (rl) attrs += ` mo-role="${esc(rl)}"`;
  const acc = accName(el, tag);
  if (acc) attrs += ` mo-name="${esc(acc.slice(0, 300))}"`;
  const text = visible ? readable(el, tag, rl) : '';
  if (text) attrs += ` mo-text="${esc(text)}"`;
  if (checked) attrs += ` mo-checked="${checked}"`;
  if (disabled) attrs += ' mo-disabled="true"';
  out.push(`<${name}${attrs}>`);
  if (tag !== 'svg') {
    for (const c of el.childNodes) {
      if (c.nodeType === 3) out.push(esc(c.textContent));
      else if (c.nodeType === 1) walk(c, out);
    }
    // An open shadow root (a web component) is what a person sees inside its host.
    if (el.shadowRoot) for (const c of el.shadowRoot.children) walk(c, out);
  }
  out.push(`</${name}>`);
}
const root = document.documentElement;
const out = [];
const w = Math.max(root.scrollWidth, window.innerWidth);
const h = Math.max(root.scrollHeight, window.innerHeight);
out.push(`<webpage width="${w}" height="${h}" url="${esc(location.href)}" ` +
  `title="${esc(document.title)}" viewport="${window.innerWidth}x${window.innerHeight}" ` +
  `scroll="${Math.round(sx)},${Math.round(sy)}">`);
walk(root, out);
out.push('</webpage>');
return out.join('');
"""

# Scroll the page so that a point (page coordinates) is in view; answers its viewport
# coordinates. Arguments: x, y.
IN_VIEW_JS = r"""
const [x, y] = arguments;
const w = window.innerWidth, h = window.innerHeight;
let vx = x - window.scrollX, vy = y - window.scrollY;
if (vx < 0 || vy < 0 || vx >= w || vy >= h) {
  window.scrollTo(Math.max(0, x - w / 2), Math.max(0, y - h / 2));
  vx = x - window.scrollX; vy = y - window.scrollY;
}
return [Math.round(vx), Math.round(vy)];
"""

# Scroll the page (or the largest scrollable area) by most of a screen. Argument: +1 / -1.
SCROLL_JS = r"""
const dir = arguments[0];
window.scrollBy(0, dir * Math.round(window.innerHeight * 0.75));
return [window.scrollX, window.scrollY];
"""

// @ts-check
/** Tiny DOM helpers. User text only ever goes through textContent: never innerHTML. */

/**
 * Make an element.
 * @param {string} tag
 * @param {Record<string, any>} [props] class, text, attrs (object), dataset (object), on (events), hidden
 * @param {(Node | string | null | undefined | false)[]} [children]
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, children = []) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'attrs') for (const [a, v] of Object.entries(value)) { if (v !== null && v !== undefined && v !== false) el.setAttribute(a, v === true ? '' : String(v)); }
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'on') for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key === 'hidden') el.hidden = Boolean(value);
    else /** @type {any} */ (el)[key] = value;
  }
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return el;
}

/**
 * A picture from the catalogue. Decorative when it sits beside its label (alt="").
 * `lazy`: the browser fetches and decodes it only when it comes near the screen (a card on the board: a phone
 * shows a few of a full board's cards, and decoding every picture at once cost its first paint).
 * @param {string} src
 * @param {string} [alt]
 * @param {{lazy?: boolean}} [o]
 */
export function picture(src, alt = '', { lazy = false } = {}) {
  const img = /** @type {HTMLImageElement} */ (h('img', { attrs: { alt, draggable: 'false' } }));
  if (lazy) img.loading = 'lazy'; // before its src: set after, the fetch has already started
  img.decoding = 'async';
  img.src = src;
  return img;
}

/** @param {string} id */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
}

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
 * `waiting` (a card on the board away from the screen): its address waits in `data-src` until the card comes
 * near the screen (render.js givePictures). A phone shows a few of a full board's cards: asking for every
 * card's picture at once cost its first render ≈ 0.3 s of requests on a slow phone, even with the browser's
 * own `loading="lazy"`, which looks 1,250 px and more ahead (benchmarks/browser.py --profile:
 * ResourceFetcher::requestResource).
 * @param {string} src
 * @param {string} [alt]
 * @param {{waiting?: boolean}} [o]
 */
export function picture(src, alt = '', { waiting = false } = {}) {
  const img = /** @type {HTMLImageElement} */ (h('img', { attrs: { alt, draggable: 'false' } }));
  img.decoding = 'async';
  if (waiting) img.dataset.src = src;
  else img.src = src;
  return img;
}

/**
 * Give the pictures under `el` that wait for it (`picture(…, {waiting: true})`) their address.
 * @param {Element} el
 */
export function givePictures(el) {
  for (const img of /** @type {NodeListOf<HTMLImageElement>} */ (el.querySelectorAll('img[data-src]'))) {
    const src = img.dataset.src;
    delete img.dataset.src;
    if (src) img.src = src;
  }
}

/** @param {string} id */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
}

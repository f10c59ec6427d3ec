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
 * `lazy` (a card on the board): the picture is asked for only when it comes within half the board's size of the
 * board's box (`lazyPicturesNear`); until then its address waits in `data-src`. A phone shows a few of a full
 * board's cards: asking for every card's picture at once cost its first render ≈ 0.3 s of requests on a slow
 * phone, even with the browser's own `loading="lazy"`, which looks 1,250 px and more ahead
 * (benchmarks/browser.py --profile: ResourceFetcher::requestResource).
 * @param {string} src
 * @param {string} [alt]
 * @param {{lazy?: boolean}} [o]
 */
export function picture(src, alt = '', { lazy = false } = {}) {
  const img = /** @type {HTMLImageElement} */ (h('img', { attrs: { alt, draggable: 'false' } }));
  img.decoding = 'async';
  if (lazy && watcher) {
    img.dataset.src = src;
    watcher.observe(img);
  } else {
    if (lazy) img.loading = 'lazy'; // before its src: set after, the fetch has already started
    img.src = src;
  }
  return img;
}

/**
 * Stop waiting to give `lazy` pictures under `el` their address (el is being emptied: they will never show).
 * @param {Element} el
 */
export function forgetPictures(el) {
  if (!watcher) return;
  for (const img of el.querySelectorAll('img[data-src]')) watcher.unobserve(img);
}

/** @type {IntersectionObserver | null} */
let watcher = null;

/**
 * Give `lazy` pictures inside `root` their address as they come within half its size of it (without it, or
 * without IntersectionObserver, they have it at once). The root is the box that clips them (the board's
 * viewport): the observer's margin reaches beyond that box only when it is the root.
 * @param {Element} root
 */
export function lazyPicturesNear(root) {
  if (!watcher && typeof IntersectionObserver === 'function') {
    watcher = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (!entry.isIntersecting) continue;
        const img = /** @type {HTMLImageElement} */ (entry.target);
        /** @type {IntersectionObserver} */ (watcher).unobserve(img);
        const src = img.dataset.src;
        delete img.dataset.src;
        if (src) img.src = src;
      }
    }, { root, rootMargin: '50%' });
  }
}

/** @param {string} id */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
}

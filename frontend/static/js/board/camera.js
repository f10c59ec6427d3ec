// @ts-check
/**
 * What part of the board the screen shows: the opening view, « Voir tout », the zoom buttons, panning just
 * enough to bring a card into sight, centring on one, and the room the zoom buttons take (a column on the
 * right edge, a row along a phone's bottom) kept out of all of these. The board is drawn inside `world`,
 * moved by a CSS transform (`geometry.Viewport`); pointers pan and pinch it through input.js.
 */
import { boundsOf, gridBounds, itemRect, openingView, Viewport } from '../core/geometry.js';
import { byId } from './dom.js';

export class Camera {
  /**
   * @param {import('./page.js').BoardPage} page
   * @param {HTMLElement} element the board's viewport (`#viewport`)
   * @param {HTMLElement} world the transformed layer inside it
   */
  constructor(page, element, world) {
    this.page = page;
    this.element = element;
    this.world = world;
    // « Voir tout » may zoom out far on a phone: it is an overview on demand (the opening view stays readable)
    this.view = new Viewport({ minScale: 0.1, maxScale: 3 });
    /** whether the opening view was set (from a kept replica, or after the welcome): a resize then keeps the view */
    this.fitted = false;
    this.zoomEl = /** @type {HTMLElement | null} */ (element.querySelector('.zoom'));
    // The browser scrolls even an overflow-hidden box to show what takes the focus (Tab onto a card):
    // turn that scroll into a pan of the board, so the drawing and the pointer maths stay in step.
    element.addEventListener('scroll', () => {
      const dx = element.scrollLeft;
      const dy = element.scrollTop;
      if (!dx && !dy) return;
      element.scrollLeft = 0;
      element.scrollTop = 0;
      this.view.panBy(-dx, -dy);
      this.apply();
    });
  }

  /** Draw the view after it changed. */
  apply() {
    this.world.style.transform = this.view.transform;
    this.stick();
    this.page.follow?.viewChanged();
  }

  /** The week's labels stay in sight (what the screen now holds). */
  stick() {
    this.page.renderer.stick(this.view, this.element.clientWidth, this.element.clientHeight);
  }

  /**
   * The strip of the board the zoom buttons cover (CSS px), measured: a column on the right edge, or a row along
   * the bottom (a phone). The opening view, « Voir tout » and a new card keep out from under them.
   */
  zoomReserve() {
    const zoomEl = this.zoomEl;
    if (!zoomEl || !zoomEl.offsetWidth) return { right: 0, bottom: 0 };
    const r = this.element.getBoundingClientRect();
    const z = zoomEl.getBoundingClientRect();
    return z.height > z.width
      ? { right: Math.max(0, r.right - z.left) + 8, bottom: 0 }
      : { right: 0, bottom: Math.max(0, r.bottom - z.top) + 8 };
  }

  /** The opening view (geometry.openingView): readable first, the resident's own cards, else where cards are. */
  fit() {
    const r = this.element.getBoundingClientRect();
    const items = [...this.page.store.view().items.values()];
    const free = this.zoomReserve();
    // An empty board opens on Monday, not on today's column: residents tell a usual week from its start, and the
    // same board must open the same way whatever the day of the workshop.
    this.view.set(openingView({
      width: r.width - free.right, height: r.height - free.bottom, items, mine: items.filter((it) => it.author === this.page.me),
    }));
    this.apply();
  }

  /** « Voir tout »: the week and every card under it, as large as they fit (an overview: maybe small). */
  fitAll() {
    const r = this.element.getBoundingClientRect();
    const free = this.zoomReserve();
    this.view.fit(this.boardBounds(), r.width - free.right, r.height - free.bottom, 12, 1);
    this.apply();
  }

  /**
   * The projector's view: the whole board beside its side column (`reserve` px wide).
   * @param {number} reserve
   */
  fitBeside(reserve) {
    const r = this.element.getBoundingClientRect();
    this.view.fit(this.boardBounds(), r.width - reserve, r.height, 16);
    this.apply();
  }

  /** The week and every card: what « Voir tout » and the projector show. */
  boardBounds() {
    return boundsOf([gridBounds(), ...[...this.page.store.view().items.values()].map(itemRect)]);
  }

  /**
   * Pan just enough to bring a world rectangle into sight (a card just pulled below the week, a new note),
   * never under the zoom buttons.
   * @param {{x: number, y: number, w: number, h: number}} rect
   */
  reveal(rect) {
    const { view } = this;
    const r = this.element.getBoundingClientRect();
    const a = view.toScreen(rect.x, rect.y);
    const b = view.toScreen(rect.x + rect.w, rect.y + rect.h);
    const margin = 24;
    const free = this.zoomReserve();
    const right = r.width - Math.max(margin, free.right);
    const bottom = r.height - Math.max(margin, free.bottom);
    let dx = 0;
    let dy = 0;
    if (b.y > bottom) dy = bottom - b.y;
    if (a.y + dy < margin) dy = margin - a.y;
    if (b.x > right) dx = right - b.x;
    if (a.x + dx < margin) dx = margin - a.x;
    if (dx || dy) {
      view.panBy(dx, dy);
      this.apply();
    }
  }

  /** Bring a card into sight where it is drawn now, if it is still on the board. @param {string} id */
  showItem(id) {
    const it = this.page.store.view().items.get(id);
    if (it) this.reveal(this.page.renderer.position(it));
  }

  /**
   * Centre the view on a world rectangle (a card shown by `?item=`), at a readable scale, in what the zoom
   * buttons leave free.
   * @param {{x: number, y: number, w: number, h: number}} p
   */
  centre(p) {
    const { view } = this;
    const r = this.element.getBoundingClientRect();
    const scale = Math.min(1.2, Math.max(view.scale, 0.8));
    const free = this.zoomReserve(); // centred in what the zoom buttons leave free
    view.set({ x: (r.width - free.right) / 2 - (p.x + p.w / 2) * scale, y: (r.height - free.bottom) / 2 - (p.y + p.h / 2) * scale, scale });
    this.apply();
  }

  /** @param {number} f */
  zoomBy(f) {
    const r = this.element.getBoundingClientRect();
    this.view.zoomAt(r.width / 2, r.height / 2, f);
    this.apply();
  }

  /** The zoom buttons over the board: +, −, « Voir tout ». */
  listenToButtons() {
    byId('zoom-in').addEventListener('click', () => this.zoomBy(1.25));
    byId('zoom-out').addEventListener('click', () => this.zoomBy(0.8));
    byId('zoom-fit').addEventListener('click', () => this.fitAll());
  }

  /** The window changed size: the opening view again until it was set, else just what the screen now holds. */
  resized() {
    if (!this.fitted) this.fit();
    else this.stick();
  }
}

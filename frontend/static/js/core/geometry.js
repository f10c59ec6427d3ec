// @ts-check
/**
 * Where things are on the board, in world units (CSS px at zoom 1): the week grid, item sizes, thread
 * curves, placement, and the viewport that maps world to screen (pan, zoom, pinch).
 *
 * Pure: numbers in, numbers out. Nothing here may ever produce NaN (one NaN in an SVG path or a CSS
 * transform blanks the whole drawing), so divisions are guarded.
 */

import { DAYS, SLOTS } from './protocol.js';

/** @typedef {{x: number, y: number}} Point */
/** @typedef {{x: number, y: number, w: number, h: number}} Rect */
/** @typedef {{day: string, slot?: string | null}} Cell */
/** Anything placed: an item of the store, or a bare rectangle. @typedef {{x: number, y: number, kind?: string, w?: number, h?: number, [key: string]: any}} Placed */

/** The week grid: a header row of days, a label column of parts of the day, then 6 × 3 cells. */
export const GRID = Object.freeze({ x: 0, y: 0, headerH: 56, labelW: 120, cellW: 300, cellH: 240 });

/** Default sizes per kind. An activity is a pictogram with a short label under it. */
export const ITEM_SIZES = Object.freeze({
  activity: Object.freeze({ w: 96, h: 112 }), // 3 × 2 fit in a cell before they start to overlap
  difficulty: Object.freeze({ w: 220, h: 168 }),
  touchpoint: Object.freeze({ w: 220, h: 168 }),
  solution: Object.freeze({ w: 220, h: 168 }),
  note: Object.freeze({ w: 220, h: 140 }),
});

/** The server's coordinate range (protocol.py Coord). */
export const WORLD_LIMIT = 1_000_000;

const finite = (/** @type {unknown} */ v, fallback = 0) => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
const clamp = (/** @type {number} */ v, /** @type {number} */ lo, /** @type {number} */ hi) => Math.min(hi, Math.max(lo, v));

// -- the week grid -----------------------------------------------------------------------------------------

/** The whole grid, header row and label column included. @returns {Rect} */
export function gridBounds() {
  return { x: GRID.x, y: GRID.y, w: GRID.labelW + DAYS.length * GRID.cellW, h: GRID.headerH + SLOTS.length * GRID.cellH };
}

/**
 * The rectangle of a cell; a cell without a slot is its whole day column. Null for a day or slot that is
 * not on the grid.
 * @param {Cell} cell
 * @returns {Rect | null}
 */
export function cellRect(cell) {
  const col = DAYS.indexOf(/** @type {any} */ (cell.day));
  if (col < 0) return null;
  const x = GRID.x + GRID.labelW + col * GRID.cellW;
  const top = GRID.y + GRID.headerH;
  if (cell.slot == null) return { x, y: top, w: GRID.cellW, h: SLOTS.length * GRID.cellH };
  const row = SLOTS.indexOf(/** @type {any} */ (cell.slot));
  if (row < 0) return null;
  return { x, y: top + row * GRID.cellH, w: GRID.cellW, h: GRID.cellH };
}

/**
 * The cell under a world point, or null outside the cells (header and label column are not cells). Edges
 * belong to the cell right / below them, so that every point has one cell.
 * @param {number} x @param {number} y
 * @returns {{day: string, slot: string} | null}
 */
export function cellAt(x, y) {
  const col = Math.floor((x - GRID.x - GRID.labelW) / GRID.cellW);
  const row = Math.floor((y - GRID.y - GRID.headerH) / GRID.cellH);
  if (!(col >= 0 && col < DAYS.length && row >= 0 && row < SLOTS.length)) return null; // also NaN
  return { day: DAYS[col], slot: SLOTS[row] };
}

// -- items -------------------------------------------------------------------------------------------------

/** @param {string} kind @returns {{w: number, h: number}} */
export function itemSize(kind) {
  const size = ITEM_SIZES[/** @type {keyof typeof ITEM_SIZES} */ (kind)] ?? ITEM_SIZES.note;
  return { w: size.w, h: size.h };
}

/**
 * An item's rectangle: its own w/h when it has them, else its kind's size.
 * @param {Placed} item
 * @returns {Rect}
 */
export function itemRect(item) {
  const size = itemSize(item.kind ?? 'note');
  return { x: finite(item.x), y: finite(item.y), w: finite(item.w, size.w), h: finite(item.h, size.h) };
}

/** @param {Placed} item @returns {Point} */
export function itemCenter(item) {
  const r = itemRect(item);
  return { x: r.x + r.w / 2, y: r.y + r.h / 2 };
}

const CELL_PAD = 12;
const CELL_GAP = 8;
const OVERFLOW_STEP = 6;

/**
 * Top-left corner for the index-th item (0-based) placed in a cell: items tile in rows inside the cell,
 * centred; past the cell's capacity the tiling starts again, offset a little each round, so every card
 * stays visible and inside its cell as long as possible.
 * @param {Cell} cell
 * @param {number} index
 * @param {string} [kind] what is placed (activities, the only kind on the grid, by default)
 * @returns {Point}
 */
export function slotPosition(cell, index, kind = 'activity') {
  const rect = cellRect(cell) ?? gridBounds();
  const { w, h } = itemSize(kind);
  const cols = Math.max(1, Math.floor((rect.w - 2 * CELL_PAD + CELL_GAP) / (w + CELL_GAP)));
  const rows = Math.max(1, Math.floor((rect.h - 2 * CELL_PAD + CELL_GAP) / (h + CELL_GAP)));
  const capacity = cols * rows;
  const i = Math.max(0, Math.floor(finite(index)));
  const slot = i % capacity;
  const round = Math.floor(i / capacity);
  const usedW = cols * w + (cols - 1) * CELL_GAP;
  const usedH = rows * h + (rows - 1) * CELL_GAP;
  const left = rect.x + Math.max(CELL_PAD, (rect.w - usedW) / 2);
  const top = rect.y + Math.max(CELL_PAD, (rect.h - usedH) / 2);
  // Later rounds lie over the first, shifted a little so that each card still shows an edge; the shift
  // cycles within the room the cell leaves, so no card ever leaves its cell.
  const room = Math.min(rect.x + rect.w - (left + usedW), rect.y + rect.h - (top + usedH));
  const rounds = Math.max(1, Math.floor(room / OVERFLOW_STEP) + 1);
  const offset = (round % rounds) * OVERFLOW_STEP;
  return {
    x: left + (slot % cols) * (w + CELL_GAP) + offset,
    y: top + Math.floor(slot / cols) * (h + CELL_GAP) + offset,
  };
}

// -- threads -----------------------------------------------------------------------------------------------

/**
 * The four points of a thread's cubic Bézier, from a's edge to b's edge. Side by side, it leaves a's right
 * (or left) edge and enters b's facing edge with horizontal tangents; stacked (overlapping columns), it
 * uses the top and bottom edges with vertical tangents, so the curve never doubles back through a card.
 * @param {Placed} a
 * @param {Placed} b
 * @returns {[Point, Point, Point, Point]}
 */
export function threadCurve(a, b) {
  const ra = itemRect(a);
  const rb = itemRect(b);
  const ca = { x: ra.x + ra.w / 2, y: ra.y + ra.h / 2 };
  const cb = { x: rb.x + rb.w / 2, y: rb.y + rb.h / 2 };
  const gapX = Math.max(rb.x - (ra.x + ra.w), ra.x - (rb.x + rb.w));
  if (gapX > 0 || Math.abs(cb.y - ca.y) < 1) {
    const dir = cb.x >= ca.x ? 1 : -1;
    const p0 = { x: dir > 0 ? ra.x + ra.w : ra.x, y: ca.y };
    const p3 = { x: dir > 0 ? rb.x : rb.x + rb.w, y: cb.y };
    const pull = Math.max(40, Math.abs(p3.x - p0.x) / 2);
    return [p0, { x: p0.x + dir * pull, y: p0.y }, { x: p3.x - dir * pull, y: p3.y }, p3];
  }
  const dir = cb.y >= ca.y ? 1 : -1;
  const p0 = { x: ca.x, y: dir > 0 ? ra.y + ra.h : ra.y };
  const p3 = { x: cb.x, y: dir > 0 ? rb.y : rb.y + rb.h };
  const pull = Math.max(40, Math.abs(p3.y - p0.y) / 2);
  return [p0, { x: p0.x, y: p0.y + dir * pull }, { x: p3.x, y: p3.y - dir * pull }, p3];
}

const fmt = (/** @type {number} */ v) => String(Math.round(finite(v) * 10) / 10 || 0); // no "-0", no NaN

/**
 * SVG path data of the thread from item a to item b.
 * @param {Placed} a
 * @param {Placed} b
 */
export function threadPath(a, b) {
  const [p0, c1, c2, p3] = threadCurve(a, b);
  return `M${fmt(p0.x)} ${fmt(p0.y)} C${fmt(c1.x)} ${fmt(c1.y)} ${fmt(c2.x)} ${fmt(c2.y)} ${fmt(p3.x)} ${fmt(p3.y)}`;
}

/**
 * A point on a thread (t = 0.5: its middle, where a delete button can sit).
 * @param {[Point, Point, Point, Point]} curve @param {number} t
 * @returns {Point}
 */
export function curvePoint([p0, c1, c2, p3], t) {
  const u = 1 - t;
  const k0 = u * u * u, k1 = 3 * u * u * t, k2 = 3 * u * t * t, k3 = t * t * t;
  return { x: k0 * p0.x + k1 * c1.x + k2 * c2.x + k3 * p3.x, y: k0 * p0.y + k1 * c1.y + k2 * c2.y + k3 * p3.y };
}

// -- placement ---------------------------------------------------------------------------------------------

const PLACE_GAP_X = 64;
const PLACE_GAP_Y = 16;

/** @param {Rect} a @param {Rect} b @param {number} margin */
function overlaps(a, b, margin) {
  return a.x < b.x + b.w + margin && b.x < a.x + a.w + margin && a.y < b.y + b.h + margin && b.y < a.y + a.h + margin;
}

/**
 * Where to put a new card of `kind` pulled from `item`: to its right, level with it, moving down past
 * whatever is in the way.
 * @param {Placed} item
 * @param {string} kind
 * @param {Iterable<Placed>} occupied rects or items
 * @returns {Point}
 */
export function placementNear(item, kind, occupied) {
  const from = itemRect(item);
  const rects = [...occupied].map(itemRect);
  const place = { x: from.x + from.w + PLACE_GAP_X, y: from.y, ...itemSize(kind) };
  // Each step moves below one obstacle, so the number of steps is bounded by the number of rects.
  for (let step = 0; step <= rects.length; step += 1) {
    let lowest = -Infinity;
    for (const r of rects) if (overlaps(place, r, PLACE_GAP_Y / 2)) lowest = Math.max(lowest, r.y + r.h);
    if (lowest === -Infinity) break;
    place.y = lowest + PLACE_GAP_Y;
  }
  return {
    x: clamp(place.x, -WORLD_LIMIT, WORLD_LIMIT - place.w),
    y: clamp(place.y, -WORLD_LIMIT, WORLD_LIMIT - place.h),
  };
}

/**
 * The bands under the week where pulled cards go, one row per kind, in the order a thread runs:
 * activity (in the week) → online service → difficulty → idea. The week stays readable, and each thread
 * hangs down from its activity.
 */
export const BANDS = Object.freeze({ touchpoint: 0, difficulty: 1, solution: 2 });
const BAND_GAP = 110;
const BAND_STEP_X = 24;

/**
 * Where a card of `kind` pulled from `source` goes: in its kind's band, as close as possible below the
 * source, in the first free place found going outwards (right, left, right…).
 * @param {Placed} source
 * @param {'touchpoint' | 'difficulty' | 'solution'} kind
 * @param {Iterable<Placed>} occupied
 * @returns {Point}
 */
export function bandPlacement(source, kind, occupied) {
  const size = itemSize(kind);
  const grid = gridBounds();
  const from = itemRect(source);
  const y = grid.y + grid.h + BAND_GAP + BANDS[kind] * (size.h + BAND_GAP);
  const want = from.x + from.w / 2 - size.w / 2;
  const rects = [...occupied].map(itemRect);
  const step = size.w + BAND_STEP_X;
  const limit = rects.length + 1; // each obstacle can push the card one step at most
  for (let i = 0; i <= 2 * limit; i += 1) {
    const shift = i === 0 ? 0 : Math.ceil(i / 2) * (i % 2 === 1 ? 1 : -1);
    const place = { x: want + shift * step, y, ...size };
    if (!rects.some((r) => overlaps(place, r, BAND_STEP_X / 2))) {
      return { x: clamp(place.x, -WORLD_LIMIT, WORLD_LIMIT - size.w), y };
    }
  }
  return { x: want + (limit + 1) * step, y };
}

// -- the viewport ------------------------------------------------------------------------------------------

/** @typedef {{x: number, y: number, scale: number, minScale?: number, maxScale?: number}} ViewState */

/**
 * The map from world to screen: screen = world × scale + (x, y). Apply `transform` to the world layer
 * with `transform-origin: 0 0`.
 */
export class Viewport {
  /** @param {{x?: number, y?: number, scale?: number, minScale?: number, maxScale?: number}} [options] */
  constructor({ x = 0, y = 0, scale = 1, minScale = 0.25, maxScale = 3 } = {}) {
    this.minScale = minScale;
    this.maxScale = maxScale;
    this.x = finite(x);
    this.y = finite(y);
    this.scale = this.clampScale(scale);
  }

  /** @param {number} s */
  clampScale(s) {
    return clamp(finite(s, 1), this.minScale, this.maxScale);
  }

  /** @param {number} px @param {number} py @returns {Point} */
  toWorld(px, py) {
    return { x: (px - this.x) / this.scale, y: (py - this.y) / this.scale };
  }

  /** @param {number} wx @param {number} wy @returns {Point} */
  toScreen(wx, wy) {
    return { x: wx * this.scale + this.x, y: wy * this.scale + this.y };
  }

  /** Move by a screen distance. @param {number} dx @param {number} dy */
  panBy(dx, dy) {
    this.x += finite(dx);
    this.y += finite(dy);
    return this;
  }

  /** Zoom by `factor`, keeping the world point under the screen point (px, py) where it is. */
  zoomAt(/** @type {number} */ px, /** @type {number} */ py, /** @type {number} */ factor) {
    const anchor = this.toWorld(px, py);
    this.scale = this.clampScale(this.scale * finite(factor, 1));
    this.x = px - anchor.x * this.scale;
    this.y = py - anchor.y * this.scale;
    return this;
  }

  /**
   * Show `bounds` whole and centred in a width × height screen area, `margin` px from its edges.
   * @param {Rect} bounds @param {number} width @param {number} height @param {number} [margin]
   */
  fit(bounds, width, height, margin = 24) {
    const room = { w: Math.max(1, width - 2 * margin), h: Math.max(1, height - 2 * margin) };
    this.scale = this.clampScale(Math.min(room.w / Math.max(1, bounds.w), room.h / Math.max(1, bounds.h)));
    this.x = width / 2 - (bounds.x + bounds.w / 2) * this.scale;
    this.y = height / 2 - (bounds.y + bounds.h / 2) * this.scale;
    return this;
  }

  /** A plain copy, e.g. at the start of a gesture for `pinch`. @returns {ViewState} */
  snapshot() {
    return { x: this.x, y: this.y, scale: this.scale, minScale: this.minScale, maxScale: this.maxScale };
  }

  /** @param {{x: number, y: number, scale: number}} state */
  set({ x, y, scale }) {
    this.x = finite(x);
    this.y = finite(y);
    this.scale = this.clampScale(scale);
    return this;
  }

  get transform() {
    return `translate(${this.x}px, ${this.y}px) scale(${this.scale})`;
  }
}

/**
 * Two-finger pan and zoom. `view` is the viewport as it was when the fingers came down (`snapshot()`),
 * `start` and `now` the two fingers' screen points then and now. The world point under the fingers'
 * midpoint follows the midpoint, and the zoom follows the distance between the fingers: without rotation
 * and within the scale limits, the world points under both fingers stay under them.
 * @param {ViewState} view
 * @param {Point[]} start the two fingers
 * @param {Point[]} now the same two fingers
 * @returns {{x: number, y: number, scale: number}}
 */
export function pinch(view, start, now) {
  const min = view.minScale ?? 0.25;
  const max = view.maxScale ?? 3;
  const dist = (/** @type {Point[]} */ [p, q]) => Math.hypot(q.x - p.x, q.y - p.y);
  const mid = (/** @type {Point[]} */ [p, q]) => ({ x: (p.x + q.x) / 2, y: (p.y + q.y) / 2 });
  const d0 = dist(start);
  const ratio = d0 > 1e-6 ? dist(now) / d0 : 1; // fingers on one spot: pan only
  const scale = clamp(finite(view.scale * ratio, view.scale), min, max);
  const m0 = mid(start);
  const m1 = mid(now);
  const anchor = { x: (m0.x - view.x) / view.scale, y: (m0.y - view.y) / view.scale };
  return { x: finite(m1.x - anchor.x * scale), y: finite(m1.y - anchor.y * scale), scale };
}

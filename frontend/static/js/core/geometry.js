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

/**
 * The world font sizes (CSS px at zoom 1) of what a resident must read on a card: a label (and a card's words)
 * and a vote dot. board.css sets the same numbers (.item .label, .dot); the browser tests measure them.
 */
export const TEXT_PX = Object.freeze({ label: 16, dot: 16 });
/** The smallest sizes on screen that read at a glance on a phone held at arm's length (CSS px). */
export const READABLE_PX = Object.freeze({ label: 12, dot: 10 });

/** The smallest zoom at which a card's label and its dots stay readable (0.75 with the sizes above). */
export function readableScale() {
  return Math.max(READABLE_PX.label / TEXT_PX.label, READABLE_PX.dot / TEXT_PX.dot);
}

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

const SNAP_PAD = 6;

/**
 * Where a card dropped with its rectangle at `rect` lands: inside the cell under its centre, whole (a card
 * never straddles Matin and Après-midi), moved as little as possible; outside the cells, where it was dropped.
 * @param {Rect} rect
 * @returns {{x: number, y: number, cell: {day: string, slot: string} | null}}
 */
export function snapToCell(rect) {
  const x = finite(rect.x);
  const y = finite(rect.y);
  const w = Math.max(0, finite(rect.w));
  const h = Math.max(0, finite(rect.h));
  const cell = cellAt(x + w / 2, y + h / 2);
  if (!cell) return { x, y, cell: null };
  const c = /** @type {Rect} */ (cellRect(cell));
  const inside = (/** @type {number} */ v, /** @type {number} */ lo, /** @type {number} */ size, /** @type {number} */ room) =>
    (size + 2 * SNAP_PAD > room ? lo + (room - size) / 2 : clamp(v, lo + SNAP_PAD, lo + room - size - SNAP_PAD));
  return { x: inside(x, c.x, w, c.w), y: inside(y, c.y, h, c.h), cell };
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

/** A cubic Bézier: start, two control points, end. @typedef {[Point, Point, Point, Point]} Curve */

/** SVG path data of curves joined end to end (one `C` with its points repeated: still `M… C…`). @param {Curve[]} curves */
export function curvesPath(curves) {
  if (!curves.length) return '';
  const [p0] = curves[0];
  const pts = curves.flatMap(([, c1, c2, p3]) => [c1, c2, p3]).map((p) => `${fmt(p.x)} ${fmt(p.y)}`);
  return `M${fmt(p0.x)} ${fmt(p0.y)} C${pts.join(' ')}`;
}

/** An upper bound of a curve's length (its control polygon), enough to choose how finely to sample it. @param {Curve} c */
export function curveLength([p0, c1, c2, p3]) {
  return Math.hypot(c1.x - p0.x, c1.y - p0.y) + Math.hypot(c2.x - c1.x, c2.y - c1.y) + Math.hypot(p3.x - c2.x, p3.y - c2.y);
}

/**
 * Points along curves, at most `step` world px apart (both ends included).
 * @param {Curve[]} curves @param {number} [step]
 * @returns {Point[]}
 */
export function sampleCurves(curves, step = 4) {
  /** @type {Point[]} */
  const out = [];
  for (const c of curves) {
    // a cubic runs at most 3 × its longest control leg per unit of t: that many steps keep samples `step` apart
    const [p0, c1, c2, p3] = c;
    const leg = Math.max(Math.hypot(c1.x - p0.x, c1.y - p0.y), Math.hypot(c2.x - c1.x, c2.y - c1.y), Math.hypot(p3.x - c2.x, p3.y - c2.y));
    const n = Math.max(1, Math.min(4000, Math.ceil((3 * leg) / Math.max(0.5, step))));
    for (let i = out.length ? 1 : 0; i <= n; i += 1) out.push(curvePoint(c, i / n));
  }
  return out;
}

/** @param {Point} p @param {Rect} r strictly inside */
const insideRect = (p, r) => p.x > r.x && p.x < r.x + r.w && p.y > r.y && p.y < r.y + r.h;

/**
 * How many times threads pass behind a card they do not join: the number of (thread, card) pairs where some
 * point of the thread (sampled every `step` px) lies inside a card other than its two ends.
 * @param {{source: string, target: string, curves: Curve[]}[]} threads
 * @param {Iterable<{id: string} & Placed>} items
 * @param {number} [step]
 */
export function threadCrossings(threads, items, step = 4) {
  const cards = [...items].map((it) => ({ id: it.id, r: itemRect(it) }));
  let n = 0;
  for (const th of threads) {
    const pts = sampleCurves(th.curves, step);
    for (const { id, r } of cards) {
      if (id === th.source || id === th.target) continue;
      if (pts.some((p) => insideRect(p, r))) n += 1;
    }
  }
  return n;
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
   * Show `bounds` whole and centred in a width × height screen area, `margin` px from its edges, zoomed in no
   * further than `maxScale`.
   * @param {Rect} bounds @param {number} width @param {number} height @param {number} [margin] @param {number} [maxScale]
   */
  fit(bounds, width, height, margin = 24, maxScale = this.maxScale) {
    const room = { w: Math.max(1, width - 2 * margin), h: Math.max(1, height - 2 * margin) };
    const whole = Math.min(room.w / Math.max(1, bounds.w), room.h / Math.max(1, bounds.h));
    this.scale = this.clampScale(Math.min(whole, maxScale));
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
 * What a screen shows first. The whole board (the week and the cards under it), else the week, when it fits
 * at a readable zoom (a laptop, a wall screen); otherwise, at the smallest readable zoom (`readableScale`),
 * the part of the board a resident wants first rather than everything too small to read: their own cards,
 * else where most cards are, else today's column, else Monday's; with the row labels and the day header
 * in sight when they fit beside it (the page keeps them on screen anyway: `stickyLabels`).
 * @param {object} o
 * @param {number} o.width @param {number} o.height the board's screen area (CSS px), less what covers it
 * @param {Placed[]} o.items every card on the board
 * @param {Placed[]} [o.mine] this resident's own cards
 * @param {string | null} [o.today] today's day (one of DAYS), for an empty board
 * @param {number} [o.margin] px kept free along the edges
 * @returns {{x: number, y: number, scale: number}}
 */
export function openingView({ width, height, items, mine = [], today = null, margin = 12 }) {
  const readable = readableScale();
  const week = gridBounds();
  const room = { w: Math.max(1, finite(width) - 2 * margin), h: Math.max(1, finite(height) - 2 * margin) };
  for (const whole of [boundsOf([week, ...items.map(itemRect)]), week]) {
    const s = Math.min(room.w / whole.w, room.h / whole.h, 1);
    if (s >= readable) return { scale: s, x: width / 2 - (whole.x + whole.w / 2) * s, y: height / 2 - (whole.y + whole.h / 2) * s };
  }
  const scale = readable;
  const vw = room.w / scale;
  const vh = room.h / scale;
  const rects = (mine.length ? mine : items).map(itemRect);
  const focus = rects.length
    ? densest(rects, vw, vh)
    : /** @type {Rect} */ (cellRect({ day: DAYS.includes(/** @type {any} */ (today)) ? /** @type {string} */ (today) : DAYS[0] }));
  let left = focus.w > vw ? focus.x : focus.x + focus.w / 2 - vw / 2;
  let top = focus.h > vh ? focus.y : focus.y + focus.h / 2 - vh / 2;
  if (focus.x + focus.w - week.x <= vw && focus.x >= week.x) left = week.x; // the row labels in sight too
  if (focus.y + focus.h - week.y <= vh && focus.y >= week.y) top = week.y; // and the day header
  return { scale, x: margin - left * scale, y: margin - top * scale };
}

/** The box around rectangles. @param {Rect[]} rects @returns {Rect} */
export function boundsOf(rects) {
  if (!rects.length) return { x: 0, y: 0, w: 0, h: 0 };
  const x = Math.min(...rects.map((r) => r.x));
  const y = Math.min(...rects.map((r) => r.y));
  return { x, y, w: Math.max(...rects.map((r) => r.x + r.w)) - x, h: Math.max(...rects.map((r) => r.y + r.h)) - y };
}

/**
 * The box around the largest group of rectangles a w × h window shows whole (ties: the one higher up, then
 * further left: reading order). Candidate windows start at each rectangle or are centred on it.
 * @param {Rect[]} rects @param {number} w @param {number} h
 * @returns {Rect}
 */
export function densest(rects, w, h) {
  let best = { count: -1, x: 0, y: 0, group: /** @type {Rect[]} */ ([]) };
  for (const r of rects) {
    for (const win of [{ x: r.x, y: r.y }, { x: r.x + r.w / 2 - w / 2, y: r.y + r.h / 2 - h / 2 }]) {
      const group = rects.filter((q) => q.x >= win.x && q.y >= win.y && q.x + q.w <= win.x + w && q.y + q.h <= win.y + h);
      const box = boundsOf(group.length ? group : [r]);
      if (group.length > best.count || (group.length === best.count && (box.y < best.y || (box.y === best.y && box.x < best.x)))) {
        best = { count: group.length, x: box.x, y: box.y, group: group.length ? group : [r] };
      }
    }
  }
  return boundsOf(best.group);
}

/**
 * Where the week's labels go on screen so that they never scroll away: the parts of the day stay at the
 * screen's left edge while the label column is panned off it, the days in a strip along its top while the
 * header is. A row's label sits at the top of the row's visible part (under the days' strip when shown) and is
 * left out when too little of the row shows for it; `rowsShown` / `daysShown` are false while the real labels
 * are in sight (or the zoom is too small for any label to fit).
 * @param {{x: number, y: number, scale: number}} view
 * @param {number} width @param {number} height the board's screen size
 * @param {{strip?: number, label?: number}} [sizes] the days' strip height and a row label's height (CSS px)
 * @returns {{rows: {slot: string, top: number, bottom: number}[], rowsShown: boolean, days: {day: string, left: number, right: number}[], daysShown: boolean}}
 */
export function stickyLabels(view, width, height, { strip = 30, label = 36 } = {}) {
  const s = finite(view.scale, 1) || 1;
  const sx = (/** @type {number} */ wx) => wx * s + finite(view.x);
  const sy = (/** @type {number} */ wy) => wy * s + finite(view.y);
  const week = gridBounds();
  const gridOnX = sx(week.x + week.w) > 0 && sx(week.x) < width;
  const gridOnY = sy(week.y + week.h) > strip && sy(week.y) < height;
  // zoomed out so far that a label would not fit its row or column: an overview, no labels stuck over it
  const roomy = GRID.cellH * s >= 48 && GRID.cellW * s >= 64;
  const days = DAYS.map((day, i) => {
    const x0 = week.x + GRID.labelW + i * GRID.cellW;
    return { day, left: Math.max(0, sx(x0)), right: Math.min(width, sx(x0 + GRID.cellW)) };
  }).filter((d) => d.right > d.left);
  const daysShown = roomy && sy(week.y) < 0 && gridOnY && gridOnX && days.length > 0;
  const under = daysShown ? strip : 0;
  const rows = SLOTS.map((slot, i) => {
    const y0 = week.y + GRID.headerH + i * GRID.cellH;
    return { slot, top: Math.max(under, sy(y0)), bottom: Math.min(height, sy(y0 + GRID.cellH)) };
  }).filter((r) => r.bottom - r.top >= label);
  return { rows, rowsShown: roomy && sx(week.x) < 0 && gridOnX && gridOnY && rows.length > 0, days, daysShown };
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

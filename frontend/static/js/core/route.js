// @ts-check
/**
 * The way each thread takes between its two cards: where it leaves and enters them (threads sharing a card's
 * side leave it at distinct points, spread along the side in the order of where they go), and, when the
 * plain curve would pass behind a card it does not join, a detour around the cards: an orthogonal path over a
 * sparse grid of lanes (the week's lines, the gaps beside and between cards), with rounded corners.
 *
 * Pure: numbers in, curves out (cubic Béziers, so the drawing and the crossing count read the same shape).
 */
import { GRID, gridBounds, itemRect, sampleCurves } from './geometry.js';
import { DAYS, SLOTS } from './protocol.js';

/** @typedef {import('./geometry.js').Point} Point */
/** @typedef {import('./geometry.js').Rect} Rect */
/** @typedef {import('./geometry.js').Curve} Curve */
/** @typedef {'top' | 'bottom' | 'left' | 'right'} Side */
/** @typedef {{id: string, source: string, target: string}} ThreadRef */
/** @typedef {{a: Point, sa: Side, b: Point, sb: Side}} Ends */

const CLEAR = 16; // how far a detour keeps from a card's edge
const LANE_STEP = 14; // detours along the same card keep this far apart, so they never run along each other
const STUB = 20; // straight out of a card before the first turn
const RADIUS = 40; // a detour's corners
const BEND = 120; // the cost of a turn, in world px of length: few turns read better than a short zigzag
const ALONG = 6; // the cost, per px, of running on top of a thread routed before
const REGION = 360; // how far around its two cards a detour may go
const CORNER_INSET = 18; // anchors stay off a card's rounded corners
const GRAZE = 4; // the plain curve must clear a card by this much to be kept

/** @type {Record<Side, Point>} */
const NORMAL = { top: { x: 0, y: -1 }, bottom: { x: 0, y: 1 }, left: { x: -1, y: 0 }, right: { x: 1, y: 0 } };

/**
 * Which sides of a and b a thread between them uses: bottom to top when b hangs below a (the usual way: the
 * week down to its bands), top to bottom the other way, else facing sides.
 * @param {Rect} ra @param {Rect} rb
 * @returns {[Side, Side]}
 */
export function threadSides(ra, rb) {
  if (rb.y >= ra.y + ra.h + 2 * STUB) return ['bottom', 'top'];
  if (ra.y >= rb.y + rb.h + 2 * STUB) return ['top', 'bottom'];
  if (rb.x >= ra.x + ra.w) return ['right', 'left'];
  if (ra.x >= rb.x + rb.w) return ['left', 'right'];
  return rb.y + rb.h / 2 >= ra.y + ra.h / 2 ? ['bottom', 'top'] : ['top', 'bottom'];
}

/**
 * Where every thread leaves and enters its cards. Threads on the same side of a card are spread along it,
 * ordered by where their other end lies, so that they leave at distinct points and do not cross at the card.
 * @param {ThreadRef[]} threads
 * @param {(id: string) => Rect | null} rectOf
 * @returns {Map<string, Ends>}
 */
export function threadAnchors(threads, rectOf) {
  /** @type {Map<string, {thread: string, end: 'a' | 'b', along: number}[]>} */
  const bySide = new Map();
  /** @type {Map<string, {sa: Side, sb: Side}>} */
  const sidesOf = new Map();
  for (const th of threads) {
    const ra = rectOf(th.source);
    const rb = rectOf(th.target);
    if (!ra || !rb) continue;
    const [sa, sb] = threadSides(ra, rb);
    sidesOf.set(th.id, { sa, sb });
    const ca = centre(ra);
    const cb = centre(rb);
    for (const [item, side, other, end] of /** @type {const} */ ([[th.source, sa, cb, 'a'], [th.target, sb, ca, 'b']])) {
      const key = `${item}\u0000${side}`;
      const along = side === 'top' || side === 'bottom' ? other.x : other.y;
      const list = bySide.get(key) ?? [];
      list.push({ thread: th.id, end, along });
      bySide.set(key, list);
    }
  }
  /** @type {Map<string, Partial<Ends>>} */
  const out = new Map();
  for (const [key, list] of bySide) {
    const [item, side] = /** @type {[string, Side]} */ (key.split('\u0000'));
    const r = /** @type {Rect} */ (rectOf(item));
    list.sort((p, q) => p.along - q.along || (p.thread < q.thread ? -1 : 1));
    list.forEach((entry, i) => {
      const t = (i + 1) / (list.length + 1);
      const point = anchorOn(r, side, t);
      const ends = out.get(entry.thread) ?? {};
      if (entry.end === 'a') Object.assign(ends, { a: point, sa: side });
      else Object.assign(ends, { b: point, sb: side });
      out.set(entry.thread, ends);
    });
  }
  return /** @type {Map<string, Ends>} */ (new Map([...out].filter(([id]) => sidesOf.has(id))));
}

/** @param {Rect} r @param {Side} side @param {number} t 0…1 along the side */
function anchorOn(r, side, t) {
  if (side === 'top' || side === 'bottom') {
    const inset = Math.min(CORNER_INSET, r.w / 4);
    return { x: r.x + inset + (r.w - 2 * inset) * t, y: side === 'top' ? r.y : r.y + r.h };
  }
  const inset = Math.min(CORNER_INSET, r.h / 4);
  return { x: side === 'left' ? r.x : r.x + r.w, y: r.y + inset + (r.h - 2 * inset) * t };
}

/** @param {Rect} r */
function centre(r) {
  return { x: r.x + r.w / 2, y: r.y + r.h / 2 };
}

/**
 * The plain curve between two anchors: it leaves and enters along the sides' normals.
 * @param {Ends} e
 * @returns {Curve}
 */
export function plainCurve({ a, sa, b, sb }) {
  const na = NORMAL[sa];
  const nb = NORMAL[sb];
  const pull = Math.max(40, Math.hypot(b.x - a.x, b.y - a.y) / 2);
  return [a, { x: a.x + na.x * pull, y: a.y + na.y * pull }, { x: b.x + nb.x * pull, y: b.y + nb.y * pull }, b];
}

/**
 * The route of every thread, as cubic curves (one for a plain thread, several for a detour).
 * @param {ThreadRef[]} threads in a stable order (a detour avoids the ones routed before it)
 * @param {Map<string, import('./geometry.js').Placed> | ((id: string) => Rect | null)} items
 * @returns {Map<string, Curve[]>}
 */
export function routeThreads(threads, items) {
  const rectOf = typeof items === 'function' ? items : (/** @type {string} */ id) => {
    const it = items.get(id);
    return it ? itemRect(it) : null;
  };
  /** @type {Map<string, Rect>} */
  const rects = new Map();
  if (typeof items !== 'function') for (const [id, it] of items) rects.set(id, itemRect(it));
  const index = new RectIndex(rects);
  const anchors = threadAnchors(threads, rectOf);
  /** @type {Seg[]} */
  const used = [];
  /** @type {Map<string, Curve[]>} */
  const out = new Map();
  let detours = 0;
  const budget = { left: WORK_BUDGET };
  for (const th of threads) {
    const ends = anchors.get(th.id);
    if (!ends) continue;
    const skip = new Set([th.source, th.target]);
    const plain = plainCurve(ends);
    const box = curveBox(plain, GRAZE);
    const near = distinct(index.query(box).filter(([id]) => !skip.has(id)).map(([, r]) => r)).map((r) => grow(r, GRAZE));
    if (!near.length || !curveHitsAny(plain, near)) {
      out.set(th.id, [plain]);
      continue;
    }
    const ra = /** @type {Rect} */ (rectOf(th.source));
    const rb = /** @type {Rect} */ (rectOf(th.target));
    const region = grow(union(ra, rb), REGION);
    const obstacles = distinct(index.query(region).filter(([id]) => !skip.has(id)).map(([, r]) => r));
    const path = budget.left > 0 ? detour(ends, obstacles, region, (detours % 3) * LANE_STEP, used, budget) : null;
    detours += 1;
    if (!path) {
      out.set(th.id, [plain]);
      continue;
    }
    for (let i = 1; i < path.length; i += 1) used.push({ a: path[i - 1], b: path[i] });
    out.set(th.id, rounded(path, RADIUS));
  }
  return out;
}

/** @typedef {{a: Point, b: Point}} Seg */

/** How many steps all the detours of one drawing may take together: past it, threads are drawn plain. */
const WORK_BUDGET = 400_000;

/**
 * The shortest orthogonal way from a's anchor to b's (with few turns) that passes beside every obstacle,
 * over the lanes around them; null when there is none inside the region.
 * @param {Ends} e @param {Rect[]} obstacles @param {Rect} region @param {number} offset this detour's lane offset
 * @param {Seg[]} used segments of the detours routed before
 * @param {{left: number}} budget steps left for this drawing's detours
 * @returns {Point[] | null} the corners, anchors included
 */
function detour({ a, sa, b, sb }, obstacles, region, offset, used, budget) {
  const na = NORMAL[sa];
  const nb = NORMAL[sb];
  const start = { x: a.x + na.x * (STUB + offset), y: a.y + na.y * (STUB + offset) };
  const end = { x: b.x + nb.x * (STUB + offset), y: b.y + nb.y * (STUB + offset) };
  const blocked = obstacles.map((r) => grow(r, CLEAR - 1));
  // an end shut in by a card lying on it (cards piled up): no way round, and no need to look for one
  const shut = (/** @type {Point} */ p) => blocked.some((r) => p.x > r.x && p.x < r.x + r.w && p.y > r.y && p.y < r.y + r.h);
  if (shut(start) || shut(end)) return null;
  const gap = CLEAR + offset;
  const xs = new Set([start.x, end.x]);
  const ys = new Set([start.y, end.y]);
  for (const r of obstacles) {
    xs.add(r.x - gap); xs.add(r.x + r.w + gap);
    ys.add(r.y - gap); ys.add(r.y + r.h + gap);
  }
  // the week's lines: no card ever sits on them (cards snap inside their cell)
  const grid = gridBounds();
  for (let i = 0; i <= DAYS.length; i += 1) xs.add(grid.x + GRID.labelW + i * GRID.cellW + offset);
  for (let j = 0; j <= SLOTS.length; j += 1) ys.add(grid.y + GRID.headerH + j * GRID.cellH + offset);
  const inRegion = (/** @type {number} */ v, /** @type {number} */ lo, /** @type {number} */ size) => v >= lo && v <= lo + size;
  const X = [...xs].filter((v) => inRegion(v, region.x, region.w)).sort((p, q) => p - q);
  const Y = [...ys].filter((v) => inRegion(v, region.y, region.h)).sort((p, q) => p - q);
  const si = X.indexOf(start.x); const sj = Y.indexOf(start.y);
  const ei = X.indexOf(end.x); const ej = Y.indexOf(end.y);
  if (si < 0 || sj < 0 || ei < 0 || ej < 0) return null;
  const nx = X.length;
  const ny = Y.length;
  // Blocked edges, marked obstacle by obstacle: edge (i→i+1) on line j, and (j→j+1) on line i.
  const hBlocked = new Uint8Array(nx * ny);
  const vBlocked = new Uint8Array(nx * ny);
  for (const r of blocked) {
    budget.left -= 1;
    for (let j = 0; j < ny; j += 1) {
      if (!(Y[j] > r.y && Y[j] < r.y + r.h)) continue;
      for (let i = 0; i < nx - 1; i += 1) if (X[i] < r.x + r.w && X[i + 1] > r.x) hBlocked[j * nx + i] = 1;
    }
    for (let i = 0; i < nx; i += 1) {
      if (!(X[i] > r.x && X[i] < r.x + r.w)) continue;
      for (let j = 0; j < ny - 1; j += 1) if (Y[j] < r.y + r.h && Y[j + 1] > r.y) vBlocked[j * nx + i] = 1;
    }
  }
  // the detours routed before, by line: running on top of one costs
  /** @type {Map<number, [number, number][]>} */
  const usedOnY = new Map();
  /** @type {Map<number, [number, number][]>} */
  const usedOnX = new Map();
  for (const { a: p, b: q } of used) {
    if (p.y === q.y) {
      for (let j = 0; j < ny; j += 1) if (Math.abs(Y[j] - p.y) <= 6) pushTo(usedOnY, j, [Math.min(p.x, q.x), Math.max(p.x, q.x)]);
    } else if (p.x === q.x) {
      for (let i = 0; i < nx; i += 1) if (Math.abs(X[i] - p.x) <= 6) pushTo(usedOnX, i, [Math.min(p.y, q.y), Math.max(p.y, q.y)]);
    }
  }
  // Dijkstra over (node, heading): headings 0 right, 1 left, 2 down, 3 up
  const DX = [1, -1, 0, 0];
  const DY = [0, 0, 1, -1];
  const headingOf = (/** @type {Point} */ n) => (n.x > 0 ? 0 : n.x < 0 ? 1 : n.y > 0 ? 2 : 3);
  const size = nx * ny * 4;
  const cost = new Float64Array(size).fill(Infinity);
  const prev = new Int32Array(size).fill(-1);
  const heap = new MinHeap();
  const first = (sj * nx + si) * 4 + headingOf(na);
  cost[first] = 0;
  heap.push(0, first);
  const arrive = headingOf({ x: -nb.x, y: -nb.y }); // the last leg runs into b
  let goal = -1;
  while (heap.size) {
    if (--budget.left < 0) return null;
    const [c, s] = heap.pop();
    if (c > cost[s]) continue;
    const d = s % 4;
    const node = (s - d) / 4;
    const i = node % nx;
    const j = (node - i) / nx;
    if (i === ei && j === ej && d === arrive) { goal = s; break; }
    for (let nd = 0; nd < 4; nd += 1) {
      if (DX[nd] === -DX[d] && DY[nd] === -DY[d]) continue; // no U-turn on the spot
      const ni = i + DX[nd];
      const nj = j + DY[nd];
      if (ni < 0 || nj < 0 || ni >= nx || nj >= ny) continue;
      const horizontal = nd < 2;
      if (horizontal ? hBlocked[j * nx + Math.min(i, ni)] : vBlocked[Math.min(j, nj) * nx + i]) continue;
      const lo = horizontal ? Math.min(X[i], X[ni]) : Math.min(Y[j], Y[nj]);
      const hi = horizontal ? Math.max(X[i], X[ni]) : Math.max(Y[j], Y[nj]);
      let along = 0;
      for (const [ulo, uhi] of (horizontal ? usedOnY.get(j) : usedOnX.get(i)) ?? []) along += Math.max(0, Math.min(hi, uhi) - Math.max(lo, ulo));
      const next = c + (hi - lo) + (nd === d ? 0 : BEND) + ALONG * along;
      const ns = (nj * nx + ni) * 4 + nd;
      if (next < cost[ns]) { cost[ns] = next; prev[ns] = s; heap.push(next, ns); }
    }
  }
  if (goal < 0) return null;
  /** @type {Point[]} */
  const nodes = [];
  for (let s = goal; s >= 0; s = prev[s]) {
    const node = (s - (s % 4)) / 4;
    nodes.push({ x: X[node % nx], y: Y[Math.floor(node / nx)] });
  }
  nodes.reverse();
  return simplify([a, ...nodes, b]);
}

/** @template K, V @param {Map<K, V[]>} map @param {K} key @param {V} value */
function pushTo(map, key, value) {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Drop points in the middle of a straight run. @param {Point[]} pts */
function simplify(pts) {
  /** @type {Point[]} */
  const out = [];
  for (const p of pts) {
    const last = out[out.length - 1];
    if (last && last.x === p.x && last.y === p.y) continue;
    const before = out[out.length - 2];
    if (before && last && ((before.x === last.x && last.x === p.x) || (before.y === last.y && last.y === p.y))) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}

/**
 * A polyline as cubic curves, its corners rounded (a straight piece is a cubic too: one kind of segment to
 * draw and to sample).
 * @param {Point[]} pts @param {number} radius
 * @returns {Curve[]}
 */
export function rounded(pts, radius) {
  if (pts.length < 2) return [];
  /** @type {Curve[]} */
  const out = [];
  const line = (/** @type {Point} */ p, /** @type {Point} */ q) => {
    if (p.x !== q.x || p.y !== q.y) out.push([p, p, q, q]);
  };
  let from = pts[0];
  for (let i = 1; i < pts.length - 1; i += 1) {
    const [p, c, n] = [pts[i - 1], pts[i], pts[i + 1]];
    const lin = Math.hypot(c.x - p.x, c.y - p.y);
    const lout = Math.hypot(n.x - c.x, n.y - c.y);
    const r = Math.min(radius, lin / 2, lout / 2);
    const enter = { x: c.x - ((c.x - p.x) / (lin || 1)) * r, y: c.y - ((c.y - p.y) / (lin || 1)) * r };
    const leave = { x: c.x + ((n.x - c.x) / (lout || 1)) * r, y: c.y + ((n.y - c.y) / (lout || 1)) * r };
    line(from, enter);
    out.push([enter, c, c, leave]);
    from = leave;
  }
  line(from, pts[pts.length - 1]);
  return out;
}

/** Whether a curve passes inside any of the rectangles (sampled every 4 px). @param {Curve} c @param {Rect[]} rects */
function curveHitsAny(c, rects) {
  return sampleCurves([c], 4).some((p) => rects.some((r) => p.x > r.x && p.x < r.x + r.w && p.y > r.y && p.y < r.y + r.h));
}

/** Cards stacked on the same spot count once. @param {Rect[]} rects */
function distinct(rects) {
  const seen = new Map(rects.map((r) => [`${r.x},${r.y},${r.w},${r.h}`, r]));
  return [...seen.values()];
}

/** @param {Rect} r @param {number} m */
function grow(r, m) {
  return { x: r.x - m, y: r.y - m, w: r.w + 2 * m, h: r.h + 2 * m };
}

/** @param {Rect} p @param {Rect} q */
function union(p, q) {
  const x = Math.min(p.x, q.x);
  const y = Math.min(p.y, q.y);
  return { x, y, w: Math.max(p.x + p.w, q.x + q.w) - x, h: Math.max(p.y + p.h, q.y + q.h) - y };
}

/** The box around a curve's control points (the curve lies inside it). @param {Curve} c @param {number} m */
function curveBox(c, m) {
  const xs = c.map((p) => p.x);
  const ys = c.map((p) => p.y);
  const x = Math.min(...xs);
  const y = Math.min(...ys);
  return grow({ x, y, w: Math.max(...xs) - x, h: Math.max(...ys) - y }, m);
}

/** Cards by buckets of the world, so a thread looks only at the cards near it (1,000-card boards). */
class RectIndex {
  /** @param {Map<string, Rect>} rects */
  constructor(rects) {
    this.cell = 400;
    /** @type {Map<string, [string, Rect][]>} */
    this.buckets = new Map();
    for (const entry of rects) {
      for (const key of this.keys(entry[1])) {
        const list = this.buckets.get(key) ?? [];
        list.push(entry);
        this.buckets.set(key, list);
      }
    }
  }

  /** @param {Rect} r */
  *keys(r) {
    const c = this.cell;
    const [i0, i1] = [Math.floor(r.x / c), Math.floor((r.x + r.w) / c)];
    const [j0, j1] = [Math.floor(r.y / c), Math.floor((r.y + r.h) / c)];
    if ((i1 - i0 + 1) * (j1 - j0 + 1) > 10_000) return; // a card spanning the world is ignored here, not looped over
    for (let i = i0; i <= i1; i += 1) for (let j = j0; j <= j1; j += 1) yield `${i},${j}`;
  }

  /** The cards touching the box. @param {Rect} box @returns {[string, Rect][]} */
  query(box) {
    /** @type {Map<string, Rect>} */
    const found = new Map();
    const c = this.cell;
    const [i0, i1] = [Math.floor(box.x / c), Math.floor((box.x + box.w) / c)];
    const [j0, j1] = [Math.floor(box.y / c), Math.floor((box.y + box.h) / c)];
    for (let i = i0; i <= i1; i += 1) {
      for (let j = j0; j <= j1; j += 1) {
        for (const [id, r] of this.buckets.get(`${i},${j}`) ?? []) {
          if (r.x < box.x + box.w && box.x < r.x + r.w && r.y < box.y + box.h && box.y < r.y + r.h) found.set(id, r);
        }
      }
    }
    return [...found];
  }
}

/** A binary heap of (cost, state), smallest cost first. */
class MinHeap {
  constructor() {
    /** @type {[number, number][]} */
    this.items = [];
  }

  get size() {
    return this.items.length;
  }

  /** @param {number} cost @param {number} s */
  push(cost, s) {
    const a = this.items;
    a.push([cost, s]);
    let i = a.length - 1;
    while (i > 0) {
      const up = (i - 1) >> 1;
      if (a[up][0] <= a[i][0]) break;
      [a[up], a[i]] = [a[i], a[up]];
      i = up;
    }
  }

  /** @returns {[number, number]} */
  pop() {
    const a = this.items;
    const top = a[0];
    const last = /** @type {[number, number]} */ (a.pop());
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l][0] < a[m][0]) m = l;
        if (r < a.length && a[r][0] < a[m][0]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}


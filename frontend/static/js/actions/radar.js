// @ts-check
/**
 * The capabilities web of a fiche action: its geometry (a line-for-line port of `radar_geometry` in
 * backend/fresque/radar.py, checked against Python's `as_dict()` by tests/js/actions_radar.test.mjs) and the
 * SVG drawn from it.
 *
 * Conventions (the same as radar.py): a `size` × `size` square, y pointing down; centre (size/2, size·0.45),
 * radius size·0.29; axis i of n at 360·i/n degrees clockwise from straight up; level L on an axis at
 * (cx + r·L/4·sin a, cy − r·L/4·cos a); rings 1–4 are polygons; an axis a series has no level for is drawn at
 * 0 and listed in `missing`; coordinates rounded to 2 decimals the way Python's `round(x, 2)` does.
 *
 * `radarGeometry` is pure (runs under node); `radarSvg` needs a DOM `document`.
 */

import { LEVELS, LIST_BOUNDS } from '../core/wire.gen.js';

/** A radar needs 3 axes, holds at most 12 (core/choices.py LIST_BOUNDS); levels 0–4 (LEVELS): generated. */
export const [, MIN_AXES, MAX_AXES] = LIST_BOUNDS.axes;
export const MAX_LEVEL = LEVELS[LEVELS.length - 1];
export const LEVEL_RINGS = /** @type {const} */ ([1, 2, 3, 4]);
export const MIN_SIZE = 200;
export const MAX_SIZE = 4000;
const CENTRE_Y = 0.45;
const RADIUS = 0.29;
const LABEL_GAP = 0.035;
const DEG_TO_RAD = Math.PI / 180.0; // as CPython's math.radians: x * (pi / 180)

/** One colour per series, in the board's order (Okabe–Ito, as radar.py's SERIES_COLOURS). */
export const SERIES_COLOURS = /** @type {const} */ ([
  '#0072b2', // blue
  '#d55e00', // vermilion
  '#009e73', // bluish green
  '#cc79a7', // reddish purple
  '#56b4e9', // sky blue
  '#e69f00', // orange
]);
/** A dash pattern per series too, so the series differ by more than their colour. */
const SERIES_DASHES = ['', '10 6', '3 5', '14 5 3 5', '2 3', '8 3'];

/** @typedef {[number, number]} Point */
/**
 * @typedef {{id: string, angle: number, end: Point, label_anchor: Point, align: 'start'|'middle'|'end',
 *   baseline: 'bottom'|'middle'|'top'}} RadarAxis
 * @typedef {{id: string, points: Point[], levels: number[], missing: string[]}} RadarSeries
 * @typedef {{size: number, centre: Point, radius: number, axes: RadarAxis[],
 *   rings: Record<string, Point[]>, series: RadarSeries[]}} RadarGeometry
 */

/**
 * Python's `round(value, 2)`: the exact decimal value of the double rounded half to even, then read back.
 * (Math.round(x * 100) / 100 and toFixed(2) differ from it on exact ties and near them.)
 * @param {number} value
 * @returns {number}
 */
export function round2(value) {
  if (!Number.isFinite(value)) return value;
  const negative = value < 0;
  const exact = Math.abs(value).toFixed(100); // the double's exact decimal expansion (its bits run out first)
  const dot = exact.indexOf('.');
  const kept = exact.slice(0, dot + 3); // "123.45"
  const rest = exact.slice(dot + 3); // the digits after the second decimal
  let up = false;
  if (rest[0] > '5') up = true;
  else if (rest[0] === '5') {
    if (/[1-9]/.test(rest.slice(1))) up = true;
    else up = Number(kept[kept.length - 1]) % 2 === 1; // an exact tie: to even
  }
  let cents = BigInt(kept.replace('.', ''));
  if (up) cents += 1n;
  const text = cents.toString().padStart(3, '0');
  const result = Number(`${text.slice(0, -2)}.${text.slice(-2)}`);
  if (result === 0) return 0; // no "-0"
  return negative ? -result : result;
}

/**
 * @param {[number, number]} centre
 * @param {number} radius
 * @param {number} angleDeg
 * @returns {Point}
 */
function point(centre, radius, angleDeg) {
  const a = angleDeg * DEG_TO_RAD;
  return [round2(centre[0] + radius * Math.sin(a)), round2(centre[1] - radius * Math.cos(a))];
}

/** @param {unknown} axes @returns {string[]} */
function checkAxes(axes) {
  if (!Array.isArray(axes)) throw new RangeError('axes must be a list of axis ids');
  const ids = axes.map((a) => (a && typeof a === 'object' ? /** @type {{id: unknown}} */ (a).id : a));
  if (ids.length < MIN_AXES) throw new RangeError(`a radar needs at least ${MIN_AXES} axes, got ${ids.length}`);
  if (ids.length > MAX_AXES) throw new RangeError(`a radar has at most ${MAX_AXES} axes, got ${ids.length}`);
  for (const id of ids) {
    if (typeof id !== 'string' || !id) throw new RangeError(`an axis id is a non-empty string, got ${JSON.stringify(id)}`);
  }
  if (new Set(ids).size !== ids.length) throw new RangeError('axis ids must be distinct');
  return /** @type {string[]} */ (ids);
}

/**
 * Where everything of the web goes. `axes`: the board's axes (ids or {id, …}) in order; `series`: the board's
 * series (ids or {id, …}) in order — it fixes the drawing order and the colours; `levels`: the action's
 * `capabilities` (series id → {axis id → level 0–4}). Only the series that have levels are drawn, in the
 * board's order (as `render_radar_png` does); a series with levels that is not in `series` is drawn after
 * them. Same result as Python's `radar_geometry(axes, ordered_levels, size).as_dict()`.
 * Throws RangeError where Python raises ValueError.
 * @param {(string | {id: string})[]} axes
 * @param {(string | {id: string})[]} series
 * @param {Record<string, Record<string, number>>} levels
 * @param {{size?: number}} [options]
 * @returns {RadarGeometry}
 */
export function radarGeometry(axes, series, levels, { size = 400 } = {}) {
  const axisIds = checkAxes(axes);
  if (!Number.isInteger(size) || size < MIN_SIZE || size > MAX_SIZE) {
    throw new RangeError(`size must be a whole number of pixels from ${MIN_SIZE} to ${MAX_SIZE}, got ${size}`);
  }
  const known = new Set(axisIds);
  /** @type {Point} */
  const centre = [round2(size / 2), round2(size * CENTRE_Y)];
  const radius = round2(size * RADIUS);
  const n = axisIds.length;

  /** @type {RadarAxis[]} */
  const radarAxes = axisIds.map((id, i) => {
    const angle = round2((360 * i) / n);
    const s = Math.sin(angle * DEG_TO_RAD);
    const c = Math.cos(angle * DEG_TO_RAD);
    const align = Math.abs(s) < 0.2 ? 'middle' : s > 0 ? 'start' : 'end';
    const baseline = c > 0.5 ? 'bottom' : c < -0.5 ? 'top' : 'middle';
    return {
      id,
      angle,
      end: point(centre, radius, angle),
      label_anchor: point(centre, radius + size * LABEL_GAP, angle),
      align,
      baseline,
    };
  });

  /** @type {Record<string, Point[]>} */
  const rings = {};
  for (const level of LEVEL_RINGS) rings[String(level)] = radarAxes.map((a) => point(centre, (radius * level) / MAX_LEVEL, a.angle));

  const given = levels && typeof levels === 'object' ? levels : {};
  const seriesIds = (Array.isArray(series) ? series : []).map((s) => (s && typeof s === 'object' ? s.id : s));
  const order = [...seriesIds.filter((id) => Object.prototype.hasOwnProperty.call(given, id)),
    ...Object.keys(given).filter((id) => !seriesIds.includes(id))];

  /** @type {RadarSeries[]} */
  const radarSeries = order.map((seriesId) => {
    if (typeof seriesId !== 'string' || !seriesId) throw new RangeError('a series id is a non-empty string');
    const byAxis = given[seriesId];
    if (!byAxis || typeof byAxis !== 'object' || Array.isArray(byAxis)) {
      throw new RangeError(`the levels of ${JSON.stringify(seriesId)} must be a mapping axis id → level`);
    }
    for (const [axis, level] of Object.entries(byAxis)) {
      if (!known.has(axis)) throw new RangeError(`${JSON.stringify(axis)} (series ${JSON.stringify(seriesId)}) is not one of this radar's axes`);
      if (!Number.isInteger(level) || level < 0 || level > MAX_LEVEL) {
        throw new RangeError(`level of ${JSON.stringify(seriesId)} on ${JSON.stringify(axis)} must be a whole number from 0 to 4, got ${JSON.stringify(level)}`);
      }
    }
    const has = (/** @type {string} */ id) => Object.prototype.hasOwnProperty.call(byAxis, id);
    const drawn = radarAxes.map((a) => (has(a.id) ? byAxis[a.id] : 0));
    return {
      id: seriesId,
      points: radarAxes.map((a, i) => point(centre, (radius * drawn[i]) / MAX_LEVEL, a.angle)),
      levels: drawn,
      missing: radarAxes.filter((a) => !has(a.id)).map((a) => a.id),
    };
  });

  return { size, centre, radius, axes: radarAxes, rings, series: radarSeries };
}

/** The colour of a series from its place in the board's series list. @param {number} index */
export function seriesColour(index) {
  return SERIES_COLOURS[((index % SERIES_COLOURS.length) + SERIES_COLOURS.length) % SERIES_COLOURS.length];
}

/**
 * Split a label into at most `maxLines` lines of about `maxChars` characters (words kept whole unless one is
 * longer than a line; the last line ends in … when text is left over). Pure.
 * @param {string} text
 * @param {number} maxChars
 * @param {number} [maxLines]
 * @returns {string[]}
 */
export function wrapLabel(text, maxChars, maxLines = 3) {
  /** @type {string[]} */
  const lines = [];
  let current = '';
  for (const word of String(text).split(/\s+/).filter(Boolean)) {
    const candidate = current ? `${current} ${word}` : word;
    if (candidate.length <= maxChars) { current = candidate; continue; }
    if (current) lines.push(current);
    current = word;
    while (current.length > maxChars) { lines.push(current.slice(0, maxChars)); current = current.slice(maxChars); }
  }
  if (current) lines.push(current);
  if (lines.length > maxLines) {
    const last = lines[maxLines - 1];
    lines.length = maxLines;
    lines[maxLines - 1] = `${last.slice(0, Math.max(1, maxChars - 1)).trimEnd()}…`;
  }
  return lines;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * @param {string} tag
 * @param {Record<string, string | number>} [attrs]
 * @param {(Element | null)[]} [children]
 */
function svg(tag, attrs = {}, children = []) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const child of children) if (child) el.append(child);
  return el;
}

/** @param {Point[]} pts */
const pointsAttr = (pts) => pts.map(([x, y]) => `${x},${y}`).join(' ');

/**
 * The web as an SVG picture: spokes, rings 1–4 (level numbers on the first spoke), one translucent polygon
 * per series (its own colour and dash, dots at the vertices), axis labels and a legend.
 * The picture is not the control: it is `role="img"` with a text alternative (`labels.alt`); with `editable`
 * and `onPick`, a click on a spoke near a level reports it (a shortcut for a mouse; the buttons under the
 * chart are the real controls).
 * @param {RadarGeometry} geometry
 * @param {object} options
 * @param {{axes: Record<string, string>, series: Record<string, string>, seriesOrder?: string[], alt?: string,
 *   title?: string}} options.labels  axis id → label, series id → label (every series of the board, in order:
 *   the legend shows them all and their colours follow that order)
 * @param {boolean} [options.editable]
 * @param {(axis: string, level: number) => void} [options.onPick]
 * @returns {SVGSVGElement}
 */
export function radarSvg(geometry, { labels, editable = false, onPick } = /** @type {any} */ ({})) {
  const { size, centre, axes, rings } = geometry;
  const order = labels.seriesOrder ?? Object.keys(labels.series ?? {});
  const legendRows = Math.max(1, order.length);
  const fontPx = Math.max(11, Math.round(size / 28));
  const pad = Math.round(size * 0.07); // room at the sides for the labels of the left and right axes
  const lineH = fontPx * 1.2;
  const legendTop = size * 0.9 - (legendRows - 1) * lineH * 0.5;
  const height = Math.max(size, legendTop + legendRows * lineH + fontPx);
  const root = /** @type {SVGSVGElement} */ (svg('svg', {
    viewBox: `${-pad} 0 ${size + 2 * pad} ${Math.ceil(height)}`,
    class: 'radar',
    role: 'img',
    'aria-label': labels.alt ?? labels.title ?? '',
  }));
  if (labels.title) {
    const title = svg('title');
    title.textContent = labels.title;
    root.append(title);
  }

  const grid = svg('g', { class: 'radar-grid' });
  for (const a of axes) grid.append(svg('line', { x1: centre[0], y1: centre[1], x2: a.end[0], y2: a.end[1], class: 'radar-spoke' }));
  for (const level of LEVEL_RINGS) {
    grid.append(svg('polygon', { points: pointsAttr(rings[String(level)]), class: level === MAX_LEVEL ? 'radar-ring radar-ring-outer' : 'radar-ring' }));
  }
  root.append(grid);

  const colourOf = new Map(order.map((id, i) => [id, i]));
  const shapes = svg('g', { class: 'radar-series' });
  for (const s of geometry.series) {
    const index = colourOf.get(s.id) ?? order.length;
    const colour = seriesColour(index);
    const g = svg('g', { class: 'radar-serie', 'data-series': s.id });
    g.append(svg('polygon', {
      points: pointsAttr(s.points), fill: colour, 'fill-opacity': 0.22, stroke: colour, 'stroke-width': Math.max(2, size / 160),
      'stroke-linejoin': 'round', ...(SERIES_DASHES[index % SERIES_DASHES.length] ? { 'stroke-dasharray': SERIES_DASHES[index % SERIES_DASHES.length] } : {}),
    }));
    for (const [x, y] of s.points) g.append(svg('circle', { cx: x, cy: y, r: Math.max(3, size / 110), fill: colour }));
    shapes.append(g);
  }
  root.append(shapes);

  const ticks = svg('g', { class: 'radar-ticks', 'aria-hidden': 'true' });
  for (const level of LEVEL_RINGS) {
    const [x, y] = rings[String(level)][0];
    const text = svg('text', { x: x - size * 0.015, y: y + fontPx * 0.9, 'text-anchor': 'end', 'font-size': Math.round(fontPx * 0.85) });
    text.textContent = String(level);
    ticks.append(text);
  }
  root.append(ticks);

  const names = svg('g', { class: 'radar-labels' });
  const maxChars = Math.max(8, Math.round(size / fontPx * 0.42));
  for (const a of axes) {
    const lines = wrapLabel(labels.axes?.[a.id] ?? a.id, maxChars, 3);
    const anchor = a.align === 'start' ? 'start' : a.align === 'end' ? 'end' : 'middle';
    const blockH = lineH * lines.length;
    let top = a.baseline === 'bottom' ? a.label_anchor[1] - blockH : a.baseline === 'top' ? a.label_anchor[1] : a.label_anchor[1] - blockH / 2;
    top = Math.max(2, top);
    const text = svg('text', { x: a.label_anchor[0], y: top, 'text-anchor': anchor, 'font-size': fontPx, direction: 'ltr' });
    lines.forEach((line, i) => {
      const span = svg('tspan', { x: a.label_anchor[0], y: round2(top + lineH * (i + 0.8)) });
      span.textContent = line;
      text.append(span);
    });
    names.append(text);
  }
  root.append(names);

  const legend = svg('g', { class: 'radar-legend' });
  order.forEach((id, i) => {
    const y = legendTop + i * lineH;
    const x = size * 0.3;
    legend.append(svg('line', {
      x1: x, y1: y, x2: x + fontPx * 2.4, y2: y, stroke: seriesColour(i), 'stroke-width': Math.max(3, size / 110),
      ...(SERIES_DASHES[i % SERIES_DASHES.length] ? { 'stroke-dasharray': SERIES_DASHES[i % SERIES_DASHES.length] } : {}),
    }));
    const text = svg('text', { x: x + fontPx * 3, y: y + fontPx * 0.35, 'font-size': fontPx, direction: 'ltr' }); // the picture's layout is the same in every language
    text.textContent = labels.series?.[id] ?? id;
    legend.append(text);
  });
  root.append(legend);

  if (editable && onPick) {
    root.classList.add('radar-editable');
    root.addEventListener('click', (event) => {
      const box = root.getBoundingClientRect();
      if (!box.width) return;
      const scale = (size + 2 * pad) / box.width;
      const x = (event.clientX - box.left) * scale - pad;
      const y = (event.clientY - box.top) * scale;
      const hit = pickLevel(geometry, x, y);
      if (hit) onPick(hit.axis, hit.level);
    });
  }
  return root;
}

/**
 * The axis and level nearest to a point of the picture, or null when it is far from every spoke. Pure.
 * @param {RadarGeometry} geometry
 * @param {number} x
 * @param {number} y
 * @returns {{axis: string, level: number} | null}
 */
export function pickLevel(geometry, x, y) {
  const [cx, cy] = geometry.centre;
  const step = geometry.radius / MAX_LEVEL;
  /** @type {{axis: string, level: number, d: number} | null} */
  let best = null;
  for (const a of geometry.axes) {
    for (let level = 0; level <= MAX_LEVEL; level++) {
      const px = cx + (a.end[0] - cx) * level / MAX_LEVEL;
      const py = cy + (a.end[1] - cy) * level / MAX_LEVEL;
      const d = Math.hypot(px - x, py - y);
      if (level === 0) continue; // the centre belongs to every axis: not a pick
      if (!best || d < best.d) best = { axis: a.id, level, d };
    }
  }
  if (!best || best.d > step * 0.5) return null;
  return { axis: best.axis, level: best.level };
}

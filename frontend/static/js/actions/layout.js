// @ts-check
/**
 * The action fresco's layout and drag arithmetic, pure (no DOM; tests/js/actions_timeline.test.mjs): the
 * timeline's range and ticks, where a card goes (lanes are bands; cards that overlap in a lane are stacked
 * into rows), and where a drag or a key press takes a card (snapped to the scale, clamped to the timeline,
 * never leaving a milestone outside the card: the server would refuse it).
 */
import { parseMonth, periodMonths, snap, snapEnd } from './months.js';

/** @typedef {{start: number, end: number, scale: string, period: number, months: number}} Range */
/** @typedef {{id: string, lane: string, start: string, end: string, milestones?: readonly {month: string}[]}} CardLike */

/** The timeline of a board's settings, in month numbers. @param {{timeline: {start: string, end: string, scale: string}}} settings @returns {Range} */
export function rangeOf(settings) {
  const { scale } = settings.timeline;
  const start = parseMonth(settings.timeline.start);
  const end = parseMonth(settings.timeline.end);
  return { start, end, scale, period: periodMonths(scale), months: end - start + 1 };
}

/** A card's span as month numbers. @param {CardLike} a */
export function spanOf(a) {
  return { start: parseMonth(a.start), end: parseMonth(a.end) };
}

/**
 * The width of one month in px: wide enough to read a period's label and to grab a one-period card between
 * its two edge handles, and filling the screen when the timeline is short. `type` is the page's type size
 * against 16 px (larger on a touch table): a one-period card's title then keeps its words whole.
 * @param {string} scale @param {number} months how many months the timeline holds @param {number} available px
 * @param {number} [type]
 */
export function monthWidth(scale, months, available, type = 1) {
  const least = Math.round((scale === 'month' ? 96 : scale === 'quarter' ? 52 : 30) * Math.max(1, type));
  return Math.max(least, Math.floor(available / Math.max(1, months)));
}

/**
 * The ticks: one per period (its first month) and one per year (where a new year starts, or the first).
 * @param {Range} range
 */
export function ticksOf(range) {
  const periods = [];
  for (let m = range.start; m <= range.end; m += range.period) periods.push(m);
  const years = [];
  for (let m = range.start; m <= range.end;) {
    const year = Math.floor(m / 12);
    const next = Math.min(range.end + 1, (year + 1) * 12);
    years.push({ year, start: m, months: next - m });
    m = next;
  }
  return { periods, years };
}

/**
 * Rows inside each lane: cards whose spans overlap go on different rows (first fit, by start then id, so every
 * screen stacks the same way). Cards of an unknown lane go to the first lane.
 * @param {Iterable<CardLike>} actions
 * @param {readonly {id: string}[]} lanes
 * @returns {{row: Map<string, number>, rows: Map<string, number>, laneOf: Map<string, string>}} rows: per lane, at least 1
 */
export function stack(actions, lanes) {
  const known = new Set(lanes.map((l) => l.id));
  /** @type {Map<string, CardLike[]>} */
  const byLane = new Map(lanes.map((l) => [l.id, []]));
  /** @type {Map<string, string>} */
  const laneOf = new Map();
  for (const a of actions) {
    const lane = known.has(a.lane) ? a.lane : lanes[0]?.id;
    if (lane === undefined) continue;
    laneOf.set(a.id, lane);
    /** @type {CardLike[]} */ (byLane.get(lane)).push(a);
  }
  const row = new Map();
  const rows = new Map();
  for (const [lane, cards] of byLane) {
    cards.sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    /** @type {number[]} the last month taken on each row */
    const ends = [];
    for (const card of cards) {
      const { start, end } = spanOf(card);
      let r = ends.findIndex((last) => last < start);
      if (r < 0) {
        r = ends.length;
        ends.push(end);
      } else {
        ends[r] = end;
      }
      row.set(card.id, r);
    }
    rows.set(lane, Math.max(1, ends.length));
  }
  return { row, rows, laneOf };
}

/** @param {CardLike} a @returns {{first: number, last: number} | null} the months of its milestones */
function milestoneSpan(a) {
  const months = (a.milestones ?? []).map((m) => parseMonth(m.month)).filter((m) => !Number.isNaN(m));
  return months.length ? { first: Math.min(...months), last: Math.max(...months) } : null;
}

/**
 * Where a card moved by `periods` whole periods starts (keeping its duration), inside the timeline.
 * @param {CardLike} a @param {number} periods @param {Range} range @returns {number} the new start month
 */
export function movedStart(a, periods, range) {
  const { start, end } = spanOf(a);
  const duration = end - start;
  const wanted = snap(start + periods * range.period, range.scale);
  const latest = snap(range.end - duration, range.scale);
  return Math.max(range.start, Math.min(latest, wanted));
}

/**
 * Where an edge moved by `periods` whole periods goes: a start stays at or before the end's period and at or
 * before the first milestone; an end at or after the start's period and the last milestone; both inside the
 * timeline. Returns the edge's new month (a start: a period's first month; an end: its last).
 * @param {CardLike} a @param {'start' | 'end'} edge @param {number} periods @param {Range} range
 */
export function resizedEdge(a, edge, periods, range) {
  const { start, end } = spanOf(a);
  const ms = milestoneSpan(a);
  if (edge === 'start') {
    const wanted = snap(start + periods * range.period, range.scale);
    const latest = Math.min(snap(end, range.scale), ms ? snap(ms.first, range.scale) : Infinity);
    return Math.max(range.start, Math.min(latest, wanted));
  }
  const wanted = snapEnd(end + periods * range.period, range.scale);
  const earliest = Math.max(snapEnd(start, range.scale), ms ? snapEnd(ms.last, range.scale) : -Infinity);
  return Math.min(range.end, Math.max(earliest, wanted));
}

/**
 * How many whole periods a pointer moved by `dx` px means (rounded to the nearest).
 * @param {number} dx @param {number} monthPx @param {Range} range
 */
export function periodsFor(dx, monthPx, range) {
  const n = Math.round(dx / (monthPx * range.period));
  return n === 0 ? 0 : n; // never -0
}

/** The lane `step` places above (−) or below (+) `lane`, or null at the edge. @param {readonly {id: string}[]} lanes @param {string} lane @param {number} step */
export function laneStep(lanes, lane, step) {
  const i = lanes.findIndex((l) => l.id === lane);
  const j = i + step;
  return i >= 0 && j >= 0 && j < lanes.length ? lanes[j].id : null;
}

/**
 * The period a new card takes: the one holding `today` when the timeline does, else the timeline's first.
 * @param {Range} range @param {number} today a month number
 */
export function newCardSpan(range, today) {
  const inside = today >= range.start && today <= range.end;
  const start = snap(inside ? today : range.start, range.scale);
  return { start, end: snapEnd(start, range.scale) };
}

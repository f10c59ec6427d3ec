// @ts-check
/**
 * The pure parts of a shared touch table and of "follow me" (docs/protocol.md "Acting for someone without a
 * device", `hello.device`, presence `view`, `settings.follow`): what kind of device this is, who a batch is
 * made as, each table member's counts, and the view rectangle maths.
 *
 * Pure: no DOM, no network, no clock (the page passes what it measured).
 */

/** @typedef {'phone' | 'tablet' | 'desktop' | 'screen'} DeviceKind */
/** @typedef {{x: number, y: number, w: number, h: number}} Rect */
/** @typedef {{x: number, y: number, scale: number}} ViewState */

/** A touch screen at least this wide (CSS px) is a room's shared screen. */
export const SCREEN_MIN_WIDTH = 1600;
/** A touch device whose shorter side is under this (CSS px) is a phone. */
export const PHONE_MAX_SHORT_SIDE = 600;

/**
 * What the page tells the server in its hello (`device`), shown on the facilitator's console.
 * @param {{width: number, height: number, touch: boolean, finePointer: boolean, tableMode?: boolean}} d
 *   width / height: the screen's size in CSS px; touch: a coarse pointer is there (`any-pointer: coarse`);
 *   finePointer: the primary pointer is a mouse or a pen (`pointer: fine`); tableMode: the page's table mode
 * @returns {DeviceKind}
 */
export function deviceKind({ width, height, touch, finePointer, tableMode = false }) {
  if (tableMode) return 'screen';
  if (touch && width >= SCREEN_MIN_WIDTH) return 'screen';
  if (touch && !finePointer) return Math.min(width, height) < PHONE_MAX_SHORT_SIDE ? 'phone' : 'tablet';
  return 'desktop';
}

// -- the table ---------------------------------------------------------------------------------------------

/**
 * Who a batch is made as, on a table device: the member who made the item (or thread) it edits or deletes,
 * else the active member. Null when there is nobody to act for (then the device acts as itself).
 * @param {{items: Map<string, {author: string}>, threads: Map<string, {author: string}>}} view
 * @param {{op: string, [key: string]: any}[]} ops
 * @param {ReadonlySet<string>} members the people this device hosts
 * @param {string | null} active
 * @returns {string | null}
 */
export function actingFor(view, ops, members, active) {
  for (const op of ops) {
    let author;
    if (op.op === 'item.update' || op.op === 'item.delete') author = view.items.get(op.id)?.author;
    else if (op.op === 'thread.delete') author = view.threads.get(op.id)?.author;
    if (author && members.has(author)) return author;
  }
  return active && members.has(active) ? active : null;
}

/**
 * What a chip shows about one person: their activities and other cards on the board, their dots.
 * @param {{items: Map<string, {author: string, kind: string}>, votes: Map<string, Map<string, number>>,
 *          settings: {vote_budget: number}}} view
 * @param {string} participant
 */
export function personCounts(view, participant) {
  let activities = 0;
  let cards = 0;
  for (const item of view.items.values()) {
    if (item.author !== participant) continue;
    if (item.kind === 'activity') activities += 1;
    else cards += 1;
  }
  let votesUsed = 0;
  for (const n of view.votes.get(participant)?.values() ?? []) votesUsed += n;
  return { activities, cards, votesUsed, votesLeft: Math.max(0, view.settings.vote_budget - votesUsed) };
}

/**
 * The table's saved state for one board (localStorage), read defensively.
 * @param {unknown} raw
 * @returns {{on: boolean, active: string | null, roomScreen: boolean}}
 */
export function tableState(raw) {
  const r = /** @type {{[key: string]: unknown}} */ (raw && typeof raw === 'object' ? raw : {});
  return {
    on: r.on === true,
    active: typeof r.active === 'string' && r.active ? r.active : null,
    roomScreen: r.roomScreen === true,
  };
}

/**
 * A hosted person from the API's answer, or null. Its colour may be a palette id or a `#rrggbb`.
 * @param {any} raw
 * @returns {{id: string, alias: string, colour: string | null} | null}
 */
export function hostedPerson(raw) {
  if (!raw || typeof raw !== 'object' || typeof raw.id !== 'string' || typeof raw.alias !== 'string') return null;
  if (raw.removed === true) return null; // taken off the workshop by the facilitator
  return { id: raw.id, alias: raw.alias, colour: typeof raw.colour === 'string' ? raw.colour : null };
}

/**
 * The people of `GET /api/workshops/{id}/hosted`: a list, or an object holding one.
 * @param {any} body
 */
export function hostedList(body) {
  const list = Array.isArray(body) ? body : body?.hosted ?? body?.people ?? body?.participants ?? [];
  return (Array.isArray(list) ? list : []).map(hostedPerson).filter((p) => p !== null);
}

// -- follow me ---------------------------------------------------------------------------------------------

const finite = (/** @type {unknown} */ v) => typeof v === 'number' && Number.isFinite(v);
const round2 = (/** @type {number} */ v) => Math.round(v * 100) / 100 || 0; // never -0

/**
 * The world rectangle a viewport shows (what a facilitator sends as presence `view`), rounded to 0.01.
 * @param {ViewState} view
 * @param {number} width the viewport's size in CSS px
 * @param {number} height
 * @returns {Rect}
 */
export function visibleRect(view, width, height) {
  return {
    x: round2(-view.x / view.scale),
    y: round2(-view.y / view.scale),
    w: round2(width / view.scale),
    h: round2(height / view.scale),
  };
}

/** A rectangle one can fit a view to (finite, positive size). @param {any} r @returns {r is Rect} */
export function isRect(r) {
  return Boolean(r) && finite(r.x) && finite(r.y) && finite(r.w) && finite(r.h) && r.w > 0 && r.h > 0;
}

/** Whether two rectangles are the same within `tolerance` world units. @param {Rect | null} a @param {Rect | null} b */
export function sameRect(a, b, tolerance = 0.5) {
  if (!a || !b) return a === b;
  return Math.abs(a.x - b.x) <= tolerance && Math.abs(a.y - b.y) <= tolerance &&
    Math.abs(a.w - b.w) <= tolerance && Math.abs(a.h - b.h) <= tolerance;
}

/**
 * The viewport transform that shows all of `rect`, centred, in a `width`×`height` viewport (the follower's
 * screen is rarely the leader's shape: the rectangle is contained, never cropped, within the zoom limits).
 * @param {Rect} rect
 * @param {number} width
 * @param {number} height
 * @param {{minScale?: number, maxScale?: number}} [limits]
 * @returns {ViewState | null} null when there is nothing to fit
 */
export function fitRect(rect, width, height, { minScale = 0.25, maxScale = 3 } = {}) {
  if (!isRect(rect) || !(width > 0) || !(height > 0)) return null;
  const scale = Math.min(maxScale, Math.max(minScale, Math.min(width / rect.w, height / rect.h)));
  return {
    x: width / 2 - (rect.x + rect.w / 2) * scale,
    y: height / 2 - (rect.y + rect.h / 2) * scale,
    scale,
  };
}

/**
 * Whether this device follows the leader now.
 * @param {{follow: string | null | undefined, me: string, optedOut: boolean, stopped: boolean}} s
 *   follow: `settings.follow`; optedOut: table mode or "room screen"; stopped: the person pressed "Arrêter"
 */
export function follows({ follow, me, optedOut, stopped }) {
  return Boolean(follow) && follow !== me && !optedOut && !stopped;
}

// @ts-check
/**
 * The wire vocabulary of `/ws/boards/{id}` (docs/protocol.md): constants, id making, message and op
 * builders, and the checks that keep a message we send inside what the server's models accept.
 *
 * Pure: no DOM, no network. Its data comes from ./wire.gen.js, generated from backend/fresque/protocol.py and
 * the core's rules; this module keeps the behaviour (backend/fresque/core/text.py's text rule is mirrored).
 */

import {
  ACTION_OPS, ACTION_PHASES, FACILITATING, ID_PATTERN, KINDS, MAX_FRAME_BYTES, MAX_OPS, MAX_TEXT, OP_FIELDS,
  OP_ID_PATTERN, PHASES, PROTOCOL_VERSION, SERVER_SHAPES, SEVERITIES, SPECS, THREAD_PAIRS,
} from './wire.gen.js';

// The wire's data (kinds, limits, patterns, phases, op fields…) is generated from the server's models into
// wire.gen.js; re-exported here so that pages import the protocol from one place.
export {
  ACTION_LISTS, ACTION_PHASES, ACTION_SCALES, CHOICE_ID_PATTERN, CLOSE_CODES, DAYS, DEVICES, ERROR_CODES,
  FACILITATING, ID_PATTERN, KINDS, MAX_FRAME_BYTES, MAX_OPS, MAX_TEXT, MAX_TITLE, MAX_VOTE_BUDGET, MONTH_PATTERN,
  OP_ID_PATTERN, PHASES, PROTOCOL_VERSION, REF_PATTERN, REJECT_CODES, SEVERITIES, SLOTS, TIMER_ACTIONS,
} from './wire.gen.js';

/** @typedef {(typeof KINDS)[number]} Kind */
/** @typedef {(typeof SEVERITIES)[number]} Severity */
/** @typedef {{day: string, slot?: string}} Cell */
/** @typedef {{[key: string]: any, op: string}} Op */
/** @typedef {{type: 'ops', op_id: string, ops: Op[], as?: string}} OpsMessage */


/** Threads read left to right: what I do → where it goes digital → what is hard → what would help. */
const THREAD_PAIR_SET = new Set(/** @type {readonly string[]} */ (THREAD_PAIRS));

/** The id prefix of each kind: ids stay readable in logs and exports (a client's convention: by hand). */
export const ID_PREFIX = /** @type {const} */ ({
  activity: 'act', difficulty: 'dif', touchpoint: 'tp', solution: 'sol', note: 'note', thread: 'th',
});

// -- ids ---------------------------------------------------------------------------------------------------

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `count` random base62 characters, without modulo bias (bytes ≥ 248 = 4 × 62 are drawn again). */
function randomBase62(/** @type {number} */ count) {
  let out = '';
  const bytes = new Uint8Array(count * 2);
  while (out.length < count) {
    globalThis.crypto.getRandomValues(bytes);
    for (const b of bytes) {
      if (b < 248 && out.length < count) out += BASE62[b % 62];
    }
  }
  return out;
}

/**
 * A fresh id for an item or a thread: `${prefix}-` + 16 base62 characters (95 bits: no collision in
 * practice, which matters because ids are never reused on a board, even after a delete).
 * @param {string} prefix
 */
export function newId(prefix) {
  const id = `${prefix}-${randomBase62(16)}`;
  if (!ID_PATTERN.test(id)) throw new TypeError(`bad id prefix ${JSON.stringify(prefix)}`);
  return id;
}

/** A fresh item id for a kind, e.g. `act-…` (threads: `newId(ID_PREFIX.thread)`). @param {Kind} kind */
export function newItemId(kind) {
  return newId(ID_PREFIX[kind] ?? 'item');
}

/** A short id for this tab; op_ids are `${clientId}:${counter}`. */
export function newClientId() {
  return `tab-${randomBase62(8)}`;
}

/** Whether a thread may go from an item of `sourceKind` to one of `targetKind`. */
export function threadAllowed(/** @type {string} */ sourceKind, /** @type {string} */ targetKind) {
  return THREAD_PAIR_SET.has(`${sourceKind}>${targetKind}`);
}

/** The kinds a thread may start or end at (every kind of a thread pair: not a note). */
const THREADED_KINDS = new Set(/** @type {readonly string[]} */ (THREAD_PAIRS).flatMap((pair) => pair.split('>')));

/** Whether an item of `kind` may be at either end of some thread. @param {string} kind */
export function threadable(kind) {
  return THREADED_KINDS.has(kind);
}

// -- text --------------------------------------------------------------------------------------------------

/**
 * Null when the server's text rule accepts `text`, else its reject code. Length is counted in code points,
 * as Python counts; NUL and other C0 controls (tab and newline are fine), DEL and lone surrogates are refused.
 * @param {string} text
 * @param {number} [max]
 * @returns {null | 'text_too_long' | 'text_invalid'}
 */
export function checkText(text, max = MAX_TEXT) {
  let length = 0;
  for (const _ of text) length += 1; // iterates code points; a lone surrogate counts as one, like Python
  if (length > max) return 'text_too_long';
  return badChar(text) ? 'text_invalid' : null;
}

/** True when `text` holds a character the server refuses (control, DEL or lone surrogate). */
function badChar(/** @type {string} */ text) {
  // \p{Cs} on a string iterated in unicode mode only matches unpaired surrogates.
  return /[\u0000-\u0008\u000B-\u001F\u007F]|\p{Cs}/u.test(text);
}

/**
 * Makes pasted text acceptable: line breaks become `\n`, other controls go, lone surrogates become U+FFFD.
 * Length is left alone (cutting text silently would lose words: the UI should say it is too long).
 * @param {string} text
 */
export function normalizeText(text) {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u0000-\u0008\u000B-\u001F\u007F]/g, '')
    .replace(/\p{Cs}/gu, '\uFFFD');
}

// -- messages we send --------------------------------------------------------------------------------------

/**
 * @param {string} clientId
 * @param {number | null} lastSeq the last seq this client saw; null on a first visit
 * @param {'phone' | 'tablet' | 'desktop' | 'screen' | null} [device] what this page runs on (core/table.js deviceKind)
 */
export function hello(clientId, lastSeq, device = null) {
  /** @type {{type: 'hello', protocol: number, client: string, last_seq?: number, device?: string}} */
  const msg = { type: 'hello', protocol: PROTOCOL_VERSION, client: clientId };
  if (lastSeq !== null && lastSeq !== undefined) msg.last_seq = lastSeq;
  if (device) msg.device = device;
  return msg;
}

/**
 * @param {string} opId @param {Op[]} ops
 * @param {string | null} [as] made as this hosted person (a member of a shared table), by their host's device
 * @returns {OpsMessage}
 */
export function opsMessage(opId, ops, as = null) {
  return as ? { type: 'ops', op_id: opId, ops, as } : { type: 'ops', op_id: opId, ops };
}

/**
 * Where my pointer is and what I drag. The server keeps only the newest message per socket and relays it
 * whole, so each message is the full state: leave `cursor` out and others stop seeing it; leave `drag` out
 * (or null: the server treats both alike) and I am not dragging. `view`: the world rectangle I look at, sent by
 * a facilitator while "follow me" is on (the server drops it from anyone else).
 * @param {{cursor?: {x: number, y: number} | null, drag?: {item: string, x: number, y: number} | null,
 *          view?: {x: number, y: number, w: number, h: number} | null}} what
 */
export function presenceMessage({ cursor, drag, view } = {}) {
  /** @type {{type: 'presence', cursor?: {x: number, y: number}, drag?: {item: string, x: number, y: number}, view?: {x: number, y: number, w: number, h: number}}} */
  const msg = { type: 'presence' };
  if (cursor) msg.cursor = { x: cursor.x, y: cursor.y };
  if (drag) msg.drag = { item: drag.item, x: drag.x, y: drag.y };
  if (view) msg.view = { x: view.x, y: view.y, w: view.w, h: view.h };
  return msg;
}

// -- ops ---------------------------------------------------------------------------------------------------

/** A cell as the server stores it: `slot` only when there is one. @param {Cell} cell @returns {Cell} */
export function normalizeCell(cell) {
  return cell.slot == null ? { day: cell.day } : { day: cell.day, slot: cell.slot };
}

/**
 * @param {{id: string, kind: Kind, x: number, y: number, w?: number|null, h?: number|null, ref?: string|null,
 *          cell?: Cell|null, text?: string|null, severity?: Severity|null}} props
 */
export function createItem({ id, kind, x, y, w, h, ref, cell, text, severity }) {
  /** @type {Op} */
  const op = { op: 'item.create', id, kind, x, y };
  const optional = { w, h, ref, cell: cell == null ? cell : normalizeCell(cell), text, severity };
  for (const [key, value] of Object.entries(optional)) if (value != null) op[key] = value;
  return op;
}

/**
 * Sets some properties; a value of null clears that property (`cell: null` takes an item off the grid).
 * @param {string} id
 * @param {{[key: string]: any}} set
 */
export function updateItem(id, set) {
  /** @type {{[key: string]: any}} */
  const patch = {};
  for (const [key, value] of Object.entries(set)) {
    if (value === undefined) continue;
    patch[key] = key === 'cell' && value !== null ? normalizeCell(value) : value;
  }
  return { op: 'item.update', id, set: patch };
}

export const deleteItem = (/** @type {string} */ id) => ({ op: 'item.delete', id });
export const createThread = (/** @type {string} */ id, /** @type {string} */ source, /** @type {string} */ target) =>
  ({ op: 'thread.create', id, source, target });
export const deleteThread = (/** @type {string} */ id) => ({ op: 'thread.delete', id });
export const addVote = (/** @type {string} */ item) => ({ op: 'vote.add', item });
export const removeVote = (/** @type {string} */ item) => ({ op: 'vote.remove', item });

/**
 * Facilitating roles only. Fields left undefined are not sent; `phase`, `spotlight` may be null (clears them).
 * @param {{title?: string|null, vote_budget?: number|null, phases?: string[], phase?: string|null,
 *          locked?: boolean, votes_hidden?: boolean, private?: boolean, spotlight?: string|null,
 *          follow?: boolean}} settings
 */
export function updateBoard(settings) {
  /** @type {Op} */
  const op = { op: 'board.update' };
  if (settings.title != null) op.title = settings.title;
  if (settings.vote_budget != null) op.vote_budget = settings.vote_budget;
  if (settings.phases != null) op.phases = [...settings.phases];
  for (const key of /** @type {const} */ (['phase', 'spotlight'])) {
    if (settings[key] !== undefined) op[key] = settings[key];
  }
  for (const key of /** @type {const} */ (['locked', 'votes_hidden', 'private', 'follow'])) {
    if (settings[key] != null) op[key] = settings[key];
  }
  return op;
}

// -- facilitation (docs/protocol.md "Facilitation") ---------------------------------------------------------

/** Whether a role facilitates (backend/fresque/roles.py FACILITATING). */
export const facilitates = (/** @type {string | null | undefined} */ role) =>
  FACILITATING.includes(/** @type {any} */ (role));

/**
 * Whether a person may move, edit or delete an item made by `author` (the server's rule, access.py: only
 * its author; the table's members count as one's own, since a table device sends as them; a facilitating
 * role may change anything). The phase and the lock are another matter (board/phase.js `refusal`).
 * @param {string | null | undefined} author
 * @param {{me: string, role?: string | null, members?: {has(id: string): boolean}}} who
 */
export function mayChange(author, { me, role, members }) {
  if (facilitates(role)) return true;
  return Boolean(author) && (author === me || Boolean(members?.has(/** @type {string} */ (author))));
}

/**
 * The timer: `start` (seconds 1–36000), `pause`, `resume`, `add` (seconds −3600…3600, not 0), `clear`.
 * The server stamps the time (`at`); a client never sends it.
 * @param {'start'|'pause'|'resume'|'add'|'clear'} action
 * @param {number} [seconds]
 */
export function setTimer(action, seconds) {
  /** @type {Op} */
  const op = { op: 'timer.set', action };
  if (seconds !== undefined) op.seconds = seconds;
  return op;
}

/** Moderation: hide an item from everyone but the facilitators, or show it again. */
export const hideItem = (/** @type {string} */ id, /** @type {boolean} */ hidden) => ({ op: 'item.hide', id, hidden });
/** Two cards of one kind become one: `drop`'s threads and dots move to `keep`, then `drop` goes. */
export const mergeItems = (/** @type {string} */ keep, /** @type {string} */ drop) => ({ op: 'item.merge', keep, drop });

// -- what the server's models accept -----------------------------------------------------------------------
// A message the models refuse gets an `error` that names no op_id: a pending batch like that would be resent
// after every reconnect, forever. So the store refuses to queue one (rule violations, answered by a
// `reject`, are left to the server). These checks mirror the pydantic models of backend/fresque/protocol.py.

const isNum = (/** @type {unknown} */ v, /** @type {number} */ lo, /** @type {number} */ hi) =>
  typeof v === 'number' && Number.isFinite(v) && v >= lo && v <= hi;
const isInt = (/** @type {unknown} */ v, /** @type {number} */ lo, /** @type {number} */ hi) =>
  Number.isInteger(v) && /** @type {number} */ (v) >= lo && /** @type {number} */ (v) <= hi;
const isStr = (/** @type {unknown} */ v, /** @type {RegExp} */ re) => typeof v === 'string' && re.test(v);
const isObj = (/** @type {unknown} */ v) => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string of `min` to `max` code points (as Python counts) and no lone surrogate (the parser's text_invalid). */
function isText(/** @type {unknown} */ v, max = Infinity, min = 0) {
  if (typeof v !== 'string' || /\p{Cs}/u.test(v)) return false;
  let n = 0;
  for (const _ of v) n += 1;
  return n >= min && n <= max;
}

/**
 * Whether `v` is a value of the spec `name` (wire.gen.js SPECS: each kind of field of the server's models).
 * @param {string} name @param {unknown} v @returns {boolean}
 */
function fits(name, v) {
  const spec = SPECS[name];
  const lo = spec.min ?? -Infinity;
  const hi = spec.max ?? Infinity;
  switch (spec.type) {
    case 'enum': return /** @type {readonly unknown[]} */ (spec.values).includes(v);
    case 'boolean': return typeof v === 'boolean';
    case 'number': return isNum(v, lo, hi);
    case 'integer': return isInt(v, lo, hi);
    case 'string': return isText(v, hi, Math.max(lo, 0)) && (!spec.pattern || spec.pattern.test(/** @type {string} */ (v)));
    case 'array': return Array.isArray(v) && v.length >= lo && v.length <= hi && v.every((item) => fits(/** @type {string} */ (spec.items), item));
    case 'model': return isObj(v) && closed(/** @type {object} */ (v), /** @type {Record<string, string>} */ (spec.fields)) === null;
    case 'object': {
      if (!isObj(v)) return false;
      const keys = Object.keys(/** @type {object} */ (v));
      return keys.length >= lo && keys.length <= hi && keys.every((k) => k.length <= (spec.key_max ?? Infinity));
    }
    default: throw new TypeError(`no check for spec ${name} (${spec.type})`);
  }
}

/**
 * Null when every key of `obj` is known and well typed and every required one is there, else the problem.
 * @param {{[key: string]: any}} obj
 * @param {Record<string, string>} fields
 */
function closed(obj, fields) {
  for (const [key, value] of Object.entries(obj)) {
    if (value === undefined) continue; // JSON.stringify leaves it out
    const spec = fields[key];
    if (spec === undefined) return `unknown field ${key}`;
    const mark = spec.at(-1);
    if (value === null && mark !== '!') continue;
    if (!fits(mark === '!' || mark === '~' ? spec.slice(0, -1) : spec, value)) return `bad ${key}`;
  }
  for (const [key, spec] of Object.entries(fields)) {
    if ((spec.endsWith('!') || spec.endsWith('~')) && obj[key] === undefined) return `missing ${key}`;
  }
  return null;
}

// Which ops each board kind takes (another's is a `wrong_board`): an action fresco shares the votes, the timer
// and the settings with an exploration board (backend/fresque/changes.py `_apply_action_op`).
const SHARED_OPS = ['vote.add', 'vote.remove', 'timer.set', 'board.update'];
const EXPLORATION_OPS = new Set(Object.keys(OP_FIELDS).filter((name) => !(/** @type {readonly string[]} */ (ACTION_OPS)).includes(name)));
const ACTION_BOARD_OPS = new Set([...ACTION_OPS, ...SHARED_OPS]);

/**
 * Null when the server's models would accept `op` on a board taking `ops`, else what is wrong with it. Beyond
 * the models, a few of the board's rules the page can see are checked too (timer seconds, the board's
 * phases, a move going somewhere).
 * @param {unknown} op @param {Set<string>} ops @param {readonly string[]} phases
 */
function problemOn(op, ops, phases) {
  if (!isObj(op)) return 'an op is an object';
  const o = /** @type {Op} */ (op);
  if (!ops.has(o.op)) return `unknown op ${JSON.stringify(o.op)}`;
  const { op: _name, ...fields } = o;
  const problem = closed(fields, OP_FIELDS[o.op]) ?? timerProblem(o) ?? phaseProblem(o, phases) ??
    (o.op === 'action.move' && o.lane == null && o.start == null ? 'a move names a lane or a start' : null);
  return problem && `${o.op}: ${problem}`;
}

/** Null when the server's models would accept this op on an exploration board, else what is wrong. @param {unknown} op */
export const opProblem = (op) => problemOn(op, EXPLORATION_OPS, PHASES);

/** A board's phases are its kind's, each at most once (`invalid_phase`). @param {Op} o @param {readonly string[]} phases */
function phaseProblem(o, phases) {
  if (o.op !== 'board.update') return null;
  if (o.phase != null && !phases.includes(o.phase)) return 'bad phase';
  const list = o.phases;
  if (list != null && (new Set(list).size !== list.length || !list.every((/** @type {string} */ p) => phases.includes(p)))) {
    return 'bad phases';
  }
  return null;
}

/** The timer's seconds: required by start (1–36000) and add (±3600, not 0), refused by the others. @param {Op} o */
function timerProblem(o) {
  if (o.op !== 'timer.set') return null;
  const s = o.seconds;
  if (o.action === 'start') return isInt(s, 1, 36_000) ? null : 'start needs seconds 1–36000';
  if (o.action === 'add') return isInt(s, -3600, 3600) && s !== 0 ? null : 'add needs seconds ±3600, not 0';
  return s == null ? null : `${o.action} takes no seconds`;
}

/**
 * Null when the server would parse this `ops` message (model, op count and frame size), else the problem.
 * `check` is the board kind's op check (an exploration board's by default; `actionOpsMessageProblem`).
 * @param {unknown} msg @param {(op: unknown) => string | null | false | undefined} [check]
 */
export function opsMessageProblem(msg, check = opProblem) {
  if (!isObj(msg)) return 'a message is an object';
  const m = /** @type {any} */ (msg);
  if (m.type !== 'ops' || Object.keys(m).some((k) => !['type', 'op_id', 'ops', 'as'].includes(k))) return 'not an ops message';
  if (!isStr(m.op_id, OP_ID_PATTERN)) return 'bad op_id';
  if (m.as !== undefined && !isStr(m.as, ID_PATTERN)) return 'bad as';
  if (!Array.isArray(m.ops) || m.ops.length < 1 || m.ops.length > MAX_OPS) return `an ops message holds 1 to ${MAX_OPS} ops`;
  for (const [i, op] of m.ops.entries()) {
    const problem = check(op);
    if (problem) return `ops[${i}]: ${problem}`;
  }
  const bytes = utf8Length(JSON.stringify(m));
  if (bytes > MAX_FRAME_BYTES) return `${bytes} bytes: a frame holds at most ${MAX_FRAME_BYTES}`;
  return null;
}

const utf8Length = (/** @type {string} */ s) => new TextEncoder().encode(s).length;

/**
 * Splits a long list of ops into batches the server takes (at most MAX_OPS ops and MAX_FRAME_BYTES a frame),
 * keeping their order. All or none then holds per batch only: for bulk work and long undos.
 * @param {Op[]} ops
 * @returns {Op[][]}
 */
export function splitOps(ops) {
  const ENVELOPE = 128; // {"type":"ops","op_id":"<up to 80>","ops":[…]}
  /** @type {Op[][]} */
  const batches = [];
  /** @type {Op[]} */
  let batch = [];
  let bytes = ENVELOPE;
  for (const op of ops) {
    const size = utf8Length(JSON.stringify(op)) + 1;
    if (batch.length && (batch.length >= MAX_OPS || bytes + size > MAX_FRAME_BYTES)) {
      batches.push(batch);
      batch = [];
      bytes = ENVELOPE;
    }
    batch.push(op);
    bytes += size;
  }
  if (batch.length) batches.push(batch);
  return batches;
}

// -- messages we receive -----------------------------------------------------------------------------------

// The fields each server message always has, with their JSON type: wire.gen.js SERVER_SHAPES (from the models).

const jsonType = (/** @type {unknown} */ v) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);

/**
 * Parses one server frame; throws an Error for anything that is not a server message we know.
 * @param {string} text
 * @returns {{type: string, [key: string]: any}}
 */
export function parseServerMessage(text) {
  /** @type {unknown} */
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('server message is not JSON');
  }
  if (!isObj(value)) throw new Error('server message is not a JSON object');
  const msg = /** @type {{type: string, [key: string]: any}} */ (value);
  const shape = Object.hasOwn(SERVER_SHAPES, msg.type) ? SERVER_SHAPES[msg.type] : undefined;
  if (!shape) throw new Error(`unknown server message type ${JSON.stringify(msg.type)}`);
  for (const [key, type] of Object.entries(shape)) {
    if (jsonType(msg[key]) !== type) throw new Error(`${msg.type}.${key} should be ${type}`);
  }
  if (msg.type === 'welcome') {
    const body = msg.resync === 'snapshot' ? msg.snapshot : msg.resync === 'delta' ? msg.changes : undefined;
    if (!(msg.resync === 'snapshot' ? isObj(body) : Array.isArray(body))) throw new Error('welcome without its resync');
    if (typeof msg.you.participant !== 'string') throw new Error('welcome.you.participant should be string');
  }
  return msg;
}

// == action fresco (board kind `actions`, docs/actions.md) ==================================================
// Its ops travel in the same `ops` message. Builders, and the check that keeps a message we send inside what
// the server's models accept (`actionOpsMessageProblem`, the `messageProblem` of js/actions/store.js).

/** A fresh action id. */
export const newActionId = () => newId('action');
/** A fresh milestone id. */
export const newMilestoneId = () => newId('mile');

/**
 * A new card. `fiche` holds fiche fields (title required); `links` the residents' solutions it answers.
 * @param {{id: string, lane: string, start: string, end: string, fiche: {title: string, [key: string]: any},
 *          links?: {board: string, item: string}[] | null}} props
 */
export function createAction({ id, lane, start, end, fiche, links }) {
  /** @type {Op} */
  const op = { op: 'action.create', id, lane, start, end, fiche: { ...fiche } };
  if (links && links.length) op.links = links.map((l) => ({ board: l.board, item: l.item }));
  return op;
}
/** Fiche fields: a value, or null to clear it. @param {string} id @param {{[field: string]: any}} set */
export const updateAction = (id, set) => ({ op: 'action.update', id, set: { ...set } });
/**
 * A card to another lane and/or start (it keeps its duration). @param {string} id
 * @param {{lane?: string | null, start?: string | null}} to
 */
export function moveAction(id, { lane, start }) {
  /** @type {Op} */
  const op = { op: 'action.move', id };
  if (lane != null) op.lane = lane;
  if (start != null) op.start = start;
  return op;
}
/** @param {string} id @param {'start' | 'end'} edge @param {string} month */
export const resizeAction = (id, edge, month) => ({ op: 'action.resize', id, edge, month });
export const deleteAction = (/** @type {string} */ id) => ({ op: 'action.delete', id });
/** @param {string} id @param {string} series @param {string} axis @param {number | null} level 0–4, null clears */
export const setCapability = (id, series, axis, level) => ({ op: 'capability.set', id, series, axis, level });
/** @param {string} id @param {string} milestone @param {string} month @param {string} label */
export const addMilestone = (id, milestone, month, label) => ({ op: 'milestone.add', id, milestone, month, label });
/** @param {string} id @param {string} milestone */
export const removeMilestone = (id, milestone) => ({ op: 'milestone.remove', id, milestone });
/** @param {string} id @param {string} board @param {string} item */
export const linkAction = (id, board, item) => ({ op: 'action.link', id, board, item });
/** @param {string} id @param {string} board @param {string} item */
export const unlinkAction = (id, board, item) => ({ op: 'action.unlink', id, board, item });
/** Which question de travail of the study the action answers (null: none). @param {string} id @param {string | null} question */
export const answerQuestion = (id, question) => ({ op: 'action.question', id, question });
/** @param {'target_groups' | 'organisations'} list @param {string} id @param {string} label */
export const addListEntry = (list, id, label) => ({ op: 'list.add', list, id, label });

/**
 * An action board's `board.update` (facilitating roles only). Fields left undefined are not sent; `phase`,
 * `spotlight` may be null. `timeline` may name some of start, end, scale; the lists are whole lists.
 * @param {{title?: string, vote_budget?: number, phases?: string[], phase?: string | null, locked?: boolean,
 *          votes_hidden?: boolean, spotlight?: string | null, follow?: boolean,
 *          timeline?: {start?: string, end?: string, scale?: string},
 *          lanes?: {id: string, label: string | null}[], axes?: {id: string, label: string | null}[],
 *          series?: {id: string, label: string | null}[], target_groups?: {id: string, label: string | null}[],
 *          organisations?: {id: string, label: string | null}[]}} settings
 */
export function updateActionBoard(settings) {
  /** @type {Op} */
  const op = { op: 'board.update' };
  for (const [key, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    if (value === null && key !== 'phase' && key !== 'spotlight') continue;
    op[key] = Array.isArray(value) ? value.map((v) => (typeof v === 'object' ? { ...v } : v)) : value && typeof value === 'object' ? { ...value } : value;
  }
  return op;
}

/** Null when the server's models would accept this op on an action board, else what is wrong. @param {unknown} op */
export const actionOpProblem = (op) => problemOn(op, ACTION_BOARD_OPS, ACTION_PHASES);

/** Null when the server would parse this `ops` message on an action board, else the problem. @param {unknown} msg */
export const actionOpsMessageProblem = (msg) => opsMessageProblem(msg, actionOpProblem);
// == end of the action fresco block ==========================================================================

// @ts-check
/**
 * The browser's replica of one board.
 *
 * Two layers: the *confirmed* state, rebuilt only from what the server said (a snapshot, then changes and
 * acks in seq order), and the *pending* batches we sent and the server has not answered yet. `view()` is the
 * confirmed state with every pending batch applied on top: what the resident sees at once.
 *
 * The rules below mirror backend/fresque/core/board.py closely enough for that view to be faithful: a pending
 * batch the server would refuse for a reason we can see here (a deleted item, a spent vote budget…) is left
 * out of the view, whole, as the server applies a batch all or none. Catalogue refs are not checked here.
 *
 * Pure: no DOM, no network, no clock.
 */

import {
  DAYS, SLOTS, MAX_TEXT, MAX_TITLE, MAX_VOTE_BUDGET,
  checkText, facilitates, threadAllowed, newClientId, normalizeCell, opsMessage, opsMessageProblem,
} from './protocol.js';
import { BOARD_LIMITS, DEFAULT_SETTINGS, EDITABLE as EDITABLE_FIELDS, ITEM_FIELDS, MAX_TIMER_MS } from './wire.gen.js';

/** @typedef {import('./protocol.js').Op} Op */
/** @typedef {import('./protocol.js').OpsMessage} OpsMessage */
/** @typedef {import('./protocol.js').Cell} Cell */
/**
 * Exactly the server's item dict (core/board.py item_to_dict): absent properties are absent keys.
 * @typedef {{id: string, kind: import('./protocol.js').Kind, author: string, x: number, y: number, w?: number,
 *            h?: number, ref?: string, cell?: Cell, text?: string, severity?: import('./protocol.js').Severity,
 *            hidden?: boolean, round?: number}} Item
 */
/** @typedef {{id: string, source: string, target: string, author: string}} Thread */
/**
 * The board's timer: running while `ends_at` is set (ms since 1970, the server's clock), paused while
 * `remaining` is set (ms).
 * @typedef {{duration: number, ends_at: number | null, remaining: number | null}} Timer
 */
/**
 * Board settings (docs/protocol.md "Facilitation"): frozen, replaced whole on every change.
 * @typedef {{title: string, vote_budget: number, phases: readonly string[], phase: string | null, locked: boolean,
 *            votes_hidden: boolean, private: {active: boolean, round: number}, timer: Timer | null,
 *            spotlight: string | null, follow: string | null}} Settings
 */
/**
 * @typedef {{items: Map<string, Item>, threads: Map<string, Thread>,
 *            votes: Map<string, Map<string, number>>, settings: Settings, deleted: Set<string>}} BoardState
 */
/**
 * What the page draws. A view never changes once made: the next mutation makes a new one. Unchanged items
 * and threads are the same (frozen) objects from one view to the next, so a renderer can diff by identity.
 * @typedef {BoardState & {participant: string | null, version: number}} BoardView
 */

/** A board's most items and threads (core/board.py Limits): generated. */
export const LIMITS = BOARD_LIMITS;

/** A change the rules refuse; `code` is the server's reject code. */
export class RuleError extends Error {
  /** @param {string} code @param {string} [message] */
  constructor(code, message = code) {
    super(message);
    this.code = code;
  }
}

// -- the state and its rules -------------------------------------------------------------------------------

/** An item's keys in the server's order (core/board.py item_to_dict): generated. */
const ITEM_KEYS = ITEM_FIELDS;
/** Fields an update may set, per kind (core/board.py EDITABLE, generated), as sets. */
const EDITABLE = /** @type {Record<string, Set<string>>} */ (Object.fromEntries(
  Object.entries(EDITABLE_FIELDS).map(([kind, names]) => [kind, new Set(names)]),
));

/** The settings of a new board (the server's defaults, generated), a fresh copy. @returns {Settings} */
export function defaultSettings() {
  return JSON.parse(JSON.stringify(DEFAULT_SETTINGS));
}

/**
 * Settings from a snapshot (older snapshots and saved replicas only had title and vote_budget), deep frozen.
 * @param {{[key: string]: any}} raw
 * @returns {Settings}
 */
export function makeSettings(raw) {
  /** @type {{[key: string]: any}} */
  const out = defaultSettings();
  for (const key of Object.keys(out)) if (raw[key] !== undefined) out[key] = raw[key];
  return deepFreeze(JSON.parse(JSON.stringify(out)));
}

/** @returns {BoardState} */
export function emptyState() {
  return { items: new Map(), threads: new Map(), votes: new Map(), settings: makeSettings({}), deleted: new Set() };
}

/**
 * An item in the server's shape: keys in item_to_dict's order, null and undefined left out, frozen.
 * @param {{[key: string]: any}} fields
 * @returns {Item}
 */
function makeItem(fields) {
  /** @type {{[key: string]: any}} */
  const item = {};
  for (const key of ITEM_KEYS) {
    const value = fields[key];
    if (value == null || (key === 'hidden' && value !== true)) continue;
    item[key] = key === 'cell' ? Object.freeze(normalizeCell(value)) : value;
  }
  return /** @type {Item} */ (Object.freeze(item));
}

/** @param {{id: string, source: string, target: string, author: string}} t @returns {Thread} */
const makeThread = (t) => Object.freeze({ id: t.id, source: t.source, target: t.target, author: t.author });

/**
 * A copy to apply changes to. Maps are copied; items, threads and settings are shared (they are frozen and
 * replaced, never edited); the votes' inner maps are copied too because they are edited in place.
 * @param {BoardState} s
 * @returns {BoardState}
 */
export function cloneState(s) {
  const votes = new Map();
  for (const [participant, perItem] of s.votes) votes.set(participant, new Map(perItem));
  return { items: new Map(s.items), threads: new Map(s.threads), votes, settings: s.settings, deleted: new Set(s.deleted) };
}

/**
 * The state from Board.to_snapshot's format (also the `state` of BoardStore.toJSON).
 * @param {{settings: Settings, items: any[], threads: any[], votes: {participant: string, item: string, count: number}[], deleted?: string[]}} snap
 * @returns {BoardState}
 */
export function stateFromSnapshot(snap) {
  const s = emptyState();
  s.settings = makeSettings(snap.settings ?? {});
  for (const raw of snap.items) s.items.set(raw.id, makeItem(raw));
  for (const raw of snap.threads) s.threads.set(raw.id, makeThread(raw));
  for (const { participant, item, count } of snap.votes) {
    if (!s.votes.has(participant)) s.votes.set(participant, new Map());
    /** @type {Map<string, number>} */ (s.votes.get(participant)).set(item, count);
  }
  for (const id of snap.deleted ?? []) s.deleted.add(id);
  return s;
}

/**
 * The state in Board.to_snapshot's format, in the maps' order (the order things were added: the renderer's
 * stacking order, which a reload should keep).
 * @param {BoardState} s
 */
export function stateToSnapshot(s) {
  return {
    settings: JSON.parse(JSON.stringify(s.settings)),
    items: [...s.items.values()].map((item) => ({ ...item, ...(item.cell && { cell: { ...item.cell } }) })),
    threads: [...s.threads.values()].map((t) => ({ ...t })),
    votes: [...s.votes].flatMap(([participant, perItem]) =>
      [...perItem].map(([item, count]) => ({ participant, item, count }))),
    deleted: [...s.deleted],
  };
}

/** @typedef {(() => void)[]} Journal  how to take back each mutation, newest last */

/**
 * Set or (with `undefined`) remove a key, noting how to take it back.
 * @template K, V
 * @param {Map<K, V>} map @param {K} key @param {V | undefined} value @param {Journal | null} journal
 */
export function put(map, key, value, journal) {
  const had = map.has(key);
  const old = map.get(key);
  if (value === undefined) map.delete(key);
  else map.set(key, value);
  journal?.push(() => (had ? map.set(key, /** @type {V} */ (old)) : map.delete(key)));
}

/**
 * A participant's dots on one card (either kind of board), noting how to take it back.
 * @param {{votes: Map<string, Map<string, number>>}} s @param {string} participant @param {string} item
 * @param {number} count @param {Journal | null} journal
 */
export function setVotes(s, participant, item, count, journal) {
  let perItem = s.votes.get(participant);
  if (!perItem) {
    perItem = new Map();
    put(s.votes, participant, perItem, journal);
  }
  put(perItem, item, count > 0 ? count : undefined, journal);
  if (perItem.size === 0) put(s.votes, participant, undefined, journal);
}

/** @param {BoardState} s @param {string} id @param {Journal | null} journal */
function retire(s, id, journal) {
  if (s.deleted.has(id)) return;
  s.deleted.add(id);
  journal?.push(() => s.deleted.delete(id));
}

/** @param {BoardState} s @param {string} id */
function liveItem(s, id) {
  const item = s.items.get(id);
  if (item) return item;
  if (s.deleted.has(id)) throw new RuleError('item_deleted', `item ${id} was deleted`);
  throw new RuleError('item_missing', `no item ${id} on this board`);
}

/** @param {BoardState} s @param {string} id */
function checkFreeId(s, id) {
  if (s.items.has(id) || s.threads.has(id)) throw new RuleError('id_exists');
  if (s.deleted.has(id)) throw new RuleError('id_reused');
}

/** core/board.py `_check_item`, in its order, minus the catalogue lookup of `ref`. @param {Item} item */
function checkItem(item) {
  const allowed = EDITABLE[item.kind];
  if (!allowed) throw new RuleError('invalid_kind');
  for (const name of /** @type {const} */ (['cell', 'text', 'severity'])) {
    if (item[name] != null && !allowed.has(name)) throw new RuleError('field_not_allowed');
  }
  if (item.kind === 'note' && item.ref != null) throw new RuleError('field_not_allowed');
  if (item.kind !== 'note' && item.kind !== 'solution' && item.ref == null) throw new RuleError('ref_required');
  if (item.cell && (!DAYS.includes(/** @type {any} */ (item.cell.day)) ||
      (item.cell.slot != null && !SLOTS.includes(/** @type {any} */ (item.cell.slot))))) {
    throw new RuleError('invalid_cell');
  }
  if (item.text != null) {
    const code = checkText(item.text, MAX_TEXT);
    if (code) throw new RuleError(code);
  }
  if (item.kind === 'difficulty' && item.severity == null) throw new RuleError('severity_required');
  if (item.kind === 'note' && !item.text) throw new RuleError('text_required');
  if (item.kind === 'solution' && item.ref == null && !item.text) throw new RuleError('text_required');
}

/**
 * How strictly to apply. `strict: false` is for what the server already accepted: only what cannot be done
 * at all (an update of an item we do not have) fails. `strict: true` checks the rules, for the optimistic view.
 * `now` is the server's time by our clock (ms since 1970): a timer op we sent has no `at` (the server stamps
 * it), so the view, and the confirmed state at its ack, use this instead.
 * @typedef {{strict: boolean, role?: string | null, now?: number}} Mode
 */
export const TRUSTED = Object.freeze({ strict: false });
export const CHECKED = Object.freeze({ strict: true });

/**
 * Apply one op. Throws a RuleError, with the state untouched, when it does not apply; every check comes
 * before the first mutation so that this holds without a journal.
 * @param {BoardState} s
 * @param {Op} op
 * @param {string | null} author
 * @param {Mode} mode
 * @param {Journal | null} [journal]
 */
export function applyOp(s, op, author, mode, journal = null) {
  const strict = mode.strict;
  const who = author ?? '';
  switch (op.op) {
    case 'item.create': {
      const round = s.settings.private.active ? s.settings.private.round : undefined;
      const item = makeItem({ round, ...op, author: who });
      if (strict) {
        checkFreeId(s, op.id);
        if (s.items.size >= LIMITS.maxItems) throw new RuleError('board_full');
        checkItem(item);
      }
      put(s.items, op.id, item, journal);
      return;
    }
    case 'item.update': {
      const old = liveItem(s, op.id);
      /** @type {{[key: string]: any}} */
      const next = { ...old };
      const set = Object.entries(op.set ?? {}).filter(([, value]) => value !== undefined);
      if (strict) { // in core/board.py's order: every unknown field first, then the position
        if (set.some(([key]) => !EDITABLE[old.kind]?.has(key))) throw new RuleError('field_not_allowed');
        if (set.some(([key, value]) => value === null && (key === 'x' || key === 'y'))) throw new RuleError('field_required');
      }
      for (const [key, value] of set) next[key] = value;
      const item = makeItem(next);
      if (strict) checkItem(item);
      put(s.items, op.id, item, journal);
      return;
    }
    case 'item.delete': {
      liveItem(s, op.id);
      for (const thread of [...s.threads.values()]) {
        if (thread.source === op.id || thread.target === op.id) {
          put(s.threads, thread.id, undefined, journal);
          retire(s, thread.id, journal);
        }
      }
      for (const [participant, perItem] of [...s.votes]) {
        if (perItem.has(op.id)) setVotes(s, participant, op.id, 0, journal);
      }
      put(s.items, op.id, undefined, journal);
      retire(s, op.id, journal);
      if (s.settings.spotlight === op.id) setSettings(s, { spotlight: null }, journal);
      return;
    }
    case 'thread.create': {
      if (strict) {
        checkFreeId(s, op.id);
        if (op.source === op.target) throw new RuleError('thread_to_self');
        if (s.threads.size >= LIMITS.maxThreads) throw new RuleError('board_full');
        const source = liveItem(s, op.source);
        const target = liveItem(s, op.target);
        if (!threadAllowed(source.kind, target.kind)) throw new RuleError('thread_not_allowed');
        for (const t of s.threads.values()) {
          if (t.source === op.source && t.target === op.target) throw new RuleError('thread_exists');
        }
      }
      put(s.threads, op.id, makeThread({ id: op.id, source: op.source, target: op.target, author: who }), journal);
      return;
    }
    case 'thread.delete': {
      if (!s.threads.has(op.id)) {
        throw new RuleError(s.deleted.has(op.id) ? 'thread_deleted' : 'thread_missing');
      }
      put(s.threads, op.id, undefined, journal);
      retire(s, op.id, journal);
      return;
    }
    case 'vote.add': {
      const item = liveItem(s, op.item);
      if (strict && item.kind !== 'solution') throw new RuleError('not_votable');
      if (strict && votesUsed(s, who) >= s.settings.vote_budget) throw new RuleError('vote_budget_exceeded');
      setVotes(s, who, op.item, (s.votes.get(who)?.get(op.item) ?? 0) + 1, journal);
      return;
    }
    case 'vote.remove': {
      liveItem(s, op.item);
      const current = s.votes.get(who)?.get(op.item) ?? 0;
      if (current === 0) throw new RuleError('no_vote');
      setVotes(s, who, op.item, current - 1, journal);
      return;
    }
    case 'board.update': {
      if (strict) {
        if (mode.role && !facilitates(mode.role)) throw new RuleError('forbidden');
        if (op.title != null) {
          const code = checkText(op.title, MAX_TITLE);
          if (code) throw new RuleError(code);
          if (!op.title.trim()) throw new RuleError('text_required');
        }
        if (op.vote_budget != null && !(op.vote_budget >= 0 && op.vote_budget <= MAX_VOTE_BUDGET)) {
          throw new RuleError('invalid_budget');
        }
        if (op.spotlight != null) liveItem(s, op.spotlight);
      }
      const old = s.settings;
      /** @type {{[key: string]: any}} */
      const next = { ...old };
      if (op.title != null) next.title = op.title;
      if (op.vote_budget != null) next.vote_budget = op.vote_budget;
      if (op.phases != null) next.phases = op.phases;
      if (op.phase !== undefined) next.phase = op.phase;
      // core/board.py: the phase must be one of the phases (a change of phases keeping an old phase is refused)
      if (strict && next.phase !== null && !next.phases.includes(next.phase)) throw new RuleError('invalid_phase');
      if (op.locked != null) next.locked = op.locked;
      if (op.votes_hidden != null) next.votes_hidden = op.votes_hidden;
      if (op.private === true && !old.private.active) next.private = { active: true, round: old.private.round + 1 };
      if (op.private === false) next.private = { active: false, round: old.private.round };
      if (op.spotlight !== undefined) next.spotlight = op.spotlight;
      if (op.follow != null) next.follow = op.follow ? who : null;
      s.settings = makeSettings(next);
      journal?.push(() => { s.settings = old; });
      return;
    }
    case 'timer.set': {
      if (strict && mode.role && !facilitates(mode.role)) throw new RuleError('forbidden');
      const old = s.settings;
      const timer = nextTimer(old.timer, op, op.at ?? mode.now ?? null);
      s.settings = makeSettings({ ...old, timer });
      journal?.push(() => { s.settings = old; });
      return;
    }
    case 'item.hide': {
      if (strict && mode.role && !facilitates(mode.role)) throw new RuleError('forbidden');
      const old = liveItem(s, op.id);
      put(s.items, op.id, makeItem({ ...old, hidden: op.hidden }), journal);
      return;
    }
    case 'item.merge': {
      if (strict && mode.role && !facilitates(mode.role)) throw new RuleError('forbidden');
      const keep = liveItem(s, op.keep);
      const drop = liveItem(s, op.drop);
      if (keep.id === drop.id || keep.kind !== drop.kind || keep.kind === 'activity') {
        throw new RuleError('merge_not_allowed');
      }
      mergeInto(s, keep.id, drop.id, journal);
      return;
    }
    default:
      throw new RuleError('unknown_op');
  }
}

/**
 * The timer after a `timer.set` at `at` (the server's time). Throws the server's reject codes.
 * @param {Timer | null} timer @param {Op} op @param {number | null} at
 * @returns {Timer | null}
 */
export function nextTimer(timer, op, at) {
  if (op.action === 'add' && op.seconds === 0) throw new RuleError('invalid_timer');
  if (op.action === 'clear') {
    if (!timer) throw new RuleError('no_timer');
    return null;
  }
  if (op.action === 'start') {
    const ms = op.seconds * 1000;
    return at === null ? { duration: ms, ends_at: null, remaining: ms } : { duration: ms, ends_at: at + ms, remaining: null };
  }
  if (!timer) throw new RuleError(op.action === 'add' ? 'no_timer' : op.action === 'pause' ? 'timer_not_running' : 'timer_not_paused');
  const running = timer.ends_at !== null;
  if (op.action === 'pause') {
    if (!running) throw new RuleError('timer_not_running');
    return { duration: timer.duration, ends_at: null, remaining: Math.max(0, /** @type {number} */ (timer.ends_at) - (at ?? 0)) };
  }
  if (op.action === 'resume') {
    if (running) throw new RuleError('timer_not_paused');
    const left = timer.remaining ?? 0;
    return at === null ? { ...timer } : { duration: timer.duration, ends_at: at + left, remaining: null };
  }
  if (op.action === 'add') {
    const ms = op.seconds * 1000;
    const duration = Math.min(MAX_TIMER_MS, Math.max(0, timer.duration + ms));
    if (running) return { duration, ends_at: Math.max(at ?? 0, /** @type {number} */ (timer.ends_at) + ms), remaining: null };
    return { duration, ends_at: null, remaining: Math.max(0, (timer.remaining ?? 0) + ms) };
  }
  throw new RuleError('invalid_message');
}

/**
 * What is left on a timer at `now` (the server's time, ms): null without a timer; never below 0.
 * @param {Timer | null | undefined} timer @param {number} now
 * @returns {{left: number, running: boolean, done: boolean} | null}
 */
export function timerLeft(timer, now) {
  if (!timer) return null;
  if (timer.ends_at === null) {
    const left = Math.max(0, timer.remaining ?? 0);
    return { left, running: false, done: left === 0 };
  }
  const left = Math.max(0, timer.ends_at - now);
  return { left, running: left > 0, done: left === 0 };
}

/**
 * `item.merge`: the drop's threads and dots go to the keep (a thread that would double one of keep's, or tie
 * keep to itself, goes), then the drop is deleted.
 * @param {BoardState} s @param {string} keep @param {string} drop @param {Journal | null} journal
 */
function mergeInto(s, keep, drop, journal) {
  // core/board.py merge_items, in its order: the drop's threads by id, each deleted then made again (so it
  // moves to the end, as on the server) unless it would double one of keep's; then the dots; then the drop.
  const moving = [...s.threads.values()].filter((t) => t.source === drop || t.target === drop)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const thread of moving) {
    const source = thread.source === drop ? keep : thread.source;
    const target = thread.target === drop ? keep : thread.target;
    put(s.threads, thread.id, undefined, journal);
    const doubled = source === target || [...s.threads.values()].some((t) => t.source === source && t.target === target);
    if (doubled) retire(s, thread.id, journal);
    else put(s.threads, thread.id, makeThread({ ...thread, source, target }), journal);
  }
  for (const participant of [...s.votes.keys()].sort()) {
    const n = s.votes.get(participant)?.get(drop) ?? 0;
    if (!n) continue;
    setVotes(s, participant, keep, (s.votes.get(participant)?.get(keep) ?? 0) + n, journal);
    setVotes(s, participant, drop, 0, journal);
  }
  if (s.settings.spotlight === drop) setSettings(s, { spotlight: keep }, journal);
  put(s.items, drop, undefined, journal);
  retire(s, drop, journal);
}

/** @param {BoardState} s @param {{[key: string]: any}} changes @param {Journal | null} journal */
function setSettings(s, changes, journal) {
  const old = s.settings;
  s.settings = makeSettings({ ...old, ...changes });
  journal?.push(() => { s.settings = old; });
}

/**
 * Apply a batch. Checked: all or none, like the server (false, state untouched, when one op fails).
 * Trusted: op by op, skipping what cannot be done (returns false if anything was skipped).
 * @param {BoardState} s @param {Op[]} ops @param {string | null} author @param {Mode} mode
 */
export function applyBatch(s, ops, author, mode) {
  return applyBatchWith(applyOp, s, ops, author, mode);
}

/**
 * `applyBatch` for any kind of board, given how that kind applies one op (js/actions/store.js's too).
 * @template S, O
 * @param {(s: S, op: O, author: string | null, mode: Mode, journal: Journal | null) => unknown} applyOne
 * @param {S} s @param {O[]} ops @param {string | null} author @param {Mode} mode
 */
export function applyBatchWith(applyOne, s, ops, author, mode) {
  /** @type {Journal} */
  const journal = [];
  let whole = true;
  for (const op of ops) {
    try {
      applyOne(s, op, author, mode, mode.strict ? journal : null);
    } catch (error) {
      if (!(error instanceof RuleError)) throw error;
      whole = false;
      if (mode.strict) {
        for (const undo of journal.reverse()) undo();
        return false;
      }
    }
  }
  return whole;
}

/**
 * How a BoardStore reads snapshots and applies batches: by default the exploration board's rules above; another
 * kind of board brings its own (js/actions/store.js), with the same replica around them.
 * @typedef {{empty: () => any, fromSnapshot: (snap: any) => any, toSnapshot: (s: any) => any, clone: (s: any) => any,
 *            applyBatch: (s: any, ops: Op[], author: string | null, mode: Mode) => boolean,
 *            messageProblem: (msg: unknown) => string | null}} Rules
 */
/** @type {Rules} */
export const EXPLORATION_RULES = Object.freeze({
  empty: emptyState, fromSnapshot: stateFromSnapshot, toSnapshot: stateToSnapshot, clone: cloneState, applyBatch,
  messageProblem: opsMessageProblem,
});

/** Dots `participant` has put on this board. @param {BoardState} s @param {string | null} participant */
export function votesUsed(s, participant) {
  let used = 0;
  for (const count of s.votes.get(participant ?? '')?.values() ?? []) used += count;
  return used;
}

// -- the replica -------------------------------------------------------------------------------------------

const FORMAT = 1; // of toJSON's output: bump it when it changes, and old saved stores are dropped

/** @param {any} value */
function deepFreeze(value) {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

export class BoardStore {
  /**
   * @param {{participant?: string | null, clientId?: string, clock?: () => number, rules?: Rules}} [options] `clock`: this
   *   device's time in ms since 1970 (Date.now by default; tests pass their own); `rules`: the board kind's
   *   (the exploration board's by default)
   */
  constructor({ participant = null, clientId = newClientId(), clock = () => Date.now(), rules = EXPLORATION_RULES } = {}) {
    this.clock = clock;
    this.rules = rules;
    /** The server's clock minus ours (ms), from the welcome's `server_time`. */
    this.clockOffset = 0;
    /** @type {string | null} */
    this._participant = participant;
    /** Op ids are `${clientId}:${counter}`, unique per participant and board. */
    this.clientId = clientId;
    this.counter = 0;
    /** @type {number | null} the last seq confirmed by the server */
    this.seq = null;
    /**
     * Set when the server confirmed at a seq something we could not have seen (a duplicate ack for a batch
     * we never saw applied: two tabs sharing one client id). Then `seq` is null until a snapshot: reconnect,
     * and `hello(clientId, store.seq)` asks for one.
     */
    this.resyncNeeded = false;
    /** @type {{participant: string, alias: string, role: string} | null} from the welcome */
    this.you = null;
    /** @type {{id: string, workshop: string, kind: string} | null} from the welcome */
    this.board = null;
    /** Bumped on every mutation. */
    this.version = 0;
    /** @type {BoardState} */
    this._confirmed = rules.empty();
    /** @type {OpsMessage[]} */
    this._pending = [];
    /** @type {BoardView | null} */
    this._view = null;
    /** @type {Set<(store: BoardStore) => void>} */
    this._listeners = new Set();
    /** The newest seq applied, kept apart from `seq` which a resync may blank. @type {number | null} */
    this._applied = null;
  }

  get participant() {
    return this._participant;
  }

  set participant(value) {
    if (value === this._participant) return;
    this._participant = value;
    this._changed(); // the view changes: pending ops are ours, and so are "my" votes
  }

  get role() {
    return this.you?.role ?? null;
  }

  // -- what the server says ---------------------------------------------------------------------------------

  /**
   * Take a welcome in; returns the pending `ops` messages to resend now, in order, with their op_ids.
   * @param {any} msg
   * @returns {OpsMessage[]}
   */
  applyWelcome(msg) {
    if (typeof msg.server_time === 'number' && Number.isFinite(msg.server_time)) this.clockOffset = msg.server_time - this.clock();
    this.you = msg.you;
    this.board = msg.board;
    this._participant = msg.you.participant;
    if (msg.resync === 'snapshot') {
      // Pending batches stay: the server decides. One that it already applied is answered by a duplicate
      // ack whose seq is not above this one, so it is not applied twice.
      this._confirmed = this.rules.fromSnapshot(msg.snapshot);
      this._applied = msg.seq;
      this.resyncNeeded = false;
    } else {
      for (const change of msg.changes ?? []) this._change(change);
      if (this._applied === null || msg.seq > this._applied) this._applied = msg.seq;
    }
    this._syncSeq();
    this._changed();
    return this.pending;
  }

  /**
   * The server's `resync`: what this socket may see changed (a reveal, a hide). The confirmed state becomes
   * the snapshot; the pending batches stay on top, to be answered as usual.
   * @param {{seq: number, snapshot: any}} msg
   */
  applyResync(msg) {
    this._confirmed = this.rules.fromSnapshot(msg.snapshot);
    this._applied = msg.seq;
    this.resyncNeeded = false;
    this._syncSeq();
    this._changed();
  }

  /** The server's time now, by our clock corrected with the welcome's offset (ms since 1970). */
  serverNow() {
    return this.clock() + this.clockOffset;
  }

  /** The timer as it stands now, or null. */
  timerNow() {
    return timerLeft(this.view().settings.timer, this.serverNow());
  }

  /**
   * A change by anyone (also by us: our own change comes back in a delta when its ack was lost). Without
   * `op_id` and `author` when none of its ops is ours to see (a hidden vote): it only moves `seq` on.
   * @param {{seq: number, op_id?: string | null, author?: string | null, ops: Op[]}} msg
   * @returns {boolean} whether it was new
   */
  applyChange(msg) {
    if (!this._change(msg)) return false;
    this._syncSeq();
    this._changed();
    return true;
  }

  /** @param {{seq: number, op_id?: string | null, author?: string | null, ops: Op[]}} msg */
  _change(msg) {
    if (this._applied !== null && msg.seq <= this._applied) return false;
    this.rules.applyBatch(this._confirmed, msg.ops, msg.author ?? '', { strict: false, now: this.serverNow() });
    // ours: made by us, or by one of the people we host (`as`)
    const ours = this._pending.find((m) => m.op_id === msg.op_id);
    if (ours && (ours.as ?? this._participant) === msg.author) this._takePending(ours.op_id);
    this._applied = msg.seq;
    return true;
  }

  /**
   * Our batch was committed at `msg.seq`.
   * @param {{op_id: string, seq: number, duplicate?: boolean, ops?: Op[] | null}} msg
   */
  applyAck(msg) {
    const batch = this._takePending(msg.op_id);
    const fresh = this._applied === null || msg.seq > this._applied;
    if (fresh) {
      if (batch && !msg.duplicate) {
        // The ack's `ops`, when present, are our ops as the server completed and stored them (a timer op's `at`);
        // without them, our timer ops carry no `at`: the server stamped it, at about now.
        const ops = Array.isArray(msg.ops) ? msg.ops : batch.ops;
        this.rules.applyBatch(this._confirmed, ops, batch.as ?? this._participant, { strict: false, now: this.serverNow() });
      } else {
        // Something was committed at a seq we never saw, and we do not know what: only a snapshot can
        // tell. (A legitimate duplicate always has a seq we already have: its change came in the welcome.)
        this.resyncNeeded = true;
      }
      this._applied = msg.seq;
    }
    this._syncSeq();
    this._changed();
  }

  /**
   * Our batch was refused: it leaves the view. Returns it, for the page to say what failed, or null.
   * @param {{op_id: string, code?: string}} msg
   */
  applyReject(msg) {
    const batch = this._takePending(msg.op_id);
    if (batch) this._changed();
    return batch;
  }

  /** @param {string} opId */
  _takePending(opId) {
    const index = this._pending.findIndex((m) => m.op_id === opId);
    return index < 0 ? null : this._pending.splice(index, 1)[0];
  }

  _syncSeq() {
    this.seq = this.resyncNeeded ? null : this._applied;
  }

  // -- what we do -------------------------------------------------------------------------------------------

  /**
   * Queue a batch (applied at once in the view) and return the message to send. Rule violations are the
   * server's to refuse; but a message its parser would refuse (bad ids, bad numbers, over 100 ops, over
   * 64 KiB) throws a TypeError here, because it would be answered by an `error` naming no op_id and stay
   * pending forever. See `splitOps` for long lists.
   * `as`: made as a person this device hosts (a member of a shared table): kept with the pending batch, so a
   * resend after a reconnect or a reload is made as the same person.
   * @param {Op[]} ops
   * @param {{as?: string | null}} [options]
   * @returns {OpsMessage}
   */
  submit(ops, { as = null } = {}) {
    if (!Array.isArray(ops) || ops.length === 0) throw new TypeError('submit needs at least one op');
    const message = opsMessage(`${this.clientId}:${this.counter + 1}`, ops, as);
    const problem = this.rules.messageProblem(message);
    if (problem) throw new TypeError(`cannot send these ops: ${problem}`);
    this.counter += 1;
    // A copy in wire form (no undefined keys), frozen: the caller may reuse its objects, we resend ours.
    const queued = deepFreeze(JSON.parse(JSON.stringify(message)));
    this._pending.push(queued);
    this._changed();
    return queued;
  }

  /** Pending batches, oldest first. */
  get pending() {
    return this._pending.slice();
  }

  get pendingCount() {
    return this._pending.length;
  }

  /**
   * A fresh client id for the ops still to come (pending ones keep theirs). Call it after `fromJSON` when
   * the saved store may be shared (localStorage, a duplicated tab): two tabs with one client id would make
   * the same op_ids, and the server would take the second tab's changes for resends of the first's.
   */
  renewClientId(clientId = newClientId()) {
    if (clientId === this.clientId) return;
    this.clientId = clientId;
    this.counter = 0;
  }

  // -- reading ----------------------------------------------------------------------------------------------

  /** The optimistic state: confirmed, then each pending batch that still applies. @returns {BoardView} */
  view() {
    if (!this._view) {
      const s = /** @type {BoardState} */ (this.rules.clone(this._confirmed));
      const mode = { strict: true, role: this.role, now: this.serverNow() };
      for (const message of this._pending) {
        // a hosted person's batch is theirs: their budget, their role (participant)
        this.rules.applyBatch(s, message.ops, message.as ?? this._participant, message.as ? { ...mode, role: 'participant' } : mode);
      }
      this._view = Object.freeze({ ...s, participant: this._participant, version: this.version });
    }
    return this._view;
  }

  /** The state as the server last confirmed it (do not mutate). */
  confirmed() {
    return this._confirmed;
  }

  /** @param {string | null} [participant] defaults to us */
  votesUsed(participant = this._participant) {
    return votesUsed(this.view(), participant);
  }

  /** Dots still to spend (never below 0: a facilitator may lower the budget below what is spent). */
  votesLeft(participant = this._participant) {
    return Math.max(0, this.view().settings.vote_budget - this.votesUsed(participant));
  }

  /** All the dots on an item. @param {string} itemId */
  voteTotal(itemId) {
    let total = 0;
    for (const perItem of this.view().votes.values()) total += perItem.get(itemId) ?? 0;
    return total;
  }

  /** Our dots on an item (or a hosted person's). @param {string} itemId @param {string | null} [participant] */
  myVotes(itemId, participant = this._participant) {
    return this.view().votes.get(participant ?? '')?.get(itemId) ?? 0;
  }

  // -- listening --------------------------------------------------------------------------------------------

  /** @param {(store: BoardStore) => void} fn @returns {() => void} unsubscribe */
  subscribe(fn) {
    this._listeners.add(fn);
    return () => { this._listeners.delete(fn); };
  }

  _changed() {
    this.version += 1;
    this._view = null;
    for (const fn of [...this._listeners]) {
      try {
        fn(this);
      } catch (error) {
        // One broken listener must neither stop the others nor leave the store half updated: report later.
        queueMicrotask(() => { throw error; });
      }
    }
  }

  // -- saving -----------------------------------------------------------------------------------------------

  /** Everything needed to rebuild this store after a reload, as plain JSON. */
  toJSON() {
    return {
      format: FORMAT,
      participant: this._participant,
      clientId: this.clientId,
      counter: this.counter,
      seq: this.seq,
      pending: this._pending.map((m) => JSON.parse(JSON.stringify(m))),
      state: this.rules.toSnapshot(this._confirmed),
    };
  }

  /**
   * @param {any} data the output of toJSON (after JSON.stringify / JSON.parse)
   * @param {{participant?: string | null, rules?: Rules}} [options] `participant` overrides the saved one;
   *   `rules`: the board kind's (as given to the constructor)
   */
  static fromJSON(data, { participant, rules = EXPLORATION_RULES } = {}) {
    if (!data || data.format !== FORMAT) throw new Error('not a saved board store of this version');
    const store = new BoardStore({ participant: participant ?? data.participant ?? null, clientId: data.clientId, rules });
    store.counter = data.counter;
    store.seq = data.seq;
    store._applied = data.seq; // a store saved while needing a resync saved seq null: it will get a snapshot
    store._pending = data.pending.map((/** @type {any} */ m) => deepFreeze(JSON.parse(JSON.stringify(m))));
    store._confirmed = rules.fromSnapshot(data.state);
    return store;
  }
}

// @ts-check
/**
 * The browser's replica of an action board (board kind `actions`, docs/actions.md).
 *
 * The replica itself is js/core/store.js's BoardStore (confirmed state + pending batches, welcome / change /
 * ack / reject / resync, saving): this module gives it the action board's *rules*: how a snapshot reads and
 * how a batch applies. They mirror backend/fresque/core/actions.py closely enough for the optimistic view to be
 * faithful: dates snapped to the scale (a start down, an end up), a move keeps the duration and carries the
 * milestones, a resize may not leave a milestone out, a fiche patch, capabilities, milestones, links, dot votes
 * within the budget, settings. A batch the server would refuse for a reason we can see is left out, whole.
 *
 * `ActionStore` wraps a BoardStore with those rules and gives the same API (applyWelcome, applyChange,
 * applyAck, applyReject, applyResync, submit, view, confirmed, subscribe, serverNow, timerNow, votes…).
 *
 * Pure: no DOM, no network, no clock.
 */

import { BoardStore, RuleError, applyBatchWith, nextTimer, put, setVotes, timerLeft } from '../core/store.js';
import {
  CHOICE_ID_PATTERN, ID_PATTERN, MAX_TITLE, MAX_VOTE_BUDGET, actionOpsMessageProblem, checkText,
  facilitates, newClientId,
} from '../core/protocol.js';
import { formatMonth, parseMonth, snap, snapEnd } from './months.js';
import {
  ACTION_LIMITS, DEFAULT_ACTION_SETTINGS, FICHE_DEFAULTS, LIST_BOUNDS, LIST_LIMITS, MAX_AMOUNT, MAX_CHOICE_LABEL,
  MAX_TIMELINE_MONTHS, PRIORITIES, STATUSES, TEXT_LIMITS,
} from '../core/wire.gen.js';

/** @typedef {import('../core/protocol.js').Op} Op */
/** @typedef {{id: string, label: string | null}} Choice */
/** @typedef {{id: string, month: string, label: string}} Milestone */
/** @typedef {{board: string, item: string}} Link */
/**
 * Exactly the snapshot's action dict (core/actions.py action_to_dict), frozen.
 * @typedef {{id: string, author: string, lane: string, start: string, end: string, fiche: {[field: string]: any},
 *            milestones: readonly Milestone[], capabilities: {[series: string]: {[axis: string]: number}},
 *            links: readonly Link[], question?: string}} Action
 */
/**
 * The snapshot's settings object (deep frozen), with the facilitation fields.
 * @typedef {{title: string, timeline: {start: string, end: string, scale: string}, lanes: readonly Choice[],
 *            axes: readonly Choice[], series: readonly Choice[], target_groups: readonly Choice[],
 *            organisations: readonly Choice[], vote_budget: number, phases: readonly string[], phase: string | null,
 *            locked: boolean, votes_hidden: boolean, timer: import('../core/store.js').Timer | null,
 *            spotlight: string | null, follow: string | null, [key: string]: any}} ActionSettings
 */
/**
 * @typedef {{settings: ActionSettings, actions: Map<string, Action>, votes: Map<string, Map<string, number>>,
 *            deleted: Set<string>}} ActionState
 */
/** What the page draws: never changed once made; unchanged actions are the same objects from view to view. */
/** @typedef {ActionState & {participant: string | null, version: number}} ActionView */
/** @typedef {import('../core/store.js').Mode} Mode */
/** @typedef {(() => void)[]} Journal */

// The core's limits and the fiche's fields (core/actions.py ActionLimits, core/fiche.py Fiche): generated.
/** The fiche's fields in their declared order, with a new fiche's values. */
export { ACTION_LIMITS, FICHE_DEFAULTS };
export const FICHE_FIELDS = Object.freeze(Object.keys(FICHE_DEFAULTS));
/** The most entries of a list people may add to (`list.add`). @param {string} list */
const listMost = (list) => LIST_BOUNDS[list]?.[2] ?? 0;

/** The fiche's fields a null empties to null (the others to '' or []): those whose new value is null. */
const NULLABLE = new Set(Object.entries(FICHE_DEFAULTS).filter(([, value]) => value === null).map(([name]) => name));
/** The fiche's list fields (core/fiche.py LIST_LIMITS) and the settings' lists (core/choices.py LIST_BOUNDS). */
const FICHE_LISTS = new Set(Object.keys(LIST_LIMITS));
const SETTINGS_LISTS = Object.keys(LIST_BOUNDS);

/** The settings of a new action board (the server's defaults, generated), a fresh copy. @returns {{[key: string]: any}} */
export function defaultActionSettings() {
  return JSON.parse(JSON.stringify(DEFAULT_ACTION_SETTINGS));
}

/** @param {any} value */
function deepFreeze(value) {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/** Settings from a snapshot: its keys over the defaults, deep frozen. @param {{[key: string]: any}} raw @returns {ActionSettings} */
export function makeActionSettings(raw) {
  const out = { ...defaultActionSettings(), ...JSON.parse(JSON.stringify(raw ?? {})) };
  return deepFreeze(out);
}

/** @returns {ActionState} */
export function emptyActionState() {
  return { settings: makeActionSettings({}), actions: new Map(), votes: new Map(), deleted: new Set() };
}

/** An action in the snapshot's shape, frozen (deeply). @param {any} raw @returns {Action} */
function makeAction(raw) {
  /** @type {{[field: string]: any}} */
  const fiche = {};
  for (const name of FICHE_FIELDS) {
    const value = raw.fiche?.[name];
    fiche[name] = value === undefined ? /** @type {any} */ (FICHE_DEFAULTS)[name] : value;
  }
  /** @type {{[series: string]: {[axis: string]: number}}} */
  const capabilities = {};
  for (const series of Object.keys(raw.capabilities ?? {}).sort()) {
    const levels = raw.capabilities[series];
    const axes = Object.keys(levels).sort();
    if (!axes.length) continue;
    capabilities[series] = Object.fromEntries(axes.map((a) => [a, levels[a]]));
  }
  return deepFreeze(JSON.parse(JSON.stringify({
    id: raw.id, author: raw.author, lane: raw.lane, start: raw.start, end: raw.end, fiche,
    milestones: (raw.milestones ?? []).map((/** @type {any} */ m) => ({ id: m.id, month: m.month, label: m.label })),
    capabilities,
    links: (raw.links ?? []).map((/** @type {any} */ l) => ({ board: l.board, item: l.item })),
    // as the snapshot: present only when the action answers a question de travail
    ...(typeof raw.question === 'string' ? { question: raw.question } : {}),
  })));
}

/** The state from the snapshot's format (also what ActionStore saves). @param {any} snap @returns {ActionState} */
export function actionStateFromSnapshot(snap) {
  const s = emptyActionState();
  s.settings = makeActionSettings(snap.settings ?? {});
  for (const raw of snap.actions ?? []) s.actions.set(raw.id, makeAction(raw));
  for (const { participant, item, count } of snap.votes ?? []) {
    if (!s.votes.has(participant)) s.votes.set(participant, new Map());
    /** @type {Map<string, number>} */ (s.votes.get(participant)).set(item, count);
  }
  for (const id of snap.deleted ?? []) s.deleted.add(id);
  return s;
}

/** The state in the snapshot's format. @param {ActionState} s */
export function actionStateToSnapshot(s) {
  return JSON.parse(JSON.stringify({
    settings: s.settings,
    actions: [...s.actions.values()],
    votes: [...s.votes].flatMap(([participant, perItem]) =>
      [...perItem].map(([item, count]) => ({ participant, item, count }))),
    deleted: [...s.deleted],
  }));
}

/** A copy to apply changes to (actions and settings are frozen and shared). @param {ActionState} s @returns {ActionState} */
export function cloneActionState(s) {
  const votes = new Map();
  for (const [participant, perItem] of s.votes) votes.set(participant, new Map(perItem));
  return { settings: s.settings, actions: new Map(s.actions), votes, deleted: new Set(s.deleted) };
}

// -- the rules -------------------------------------------------------------------------------------------------

/** @param {ActionState} s @param {{[key: string]: any}} changes @param {Journal | null} journal */
function setSettings(s, changes, journal) {
  const old = s.settings;
  s.settings = makeActionSettings({ ...old, ...changes });
  journal?.push(() => { s.settings = old; });
}

/** @param {ActionState} s @param {string} id */
function live(s, id) {
  const action = s.actions.get(id);
  if (action) return action;
  if (s.deleted.has(id)) throw new RuleError('action_deleted');
  throw new RuleError('action_missing');
}

/** @param {string} text @param {string} [code] */
function month(text, code = 'invalid_month') {
  const m = parseMonth(text);
  if (Number.isNaN(m)) throw new RuleError(code);
  return m;
}

/** core/actions.py `_check_span`. @param {ActionState} s @param {number} start @param {number} end @param {readonly Milestone[]} milestones */
function checkSpan(s, start, end, milestones) {
  const tl = s.settings.timeline;
  if (end < start) throw new RuleError('action_dates_order');
  if (start < parseMonth(tl.start) || end > parseMonth(tl.end)) throw new RuleError('action_outside_timeline');
  for (const m of milestones) {
    const at = parseMonth(m.month);
    if (at < start || at > end) throw new RuleError('milestone_outside');
  }
}

/** @param {ActionState} s @param {string} lane */
function checkLane(s, lane) {
  if (!s.settings.lanes.some((l) => l.id === lane)) throw new RuleError('unknown_lane');
}

/** @param {ActionState} s @param {string} list @returns {Set<string>} */
const idsOf = (s, list) => new Set((s.settings[list] ?? []).map((/** @type {Choice} */ c) => c.id));

/**
 * A fiche field's value as stored, or the server's code. Checked only as far as the view needs to be faithful.
 * @param {ActionState} s @param {string} name @param {any} value
 */
function ficheValue(s, name, value) {
  if (!FICHE_FIELDS.includes(name)) throw new RuleError('fiche_unknown_field');
  const bad = () => new RuleError(`fiche_invalid_${name}`);
  if (name in TEXT_LIMITS) {
    if (value === null && name !== 'title') return '';
    if (typeof value !== 'string' || checkText(value, TEXT_LIMITS[name])) throw bad();
    if (name === 'title' && !value.trim()) throw bad();
    return value;
  }
  if (name === 'status') {
    if (!STATUSES.includes(value)) throw bad();
    return value;
  }
  if (value === null) return NULLABLE.has(name) ? null : [];
  if (name === 'priority' && !PRIORITIES.includes(value)) throw bad();
  if (name === 'budget' && !(Number.isInteger(value) && value >= 0 && value <= MAX_AMOUNT)) throw bad();
  if (name === 'lead' && !idsOf(s, 'organisations').has(value)) throw bad();
  if (FICHE_LISTS.has(name) && !Array.isArray(value)) throw bad();
  if (name === 'target_groups') {
    const known = idsOf(s, 'target_groups');
    if (value.some((/** @type {any} */ g) => !known.has(g)) || new Set(value).size !== value.length) throw bad();
  }
  if (name === 'partners') {
    const known = idsOf(s, 'organisations');
    if (value.some((/** @type {any} */ p) => !p || !known.has(p.organisation))) throw bad();
    if (new Set(value.map((/** @type {any} */ p) => p.organisation)).size !== value.length) throw bad();
    return value.map((/** @type {any} */ p) => ({ organisation: p.organisation, role: p.role ?? '' }));
  }
  if (name === 'funding') {
    return value.map((/** @type {any} */ f) => {
      if (!f || typeof f.source !== 'string' || !f.source.trim() || !Number.isInteger(f.amount) || f.amount < 0) throw bad();
      return { source: f.source, amount: f.amount, state: f.state ?? 'planned' };
    });
  }
  if (name === 'indicators') {
    return value.map((/** @type {any} */ i) => {
      if (!i || typeof i.label !== 'string' || !i.label.trim()) throw bad();
      return { kind: i.kind, label: i.label, target: i.target ?? '', source: i.source ?? '' };
    });
  }
  return value;
}

/** core/actions.py `_check_fiche_whole` and the number's uniqueness. @param {ActionState} s @param {string} id @param {{[k: string]: any}} fiche */
function checkFiche(s, id, fiche) {
  if (fiche.budget != null) {
    const secured = fiche.funding.filter((/** @type {any} */ f) => f.state === 'secured').reduce((/** @type {number} */ a, /** @type {any} */ f) => a + f.amount, 0);
    if (secured > fiche.budget) throw new RuleError('fiche_funding_over_budget');
  }
  if (fiche.number) {
    for (const other of s.actions.values()) {
      if (other.id !== id && other.fiche.number === fiche.number) throw new RuleError('fiche_number_taken');
    }
  }
}

/** @param {number} m */
const fmt = (m) => formatMonth(m);

/**
 * Apply one op. Throws a RuleError, the state untouched, when it does not apply (checks before mutations).
 * Trusted (`strict: false`, what the server accepted): only what cannot be done at all fails.
 * @param {ActionState} s @param {Op} op @param {string | null} author @param {Mode} mode @param {Journal | null} [journal]
 */
export function applyActionOp(s, op, author, mode, journal = null) {
  const strict = mode.strict;
  const who = author ?? '';
  const scale = s.settings.timeline.scale;
  const facilitating = !mode.role || facilitates(mode.role);
  switch (op.op) {
    case 'action.create': {
      if (strict) {
        if (typeof op.id !== 'string' || !ID_PATTERN.test(op.id)) throw new RuleError('invalid_id');
        if (s.actions.has(op.id)) throw new RuleError('id_exists');
        if (s.deleted.has(op.id)) throw new RuleError('id_reused');
        if (s.actions.size >= ACTION_LIMITS.maxActions) throw new RuleError('board_full');
        checkLane(s, op.lane);
      }
      const first = snap(month(op.start), scale);
      const last = snapEnd(month(op.end), scale);
      /** @type {{[k: string]: any}} */
      const fiche = { ...FICHE_DEFAULTS };
      if (strict) {
        checkSpan(s, first, last, []);
        if (!op.fiche || op.fiche.title === undefined) throw new RuleError('fiche_invalid_title');
        for (const [name, value] of Object.entries(op.fiche)) fiche[name] = ficheValue(s, name, value);
        checkFiche(s, op.id, fiche);
      } else {
        Object.assign(fiche, op.fiche ?? {});
      }
      const links = /** @type {Link[]} */ ([]);
      for (const l of op.links ?? []) {
        if (strict && links.some((x) => x.board === l.board && x.item === l.item)) throw new RuleError('link_exists');
        links.push({ board: l.board, item: l.item });
      }
      put(s.actions, op.id, makeAction({
        id: op.id, author: who, lane: op.lane, start: fmt(first), end: fmt(last), fiche, links, question: op.question ?? null,
      }), journal);
      return;
    }
    case 'action.update': {
      const old = live(s, op.id);
      const set = op.set ?? {};
      /** @type {{[k: string]: any}} */
      const fiche = { ...old.fiche };
      if (strict) {
        if (!Object.keys(set).length) throw new RuleError('fiche_unknown_field');
        for (const [name, value] of Object.entries(set)) fiche[name] = ficheValue(s, name, value);
        checkFiche(s, op.id, fiche);
      } else {
        for (const [name, value] of Object.entries(set)) {
          fiche[name] = value === null ? (NULLABLE.has(name) ? null : name in TEXT_LIMITS ? '' : []) : value;
        }
      }
      put(s.actions, op.id, makeAction({ ...old, fiche }), journal);
      return;
    }
    case 'action.move': {
      const old = live(s, op.id);
      if (op.lane == null && op.start == null) throw new RuleError('invalid_move');
      if (strict && op.lane != null) checkLane(s, op.lane);
      const oldStart = parseMonth(old.start);
      const first = op.start == null ? oldStart : snap(month(op.start), scale);
      const shift = first - oldStart;
      const last = parseMonth(old.end) + shift;
      const milestones = old.milestones.map((m) => ({ ...m, month: fmt(parseMonth(m.month) + shift) }));
      if (strict) checkSpan(s, first, last, milestones);
      put(s.actions, op.id, makeAction({ ...old, lane: op.lane ?? old.lane, start: fmt(first), end: fmt(last), milestones }), journal);
      return;
    }
    case 'action.resize': {
      const old = live(s, op.id);
      let start = parseMonth(old.start);
      let end = parseMonth(old.end);
      if (op.edge === 'start') start = snap(month(op.month, 'invalid_month'), scale);
      else if (op.edge === 'end') end = snapEnd(month(op.month, 'invalid_month'), scale);
      else throw new RuleError('invalid_edge');
      if (strict) checkSpan(s, start, end, old.milestones);
      put(s.actions, op.id, makeAction({ ...old, start: fmt(start), end: fmt(end) }), journal);
      return;
    }
    case 'action.delete': {
      live(s, op.id);
      for (const [participant, perItem] of [...s.votes]) {
        if (perItem.has(op.id)) setVotes(s, participant, op.id, 0, journal);
      }
      put(s.actions, op.id, undefined, journal);
      if (!s.deleted.has(op.id)) {
        s.deleted.add(op.id);
        journal?.push(() => s.deleted.delete(op.id));
      }
      if (s.settings.spotlight === op.id) setSettings(s, { spotlight: null }, journal);
      return;
    }
    case 'capability.set': {
      const old = live(s, op.id);
      if (strict) {
        if (!s.settings.series.some((c) => c.id === op.series)) throw new RuleError('unknown_series');
        if (!s.settings.axes.some((c) => c.id === op.axis)) throw new RuleError('unknown_axis');
        if (op.level != null && !(Number.isInteger(op.level) && op.level >= 0 && op.level <= 4)) throw new RuleError('invalid_level');
      }
      /** @type {{[series: string]: {[axis: string]: number}}} */
      const webs = {};
      for (const [name, levels] of Object.entries(old.capabilities)) webs[name] = { ...levels };
      const row = webs[op.series] ?? (webs[op.series] = {});
      if (op.level == null) delete row[op.axis];
      else row[op.axis] = op.level;
      if (!Object.keys(row).length) delete webs[op.series];
      put(s.actions, op.id, makeAction({ ...old, capabilities: webs }), journal);
      return;
    }
    case 'milestone.add': {
      const old = live(s, op.id);
      const at = month(op.month);
      if (strict) {
        if (typeof op.milestone !== 'string' || !ID_PATTERN.test(op.milestone)) throw new RuleError('invalid_id');
        if (old.milestones.some((m) => m.id === op.milestone)) throw new RuleError('milestone_exists');
        if (old.milestones.length >= ACTION_LIMITS.maxMilestones) throw new RuleError('too_many_milestones');
        if (typeof op.label !== 'string' || !op.label.trim() || checkText(op.label, ACTION_LIMITS.maxMilestoneLabel)) throw new RuleError('invalid_milestone');
      }
      const milestones = [...old.milestones, { id: op.milestone, month: fmt(at), label: op.label }]
        .sort((a, b) => (a.month < b.month ? -1 : a.month > b.month ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      if (strict) checkSpan(s, parseMonth(old.start), parseMonth(old.end), milestones);
      put(s.actions, op.id, makeAction({ ...old, milestones }), journal);
      return;
    }
    case 'milestone.remove': {
      const old = live(s, op.id);
      const milestones = old.milestones.filter((m) => m.id !== op.milestone);
      if (milestones.length === old.milestones.length) throw new RuleError('milestone_missing');
      put(s.actions, op.id, makeAction({ ...old, milestones }), journal);
      return;
    }
    case 'action.link': {
      const old = live(s, op.id);
      if (old.links.some((l) => l.board === op.board && l.item === op.item)) throw new RuleError('link_exists');
      if (strict && old.links.length >= ACTION_LIMITS.maxLinks) throw new RuleError('too_many_links');
      put(s.actions, op.id, makeAction({ ...old, links: [...old.links, { board: op.board, item: op.item }] }), journal);
      return;
    }
    case 'action.unlink': {
      const old = live(s, op.id);
      const links = old.links.filter((l) => !(l.board === op.board && l.item === op.item));
      if (links.length === old.links.length) throw new RuleError('link_missing');
      put(s.actions, op.id, makeAction({ ...old, links }), journal);
      return;
    }
    case 'action.question': {
      // which ids exist is the server's check (the study's questions); here only the shape
      const old = live(s, op.id);
      if (op.question != null && (typeof op.question !== 'string' || !ID_PATTERN.test(op.question))) throw new RuleError('invalid_question');
      put(s.actions, op.id, makeAction({ ...old, question: op.question ?? null }), journal);
      return;
    }
    case 'list.add': {
      const list = /** @type {readonly Choice[] | undefined} */ (s.settings[op.list]);
      if (!list) throw new RuleError(`invalid_${op.list}`);
      if (strict) {
        const code = `invalid_${op.list}`;
        if (!CHOICE_ID_PATTERN.test(op.id) || list.some((c) => c.id === op.id)) throw new RuleError(code);
        if (list.length >= listMost(op.list)) throw new RuleError(code);
        if (typeof op.label !== 'string' || !op.label.trim() || checkText(op.label, MAX_CHOICE_LABEL)) throw new RuleError(code);
      } else if (list.some((c) => c.id === op.id)) {
        throw new RuleError(`invalid_${op.list}`);
      }
      setSettings(s, { [op.list]: [...list, { id: op.id, label: op.label }] }, journal);
      return;
    }
    case 'vote.add': {
      live(s, op.item);
      if (strict && votesUsed(s, who) >= s.settings.vote_budget) throw new RuleError('vote_budget_exceeded');
      setVotes(s, who, op.item, (s.votes.get(who)?.get(op.item) ?? 0) + 1, journal);
      return;
    }
    case 'vote.remove': {
      live(s, op.item);
      const current = s.votes.get(who)?.get(op.item) ?? 0;
      if (current === 0) throw new RuleError('no_vote');
      setVotes(s, who, op.item, current - 1, journal);
      return;
    }
    case 'board.update': {
      if (strict && !facilitating) throw new RuleError('forbidden');
      updateSettings(s, op, who, strict, journal);
      return;
    }
    case 'timer.set': {
      if (strict && !facilitating) throw new RuleError('forbidden');
      setSettings(s, { timer: nextTimer(s.settings.timer, op, op.at ?? mode.now ?? null) }, journal);
      return;
    }
    default:
      throw new RuleError('unknown_op');
  }
}

/**
 * `board.update` on an action board: the facilitation fields and core/actions.py `update_settings` (bounds snapped
 * outward to the new scale, every card re-snapped outward; nothing in use may go).
 * @param {ActionState} s @param {Op} op @param {string} who @param {boolean} strict @param {Journal | null} journal
 */
function updateSettings(s, op, who, strict, journal) {
  const old = s.settings;
  /** @type {{[key: string]: any}} */
  const next = {};
  if (strict && op.title != null && (checkText(op.title, MAX_TITLE) || !op.title.trim())) throw new RuleError('text_required');
  if (strict && op.vote_budget != null && !(op.vote_budget >= 0 && op.vote_budget <= MAX_VOTE_BUDGET)) throw new RuleError('invalid_budget');
  if (strict && op.spotlight != null) live(s, op.spotlight);
  for (const key of ['title', 'vote_budget', 'phases', 'locked', 'votes_hidden']) if (op[key] != null) next[key] = op[key];
  for (const key of ['phase', 'spotlight']) if (op[key] !== undefined) next[key] = op[key];
  if (op.follow != null) next.follow = op.follow ? who : null;
  const phases = next.phases ?? old.phases;
  const phase = next.phase !== undefined ? next.phase : old.phase;
  if (strict && phase !== null && !phases.includes(phase)) throw new RuleError('invalid_phase');
  for (const list of SETTINGS_LISTS) if (op[list] != null) next[list] = op[list];
  /** @type {Map<string, Action>} */
  const resnapped = new Map();
  if (op.timeline) {
    const scale = op.timeline.scale ?? old.timeline.scale;
    const start = snap(month(op.timeline.start ?? old.timeline.start), scale);
    const end = snapEnd(month(op.timeline.end ?? old.timeline.end), scale);
    if (strict && (end <= start || end - start + 1 > MAX_TIMELINE_MONTHS)) throw new RuleError('invalid_timeline');
    next.timeline = { start: fmt(start), end: fmt(end), scale };
    for (const a of s.actions.values()) {
      const first = snap(parseMonth(a.start), scale);
      const last = snapEnd(parseMonth(a.end), scale);
      if (strict && (first < start || last > end)) throw new RuleError('timeline_cuts_actions');
      if (first !== parseMonth(a.start) || last !== parseMonth(a.end)) resnapped.set(a.id, makeAction({ ...a, start: fmt(first), end: fmt(last) }));
    }
  }
  if (strict && next.lanes) {
    const lanes = new Set(next.lanes.map((/** @type {Choice} */ l) => l.id));
    for (const a of s.actions.values()) if (!lanes.has(a.lane)) throw new RuleError('lane_in_use');
  }
  setSettings(s, next, journal);
  for (const [id, action] of resnapped) put(s.actions, id, action, journal);
}

/**
 * Apply a batch: checked, all or none (false, state untouched, when one op fails); trusted, op by op.
 * @param {ActionState} s @param {Op[]} ops @param {string | null} author @param {Mode} mode
 */
export function applyActionBatch(s, ops, author, mode) {
  return applyBatchWith(applyActionOp, s, ops, author, mode);
}

/** Dots `participant` has put on this board. @param {{votes: Map<string, Map<string, number>>}} s @param {string | null} participant */
export function votesUsed(s, participant) {
  let used = 0;
  for (const count of s.votes.get(participant ?? '')?.values() ?? []) used += count;
  return used;
}

/** @type {import('../core/store.js').Rules} */
export const ACTION_RULES = Object.freeze({
  empty: emptyActionState,
  fromSnapshot: actionStateFromSnapshot,
  toSnapshot: actionStateToSnapshot,
  clone: cloneActionState,
  applyBatch: applyActionBatch,
  messageProblem: actionOpsMessageProblem,
});

// -- the replica -------------------------------------------------------------------------------------------------

export class ActionStore {
  /**
   * @param {{participant?: string | null, clientId?: string, clock?: () => number}} [options]
   * @param {BoardStore} [inner] (fromJSON)
   */
  constructor(options = {}, inner = undefined) {
    this.inner = inner ?? new BoardStore({ ...options, clientId: options.clientId ?? newClientId(), rules: ACTION_RULES });
  }

  get participant() { return this.inner.participant; }
  set participant(value) { this.inner.participant = value; }
  get role() { return this.inner.role; }
  get you() { return this.inner.you; }
  get board() { return this.inner.board; }
  get seq() { return this.inner.seq; }
  get clientId() { return this.inner.clientId; }
  get version() { return this.inner.version; }
  get resyncNeeded() { return this.inner.resyncNeeded; }
  get pending() { return this.inner.pending; }
  get pendingCount() { return this.inner.pendingCount; }

  /** @param {any} msg @returns {import('../core/protocol.js').OpsMessage[]} the batches to resend, in order */
  applyWelcome(msg) { return this.inner.applyWelcome(msg); }
  /** @param {{seq: number, op_id?: string | null, author?: string | null, ops: Op[]}} msg */
  applyChange(msg) { return this.inner.applyChange(msg); }
  /** @param {{op_id: string, seq: number, duplicate?: boolean, ops?: Op[]}} msg */
  applyAck(msg) { return this.inner.applyAck(msg); }
  /** @param {{op_id: string, code?: string}} msg */
  applyReject(msg) { return this.inner.applyReject(msg); }
  /** @param {{seq: number, snapshot: any}} msg */
  applyResync(msg) { return this.inner.applyResync(msg); }

  /**
   * Queue a batch (shown at once) and return the message to send; throws a TypeError for a message the server's
   * parser would refuse. @param {Op[]} ops @param {{as?: string | null}} [options]
   */
  submit(ops, options) { return this.inner.submit(ops, options); }
  renewClientId() { this.inner.renewClientId(); }

  serverNow() { return this.inner.serverNow(); }
  timerNow() { return timerLeft(this.view().settings.timer, this.serverNow()); }

  /** The optimistic state. @returns {ActionView} */
  view() { return /** @type {ActionView} */ (/** @type {unknown} */ (this.inner.view())); }
  /** The state as the server last confirmed it (do not mutate). @returns {ActionState} */
  confirmed() { return /** @type {ActionState} */ (/** @type {unknown} */ (this.inner.confirmed())); }

  votesUsed(participant = this.participant) { return votesUsed(this.view(), participant); }
  votesLeft(participant = this.participant) { return Math.max(0, this.view().settings.vote_budget - this.votesUsed(participant)); }
  /** @param {string} actionId */
  voteTotal(actionId) {
    let total = 0;
    for (const perItem of this.view().votes.values()) total += perItem.get(actionId) ?? 0;
    return total;
  }
  /** @param {string} actionId @param {string | null} [participant] */
  myVotes(actionId, participant = this.participant) { return this.view().votes.get(participant ?? '')?.get(actionId) ?? 0; }

  /** @param {(store: ActionStore) => void} fn @returns {() => void} unsubscribe */
  subscribe(fn) { return this.inner.subscribe(() => fn(this)); }

  toJSON() { return { ...this.inner.toJSON(), kind: 'actions' }; }

  /** @param {any} data @param {{participant?: string | null}} [options] */
  static fromJSON(data, options = {}) {
    if (!data || data.kind !== 'actions') throw new Error('not a saved action board store');
    return new ActionStore({}, BoardStore.fromJSON(data, { ...options, rules: ACTION_RULES }));
  }
}

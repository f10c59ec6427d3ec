// @ts-check
/**
 * The fiche's rules as the server checks them (backend/fresque/core/fiche.py `parse_fiche_value`, the funding
 * rule, `fiche_number_taken`), so the page says what is wrong before sending instead of being refused; the ops
 * a form change makes; and who may change the fiche now. Their data (limits, enums) is generated into
 * core/wire.gen.js; only the checks are here.
 *
 * Pure: no DOM (tests/js/actions_fiche.test.mjs).
 */
import {
  ACTION_LIMITS, CHOICE_ID_PATTERN, FUNDING_STATES, INDICATOR_KINDS, INDICATOR_TEXT_LIMITS, LIST_LIMITS, MAX_AMOUNT,
  MAX_CHOICE_LABEL, PRIORITIES, STATUSES, TEXT_LIMITS,
} from '../../core/wire.gen.js';
import { formatMonth, parseMonth as monthNumber } from '../months.js';
import { actionTools } from '../tools.js';

/** @typedef {import('./types.js').Action} Action */
/** @typedef {import('./types.js').ActionSettings} ActionSettings */
/** @typedef {import('./types.js').Fiche} Fiche */
/** @typedef {import('./types.js').FicheContext} FicheContext */

export { FUNDING_STATES, INDICATOR_KINDS, LIST_LIMITS, MAX_AMOUNT, MAX_CHOICE_LABEL, PRIORITIES, STATUSES, TEXT_LIMITS };
export const MAX_MILESTONE_LABEL = ACTION_LIMITS.maxMilestoneLabel;
/** An indicator's target and source (core/fiche.py INDICATOR_TEXT_LIMITS). */
export const INDICATOR_TARGET = INDICATOR_TEXT_LIMITS.target;
export const INDICATOR_SOURCE = INDICATOR_TEXT_LIMITS.source;
const CHOICE_ID = CHOICE_ID_PATTERN;

/** Characters as Python counts them (code points, not UTF-16 units). @param {string} s */
export const chars = (s) => [...s].length;

/** Whether a text holds something the server refuses (C0 controls but tab and newline, DEL, lone surrogates). */
export function badText(/** @type {string} */ s) {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b-\u001f\u007f]/.test(s) || /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/**
 * "2025-01" → the month number (year·12 + month − 1), or null: months.js's reading (one rule for the fresco),
 * with null for "not a year-month" as the fiche's fields test it.
 * @param {unknown} ym
 * @returns {number | null}
 */
export function parseMonth(ym) {
  const n = typeof ym === 'string' ? monthNumber(ym) : Number.NaN;
  return Number.isNaN(n) ? null : n;
}

/** A month number → "YYYY-MM" (months.js's). */
export const formatMonthId = formatMonth;

/**
 * A budget or an amount as typed → whole euros, null when empty, NaN when it is not a whole amount.
 * Spaces (also the thin ones of « 50 000 »), « € » and a trailing ",00" / ".00" are fine.
 * @param {string} text
 * @returns {number | null}
 */
export function parseEuros(text) {
  const clean = String(text ?? '').replace(/[\s\u00a0\u202f€]/g, '').replace(/[.,]0{1,2}$/, '');
  if (clean === '') return null;
  if (!/^\d+$/.test(clean)) return Number.NaN;
  const value = Number(clean);
  return value <= MAX_AMOUNT ? value : Number.NaN;
}

/**
 * The sums of a fiche's funding lines by state, and whether the secured ones pass the budget
 * (the core's rule `fiche_funding_over_budget`; no budget, no check).
 * @param {{budget: number | null, funding: {amount: number, state: string}[]}} fiche
 */
export function fundingSummary({ budget, funding }) {
  const sums = { planned: 0, requested: 0, secured: 0 };
  for (const line of funding ?? []) {
    const state = /** @type {'planned' | 'requested' | 'secured'} */ (FUNDING_STATES.includes(/** @type {any} */ (line.state)) ? line.state : 'planned');
    if (Number.isFinite(line.amount)) sums[state] += line.amount;
  }
  const over = budget !== null && budget !== undefined && sums.secured > budget;
  return { ...sums, budget: budget ?? null, over, total: sums.planned + sums.requested + sums.secured };
}

/**
 * The code the server would answer for this value of a fiche field, or null when it is fine.
 * Mirrors `parse_fiche_value` and the funding rule (`fiche` gives the other fields: budget ↔ funding).
 * @param {string} name
 * @param {any} value
 * @param {ActionSettings} settings
 * @param {Partial<Fiche>} [fiche]
 * @returns {string | null}
 */
export function ficheProblem(name, value, settings, fiche = {}) {
  const bad = `fiche_invalid_${name}`;
  /** @type {Record<string, number>} */
  const textLimits = TEXT_LIMITS;
  if (name in textLimits) {
    if (value === null && name !== 'title') return null;
    if (typeof value !== 'string') return bad;
    if (chars(value) > textLimits[name] || badText(value)) return bad;
    if (name === 'title' && !value.trim()) return 'fiche_title_required';
    return null;
  }
  if (name === 'status') return STATUSES.includes(value) ? null : bad;
  if (value === null) {
    return name === 'title' ? bad : null;
  }
  if (name === 'priority') return PRIORITIES.includes(value) ? null : bad;
  if (name === 'budget') {
    if (!Number.isInteger(value) || value < 0 || value > MAX_AMOUNT) return bad;
    return fundingSummary({ budget: value, funding: fiche.funding ?? [] }).over ? 'fiche_funding_over_budget' : null;
  }
  const orgs = new Set((settings.organisations ?? []).map((o) => o.id));
  if (name === 'lead') return typeof value === 'string' && orgs.has(value) ? null : bad;
  /** @type {Record<string, readonly number[]>} */
  const listLimits = LIST_LIMITS;
  if (!(name in listLimits)) return 'fiche_unknown_field';
  if (!Array.isArray(value) || value.length > listLimits[name][0]) return bad;
  const limit = listLimits[name][1];
  const text = (/** @type {unknown} */ s, /** @type {number} */ max) => typeof s === 'string' && chars(s) <= max && !badText(s);
  if (name === 'operational_objectives' || name === 'territory') {
    return value.every((s) => text(s, limit) && s.trim()) ? null : bad;
  }
  if (name === 'target_groups') {
    const groups = new Set((settings.target_groups ?? []).map((g) => g.id));
    return value.every((g) => groups.has(g)) && new Set(value).size === value.length ? null : bad;
  }
  const amount = (/** @type {unknown} */ a) => Number.isInteger(a) && /** @type {number} */ (a) >= 0 && /** @type {number} */ (a) <= MAX_AMOUNT;
  if (name === 'partners') {
    const ok = value.every((p) => p && orgs.has(p.organisation) && text(p.role ?? '', limit));
    return ok && new Set(value.map((p) => p.organisation)).size === value.length ? null : bad;
  }
  if (name === 'funding') {
    const ok = value.every((l) => l && text(l.source, limit) && l.source.trim() && amount(l.amount)
      && FUNDING_STATES.includes(l.state ?? 'planned'));
    if (!ok) return bad;
    return fundingSummary({ budget: fiche.budget ?? null, funding: value }).over ? 'fiche_funding_over_budget' : null;
  }
  if (name === 'indicators') {
    return value.every((i) => i && INDICATOR_KINDS.includes(i.kind) && text(i.label, limit) && i.label.trim()
      && text(i.target ?? '', INDICATOR_TARGET) && text(i.source ?? '', INDICATOR_SOURCE)) ? null : bad;
  }
  return bad;
}

/**
 * The op for what a form changed: only the fields whose value differs from the fiche, or null when nothing
 * did. Values are compared as JSON (lists are sent whole).
 * @param {string} actionId
 * @param {Partial<Fiche>} fiche  the fiche as the store has it
 * @param {Record<string, any>} values  field → the form's value
 * @returns {{op: 'action.update', id: string, set: Record<string, any>} | null}
 */
export function updateOp(actionId, fiche, values) {
  /** @type {Record<string, any>} */
  const set = {};
  for (const [name, value] of Object.entries(values)) {
    const before = /** @type {Record<string, any>} */ (fiche)[name];
    if (JSON.stringify(value ?? null) !== JSON.stringify(before ?? null)) set[name] = value;
  }
  return Object.keys(set).length ? { op: 'action.update', id: actionId, set } : null;
}

/**
 * A fresh id for an entry people add to a list (`target_groups`, `organisations`), from its label:
 * « Maison des Jeunes » → "maison-des-jeunes" (then -2, -3… if taken).
 * @param {string} label
 * @param {Iterable<string>} taken
 */
export function choiceId(label, taken) {
  const used = new Set(taken);
  let base = String(label).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 32).replace(/-+$/, '');
  if (!base || !CHOICE_ID.test(base)) base = 'entry';
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) {
    const id = `${base}-${i}`;
    if (!used.has(id)) return id;
  }
}

/**
 * The ops that add an entry to a list and, in the same batch, put it in this fiche (all or none).
 * @param {'target_groups' | 'organisations'} list
 * @param {string} label
 * @param {ActionSettings} settings
 * @returns {{id: string, op: {op: 'list.add', list: string, id: string, label: string}} | null} null: empty label
 */
export function listAddOp(list, label, settings) {
  const text = String(label ?? '').trim();
  if (!text || chars(text) > MAX_CHOICE_LABEL || badText(text)) return null;
  const id = choiceId(text, (settings[list] ?? []).map((c) => c.id));
  return { id, op: { op: 'list.add', list, id, label: text } };
}

/**
 * Whether another action of the board already has this number (the core's `fiche_number_taken`: exact text).
 * @param {Iterable<Action>} actions @param {string} number @param {string} actionId
 */
export function numberTaken(actions, number, actionId) {
  if (!number) return false;
  for (const a of actions) if (a.id !== actionId && a.fiche?.number === number) return true;
  return false;
}

/** The axes already written on the board's fiches (for the axis field's suggestions), sorted. @param {Iterable<Action>} actions */
export function axesUsed(actions) {
  const seen = new Set();
  for (const a of actions) {
    const axis = a?.fiche?.axis?.trim();
    if (axis) seen.add(axis);
  }
  return [...seen].sort((a, b) => a.localeCompare(b));
}

/**
 * What this person may do on this board now: `fiches` (update, capabilities, milestones, links, lists) and
 * `cards` (move: the lane). The page's rule (tools.js `actionTools`): facilitators always; observers never;
 * otherwise the lock and the server's phase table.
 * @param {FicheContext} ctx
 * @param {{locked?: boolean, phase?: string | null}} settings
 */
export function allowed(ctx, settings) {
  const access = ctx.access?.phases ? ctx.access : ctx.bootstrap?.access;
  const { fiches, cards } = actionTools(access, { phase: settings?.phase ?? null, locked: Boolean(settings?.locked) }, roleOf(ctx));
  return { fiches, cards };
}

/**
 * This person's role: the server's word in the welcome (the store's `role`), else the page's bootstrap, else
 * `ctx.me.role`.
 * @param {FicheContext} ctx
 * @returns {string | null}
 */
export function roleOf(ctx) {
  const store = /** @type {any} */ (ctx.store);
  return store?.role ?? ctx.bootstrap?.me?.role ?? (typeof ctx.me === 'object' ? ctx.me?.role : null) ?? null;
}

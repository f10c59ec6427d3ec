// @ts-check
/**
 * The fiche action of a card on the action fresco: one dialog (a side sheet at full height on phones) with
 * every field of the fiche (backend/fresque/core/actions.py `Fiche`), the capabilities web and what comes from
 * the residents' workshops.
 *
 * Saving: a text field is sent when it loses the focus or after a pause in typing (never per keystroke), a
 * choice when it changes, a list as the whole new list — each as one `action.update {id, set: {field: value}}`.
 * The page checks the core's rules first (same limits, same codes) and says what is wrong next to the field in
 * plain words instead of sending something the server would refuse; a refusal that still comes back is shown
 * there too when the page passes `ctx.onReject`.
 * Live: the dialog follows the store; a field someone else changed is updated unless it is being edited here.
 *
 * The pure parts (month names, funding sums, rule checks, the ops a form change makes) are exported for
 * tests/js/actions_fiche.test.mjs.
 */
import { h } from '../board/dom.js';
import { countOf } from '../core/i18n.js';
import { newMilestoneId } from '../core/protocol.js';
import {
  ACTION_LIMITS, CHOICE_ID_PATTERN, FUNDING_STATES, INDICATOR_KINDS, LIST_LIMITS, MAX_AMOUNT, MAX_CHOICE_LABEL, PRIORITIES,
  SCALE_MONTHS as SCALES, STATUSES, TEXT_LIMITS,
} from '../core/wire.gen.js';
import '../core/textlimit.js'; // fields with data-max-chars count characters as the server does
import { radarGeometry, radarSvg, seriesColour } from './radar.js';
import { openSolutionPicker, wordsOf } from './picker.js';
import { loadQuestions } from './questions.js';
import { questionTag } from '../study/question-words.js';

/** @typedef {(key: string, vars?: Record<string, unknown>) => string} Translate */
/** @typedef {{id: string, label: string | null}} Choice */
/**
 * @typedef {{title: string, number: string, axis: string, findings: string, general_objective: string,
 *   operational_objectives: string[], target_groups: string[], territory: string[], lead: string | null,
 *   partners: {organisation: string, role: string}[], human_means: string, material_means: string,
 *   budget: number | null, funding: {source: string, amount: number, state: string}[], calendar: string,
 *   priority: string | null, indicators: {kind: string, label: string, target: string, source: string}[],
 *   risks: string, status: string}} Fiche
 * @typedef {{id: string, author?: string, lane: string, start: string, end: string, fiche: Fiche,
 *   milestones: {id: string, month: string, label: string}[], capabilities: Record<string, Record<string, number>>,
 *   links: {board: string, item: string}[], question?: string}} Action
 * @typedef {{title?: string, timeline: {start: string, end: string, scale: string}, lanes: Choice[], axes: Choice[],
 *   series: Choice[], target_groups: Choice[], organisations: Choice[], locked?: boolean, phase?: string | null}} ActionSettings
 * @typedef {{store: {view: () => any, subscribe: (fn: () => void) => () => void, pendingCount?: number},
 *   send: (ops: object[]) => (string | null | undefined), t: Translate, lang: string,
 *   me: string | {participant: string | null, role: string | null} | null, board: {id: string, kind?: string, title?: string},
 *   workshop: {id: string, title?: string}, access?: any, bootstrap?: any,
 *   onReject?: (fn: (reject: {op_id: string, code: string}) => boolean) => (() => void)}} FicheContext
 */

// -- the core's rules, mirrored (backend/fresque/core/fiche.py): their data is generated into wire.gen.js ----

export { FUNDING_STATES, INDICATOR_KINDS, LIST_LIMITS, MAX_AMOUNT, MAX_CHOICE_LABEL, PRIORITIES, STATUSES, TEXT_LIMITS };
export const MAX_MILESTONE_LABEL = ACTION_LIMITS.maxMilestoneLabel;
const CHOICE_ID = CHOICE_ID_PATTERN;
const MONTH = /^(\d{4})-(\d{2})$/; // parsed here (the groups); its shape is MONTH_PATTERN's
const SCALE_MONTHS = /** @type {Readonly<Record<string, number>>} */ (SCALES);

/** Characters as Python counts them (code points, not UTF-16 units). @param {string} s */
const chars = (s) => [...s].length;

/** Whether a text holds something the server refuses (C0 controls but tab and newline, DEL, lone surrogates). */
function badText(/** @type {string} */ s) {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000b-\u001f\u007f]/.test(s) || /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/**
 * "2025-01" → the month number (year·12 + month − 1), or null.
 * @param {unknown} ym
 * @returns {number | null}
 */
export function parseMonth(ym) {
  const m = typeof ym === 'string' ? MONTH.exec(ym) : null;
  if (!m) return null;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12 || year < 2000 || year > 2099) return null;
  return year * 12 + month - 1;
}

/** @param {number} n @returns {string} */
export function formatMonthId(n) {
  return `${String(Math.floor(n / 12)).padStart(4, '0')}-${String((n % 12) + 1).padStart(2, '0')}`;
}

/**
 * « Janvier 2025 »: a year-month in words.
 * @param {string} ym
 * @param {Translate} t
 */
export function monthLabel(ym, t) {
  const n = parseMonth(ym);
  if (n === null) return ym;
  return t('actions.fiche.month_year', { month: t(`actions.month.${(n % 12) + 1}`), year: Math.floor(n / 12) });
}

/**
 * « Janvier 2025 → Décembre 2025 »: a card's span in words.
 * @param {string} start
 * @param {string} end
 * @param {Translate} t
 */
export function spanLabel(start, end, t) {
  return t('actions.fiche.span', { start: monthLabel(start, t), end: monthLabel(end, t) });
}

/**
 * A configurable list entry's label: its own text, or the translation of a default entry.
 * @param {string} list  lane | axis | series | target_group | organisation
 * @param {Choice} entry
 * @param {Translate} t
 */
export function choiceLabel(list, entry, t) {
  return entry.label ?? t(`actions.${list}.${entry.id}`);
}

/**
 * Whole euros in the page's language, « 50 000 € ».
 * @param {number} amount
 * @param {string} lang
 * @param {Translate} t
 */
export function euros(amount, lang, t) {
  let text;
  try {
    text = new Intl.NumberFormat(lang === 'ar' ? 'ar-u-nu-latn' : lang, { maximumFractionDigits: 0 }).format(amount);
  } catch {
    text = String(amount);
  }
  return t('actions.fiche.euros', { amount: text });
}

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
      && text(i.target ?? '', 120) && text(i.source ?? '', 200)) ? null : bad;
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
 * `cards` (move: the lane). Facilitators always; observers never; otherwise the server's phase table.
 * @param {FicheContext} ctx
 * @param {{locked?: boolean, phase?: string | null}} settings
 */
export function allowed(ctx, settings) {
  const role = roleOf(ctx);
  if (role === 'facilitator' || role === 'co_facilitator') return { fiches: true, cards: true };
  if (role === 'observer') return { fiches: false, cards: false };
  if (settings?.locked) return { fiches: false, cards: false };
  const phase = settings?.phase ?? null;
  if (phase === null) return { fiches: true, cards: true };
  const phases = ctx.access?.phases ?? ctx.bootstrap?.access?.phases ?? null;
  const tools = phases?.[phase];
  if (!tools) return { fiches: true, cards: true }; // unknown table: let the server decide
  return { fiches: Boolean(tools.fiches), cards: Boolean(tools.cards) };
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

/** The field a refusal code is about (to show it there), or null for the whole fiche. @param {string} code */
export function fieldOfCode(code) {
  const m = /^fiche_invalid_([a-z_]+)$/.exec(code);
  if (m) return m[1];
  if (code === 'fiche_funding_over_budget') return 'funding';
  if (code === 'fiche_number_taken') return 'number';
  if (code === 'fiche_title_required') return 'title';
  if (/^milestone|too_many_milestones/.test(code)) return 'milestones';
  if (/^(unknown_series|unknown_axis|invalid_level)$/.test(code)) return 'capabilities';
  if (/link/.test(code)) return 'links';
  if (code === 'invalid_target_groups' || code === 'target_group_in_use') return 'target_groups';
  if (code === 'invalid_organisations') return 'partners';
  if (code === 'unknown_lane' || code === 'action_outside_timeline') return 'positioning';
  return null;
}

/**
 * A refusal in plain words: `actions.fiche.error.<code>` when there is one, else a general sentence.
 * @param {string} code
 * @param {Translate} t
 */
export function problemText(code, t) {
  const key = `actions.fiche.error.${code}`;
  const text = t(key);
  return text === key ? t('actions.fiche.error.other', { code }) : text;
}

// -- the dialog ---------------------------------------------------------------------------------------------

/** @type {{close: () => void} | null} */
let openOne = null;
let uid = 0;

/**
 * Open the fiche of one action (closing any other fiche open).
 * @param {FicheContext} ctx
 * @param {string} actionId
 * @returns {{dialog: HTMLDialogElement, close: () => void}}
 */
export function openFiche(ctx, actionId) {
  if (openOne) openOne.close();
  const { t, lang } = ctx;
  const prefix = `fiche${++uid}`;
  const fieldId = (/** @type {string} */ name) => `${prefix}-${name}`;

  /** @returns {any} */
  const view = () => ctx.store.view();
  /** @returns {Action | null} */
  const action = () => {
    const actions = view().actions;
    const found = actions instanceof Map ? actions.get(actionId) : (actions ?? []).find((/** @type {Action} */ a) => a.id === actionId);
    return found ?? null;
  };
  /** @returns {ActionSettings} */
  const settings = () => view().settings;
  const may = () => allowed(ctx, settings());

  /** Fields being typed in: the store does not overwrite them until they are sent. @type {Set<string>} */
  const dirty = new Set();
  /** @type {Map<string, ReturnType<typeof setTimeout>>} */
  const timers = new Map();
  /** op_id → the field it saved, to put a refusal next to it. @type {Map<string, string>} */
  const sentFor = new Map();
  /** @type {Map<string, HTMLElement>} */
  const errors = new Map();
  /** Redraws per part, run on every store change. @type {(() => void)[]} */
  const renders = [];

  /** @param {object[]} ops @param {string} field */
  function send(ops, field) {
    const opId = ctx.send(ops);
    if (typeof opId === 'string') sentFor.set(opId, field);
    return opId;
  }

  /** @param {string} field @param {string | null} code @param {Record<string, unknown>} [vars] */
  function showProblem(field, code, vars) {
    if (silent) return;
    const box = errors.get(field);
    if (!box) return;
    if (code === 'fiche_funding_over_budget' && !vars) {
      const a = action();
      vars = a ? overVars(a.fiche, 'funding', a.fiche.funding) : {};
    }
    box.textContent = code ? (vars ? t(`actions.fiche.error.${code}`, vars) : problemText(code, t)) : '';
    box.hidden = !code;
    const control = box.closest('.fiche-field, .fiche-section')?.querySelector('[aria-describedby]');
    if (control) control.setAttribute('aria-invalid', code ? 'true' : 'false');
  }

  /** @param {string} field */
  function errorBox(field) {
    const box = h('p', { class: 'fiche-error', attrs: { id: fieldId(`${field}-error`), 'aria-live': 'polite' }, hidden: true });
    errors.set(field, box);
    return box;
  }

  /**
   * A labelled field: label, hint, control, error.
   * @param {string} name @param {HTMLElement} control @param {{hint?: string, wide?: boolean, label?: string}} [o]
   */
  function field(name, control, { hint, wide = false, label } = {}) {
    control.id = fieldId(name);
    const describedBy = [fieldId(`${name}-error`)];
    const hintEl = hint ? h('p', { class: 'fiche-hint', text: hint, attrs: { id: fieldId(`${name}-hint`) } }) : null;
    if (hintEl) describedBy.push(fieldId(`${name}-hint`));
    control.setAttribute('aria-describedby', describedBy.join(' '));
    return h('div', { class: `fiche-field${wide ? ' fiche-wide' : ''}`, dataset: { field: name } }, [
      h('label', { text: label ?? t(`actions.fiche.field.${name}`), attrs: { for: control.id } }),
      hintEl, control, errorBox(name),
    ]);
  }

  /** @param {string} name @param {string} title @param {(Node | null)[]} children */
  function section(name, title, children) {
    return h('section', { class: 'fiche-section', dataset: { section: name }, attrs: { 'aria-labelledby': fieldId(`s-${name}`) } }, [
      h('h3', { text: title, attrs: { id: fieldId(`s-${name}`) } }), ...children,
    ]);
  }

  /** Is the focus inside this element? @param {Element} el */
  const editing = (el) => el.contains(document.activeElement);

  // -- saving one field ---------------------------------------------------------------------------------------

  /** Field → how to read its form value. @type {Map<string, () => any>} */
  const readers = new Map();
  let silent = false;
  /**
   * Whether a list's rows already say what the store says (then they are not redrawn: a redraw would replace
   * the row someone is moving to, e.g. right after the list was saved on leaving one of its inputs).
   * @param {string} name @param {unknown} stored
   */
  function rowsShow(name, stored) {
    const read = readers.get(name);
    if (!read) return false;
    silent = true;
    try {
      return JSON.stringify(read() ?? null) === JSON.stringify(stored ?? []);
    } finally {
      silent = false;
    }
  }

  /** Send one field if it changed and passes the rules; otherwise say why. @param {string} name */
  function commit(name) {
    const timer = timers.get(name);
    if (timer) { clearTimeout(timer); timers.delete(name); }
    const a = action();
    const read = readers.get(name);
    if (!a || !read) { dirty.delete(name); return; }
    const value = read();
    if (value === undefined) return; // the form is not complete yet (a problem is shown)
    const all = view().actions;
    const problem = ficheProblem(name, value, settings(), a.fiche)
      ?? (name === 'number' && numberTaken(all instanceof Map ? all.values() : all ?? [], value, actionId) ? 'fiche_number_taken' : null);
    if (problem === 'fiche_funding_over_budget') {
      summarise(); // the funding summary says it in plain words, under the lines
      return;
    }
    if (problem) {
      showProblem(name, problem);
      return;
    }
    showProblem(name, null);
    if (name === 'budget' || name === 'funding') { showProblem('budget', null); showProblem('funding', null); }
    dirty.delete(name);
    const op = updateOp(actionId, a.fiche, { [name]: value });
    if (op && may().fiches) send([op], name);
    refresh();
  }

  /** @param {Fiche} fiche @param {string} name @param {any} value */
  function overVars(fiche, name, value) {
    const merged = { budget: name === 'budget' ? value : fiche.budget, funding: name === 'funding' ? value : fiche.funding };
    const sum = fundingSummary(merged);
    return { secured: euros(sum.secured, lang, t), budget: euros(sum.budget ?? 0, lang, t) };
  }

  /** Typing: save after a pause. @param {string} name */
  function typed(name) {
    dirty.add(name);
    const timer = timers.get(name);
    if (timer) clearTimeout(timer);
    timers.set(name, setTimeout(() => commit(name), 1200));
  }

  /**
   * A text input or textarea bound to a fiche text field.
   * @param {string} name @param {{multiline?: boolean, list?: string, hint?: string, wide?: boolean}} [o]
   */
  function textField(name, { multiline = false, list, hint, wide = multiline } = {}) {
    const max = /** @type {Record<string, number>} */ (TEXT_LIMITS)[name];
    const control = /** @type {HTMLInputElement | HTMLTextAreaElement} */ (multiline
      ? h('textarea', { attrs: { name, rows: 3, 'data-max-chars': max, dir: 'auto' } })
      : h('input', { attrs: { name, type: 'text', 'data-max-chars': max, dir: 'auto', list, autocomplete: 'off', ...(name === 'title' ? { required: true } : {}) } }));
    control.addEventListener('input', () => typed(name));
    control.addEventListener('change', () => commit(name));
    control.addEventListener('blur', () => { if (dirty.has(name)) commit(name); });
    readers.set(name, () => control.value);
    renders.push(() => {
      const a = action();
      if (!a || dirty.has(name) || document.activeElement === control) return;
      const value = /** @type {any} */ (a.fiche)[name] ?? '';
      if (control.value !== value) control.value = value;
    });
    return field(name, control, { hint, wide });
  }

  /**
   * A select bound to a fiche field; `''` means none (null).
   * @param {string} name @param {() => {value: string, label: string}[]} options @param {boolean} [none]
   */
  function selectField(name, options, none = false) {
    const control = /** @type {HTMLSelectElement} */ (h('select', { attrs: { name } }));
    control.addEventListener('change', () => commit(name));
    readers.set(name, () => (control.value === '' ? null : control.value));
    let drawn = '';
    renders.push(() => {
      const a = action();
      if (!a) return;
      const opts = [...(none ? [{ value: '', label: t('actions.fiche.none') }] : []), ...options()];
      const key = JSON.stringify(opts);
      if (key !== drawn) {
        drawn = key;
        control.replaceChildren(...opts.map((o) => h('option', { attrs: { value: o.value }, text: o.label })));
      }
      if (document.activeElement !== control) control.value = /** @type {any} */ (a.fiche)[name] ?? '';
    });
    return field(name, control);
  }

  // -- the parts of the fiche ------------------------------------------------------------------------------

  // (declared before the parts below use them)
  /** @type {HTMLInputElement | null} */
  let budgetInput = null;
  const fundingSummaryText = h('p', { class: 'fiche-sum' });
  const overText = h('p', { class: 'fiche-error fiche-over-budget', hidden: true, attrs: { role: 'status' } });
  /** @type {() => ({source: string, amount: number, state: string}[] | undefined)} */
  let fundingRowsValue = () => undefined;

  const titleText = h('span', { attrs: { dir: 'auto' } });
  const closeButton = h('button', { class: 'fiche-close', attrs: { type: 'button', 'aria-label': t('actions.fiche.close') }, text: '×' });
  const readOnlyNote = h('p', { class: 'fiche-readonly', hidden: true });
  const goneNote = h('p', { class: 'fiche-gone', text: t('actions.fiche.gone'), hidden: true, attrs: { role: 'alert' } });

  // identity
  const datalist = h('datalist', { attrs: { id: fieldId('axes-used') } });
  renders.push(() => {
    const used = axesUsed(view().actions instanceof Map ? view().actions.values() : view().actions ?? []);
    const key = used.join('\n');
    if (datalist.dataset.key !== key) {
      datalist.dataset.key = key;
      datalist.replaceChildren(...used.map((v) => h('option', { attrs: { value: v } })));
    }
  });

  const identity = section('identity', t('actions.fiche.section.identity'), [
    h('div', { class: 'fiche-grid' }, [
      textField('title', { wide: true }),
      textField('number', { hint: t('actions.fiche.hint.number') }),
      textField('axis', { list: fieldId('axes-used'), hint: t('actions.fiche.hint.axis') }),
      selectField('status', () => STATUSES.map((s) => ({ value: s, label: t(`actions.status.${s}`) }))),
      selectField('priority', () => PRIORITIES.map((p) => ({ value: p, label: t(`actions.priority.${p}`) })), true),
    ]),
    datalist,
  ]);

  // positioning (the lane) and calendar
  const lanes = h('div', { class: 'fiche-lanes', attrs: { role: 'radiogroup', 'aria-labelledby': fieldId('lane-label') } });
  const laneBox = h('div', { class: 'fiche-field fiche-wide', dataset: { field: 'positioning' } }, [
    h('p', { class: 'fiche-label', text: t('actions.fiche.field.positioning'), attrs: { id: fieldId('lane-label') } }),
    lanes, errorBox('positioning'),
  ]);
  renders.push(() => {
    const a = action();
    if (!a) return;
    const list = settings().lanes ?? [];
    const key = JSON.stringify([list, may().cards, lang]);
    if (lanes.dataset.key === key) {
      // the same choices: only which one is on (a redraw would take the focus away from a keyboard)
      for (const input of lanes.querySelectorAll('input')) {
        const radio = /** @type {HTMLInputElement} */ (input);
        radio.checked = radio.value === a.lane;
      }
      return;
    }
    lanes.dataset.key = key;
    const name = fieldId('lane');
    lanes.replaceChildren(...list.map((lane) => {
      const input = /** @type {HTMLInputElement} */ (h('input', { attrs: { type: 'radio', name, value: lane.id } }));
      input.checked = lane.id === a.lane;
      input.disabled = !may().cards;
      input.addEventListener('change', () => {
        if (!input.checked) return;
        send([{ op: 'action.move', id: actionId, lane: lane.id }], 'positioning');
        refresh(); // refused here (the step, the lock): back on the card's lane
      });
      return h('label', { class: 'fiche-lane', dataset: { lane: lane.id } }, [input, h('span', { text: choiceLabel('lane', lane, t) })]);
    }));
  });

  const spanText = h('p', { class: 'fiche-span', attrs: { id: fieldId('span') } });
  renders.push(() => {
    const a = action();
    if (a) spanText.textContent = spanLabel(a.start, a.end, t);
  });
  const dates = h('div', { class: 'fiche-field fiche-wide', dataset: { field: 'dates' } }, [
    h('p', { class: 'fiche-label', text: t('actions.fiche.field.dates') }), spanText,
    h('p', { class: 'fiche-hint', text: t('actions.fiche.hint.dates') }),
  ]);

  const milestones = milestonesPart();
  const calendar = section('calendar', t('actions.fiche.section.calendar'), [
    laneBox, dates, textField('calendar', { multiline: true, hint: t('actions.fiche.hint.calendar') }), milestones,
  ]);

  // findings and objectives
  const objectives = section('objectives', t('actions.fiche.section.objectives'), [
    textField('findings', { multiline: true, hint: t('actions.fiche.hint.findings') }),
    textField('general_objective', { multiline: true }),
    textList('operational_objectives', 300, true),
  ]);

  // people and places
  const people = section('people', t('actions.fiche.section.people'), [targetGroupsPart(), textList('territory', 120, false)]);

  // who carries it
  const carriers = section('carriers', t('actions.fiche.section.carriers'), [
    selectField('lead', () => (settings().organisations ?? []).map((o) => ({ value: o.id, label: choiceLabel('organisation', o, t) })), true),
    partnersPart(),
  ]);

  // means and money
  const money = section('means', t('actions.fiche.section.means'), [
    textField('human_means', { multiline: true }),
    textField('material_means', { multiline: true }),
    budgetPart(),
    fundingPart(),
  ]);

  // follow-up
  const followUp = section('follow', t('actions.fiche.section.follow'), [indicatorsPart(), textField('risks', { multiline: true })]);

  const web = capabilitiesPart();
  const sources = sourcesPart();
  const question = questionPart();

  const printLink = h('a', {
    class: 'fiche-print button-like',
    text: t('actions.fiche.print'),
    attrs: { href: `/boards/${encodeURIComponent(ctx.board.id)}/actions/${encodeURIComponent(actionId)}/print`, target: '_blank', rel: 'noopener' },
  });
  const doneButton = h('button', { class: 'fiche-done', attrs: { type: 'button' }, text: t('actions.fiche.done') });

  const form = h('form', { class: 'fiche-form', attrs: { novalidate: true } , on: { submit: (/** @type {Event} */ e) => e.preventDefault() } }, [
    identity, calendar, objectives, people, carriers, money, followUp, web, question, sources,
  ]);
  const dialog = /** @type {HTMLDialogElement} */ (h('dialog', {
    class: 'fiche-dialog',
    attrs: { 'aria-labelledby': fieldId('heading'), 'data-action': actionId },
  }, [
    h('header', { class: 'fiche-head' }, [
      h('h2', { attrs: { id: fieldId('heading') } }, [h('span', { class: 'fiche-kicker', text: t('actions.fiche.heading') }), titleText]),
      closeButton,
    ]),
    readOnlyNote, goneNote,
    form,
    h('footer', { class: 'fiche-foot' }, [printLink, doneButton]),
  ]));

  renders.push(() => {
    const a = action();
    titleText.textContent = a ? (a.fiche.title || t('actions.fiche.untitled')) : '';
    goneNote.hidden = Boolean(a);
    const { fiches } = may();
    const readOnly = !a || !fiches;
    form.toggleAttribute('inert', !a);
    for (const el of form.querySelectorAll('input, textarea, select, button')) {
      const control = /** @type {HTMLInputElement} */ (el);
      if (control.closest('[data-field="positioning"]')) continue; // cards, not fiches
      if (control.dataset.always) continue;
      if (readOnly && !control.disabled) { control.disabled = true; control.dataset.ro = '1'; }
      else if (!readOnly && control.dataset.ro) { control.disabled = false; delete control.dataset.ro; }
    }
    readOnlyNote.hidden = !a || fiches;
    readOnlyNote.textContent = t(roleOf(ctx) === 'observer' ? 'actions.fiche.read_only_observer' : 'actions.fiche.read_only');
  });

  function refresh() {
    for (const render of renders) render();
  }

  // -- lists of texts (objectives, territory) ------------------------------------------------------------

  /** @param {'operational_objectives' | 'territory'} name @param {number} max @param {boolean} multiline */
  function textList(name, max, multiline) {
    const rows = h('ul', { class: 'fiche-rows', attrs: { id: fieldId(name) } });
    const box = h('div', { class: 'fiche-field fiche-wide', dataset: { field: name } }, [
      h('p', { class: 'fiche-label', text: t(`actions.fiche.field.${name}`), attrs: { id: fieldId(`${name}-label`) } }),
      rows,
      h('button', { class: 'fiche-add', attrs: { type: 'button' }, text: t(`actions.fiche.add.${name}`), on: { click: () => { addRow(''); focusLast(); } } }),
      errorBox(name),
    ]);
    rows.setAttribute('aria-describedby', fieldId(`${name}-error`));
    const focusLast = () => /** @type {HTMLElement | null} */ (rows.querySelector('li:last-child input, li:last-child textarea'))?.focus();
    /** @param {string} value */
    function addRow(value) {
      const n = rows.children.length + 1;
      const input = /** @type {HTMLInputElement} */ (h(multiline ? 'textarea' : 'input', {
        attrs: { type: multiline ? null : 'text', rows: multiline ? 2 : null, 'data-max-chars': max, dir: 'auto', 'aria-label': t(`actions.fiche.entry.${name}`, { n }) },
      }));
      input.value = value;
      input.addEventListener('input', () => typed(name));
      input.addEventListener('change', () => commit(name));
      const remove = h('button', {
        class: 'fiche-remove', attrs: { type: 'button', 'aria-label': t('actions.fiche.remove_entry', { n }) }, text: t('actions.fiche.remove'),
        on: { click: () => { li.remove(); commit(name); } },
      });
      const li = h('li', { class: 'fiche-row' }, [input, remove]);
      rows.append(li);
    }
    readers.set(name, () => [...rows.querySelectorAll('input, textarea')].map((i) => /** @type {HTMLInputElement} */ (i).value.trim()).filter(Boolean));
    let drawn = '';
    renders.push(() => {
      const a = action();
      if (!a || dirty.has(name) || editing(rows)) return;
      const key = JSON.stringify(a.fiche[name] ?? []);
      if (key === drawn && rows.children.length === (a.fiche[name] ?? []).length) return;
      drawn = key;
      if (rowsShow(name, a.fiche[name])) return;
      rows.replaceChildren();
      for (const value of a.fiche[name] ?? []) addRow(value);
    });
    return box;
  }

  // -- target groups -----------------------------------------------------------------------------------

  function targetGroupsPart() {
    const boxes = h('div', { class: 'fiche-checks' });
    const fieldset = h('fieldset', { class: 'fiche-field fiche-wide', dataset: { field: 'target_groups' } }, [
      h('legend', { text: t('actions.fiche.field.target_groups') }), boxes,
      adder('target_groups', t('actions.fiche.add.target_group'), t('actions.fiche.new.target_group')),
      errorBox('target_groups'),
    ]);
    readers.set('target_groups', () => [...boxes.querySelectorAll('input:checked')].map((i) => /** @type {HTMLInputElement} */ (i).value));
    renders.push(() => {
      const a = action();
      if (!a) return;
      const groups = settings().target_groups ?? [];
      const key = JSON.stringify(groups);
      if (boxes.dataset.key !== key) {
        boxes.dataset.key = key;
        boxes.replaceChildren(...groups.map((g) => {
          const input = /** @type {HTMLInputElement} */ (h('input', { attrs: { type: 'checkbox', value: g.id, name: fieldId('tg') } }));
          input.addEventListener('change', () => commit('target_groups'));
          return h('label', { class: 'fiche-check' }, [input, h('span', { text: choiceLabel('target_group', g, t), attrs: { dir: 'auto' } })]);
        }));
      }
      const chosen = new Set(a.fiche.target_groups ?? []);
      for (const input of boxes.querySelectorAll('input')) {
        const box = /** @type {HTMLInputElement} */ (input);
        if (document.activeElement !== box) box.checked = chosen.has(box.value);
      }
    });
    return fieldset;
  }

  /**
   * « Ajouter un public » / « Ajouter une structure »: a text and a button that send `list.add` (plus, for a
   * target group, the fiche's new list in the same batch).
   * @param {'target_groups' | 'organisations'} list @param {string} buttonText @param {string} labelText
   */
  function adder(list, buttonText, labelText) {
    const input = /** @type {HTMLInputElement} */ (h('input', { attrs: { type: 'text', 'data-max-chars': MAX_CHOICE_LABEL, dir: 'auto', 'aria-label': labelText, placeholder: labelText } }));
    const problem = h('p', { class: 'fiche-error', hidden: true, attrs: { 'aria-live': 'polite' } });
    const add = () => {
      const made = listAddOp(list, input.value, settings());
      if (!made) {
        problem.textContent = t('actions.fiche.error.label_required');
        problem.hidden = false;
        return;
      }
      problem.hidden = true;
      /** @type {object[]} */
      const ops = [made.op];
      const a = action();
      if (a && list === 'target_groups') ops.push({ op: 'action.update', id: actionId, set: { target_groups: [...(a.fiche.target_groups ?? []), made.id] } });
      send(ops, list === 'target_groups' ? 'target_groups' : 'partners');
      input.value = '';
      refresh();
    };
    input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } });
    return h('div', { class: 'fiche-adder', dataset: { list } }, [
      input, h('button', { class: 'fiche-add', attrs: { type: 'button' }, text: buttonText, on: { click: add } }), problem,
    ]);
  }

  // -- partners --------------------------------------------------------------------------------------------

  function partnersPart() {
    const name = 'partners';
    const rows = h('ul', { class: 'fiche-rows' });
    const box = h('div', { class: 'fiche-field fiche-wide', dataset: { field: name } }, [
      h('p', { class: 'fiche-label', text: t('actions.fiche.field.partners') }), rows,
      h('div', { class: 'fiche-buttons' }, [
        h('button', { class: 'fiche-add', attrs: { type: 'button' }, text: t('actions.fiche.add.partner'), on: { click: () => { addRow(null); focusLast(); } } }),
      ]),
      adder('organisations', t('actions.fiche.add.organisation'), t('actions.fiche.new.organisation')),
      errorBox(name),
    ]);
    const focusLast = () => /** @type {HTMLElement | null} */ (rows.querySelector('li:last-child select'))?.focus();
    const orgOptions = () => [
      h('option', { attrs: { value: '' }, text: t('actions.fiche.choose_organisation') }),
      ...(settings().organisations ?? []).map((o) => h('option', { attrs: { value: o.id }, text: choiceLabel('organisation', o, t) })),
    ];
    /** @param {{organisation: string, role: string} | null} partner */
    function addRow(partner) {
      const n = rows.children.length + 1;
      const select = /** @type {HTMLSelectElement} */ (h('select', { attrs: { 'aria-label': t('actions.fiche.partner_organisation', { n }) } }, orgOptions()));
      select.value = partner?.organisation ?? '';
      const role = /** @type {HTMLInputElement} */ (h('input', { attrs: { type: 'text', 'data-max-chars': 200, dir: 'auto', 'aria-label': t('actions.fiche.partner_role', { n }), placeholder: t('actions.fiche.partner_role_placeholder') } }));
      role.value = partner?.role ?? '';
      select.addEventListener('change', () => commit(name));
      role.addEventListener('input', () => typed(name));
      role.addEventListener('change', () => commit(name));
      const li = h('li', { class: 'fiche-row fiche-partner' }, [select, role, h('button', {
        class: 'fiche-remove', attrs: { type: 'button', 'aria-label': t('actions.fiche.remove_entry', { n }) }, text: t('actions.fiche.remove'),
        on: { click: () => { li.remove(); commit(name); } },
      })]);
      rows.append(li);
    }
    readers.set(name, () => {
      const list = [];
      for (const li of rows.children) {
        const select = /** @type {HTMLSelectElement} */ (li.querySelector('select'));
        const role = /** @type {HTMLInputElement} */ (li.querySelector('input')).value.trim();
        if (select.value) list.push({ organisation: select.value, role });
        else if (role) { showProblem(name, 'partner_without_organisation'); return undefined; }
      }
      return list;
    });
    let drawn = '';
    renders.push(() => {
      const a = action();
      if (!a || dirty.has(name) || editing(rows)) return;
      const key = JSON.stringify([a.fiche.partners ?? [], settings().organisations]);
      if (key === drawn) return;
      const orgsChanged = drawn && JSON.parse(drawn)[1] && JSON.stringify(JSON.parse(drawn)[1]) !== JSON.stringify(settings().organisations);
      drawn = key;
      if (!orgsChanged && rowsShow(name, a.fiche.partners)) return;
      rows.replaceChildren();
      for (const p of a.fiche.partners ?? []) addRow(p);
    });
    return box;
  }

  // -- budget and funding -------------------------------------------------------------------------------

  function budgetPart() {
    const input = /** @type {HTMLInputElement} */ (h('input', { attrs: { name: 'budget', type: 'text', inputmode: 'numeric', autocomplete: 'off' } }));
    input.addEventListener('input', () => { typed('budget'); summarise(); });
    input.addEventListener('change', () => commit('budget'));
    readers.set('budget', () => {
      const value = parseEuros(input.value);
      if (Number.isNaN(value)) { showProblem('budget', 'fiche_invalid_budget'); return undefined; }
      return value;
    });
    renders.push(() => {
      const a = action();
      if (!a || dirty.has('budget') || document.activeElement === input) return;
      const text = a.fiche.budget === null || a.fiche.budget === undefined ? '' : String(a.fiche.budget);
      if (parseEuros(input.value) !== a.fiche.budget) input.value = text;
    });
    budgetInput = input;
    return field('budget', input, { hint: t('actions.fiche.hint.budget') });
  }


  /** The funding summary from the form as it is now (so typing shows it at once). */
  function summarise() {
    const a = action();
    if (!a) return;
    const budgetValue = budgetInput ? parseEuros(budgetInput.value) : a.fiche.budget;
    const budget = Number.isNaN(budgetValue) ? a.fiche.budget : budgetValue;
    const lines = fundingRowsValue() ?? a.fiche.funding ?? [];
    const sum = fundingSummary({ budget, funding: lines });
    const vars = { secured: euros(sum.secured, lang, t), requested: euros(sum.requested, lang, t), planned: euros(sum.planned, lang, t), budget: euros(sum.budget ?? 0, lang, t) };
    fundingSummaryText.textContent = sum.budget === null ? t('actions.fiche.funding_sum_no_budget', vars) : t('actions.fiche.funding_sum', vars);
    fundingSummaryText.classList.toggle('fiche-over', sum.over);
    overText.hidden = !sum.over;
    overText.textContent = sum.over ? t('actions.fiche.error.fiche_funding_over_budget', vars) : '';
  }


  function fundingPart() {
    const name = 'funding';
    const rows = h('ul', { class: 'fiche-rows' });
    const box = h('div', { class: 'fiche-field fiche-wide', dataset: { field: name } }, [
      h('p', { class: 'fiche-label', text: t('actions.fiche.field.funding') }), rows,
      h('button', { class: 'fiche-add', attrs: { type: 'button' }, text: t('actions.fiche.add.funding'), on: { click: () => { addRow(null); focusLast(); } } }),
      fundingSummaryText, overText, errorBox(name),
    ]);
    const focusLast = () => /** @type {HTMLElement | null} */ (rows.querySelector('li:last-child input'))?.focus();
    /** @param {{source: string, amount: number, state: string} | null} line */
    function addRow(line) {
      const n = rows.children.length + 1;
      const source = /** @type {HTMLInputElement} */ (h('input', { class: 'fiche-source', attrs: { type: 'text', 'data-max-chars': 120, dir: 'auto', 'aria-label': t('actions.fiche.funding_source', { n }), placeholder: t('actions.fiche.funding_source_placeholder') } }));
      const amount = /** @type {HTMLInputElement} */ (h('input', { class: 'fiche-amount', attrs: { type: 'text', inputmode: 'numeric', 'aria-label': t('actions.fiche.funding_amount', { n }), placeholder: t('actions.fiche.funding_amount_placeholder') } }));
      const state = /** @type {HTMLSelectElement} */ (h('select', { class: 'fiche-state', attrs: { 'aria-label': t('actions.fiche.funding_state', { n }) } },
        FUNDING_STATES.map((s) => h('option', { attrs: { value: s }, text: t(`actions.funding.${s}`) }))));
      source.value = line?.source ?? '';
      amount.value = line ? String(line.amount) : '';
      state.value = line?.state ?? 'planned';
      for (const el of [source, amount]) {
        el.addEventListener('input', () => { typed(name); summarise(); });
        el.addEventListener('change', () => commit(name));
      }
      state.addEventListener('change', () => { summarise(); commit(name); });
      const li = h('li', { class: 'fiche-row fiche-funding' }, [source, amount, state, h('button', {
        class: 'fiche-remove', attrs: { type: 'button', 'aria-label': t('actions.fiche.remove_entry', { n }) }, text: t('actions.fiche.remove'),
        on: { click: () => { li.remove(); summarise(); commit(name); } },
      })]);
      rows.append(li);
    }
    fundingRowsValue = () => {
      const list = [];
      for (const li of rows.children) {
        const source = /** @type {HTMLInputElement} */ (li.querySelector('.fiche-source')).value.trim();
        const amountText = /** @type {HTMLInputElement} */ (li.querySelector('.fiche-amount')).value;
        const state = /** @type {HTMLSelectElement} */ (li.querySelector('.fiche-state')).value;
        if (!source && !amountText.trim()) continue; // an empty row is not a line yet
        const amount = parseEuros(amountText);
        if (!source || amount === null || Number.isNaN(amount)) return undefined;
        list.push({ source, amount, state });
      }
      return list;
    };
    readers.set(name, () => {
      const list = fundingRowsValue();
      if (list === undefined) showProblem(name, 'funding_line_incomplete');
      return list;
    });
    let drawn = '';
    renders.push(() => {
      const a = action();
      if (!a) return;
      if (!dirty.has(name) && !editing(rows)) {
        const key = JSON.stringify(a.fiche.funding ?? []);
        if (key !== drawn && rowsShow(name, a.fiche.funding)) drawn = key;
        if (key !== drawn) {
          drawn = key;
          rows.replaceChildren();
          for (const line of a.fiche.funding ?? []) addRow(line);
        }
      }
      summarise();
    });
    return box;
  }

  // -- indicators -----------------------------------------------------------------------------------------

  function indicatorsPart() {
    const name = 'indicators';
    const rows = h('ul', { class: 'fiche-rows' });
    const box = h('div', { class: 'fiche-field fiche-wide', dataset: { field: name } }, [
      h('p', { class: 'fiche-label', text: t('actions.fiche.field.indicators') }),
      h('p', { class: 'fiche-hint', text: t('actions.fiche.hint.indicators') }), rows,
      h('button', { class: 'fiche-add', attrs: { type: 'button' }, text: t('actions.fiche.add.indicator'), on: { click: () => { addRow(null); focusLast(); } } }),
      errorBox(name),
    ]);
    const focusLast = () => /** @type {HTMLElement | null} */ (rows.querySelector('li:last-child .fiche-ind-label'))?.focus();
    /** @param {{kind: string, label: string, target: string, source: string} | null} ind */
    function addRow(ind) {
      const n = rows.children.length + 1;
      const kind = /** @type {HTMLSelectElement} */ (h('select', { class: 'fiche-ind-kind', attrs: { 'aria-label': t('actions.fiche.indicator_kind', { n }) } },
        INDICATOR_KINDS.map((k) => h('option', { attrs: { value: k }, text: t(`actions.indicator.${k}`) }))));
      const input = (/** @type {string} */ cls, /** @type {string} */ key, /** @type {number} */ max) => /** @type {HTMLInputElement} */ (h('input', {
        class: cls, attrs: { type: 'text', 'data-max-chars': max, dir: 'auto', 'aria-label': t(`actions.fiche.indicator_${key}`, { n }), placeholder: t(`actions.fiche.indicator_${key}_placeholder`) },
      }));
      const label = input('fiche-ind-label', 'label', 300);
      const target = input('fiche-ind-target', 'target', 120);
      const source = input('fiche-ind-source', 'source', 200);
      kind.value = ind?.kind ?? 'output';
      label.value = ind?.label ?? '';
      target.value = ind?.target ?? '';
      source.value = ind?.source ?? '';
      kind.addEventListener('change', () => commit(name));
      for (const el of [label, target, source]) {
        el.addEventListener('input', () => typed(name));
        el.addEventListener('change', () => commit(name));
      }
      const li = h('li', { class: 'fiche-row fiche-indicator' }, [kind, label, target, source, h('button', {
        class: 'fiche-remove', attrs: { type: 'button', 'aria-label': t('actions.fiche.remove_entry', { n }) }, text: t('actions.fiche.remove'),
        on: { click: () => { li.remove(); commit(name); } },
      })]);
      rows.append(li);
    }
    readers.set(name, () => {
      const list = [];
      for (const li of rows.children) {
        const get = (/** @type {string} */ cls) => /** @type {HTMLInputElement} */ (li.querySelector(cls)).value.trim();
        const entry = { kind: get('.fiche-ind-kind'), label: get('.fiche-ind-label'), target: get('.fiche-ind-target'), source: get('.fiche-ind-source') };
        if (!entry.label && !entry.target && !entry.source) continue;
        if (!entry.label) { showProblem(name, 'indicator_without_label'); return undefined; }
        list.push(entry);
      }
      return list;
    });
    let drawn = '';
    renders.push(() => {
      const a = action();
      if (!a || dirty.has(name) || editing(rows)) return;
      const key = JSON.stringify(a.fiche.indicators ?? []);
      if (key === drawn) return;
      drawn = key;
      if (rowsShow(name, a.fiche.indicators)) return;
      rows.replaceChildren();
      for (const ind of a.fiche.indicators ?? []) addRow(ind);
    });
    return box;
  }

  // -- milestones ---------------------------------------------------------------------------------------

  function milestonesPart() {
    const list = h('ul', { class: 'fiche-rows fiche-milestones' });
    // the months of the card, in words (a list works the same in every browser, and cannot fall outside)
    const month = /** @type {HTMLSelectElement} */ (h('select', { class: 'fiche-milestone-month-select', attrs: { 'aria-label': t('actions.fiche.milestone_month') } }));
    const label = /** @type {HTMLInputElement} */ (h('input', { attrs: { type: 'text', 'data-max-chars': MAX_MILESTONE_LABEL, dir: 'auto', 'aria-label': t('actions.fiche.milestone_label'), placeholder: t('actions.fiche.milestone_label_placeholder') } }));
    const add = () => {
      const a = action();
      if (!a) return;
      const m = parseMonth(month.value);
      const text = label.value.trim();
      if (m === null) { showProblem('milestones', 'milestone_month_required'); month.focus(); return; }
      if (!text || badText(text) || chars(text) > MAX_MILESTONE_LABEL) { showProblem('milestones', 'label_required'); label.focus(); return; }
      const start = parseMonth(a.start);
      const end = parseMonth(a.end);
      if (start !== null && end !== null && (m < start || m > end)) {
        showProblem('milestones', 'milestone_outside', { span: spanLabel(a.start, a.end, t) });
        return;
      }
      showProblem('milestones', null);
      send([{ op: 'milestone.add', id: actionId, milestone: newMilestoneId(), month: formatMonthId(m), label: text }], 'milestones');
      label.value = '';
      refresh();
    };
    label.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } });
    const box = h('div', { class: 'fiche-field fiche-wide', dataset: { field: 'milestones' } }, [
      h('p', { class: 'fiche-label', text: t('actions.fiche.field.milestones') }), list,
      h('div', { class: 'fiche-row fiche-milestone-add' }, [month, label, h('button', { class: 'fiche-add', attrs: { type: 'button' }, text: t('actions.fiche.add.milestone'), on: { click: add } })]),
      errorBox('milestones'),
    ]);
    renders.push(() => {
      const a = action();
      if (!a) return;
      const span = `${a.start}/${a.end}/${lang}`;
      if (month.dataset.span !== span) {
        month.dataset.span = span;
        const chosen = month.value;
        const first = parseMonth(a.start) ?? 0;
        const last = parseMonth(a.end) ?? first;
        /** @type {HTMLElement[]} */
        const options = [];
        for (let m = first; m <= last && options.length < 240; m++) {
          options.push(h('option', { attrs: { value: formatMonthId(m) }, text: monthLabel(formatMonthId(m), t) }));
        }
        month.replaceChildren(...options);
        const kept = parseMonth(chosen);
        if (kept !== null && kept >= first && kept <= last) month.value = chosen;
      }
      const key = JSON.stringify(a.milestones ?? []);
      if (list.dataset.key === key) return;
      list.dataset.key = key;
      const sorted = [...(a.milestones ?? [])].sort((x, y) => x.month.localeCompare(y.month));
      list.replaceChildren(...sorted.map((ms) => h('li', { class: 'fiche-row fiche-milestone', dataset: { milestone: ms.id } }, [
        h('span', { class: 'fiche-milestone-month', text: monthLabel(ms.month, t) }),
        h('span', { class: 'fiche-milestone-label', text: ms.label, attrs: { dir: 'auto' } }),
        h('button', {
          class: 'fiche-remove', attrs: { type: 'button', 'aria-label': t('actions.fiche.remove_milestone', { label: ms.label }) }, text: t('actions.fiche.remove'),
          on: { click: () => send([{ op: 'milestone.remove', id: actionId, milestone: ms.id }], 'milestones') },
        }),
      ])));
      if (!sorted.length) list.append(h('li', { class: 'fiche-empty', text: t('actions.fiche.no_milestones') }));
    });
    return box;
  }

  // -- the capabilities web -------------------------------------------------------------------------------

  /** A colour square (set through the CSSOM: the page's CSP refuses style attributes). @param {string} colour */
  function swatch(colour) {
    const el = h('span', { class: 'fiche-swatch', attrs: { 'aria-hidden': 'true' } });
    el.style.setProperty('--swatch', colour);
    return el;
  }

  function capabilitiesPart() {
    let current = '';
    const picture = h('div', { class: 'fiche-radar' });
    const tabs = h('div', { class: 'fiche-series', attrs: { role: 'group', 'aria-label': t('actions.radar.series_choice') } });
    const levelsKey = h('ol', { class: 'fiche-levels', attrs: { start: '0' } },
      [0, 1, 2, 3, 4].map((level) => h('li', { value: level }, [h('strong', { text: String(level) }), ' ', t(`actions.level.${level}`)])));
    const grid = h('div', { class: 'fiche-scores' });
    const status = h('p', { class: 'fiche-hint', attrs: { 'aria-live': 'polite' } });

    /** @param {string} axis @param {number | null} level */
    function score(axis, level) {
      if (!current || !may().fiches) return;
      send([{ op: 'capability.set', id: actionId, series: current, axis, level }], 'capabilities');
      refresh();
    }

    renders.push(() => {
      const a = action();
      if (!a) return;
      const s = settings();
      const axes = s.axes ?? [];
      const series = s.series ?? [];
      if (!series.some((x) => x.id === current)) current = series[0]?.id ?? '';
      const axisLabels = Object.fromEntries(axes.map((x) => [x.id, choiceLabel('axis', x, t)]));
      const seriesLabels = Object.fromEntries(series.map((x) => [x.id, choiceLabel('series', x, t)]));
      const caps = a.capabilities ?? {};
      const key = JSON.stringify([axes, series, caps, current, may().fiches, lang]);
      if (picture.dataset.key === key) return;
      picture.dataset.key = key;

      // the picture, with its words
      if (axes.length >= 3) {
        const known = new Set(axes.map((x) => x.id));
        /** @type {Record<string, Record<string, number>>} */
        const levels = {};
        for (const [sid, byAxis] of Object.entries(caps)) {
          levels[sid] = Object.fromEntries(Object.entries(byAxis).filter(([ax]) => known.has(ax)));
        }
        const geometry = radarGeometry(axes, series, levels, { size: 400 });
        const alt = series.map((x) => {
          const byAxis = caps[x.id];
          if (!byAxis || !Object.keys(byAxis).length) return t('actions.radar.alt_series_empty', { series: seriesLabels[x.id] });
          const parts = axes.filter((ax) => ax.id in byAxis).map((ax) => t('actions.radar.alt_axis', { axis: axisLabels[ax.id], level: byAxis[ax.id] }));
          return t('actions.radar.alt_series', { series: seriesLabels[x.id], levels: parts.join(', ') });
        }).join(' ');
        const svgEl = radarSvg(geometry, {
          labels: { axes: axisLabels, series: seriesLabels, seriesOrder: series.map((x) => x.id), alt: `${t('actions.radar.title')}. ${alt}`, title: t('actions.radar.title') },
          editable: may().fiches,
          onPick: (axis, level) => score(axis, level),
        });
        picture.replaceChildren(svgEl);
      } else {
        picture.replaceChildren(h('p', { class: 'fiche-hint', text: t('actions.radar.too_few_axes') }));
      }

      // the series tabs
      // what had the focus (a level just pressed, a tab): given back after the redraw, for keyboards and readers
      const active = document.activeElement instanceof HTMLElement && (grid.contains(document.activeElement) || tabs.contains(document.activeElement))
        ? document.activeElement : null;
      const refocus = active ? {
        series: active.dataset.series ?? null,
        axis: active.closest('[data-axis]')?.getAttribute('data-axis') ?? null,
        level: active.dataset.level ?? (active.classList.contains('fiche-level-clear') ? 'clear' : null),
      } : null;

      tabs.replaceChildren(...series.map((x, i) => {
        const scored = Object.keys(caps[x.id] ?? {}).length;
        return h('button', {
          class: 'fiche-series-tab', attrs: { type: 'button', 'aria-pressed': String(x.id === current) },
          dataset: { series: x.id, always: '1' },
          on: { click: () => { current = x.id; refresh(); } },
        }, [swatch(seriesColour(i)),
          h('span', { text: seriesLabels[x.id] }),
          h('span', { class: 'fiche-count', text: t('actions.radar.scored', { n: scored, total: axes.length }) })]);
      }));

      // one row per axis: five levels and « effacer »
      const mine = caps[current] ?? {};
      grid.replaceChildren(...axes.map((ax) => {
        const level = Object.prototype.hasOwnProperty.call(mine, ax.id) ? mine[ax.id] : null;
        const rowId = fieldId(`axis-${ax.id}`);
        return h('div', { class: 'fiche-score', dataset: { axis: ax.id }, attrs: { role: 'group', 'aria-labelledby': rowId } }, [
          h('span', { class: 'fiche-score-axis', text: axisLabels[ax.id], attrs: { id: rowId, dir: 'auto' } }),
          h('span', { class: 'fiche-score-buttons' }, [0, 1, 2, 3, 4].map((n) => h('button', {
            class: 'fiche-level', dataset: { level: String(n) },
            attrs: { type: 'button', 'aria-pressed': String(level === n), title: t(`actions.level.${n}`), 'aria-label': t('actions.radar.set_level', { level: n, meaning: t(`actions.level.${n}`) }) },
            text: String(n),
            on: { click: () => score(ax.id, n) },
          }))),
          h('button', {
            class: 'fiche-level-clear', attrs: { type: 'button', 'aria-label': t('actions.radar.clear_axis', { axis: axisLabels[ax.id] }) },
            text: t('actions.radar.clear'), disabled: level === null,
            on: { click: () => score(ax.id, null) },
          }),
        ]);
      }));
      status.textContent = current ? t('actions.radar.editing', { series: seriesLabels[current] ?? current }) : '';
      if (refocus) {
        const selector = refocus.series ? `.fiche-series-tab[data-series="${CSS.escape(refocus.series)}"]`
          : refocus.axis && refocus.level === 'clear' ? `[data-axis="${CSS.escape(refocus.axis)}"] .fiche-level-clear`
            : refocus.axis && refocus.level ? `[data-axis="${CSS.escape(refocus.axis)}"] .fiche-level[data-level="${refocus.level}"]` : null;
        const again = selector ? /** @type {HTMLElement | null} */ ((refocus.series ? tabs : grid).querySelector(selector)) : null;
        if (again && !(/** @type {HTMLButtonElement} */ (again).disabled)) again.focus();
        else if (refocus.axis) /** @type {HTMLElement | null} */ (grid.querySelector(`[data-axis="${CSS.escape(refocus.axis)}"] .fiche-level`))?.focus();
      }
    });

    return section('capabilities', t('actions.radar.title'), [
      h('p', { class: 'fiche-hint', text: t('actions.radar.intro') }),
      picture, tabs, status, levelsKey, grid, errorBox('capabilities'),
    ]);
  }

  // -- what comes from the residents ---------------------------------------------------------------------------

  function sourcesPart() {
    const list = h('ul', { class: 'fiche-sources' });
    const note = h('p', { class: 'fiche-hint', attrs: { 'aria-live': 'polite' } });
    // in a study: the neighbourhoods and the residents behind the action (the server counts them)
    const behindLine = h('p', { class: 'fiche-behind', attrs: { dir: 'auto' }, hidden: true });
    /** @type {any} */
    let behind = null;
    /** @type {Map<string, any> | null} null: not loaded (or no such route yet) */
    let known = null;
    let loading = false;
    let missingRoute = false;
    let loadedFor = '';
    const keyOf = (/** @type {{board: string, item: string}} */ l) => `${l.board}/${l.item}`;

    async function load() {
      if (loading) return;
      loading = true;
      loadedFor = JSON.stringify(action()?.links ?? []);
      try {
        const response = await fetch(`/api/boards/${encodeURIComponent(ctx.board.id)}/sources`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (response.status === 404) { missingRoute = true; known = new Map(); return; }
        if (!response.ok) throw new Error(String(response.status));
        const data = await response.json();
        known = new Map((data.links ?? []).map((/** @type {any} */ l) => [keyOf(l), l]));
        behind = data.behind_actions?.[actionId] ?? null;
        missingRoute = false;
      } catch {
        known = known ?? new Map();
        note.textContent = t('actions.sources.unavailable');
      } finally {
        loading = false;
        drawn = '';
        refresh();
      }
    }

    let drawn = '';
    renders.push(() => {
      const a = action();
      if (!a) return;
      const links = a.links ?? [];
      // a link not described yet (just made): ask again once the server has it (nothing of ours pending)
      const undescribed = Boolean(known) && !missingRoute && links.some((l) => !known?.has(keyOf(l)));
      const settled = (ctx.store.pendingCount ?? 0) === 0;
      if (undescribed && settled && !loading && loadedFor !== JSON.stringify(links)) load();
      const waiting = known === null || loading || (undescribed && loadedFor !== JSON.stringify(links));
      const key = JSON.stringify([links, known ? [...known.keys()] : null, may().fiches, waiting, behind]);
      if (key === drawn) return;
      drawn = key;
      behindLine.hidden = !(behind && links.length);
      if (behind && links.length) {
        const places = (behind.neighbourhoods ?? []).map((/** @type {any} */ n) => n.name).join(', ') || t('questions.territory');
        behindLine.textContent = t('questions.behind.line', { places, people: countOf(t, 'questions.behind.residents', behind.residents ?? 0, lang) })
          + (behind.votes_hidden ? ` ${t('questions.behind.votes_hidden')}` : '');
      }
      if (!links.length) {
        list.replaceChildren(h('li', { class: 'fiche-empty', text: t('actions.sources.none') }));
        return;
      }
      list.replaceChildren(...links.map((link) => {
        const info = known?.get(keyOf(link));
        const unlink = h('button', {
          class: 'fiche-remove', attrs: { type: 'button' }, text: t('actions.sources.unlink'), disabled: !may().fiches,
          on: { click: () => send([{ op: 'action.unlink', id: actionId, board: link.board, item: link.item }], 'links') },
        });
        const open = h('a', { class: 'fiche-source-open', text: t('actions.sources.open'), attrs: { href: `/boards/${encodeURIComponent(link.board)}?item=${encodeURIComponent(link.item)}` } });
        if (!info) {
          return h('li', { class: 'fiche-source fiche-source-raw', dataset: { board: link.board, item: link.item } }, [
            h('p', { text: waiting ? t('actions.sources.loading') : t('actions.sources.raw', { board: link.board, item: link.item }) }),
            h('div', { class: 'fiche-buttons' }, [open, unlink]),
          ]);
        }
        const sol = info.solution ?? {};
        const title = wordsOf(sol, lang) || t('actions.sources.solution');
        const behind = info.behind ?? {};
        /** @param {string} kind @param {any[]} entries */
        const chain = (kind, entries) => (entries?.length ? h('li', { class: `fiche-chain-${kind}` }, [
          h('span', { class: 'fiche-chain-kind', text: t(`actions.sources.${kind}`) }),
          ...entries.map((e) => h('span', { class: `fiche-chip${e.severity ? ` severity-${e.severity}` : ''}` }, [
            e.picture_url ? h('img', { attrs: { src: e.picture_url, alt: '', width: 28, height: 28 } }) : null,
            h('span', { text: wordsOf(e, lang), attrs: { dir: 'auto' } }),
          ])),
        ]) : null);
        return h('li', { class: `fiche-source${info.found === false ? ' fiche-source-gone' : ''}`, dataset: { board: link.board, item: link.item } }, [
          h('div', { class: 'fiche-source-head' }, [
            sol.picture_url ? h('img', { attrs: { src: sol.picture_url, alt: '', width: 56, height: 56 } }) : null,
            h('div', {}, [
              h('p', { class: 'fiche-source-title', text: title, attrs: { dir: 'auto' } }),
              h('p', { class: 'fiche-hint', text: [info.neighbourhood?.name, info.board_title, typeof info.votes === 'number' ? countOf(t, 'actions.sources.votes', info.votes, lang) : null].filter(Boolean).join(' · '), attrs: { dir: 'auto' } }),
              info.found === false ? h('p', { class: 'fiche-error', text: t('actions.sources.gone') }) : null,
            ]),
          ]),
          h('ul', { class: 'fiche-chain' }, [
            chain('activities', behind.activities), chain('difficulties', behind.difficulties), chain('touchpoints', behind.touchpoints),
            behind.threads ? h('li', { class: 'fiche-hint', text: countOf(t, 'actions.sources.threads', behind.threads, lang) }) : null,
          ]),
          h('div', { class: 'fiche-buttons' }, [open, unlink]),
        ]);
      }));
      note.textContent = missingRoute ? t('actions.sources.not_yet') : '';
    });

    const linkButton = h('button', {
      class: 'fiche-add', attrs: { type: 'button' }, text: t('actions.sources.link_more'),
      on: { click: () => { openSolutionPicker(ctx, { linkTo: actionId }); } },
    });
    load();
    return section('sources', t('actions.sources.title'), [h('p', { class: 'fiche-hint', text: t('actions.sources.intro') }), behindLine, list, note, linkButton, errorBox('links')]);
  }

  // -- the question de travail it answers (a study's partners' workshop) ----------------------------------------

  function questionPart() {
    const select = /** @type {HTMLSelectElement} */ (h('select', { class: 'fiche-input' }));
    const part = section('question', t('questions.fiche.title'), [
      field('question', select, { label: t('questions.fiche.label'), hint: t('questions.fiche.hint'), wide: true }),
    ]);
    part.hidden = true; // shown once the study's questions are known (none: no study, nothing to choose)
    /** @type {import('../study/question-words.js').WorkQuestion[]} */
    let questions = [];
    const options = () => {
      const current = action()?.question ?? '';
      const known = questions.some((q) => q.id === current);
      select.replaceChildren(
        h('option', { attrs: { value: '' }, text: t('questions.fiche.none') }),
        ...questions.map((q, i) => h('option', { attrs: { value: q.id, dir: 'auto' }, text: `${questionTag(i)} · ${q.question}` })),
        ...(current && !known ? [h('option', { attrs: { value: current }, text: t('questions.fiche.removed') })] : []),
      );
      select.value = current;
    };
    select.addEventListener('change', () => {
      send([{ op: 'action.question', id: actionId, question: select.value || null }], 'question');
    });
    loadQuestions(ctx.workshop.id).then((found) => {
      questions = found;
      part.hidden = !found.length && !action()?.question;
      options();
      refresh();
    });
    let shown = '';
    renders.push(() => {
      const current = action()?.question ?? '';
      if (current === shown || editing(select)) return;
      shown = current;
      options();
    });
    return part;
  }

  // -- open, follow, close ------------------------------------------------------------------------------------

  const offStore = ctx.store.subscribe(() => refresh());
  const offReject = typeof ctx.onReject === 'function'
    ? ctx.onReject(({ op_id: opId, code }) => {
      const name = sentFor.get(opId);
      if (!name) return false; // not this fiche's: the page says it
      sentFor.delete(opId);
      const target = fieldOfCode(code) ?? name;
      showProblem(errors.has(target) ? target : name, code);
      dirty.delete(name);
      refresh();
      return true; // said next to its field: the page need not say it again
    })
    : null;

  let closed = false;
  function close() {
    if (closed) return;
    closed = true;
    for (const name of [...timers.keys()]) commit(name); // what was being typed is not lost
    offStore();
    if (offReject) offReject();
    document.removeEventListener('fresque:lang', relabel);
    if (dialog.open) dialog.close();
    dialog.remove();
    if (openOne === handle) openOne = null;
  }
  closeButton.addEventListener('click', close);
  doneButton.addEventListener('click', close);
  dialog.addEventListener('close', close);
  dialog.addEventListener('focusout', (e) => {
    // leaving a list's row saves that list
    const target = /** @type {HTMLElement | null} */ (e.target instanceof HTMLElement ? e.target : null);
    const name = target?.closest('[data-field]')?.getAttribute('data-field');
    if (name && dirty.has(name) && !target?.closest('[data-field]')?.contains(/** @type {Node | null} */ (e.relatedTarget))) commit(name);
  });

  // another language chosen while the fiche is open: the same fiche again, in that language
  const relabel = () => {
    if (closed) return;
    const scrolled = form.scrollTop;
    close();
    const again = openFiche(ctx, actionId);
    again.dialog.querySelector('.fiche-form')?.scrollTo({ top: scrolled });
  };
  document.addEventListener('fresque:lang', relabel);

  document.body.append(dialog);
  refresh();
  dialog.showModal();
  const first = /** @type {HTMLInputElement | null} */ (dialog.querySelector('input[name="title"]'));
  // with a mouse and keyboard, straight into the title; on a touch screen no keyboard pops up unasked
  if (first && !first.disabled && window.matchMedia?.('(pointer: fine)').matches) first.focus();
  const handle = { dialog, close };
  openOne = handle;
  return handle;
}

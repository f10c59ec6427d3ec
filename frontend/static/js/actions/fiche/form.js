// @ts-check
/**
 * One fiche dialog's form: its fields' ids, labels, hints and error boxes, and how one field is saved.
 *
 * Saving: a text field is sent when it loses the focus or after a pause in typing (never per keystroke), a
 * choice when it changes, a list as the whole new list — each as one `action.update {id, set: {field: value}}`.
 * The page checks the core's rules first (rules.js: same limits, same codes) and says what is wrong next to
 * the field in plain words instead of sending something the server would refuse.
 * Live: every part pushes a redraw into `renders`, run on every store change (`refresh`); a field being typed
 * in (`dirty`) or holding the focus is not overwritten.
 *
 * The parts of the fiche (lists.js, budget.js, calendar.js, capabilities.js, sources.js, question.js) are
 * built on the object `createForm` returns.
 */
import { h } from '../../board/dom.js';
import { TEXT_LIMITS } from '../../core/wire.gen.js';
import '../../core/textlimit.js'; // fields with data-max-chars count characters as the server does
import { allowed, ficheProblem, fundingSummary, numberTaken, updateOp } from './rules.js';
import { euros, problemText } from './words.js';

/** @typedef {import('./types.js').Action} Action */
/** @typedef {import('./types.js').ActionSettings} ActionSettings */
/** @typedef {import('./types.js').Fiche} Fiche */
/** @typedef {import('./types.js').FicheContext} FicheContext */
/** @typedef {ReturnType<typeof createForm>} Form */

/**
 * @param {FicheContext} ctx
 * @param {string} actionId
 * @param {string} prefix  this dialog's ids start with it (two dialogs never share an id)
 */
export function createForm(ctx, actionId, prefix) {
  const { t, lang } = ctx;
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
      form.summarise(); // the funding summary says it in plain words, under the lines
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

  function refresh() {
    for (const render of renders) render();
  }

  const form = {
    ctx, t, lang, actionId, fieldId, view, action, settings, may,
    dirty, timers, sentFor, errors, renders, readers,
    send, showProblem, errorBox, field, section, editing, rowsShow, commit, typed, textField, selectField, refresh,
    /** Says the funding rule in plain words under the lines (set by budget.js). */
    summarise: () => {},
  };
  return form;
}

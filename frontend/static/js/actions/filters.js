// @ts-check
/**
 * Filters and colours of the action fresco (issue 5): which action cards show, and what their colour says.
 *
 * Pure parts (no DOM, run under `node --test`, tests/js/actions_filters.test.mjs): `colourOf` / `swatchOf`
 * (a colourblind-safe palette, the same colour for the same value on every screen, and a pattern and a label
 * with it so the colour is never the only cue), `visible` (every criterion of the filter must match),
 * `valuesInUse`, and the filter's place in the URL hash (`filterFromHash`, `hashWith`).
 *
 * DOM part: `mountFilters(ctx, element)` draws the filter bar (axis, lead, partner, target group, status,
 * words, colour by, « Tout afficher ») and a legend; it calls `ctx.onFilter?.(filter, colourMode)` on every
 * change and keeps both in the URL hash so a reload shows the same. `paintCard(el, action, mode, settings, t)`
 * puts the colour, pattern and label on a card (the timeline calls it for each card).
 */

/**
 * @typedef {{axis?: string, lead?: string, partner?: string, target_group?: string, status?: string, text?: string}} Filter
 * @typedef {'lane' | 'axis' | 'lead' | 'status' | 'priority'} ColourMode
 * @typedef {{id: string, label: string | null}} Choice
 * @typedef {{colour: string, pattern: string, value: string, index: number}} Swatch
 * @typedef {(key: string, vars?: Record<string, unknown>) => string} Translate
 */

/** The criteria, in the bar's order. */
export const CRITERIA = /** @type {const} */ (['axis', 'lead', 'partner', 'target_group', 'status', 'text']);
/** What the cards' colour may say. */
export const COLOUR_MODES = /** @type {const} */ (['lane', 'axis', 'lead', 'status', 'priority']);
import { PRIORITIES, STATUSES } from '../core/wire.gen.js';

export { PRIORITIES, STATUSES }; // core/fiche.py's, generated

/**
 * Okabe & Ito's palette (told apart with every common colour blindness), darkest yellow left out for
 * contrast on white; the order puts neighbours far apart.
 */
export const PALETTE = /** @type {const} */ ([
  '#0072B2', // blue
  '#E69F00', // orange
  '#009E73', // bluish green
  '#CC79A7', // reddish purple
  '#56B4E9', // sky blue
  '#D55E00', // vermillion
  '#8C6D1F', // ochre (Okabe-Ito's yellow, darkened to be seen on white)
  '#4D4D4D', // dark grey
]);
/** Drawn over the colour (actions-facilitate.css `.af-pattern-*`): a second cue besides the hue. */
export const PATTERNS = /** @type {const} */ (['solid', 'stripes', 'dots', 'cross']);
/** No value (no lead, no axis…): a light grey, its own pattern. */
export const NONE_SWATCH = Object.freeze({ colour: '#A6A6A6', pattern: 'none', value: '', index: -1 });

/** Fixed colours where the value has a meaning. @type {Record<string, Record<string, number>>} */
const FIXED = {
  status: { draft: 7, validated: 2, running: 1, done: 0, dropped: 5 },
  priority: { high: 5, medium: 1, low: 4 },
};

/** @param {number} index @returns {Swatch['pattern']} */
function patternAt(index) {
  // neighbours differ in pattern as well as colour; past the palette, the same colour comes with another pattern
  return PATTERNS[(index + Math.floor(index / PALETTE.length)) % PATTERNS.length];
}

/** A small stable hash (FNV-1a, 32 bits) of a text. @param {string} text */
export function hashText(text) {
  let h = 0x811c9dc5;
  for (const ch of text) {
    h ^= /** @type {number} */ (ch.codePointAt(0));
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** A text as filters compare it: trimmed, lower case, without accents. @param {string | null | undefined} text */
export function fold(text) {
  return String(text ?? '').normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase().replace(/\s+/g, ' ');
}

/**
 * The value an action has for a colour mode ('' when it has none).
 * @param {any} action @param {string} mode
 */
export function valueOf(action, mode) {
  const fiche = action?.fiche ?? {};
  if (mode === 'lane') return String(action?.lane ?? '');
  if (mode === 'axis') return String(fiche.axis ?? '').trim();
  if (mode === 'lead') return String(fiche.lead ?? '');
  if (mode === 'status') return String(fiche.status ?? 'draft');
  if (mode === 'priority') return String(fiche.priority ?? '');
  return '';
}

/**
 * The colour, pattern and index of an action's value in a mode: the same value always gets the same one.
 * Lanes and organisations take their place in the board's lists (so two lanes never share a colour), status
 * and priority fixed colours, the axis (free text) a hash of its words (accents and case aside).
 * @param {any} action @param {string} mode @param {any} [settings] the board's settings
 * @returns {Swatch}
 */
export function swatchOf(action, mode, settings) {
  const value = valueOf(action, mode);
  if (!value) return NONE_SWATCH;
  /** @type {number} */
  let index;
  if (mode in FIXED && value in FIXED[mode]) {
    index = FIXED[mode][value];
    return { colour: PALETTE[index], pattern: mode === 'status' && value === 'draft' ? 'dots' : PATTERNS[0], value, index };
  }
  const list = mode === 'lane' ? settings?.lanes : mode === 'lead' ? settings?.organisations : null;
  const at = Array.isArray(list) ? list.findIndex((/** @type {Choice} */ c) => c.id === value) : -1;
  index = at >= 0 ? at : hashText(mode === 'axis' ? fold(value) : value) % (PALETTE.length * PATTERNS.length);
  return { colour: PALETTE[index % PALETTE.length], pattern: patternAt(index), value, index };
}

/**
 * The CSS colour of an action's card for a colour mode.
 * @param {any} action @param {string} mode one of COLOUR_MODES @param {any} [settings]
 */
export function colourOf(action, mode, settings) {
  return swatchOf(action, mode, settings).colour;
}

/**
 * A list entry's words: its own label, else the default's translation (`actions.<list>.<id>`).
 * @param {Choice[] | undefined} list @param {string} listName lane | axis | target_group | organisation | series
 * @param {string} id @param {Translate} t
 */
export function choiceLabel(list, listName, id, t) {
  const found = (list ?? []).find((c) => c.id === id);
  if (found?.label) return found.label;
  const key = `actions.${listName}.${id}`;
  const said = t(key);
  return said === key ? id : said;
}

/**
 * The words of an action's value in a mode (for the legend and the card's label).
 * @param {string} mode @param {string} value @param {any} settings @param {Translate} t
 */
export function valueLabel(mode, value, settings, t) {
  if (!value) return t('actions.filter.none');
  if (mode === 'lane') return choiceLabel(settings?.lanes, 'lane', value, t);
  if (mode === 'lead') return choiceLabel(settings?.organisations, 'organisation', value, t);
  if (mode === 'status' || mode === 'priority') {
    const key = `actions.${mode}.${value}`;
    const said = t(key);
    return said === key ? value : said;
  }
  return value;
}

/**
 * Whether an action shows under a filter: every criterion given must match (an empty one matches all).
 * `axis` compares the fiche's axis without case or accents; `lead` the lead organisation; `partner` one of the
 * partners; `target_group` one of the target groups; `status` the status (a new fiche is a draft); `text`
 * words found in the title, number, axis, findings or objectives (every word, accents aside).
 * @param {any} action @param {Filter | null | undefined} filter
 */
export function visible(action, filter) {
  if (!filter) return true;
  const fiche = action?.fiche ?? {};
  if (filter.axis && fold(fiche.axis) !== fold(filter.axis)) return false;
  if (filter.lead && fiche.lead !== filter.lead) return false;
  if (filter.partner && !(fiche.partners ?? []).some((/** @type {any} */ p) => p?.organisation === filter.partner)) return false;
  if (filter.target_group && !(fiche.target_groups ?? []).includes(filter.target_group)) return false;
  if (filter.status && (fiche.status ?? 'draft') !== filter.status) return false;
  if (filter.text && fold(filter.text)) {
    const hay = fold([fiche.title, fiche.number, fiche.axis, fiche.findings, fiche.general_objective,
      ...(fiche.operational_objectives ?? []), ...(fiche.territory ?? [])].filter(Boolean).join(' '));
    if (!fold(filter.text).split(' ').every((word) => hay.includes(word))) return false;
  }
  return true;
}

/** Whether a filter asks for anything. @param {Filter | null | undefined} filter */
export function isActive(filter) {
  return Boolean(filter && CRITERIA.some((k) => filter[k]));
}

/**
 * The values the actions use, for the filter's choices: axes (as written first, sorted), leads, partners,
 * target groups, statuses (in their usual order).
 * @param {Iterable<any>} actions
 * @returns {{axis: string[], lead: string[], partner: string[], target_group: string[], status: string[]}}
 */
export function valuesInUse(actions) {
  /** @type {Map<string, string>} */
  const axes = new Map();
  const leads = new Set();
  const partners = new Set();
  const groups = new Set();
  const statuses = new Set();
  for (const action of actions) {
    const fiche = action?.fiche ?? {};
    const axis = String(fiche.axis ?? '').trim();
    if (axis && !axes.has(fold(axis))) axes.set(fold(axis), axis);
    if (fiche.lead) leads.add(fiche.lead);
    for (const p of fiche.partners ?? []) if (p?.organisation) partners.add(p.organisation);
    for (const g of fiche.target_groups ?? []) groups.add(g);
    statuses.add(fiche.status ?? 'draft');
  }
  const sorted = (/** @type {Iterable<string>} */ xs) => [...xs].sort((a, b) => a.localeCompare(b, 'fr'));
  return {
    axis: sorted(axes.values()),
    lead: sorted(leads),
    partner: sorted(partners),
    target_group: sorted(groups),
    status: STATUSES.filter((s) => statuses.has(s)),
  };
}

/**
 * The filter and colour mode kept in the URL hash (`#axis=…&lead=ccas&colour=status`). Other keys of the hash
 * (another module's) are left alone.
 * @param {string} hash `location.hash`
 * @returns {{filter: Filter, colour: ColourMode}}
 */
export function filterFromHash(hash) {
  const params = new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
  /** @type {Filter} */
  const filter = {};
  for (const key of CRITERIA) {
    const value = params.get(key);
    if (value) filter[key] = value.slice(0, 200);
  }
  const colour = /** @type {ColourMode} */ (params.get('colour') ?? '');
  return { filter, colour: COLOUR_MODES.includes(colour) ? colour : 'lane' };
}

/**
 * The hash with this filter and colour mode (the default colour, by lane, is left out), other keys kept.
 * @param {string} hash @param {Filter} filter @param {ColourMode} colour
 * @returns {string} '' or '#…'
 */
export function hashWith(hash, filter, colour) {
  const params = new URLSearchParams(String(hash ?? '').replace(/^#/, ''));
  for (const key of [...CRITERIA, 'colour']) params.delete(key);
  for (const key of CRITERIA) if (filter[key]) params.set(key, /** @type {string} */ (filter[key]));
  if (colour && colour !== 'lane') params.set('colour', colour);
  const text = params.toString();
  return text ? `#${text}` : '';
}

// -- the page ---------------------------------------------------------------------------------------------

/**
 * Colour a card: a CSS variable `--af-colour` (the card's stripe, actions-facilitate.css), a pattern class
 * and the value's words in a small label (`.af-tag`), so the colour is never the only cue.
 * @param {HTMLElement} el the card
 * @param {any} action @param {string} mode @param {any} settings @param {Translate} t
 */
export function paintCard(el, action, mode, settings, t) {
  const swatch = swatchOf(action, mode, settings);
  el.style.setProperty('--af-colour', swatch.colour);
  el.classList.add('af-painted');
  for (const p of [...PATTERNS, 'none']) el.classList.toggle(`af-pattern-${p}`, p === swatch.pattern);
  el.dataset.colourBy = mode;
  el.dataset.colourValue = swatch.value;
  const words = valueLabel(mode, swatch.value, settings, t);
  // on the timeline's card, after its dates (redrawn before this is called); elsewhere at the end
  const home = /** @type {HTMLElement} */ (el.querySelector(':scope > .tl-card-body > .tl-card-dates') ?? el);
  let tag = /** @type {HTMLElement | null} */ (home.querySelector(':scope > .af-tag'));
  if (!tag) {
    tag = document.createElement('span');
    tag.className = 'af-tag';
    tag.dir = 'auto';
    home.append(tag);
  }
  tag.textContent = words;
  return swatch;
}

/**
 * @param {string} tag @param {Record<string, string | null | undefined>} [attrs] @param {(Node | string | null)[]} [children]
 * @returns {HTMLElement}
 */
function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined) continue;
    if (k === 'class') node.className = v;
    else if (k === 'text') node.textContent = v;
    else node.setAttribute(k, v);
  }
  for (const child of children) if (child !== null) node.append(child);
  return node;
}

/**
 * The filter bar. Returns its state and a way to set it; calls `ctx.onFilter?.(filter, colour)` on each
 * change (and once at the start, from the URL hash) and keeps `ctx.filters = {filter, colour}` up to date.
 * @param {any} ctx the actions page's context (main.js)
 * @param {HTMLElement} element where the bar goes
 */
export function mountFilters(ctx, element) {
  const t = /** @type {Translate} */ ((key, vars) => ctx.t(key, vars));
  let { filter, colour } = filterFromHash(typeof location === 'undefined' ? '' : location.hash);
  let sig = '';
  // the criteria fold behind « Filtres » on every screen (open when one is set): the timeline gets the room
  let open = isActive(filter);
  // a phone folds « Couleur selon » behind « Filtres » too (one button above the timeline, nothing more)
  const narrow = typeof matchMedia === 'function' ? matchMedia('(max-width: 600px)') : null;
  narrow?.addEventListener('change', () => draw(true));
  const toggleFocus = () => /** @type {HTMLElement | null} */ (form.querySelector('.af-filters-toggle'))?.focus();
  const form = /** @type {HTMLFormElement} */ (el('form', { class: 'af-filters', role: 'search' }));
  form.addEventListener('submit', (e) => e.preventDefault());
  const legend = el('ul', { class: 'af-legend' });
  const count = el('p', { class: 'af-count', role: 'status', 'aria-live': 'polite' });
  element.classList.add('af-filter-bar');
  element.replaceChildren(form, legend, count);

  /** Tell the page; the form is drawn again unless the one typing is in it (`redraw` false). */
  const emit = (redraw = true) => {
    ctx.filters = { filter: { ...filter }, colour };
    if (typeof location !== 'undefined' && typeof history !== 'undefined') {
      const next = hashWith(location.hash, filter, colour);
      if (next !== location.hash) history.replaceState(history.state, '', `${location.pathname}${location.search}${next}`);
    }
    ctx.onFilter?.({ ...filter }, colour);
    if (redraw) draw(true);
    else {
      form.querySelector('.af-reset')?.toggleAttribute('disabled', !isActive(filter));
      form.dataset.active = String(isActive(filter));
      draw(false);
    }
  };

  /**
   * @param {string} name @param {string} labelKey @param {{value: string, label: string}[]} options
   * @param {string} current @param {string} [anyKey]
   */
  const select = (name, labelKey, options, current, anyKey = 'actions.filter.any') => {
    const id = `af-filter-${name}`;
    const sel = /** @type {HTMLSelectElement} */ (el('select', { id, name, class: `af-select af-select-${name}` }, [
      anyKey ? el('option', { value: '', text: t(anyKey) }) : null,
      ...options.map((o) => el('option', { value: o.value, text: o.label })),
    ]));
    if (current && !options.some((o) => o.value === current)) sel.append(el('option', { value: current, text: current }));
    sel.value = current;
    sel.addEventListener('change', () => {
      if (name === 'colour') colour = /** @type {ColourMode} */ (sel.value);
      else filter = { ...filter, [name]: sel.value || undefined };
      emit();
    });
    return el('label', { class: `af-field af-field-${name}`, for: id }, [el('span', { class: 'af-label', text: t(labelKey) }), sel]);
  };

  /** @param {boolean} force */
  const draw = (force) => {
    const view = ctx.store.view();
    const settings = view.settings ?? {};
    const actions = [...view.actions.values()];
    const used = valuesInUse(actions);
    const mySig = JSON.stringify([used, settings.organisations, settings.target_groups, settings.lanes, ctx.lang]);
    if (force || mySig !== sig) {
      sig = mySig;
      const active = document.activeElement;
      const focusName = active instanceof HTMLElement && form.contains(active) ? active.getAttribute('name') : null;
      const org = (/** @type {string} */ id) => ({ value: id, label: choiceLabel(settings.organisations, 'organisation', id, t) });
      const text = /** @type {HTMLInputElement} */ (el('input', {
        id: 'af-filter-text', name: 'text', type: 'search', class: 'af-search', dir: 'auto', maxlength: '200',
        placeholder: t('actions.filter.text_hint'), autocomplete: 'off',
      }));
      text.value = filter.text ?? '';
      text.addEventListener('input', () => { filter = { ...filter, text: text.value || undefined }; emitSoon(); });
      const reset = el('button', { type: 'button', class: 'af-reset', text: t('actions.filter.reset') });
      reset.toggleAttribute('disabled', !isActive(filter));
      reset.addEventListener('click', () => { filter = {}; emit(); });
      const n = CRITERIA.filter((k) => filter[k]).length;
      const toggle = el('button', {
        type: 'button', class: 'af-filters-toggle', 'aria-expanded': String(open), 'aria-controls': 'af-criteria',
        text: n ? t('actions.filter.toggle_count', { n }) : t('actions.filter.toggle'),
      });
      toggle.addEventListener('click', () => { open = !open; draw(true); toggleFocus(); });
      const criteria = el('div', { class: 'af-criteria', id: 'af-criteria' }, [
        el('label', { class: 'af-field af-field-text', for: 'af-filter-text' }, [el('span', { class: 'af-label', text: t('actions.filter.text') }), text]),
        select('axis', 'actions.filter.axis', used.axis.map((a) => ({ value: a, label: a })), filter.axis ?? ''),
        select('lead', 'actions.filter.lead', used.lead.map(org), filter.lead ?? ''),
        select('partner', 'actions.filter.partner', used.partner.map(org), filter.partner ?? ''),
        select('target_group', 'actions.filter.target_group', used.target_group.map((g) => ({
          value: g, label: choiceLabel(settings.target_groups, 'target_group', g, t),
        })), filter.target_group ?? ''),
        select('status', 'actions.filter.status', STATUSES.map((s) => ({ value: s, label: valueLabel('status', s, settings, t) })), filter.status ?? ''),
      ]);
      criteria.hidden = !open;
      const colourField = select('colour', 'actions.filter.colour', COLOUR_MODES.map((m) => ({ value: m, label: t(`actions.colour.${m}`) })), colour, '');
      if (narrow?.matches) {
        criteria.append(colourField);
        form.replaceChildren(toggle, criteria, reset);
      } else {
        form.replaceChildren(toggle, criteria, colourField, reset);
      }
      form.dataset.active = String(isActive(filter));
      if (focusName) /** @type {HTMLElement | null} */ (form.querySelector(`[name="${focusName}"]`))?.focus();
      if (focusName === 'text') text.setSelectionRange(text.value.length, text.value.length);
    }
    drawLegend(actions, settings);
    const shown = actions.filter((a) => visible(a, filter)).length;
    const words = isActive(filter) ? t('actions.filter.count', { shown, total: actions.length }) : '';
    if (count.textContent !== words) count.textContent = words;
  };

  /** @type {ReturnType<typeof setTimeout> | null} */
  let soon = null;
  const emitSoon = () => {
    if (soon) clearTimeout(soon);
    soon = setTimeout(() => { soon = null; emit(false); }, 200);
  };

  let legendSig = '';
  /** @param {any[]} actions @param {any} settings */
  const drawLegend = (actions, settings) => {
    /** @type {Map<string, Swatch>} */
    const seen = new Map();
    for (const a of actions) {
      if (!visible(a, filter)) continue;
      const s = swatchOf(a, colour, settings);
      if (!seen.has(s.value)) seen.set(s.value, s);
    }
    // statuses and priorities in their usual order, the rest by colour (a lane's place in the list)
    const order = /** @type {readonly string[]} */ (colour === 'status' ? STATUSES : colour === 'priority' ? PRIORITIES : []);
    const rank = (/** @type {Swatch} */ s) => (order.length ? (s.value ? order.indexOf(s.value) : order.length) : s.index < 0 ? Infinity : s.index);
    const entries = [...seen.values()].sort((a, b) => (rank(a) - rank(b)) || a.value.localeCompare(b.value));
    const mySig = JSON.stringify([colour, entries, ctx.lang, settings.lanes, settings.organisations]);
    if (mySig === legendSig) return;
    legendSig = mySig;
    legend.setAttribute('aria-label', t('actions.filter.legend', { mode: t(`actions.colour.${colour}`) }));
    legend.replaceChildren(...entries.map((s) => {
      const chipEl = el('span', { class: `af-swatch af-painted af-pattern-${s.pattern}`, 'aria-hidden': 'true' });
      chipEl.style.setProperty('--af-colour', s.colour);
      return el('li', { class: 'af-legend-item', 'data-value': s.value }, [
        chipEl, el('span', { dir: 'auto', text: valueLabel(colour, s.value, settings, t) }),
      ]);
    }));
  };

  const onHash = () => {
    const next = filterFromHash(location.hash);
    if (JSON.stringify(next) === JSON.stringify({ filter, colour })) return;
    ({ filter, colour } = next);
    emit();
  };
  if (typeof window !== 'undefined') window.addEventListener('hashchange', onHash);
  // another language: after the page's own listener has switched ctx.t (a task later)
  if (typeof document !== 'undefined') {
    document.addEventListener('fresque:lang', () => setTimeout(() => { legendSig = ''; draw(true); }, 0));
  }
  ctx.store.subscribe?.(() => draw(false));
  draw(true);
  ctx.filters = { filter: { ...filter }, colour };
  // the timeline may set ctx.onFilter after this: tell it once the page's modules are all mounted
  queueMicrotask(() => ctx.onFilter?.({ ...filter }, colour));

  return {
    get filter() { return { ...filter }; },
    get colour() { return colour; },
    /** @param {Filter} f @param {ColourMode} [c] */
    set(f, c) { filter = { ...f }; if (c) colour = c; emit(); },
    relabel() { draw(true); },
  };
}

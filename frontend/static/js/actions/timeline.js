// @ts-check
/**
 * The action fresco's timeline: the time axis (years, then periods by scale), today's line, the lanes as
 * horizontal bands with their names always in sight, and the action cards spanning start → end in their lane
 * (cards that overlap in a lane are stacked into rows). Long timelines scroll sideways; the axis stays at the
 * top and the lane names at the left.
 *
 * The timeline reads left → right (earlier → later) in every language, like the week grid of the exploration
 * board: it is a time axis, not text. In Arabic the page around it mirrors (dir="rtl") but the timeline's
 * root carries dir="ltr"; text inside cards and lane names is dir="auto".
 *
 * Input (Pointer Events, one path for mouse, pen and touch): a press that moves less than 8 px is a tap
 * (selects the card); dragging a card's body moves it (snapped to the scale while dragging; across lanes to
 * change lane), dragging an edge handle (a 28 px wide hit area) resizes it; the card is clamped to the
 * timeline while dragging and the change goes out on release. Keyboard on a focused card: ←/→ move by a
 * period, Shift+←/→ move the end, ↑/↓ change lane, Enter opens the fiche, Space selects, Delete deletes.
 * What is sent is the page's (main.js) through `on`.
 */
import { h } from '../board/dom.js';
import { laneStep, monthWidth, movedStart, periodsFor, rangeOf, resizedEdge, spanOf, stack, ticksOf } from './layout.js';
import { formatMonth, monthName, monthOf, periodLabel, spanLabel } from './months.js';

/** @typedef {import('./store.js').Action} Action */
/** @typedef {import('./store.js').ActionView} ActionView */
/** @typedef {import('./layout.js').Range} Range */
/**
 * @typedef {{
 *   tap: (id: string) => void,
 *   open: (id: string) => void,
 *   remove: (id: string) => void,
 *   move: (id: string, to: {lane?: string, start?: string}) => void,
 *   resize: (id: string, edge: 'start' | 'end', month: string) => void,
 *   mayMove: () => boolean,
 *   refused: () => void,
 *   dragging?: (preview: {id: string, lane: string, start: string, end: string} | null) => void,
 *   emptyTap?: () => void,
 * }} TimelineEvents
 */

const CARD_H = 84;
const ROW_H = 96;
const LANE_PAD = 8;
const TAP_SLOP = 8;
const EDGE_SCROLL = 48; // px from the timeline's side where a drag scrolls it
/** Lane colours until the filters choose another (Okabe–Ito, the same as filters.js's first three). */
const LANE_COLOURS = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00'];

/**
 * A list entry's words: its own label, else its default's translation.
 * @param {{id: string, label: string | null}} choice @param {string} list @param {(key: string) => string} t
 */
export function choiceWords(choice, list, t) {
  return choice.label ?? t(`actions.${list}.${choice.id}`);
}

export class Timeline {
  /**
   * @param {object} o
   * @param {HTMLElement} o.root the scroll box (dir="ltr")
   * @param {() => {t: (key: string, vars?: any) => string, lang: string}} o.i18n
   * @param {() => ActionView} o.view
   * @param {TimelineEvents} o.on
   */
  constructor({ root, i18n, view, on }) {
    this.root = root;
    this.i18n = i18n;
    this.getView = view;
    this.on = on;
    /** @type {string | null} */
    this.selected = null;
    /** @type {{filter: any, colour: string}} */
    this.filter = { filter: {}, colour: 'lane' };
    /** @type {{visible?: (a: any, f: any) => boolean, paintCard?: (el: HTMLElement, a: any, mode: string, settings: any, t: any) => any} | null} */
    this.filters = null;
    /** @type {Map<string, HTMLElement>} */
    this.cards = new Map();
    /** @type {((action: Action) => HTMLElement) | null} something more on each card (facilitate.js's dot votes), made once per card */
    this.extra = null;
    /** @type {Map<string, HTMLElement>} */
    this.laneBodies = new Map();
    this.sig = '';
    this.monthPx = 60;
    /** @type {Range | null} */
    this.range = null;
    /** @type {{id: string, lane: string, start: string, end: string} | null} a drag in progress, as it would land */
    this.preview = null;
    /** @type {any} */
    this.drag = null;
    /**
     * Cards someone else is dragging right now, by their connection (presence drag previews), drawn where
     * they would land with a dashed outline and the mover's name.
     * @type {Map<string, {id: string, lane: string, start: string, end: string, who: string}>}
     */
    this.remote = new Map();
    this.frame = 0;
    /** @type {string | null} a card to give the focus back to after the next drawing (keyboard moves) */
    this.pendingFocus = null;
    /** @type {string | null} a card lit up for a few seconds (the page's ?action=) */
    this.flash = null;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.flashTimer = null;
    this.canvas = h('div', { class: 'tl-canvas' });
    this.root.replaceChildren(this.canvas);
    this.listen();
    new ResizeObserver(() => { this.sig = ''; this.schedule(); }).observe(this.root);
  }

  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Language changed. */
  relabel() {
    this.sig = '';
    for (const el of this.cards.values()) delete el.dataset.sig;
    this.schedule();
  }

  /** @param {string | null} id */
  select(id) {
    this.selected = id;
    this.schedule();
  }

  /** @param {any} filter @param {string} colour */
  setFilter(filter, colour) {
    this.filter = { filter: filter ?? {}, colour: colour || 'lane' };
    for (const el of this.cards.values()) delete el.dataset.sig;
    this.schedule();
  }

  /** The element of a card (tests, focus). @param {string} id */
  cardEl(id) {
    return this.cards.get(id) ?? null;
  }

  // -- drawing ----------------------------------------------------------------------------------------------

  render() {
    // a card keeps the keyboard focus when it is moved to another lane or the lanes are rebuilt
    const active = document.activeElement;
    const focused = active instanceof HTMLElement && active.classList.contains('tl-card') ? active.dataset.id ?? null : null;
    const view = this.getView();
    const { t, lang } = this.i18n();
    const settings = view.settings;
    const range = rangeOf(settings);
    const head = this.headWidth();
    const monthPx = monthWidth(range.scale, range.months, this.root.clientWidth - head - 2);
    const lanes = settings.lanes;
    const shown = [...view.actions.values()].filter((a) => this.isVisible(a));
    const placed = stack(shown, lanes);
    const sig = JSON.stringify([settings.timeline, lanes, monthPx, head, lang, [...placed.rows]]);
    // Not while a card is being dragged: rebuilding the lanes would take it out of the page, and end the drag
    // (someone else's new card may add a row meanwhile: the lanes grow once the card is dropped).
    if (sig !== this.sig && !this.drag?.started) {
      this.sig = sig;
      this.range = range;
      this.monthPx = monthPx;
      this.build(range, monthPx, head, lanes, placed.rows, t, lang);
    }
    this.range = range;
    this.monthPx = monthPx;
    this.drawToday(range, monthPx, head, t);

    const seen = new Set();
    for (const action of shown) {
      seen.add(action.id);
      const mine = this.preview?.id === action.id ? this.preview : null;
      const theirs = mine ? null : [...this.remote.values()].find((r) => r.id === action.id) ?? null;
      const preview = mine ?? theirs;
      const lane = placed.laneOf.get(action.id) ?? lanes[0].id;
      const body = this.laneBodies.get(lane);
      if (!body) continue;
      let el = this.cards.get(action.id);
      if (!el) {
        el = this.makeCard(action.id);
        this.cards.set(action.id, el);
      }
      // A card being dragged stays in its lane's element (moving it elsewhere in the DOM would end the
      // pointer's capture, and the drag): it is only drawn over the lane it would land in.
      if (el.parentElement !== body && !mine) body.append(el);
      const start = preview ? preview.start : action.start;
      const end = preview ? preview.end : action.end;
      const row = placed.row.get(action.id) ?? 0;
      let top = LANE_PAD + row * ROW_H;
      const target = preview && preview.lane !== lane ? this.laneBodies.get(preview.lane) : null;
      if (target && el.parentElement) {
        top = target.getBoundingClientRect().top - el.parentElement.getBoundingClientRect().top + LANE_PAD;
      }
      this.fillCard(el, action, start, end, settings, t, lang, Boolean(mine), theirs?.who ?? null);
      el.classList.toggle('flash', this.flash === action.id);
      const s = spanOf({ ...action, start, end });
      el.style.left = `${(s.start - range.start) * monthPx + 2}px`;
      el.style.width = `${Math.max(24, (s.end - s.start + 1) * monthPx - 4)}px`;
      el.style.top = `${top}px`;
      el.style.height = `${CARD_H}px`;
    }
    for (const [id, el] of this.cards) {
      if (!seen.has(id)) {
        el.remove();
        this.cards.delete(id);
      }
    }
    const refocus = this.pendingFocus ?? focused;
    this.pendingFocus = null;
    if (refocus) {
      const el = this.cards.get(refocus);
      if (el && document.activeElement !== el) this.focusCard(refocus);
    }
  }

  /** The width of the lane names' column (actions.css `--tl-head`; 0 on a phone, where names sit above their lane). */
  headWidth() {
    const value = parseFloat(getComputedStyle(this.root).getPropertyValue('--tl-head'));
    return Number.isFinite(value) ? value : 160;
  }

  /** @param {Action} a */
  isVisible(a) {
    const f = this.filters;
    return !f?.visible || f.visible(a, this.filter.filter);
  }

  /**
   * The axis and the lanes (when the range, the lanes or the rows change).
   * @param {Range} range @param {number} monthPx @param {number} head @param {readonly {id: string, label: string | null}[]} lanes
   * @param {Map<string, number>} rows @param {(key: string, vars?: any) => string} t @param {string} lang
   */
  build(range, monthPx, head, lanes, rows, t, lang) {
    const width = range.months * monthPx;
    this.canvas.style.width = `${head + width}px`;
    const { periods, years } = ticksOf(range);
    const yearRow = h('div', { class: 'tl-years' }, years.map((y) => {
      const el = h('div', { class: 'tl-year', text: String(y.year) });
      el.style.left = `${(y.start - range.start) * monthPx}px`;
      el.style.width = `${y.months * monthPx}px`;
      return el;
    }));
    const periodRow = h('div', { class: 'tl-periods' }, periods.map((m) => {
      const label = range.scale === 'month' ? monthName(m % 12, lang) : periodLabel(m, range.scale, t, lang);
      const el = h('div', { class: `tl-period${m % 12 === 0 ? ' year-start' : ''}` }, [h('span', { text: label, attrs: { dir: 'auto' } })]);
      el.style.left = `${(m - range.start) * monthPx}px`;
      el.style.width = `${range.period * monthPx}px`;
      return el;
    }));
    this.todayLabel = h('div', { class: 'tl-today-label', text: t('actions.today') });
    const axis = h('div', { class: 'tl-axis' }, [
      h('div', { class: 'tl-corner', text: t('actions.lanes_title') }),
      h('div', { class: 'tl-axis-body' }, [yearRow, periodRow, this.todayLabel]),
    ]);
    // the grid lines behind the cards: one per period, stronger at each year
    const grid = periods.map((m) => {
      const el = h('div', { class: `tl-gridline${m % 12 === 0 ? ' year-start' : ''}` });
      el.style.left = `${(m - range.start) * monthPx}px`;
      return el;
    });
    this.laneBodies = new Map();
    const laneEls = lanes.map((lane, i) => {
      const body = h('div', { class: 'tl-lane-body', dataset: { lane: lane.id } }, grid.map((g) => /** @type {HTMLElement} */ (g.cloneNode())));
      body.style.height = `${(rows.get(lane.id) ?? 1) * ROW_H + LANE_PAD * 2 - (ROW_H - CARD_H)}px`;
      body.style.width = `${width}px`;
      this.laneBodies.set(lane.id, body);
      const words = choiceWords(lane, 'lane', t);
      const el = h('div', { class: `tl-lane lane-${i % 2 ? 'odd' : 'even'}`, dataset: { lane: lane.id }, attrs: { role: 'group', 'aria-label': words } }, [
        h('div', { class: 'tl-lane-head' }, [h('span', { class: 'tl-lane-name', text: words, attrs: { dir: 'auto' } })]),
        body,
      ]);
      el.style.setProperty('--lane-colour', LANE_COLOURS[i % LANE_COLOURS.length]);
      return el;
    });
    this.todayLine = h('div', { class: 'tl-today', attrs: { 'aria-hidden': 'true' } });
    this.lanesEl = h('div', { class: 'tl-lanes' }, [...laneEls, this.todayLine]);
    this.canvas.replaceChildren(axis, this.lanesEl);
    for (const el of this.cards.values()) el.remove(); // re-placed by render() in their new lane bodies
  }

  /** @param {Range} range @param {number} monthPx @param {number} head @param {(key: string) => string} t */
  drawToday(range, monthPx, head, t) {
    if (!this.todayLine || !this.todayLabel) return;
    const now = new Date();
    const month = monthOf(now);
    const days = new Date(now.getFullYear(), now.getMonth() + 1, 0).getDate();
    const inside = month >= range.start && month <= range.end;
    this.todayLine.hidden = !inside;
    this.todayLabel.hidden = !inside;
    if (!inside) return;
    const x = (month - range.start + (now.getDate() - 0.5) / days) * monthPx;
    this.todayLine.style.left = `${head + x}px`;
    this.todayLabel.style.left = `${x}px`;
    this.todayLabel.title = t('actions.today');
  }

  /** @param {string} id */
  makeCard(id) {
    // A group, not a button: the card holds buttons of its own (the dot votes); the keyboard works on it (see above)
    const el = h('div', { class: 'tl-card', dataset: { id }, attrs: { tabindex: '0', role: 'group' } }, [
      h('span', { class: 'tl-stripe', attrs: { 'aria-hidden': 'true' } }),
      h('span', { class: 'tl-handle tl-handle-start', attrs: { 'aria-hidden': 'true' } }),
      h('div', { class: 'tl-card-body' }, [
        h('p', { class: 'tl-card-title', attrs: { dir: 'auto' } }),
        h('p', { class: 'tl-card-dates' }),
        h('div', { class: 'tl-card-extra' }),
      ]),
      h('div', { class: 'tl-milestones' }),
      h('span', { class: 'tl-handle tl-handle-end', attrs: { 'aria-hidden': 'true' } }),
    ]);
    return el;
  }

  /**
   * @param {HTMLElement} el @param {Action} a @param {string} start @param {string} end @param {any} settings
   * @param {(key: string, vars?: any) => string} t @param {string} lang @param {boolean} dragging
   * @param {string | null} [mover] the name of someone else dragging it now
   */
  fillCard(el, a, start, end, settings, t, lang, dragging, mover = null) {
    const selected = this.selected === a.id;
    const movable = this.on.mayMove();
    const sig = JSON.stringify([a, start, end, selected, dragging, movable, lang, settings.timeline.scale, this.filter.colour, mover]);
    if (el.dataset.sig === sig) return;
    el.dataset.sig = sig;
    const range = /** @type {Range} */ (this.range);
    const s = spanOf({ ...a, start, end });
    const span = spanLabel(s.start, s.end, range.scale, t, lang);
    const number = a.fiche.number ? `${a.fiche.number} ` : '';
    const title = /** @type {HTMLElement} */ (el.querySelector('.tl-card-title'));
    title.replaceChildren(
      ...(number ? [h('span', { class: 'tl-card-number', text: a.fiche.number })] : []),
      h('span', { class: 'tl-card-name', text: a.fiche.title }),
    );
    // the span in words (filters.js's paintCard puts its colour's words after it, in the same line)
    /** @type {HTMLElement} */ (el.querySelector('.tl-card-dates')).replaceChildren(h('span', { class: 'tl-card-span', text: span, attrs: { dir: 'auto' } }));
    const lane = settings.lanes.find((/** @type {any} */ l) => l.id === (dragging && this.preview ? this.preview.lane : a.lane));
    el.setAttribute('aria-label', t('actions.card.label', { title: `${number}${a.fiche.title}`, lane: lane ? choiceWords(lane, 'lane', t) : '', span }));
    el.setAttribute('aria-roledescription', t('actions.card.role'));
    if (selected) el.setAttribute('aria-current', 'true');
    else el.removeAttribute('aria-current');
    el.classList.toggle('selected', selected);
    el.classList.toggle('dragging', dragging);
    el.classList.toggle('moved-by-other', Boolean(mover));
    let badge = /** @type {HTMLElement | null} */ (el.querySelector(':scope > .tl-mover'));
    if (mover) {
      if (!badge) el.append(badge = h('span', { class: 'tl-mover', attrs: { dir: 'auto' } }));
      badge.textContent = mover;
    } else {
      badge?.remove();
    }
    el.classList.toggle('movable', movable);
    el.dataset.start = start;
    el.dataset.end = end;
    el.dataset.lane = a.lane;
    el.dataset.status = a.fiche.status;
    const extra = /** @type {HTMLElement} */ (el.querySelector('.tl-card-extra'));
    if (this.extra && !extra.firstChild) extra.append(this.extra(a));
    // the colour: the filters' choice when they are there, else the lane's
    const laneIndex = Math.max(0, settings.lanes.findIndex((/** @type {any} */ l) => l.id === a.lane));
    el.style.setProperty('--card-colour', LANE_COLOURS[laneIndex % LANE_COLOURS.length]);
    if (this.filters?.paintCard) this.filters.paintCard(el, a, this.filter.colour, settings, t);
    // milestones: small diamonds where they fall, their label on hover, and on the card focused or selected
    const msEl = /** @type {HTMLElement} */ (el.querySelector('.tl-milestones'));
    const months = s.end - s.start + 1;
    const shift = s.start - spanOf(a).start; // a drag carries them along
    msEl.replaceChildren(...a.milestones.map((m) => {
      const at = spanOf({ ...a, start: m.month, end: m.month }).start + shift;
      const when = `${monthName(at % 12, lang)} ${Math.floor(at / 12)}`;
      const item = h('span', { class: 'tl-ms', attrs: { title: `${when} · ${m.label}` } }, [
        h('span', { class: 'tl-ms-diamond', attrs: { 'aria-hidden': 'true' } }),
        h('span', { class: 'tl-ms-label', text: m.label, attrs: { dir: 'auto' } }),
      ]);
      item.style.left = `${((at - s.start + 0.5) / months) * 100}%`;
      return item;
    }));
    if (a.milestones.length) {
      el.setAttribute('aria-description', a.milestones.map((m) => `${t('actions.milestone')} ${m.month}: ${m.label}`).join('; '));
    } else {
      el.removeAttribute('aria-description');
    }
  }

  // -- input ------------------------------------------------------------------------------------------------

  listen() {
    const root = this.root;
    root.addEventListener('pointerdown', (e) => this.down(e));
    root.addEventListener('pointermove', (e) => this.moveTo(e));
    root.addEventListener('pointerup', (e) => this.up(e));
    root.addEventListener('pointercancel', (e) => this.cancel(e));
    root.addEventListener('lostpointercapture', (e) => { if (this.drag && this.drag.pointerId === e.pointerId) this.cancel(e); });
    root.addEventListener('keydown', (e) => this.key(e));
    // a tap on the timeline's empty space lets go of the selected card (a swipe that scrolls makes no click)
    root.addEventListener('click', (e) => { if (!(/** @type {HTMLElement} */ (e.target).closest('.tl-card'))) this.on.emptyTap?.(); });
    // a long press on a card must not open the browser's menu over the workshop
    root.addEventListener('contextmenu', (e) => { if (/** @type {HTMLElement} */ (e.target).closest('.tl-card')) e.preventDefault(); });
  }

  /** The x of a pointer inside the timeline's content (scroll included). @param {PointerEvent} e */
  contentX(e) {
    return e.clientX - this.root.getBoundingClientRect().left + this.root.scrollLeft;
  }

  /** @param {PointerEvent} e */
  down(e) {
    if (this.drag || (e.pointerType === 'mouse' && e.button !== 0)) return;
    const target = /** @type {HTMLElement} */ (e.target);
    const card = target.closest('.tl-card');
    if (!(card instanceof HTMLElement) || !card.dataset.id) return;
    const action = this.getView().actions.get(card.dataset.id);
    if (!action) return;
    const mode = target.closest('.tl-handle-start') ? 'start' : target.closest('.tl-handle-end') ? 'end' : 'move';
    this.drag = {
      pointerId: e.pointerId, id: action.id, mode, x0: this.contentX(e), y0: e.clientY, cx0: e.clientX, action,
      started: false, el: card,
    };
    if (this.on.mayMove()) {
      card.setPointerCapture(e.pointerId);
      e.preventDefault(); // no text selection, no native drag
    }
  }

  /** @param {PointerEvent} e */
  moveTo(e) {
    const d = this.drag;
    if (!d || d.pointerId !== e.pointerId) return;
    if (!d.started) {
      if (Math.hypot(e.clientX - d.cx0, e.clientY - d.y0) < TAP_SLOP) return;
      if (!this.on.mayMove()) {
        // closed by the phase or the lock: a finger moving on a card scrolls the page, a mouse says why once
        if (e.pointerType === 'mouse') this.on.refused();
        this.drag = null;
        return;
      }
      d.started = true;
    }
    e.preventDefault();
    // near a side, the timeline scrolls under the card
    const r = this.root.getBoundingClientRect();
    if (e.clientX > r.right - EDGE_SCROLL) this.root.scrollLeft += 16;
    else if (e.clientX < r.left + EDGE_SCROLL + this.headWidth()) this.root.scrollLeft -= 16;
    const range = /** @type {Range} */ (this.range);
    const n = periodsFor(this.contentX(e) - d.x0, this.monthPx, range);
    const a = d.action;
    let { lane, start, end } = a;
    if (d.mode === 'move') {
      const first = movedStart(a, n, range);
      const span = spanOf(a);
      start = formatMonth(first);
      end = formatMonth(first + span.end - span.start);
      lane = this.laneAt(e.clientY) ?? a.lane;
    } else if (d.mode === 'start') {
      start = formatMonth(resizedEdge(a, 'start', n, range));
    } else {
      end = formatMonth(resizedEdge(a, 'end', n, range));
    }
    const next = { id: a.id, lane, start, end };
    if (JSON.stringify(next) !== JSON.stringify(this.preview)) {
      this.preview = next;
      this.on.dragging?.(next);
      this.render();
    }
  }

  /** @param {PointerEvent} e */
  up(e) {
    const d = this.drag;
    if (!d || d.pointerId !== e.pointerId) return;
    this.drag = null;
    const preview = this.preview;
    this.preview = null;
    if (!d.started) {
      d.el.focus({ preventScroll: true });
      this.on.tap(d.id);
      return;
    }
    this.on.dragging?.(null);
    const a = d.action;
    if (preview) {
      if (d.mode === 'move' && (preview.lane !== a.lane || preview.start !== a.start)) {
        /** @type {{lane?: string, start?: string}} */
        const to = {};
        if (preview.lane !== a.lane) to.lane = preview.lane;
        if (preview.start !== a.start) to.start = preview.start;
        this.on.move(a.id, to);
      } else if (d.mode === 'start' && preview.start !== a.start) {
        this.on.resize(a.id, 'start', preview.start);
      } else if (d.mode === 'end' && preview.end !== a.end) {
        this.on.resize(a.id, 'end', preview.end);
      }
    }
    this.render();
  }

  /** @param {Event} e */
  cancel(e) {
    if (!this.drag || (/** @type {PointerEvent} */ (e).pointerId !== this.drag.pointerId)) return;
    this.drag = null;
    this.preview = null;
    this.on.dragging?.(null);
    this.render();
  }

  /** The lane under a screen y (the nearest at the top and bottom). @param {number} y */
  laneAt(y) {
    let best = null;
    let bestDistance = Infinity;
    for (const [lane, body] of this.laneBodies) {
      const r = body.getBoundingClientRect();
      const distance = y < r.top ? r.top - y : y > r.bottom ? y - r.bottom : 0;
      if (distance < bestDistance) {
        best = lane;
        bestDistance = distance;
      }
    }
    return best;
  }

  /** @param {KeyboardEvent} e */
  key(e) {
    const card = /** @type {HTMLElement} */ (e.target).closest?.('.tl-card');
    if (!(card instanceof HTMLElement) || !card.dataset.id || e.ctrlKey || e.metaKey || e.altKey) return;
    const view = this.getView();
    const a = view.actions.get(card.dataset.id);
    if (!a || !this.range) return;
    const range = this.range;
    if (e.key === 'Enter') {
      e.preventDefault();
      this.on.open(a.id);
      return;
    }
    if (e.key === ' ') {
      e.preventDefault();
      this.on.tap(a.id);
      return;
    }
    if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      this.on.remove(a.id);
      return;
    }
    if (!e.key.startsWith('Arrow')) return;
    e.preventDefault();
    this.pendingFocus = a.id;
    if (!this.on.mayMove()) {
      this.on.refused();
      return;
    }
    const step = e.key === 'ArrowLeft' ? -1 : e.key === 'ArrowRight' ? 1 : 0;
    if (step && e.shiftKey) {
      const end = formatMonth(resizedEdge(a, 'end', step, range));
      if (end !== a.end) this.on.resize(a.id, 'end', end);
    } else if (step) {
      const start = formatMonth(movedStart(a, step, range));
      if (start !== a.start) this.on.move(a.id, { start });
    } else {
      const lane = laneStep(view.settings.lanes, a.lane, e.key === 'ArrowUp' ? -1 : 1);
      if (lane) this.on.move(a.id, { lane });
    }
  }

  /**
   * Show one card to someone who came for it (?action=): drawn now, scrolled to on both axes (clear of the
   * sticky lane names and months, actions.css `scroll-margin`), focused, lit up for `ms`.
   * @param {string} id @param {number} ms
   * @returns {boolean} whether the card is on the timeline (a filter may hide it)
   */
  showCard(id, ms) {
    this.render();
    const el = this.cards.get(id);
    if (!el) return false;
    el.scrollIntoView({ block: 'center', inline: 'nearest', behavior: 'instant' });
    el.focus({ preventScroll: true });
    this.flash = id;
    el.classList.add('flash');
    if (this.flashTimer) clearTimeout(this.flashTimer);
    this.flashTimer = setTimeout(() => {
      this.flash = null;
      this.flashTimer = null;
      this.cards.get(id)?.classList.remove('flash');
    }, ms);
    return true;
  }

  /** Bring a card into sight and give it the focus (after a keyboard move it may be re-made). @param {string} id */
  focusCard(id) {
    const el = this.cards.get(id);
    if (!el) return;
    if (document.activeElement !== el) el.focus({ preventScroll: true });
    const r = this.root.getBoundingClientRect();
    const c = el.getBoundingClientRect();
    const head = this.headWidth();
    if (c.left < r.left + head) this.root.scrollLeft -= r.left + head - c.left + 16;
    else if (c.right > r.right && c.width < r.width - head) this.root.scrollLeft += c.right - r.right + 16;
  }
}

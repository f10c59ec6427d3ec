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

/**
 * Card heights. The lanes are given the timeline's height: a card is as tall as lets every lane be seen at once
 * (three lanes of a few rows each on a 768 px laptop), between a compact card (its title on one line beside its
 * dot votes) and a comfortable one (three lines of title above its dates and votes). More rows than fit keep the
 * compact height, and the timeline scrolls down.
 */
const CARD_MIN = { fine: 40, coarse: 52 };
const CARD_MAX = { fine: 104, coarse: 124 };
const COMPACT_BELOW = 76; // px: a shorter card leaves its dates out (they are in its label, its bar, its fiche)
const STACK_BELOW = 240; // px: a narrower card puts its votes under its title, not beside it
const TITLE_CAP = { wide: 30, phone: 16 }; // rem: a title's widest (actions.css), room to slide along a long card
const TITLE_EM = 0.98; // a card's title, in rem (actions.css), bold; its lines 1.2 high, 1.1 on a compact card
const VOTE_H = { fine: 32, coarse: 44 }; // the dot-vote buttons (actions-facilitate.css)
const GAP = 8; // between two rows of a lane
const LANE_PAD = 6;
const MAX_LINES = 5; // a title needing more is cut with « … » (its fiche has it whole)
const REVEAL_MS = 1500; // how long a new card is kept in sight while the page around it settles (the bar opens)
const TAP_SLOP = 8;
const EDGE_SCROLL = 48; // px from the timeline's side where a drag scrolls it
const SHIFT_KEEP = 140; // px of a card its words keep at least when its start is off the side (shiftWords)
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
    this.cardH = CARD_MAX.fine;
    /** @type {Map<string, number[]>} each lane's row heights */
    this.heights = new Map();
    /** @type {CanvasRenderingContext2D | null} measures titles (linesOf) */
    this.measure = null;
    this.measureFont = '';
    /** whether the timeline was scrolled to where the actions are (once, at the first drawing with cards) */
    this.opened = false;
    /** @type {{id: string, until: number} | null} a card kept in sight for a moment (a new one) */
    this.revealing = null;
    this.canvas = h('div', { class: 'tl-canvas' });
    this.root.replaceChildren(this.canvas);
    this.listen();
    new ResizeObserver(() => { this.sig = ''; this.schedule(); }).observe(this.root);
    this.shiftFrame = 0;
    this.root.addEventListener('scroll', () => {
      if (!this.shiftFrame) this.shiftFrame = requestAnimationFrame(() => { this.shiftFrame = 0; this.shiftWords(); });
    }, { passive: true });
  }

  /**
   * A card whose start is off the timeline's left side (past the lane names) has its words begin at that side:
   * its body's start padding grows by the hidden part (--tl-shift, actions.css), and its title wraps in what is
   * in sight. The title's `position: sticky` alone could not: a title as wide as its card has no room to slide.
   */
  shiftWords() {
    const side = this.root.getBoundingClientRect().left + this.headWidth();
    const shifts = [...this.cards.values()].map((el) => {
      const r = el.getBoundingClientRect();
      return /** @type {[HTMLElement, string]} */ ([el, `${Math.round(Math.max(0, Math.min(side - r.left, r.width - SHIFT_KEEP)))}px`]);
    });
    for (const [el, px] of shifts) if (el.style.getPropertyValue('--tl-shift') !== px) el.style.setProperty('--tl-shift', px);
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
    const monthPx = monthWidth(range.scale, range.months, this.root.clientWidth - head - 2, this.rem() / 16);
    const lanes = settings.lanes;
    const shown = [...view.actions.values()].filter((a) => this.isVisible(a));
    const placed = stack(shown, lanes);
    const cardH = this.fitCardHeight(placed.rows, lanes.length, head);
    const heights = this.rowHeights(shown, placed, lanes, range, monthPx, cardH);
    const sig = JSON.stringify([settings.timeline, lanes, monthPx, head, lang, [...placed.rows], cardH, [...heights]]);
    // Not while a card is being dragged: rebuilding the lanes would take it out of the page, and end the drag
    // (someone else's new card may add a row meanwhile: the lanes grow once the card is dropped).
    if (sig !== this.sig && !this.drag?.started) {
      this.sig = sig;
      this.range = range;
      this.monthPx = monthPx;
      this.cardH = cardH;
      this.heights = heights;
      this.density(cardH);
      this.build(range, monthPx, head, lanes, heights, t, lang);
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
      const rowsOf = this.heights.get(lane) ?? [this.cardH];
      const height = rowsOf[row] ?? this.cardH;
      let top = LANE_PAD + rowsOf.slice(0, row).reduce((sum, rh) => sum + rh + GAP, 0);
      const target = preview && preview.lane !== lane ? this.laneBodies.get(preview.lane) : null;
      if (target && el.parentElement) {
        top = target.getBoundingClientRect().top - el.parentElement.getBoundingClientRect().top + LANE_PAD;
      }
      this.fillCard(el, action, start, end, settings, t, lang, Boolean(mine), theirs?.who ?? null);
      el.classList.toggle('flash', this.flash === action.id);
      const s = spanOf({ ...action, start, end });
      el.style.left = `${(s.start - range.start) * monthPx + 2}px`;
      const width = Math.max(24, (s.end - s.start + 1) * monthPx - 4);
      el.style.width = `${width}px`;
      this.layoutCard(el, width, height);
      el.style.top = `${top}px`;
      el.style.height = `${height}px`;
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
    if (!this.opened && shown.length && this.root.clientWidth > 0) {
      this.opened = true;
      this.openAtActions(shown, range);
    }
    if (this.revealing) {
      if (performance.now() > this.revealing.until) this.revealing = null;
      else this.scrollToCard(this.revealing.id);
    }
    this.shiftWords();
  }

  /** Whether this screen is mostly touched (bigger targets). */
  coarse() {
    return typeof matchMedia === 'function' && matchMedia('(pointer: coarse)').matches;
  }

  /**
   * The height of a card that lets every lane be seen in the timeline's height (see CARD_MIN / CARD_MAX).
   * @param {Map<string, number>} rows per lane @param {number} lanes @param {number} head the names' column (0: above)
   */
  fitCardHeight(rows, lanes, head) {
    const kind = this.coarse() ? 'coarse' : 'fine';
    const axis = this.canvas.querySelector('.tl-axis');
    const axisH = axis instanceof HTMLElement ? axis.offsetHeight : 52;
    // on a phone a lane's name sits above its band (actions.css), a line of its own
    const nameH = head > 0 ? 0 : (this.canvas.querySelector('.tl-lane-head')?.getBoundingClientRect().height ?? 26);
    const total = [...rows.values()].reduce((a, b) => a + b, 0) || lanes;
    const perLane = 2 * LANE_PAD + 2 - GAP + nameH; // padding, its border, one gap less than rows
    const room = this.root.clientHeight - axisH - lanes * perLane;
    const fit = Math.floor(room / Math.max(1, total)) - GAP;
    // a phone scrolls its lanes rather than squeeze a narrow card's title beside its votes: comfortable cards
    const least = head > 0 ? CARD_MIN[kind] : Math.max(CARD_MIN[kind], COMPACT_BELOW);
    return Math.max(least, Math.min(CARD_MAX[kind], fit));
  }

  /** How cards of `cardH` px lay out their words (actions.css reads it). @param {number} cardH */
  density(cardH) {
    this.root.dataset.density = cardH < COMPACT_BELOW ? 'compact' : 'comfortable';
  }

  /**
   * How one card lays out its words: a narrow comfortable card puts its votes under its title ("stack", the
   * title gets the card's whole width), any other keeps them beside it ("side"); the title gets the lines its
   * height leaves, so that nothing lies over it and it is cut as late as can be.
   * @param {HTMLElement} el @param {number} width px @param {number} height px
   */
  layoutCard(el, width, height) {
    const { stacked, words, line } = this.cardShape(width, height);
    el.dataset.layout = stacked ? 'stack' : 'side';
    el.style.setProperty('--tl-title-lines', String(Math.max(1, Math.floor(words / line))));
    const extra = /** @type {HTMLElement | null} */ (el.querySelector('.tl-card-extra'));
    const room = !stacked && extra ? extra.offsetWidth : 0;
    el.style.setProperty('--tl-vote-room', `${room ? room + 6 : 0}px`);
  }

  /**
   * A card's shape: its votes under its title or beside it, the px its title may take in height and in width,
   * a line's height. @param {number} width @param {number} height
   */
  cardShape(width, height) {
    const compact = this.cardH < COMPACT_BELOW;
    const stacked = !compact && width < STACK_BELOW;
    const vote = VOTE_H[this.coarse() ? 'coarse' : 'fine'];
    // the card's borders (4) and padding (8; none on a compact card: two lines fit in its 36 px), the rows'
    // gap (2), the votes' own padding (4) or the dates' line (24)
    const words = compact ? height - 4 : stacked ? height - 18 - (vote + 4) : height - 38;
    // the stripe, the body's padding and borders; beside the votes, their width too (a give and a take back)
    const rem = this.rem();
    const cap = (this.headWidth() > 0 ? TITLE_CAP.wide : TITLE_CAP.phone) * rem;
    const across = Math.min(cap, width - 44 - (stacked ? 0 : 2 * vote + 16));
    return { stacked, words, across, line: TITLE_EM * rem * (compact ? 1.1 : 1.2) };
  }

  /**
   * Each lane's row heights: the fitted card height, more for a row whose card needs it to show its whole
   * title (comfortable cards only, up to MAX_LINES lines: a compact laptop keeps every lane in sight instead).
   * @param {Action[]} shown @param {{row: Map<string, number>, rows: Map<string, number>, laneOf: Map<string, string>}} placed
   * @param {readonly {id: string}[]} lanes @param {Range} range @param {number} monthPx @param {number} cardH
   * @returns {Map<string, number[]>}
   */
  rowHeights(shown, placed, lanes, range, monthPx, cardH) {
    /** @type {Map<string, number[]>} */
    const heights = new Map(lanes.map((l) => [l.id, Array.from({ length: placed.rows.get(l.id) ?? 1 }, () => cardH)]));
    if (cardH < COMPACT_BELOW) return heights;
    for (const a of shown) {
      const s = spanOf(a);
      const width = Math.max(24, (Math.min(s.end, range.end) - Math.max(s.start, range.start) + 1) * monthPx - 4);
      const { words, across, line } = this.cardShape(width, cardH);
      const title = `${a.fiche.number ? `${a.fiche.number} ` : ''}${a.fiche.title}`;
      const lines = Math.min(MAX_LINES, this.linesOf(title, across));
      const more = Math.ceil(lines * line - words);
      if (more <= 0) continue;
      const row = heights.get(placed.laneOf.get(a.id) ?? '');
      const r = placed.row.get(a.id) ?? 0;
      if (row && row[r] !== undefined) row[r] = Math.max(row[r], cardH + more);
    }
    return heights;
  }

  /** The page's rem in px (base.css makes it larger on big and touch screens). */
  rem() {
    return parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
  }

  /** How many lines a title takes in `width` px, words wrapped as the card wraps them (measured). @param {string} text @param {number} width */
  linesOf(text, width) {
    const font = `700 ${TITLE_EM * this.rem()}px ${getComputedStyle(this.root).fontFamily}`;
    if (!this.measure || this.measureFont !== font) {
      const ctx = document.createElement('canvas').getContext('2d');
      if (!ctx) return 1;
      ctx.font = font;
      this.measure = ctx;
      this.measureFont = font;
    }
    const ctx = this.measure;
    let lines = 1;
    let used = 0;
    const space = ctx.measureText(' ').width;
    for (const word of text.split(/\s+/).filter(Boolean)) {
      const w = ctx.measureText(word).width;
      if (used > 0 && used + space + w > width) {
        lines += 1;
        used = 0;
      }
      // a word longer than the line takes a line of its own, cut at the card's end (actions.css: never split)
      used = used > 0 ? used + space + w : w;
    }
    return lines;
  }

  /**
   * The first view: where the actions are, not the timeline's first month (a board planned from 2024 to 2027
   * whose actions start in 2026 showed only empty lanes on a phone). The earliest action's start, or today
   * when a card runs through today and the earliest would push it out of sight.
   * @param {Action[]} shown @param {Range} range
   */
  openAtActions(shown, range) {
    const spans = shown.map((a) => spanOf(a));
    const first = Math.min(...spans.map((s) => s.start));
    const visible = (this.root.clientWidth - this.headWidth()) / this.monthPx;
    const today = monthOf();
    // today, when a card runs through it and the earliest card is too far back to show both (a third of the
    // view before today, or that card's start when it is nearer): a card is in sight either way
    const through = spans.filter((s) => s.start <= today && today <= s.end).map((s) => s.start);
    let from = first;
    if (through.length && today - first > visible * 0.66) from = Math.max(Math.min(...through), today - Math.floor(visible / 3));
    from = Math.max(range.start, from - (from % range.period));
    this.root.scrollLeft = Math.max(0, (from - range.start) * this.monthPx - 8);
  }

  /** Keep a card in sight while the page settles around it (a new card: the bar opens under it). @param {string} id */
  reveal(id) {
    this.revealing = { id, until: performance.now() + REVEAL_MS };
    this.render();
    this.focusCard(id);
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
   * @param {Map<string, number[]>} rows each lane's row heights @param {(key: string, vars?: any) => string} t @param {string} lang
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
      body.style.height = `${(rows.get(lane.id) ?? [this.cardH]).reduce((sum, rh) => sum + rh + GAP, 0) - GAP + LANE_PAD * 2}px`;
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
    this.scrollToCard(id);
  }

  /**
   * Scroll the timeline, on both axes, so that a card is in sight: clear of the lane names at the left and of
   * the months at the top (both sticky), its start shown when it is wider than the view.
   * @param {string} id
   */
  scrollToCard(id) {
    const el = this.cards.get(id);
    if (!el) return;
    const root = this.root;
    const r = root.getBoundingClientRect();
    const c = el.getBoundingClientRect();
    const head = this.headWidth();
    const right = r.left + root.clientWidth;
    if (c.left < r.left + head) root.scrollLeft -= r.left + head - c.left + 16;
    else if (c.right > right) root.scrollLeft += Math.min(c.right - right + 16, c.left - (r.left + head) - 16);
    const axis = this.canvas.querySelector('.tl-axis');
    const top = r.top + (axis instanceof HTMLElement ? axis.offsetHeight : 0);
    const bottom = r.top + root.clientHeight;
    if (c.top < top) root.scrollTop -= top - c.top + 12;
    else if (c.bottom > bottom) root.scrollTop += Math.min(c.bottom - bottom + 12, c.top - top - 12);
  }
}

// @ts-check
/**
 * Facilitation on the board page: the facilitator's bar (phase, timer, lock, votes, hidden round, follow me,
 * spotlight), the facilitator's actions on a selected card (hide / show, merge, spotlight), and, for every
 * screen, what the phase leaves open (the banner, the tools greyed with a reason). `main.js` calls `update()`
 * on every change of the replica, and `act` (acting.js) asks `refusal(ops)` before it sends anything.
 *
 * Wire: docs/protocol.md "Facilitation"; every control sends one ordinary durable op.
 */
import {
  PHASES, facilitates, hideItem, mergeItems, setTimer, updateBoard,
} from '../core/protocol.js';
import { bigButton } from './bars.js';
import { h, picture } from './dom.js';
import { OverflowRow } from './overflow.js';
import { PhaseBanner, phaseTools, refusal, showTools } from './phase.js';

const TIMER_PRESETS = [5, 10, 15, 20];

// -- the steps a board runs (« Étapes… »): pure, tested in tests/js/phases_paper.test.mjs --------------------

/** « Parcours habitants »: the resident workshop's six steps, in their usual order (the default). */
export const RESIDENT_RUN = /** @type {readonly string[]} */ (PHASES);

/**
 * The « Étapes… » sheet's working copy: every step in the order shown (the board's steps first, in their
 * order, then the others), and the ones ticked, always in that order.
 * @typedef {{order: string[], on: string[]}} PhaseDraft
 */

/**
 * @param {readonly string[]} phases the board's `settings.phases`
 * @param {readonly string[]} [all] every step this kind of board knows (an exploration board's by default)
 * @returns {PhaseDraft}
 */
export function phaseDraft(phases, all = PHASES) {
  const on = [...new Set(phases)].filter((p) => all.includes(p));
  return { order: [...on, ...all.filter((p) => !on.includes(p))], on };
}

/**
 * One step moved up (`delta` −1) or down (+1) the list; the same draft at either end.
 * @param {PhaseDraft} draft @param {string} id @param {number} delta
 * @returns {PhaseDraft}
 */
export function movePhase(draft, id, delta) {
  const i = draft.order.indexOf(id);
  const j = i + Math.sign(delta);
  if (i < 0 || j < 0 || j >= draft.order.length) return draft;
  const order = [...draft.order];
  [order[i], order[j]] = [order[j], order[i]];
  return { order, on: order.filter((p) => draft.on.includes(p)) };
}

/**
 * A step ticked or unticked. The last ticked step stays (a board runs one step at least): the same draft.
 * @param {PhaseDraft} draft @param {string} id
 * @returns {PhaseDraft}
 */
export function togglePhase(draft, id) {
  if (!draft.order.includes(id)) return draft;
  if (draft.on.includes(id)) {
    return draft.on.length <= 1 ? draft : { order: draft.order, on: draft.on.filter((p) => p !== id) };
  }
  return { order: draft.order, on: draft.order.filter((p) => p === id || draft.on.includes(p)) };
}

/**
 * The one `board.update` the sheet sends, or null when nothing changed. The current phase must stay one of
 * the phases (the server refuses `invalid_phase`): when it was taken out, the same op frees the board.
 * @param {readonly string[]} before the board's phases @param {readonly string[]} after the ones chosen
 * @param {string | null} current the board's phase now
 * @returns {{phases: string[], phase?: null} | null}
 */
export function phasesChange(before, after, current) {
  if (!after.length || (before.length === after.length && before.every((p, i) => p === after[i]))) return null;
  /** @type {{phases: string[], phase?: null}} */
  const change = { phases: [...after] };
  if (current !== null && !after.includes(current)) change.phase = null;
  return change;
}

/** @typedef {import('./phase.js').Tools} Tools */

export class Facilitation {
  /**
   * @param {object} o
   * @param {any} o.boot the page's bootstrap (`access`, `me.role`)
   * @param {import('../core/store.js').BoardStore} o.store
   * @param {() => {t: import('../core/i18n.js').Translate, lang: string}} o.i18n
   * @param {import('./catalogue.js').Catalogue} o.catalogue
   * @param {(ops: any[], options?: {undoable?: boolean}) => void} o.act
   * @param {import('./dialogs.js').Sheet} o.sheet
   * @param {import('./bars.js').Toasts} o.toasts
   * @param {(id: string) => void} o.reveal brings an item into sight
   * @param {() => string | null} o.selected the selected item's id
   * @param {(id: string | null) => void} o.select
   * @param {() => void} o.redraw schedule a redraw of the board
   * @param {import('./render.js').Renderer} o.renderer
   * @param {{voting: boolean, armed: string | null}} o.ui
   * @param {import('./palette.js').Palette} o.palette
   */
  constructor(o) {
    this.o = o;
    this.bar = document.getElementById('facilitator-bar');
    /** « Images » asked for the palette in a step that does not show it by itself (reset by a new step) */
    this.paletteAsked = false;
    this.pictures = document.getElementById('show-palette');
    this.pictures?.addEventListener('click', () => { this.paletteAsked = !this.paletteAsked; this.update(); });
    const bannerEl = document.getElementById('phase-banner');
    this.banner = bannerEl ? new PhaseBanner({
      root: bannerEl, i18n: o.i18n, now: () => o.store.serverNow(), icon: (n) => o.catalogue.icon(n),
    }) : null;
    /** @type {string | null} the card a "merge with…" started from */
    this.merging = null;
    /** @type {string | null} the spotlight last brought into sight */
    this.spotlit = null;
    this.barOpen = typeof matchMedia === 'function' ? !matchMedia('(max-width: 600px)').matches : true; // a phone: folded
    this.sig = '';
    /** @type {Tools} */
    this.current = phaseTools(null, { phase: null, locked: false }, 'facilitator');
    /** @type {string | null | undefined} the phase at the last update (undefined: none yet) */
    this.phaseSeen = undefined;
    /** The projector: shows, never changes anything (projector.js). */
    this.readOnly = false;
    /** @type {import('../core/store.js').BoardView | null} */
    this.shownFor = null;
    /** @type {import('../core/store.js').BoardView | null} */
    this.shownView = null;
    /** @type {import('./table.js').Table | null} people this device acts for (table mode, people on paper) */
    this.table = null;
    this.more = new OverflowRow({
      host: this.bar ?? h('div'), id: 'facilitator-more', label: () => this.o.i18n().t('board.fac.more'),
    });
  }

  /**
   * The page's table (table.js): the bar's « Saisir pour une personne sur papier » turns its paper mode on,
   * and what is made as one of its people follows that person's rules (a participant's), not the facilitator's.
   * @param {import('./table.js').Table} table
   */
  attachTable(table) {
    this.table = table;
    table.onPaperChange = () => { this.sig = ''; this.update(); };
    this.sig = '';
  }

  get role() {
    return this.o.store.role ?? this.o.boot.me?.role ?? null;
  }

  get facilitating() {
    return facilitates(this.role);
  }

  /** @returns {Tools} what this person may do now */
  tools() {
    if (this.readOnly) return phaseTools(null, this.o.store.view().settings, 'observer');
    return phaseTools(this.o.boot.access, this.o.store.view().settings, this.role);
  }

  /**
   * Null when these ops may go, else the reason, in words.
   * @param {any[]} ops @param {(author: string) => boolean} [own] whose cards this screen may change
   */
  refusal(ops, own) {
    // made as someone this device hosts (a table's member, a person on paper): the server applies their role
    const as = this.readOnly ? null : this.table?.actingFor(ops) ?? null;
    const tools = as ? phaseTools(this.o.boot.access, this.o.store.view().settings, 'participant') : this.tools();
    const key = refusal(tools, ops, this.o.store.view(), this.facilitating && !this.readOnly && !as, own);
    return key && this.o.i18n().t(key);
  }

  /**
   * What this screen draws. A projector opened from a facilitator's session must not show the room what
   * only facilitators see: hidden cards, others' cards of a hidden round (and their threads), and the dots
   * while votes are hidden. Everywhere else, the view as it is.
   * @param {import('../core/store.js').BoardView} view
   * @returns {import('../core/store.js').BoardView}
   */
  shown(view) {
    if (!this.readOnly || !this.facilitating) return view;
    if (this.shownFor === view && this.shownView) return this.shownView;
    const s = view.settings;
    const masked = (/** @type {any} */ it) => it.hidden || (s.private.active && it.round === s.private.round);
    const items = new Map([...view.items].filter(([, it]) => !masked(it)));
    const threads = new Map([...view.threads].filter(([, t]) => items.has(t.source) && items.has(t.target)));
    const votes = s.votes_hidden ? new Map() : view.votes;
    this.shownFor = view;
    this.shownView = Object.freeze({ ...view, items, threads, votes });
    return this.shownView;
  }

  /** The replica changed (or the language): redraw what depends on the settings. */
  update() {
    const settings = this.o.store.view().settings;
    const tools = this.tools();
    this.current = tools;
    const { t, lang } = this.o.i18n();
    this.banner?.update(settings, tools, this.facilitating);
    if (settings.phase !== this.phaseSeen) this.paletteAsked = false;
    showTools(tools, {
      vote: byIdOr('vote-mode'), note: byIdOr('add-note'), undo: byIdOr('undo'), palette: byIdOr('palette'), pictures: this.pictures,
    }, { t, phase: settings.phase, asked: this.paletteAsked });
    document.body.dataset.facilitating = String(this.facilitating);
    this.o.renderer.facilitating = this.facilitating && !this.readOnly;
    // a tool the phase just closed lets go of what it held
    if (!tools.votes && this.o.ui.voting) this.o.ui.voting = false;
    if (!tools.kinds.includes('activity') && this.o.ui.armed) {
      this.o.ui.armed = null;
      this.o.palette.setArmed(null);
    }
    document.body.classList.toggle('board-locked', Boolean(settings.locked));
    if (this.facilitating && this.bar && !this.readOnly) {
      const sig = JSON.stringify([settings.phases, settings.phase, settings.locked, settings.votes_hidden,
        settings.private, settings.timer && (settings.timer.ends_at === null ? 'paused' : 'running'), settings.follow,
        settings.spotlight, this.o.selected(), this.barOpen, lang, this.table?.paperOn ?? null]);
      if (sig !== this.sig) {
        this.sig = sig;
        this.drawBar(settings);
      }
    }
    // The vote opens: bring the ideas into sight (they hang at the bottom, under the week).
    if (settings.phase === 'vote' && this.phaseSeen !== undefined && this.phaseSeen !== 'vote') {
      const ideas = [...this.o.store.view().items.values()].filter((it) => it.kind === 'solution');
      ideas.sort((a, b) => a.y - b.y || a.x - b.x);
      if (ideas[0]) this.o.reveal(ideas[0].id);
    }
    this.phaseSeen = settings.phase;
    // The spotlight: everyone's screen brings it into sight once, when it is set.
    const spot = settings.spotlight;
    if (spot && spot !== this.spotlit && this.o.store.view().items.has(spot)) this.o.reveal(spot);
    this.spotlit = spot;
  }

  relabel() {
    this.sig = '';
    this.banner?.relabel();
    this.update();
  }

  /** @param {any} op */
  send(op) {
    this.o.act([op], { undoable: false });
  }

  /** @param {any} settings */
  drawBar(settings) {
    const bar = /** @type {HTMLElement} */ (this.bar);
    const { t } = this.o.i18n();
    const icon = (/** @type {string} */ name) => this.o.catalogue.icon(name);
    bar.hidden = false;
    const toggle = h('button', {
      class: 'fac-toggle',
      attrs: { type: 'button', 'aria-expanded': String(this.barOpen), 'aria-controls': 'facilitator-controls' },
      on: { click: () => { this.barOpen = !this.barOpen; this.sig = ''; this.update(); } },
    }, [picture(icon('facilitator')), h('span', { text: this.barOpen ? t('board.fac.close') : t('board.fac.open') })]);
    if (!this.barOpen) {
      bar.replaceChildren(toggle);
      bar.classList.add('folded');
      return;
    }
    bar.classList.remove('folded');
    const phases = /** @type {string[]} */ (settings.phases);
    const at = settings.phase === null ? -1 : phases.indexOf(settings.phase);
    const go = (/** @type {string | null} */ phase) => this.send(updateBoard({ phase }));
    const phaseGroup = group('board.phase.label', t, [
      button('‹', t('board.fac.prev'), () => go(at <= 0 ? null : phases[at - 1]), 'fac-step fac-prev', at < 0),
      // wide screens: every phase in a row; narrower ones: the same choice in one drop-down
      h('div', { class: 'fac-phases', attrs: { role: 'group', 'aria-label': t('board.phase.label') } }, [
        chip(t('board.phase.free'), settings.phase === null, () => go(null)),
        ...phases.map((p) => chip(t(`board.phase.${p}.name`), p === settings.phase, () => go(p), p)),
      ]),
      phaseSelect(phases, settings.phase, t, go),
      button('›', t('board.fac.next'), () => go(phases[at + 1]), 'fac-step fac-next', at >= phases.length - 1),
      button(t('board.steps.open'), null, () => this.editPhases(), 'fac-steps'),
    ]);
    const timer = settings.timer;
    const running = timer && timer.ends_at !== null;
    const timerGroup = group('board.fac.timer', t, [
      ...TIMER_PRESETS.map((m) => button(t('board.fac.minutes', { n: m }), null,
        () => this.send(setTimer('start', m * 60)), `fac-preset preset-${m}`)),
      timer ? button(running ? t('board.fac.pause') : t('board.fac.resume'), null,
        () => this.send(setTimer(running ? 'pause' : 'resume')), 'fac-pause') : null,
      timer ? button(t('board.fac.add_minute'), null, () => this.send(setTimer('add', 60)), 'fac-add') : null,
      timer ? button(t('board.fac.clear'), null, () => this.send(setTimer('clear')), 'fac-clear') : null,
    ]);
    const selected = this.o.selected();
    const boardGroup = group('board.fac.title', t, [
      toggleButton(settings.locked ? t('board.fac.unlock') : t('board.fac.lock'), settings.locked, icon('locked'),
        () => this.send(updateBoard({ locked: !settings.locked })), 'fac-lock'),
      toggleButton(settings.votes_hidden ? t('board.fac.reveal_votes') : t('board.fac.hide_votes'), settings.votes_hidden,
        icon('vote'), () => this.send(updateBoard({ votes_hidden: !settings.votes_hidden })), 'fac-votes'),
      toggleButton(settings.private.active ? t('board.fac.private_reveal') : t('board.fac.private_start'), settings.private.active,
        null, () => this.send(updateBoard({ private: !settings.private.active })), 'fac-private'),
      toggleButton(settings.follow ? t('board.fac.follow_off') : t('board.fac.follow_on'), Boolean(settings.follow), icon('people'),
        () => this.send(updateBoard({ follow: !settings.follow })), 'fac-follow'),
      settings.spotlight
        ? toggleButton(t('board.fac.spotlight_off'), true, null, () => this.send(updateBoard({ spotlight: null })), 'fac-spotlight')
        : selected ? toggleButton(t('board.fac.spotlight'), false, null,
          () => this.send(updateBoard({ spotlight: selected })), 'fac-spotlight') : null,
      this.table ? toggleButton(this.table.paperOn ? t('board.paper.stop') : t('board.paper.start'), this.table.paperOn,
        icon('note'), () => this.table?.setPaper(!this.table.paperOn), 'fac-paper') : null,
      h('a', {
        class: 'fac-button fac-projector',
        attrs: { href: `${location.pathname}?view=projector`, target: '_blank', rel: 'noopener' },
      }, [t('board.fac.projector')]),
    ]);
    const row = h('div', { class: 'fac-controls', attrs: { id: 'facilitator-controls' } }, [phaseGroup, timerGroup, boardGroup]);
    bar.replaceChildren(toggle, row);
    // what does not fit goes into « Plus », the board's controls first, then the timer's, then « Étapes… »
    const last = (/** @type {HTMLElement} */ g) => [...g.children].reverse();
    this.more.fit(row, [...last(boardGroup), ...last(timerGroup), ...phaseGroup.querySelectorAll('.fac-steps')]);
  }

  /**
   * « Étapes… »: which steps this board runs and in what order. Each step has a tick and up / down buttons;
   * « Parcours habitants » puts the six back. Saving sends one `board.update {phases}` (with `phase: null`
   * when the step in progress was taken out: the board is then free).
   */
  async editPhases() {
    const { t } = this.o.i18n();
    const answer = await askPhases({
      sheet: this.o.sheet, t, done: this.o.catalogue.icon('done'),
      phases: this.o.store.view().settings.phases, current: () => this.o.store.view().settings.phase,
    });
    if (!Array.isArray(answer)) return;
    const now = this.o.store.view().settings;
    const change = phasesChange(now.phases, answer, now.phase);
    if (change) this.send(updateBoard(change));
  }

  /**
   * The facilitator's buttons for the selected card: spotlight, hide / show, merge with….
   * @param {any} item
   * @returns {HTMLElement[]}
   */
  itemButtons(item) {
    if (!this.facilitating || this.readOnly) return [];
    const { t } = this.o.i18n();
    const icon = (/** @type {string} */ name) => this.o.catalogue.icon(name);
    const settings = this.o.store.view().settings;
    /** @type {HTMLElement[]} */
    const out = [];
    out.push(settings.spotlight === item.id
      ? bigButton('', t('board.fac.spotlight_off'), () => this.send(updateBoard({ spotlight: null })), 'fac-item spotlight-off')
      : bigButton('', t('board.fac.spotlight'), () => this.send(updateBoard({ spotlight: item.id })), 'fac-item spotlight-on'));
    out.push(item.hidden
      ? bigButton('', t('board.fac.show'), () => this.send(hideItem(item.id, false)), 'fac-item show')
      : bigButton(icon('locked'), t('board.fac.hide'), () => this.send(hideItem(item.id, true)), 'fac-item hide'));
    if (item.kind !== 'activity') {
      out.push(bigButton('', t('board.fac.merge'), () => {
        this.merging = item.id;
        this.o.toasts.show(t('board.fac.merge_hint'));
      }, 'fac-item merge'));
    }
    return out;
  }

  /**
   * A tap on a card while "merge with…" waits for the second card. True when the tap was taken.
   * @param {string} id
   */
  tap(id) {
    if (!this.merging) return false;
    const first = this.merging;
    this.merging = null;
    if (first === id) return true;
    const view = this.o.store.view();
    const keep = view.items.get(first);
    const drop = view.items.get(id);
    const { t } = this.o.i18n();
    if (!keep || !drop || keep.kind !== drop.kind || keep.kind === 'activity') {
      this.o.toasts.show(t('board.fac.merge_not_allowed'));
      return true;
    }
    this.confirmMerge(keep, drop);
    return true;
  }

  /** @param {any} keep @param {any} drop */
  async confirmMerge(keep, drop) {
    const { t, lang } = this.o.i18n();
    const name = (/** @type {any} */ it) => this.o.catalogue.label(this.o.catalogue.get(it.ref), lang) || it.text || '';
    const sheet = this.o.sheet;
    const yes = await sheet.ask(t('board.fac.merge_confirm'), [
      h('p', { class: 'merge-pair', attrs: { dir: 'auto' } }, [`${name(drop)} → ${name(keep)}`]),
      h('p', { text: t('board.fac.merge_keep', { label: name(keep) }), attrs: { dir: 'auto' } }),
      h('div', { class: 'sheet-actions' }, [
        h('button', { class: 'primary', attrs: { type: 'button' }, on: { click: () => sheet.finish(true) } }, [t('board.fac.merge_do')]),
        h('button', { class: 'secondary', attrs: { type: 'button' }, on: { click: () => sheet.finish(null) } }, [t('board.close')]),
      ]),
    ]);
    if (yes !== true) return;
    this.send(mergeItems(keep.id, drop.id));
    this.o.select(keep.id);
  }
}

/**
 * The « Étapes… » sheet: which steps a board runs and in what order. Each step has a tick and up / down
 * buttons; the "run" button (« Parcours habitants ») puts the default run back. Resolves to the steps chosen,
 * in order, or null when closed. The caller sends the one `board.update` (`phasesChange`).
 * @param {object} o
 * @param {import('./dialogs.js').Sheet} o.sheet
 * @param {import('../core/i18n.js').Translate} o.t
 * @param {string} o.done the « done » picture's URL ('' for none)
 * @param {readonly string[]} o.phases the board's steps now
 * @param {() => string | null} o.current the board's phase now
 * @param {readonly string[]} [o.all] every step this kind of board knows
 * @param {readonly string[]} [o.run] the default run the reset button puts back
 * @param {string} [o.runKey] that button's words (i18n key)
 * @param {(phase: string) => string} [o.name] a step's name
 * @returns {Promise<string[] | null>}
 */
export async function askPhases({
  sheet, t, done, phases, current, all = PHASES, run = RESIDENT_RUN, runKey = 'board.steps.resident_run',
  name: nameOf = (p) => t(`board.phase.${p}.name`),
}) {
  let draft = phaseDraft(phases, all);
  const list = h('ol', { class: 'steps-list', attrs: { 'aria-label': t('board.steps.title') } });
  const warn = h('p', { class: 'steps-warn', attrs: { role: 'status' } });
  /** @param {{phase: string, part: string} | null} focus the control to give the focus back to */
  const draw = (focus) => {
    const now = current();
    list.replaceChildren(...draft.order.map((p, i) => {
      const on = draft.on.includes(p);
      const name = nameOf(p);
      const box = /** @type {HTMLInputElement} */ (h('input', {
        class: 'steps-box',
        attrs: { type: 'checkbox', 'aria-describedby': on && draft.on.length === 1 ? 'steps-hint' : null },
        on: { change: () => { draft = togglePhase(draft, p); draw({ phase: p, part: 'box' }); } },
      }));
      box.checked = on;
      box.disabled = on && draft.on.length === 1; // one step at least
      const move = (/** @type {number} */ delta, /** @type {string} */ part, /** @type {string} */ arrow, /** @type {string} */ key) => h('button', {
        class: `steps-move steps-${part}`,
        attrs: {
          type: 'button', 'aria-label': t(key, { name }), title: t(key, { name }),
          disabled: delta < 0 ? i === 0 : i === draft.order.length - 1,
        },
        on: { click: () => { draft = movePhase(draft, p, delta); draw({ phase: p, part }); } },
      }, [h('span', { text: arrow, attrs: { 'aria-hidden': 'true' } })]);
      return h('li', { class: `steps-row${on ? ' on' : ''}`, dataset: { phase: p } }, [
        h('span', { class: 'steps-rank', text: on ? String(draft.on.indexOf(p) + 1) : '', attrs: { 'aria-hidden': 'true' } }),
        h('label', { class: 'steps-tick' }, [
          box,
          h('span', { class: 'steps-name', text: name }),
          p === now ? h('span', { class: 'steps-now', text: t('board.steps.now') }) : null,
        ]),
        move(-1, 'up', '↑', 'board.steps.up'),
        move(1, 'down', '↓', 'board.steps.down'),
      ]);
    }));
    warn.textContent = now && !draft.on.includes(now)
      ? t('board.steps.current_removed', { name: nameOf(now) }) : '';
    if (focus) {
      const row = list.querySelector(`[data-phase="${focus.phase}"]`);
      const want = /** @type {HTMLInputElement | HTMLButtonElement | null} */ (row?.querySelector(`.steps-${focus.part}`));
      const other = /** @type {HTMLElement | null} */ (row?.querySelector(focus.part === 'up' ? '.steps-down' : '.steps-up'));
      (want && !want.disabled ? want : other)?.focus();
    }
  };
  draw(null);
  const reset = h('button', {
    class: 'secondary steps-reset',
    attrs: { type: 'button' },
    on: { click: () => { draft = phaseDraft(run, all); draw(null); } },
  }, [h('span', { text: t(runKey) })]);
  const answer = await sheet.ask(t('board.steps.title'), [
    h('p', { class: 'hint steps-hint', text: t('board.steps.help'), attrs: { id: 'steps-hint' } }),
    list,
    warn,
    h('div', { class: 'sheet-actions steps-actions' }, [
      h('button', { class: 'primary steps-save', attrs: { type: 'button' }, on: { click: () => sheet.finish([...draft.on]) } }, [
        done ? picture(done) : null, h('span', { text: t('board.steps.save') }),
      ]),
      reset,
      h('button', { class: 'secondary', attrs: { type: 'button' }, on: { click: () => sheet.finish(null) } }, [t('board.steps.cancel')]),
    ]),
  ]);
  return Array.isArray(answer) ? answer : null;
}

/** @param {string} id */
function byIdOr(id) {
  return document.getElementById(id) ?? h('span');
}

/**
 * @param {string} key @param {import('../core/i18n.js').Translate} t @param {(HTMLElement | null)[]} children
 */
export function group(key, t, children) {
  return h('div', { class: 'fac-group', attrs: { role: 'group', 'aria-label': t(key) } }, children);
}

/**
 * @param {string} text @param {string | null} label @param {() => void} onClick @param {string} cls @param {boolean} [disabled]
 */
export function button(text, label, onClick, cls, disabled = false) {
  return h('button', {
    class: `fac-button ${cls}`,
    attrs: { type: 'button', 'aria-label': label, title: label, disabled },
    on: { click: onClick },
  }, [text]);
}

/**
 * @param {string[]} phases @param {string | null} current @param {import('../core/i18n.js').Translate} t
 * @param {(phase: string | null) => void} go
 * @param {(phase: string) => string} [name] a phase's name
 * @param {string} [label] the select's label (i18n key)
 * @param {string} [free] the free board's words (i18n key)
 */
export function phaseSelect(phases, current, t, go, name = (p) => t(`board.phase.${p}.name`), label = 'board.phase.label', free = 'board.phase.free') {
  const select = /** @type {HTMLSelectElement} */ (h('select', {
    class: 'fac-select',
    attrs: { 'aria-label': t(label) },
    on: { change: () => go(select.value || null) },
  }, [
    h('option', { attrs: { value: '' }, text: t(free) }),
    ...phases.map((p) => h('option', { attrs: { value: p }, text: name(p) })),
  ]));
  select.value = current ?? '';
  return select;
}

/** @param {string} text @param {boolean} current @param {() => void} onClick @param {string} [phase] */
export function chip(text, current, onClick, phase) {
  return h('button', {
    class: 'fac-button fac-phase',
    attrs: { type: 'button', 'aria-pressed': String(current), 'aria-current': current ? 'step' : null },
    dataset: { phase: phase ?? 'free' },
    on: { click: onClick },
  }, [text]);
}

/**
 * @param {string} text @param {boolean} on @param {string | null} icon @param {() => void} onClick @param {string} cls
 */
export function toggleButton(text, on, icon, onClick, cls) {
  return h('button', {
    class: `fac-button ${cls}`,
    attrs: { type: 'button' },
    dataset: { on: String(on) }, // the label says what a tap does; the colour shows what is on now
    on: { click: onClick },
  }, [icon ? picture(icon) : null, h('span', { text })]);
}

// @ts-check
/**
 * What the current phase leaves open, and the phase banner every screen shows at the top of the board: the
 * phase's plain-language instruction (with a speaker), the timer (big mm:ss), and short notes (paused board,
 * hidden votes, hidden round).
 *
 * The rule itself is the server's (backend/fresque/access.py): the page reads the table the board page's
 * bootstrap carries (`access.phases`) and only hides or greys what would be refused anyway.
 */
import { KINDS, facilitates } from '../core/protocol.js';
import { timerLeft } from '../core/store.js';
import { h, picture } from './dom.js';
import { canSpeak, speak } from './speech.js';

/**
 * @typedef {{kinds?: string[], threads?: boolean, votes?: boolean}} PhaseAccess
 * @typedef {{phases?: Record<string, PhaseAccess>, facilitating?: boolean} | null | undefined} Access
 * @typedef {{kinds: string[], threads: boolean, votes: boolean, locked: boolean, any: boolean}} Tools
 */

/**
 * What this person may do now. Facilitating roles may do everything; observers nothing durable; a
 * participant what the phase opens, nothing while the board is locked. Without a table from the server
 * (an older server), everything is open: the server's rejects still say no.
 * @param {Access} access the bootstrap's `access`
 * @param {{phase: string | null, locked: boolean}} settings
 * @param {string | null | undefined} role
 * @returns {Tools}
 */
export function phaseTools(access, settings, role) {
  const all = { kinds: [...KINDS], threads: true, votes: true, locked: false, any: true };
  const none = { kinds: [], threads: false, votes: false, locked: false, any: false };
  if (facilitates(role)) return all;
  if (role === 'observer') return { ...none, locked: settings.locked };
  if (settings.locked) return { ...none, locked: true };
  const entry = settings.phase === null ? null : access?.phases?.[settings.phase];
  if (!entry) return all;
  const kinds = KINDS.filter((k) => (entry.kinds ?? []).includes(k));
  const threads = Boolean(entry.threads);
  const votes = Boolean(entry.votes);
  return { kinds, threads, votes, locked: false, any: kinds.length > 0 || threads || votes };
}

/**
 * Null when `tools` allow every op of a batch, else the i18n key of the reason (shown to the resident), in
 * access.py's order: locked, then the phase, then whose it is. Facilitation ops are facilitating roles' own;
 * `item.update` / `item.delete` follow the item's kind and need it to be the participant's own (`own(author)`),
 * `thread.delete` a thread of theirs or touching a card of theirs.
 * @param {Tools} tools
 * @param {{op: string, [key: string]: any}[]} ops
 * @param {{items: Map<string, {kind: string, author: string}>, threads: Map<string, {source: string, target: string, author: string}>}} view
 * @param {boolean} facilitating
 * @param {(author: string) => boolean} [own] whether the participant may change what `author` made
 */
export function refusal(tools, ops, view, facilitating, own = () => true) {
  if (facilitating) return null;
  if (tools.locked) return 'board.locked';
  let yours = true;
  for (const op of ops) {
    let ok = true;
    if (op.op === 'item.create') ok = tools.kinds.includes(op.kind);
    else if (op.op === 'item.update' || op.op === 'item.delete') {
      const item = view.items.get(op.id);
      ok = !item || tools.kinds.includes(item.kind);
      if (item && !own(item.author)) yours = false;
    } else if (op.op === 'thread.create' || op.op === 'thread.delete') {
      ok = tools.threads;
      const thread = op.op === 'thread.delete' ? view.threads.get(op.id) : null;
      const touches = (/** @type {string} */ id) => { const it = view.items.get(id); return Boolean(it && own(it.author)); };
      if (thread && !own(thread.author) && !touches(thread.source) && !touches(thread.target)) yours = false;
    } else if (op.op === 'vote.add' || op.op === 'vote.remove') ok = tools.votes;
    else ok = false;
    if (!ok) return 'board.closed';
  }
  return yours ? null : 'board.reject.not_yours';
}

/** `mm:ss` (or `h:mm:ss` past an hour), rounded up: a timer shows 0:00 only once the time is up. @param {number} ms */
export function clockText(ms) {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const hours = Math.floor(total / 3600);
  const pad = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return hours ? `${hours}:${pad(m)}:${pad(s)}` : `${pad(m)}:${pad(s)}`;
}

/**
 * An exploration board's phase, in words.
 * @param {string} phase @param {import('../core/i18n.js').Translate} t
 */
export function boardPhaseWords(phase, t) {
  // the vote's instruction shows the thumb it names: a phone shows the vote button as that picture and a number
  return { name: t(`board.phase.${phase}.name`), say: t(`board.phase.${phase}.say`), icon: phase === 'vote' ? 'vote' : null };
}

/** The banner at the top of the board: phase, instruction, speaker, timer, notes. */
export class PhaseBanner {
  /**
   * @param {object} o
   * @param {HTMLElement} o.root
   * @param {() => {t: import('../core/i18n.js').Translate, lang: string}} o.i18n
   * @param {() => number} o.now the server's time now (ms since 1970)
   * @param {(name: string) => string} o.icon an interface picture's URL
   * @param {(phase: string, t: import('../core/i18n.js').Translate) => {name: string, say: string, icon?: string | null}} [o.words]
   *   a phase's name and instruction, and a picture the instruction names (another kind of board has its own
   *   phases and keys)
   */
  constructor({ root, i18n, now, icon, words = boardPhaseWords }) {
    this.root = root;
    this.words = words;
    this.i18n = i18n;
    this.now = now;
    this.icon = icon;
    /** @type {any} */
    this.settings = null;
    /** @type {Tools | null} */
    this.tools = null;
    this.facilitating = false;
    this.timerEl = h('p', { class: 'phase-timer', attrs: { role: 'timer', 'aria-live': 'off' } });
    /** @type {ReturnType<typeof setInterval> | null} */
    this.tick = null;
    this.sig = '';
    // On a phone the instruction folds to the step's name (board.css): a tap on the name unfolds it over the
    // board, a touch elsewhere or Escape folds it again. The banner stays one line; the speaker stays.
    this.sayOpen = false;
    document.addEventListener('pointerdown', (e) => {
      if (this.sayOpen && e.target instanceof Node && !root.contains(e.target)) this.setSayOpen(false);
    }, { capture: true });
    root.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.sayOpen) {
        this.setSayOpen(false);
        /** @type {HTMLElement | null} */ (root.querySelector('.say-toggle'))?.focus();
      }
    });
  }

  /** @param {boolean} open */
  setSayOpen(open) {
    this.sayOpen = open;
    this.root.classList.toggle('say-open', open);
    this.root.querySelector('.say-toggle')?.setAttribute('aria-expanded', String(open));
  }

  /**
   * @param {any} settings the board's settings
   * @param {Tools} tools
   * @param {boolean} facilitating
   */
  update(settings, tools, facilitating) {
    this.settings = settings;
    this.tools = tools;
    this.facilitating = facilitating;
    const { lang } = this.i18n();
    const sig = JSON.stringify([settings.phase, settings.locked, settings.votes_hidden, settings.private, tools, facilitating, lang, canSpeak(lang)]);
    if (sig !== this.sig) {
      this.sig = sig;
      this.draw();
    }
    this.drawTimer();
  }

  /** Language changed. */
  relabel() {
    this.sig = '';
    if (this.settings && this.tools) this.update(this.settings, this.tools, this.facilitating);
  }

  draw() {
    const { t, lang } = this.i18n();
    const s = this.settings;
    const phase = s.phase;
    /** @type {(Node | null)[]} */
    const parts = [];
    if (phase) {
      const { name, say, icon } = this.words(phase, t);
      parts.push(h('div', { class: 'phase-text' }, [
        h('p', { class: 'phase-name', text: name }),
        h('button', {
          class: 'say-toggle',
          attrs: { type: 'button', 'aria-expanded': String(this.sayOpen), 'aria-controls': 'phase-say' },
          on: { click: () => this.setSayOpen(!this.sayOpen) },
        }, [h('span', { class: 'say-name', text: name }), h('span', { class: 'say-more', attrs: { 'aria-hidden': 'true' } })]),
        h('p', { class: 'phase-say', attrs: { id: 'phase-say' } }, [icon ? picture(this.icon(icon)) : null, say]),
      ]));
      if (canSpeak(lang)) {
        parts.push(h('button', {
          class: 'speak phase-speak',
          attrs: { type: 'button', 'aria-label': t('board.phase.listen') },
          on: { click: () => speak(`${name}. ${say}`, lang) },
        }, [picture(this.icon('speak'))]));
      }
    }
    parts.push(this.timerEl);
    /** @type {HTMLElement[]} */
    const notes = [];
    if (s.locked) notes.push(h('p', { class: 'phase-note note-locked', text: t('board.locked') }));
    else if (phase && this.tools && !this.tools.any && !this.facilitating) notes.push(h('p', { class: 'phase-note', text: t('board.closed') }));
    if (s.votes_hidden) notes.push(h('p', { class: 'phase-note note-votes', text: t('board.votes_hidden') }));
    if (s.private?.active) notes.push(h('p', { class: 'phase-note note-private', text: t('board.private_note') }));
    if (notes.length) parts.push(h('div', { class: 'phase-notes' }, notes));
    this.root.replaceChildren(...parts.filter((p) => p !== null));
    this.root.dataset.phase = phase ?? 'free';
    this.root.classList.toggle('say-open', this.sayOpen);
    this.root.classList.toggle('locked', Boolean(s.locked));
  }

  drawTimer() {
    const state = timerLeft(this.settings?.timer, this.now());
    const { t } = this.i18n();
    const shown = Boolean(state);
    this.timerEl.hidden = !shown;
    const empty = !shown && !this.settings?.phase && !this.root.querySelector('.phase-note');
    this.root.hidden = empty;
    if (!state) {
      this.stopTicking();
      return;
    }
    const status = state.done ? 'done' : state.running ? 'running' : 'paused';
    const text = clockText(state.left);
    const label = status === 'done' ? t('board.timer.done') : status === 'paused' ? t('board.timer.paused') : t('board.timer.label');
    if (this.timerEl.dataset.state !== status || this.timerEl.dataset.text !== text) {
      this.timerEl.dataset.state = status;
      this.timerEl.dataset.text = text;
      this.timerEl.replaceChildren(
        h('span', { class: 'timer-label', text: label }),
        h('span', { class: 'timer-digits', text, attrs: { dir: 'ltr' } }),
      );
      this.timerEl.setAttribute('aria-label', `${label} ${text}`);
    }
    if (status === 'running') this.startTicking();
    else this.stopTicking();
  }

  startTicking() {
    if (!this.tick) this.tick = setInterval(() => this.drawTimer(), 250);
  }

  stopTicking() {
    if (this.tick) clearInterval(this.tick);
    this.tick = null;
  }
}

/** The steps whose work is placing pictures of the week (and the free board): the palette shows by itself. */
const PALETTE_STEPS = new Set([null, 'week']);

/**
 * Whether the palette shows: in the steps that place pictures, or when asked (« Images », on demand) in a step
 * that still lets this person place one. Elsewhere it takes no room: the board gets it.
 * @param {Tools} tools @param {string | null} phase @param {boolean} asked
 * @returns {{shown: boolean, offer: boolean}} offer: the « Images » switch has something to show
 */
export function paletteShown(tools, phase, asked) {
  const may = tools.kinds.includes('activity');
  const byStep = PALETTE_STEPS.has(phase);
  return { shown: may && (byStep || asked), offer: may && !byStep };
}

/**
 * Shows what the tools at the top and the palette allow now: closed ones are disabled with a short reason;
 * the palette shows by the step (paletteShown), and its « Images » switch where it is on demand.
 * @param {Tools} tools
 * @param {{vote: HTMLElement, note: HTMLElement, undo: HTMLElement, palette: HTMLElement, pictures: HTMLElement | null}} els
 * @param {{t: import('../core/i18n.js').Translate, phase: string | null, asked: boolean}} o
 */
export function showTools(tools, els, { t, phase, asked }) {
  const reason = tools.locked ? t('board.locked') : t('board.closed');
  setOpen(els.vote, tools.votes, reason);
  els.vote.hidden = !tools.votes && !tools.locked; // the vote's tools come with the vote (greyed while paused)
  setOpen(els.note, tools.kinds.includes('note'), reason);
  setOpen(els.undo, tools.any, reason);
  const palette = paletteShown(tools, phase, asked);
  els.palette.classList.toggle('closed', !palette.shown);
  if (els.pictures) {
    els.pictures.hidden = !palette.offer;
    els.pictures.setAttribute('aria-pressed', String(palette.shown));
  }
}

/** @param {HTMLElement} el @param {boolean} open @param {string} reason */
function setOpen(el, open, reason) {
  /** @type {HTMLButtonElement} */ (el).disabled = !open;
  if (open) el.removeAttribute('title');
  else el.setAttribute('title', reason);
  el.dataset.closed = String(!open);
}

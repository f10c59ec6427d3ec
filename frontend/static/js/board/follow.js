// @ts-check
/**
 * Follow me. While `settings.follow` names a participant (a facilitator turned "follow me" on), that
 * participant's page sends the world rectangle it shows as presence `view` (throttled, only when it
 * changes), and every other device fits its own view to it — unless it opted out: a device in table mode,
 * or the room's screen (« Écran de la salle : ne pas suivre »), never follows; anyone may stop following
 * (« Arrêter ») and resume (« Suivre »). A spotlighted item (`settings.spotlight`) is brought into sight on
 * the devices that follow.
 */
import { deviceKind, fitRect, follows, isRect, sameRect, visibleRect } from '../core/table.js';
import { h } from './dom.js';
import { load, save } from './persist.js';

const VIEW_EVERY_MS = 120; // the leader's view at most ≈ 8 times a second: followers glide, the room is not flooded

export class Follow {
  /**
   * @param {object} o
   * @param {string} o.me
   * @param {string} o.boardId
   * @param {import('../core/store.js').BoardStore} o.store
   * @param {import('../core/geometry.js').Viewport} o.view
   * @param {HTMLElement} o.viewport the board's element (the chip goes in it)
   * @param {() => void} o.applyView draw the view after it changed
   * @param {(msg: any) => void} o.send queue a presence message (presence.js Presence.send)
   * @param {(id: string) => {alias: string}} o.person
   * @param {() => {t: import('../core/i18n.js').Translate, lang: string}} o.i18n
   * @param {() => boolean} o.tableMode
   * @param {(itemId: string) => void} o.spotlight bring an item into sight
   */
  constructor({ me, boardId, store, view, viewport, applyView, send, person, i18n, tableMode, spotlight }) {
    this.me = me;
    this.store = store;
    this.view = view;
    this.viewport = viewport;
    this.applyView = applyView;
    this.send = send;
    this.person = person;
    this.i18n = i18n;
    this.tableMode = tableMode;
    this.spotlight = spotlight;
    this.key = `fresque.roomscreen.v1.${boardId}`;
    const saved = load(this.key);
    /**
     * Whether this is the room's screen, which opts out by default: it shows the residents' work, not the
     * facilitator's moves. null: not worked out yet (`roomScreen`).
     * @type {boolean | null}
     */
    this.room = typeof saved === 'boolean' ? saved : null;
    /** pressed « Arrêter » (for this page's life, and until the facilitator starts following anew) */
    this.stopped = false;
    /** @type {string | null} */
    this.leader = null;
    /** @type {{x: number, y: number, w: number, h: number} | null} the leader's newest view */
    this.leaderView = null;
    /** @type {{x: number, y: number, w: number, h: number} | null} the view this page sent last */
    this.sentView = null;
    /** @type {string | null} */
    this.spotlit = null;
    this.applying = false;
    this.lastSend = 0;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    /** the cursor and drag of the newest presence message: a view message repeats them */
    /** @type {{cursor?: any, drag?: any}} */
    this.core = {};
    this.chip = h('div', { class: 'follow-chip', hidden: true, attrs: { role: 'status' } });
    viewport.append(this.chip);
    this.update();
  }

  /** The board's follow and spotlight settings (docs/protocol.md "Facilitation"). */
  settings() {
    return /** @type {{follow?: string | null, spotlight?: string | null}} */ (this.store.view().settings);
  }

  /**
   * Worked out when first needed (someone leads): measuring the window forced a layout of the page while it set
   * itself up, before the board's first draw (≈ 50 ms on a slow phone, benchmarks/browser.py --profile).
   */
  get roomScreen() {
    if (this.room === null) this.room = this.bigTouchScreen();
    return this.room;
  }

  set roomScreen(on) {
    this.room = on;
  }

  bigTouchScreen() {
    return deviceKind({
      width: Math.max(window.innerWidth, window.screen?.width ?? 0),
      height: Math.max(window.innerHeight, window.screen?.height ?? 0),
      touch: window.matchMedia('(any-pointer: coarse)').matches,
      finePointer: window.matchMedia('(pointer: fine)').matches,
    }) === 'screen';
  }

  get leading() {
    return this.settings().follow === this.me;
  }

  get following() {
    const follow = this.settings().follow;
    if (!follow || follow === this.me) return false; // nobody else leads: no need to know the screen (roomScreen)
    return follows({ follow, me: this.me, optedOut: this.tableMode() || this.roomScreen, stopped: this.stopped });
  }

  /** The world rectangle this page shows. */
  rect() {
    const r = this.viewport.getBoundingClientRect();
    return visibleRect(this.view, r.width, r.height);
  }

  // -- leading -------------------------------------------------------------------------------------------------

  /** The view moved (pan, zoom, fit): a leader tells the followers, at most every VIEW_EVERY_MS. */
  viewChanged() {
    if (this.applying || !this.leading) return;
    const wait = this.lastSend + VIEW_EVERY_MS - performance.now();
    if (wait <= 0) this.sendView(false);
    else if (!this.timer) this.timer = setTimeout(() => { this.timer = null; this.sendView(false); }, wait);
  }

  /** @param {boolean} force send even when unchanged (someone arrived, follow just turned on) */
  sendView(force) {
    if (!this.leading) return;
    const rect = this.rect();
    if (!isRect(rect) || (!force && sameRect(rect, this.sentView))) return;
    this.lastSend = performance.now();
    this.send({ type: 'presence', ...this.core }); // decorate() adds the view as it goes out
  }

  /**
   * A presence message about to go: remember its cursor and drag, and add the view while leading (the server
   * keeps only the newest message of a socket: one without the view would take it away).
   * @param {any} msg
   */
  decorate(msg) {
    this.core = {};
    if (msg.cursor) this.core.cursor = msg.cursor;
    if (msg.drag) this.core.drag = msg.drag;
    if (!this.leading) return msg;
    const rect = this.rect();
    if (!isRect(rect)) return msg;
    this.sentView = rect;
    return { ...msg, view: rect };
  }

  /** Someone arrived: they have not seen the leader's view yet. */
  someoneArrived() {
    if (this.leading) this.sendView(true);
    queueMicrotask(() => this.render()); // the leader's name may be known now (after people.js took the list in)
  }

  // -- following -----------------------------------------------------------------------------------------------

  /** An ephemeral update from someone else. @param {any} u */
  onUpdate(u) {
    if (!u.view || !isRect(u.view) || u.participant !== this.settings().follow) return;
    this.leaderView = u.view;
    if (this.following) this.fitTo(u.view);
  }

  /** @param {{x: number, y: number, w: number, h: number}} rect */
  fitTo(rect) {
    const r = this.viewport.getBoundingClientRect();
    const next = fitRect(rect, r.width, r.height, { minScale: this.view.minScale, maxScale: this.view.maxScale });
    if (!next) return;
    this.applying = true;
    this.view.set(next);
    this.applyView();
    this.applying = false;
  }

  /** The board's settings may have changed (follow, spotlight), or the table mode: catch up. */
  update() {
    const settings = this.settings();
    const leader = settings.follow ?? null;
    if (leader !== this.leader) {
      this.leader = leader;
      this.stopped = false; // "follow me" turned on anew: everyone who had stopped follows again
      this.leaderView = null;
      if (leader === this.me) this.sendView(true);
    }
    const spot = settings.spotlight ?? null;
    if (spot !== this.spotlit) {
      this.spotlit = spot;
      if (spot && this.following) this.spotlight(spot);
    }
    this.render();
  }

  /** @param {boolean} stop */
  setStopped(stop) {
    this.stopped = stop;
    if (!stop && this.leaderView && this.following) this.fitTo(this.leaderView);
    this.render();
  }

  /** @param {boolean} on */
  setRoomScreen(on) {
    this.roomScreen = on;
    save(this.key, on);
    if (!on) this.stopped = false;
    if (!on && this.leaderView && this.following) this.fitTo(this.leaderView);
    this.render();
  }

  render() {
    const { t } = this.i18n();
    const leader = this.leader;
    if (!leader || leader === this.me || this.tableMode()) {
      this.chip.hidden = true;
      this.chip.replaceChildren();
      return;
    }
    const name = this.person(leader).alias;
    const known = Boolean(name) && name !== '?'; // before the "who is here" list, the leader may have no name yet
    const alias = `\u2068${name}\u2069`; // isolated: a Latin name in an Arabic sentence
    /** @type {HTMLElement[]} */
    const parts = [];
    const button = (/** @type {string} */ cls, /** @type {string} */ text, /** @type {() => void} */ run, pressed = /** @type {boolean | null} */ (null)) =>
      h('button', { class: `follow-button ${cls}`, attrs: { type: 'button', 'aria-pressed': pressed === null ? null : String(pressed) }, on: { click: run } }, [text]);
    if (this.roomScreen) {
      parts.push(h('span', { class: 'follow-text', text: t('follow.room_screen_on') }));
      parts.push(button('follow-resume', t('follow.resume'), () => this.setRoomScreen(false)));
    } else if (this.stopped) {
      parts.push(h('span', { class: 'follow-text', text: (known ? t('follow.showing', { alias }) : t('follow.showing_someone')) }));
      parts.push(button('follow-resume', t('follow.resume'), () => this.setStopped(false)));
    } else {
      parts.push(h('span', { class: 'follow-text', text: (known ? t('follow.following', { alias }) : t('follow.following_someone')) }));
      parts.push(button('follow-stop', t('follow.stop'), () => this.setStopped(true)));
    }
    if (!this.roomScreen && !window.matchMedia('(max-width: 600px)').matches) {
      parts.push(button('follow-room', t('follow.room_screen'), () => this.setRoomScreen(true), false));
    }
    this.chip.dir = document.documentElement.dir || 'ltr'; // the board is left-to-right; the chip reads as the page
    this.chip.dataset.state = this.roomScreen ? 'room' : this.stopped ? 'stopped' : 'following';
    this.chip.replaceChildren(...parts);
    this.chip.hidden = false;
  }
}

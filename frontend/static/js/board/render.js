// @ts-check
/**
 * Draws the board: the week grid, the threads (SVG) and the items (HTML, so text wraps, bidi works and every
 * item can take the keyboard focus). Redraws at most once per animation frame, and only what changed.
 */
import { DAYS, SLOTS } from '../core/protocol.js';
import { cellRect, curvesPath, gridBounds, itemSize, stickyLabels, threadPath } from '../core/geometry.js';
import { countOf } from '../core/i18n.js';
import { givePictures, h, picture } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const STICKY_DAYS_H = 30; // the sticky days' strip (board.css .sticky-days): the parts of the day start under it
const STICKY_ROW_H = 36; // a sticky part of the day with its margin (board.css .sticky-row)
const ROUTE_AFTER_MS = 100; // the threads' ways around the cards, this long after the pictures in sight came
const ROUTE_WAIT_MS = 2000; // ... or after this at most (a slow or lost picture)

/**
 * @typedef {{x: number, y: number, participant?: string}} Override
 * @typedef {{alias: string, colour: string | null}} Person
 * @typedef {{x: number, y: number, w: number, h: number}} Rect
 */

export class Renderer {
  /**
   * @param {object} o
   * @param {HTMLElement} o.world the transformed layer
   * @param {import('./catalogue.js').Catalogue} o.catalogue
   * @param {() => {t: import('../core/i18n.js').Translate, lang: string}} o.i18n
   * @param {(id: string) => Person} o.person
   * @param {() => string} o.me
   */
  constructor({ world, catalogue, i18n, person, me }) {
    this.world = world;
    this.catalogue = catalogue;
    this.i18n = i18n;
    this.person = person;
    this.me = me;
    this.grid = h('div', { class: 'grid' });
    this.threadLayer = /** @type {SVGSVGElement} */ (document.createElementNS(SVG, 'svg'));
    this.threadLayer.classList.add('threads');
    this.threadLayer.setAttribute('aria-hidden', 'true');
    this.itemLayer = h('div', { class: 'items' });
    this.overlay = h('div', { class: 'overlay', attrs: { 'aria-hidden': 'true' } });
    world.append(this.grid, this.threadLayer, this.itemLayer, this.overlay);
    // screen-side, over the world: the week's labels that stay in sight while panning (stick)
    this.stickyRows = h('div', { class: 'sticky-rows', attrs: { 'aria-hidden': 'true' } });
    this.stickyDays = h('div', { class: 'sticky-days', attrs: { 'aria-hidden': 'true' } });
    world.after(this.stickyRows, this.stickyDays);
    /** @type {Map<string, HTMLElement>} */
    this.stickyRowEls = new Map();
    /** @type {Map<string, HTMLElement>} */
    this.stickyDayEls = new Map();
    this.stickSig = '';
    /** @type {{key: string, routes: Map<string, import('../core/geometry.js').Curve[]>}} */
    this.routeCache = { key: '', routes: new Map() };
    /**
     * What the last draw drew from: a frame of a drag with the same view redraws only what moves (draw()).
     * @type {{view: any, ui: string, moving: Set<string>}}
     */
    this.drawn = { view: null, ui: '', moving: new Set() };
    /**
     * core/route.js's routeThreads, loaded after the first draw (routeAfterPictures): until then threads are
     * drawn plain, and the page need not fetch and run it before its first draw.
     * @type {typeof import('../core/route.js').routeThreads | null}
     */
    this.router = null;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.routeSoon = null;
    /** @type {{view: {x: number, y: number, scale: number}, width: number, height: number} | null} what the screen shows (stick) */
    this.screen = null;
    /**
     * Each card's element and what it was drawn from (drawItem): `sig` its content, `who` its author's name and
     * colour, `words` its accessible name but for the author's.
     * @type {Map<string, {el: HTMLElement, sig: string, who: string, words: string[], box: string, dragging: boolean}>}
     */
    this.itemEls = new Map();
    /** the cards whose pictures wait to be asked for until they come near the screen (givePictures) @type {Set<string>} */
    this.waiting = new Set();
    /** @type {Map<string, {path: SVGPathElement, hit: SVGPathElement, d: string, look: string}>} */
    this.threadEls = new Map();
    /** @type {Map<string, HTMLElement>} */
    this.cursorEls = new Map();
    /** @type {Map<string, HTMLElement>} day/slot key → cell element */
    this.cells = new Map();
    /** local drags (by this page's fingers) and remote drag previews, by item id */
    /** @type {Map<string, Override>} */
    this.local = new Map();
    /** @type {Map<string, Override>} */
    this.remote = new Map();
    /** @type {Map<string, {x: number, y: number, participant: string}>} */
    this.cursors = new Map();
    /** @type {any} */
    this.view = null;
    /** @type {any} */
    this.ui = {};
    this.frame = 0;
    /** Facilitating screens see hidden cards (dimmed) and every dot while votes are hidden. */
    this.facilitating = false;
    /**
     * The actions that answer each solution (`GET /api/boards/{id}/answers`, kept fresh by traceability.js): a badge
     * « → 2 actions » on the card.
     * @type {Map<string, {board: string, action: string, title: string, lane: string, start: string, end: string}[]>}
     */
    this.answers = new Map();
    this.drawGrid();
    this.drawSticky();
  }

  /** Queue a redraw for the next animation frame. */
  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  drawGrid() {
    const { t } = this.i18n();
    const bounds = gridBounds();
    this.grid.replaceChildren();
    this.cells.clear();
    const paper = h('div', { class: 'grid-paper' });
    place(paper, bounds);
    this.grid.append(paper);
    for (const day of DAYS) {
      const column = /** @type {Rect} */ (cellRect({ day })); // a known day: never null
      const head = h('div', { class: `grid-head day-${day}`, text: t(`board.day.${day}`) });
      place(head, { x: column.x, y: bounds.y, w: column.w, h: column.y - bounds.y });
      this.grid.append(head);
    }
    for (const slot of SLOTS) {
      const row = /** @type {Rect} */ (cellRect({ day: DAYS[0], slot }));
      const label = h('div', { class: `grid-label slot-${slot}`, text: t(`board.slot.${slot}`) });
      place(label, { x: bounds.x, y: row.y, w: row.x - bounds.x, h: row.h });
      this.grid.append(label);
      for (const day of DAYS) {
        const rect = /** @type {Rect} */ (cellRect({ day, slot }));
        const cell = h('div', {
          class: `cell${day === 'weekend' ? ' weekend' : ''}`,
          attrs: {
            role: 'button',
            tabindex: '0',
            'aria-label': t('board.cell_label', { day: t(`board.day.${day}`), slot: t(`board.slot.${slot}`) }),
          },
          dataset: { day, slot },
        });
        place(cell, rect);
        this.grid.append(cell);
        this.cells.set(`${day}/${slot}`, cell);
      }
    }
    const frame = h('div', { class: 'grid-frame' }); // drawn last: the cells' colours never hide it
    place(frame, bounds);
    this.grid.append(frame);
  }

  /**
   * The on-screen position of an item: a finger dragging it here, else someone's drag preview, else the state.
   * @param {any} item
   */
  position(item) {
    const over = this.local.get(item.id) ?? this.remote.get(item.id);
    const size = itemSize(item.kind);
    return { ...item, x: over ? over.x : item.x, y: over ? over.y : item.y, w: item.w ?? size.w, h: item.h ?? size.h };
  }

  draw() {
    if (!this.view) return;
    const { items, threads } = this.view;
    // While cards follow fingers and nothing else changed (the same replica view, the same selection and
    // language), only the moving cards and their threads are drawn again: checking all 200 cards of a full
    // board every frame cost a slow phone its frame (benchmarks/browser.py).
    const moving = new Set([...this.local.keys(), ...this.remote.keys()]);
    const ui = `${this.i18n().lang}|${this.ui.selected}|${this.ui.selectedThread}|${this.ui.voting}|${this.ui.flash}`;
    const onlyMoving = moving.size > 0 && this.view === this.drawn.view && ui === this.drawn.ui;
    const redraw = onlyMoving ? new Set([...moving, ...this.drawn.moving]) : null;
    this.drawn = { view: this.view, ui, moving };
    if (redraw) {
      for (const id of redraw) {
        const item = items.get(id);
        if (item) this.drawItem(item);
      }
      this.drawThreads(threads, items, redraw);
    } else {
      const seen = new Set();
      for (const item of items.values()) {
        seen.add(item.id);
        this.drawItem(item);
      }
      for (const [id, entry] of this.itemEls) {
        if (!seen.has(id)) {
          entry.el.remove();
          this.itemEls.delete(id);
        }
      }
      this.drawThreads(threads, items);
    }
    for (const id of this.waiting) if (!items.has(id)) this.waiting.delete(id);
    this.drawCursors();
    this.drawCellHints();
  }

  drawCellHints() {
    const armed = Boolean(this.ui.armed || this.ui.moving);
    this.grid.classList.toggle('armed', armed);
  }

  /** @param {any} item */
  drawItem(item) {
    const pos = this.position(item);
    const remote = this.local.has(item.id) ? undefined : this.remote.get(item.id);
    // the dots, and whether their total shows: a card whose count did not change at the reveal gets its total too
    const votes = item.kind === 'solution' ? `${this.voteSig(item.id)}|${Boolean(this.view.settings?.votes_hidden)}` : '';
    const { lang } = this.i18n();
    const selected = this.ui.selected === item.id;
    const mover = remote?.participant ? this.person(remote.participant) : null;
    // everything fillItem draws from: a card is filled again only when one of them changed
    const sig = [
      item.kind, item.ref, item.text, item.severity, item.author, votes, lang, selected,
      this.ui.voting, remote?.participant ?? '', mover?.colour, mover?.alias,
      this.look(item), this.answerCount(item), this.ui.flash === item.id,
    ].join('|');
    // The author's name and colour only change two attributes: when the roster comes (after the first draw,
    // or someone joins) every other resident's card changes colour, and filling them all again cost a slow
    // phone ≈ 0.2 s (benchmarks/browser.py).
    const author = this.person(item.author);
    const who = `${author.colour}|${author.alias}`;
    let entry = this.itemEls.get(item.id);
    if (!entry) {
      const el = h('div', { class: 'item', attrs: { role: 'button', tabindex: '0' }, dataset: { id: item.id } });
      this.itemLayer.append(el);
      entry = { el, sig: '', who: '', words: [], box: '', dragging: false };
      this.itemEls.set(item.id, entry);
    }
    const el = entry.el;
    // Style writes only when something moved: rewriting 1,000 items' styles every frame of a drag cost
    // most of the frame (benchmarks/browser.py).
    const box = `${pos.x} ${pos.y} ${pos.w} ${pos.h}`;
    if (entry.box !== box) {
      entry.box = box;
      el.style.transform = `translate(${pos.x}px, ${pos.y}px)`;
      el.style.width = `${pos.w}px`;
      el.style.height = `${pos.h}px`;
      // a card that moved near the screen (dragged, or moved by someone else) while the view stood still
      if (this.waiting.has(item.id) && entry.sig && this.nearScreen(pos)) {
        this.waiting.delete(item.id);
        givePictures(el);
      }
    }
    const dragging = this.local.has(item.id);
    if (entry.dragging !== dragging) {
      entry.dragging = dragging;
      el.classList.toggle('dragging', dragging);
    }
    if (entry.sig !== sig) {
      entry.sig = sig;
      const near = this.nearScreen(pos);
      entry.words = this.fillItem(el, item, remote, near);
      if (near) this.waiting.delete(item.id);
      else this.waiting.add(item.id);
      entry.who = ''; // the accessible name is made again (its words may be in another language)
      el.classList.toggle('selected', selected);
      el.setAttribute('aria-pressed', String(selected));
    }
    if (entry.who !== who) {
      entry.who = who;
      el.style.setProperty('--author', author.colour ?? 'var(--ink-soft)');
      el.setAttribute('aria-label', [...entry.words, this.i18n().t('board.by', { alias: author.alias })].join(', '));
    }
  }

  /** @param {string} itemId */
  voteSig(itemId) {
    /** @type {string[]} */
    const parts = [];
    for (const [participant, byItem] of this.view.votes) {
      const n = byItem.get(itemId);
      if (n) parts.push(`${participant}:${n}:${this.person(participant).colour}`); // the dots are in the voters' colours
    }
    return parts.join(',');
  }

  /**
   * Draw a card's content; its author's colour and name are drawItem's.
   * @param {HTMLElement} el
   * @param {any} item
   * @param {Override | undefined} remote
   * @param {boolean} near the card is on or near the screen: its pictures are asked for at once
   * @returns {string[]} the words of its accessible name, but for who made it
   */
  fillItem(el, item, remote, near) {
    const { t, lang } = this.i18n();
    const entry = this.catalogue.get(item.ref);
    const label = this.catalogue.label(entry, lang);
    const answered = this.answerCount(item);
    el.className = `item kind-${item.kind}${item.severity ? ` severity-${item.severity}` : ''}${this.look(item)}`
      + `${answered ? ' answered' : ''}${this.ui.flash === item.id ? ' flash' : ''}`;
    /** @type {(Node | null)[]} */
    const parts = [];
    if (entry) parts.push(picture(entry.picture_url, '', { waiting: !near }));
    if (item.kind === 'difficulty' && item.severity) {
      parts.push(h('span', { class: 'face' }, [picture(this.catalogue.icon(`severity-${item.severity}`), '', { waiting: !near })]));
    }
    if (label) parts.push(h('span', { class: 'label', text: label }));
    if (item.text) parts.push(h('span', { class: 'text', text: item.text, attrs: { dir: 'auto' } }));
    if (item.kind === 'solution') parts.push(this.voteDots(item.id));
    if (answered) {
      // a tap on it lists the actions (taps.js, traceability.js: the tap is the card's, told apart by where it began)
      parts.push(h('span', {
        class: 'answers-badge', text: countOf(t, 'board.answers.badge', answered, lang), dataset: { answers: item.id },
      }));
    }
    if (this.look(item).includes('masked')) parts.push(h('span', { class: 'hidden-badge', text: t('board.hidden_badge') }));
    if (remote?.participant) {
      const who = this.person(remote.participant);
      el.style.setProperty('--mover', who.colour ?? 'var(--ink-soft)');
      parts.push(h('span', { class: 'mover', text: who.alias, attrs: { dir: 'auto' } }));
    }
    el.classList.toggle('moved-by-other', Boolean(remote?.participant));
    el.replaceChildren(...parts.filter((p) => p !== null));
    const bits = [t(`board.kind.${item.kind}`)];
    if (label) bits.push(label);
    if (item.severity) bits.push(t(`board.severity.${item.severity}`));
    if (item.text) bits.push(item.text);
    if (item.kind === 'solution') bits.push(countOf(t, 'board.votes_count', this.total(item.id), lang));
    if (answered) bits.push(countOf(t, 'board.answers.count', answered, lang));
    return bits;
  }

  /** How many actions answer this card (solutions only). @param {any} item */
  answerCount(item) {
    return item.kind === 'solution' ? this.answers.get(item.id)?.length ?? 0 : 0;
  }

  /** @param {string} itemId */
  total(itemId) {
    let n = 0;
    for (const byItem of this.view.votes.values()) n += byItem.get(itemId) ?? 0;
    return n;
  }

  /** @param {string} itemId */
  voteDots(itemId) {
    const row = h('span', { class: 'dots' });
    let total = 0;
    for (const [participant, byItem] of this.view.votes) {
      const n = byItem.get(itemId) ?? 0;
      total += n;
      const colour = this.person(participant).colour ?? 'var(--ink-soft)';
      for (let i = 0; i < n; i += 1) {
        const dot = h('span', { class: `dot${participant === this.me() ? ' mine' : ''}` });
        dot.style.setProperty('--dot', colour);
        row.append(dot);
      }
    }
    if (!this.view.settings?.votes_hidden || this.facilitating) row.prepend(h('span', { class: 'total', text: String(total) }));
    return row;
  }

  /**
   * Facilitation marks of an item, as extra classes: ` masked` (hidden by moderation, or made by someone else
   * in the hidden round still open: only facilitators are sent those), ` spotlight`.
   * @param {any} item
   */
  look(item) {
    const s = this.view?.settings;
    if (!s) return '';
    const round = s.private?.active && item.round === s.private.round && item.author !== this.me();
    return `${item.hidden || round ? ' masked' : ''}${s.spotlight === item.id ? ' spotlight' : ''}`;
  }

  /**
   * @param {Map<string, any>} threads
   * @param {Map<string, any>} items
   * @param {Set<string> | null} [only] draw only the threads of these cards (the others are as drawn)
   */
  drawThreads(threads, items, only = null) {
    const routes = this.routes(threads, items);
    const seen = new Set();
    for (const thread of threads.values()) {
      const a = items.get(thread.source);
      const b = items.get(thread.target);
      if (!a || !b) continue;
      seen.add(thread.id);
      if (only && !only.has(a.id) && !only.has(b.id)) continue; // a thread between still cards is as drawn
      let entry = this.threadEls.get(thread.id);
      if (!entry) {
        const hit = /** @type {SVGPathElement} */ (document.createElementNS(SVG, 'path'));
        hit.classList.add('thread-hit');
        hit.dataset.thread = thread.id;
        const path = /** @type {SVGPathElement} */ (document.createElementNS(SVG, 'path'));
        path.classList.add('thread');
        path.dataset.thread = thread.id;
        this.threadLayer.append(hit, path);
        entry = { path, hit, d: '', look: '' };
        this.threadEls.set(thread.id, entry);
      }
      const moved = this.local.has(a.id) || this.local.has(b.id) || this.remote.has(a.id) || this.remote.has(b.id);
      const route = moved ? null : routes.get(thread.id);
      // a thread following a finger is the plain curve: routing around cards waits for the drop
      const d = route ? curvesPath(route) : threadPath(this.position(a), this.position(b));
      if (entry.d !== d) {
        entry.d = d;
        entry.path.setAttribute('d', d);
        entry.hit.setAttribute('d', d);
      }
      const selected = this.ui.selectedThread === thread.id;
      const look = `${selected}`;
      if (entry.look !== look) {
        entry.look = look;
        entry.path.classList.toggle('selected', selected);
      }
    }
    for (const [id, entry] of this.threadEls) {
      if (!seen.has(id)) {
        entry.path.remove();
        entry.hit.remove();
        this.threadEls.delete(id);
      }
    }
  }

  /**
   * Every thread's way around the cards (core/route.js), worked out again only when a card or a thread
   * changed. While cards follow fingers the last routes stay (the moving ones are drawn plain): routing each
   * frame of a drag would cost the frame.
   * @param {Map<string, any>} threads
   * @param {Map<string, any>} items
   * @returns {Map<string, import('../core/geometry.js').Curve[]>}
   */
  routes(threads, items) {
    if (this.local.size || this.remote.size) return this.routeCache.routes;
    const list = [...threads.values()].filter((th) => items.has(th.source) && items.has(th.target))
      .sort((p, q) => (p.id < q.id ? -1 : p.id > q.id ? 1 : 0));
    const parts = list.map((th) => `${th.id}>${th.source}>${th.target}`);
    for (const it of items.values()) parts.push(`${it.id}@${it.x},${it.y},${it.w ?? ''},${it.h ?? ''},${it.kind}`);
    const key = parts.join('|');
    if (key !== this.routeCache.key) {
      if (!this.router && list.length) {
        // The page's first draw shows the board at once with plain threads; their ways around the cards follow
        // once the pictures in sight are in (on a slow phone, routing a full board cost the first paint ~0.3 s,
        // and routing it while the pictures came held them up ~0.1 s: benchmarks/browser.py)
        this.routeSoon ??= setTimeout(() => this.routeAfterPictures(), 50);
        return this.routeCache.routes;
      }
      this.routeCache = { key, routes: list.length && this.router ? this.router(list, items) : new Map() };
      this.threadLayer.dataset.routed = 'true'; // for the tests: the threads go around the cards from now on
    }
    return this.routeCache.routes;
  }

  /** Route the threads (routes()) once the cards' pictures in sight have loaded, or failed. */
  routeAfterPictures() {
    let route = () => {
      route = () => {};
      setTimeout(async () => { // the pictures' paint first
        try {
          this.router = (await import('../core/route.js')).routeThreads;
        } catch {
          return; // offline before it came: the threads stay plain curves
        }
        this.schedule();
      }, ROUTE_AFTER_MS);
    };
    const coming = this.picturesComing();
    let left = coming.length;
    if (!left) { route(); return; }
    const one = () => { left -= 1; if (!left) route(); };
    for (const img of coming) {
      img.addEventListener('load', one, { once: true });
      img.addEventListener('error', one, { once: true });
    }
    setTimeout(() => route(), ROUTE_WAIT_MS);
  }

  /**
   * Whether a card (world rectangle) is on the screen or within half the screen's size of it, worked out from
   * the view (no layout). Such a card's pictures are asked for as it is drawn; the others' when the view comes
   * near them (givePictures). Before, an IntersectionObserver gave them: it reported after the frame was drawn,
   * which cost a slow phone's first render a picture round trip (≈ 0.15 s at ×4), and it measured its ~200
   * pictures again in every frame of a drag (≈ 1 ms a frame; benchmarks/browser.py --profile).
   * @param {Rect} p
   */
  nearScreen(p) {
    const screen = this.screen;
    if (!screen || !screen.width) return true; // not known yet: nothing is known to be away
    const { x, y, scale } = screen.view;
    const left = p.x * scale + x;
    const top = p.y * scale + y;
    const mx = screen.width / 2;
    const my = screen.height / 2;
    return left + p.w * scale >= -mx && top + p.h * scale >= -my && left <= screen.width + mx && top <= screen.height + my;
  }

  /** Ask for the pictures of the cards that came near the screen (nearScreen): the view moved. */
  givePictures() {
    if (!this.view) return;
    for (const id of this.waiting) {
      const item = this.view.items.get(id);
      const entry = this.itemEls.get(id);
      if (!item || !entry) { this.waiting.delete(id); continue; }
      if (!this.nearScreen(this.position(item))) continue;
      this.waiting.delete(id);
      givePictures(entry.el);
    }
  }

  /**
   * The cards' pictures still loading on the screen's cards (worked out from the cards' places and the view, not
   * measured: no layout), their address given or not yet (dom.js picture). Those off screen are left out: they
   * are asked for only when they come near.
   * @returns {HTMLImageElement[]}
   */
  picturesComing() {
    const screen = this.screen;
    if (!screen || !this.view) return [];
    /** @type {HTMLImageElement[]} */
    const coming = [];
    for (const [id, entry] of this.itemEls) {
      const item = this.view.items.get(id);
      if (!item) continue;
      const p = this.position(item);
      const { x, y, scale } = screen.view;
      const left = p.x * scale + x;
      const top = p.y * scale + y;
      if (left + p.w * scale < 0 || top + p.h * scale < 0 || left > screen.width || top > screen.height) continue;
      for (const img of entry.el.querySelectorAll('img')) if (!img.complete || img.dataset.src) coming.push(img);
    }
    return coming;
  }

  /**
   * Keep the parts of the day and the days on screen while the week is panned (geometry.stickyLabels): small
   * labels at the screen's left and top edges, over the board, letting every touch through.
   * @param {{x: number, y: number, scale: number}} view
   * @param {number} width @param {number} height
   */
  stick(view, width, height) {
    this.screen = { view, width, height };
    this.givePictures();
    const at = stickyLabels(view, width, height, { strip: STICKY_DAYS_H, label: STICKY_ROW_H });
    const sig = JSON.stringify(at);
    if (sig === this.stickSig) return;
    this.stickSig = sig;
    this.stickyRows.hidden = !at.rowsShown;
    this.stickyDays.hidden = !at.daysShown;
    for (const [slot, el] of this.stickyRowEls) {
      const row = at.rows.find((r) => r.slot === slot);
      el.hidden = !row;
      if (row) el.style.transform = `translate(0px, ${row.top}px)`;
    }
    for (const [day, el] of this.stickyDayEls) {
      const col = at.days.find((d) => d.day === day);
      el.hidden = !col;
      if (col) {
        el.style.transform = `translate(${col.left}px, 0px)`;
        el.style.width = `${col.right - col.left}px`;
      }
    }
  }

  /** The sticky labels' words, in the page's language. */
  drawSticky() {
    const { t } = this.i18n();
    this.stickyRowEls.clear();
    this.stickyDayEls.clear();
    this.stickyRows.replaceChildren(...SLOTS.map((slot) => {
      const el = h('span', { class: `sticky-row slot-${slot}`, text: t(`board.slot.${slot}`), attrs: { dir: 'auto' } });
      this.stickyRowEls.set(slot, el);
      return el;
    }));
    this.stickyDays.replaceChildren(...DAYS.map((day) => {
      const el = h('span', { class: `sticky-day day-${day}` }, [h('span', { text: t(`board.day.${day}`), attrs: { dir: 'auto' } })]);
      this.stickyDayEls.set(day, el);
      return el;
    }));
    this.stickSig = '';
  }

  drawCursors() {
    for (const [key, c] of this.cursors) {
      let el = this.cursorEls.get(key);
      const who = this.person(c.participant);
      if (!el) {
        el = h('div', { class: 'cursor' }, [h('span', { class: 'cursor-name', attrs: { dir: 'auto' } })]);
        this.overlay.append(el);
        this.cursorEls.set(key, el);
      }
      el.style.transform = `translate(${c.x}px, ${c.y}px)`;
      el.style.setProperty('--mover', who.colour ?? 'var(--ink-soft)');
      /** @type {HTMLElement} */ (el.firstChild).textContent = who.alias;
    }
    for (const [key, el] of this.cursorEls) {
      if (!this.cursors.has(key)) {
        el.remove();
        this.cursorEls.delete(key);
      }
    }
  }

  /** Language changed: labels, day names and aria labels are redrawn. */
  relabel() {
    this.drawGrid();
    this.drawSticky();
    this.repaint();
  }

  /**
   * Who is who changed (names, colours): the cards they drew or voted on are drawn again (their names and
   * colours are in each card's signature, drawItem), the others are left as they are.
   */
  peopleChanged() {
    this.drawn.view = null;
    this.schedule();
  }

  /**
   * Everything on the cards may have changed (the catalogue, a facilitation mark): the items are redrawn, the
   * grid is left as it is (rebuilding it, as `relabel` does, took the keyboard focus off a cell).
   */
  repaint() {
    for (const entry of this.itemEls.values()) entry.sig = '';
    this.drawn.view = null;
    this.schedule();
  }
}

/**
 * @param {HTMLElement} el
 * @param {{x: number, y: number, w: number, h: number}} r
 */
function place(el, r) {
  el.style.transform = `translate(${r.x}px, ${r.y}px)`;
  el.style.width = `${r.w}px`;
  el.style.height = `${r.h}px`;
}

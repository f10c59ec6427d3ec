// @ts-check
/**
 * The exploration board page: wires the replica (store), the connection, the drawing, the input and the
 * sheets together. Every change a resident makes goes through `act`: applied at once on this screen, kept in
 * the browser's storage, sent to the server, and undoable.
 */
import {
  addVote, createItem, createThread, deleteItem, deleteThread, mayChange, newClientId, newId, presenceMessage,
  removeVote, splitOps, threadAllowed, updateItem,
} from '../core/protocol.js';
import { BoardStore } from '../core/store.js';
import {
  bandPlacement, boundsOf, cellRect, gridBounds, itemRect, itemSize, openingView, placementNear, slotPosition,
  snapToCell, Viewport,
} from '../core/geometry.js';
import { countOf } from '../core/i18n.js';
import { UndoStack } from '../core/undo.js';
import { currentI18n } from '../pages/lang.js';
import { bigButton, showEnded, showPresence, showStatus, Toasts } from './bars.js';
import { Catalogue } from './catalogue.js';
import { Connection } from './connection.js';
import { answersByItem } from './answers.js';
import { Sheet } from './dialogs.js';
import { byId, h } from './dom.js';
import { BoardInput } from './input.js';
import { Palette } from './palette.js';
import { load, save, saver, storageKey } from './persist.js';
import { Renderer } from './render.js';
import { canSpeak, onVoicesChanged, speak } from './speech.js';
import { deviceKind } from '../core/table.js';
import { Follow } from './follow.js';
import { savedTableMode, Table } from './table.js';
import { Facilitation } from './facilitation.js';
import { langMenu } from './header.js';
import { isProjector, setupProjector } from './projector.js';

const PRESENCE_INTERVAL_MS = 33; // ≈ 30 Hz: what the server relays at most
const KEY_STEP = 20;
const CATALOGUE_KEY = 'fresque.catalogue.v1';
const ANSWERS_EVERY_MS = 60_000; // the actions answering solutions change on another board: asked again each minute
const FLASH_MS = 4000;
const WELCOME_WAIT_MS = 400; // how long the page's first draw waits for the board's state (else it draws what it holds) // how long a card shown by ?item= stays lit up

async function start() {
  const boot = JSON.parse(byId('bootstrap').textContent ?? '{}');
  const me = boot.me.participant;
  /** @type {Map<string, string>} palette id → colour */
  const hexOf = new Map(boot.palette.map((/** @type {any} */ c) => [c.id, c.hex]));
  const colourOf = (/** @type {string | null | undefined} */ id) => (id ? hexOf.get(id) ?? null : null);
  let i18n = currentI18n();
  const i18nNow = () => i18n;

  // -- the replica, restored from this browser if it holds one ----------------------------------------------
  const key = storageKey(boot.board.id, me);
  const saved = load(key);
  const store = saved ? BoardStore.fromJSON(saved, { participant: me }) : new BoardStore({ participant: me, clientId: newClientId() });
  // A fresh client id for this page: another tab may have restored the same saved replica, and two pages
  // counting from the same id would make equal op_ids (the server would take the second for a resend).
  if (saved) store.renewClientId();
  const keep = saver(key, () => store.toJSON());
  const undo = new UndoStack();

  // -- the connection, opened first: the server builds the welcome while the page loads and sets itself up --
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  /** @param {boolean} tableMode */
  const myDevice = (tableMode) => deviceKind({
    width: Math.max(window.innerWidth, window.screen?.width ?? 0),
    height: Math.max(window.innerHeight, window.screen?.height ?? 0),
    touch: window.matchMedia('(any-pointer: coarse)').matches,
    finePointer: window.matchMedia('(pointer: fine)').matches,
    tableMode,
  });
  const connection = new Connection({
    url: `${proto}//${location.host}/ws/boards/${encodeURIComponent(boot.board.id)}`,
    clientId: store.clientId,
    lastSeq: () => store.seq,
    device: () => myDevice(savedTableMode(boot)), // the table's own switch once it is drawn (below)
    // 401 from the workshop's own route: this session was revoked (removed from the workshop, or erased)
    checkSession: async () => {
      const r = await fetch(`/api/workshops/${encodeURIComponent(boot.workshop.id)}`, { credentials: 'same-origin' });
      return r.status === 401 ? 'removed' : null;
    },
    onStatus: (status) => onConnectionStatus(status),
    onMessage: (msg) => onServerMessage(msg),
  });
  connection.openEarly();
  // The workshop's roster (names, colours), asked for at the same time: a first draw without it drew every
  // other resident's card grey, then all of them again once it came (≈ 0.2 s on a slow phone).
  const firstRoster = roster(boot.workshop.id);

  // The catalogue, and the board's state and roster when they come soon: then the first frame draws the whole
  // board in its colours.
  const [catalogueDoc, , rosterSoon] = await Promise.all([
    cached('/api/pictograms', CATALOGUE_KEY), connection.welcomed(WELCOME_WAIT_MS), within(firstRoster, WELCOME_WAIT_MS),
  ]);
  const catalogue = new Catalogue(catalogueDoc);
  catalogue.setCustom(boot.custom_pictograms ?? []); // the workshop's own pictures (`custom:<id>`)
  /** @type {Map<string, {alias: string, colour: string | null}>} */
  const people = new Map([[me, { alias: boot.me.alias, colour: colourOf(boot.me.colour) }]]);
  const person = (/** @type {string} */ id) => people.get(id) ?? { alias: '?', colour: null };
  /**
   * Take in a roster. @param {any[] | null} list (null: not had) @returns {boolean} whether anyone's name or
   * colour changed (the cards need drawing again)
   */
  function takeRoster(list) {
    let changed = false;
    for (const p of list ?? []) {
      const was = people.get(p.id);
      const now = { alias: p.alias, colour: colourOf(p.colour) };
      if (!was || was.alias !== now.alias || was.colour !== now.colour) changed = true;
      people.set(p.id, now);
    }
    return changed;
  }
  takeRoster(rosterSoon); // null when it did not come in time: loadPeople waits for it
  /** @type {Promise<any[] | null> | null} the first roster, for the first loadPeople to take in */
  let rosterPending = firstRoster;
  let peopleLoading = false;
  let peopleAgain = false;
  /** @type {any[] | null} the last "who is here" list, drawn again once newcomers' colours are known */
  let presentNow = null;
  async function loadPeople() {
    if (peopleLoading) {
      // Someone else arrived during this fetch: ask again after it. (Skipping the call left the second of
      // two residents joining together without a colour for good: the page then counted them as known.)
      peopleAgain = true;
      return;
    }
    peopleLoading = true;
    try {
      const asked = rosterPending ?? roster(boot.workshop.id);
      rosterPending = null;
      const list = await asked; // null offline: authors keep a neutral colour until the next try
      if (takeRoster(list)) {
        // the cards whose author's or voters' name or colour changed; not relabel: rebuilding the grid took the
        // keyboard focus off a cell when someone joined
        renderer.peopleChanged();
        // the newcomers' chips in "who is here" were drawn before their colours were known
        if (presentNow) showPresence(presenceEl, presentNow, person, me, i18n);
      }
    } finally {
      peopleLoading = false;
      if (peopleAgain) {
        peopleAgain = false;
        loadPeople();
      }
    }
  }


  /** @type {{selected: string | null, selectedThread: string | null, armed: string | null, moving: string | null, linking: string | null, voting: boolean, flash: string | null}} */
  const ui = { selected: null, selectedThread: null, armed: null, moving: null, linking: null, voting: false, flash: null };

  // -- drawing ---------------------------------------------------------------------------------------------
  const viewportEl = byId('viewport');
  const world = byId('world');
  // « Voir tout » may zoom out far on a phone: it is an overview on demand (the opening view stays readable)
  const view = new Viewport({ minScale: 0.1, maxScale: 3 });
  const renderer = new Renderer({ world, catalogue, i18n: i18nNow, person, me: () => me });
  catalogue.onChange(() => renderer.repaint());
  catalogue.followCustom(boot.workshop.id);
  renderer.ui = ui;
  /** @type {Follow | null} */
  let follow = null; // follow-me (follow.js): told when the view moves
  const zoomEl = /** @type {HTMLElement | null} */ (viewportEl.querySelector('.zoom'));
  const applyView = () => {
    world.style.transform = view.transform;
    renderer.stick(view, viewportEl.clientWidth, viewportEl.clientHeight); // the week's labels stay in sight
    follow?.viewChanged();
  };
  /**
   * The strip of the board the zoom buttons cover (CSS px), measured: a column on the right edge, or a row along
   * the bottom (a phone). The opening view, « Voir tout » and a new card keep out from under them.
   */
  function zoomReserve() {
    if (!zoomEl || !zoomEl.offsetWidth) return { right: 0, bottom: 0 };
    const r = viewportEl.getBoundingClientRect();
    const z = zoomEl.getBoundingClientRect();
    return z.height > z.width
      ? { right: Math.max(0, r.right - z.left) + 8, bottom: 0 }
      : { right: 0, bottom: Math.max(0, r.bottom - z.top) + 8 };
  }
  /** The opening view (geometry.openingView): readable first, the resident's own cards, else where cards are. */
  function fit() {
    const r = viewportEl.getBoundingClientRect();
    const items = [...store.view().items.values()];
    const free = zoomReserve();
    // An empty board opens on Monday, not on today's column: residents tell a usual week from its start, and the
    // same board must open the same way whatever the day of the workshop.
    view.set(openingView({
      width: r.width - free.right, height: r.height - free.bottom, items, mine: items.filter((it) => it.author === me),
    }));
    applyView();
  }
  /** « Voir tout »: the week and every card under it, as large as they fit (an overview: maybe small). */
  function fitAll() {
    const r = viewportEl.getBoundingClientRect();
    const free = zoomReserve();
    view.fit(boardBounds(), r.width - free.right, r.height - free.bottom, 12, 1);
    applyView();
  }
  /**
   * Pan just enough to bring a world rectangle into sight (a card just pulled below the week, a new note),
   * never under the zoom buttons.
   */
  function reveal(/** @type {{x: number, y: number, w: number, h: number}} */ rect) {
    const r = viewportEl.getBoundingClientRect();
    const a = view.toScreen(rect.x, rect.y);
    const b = view.toScreen(rect.x + rect.w, rect.y + rect.h);
    const margin = 24;
    const free = zoomReserve();
    const right = r.width - Math.max(margin, free.right);
    const bottom = r.height - Math.max(margin, free.bottom);
    let dx = 0;
    let dy = 0;
    if (b.y > bottom) dy = bottom - b.y;
    if (a.y + dy < margin) dy = margin - a.y;
    if (b.x > right) dx = right - b.x;
    if (a.x + dx < margin) dx = margin - a.x;
    if (dx || dy) {
      view.panBy(dx, dy);
      applyView();
    }
  }
  // The browser scrolls even an overflow-hidden box to show what takes the focus (Tab onto a card):
  // turn that scroll into a pan of the board, so the drawing and the pointer maths stay in step.
  viewportEl.addEventListener('scroll', () => {
    const dx = viewportEl.scrollLeft;
    const dy = viewportEl.scrollTop;
    if (!dx && !dy) return;
    viewportEl.scrollLeft = 0;
    viewportEl.scrollTop = 0;
    view.panBy(-dx, -dy);
    applyView();
  });
  /** The week and every card: what « Voir tout » and the projector show. */
  function boardBounds() {
    return boundsOf([gridBounds(), ...[...store.view().items.values()].map(itemRect)]);
  }

  langMenu(document.getElementById('lang-toggle'), document.querySelector('.lang-switcher'));
  const statusEl = byId('status');
  const presenceEl = byId('presence');
  const toasts = new Toasts(byId('toasts'));
  const bar = byId('actionbar');
  const paletteEl = byId('palette');
  let connectionStatus = /** @type {import('./connection.js').Status} */ ('connecting');

  function refresh() {
    facilitation.update(); // phase, timer, lock: the banner, the facilitator's bar, what is open
    renderer.view = facilitation.shown(store.view()); // the projector leaves out what only facilitators see
    renderer.schedule();
    showStatus(statusEl, connectionStatus, store.pendingCount, i18n);
    renderVoteButton();
    if (ui.selected && !store.view().items.has(ui.selected)) select(null);
    else if (ui.selected || ui.selectedThread) renderBar();
  }
  store.subscribe(() => {
    refresh();
    keep.later();
  });

  // -- acting ----------------------------------------------------------------------------------------------
  /**
   * @param {any[]} ops
   * @param {{undoable?: boolean, as?: string | null}} [options] as: made as a member of this table (table.js)
   */
  function act(ops, { undoable = true, as = table.actingFor(ops) } = {}) {
    if (!ops.length) return;
    // closed by the phase or the lock, or someone else's card: say so, send nothing
    const refused = facilitation.refusal(ops, (author) => author === me || author === as || table.members.has(author));
    if (refused) { toasts.show(refused); renderer.schedule(); return; }
    if (table.on && !as) { table.gate(() => act(ops, { undoable })); return; } // « Qui êtes-vous ? » first
    const before = store.view();
    const msg = store.submit(ops, { as });
    table.sent(msg);
    if (undoable) undo.record(ops, as ? { ...before, participant: as } : before, msg.op_id);
    keep.now(); // before it can be lost to a reload or a dead battery
    connection.sendDurable(msg);
  }

  /**
   * Whether this screen may move, edit or delete the item: the server's rule (one's own, a table member's, or
   * anything for a facilitator or co-facilitator); a read-only screen (projector, ended session) changes nothing.
   * @param {{author: string}} item
   */
  function mayMove(item) {
    return !facilitation.readOnly && mayChange(item.author, { me, role: facilitation.role, members: table.members });
  }

  /** @param {string} kind */
  function sizeOf(kind) {
    return itemSize(kind);
  }

  /** @param {{day: string, slot: string}} cell @param {string | null} except */
  function nextSlot(cell, except) {
    let n = 0;
    for (const item of store.view().items.values()) {
      if (item.id !== except && item.cell && item.cell.day === cell.day && item.cell.slot === cell.slot) n += 1;
    }
    return slotPosition(cell, n);
  }

  /** @param {string} ref @param {{day: string, slot: string}} cell */
  function placeInCell(ref, cell) {
    const pos = nextSlot(cell, null);
    const id = newId('act');
    act([createItem({ id, kind: 'activity', x: pos.x, y: pos.y, ref, cell })]);
    announce('board.placed', ref);
  }

  /** @param {string} ref @param {number} wx @param {number} wy world point under the finger */
  function placeAt(ref, wx, wy) {
    const s = sizeOf('activity');
    // inside the box it was dropped in, whole: never across Matin and Après-midi
    const { x, y, cell } = snapToCell({ x: wx - s.w / 2, y: wy - s.h / 2, ...s });
    const id = newId('act');
    act([createItem({ id, kind: 'activity', x, y, ref, cell: cell ?? undefined })]);
    announce('board.placed', ref);
  }

  /** @param {string} key @param {string} ref */
  function announce(key, ref) {
    byId('announce').textContent = i18n.t(key, { label: catalogue.label(catalogue.get(ref), i18n.lang) });
  }

  function occupied() {
    return [...store.view().items.values()].map((it) => {
      const s = itemSize(it.kind);
      return { x: it.x, y: it.y, w: it.w ?? s.w, h: it.h ?? s.h };
    });
  }

  /** Tirer le fil: a new card linked to `sourceId` by a thread. @param {string} sourceId @param {'difficulty' | 'touchpoint' | 'solution'} kind */
  async function pull(sourceId, kind) {
    const t = i18n.t;
    const source = store.view().items.get(sourceId);
    if (!source || !threadAllowed(source.kind, kind)) return;
    if (table.gate(() => pull(sourceId, kind))) return; // table mode: « Qui êtes-vous ? » before the sheets, not after
    /** @type {any} */
    const fields = {};
    if (kind === 'difficulty') {
      const choice = await sheet.chooseEntry(t('board.pick.difficulty'), catalogue.byKind.difficulty);
      if (!choice) return;
      const severity = await sheet.chooseSeverity();
      if (!severity) return;
      const text = await sheet.askText(t('board.add_words'), '', false);
      if (text === null) return;
      Object.assign(fields, choice, { severity }, text ? { text } : {});
    } else if (kind === 'touchpoint') {
      const choice = await sheet.chooseEntry(t('board.pick.touchpoint'), catalogue.byKind.touchpoint);
      if (!choice) return;
      Object.assign(fields, choice);
    } else {
      const choice = await sheet.chooseEntry(t('board.pick.solution'), catalogue.byKind.solution, { allowText: true });
      if (!choice) return;
      Object.assign(fields, choice);
    }
    const now = store.view().items.get(sourceId);
    if (!now) return; // deleted by someone meanwhile
    const pos = bandPlacement(now, kind, occupied());
    const id = newId(kind.slice(0, 3));
    act([createItem({ id, kind, x: pos.x, y: pos.y, ...fields }), createThread(newId('th'), sourceId, id)]);
    select(id);
    reveal({ ...pos, ...itemSize(kind) });
  }

  async function addNote() {
    if (table.gate(addNote)) return; // table mode: whose note, first
    const text = await sheet.askText(i18n.t('board.note.write'), '', true);
    if (!text) return;
    const r = viewportEl.getBoundingClientRect();
    // centred in the part of the board not under the zoom buttons, moved down past the cards in the way
    const free = zoomReserve();
    const centre = view.toWorld((r.width - free.right) / 2, (r.height - free.bottom) / 2);
    const s = sizeOf('note');
    const gap = 64; // placementNear's: it puts the card that far right of the rectangle given
    const pos = placementNear({ id: '', kind: 'note', x: centre.x - s.w / 2 - gap, y: centre.y - s.h / 2, w: 0, h: 0 }, 'note', occupied());
    act([createItem({ id: newId('note'), kind: 'note', x: pos.x, y: pos.y, text })]);
    reveal({ ...pos, ...s });
  }

  /** @param {string} id */
  async function editText(id) {
    const item = store.view().items.get(id);
    if (!item) return;
    const text = await sheet.askText(i18n.t('board.edit_words'), item.text ?? '', item.kind === 'note' || (item.kind === 'solution' && !item.ref));
    if (text === null) return;
    act([updateItem(id, { text: text || null })]);
  }

  /** @param {string} id */
  function remove(id) {
    act([deleteItem(id)]);
    select(null);
    toasts.show(i18n.t('board.deleted'), { label: i18n.t('board.undo'), run: doUndo });
  }

  /** @param {string} id @param {1 | -1} delta */
  function vote(id, delta) {
    if (table.gate(() => vote(id, delta))) return; // table mode: whose dot, first (and then their budget)
    if (delta > 0 && store.votesLeft(table.actor()) <= 0) {
      toasts.show(i18n.t('board.vote.none_left'));
      return;
    }
    if (delta < 0 && store.myVotes(id, table.actor()) <= 0) return;
    act([delta > 0 ? addVote(id) : removeVote(id)]);
  }

  function doUndo() {
    const as = table.undoAs(undo); // a table member's batch is taken back as them
    const ops = undo.undo(as ? { ...store.view(), participant: as } : store.view());
    if (!ops || !ops.length) {
      toasts.show(i18n.t('board.nothing_to_undo'));
      return;
    }
    for (const batch of splitOps(ops)) act(batch, as ? { undoable: false, as } : { undoable: false }); // one message holds 100 ops at most
  }

  // -- selection and the action bar ------------------------------------------------------------------------
  /** @param {string | null} id */
  function select(id) {
    ui.selected = id;
    ui.selectedThread = null;
    ui.moving = null;
    if (id) disarm();
    renderBar();
    renderer.schedule();
    const item = id ? store.view().items.get(id) : null;
    if (item) reveal(renderer.position(item)); // the action bar took the palette's place: keep the card in sight
  }

  function disarm() {
    ui.armed = null;
    palette.setArmed(null);
  }

  function renderBar() {
    const t = i18n.t;
    const icon = (/** @type {string} */ name) => catalogue.icon(name);
    const item = ui.selected ? store.view().items.get(ui.selected) : null;
    const thread = ui.selectedThread ? store.view().threads.get(ui.selectedThread) : null;
    paletteEl.hidden = Boolean(item || thread);
    bar.hidden = !(item || thread);
    if (thread) {
      fillBar(`thread:${thread.id}`, [
        h('p', { class: 'bar-title', text: t('board.kind.thread') }),
        bigButton(icon('delete'), t('board.thread.cut'), () => { act([deleteThread(thread.id)]); select(null); }, 'danger'),
        bigButton(icon('close'), t('board.close'), () => select(null), 'close'),
      ]);
      return;
    }
    if (!item) return;
    const label = catalogue.label(catalogue.get(item.ref), i18n.lang) || item.text || '';
    const mine = mayMove(item);
    /** @type {(HTMLElement | null)[]} */
    const buttons = [h('p', { class: 'bar-title', text: label, attrs: { dir: 'auto' } })];
    const open = facilitation.tools(); // what the phase leaves open (facilitators: everything)
    if (item.kind === 'solution' && open.votes) {
      const left = store.votesLeft(table.actor());
      buttons.push(
        bigButton(icon('vote'), t('board.vote.give'), () => vote(item.id, 1), 'vote'),
        store.myVotes(item.id, table.actor()) > 0 ? bigButton(icon('undo'), t('board.vote.take_back'), () => vote(item.id, -1), 'take-back') : null,
        h('p', { class: 'dots-left', text: countOf(t, 'board.vote.left', left, i18n.lang) }),
      );
    }
    if (item.kind === 'activity' && open.threads) {
      buttons.push(
        bigButton(icon('thread'), t('board.pull.difficulty'), () => pull(item.id, 'difficulty'), 'pull'),
        bigButton(icon('touchpoint'), t('board.pull.touchpoint'), () => pull(item.id, 'touchpoint')),
      );
    }
    if (item.kind === 'touchpoint' && open.threads) {
      buttons.push(bigButton(icon('thread'), t('board.pull.difficulty'), () => pull(item.id, 'difficulty'), 'pull'));
    }
    if ((item.kind === 'difficulty' || item.kind === 'touchpoint') && open.threads && open.kinds.includes('solution')) {
      buttons.push(bigButton(icon('solution'), t('board.pull.solution'), () => pull(item.id, 'solution'), 'pull'));
    }
    if (label && canSpeak(i18n.lang)) buttons.push(bigButton(icon('speak'), t('board.read'), () => speak(label, i18n.lang)));
    if (renderer.answerCount(item)) buttons.push(bigButton(icon('board-actions'), t('board.answers.menu'), () => showAnswers(item.id), 'answers'));
    if (['activity', 'touchpoint', 'difficulty', 'solution'].includes(item.kind) && open.threads) {
      buttons.push(bigButton(icon('thread'), t('board.link.start'), () => {
        ui.linking = item.id;
        toasts.show(t('board.link.hint'));
      }));
    }
    if (mine && open.kinds.includes(item.kind)) buttons.push(bigButton(icon('move'), t('board.move'), () => { ui.moving = item.id; renderer.schedule(); toasts.show(t('board.move_hint')); }));
    if (mine && item.kind !== 'activity' && open.kinds.includes(item.kind)) buttons.push(bigButton(icon('edit'), t('board.edit'), () => editText(item.id)));
    for (const th of store.view().threads.values()) {
      if ((th.source !== item.id && th.target !== item.id) || !open.threads) continue;
      const other = store.view().items.get(th.source === item.id ? th.target : th.source);
      const otherLabel = other ? catalogue.label(catalogue.get(other.ref), i18n.lang) || other.text || '' : '';
      buttons.push(bigButton(icon('thread'), t('board.thread.cut_to', { label: otherLabel }), () => act([deleteThread(th.id)]), 'cut'));
    }
    if (mine && open.kinds.includes(item.kind)) buttons.push(bigButton(icon('delete'), t('board.delete'), () => remove(item.id), 'danger'));
    buttons.push(...facilitation.itemButtons(item));
    buttons.push(bigButton(icon('close'), t('board.close'), () => select(null), 'close'));
    fillBar(`item:${item.id}`, buttons.filter((b) => b !== null));
  }

  /** the card or thread whose actions the bar shows: another one starts at the bar's top */
  let barFor = '';
  /**
   * Draw the bar's buttons again (the store changed, or the selection). The button that had the keyboard focus
   * keeps it (Enter twice on « Donner un point » gives two dots); another card's bar starts scrolled to its top.
   * @param {string} key what the bar is for @param {HTMLElement[]} children
   */
  function fillBar(key, children) {
    const focused = bar.contains(document.activeElement) ? barKey(/** @type {HTMLElement} */ (document.activeElement)) : null;
    bar.replaceChildren(...children);
    if (key !== barFor) {
      barFor = key;
      bar.scrollTop = 0;
      bar.scrollLeft = 0;
      return;
    }
    if (focused) [...bar.querySelectorAll('button')].find((b) => barKey(b) === focused)?.focus({ preventScroll: true });
  }
  /** @param {HTMLElement} el */
  function barKey(el) {
    return `${el.className}|${el.textContent}`;
  }

  // -- palette, sheets, top bar ----------------------------------------------------------------------------
  const sheet = new Sheet({ dialog: /** @type {HTMLDialogElement} */ (byId('sheet')), catalogue, i18n: i18nNow });
  // Table mode (table.js): several residents at one screen, each placing and voting as themselves.
  const table = new Table({
    boot, store, sheet, catalogue, i18n: i18nNow, people, repaint: () => renderer.peopleChanged(), voting: () => ui.voting,
    onMode: () => { renderVoteButton(); follow?.update(); fit(); connection.rehello(); /* the console sees the new device kind */ },
    onActive: () => { renderVoteButton(); if (ui.selected) renderBar(); },
    say: (text) => { byId('announce').textContent = text; }, tools: /** @type {HTMLElement} */ (document.querySelector('.board-top .tools')),
    bottom: /** @type {HTMLElement} */ (document.querySelector('.board-strip')),
  });
  const palette = new Palette({
    root: paletteEl,
    catalogue,
    i18n: i18nNow,
    arm: function armEntry(entryId, byKeyboard) {
      if (!ui.armed && table.gate(() => armEntry(entryId, byKeyboard))) return; // « Qui êtes-vous ? »
      ui.armed = ui.armed === entryId ? null : entryId;
      palette.setArmed(ui.armed);
      renderer.schedule();
      if (ui.armed) byId('announce').textContent = i18n.t('board.tap_a_cell');
      if (ui.armed && byKeyboard) renderer.cells.get('mon/morning')?.focus(); // the week is next, not 14 tabs away
    },
    drop: (entryId, clientX, clientY) => {
      const r = viewportEl.getBoundingClientRect();
      if (clientX < r.left || clientX > r.right || clientY < r.top || clientY > r.bottom) return false;
      const w = view.toWorld(clientX - r.left, clientY - r.top);
      placeAt(entryId, w.x, w.y);
      return true;
    },
  });

  const voteButton = byId('vote-mode');
  // Facilitation (facilitation.js, phase.js): the phase banner and timer, the facilitator's bar, what is open.
  const facilitation = new Facilitation({
    boot, store, i18n: i18nNow, catalogue, act, sheet, toasts, renderer, ui, palette,
    reveal: (id) => { const it = store.view().items.get(id); if (it) reveal(renderer.position(it)); },
    selected: () => ui.selected, select, redraw: () => renderer.schedule(),
  });
  facilitation.attachTable(table); // the bar's « Saisir pour une personne sur papier » (table.js paper mode)
  function renderVoteButton() {
    const left = store.votesLeft(table.actor());
    voteButton.setAttribute('aria-pressed', String(ui.voting));
    voteButton.dataset.left = String(left); // a phone shows just this number beside the thumb
    const label = voteButton.querySelector('.label');
    if (label) label.textContent = left > 0 ? countOf(i18n.t, 'board.vote.mode', left, i18n.lang) : i18n.t('board.vote.mode_none');
  }
  voteButton.addEventListener('click', function toggleVoting() {
    if (!ui.voting && table.gate(toggleVoting)) return; // table mode: who votes, before the vote mode is on
    ui.voting = !ui.voting;
    renderVoteButton();
    renderer.schedule();
    table.render();
  });
  byId('add-note').addEventListener('click', addNote);
  byId('undo').addEventListener('click', doUndo);
  byId('zoom-in').addEventListener('click', () => zoomBy(1.25));
  byId('zoom-out').addEventListener('click', () => zoomBy(0.8));
  byId('zoom-fit').addEventListener('click', fitAll);
  /** @param {number} f */
  function zoomBy(f) {
    const r = viewportEl.getBoundingClientRect();
    view.zoomAt(r.width / 2, r.height / 2, f);
    applyView();
  }

  // -- pointer input ---------------------------------------------------------------------------------------
  let lastPresence = 0;
  /** @type {any} */
  let presenceQueued = null;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let presenceTimer = null;
  /** @param {any} msg */
  function sendPresence(msg) {
    presenceQueued = msg;
    const wait = lastPresence + PRESENCE_INTERVAL_MS - performance.now();
    if (wait <= 0) flushPresence();
    else if (!presenceTimer) presenceTimer = setTimeout(flushPresence, wait);
  }
  function flushPresence() {
    presenceTimer = null;
    if (!presenceQueued) return;
    lastPresence = performance.now();
    connection.sendEphemeral(follow ? follow.decorate(presenceQueued) : presenceQueued);
    presenceQueued = null;
  }

  /** @param {string} id @param {{day: string, slot: string}} cell */
  function moveToCell(id, cell) {
    const item = store.view().items.get(id);
    if (!item) return;
    const pos = nextSlot(cell, id);
    /** @type {any} */
    const set = { x: pos.x, y: pos.y };
    if (item.kind === 'activity') set.cell = cell;
    act([updateItem(id, set)]);
  }

  new BoardInput({
    element: viewportEl,
    view,
    on: {
      itemPosition: (id) => {
        const item = store.view().items.get(id);
        return item ? renderer.position(item) : null;
      },
      canDrag: (id) => {
        const item = store.view().items.get(id);
        return Boolean(item && mayMove(item)); // someone else's card is never picked up: a tap only reads it
      },
      itemTap: (id, el) => {
        el.focus({ preventScroll: true });
        if (badgeDown === id) { badgeDown = null; showAnswers(id); return; } // « → 2 actions » on the card
        tapItem(id);
      },
      itemDrag: (id, x, y) => {
        renderer.local.set(id, { x, y });
        renderer.schedule();
        sendPresence(presenceMessage({ drag: { item: id, x, y } }));
      },
      itemDrop: (id, x, y) => {
        renderer.local.delete(id);
        const item = store.view().items.get(id);
        if (!item) return;
        /** @type {any} */
        const set = { x, y };
        if (item.kind === 'activity') {
          // it lands whole inside the box under its centre
          const snapped = snapToCell({ x, y, ...itemSize(item.kind) });
          Object.assign(set, { x: snapped.x, y: snapped.y });
          if (!sameCell(snapped.cell, item.cell)) set.cell = snapped.cell;
        }
        act([updateItem(id, set)]);
        sendPresence(presenceMessage({ drag: null }));
      },
      itemDragCancel: (id) => {
        renderer.local.delete(id);
        renderer.schedule();
        sendPresence(presenceMessage({ drag: null }));
      },
      cellTap: (cell) => {
        if (ui.moving) {
          moveToCell(ui.moving, cell);
          ui.moving = null;
          renderer.schedule();
        } else if (ui.armed) {
          placeInCell(ui.armed, cell);
          disarm(); // one copy per arming: a later tap on the board must not place another
          renderer.schedule();
        } else {
          select(null);
        }
      },
      threadTap: (threadId) => {
        ui.selected = null;
        ui.selectedThread = threadId;
        renderBar();
        renderer.schedule();
      },
      emptyTap: () => {
        ui.linking = null;
        if (ui.moving) {
          ui.moving = null;
          renderer.schedule();
        }
        select(null);
      },
      viewChanged: applyView,
      cursor: (x, y) => sendPresence(presenceMessage({ cursor: { x, y } })),
    },
  });

  /** A tap on a card (or Enter on it): vote, tie, or select. @param {string} id */
  function tapItem(id) {
    if (facilitation.tap(id)) return; // "merge with…" was waiting for this card
    const item = store.view().items.get(id);
    if (ui.voting && item?.kind === 'solution') {
      vote(id, 1);
      if (ui.selected !== id) select(id);
      return;
    }
    if (ui.linking && item && ui.linking !== id) {
      // "Relier" then a card: a thread between them, when that pair may be tied
      const first = store.view().items.get(ui.linking);
      ui.linking = null;
      if (first && linkable(first, item)) {
        const [source, target] = threadAllowed(first.kind, item.kind) ? [first, item] : [item, first];
        act([createThread(newId('th'), source.id, target.id)]);
      } else {
        toasts.show(i18n.t('board.link.not_allowed'));
      }
    }
    select(ui.selected === id ? null : id);
  }

  /** Two cards may be tied by a thread, one way or the other, and are not tied yet. @param {any} a @param {any} b */
  function linkable(a, b) {
    return (threadAllowed(a.kind, b.kind) || threadAllowed(b.kind, a.kind)) && !linked(a.id, b.id);
  }

  /** @param {string} a @param {string} b */
  function linked(a, b) {
    for (const th of store.view().threads.values()) {
      if ((th.source === a && th.target === b) || (th.source === b && th.target === a)) return true;
    }
    return false;
  }

  // -- traceability: the actions that answer a solution, and « Voir sur la fresque » (?item=) ------------------
  /** @type {string | null} the card whose « → 2 actions » badge the last press began on */
  let badgeDown = null;
  viewportEl.addEventListener('pointerdown', (e) => {
    const badge = /** @type {Element} */ (e.target).closest('.answers-badge');
    badgeDown = badge instanceof HTMLElement ? badge.dataset.answers ?? null : null;
  }, { capture: true });
  let answersSeen = '';
  async function loadAnswers() {
    try {
      const res = await fetch(`/api/boards/${encodeURIComponent(boot.board.id)}/answers`, { credentials: 'same-origin' });
      if (!res.ok) return;
      const data = await res.json();
      // in a study, the partners' actions are only counted (`elsewhere`): they count on the badge too
      const text = JSON.stringify([data.answers, data.elsewhere]);
      if (text === answersSeen) return;
      answersSeen = text;
      renderer.answers = answersByItem(data.answers, data.elsewhere);
      renderer.repaint();
      if (ui.selected) renderBar();
    } catch {
      // offline: the badges stay as they were until the next try
    }
  }
  /** @param {string} id */
  function showAnswers(id) {
    const item = store.view().items.get(id);
    const answers = renderer.answers.get(id) ?? [];
    if (!item || !answers.length) return;
    const about = [catalogue.label(catalogue.get(item.ref), i18n.lang), item.text].filter(Boolean).join(' — ');
    sheet.showAnswers(about, answers);
  }
  /** @type {string | null} ?item=<id>: the card to show once the board is here (the fiche's « Voir sur la fresque ») */
  let wanted = new URLSearchParams(location.search).get('item');
  /** Centre the view on the wanted card and light it up for a few seconds. @param {boolean} last no later chance */
  function showWanted(last) {
    if (!wanted) return;
    const item = store.view().items.get(wanted);
    if (!item) {
      if (last) { toasts.show(i18n.t('board.answers.item_gone')); wanted = null; }
      return;
    }
    const id = wanted;
    wanted = null;
    const r = viewportEl.getBoundingClientRect();
    const p = renderer.position(item);
    const scale = Math.min(1.2, Math.max(view.scale, 0.8));
    const free = zoomReserve(); // centred in what the zoom buttons leave free
    view.set({ x: (r.width - free.right) / 2 - (p.x + p.w / 2) * scale, y: (r.height - free.bottom) / 2 - (p.y + p.h / 2) * scale, scale });
    applyView();
    ui.flash = id;
    renderer.repaint();
    setTimeout(() => { if (ui.flash === id) { ui.flash = null; renderer.repaint(); } }, FLASH_MS);
  }

  // -- keyboard: everything a finger does, a keyboard does too --------------------------------------------
  document.addEventListener('keydown', (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    if (target.closest('dialog, input, textarea')) return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      doUndo();
      return;
    }
    if (e.key === 'Escape') {
      disarm();
      ui.linking = null;
      select(null);
      return;
    }
    const cellEl = target.closest('.cell');
    if (cellEl instanceof HTMLElement && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      const cell = { day: String(cellEl.dataset.day), slot: String(cellEl.dataset.slot) };
      if (ui.moving) { moveToCell(ui.moving, cell); ui.moving = null; renderer.schedule(); }
      else if (ui.armed) { placeInCell(ui.armed, cell); disarm(); renderer.schedule(); }
      return;
    }
    const itemEl = target.closest('.item');
    if (!(itemEl instanceof HTMLElement) || !itemEl.dataset.id) return;
    const id = itemEl.dataset.id;
    const item = store.view().items.get(id);
    if (!item) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      tapItem(id);
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      if (mayMove(item)) remove(id);
    } else if (e.key.startsWith('Arrow')) {
      e.preventDefault();
      const dx = e.key === 'ArrowLeft' ? -KEY_STEP : e.key === 'ArrowRight' ? KEY_STEP : 0;
      const dy = e.key === 'ArrowUp' ? -KEY_STEP : e.key === 'ArrowDown' ? KEY_STEP : 0;
      /** @type {any} */
      const set = { x: item.x + dx, y: item.y + dy };
      if (item.kind === 'activity') Object.assign(set, arrowInCells(item, dx, dy));
      const ops = [updateItem(id, set)];
      if (!mayMove(item)) {
        // Someone else's card stays put, without a « not yours » at each key press (as a finger does not pick
        // it up); a paused board or a closed phase holds for every card, and is still said.
        const closed = facilitation.refusal(ops, () => true);
        if (closed) toasts.show(closed);
        return;
      }
      act(ops);
    }
  });

  // -- the connection ----------------------------------------------------------------------------------------
  /** @type {Map<string, string>} connection → item it is dragging */
  const remoteDrags = new Map();
  connection.device = () => myDevice(table.on);
  /** @param {import('./connection.js').Status} status */
  function onConnectionStatus(status) {
    connectionStatus = status;
    showStatus(statusEl, status, store.pendingCount, i18n);
    if (status === 'outdated') toasts.show(i18n.t('board.status.outdated'), { label: i18n.t('board.reload'), run: () => location.reload() });
    if (status === 'removed' || status === 'erased') { // for good: nothing more can go from this page
      facilitation.readOnly = true;
      sheet.finish(null);
      select(null);
      refresh();
      showEnded(byId('ended'), status);
    }
  }
  /** @param {any} msg */
  function onServerMessage(msg) {
    switch (msg.type) {
      case 'welcome':
        myConnection = msg.you.connection;
        for (const resend of store.applyWelcome(msg)) connection.sendDurable(resend);
        keep.now();
        if (!fitted) { fit(); fitted = true; }
        showWanted(true);
        break;
      case 'change':
        store.applyChange(msg);
        for (const [conn, itemId] of remoteDrags) {
          if (msg.ops.some((/** @type {any} */ op) => op.id === itemId)) { renderer.remote.delete(itemId); remoteDrags.delete(conn); }
        }
        break;
      case 'resync': // something became visible or hidden for this screen (docs/protocol.md)
        store.applyResync(msg);
        break;
      case 'ack':
        store.applyAck(msg);
        // an ack for a change this page never saw: two tabs shared an id. A snapshot puts it right.
        if (store.resyncNeeded) connection.socket?.close();
        break;
      case 'reject': {
        store.applyReject(msg);
        undo.drop(msg.op_id);
        const known = `board.reject.${msg.code}`;
        const text = i18n.t(known);
        toasts.show(text === known ? i18n.t('board.reject.other') : text);
        break;
      }
      case 'presence_list':
        presentNow = msg.participants;
        follow?.someoneArrived();
        showPresence(presenceEl, msg.participants, person, me, i18n);
        if (msg.participants.some((/** @type {any} */ p) => !people.has(p.participant))) {
          for (const p of msg.participants) if (!people.has(p.participant)) people.set(p.participant, { alias: p.alias, colour: null });
          loadPeople();
        }
        break;
      case 'ephemeral':
        for (const u of msg.updates) ephemeral(u);
        renderer.schedule();
        break;
      default:
        break;
    }
  }
  let fitted = false;
  /** @type {string | null} this socket's name in ephemeral updates (my other tabs show like anyone else) */
  let myConnection = null;

  /** @param {any} u */
  function ephemeral(u) {
    if (u.connection === myConnection) return; // my own previews: I see my finger already
    follow?.onUpdate(u);
    const dragged = remoteDrags.get(u.connection);
    if (u.gone || u.drag === null || (u.drag && dragged && dragged !== u.drag.item)) {
      if (dragged) renderer.remote.delete(dragged);
      remoteDrags.delete(u.connection);
    }
    if (u.gone) {
      renderer.cursors.delete(u.connection);
      return;
    }
    if (u.drag) {
      renderer.remote.set(u.drag.item, { x: u.drag.x, y: u.drag.y, participant: u.participant });
      remoteDrags.set(u.connection, u.drag.item);
    }
    if (u.cursor) renderer.cursors.set(u.connection, { x: u.cursor.x, y: u.cursor.y, participant: u.participant });
  }

  // -- language switch: redraw what the scripts wrote ---------------------------------------------------------
  document.addEventListener('fresque:lang', () => {
    i18n = currentI18n();
    renderer.relabel();
    facilitation.relabel();
    palette.render();
    refresh();
    renderBar();
  });
  onVoicesChanged(() => { palette.render(); renderBar(); });

  follow = new Follow({
    me, boardId: boot.board.id, store, view, viewport: viewportEl, applyView, send: sendPresence, person, i18n: i18nNow,
    tableMode: () => table.on,
    spotlight: (id) => { const it = store.view().items.get(id); if (it) reveal(renderer.position(it)); },
  });
  /** authors asked about once: a table's members make cards without ever being "here" */
  const askedAbout = new Set([me]);
  store.subscribe(() => {
    table.render();
    follow?.update();
    let unknown = false;
    for (const it of store.view().items.values()) {
      if (!askedAbout.has(it.author) && !people.has(it.author)) { askedAbout.add(it.author); unknown = true; }
    }
    if (unknown) loadPeople(); // their names and colours, from the workshop's roster
  });
  document.addEventListener('fresque:lang', () => { table.render(); follow?.render(); });
  table.loadMembers();
  window.addEventListener('resize', () => {
    if (!fitted) fit();
    else renderer.stick(view, viewportEl.clientWidth, viewportEl.clientHeight); // what the screen now holds
  });
  refresh();
  fit();
  if (saved) fitted = true;
  showWanted(false); // a card this browser already holds shows at once; otherwise after the welcome
  loadPeople();
  loadAnswers();
  setInterval(loadAnswers, ANSWERS_EVERY_MS);
  if (isProjector()) {
    setupProjector({ boot, store, facilitation, i18n: i18nNow, fit: (reserve) => {
      const r = viewportEl.getBoundingClientRect();
      view.fit(boardBounds(), r.width - reserve, r.height, 16);
      applyView();
    } });
  }
  connection.release(); // what the server said meanwhile (the welcome, most often), and from now on
  document.body.dataset.ready = 'true';
  // For the end-to-end tests and for debugging from the console: read-only looks at the live objects.
  Object.assign(window, { fresque: { store, view, connection, ui, table, follow, facilitation } });
}

/**
 * An activity moved by an arrow key: it stays whole inside its box, and at the box's edge the next press
 * takes it into the next box (else it would be held at the edge for good).
 * @param {any} item @param {number} dx @param {number} dy
 * @returns {{x: number, y: number, cell?: {day: string, slot: string} | null}}
 */
function arrowInCells(item, dx, dy) {
  const s = itemSize(item.kind);
  let snapped = snapToCell({ x: item.x + dx, y: item.y + dy, ...s });
  const box = item.cell?.slot ? cellRect(item.cell) : null;
  if (box && Math.abs(snapped.x - item.x) < 0.5 && Math.abs(snapped.y - item.y) < 0.5) {
    // held at the edge: put its centre just past it
    const x = dx > 0 ? box.x + box.w + 1 - s.w / 2 : dx < 0 ? box.x - 1 - s.w / 2 : item.x;
    const y = dy > 0 ? box.y + box.h + 1 - s.h / 2 : dy < 0 ? box.y - 1 - s.h / 2 : item.y;
    snapped = snapToCell({ x, y, ...s });
  }
  const out = { x: snapped.x, y: snapped.y };
  return sameCell(snapped.cell, item.cell) ? out : { ...out, cell: snapped.cell };
}

/**
 * @param {{day: string, slot?: string} | null | undefined} a
 * @param {{day: string, slot?: string} | null | undefined} b
 */
function sameCell(a, b) {
  if (!a || !b) return !a && !b;
  return a.day === b.day && (a.slot ?? null) === (b.slot ?? null);
}

/**
 * The workshop's participants (`GET /api/workshops/{id}`): their ids, names and colours; null when they could
 * not be had (offline, the session revoked).
 * @param {string} workshopId
 * @returns {Promise<any[] | null>}
 */
async function roster(workshopId) {
  try {
    const res = await fetch(`/api/workshops/${encodeURIComponent(workshopId)}`, { credentials: 'same-origin' });
    return res.ok ? (await res.json()).participants ?? [] : null;
  } catch {
    return null;
  }
}

/**
 * What `promise` gives if it settles within `ms`, else null (it goes on: await it again for its value).
 * @template T @param {Promise<T>} promise @param {number} ms @returns {Promise<T | null>}
 */
function within(promise, ms) {
  return Promise.race([promise, new Promise((done) => { setTimeout(() => done(null), ms); })]);
}

/**
 * GET a JSON document, keeping a copy in the browser so the board still draws when the network is down.
 * @param {string} url
 * @param {string} key
 */
async function cached(url, key) {
  try {
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(String(res.status));
    const doc = await res.json();
    save(key, doc);
    return doc;
  } catch (err) {
    const kept = load(key);
    if (kept) return kept;
    throw err;
  }
}

start().catch((err) => {
  const el = document.getElementById('fatal');
  if (el) el.hidden = false;
  console.error(err);
});

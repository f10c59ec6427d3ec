// @ts-check
/**
 * The exploration board page: puts its parts together (their map: page.js). Every change a resident makes goes
 * through `act` (acting.js): applied at once on this screen, kept in the browser's storage, sent to the
 * server, and undoable. This file opens the connection first, loads what the first frame needs, makes the
 * parts in an order where each finds the ones it asks for, and starts them.
 */
import { newClientId } from '../core/protocol.js';
import { BoardStore } from '../core/store.js';
import { UndoStack } from '../core/undo.js';
import { deviceKind } from '../core/table.js';
import { currentI18n } from '../pages/lang.js';
import { Toasts } from './bars.js';
import { Catalogue } from './catalogue.js';
import { Connection } from './connection.js';
import { Sheet } from './dialogs.js';
import { byId } from './dom.js';
import { Palette } from './palette.js';
import { load, saver, storageKey } from './persist.js';
import { Renderer } from './render.js';
import { onVoicesChanged } from './speech.js';
import { Follow } from './follow.js';
import { savedTableMode, Table } from './table.js';
import { Facilitation } from './facilitation.js';
import { langMenu } from './header.js';
import { isProjector, setupProjector } from './projector.js';
import { act } from './acting.js';
import { ActionBar } from './actionbar.js';
import { Camera } from './camera.js';
import { cached, within } from './fetching.js';
import { listenToKeys } from './keyboard.js';
import { onConnectionStatus, onServerMessage, showConnection } from './messages.js';
import { People, roster } from './people.js';
import { arm, dropEntry } from './placing.js';
import { Presence } from './presence.js';
import { listenToPointers } from './taps.js';
import { listenToToolbar, renderVoteButton } from './toolbar.js';
import { Traceability } from './traceability.js';

const CATALOGUE_KEY = 'fresque.catalogue.v1';
const WELCOME_WAIT_MS = 400; // how long the page's first draw waits for the board's state (else it draws what it holds)

async function start() {
  const boot = JSON.parse(byId('bootstrap').textContent ?? '{}');
  const me = boot.me.participant;
  let i18n = currentI18n();

  // -- the replica, restored from this browser if it holds one ----------------------------------------------
  const key = storageKey(boot.board.id, me);
  const saved = load(key);
  const store = saved ? BoardStore.fromJSON(saved, { participant: me }) : new BoardStore({ participant: me, clientId: newClientId() });
  // A fresh client id for this page: another tab may have restored the same saved replica, and two pages
  // counting from the same id would make equal op_ids (the server would take the second for a resend).
  if (saved) store.renewClientId();
  /** @type {import('./page.js').BoardPage} */
  const page = /** @type {any} */ ({
    boot, me, i18n: () => i18n, store, undo: new UndoStack(), keep: saver(key, () => store.toJSON()),
    connectionStatus: 'connecting', follow: null,
    /** @type {import('./page.js').Ui} */
    ui: { selected: null, selectedThread: null, armed: null, moving: null, linking: null, voting: false, flash: null },
    say: (/** @type {string} */ text) => { byId('announce').textContent = text; },
  });

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
    onStatus: (status) => onConnectionStatus(page, status),
    onMessage: (msg) => onServerMessage(page, msg),
  });
  page.connection = connection;
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
  page.catalogue = catalogue;
  catalogue.setCustom(boot.custom_pictograms ?? []); // the workshop's own pictures (`custom:<id>`)
  const people = new People(page, firstRoster);
  page.people = people;
  people.take(rosterSoon); // null when it did not come in time: load waits for it

  // -- drawing ---------------------------------------------------------------------------------------------
  const renderer = new Renderer({ world: byId('world'), catalogue, i18n: page.i18n, person: people.person, me: () => me });
  page.renderer = renderer;
  const camera = new Camera(page, byId('viewport'), byId('world'));
  page.camera = camera;
  catalogue.onChange(() => renderer.repaint());
  catalogue.followCustom(boot.workshop.id);
  renderer.ui = page.ui;

  langMenu(document.getElementById('lang-toggle'), document.querySelector('.lang-switcher'));
  page.toasts = new Toasts(byId('toasts'));
  const paletteEl = byId('palette');
  page.bar = new ActionBar(page, byId('actionbar'), paletteEl);

  page.refresh = function refresh() {
    facilitation.update(); // phase, timer, lock: the banner, the facilitator's bar, what is open
    renderer.view = facilitation.shown(store.view()); // the projector leaves out what only facilitators see
    renderer.schedule();
    showConnection(page);
    renderVoteButton(page);
    if (page.ui.selected && !store.view().items.has(page.ui.selected)) page.bar.select(null);
    else if (page.ui.selected || page.ui.selectedThread) page.bar.render();
  };
  store.subscribe(() => {
    page.refresh();
    page.keep.later();
  });

  // -- palette, sheets, top bar ----------------------------------------------------------------------------
  const sheet = new Sheet({ dialog: /** @type {HTMLDialogElement} */ (byId('sheet')), catalogue, i18n: page.i18n });
  page.sheet = sheet;
  // Table mode (table.js): several residents at one screen, each placing and voting as themselves.
  const table = new Table({
    boot, store, sheet, catalogue, i18n: page.i18n, people: people.known, repaint: () => renderer.peopleChanged(), voting: () => page.ui.voting,
    onMode: () => { renderVoteButton(page); page.follow?.update(); camera.fit(); connection.rehello(); /* the console sees the new device kind */ },
    onActive: () => { renderVoteButton(page); if (page.ui.selected) page.bar.render(); },
    say: page.say, tools: /** @type {HTMLElement} */ (document.querySelector('.board-top .tools')),
    bottom: /** @type {HTMLElement} */ (document.querySelector('.board-strip')),
  });
  page.table = table;
  const palette = new Palette({
    root: paletteEl,
    catalogue,
    i18n: page.i18n,
    arm: (entryId, byKeyboard) => arm(page, entryId, byKeyboard),
    drop: (entryId, clientX, clientY) => dropEntry(page, entryId, clientX, clientY),
  });
  page.palette = palette;

  // Facilitation (facilitation.js, phase.js): the phase banner and timer, the facilitator's bar, what is open.
  const facilitation = new Facilitation({
    boot, store, i18n: page.i18n, catalogue, act: (ops, options) => act(page, ops, options), sheet, toasts: page.toasts, renderer,
    ui: page.ui, palette, reveal: (id) => camera.showItem(id),
    selected: () => page.ui.selected, select: (id) => page.bar.select(id), redraw: () => renderer.schedule(),
  });
  page.facilitation = facilitation;
  facilitation.attachTable(table); // the bar's « Saisir pour une personne sur papier » (table.js paper mode)
  listenToToolbar(page);
  camera.listenToButtons();

  // -- input: pointers, the answers' badge, keys -------------------------------------------------------------
  page.presence = new Presence(page);
  listenToPointers(page);
  page.answers = new Traceability(page);
  listenToKeys(page);

  connection.device = () => myDevice(table.on);

  // -- language switch: redraw what the scripts wrote ---------------------------------------------------------
  document.addEventListener('fresque:lang', () => {
    i18n = currentI18n();
    renderer.relabel();
    facilitation.relabel();
    palette.render();
    page.refresh();
    page.bar.render();
  });
  onVoicesChanged(() => { palette.render(); page.bar.render(); });

  const follow = new Follow({
    me, boardId: boot.board.id, store, view: camera.view, viewport: camera.element, applyView: () => camera.apply(),
    send: (msg) => page.presence.send(msg), person: people.person, i18n: page.i18n,
    tableMode: () => table.on,
    spotlight: (id) => camera.showItem(id),
  });
  page.follow = follow;
  store.subscribe(() => {
    table.render();
    follow.update();
    people.authorsSeen();
  });
  document.addEventListener('fresque:lang', () => { table.render(); follow.render(); });
  table.loadMembers();
  window.addEventListener('resize', () => camera.resized());
  page.refresh();
  camera.fit();
  if (saved) camera.fitted = true;
  page.answers.showWanted(false); // a card this browser already holds shows at once; otherwise after the welcome
  people.load();
  page.answers.poll();
  if (isProjector()) {
    setupProjector({ boot, store, facilitation, i18n: page.i18n, fit: (reserve) => camera.fitBeside(reserve) });
  }
  connection.release(); // what the server said meanwhile (the welcome, most often), and from now on
  document.body.dataset.ready = 'true';
  // For the end-to-end tests and for debugging from the console: read-only looks at the live objects.
  Object.assign(window, { fresque: { store, view: camera.view, connection, ui: page.ui, table, follow, facilitation } });
}

start().catch((err) => {
  const el = document.getElementById('fatal');
  if (el) el.hidden = false;
  console.error(err);
});

// @ts-check
/**
 * The action fresco's page (board kind `actions`, actions.html): wires the replica (store.js), the connection
 * (the exploration board's connection.js), the timeline (timeline.js), the selected card's toolbar and the
 * modules other parts of the page bring:
 *
 *   ctx = {store, send, t, lang, me, board, workshop, access, bootstrap, selection}
 *   - './facilitate.js'  mountFacilitation(ctx, element)        the facilitator's bar
 *   - './filters.js'     mountFilters(ctx, element), visible(action, filter), paintCard(...) / colourOf(...)
 *   - './fiche.js'       openFiche(ctx, actionId)                 the fiche action dialog
 *   - './picker.js'      openSolutionPicker(ctx)                  draft cards from the residents' solutions
 *
 * Each is imported when needed, and a missing or broken one leaves the rest of the page working.
 * Every change goes through `send(ops)`: refused here at once when the phase or the lock closes it (the server's
 * table, from the bootstrap), otherwise applied at once on this screen, kept in the browser's storage, then sent.
 */
import { countOf } from '../core/i18n.js';
import { deleteAction, createAction, facilitates, moveAction, newActionId, presenceMessage, resizeAction } from '../core/protocol.js';
import { currentI18n } from '../pages/lang.js';
import { bigButton, showEnded, showPresence, showStatus, Toasts } from '../board/bars.js';
import { Connection } from '../board/connection.js';
import { byId, h } from '../board/dom.js';
import { load, saver, storageKey } from '../board/persist.js';
import { PhaseBanner } from '../board/phase.js';
import { Ask } from './ask.js';
import { movedStart, newCardSpan, rangeOf, resizedEdge } from './layout.js';
import { formatMonth, monthOf, spanLabel, parseMonth } from './months.js';
import { ActionStore } from './store.js';
import { choiceWords, Timeline } from './timeline.js';
import { actionRefusal, actionTools } from './tools.js';

/** @typedef {import('./store.js').Action} Action */

const FLASH_MS = 4000; // how long the card asked for by ?action= stays lit up

async function start() {
  const boot = JSON.parse(byId('bootstrap').textContent ?? '{}');
  const me = boot.me.participant;
  let i18n = currentI18n();
  const i18nNow = () => i18n;
  /** @param {string} key @param {any} [vars] */
  const t = (key, vars) => i18n.t(key, vars);

  // -- the replica, restored from this browser if it holds one ----------------------------------------------
  const key = storageKey(boot.board.id, me);
  let store = null;
  try {
    const saved = load(key);
    if (saved) store = ActionStore.fromJSON(saved, { participant: me });
  } catch {
    store = null; // another version's copy: the server's state comes with the welcome
  }
  const restored = Boolean(store);
  if (store) store.renewClientId(); // two tabs restored from one copy must not make equal op_ids
  else store = new ActionStore({ participant: me });
  const st = store;
  const keep = saver(key, () => st.toJSON());

  /** @type {Map<string, string>} palette id → colour */
  const hexOf = new Map(boot.palette.map((/** @type {any} */ c) => [c.id, c.hex]));
  /** @type {Map<string, {alias: string, colour: string | null}>} */
  const people = new Map([[me, { alias: boot.me.alias, colour: hexOf.get(boot.me.colour) ?? null }]]);
  const person = (/** @type {string} */ id) => people.get(id) ?? { alias: '?', colour: null };

  const toasts = new Toasts(byId('toasts'));
  const ask = new Ask(/** @type {HTMLDialogElement} */ (byId('ask')), i18nNow);
  const statusEl = byId('status');
  const bar = byId('actionbar');
  let connectionStatus = /** @type {import('../board/connection.js').Status} */ ('connecting');
  let readOnly = false;

  const role = () => st.role ?? boot.me.role;
  const facilitating = () => facilitates(role());
  const tools = () => {
    const s = st.view().settings;
    if (readOnly) return { cards: false, fiches: false, votes: false, locked: s.locked, any: false };
    return actionTools(boot.access, s, role());
  };
  const reasonNow = () => (tools().locked ? t('board.locked') : t('board.closed'));

  // -- acting ----------------------------------------------------------------------------------------------
  /**
   * Every change of this page and of the modules it mounts.
   * @param {any[]} ops
   * @returns {string | null} the batch's op_id, or null when nothing was sent (refused here, or malformed)
   */
  function send(ops) {
    if (!ops.length) return null;
    const refused = readOnly ? 'board.closed' : actionRefusal(tools(), ops, facilitating());
    if (refused) {
      toasts.show(t(refused));
      timeline.schedule();
      return null;
    }
    let msg;
    try {
      msg = st.submit(ops);
    } catch (error) {
      console.error(error); // a message the server could not even read: a bug of this page, not the person's
      toasts.show(t('board.reject.other'));
      return null;
    }
    keep.now(); // before it can be lost to a reload or a dead battery
    connection.sendDurable(msg);
    return msg.op_id;
  }

  /** @type {{selected: string | null}} */
  const ui = { selected: null };
  /** @type {Set<(id: string | null) => void>} */
  const selectionListeners = new Set();
  const selection = {
    get id() { return ui.selected; },
    /** @param {string | null} id */
    set: (id) => select(id),
    /** @param {(id: string | null) => void} fn */
    subscribe: (fn) => { selectionListeners.add(fn); return () => selectionListeners.delete(fn); },
  };

  const ctx = {
    store: st, send, me, board: boot.board, workshop: boot.workshop, access: boot.access, bootstrap: boot, selection,
    toasts, person,
    /** @param {string} text */
    toast: (text) => toasts.show(text),
    /** @param {string} name an interface picture's URL */
    icon: (name) => `/icons/${name}.svg`,
    /** @param {string | null} id */
    select: (id) => select(id),
    /** Bring a card into sight. @param {string} id */
    reveal: (id) => { timeline.render(); timeline.focusCard(id); },
    /** @param {string} k @param {any} [vars] */
    t: (k, vars) => i18n.t(k, vars),
    get lang() { return i18n.lang; },
    /** @type {((filter: any, colour: string) => void) | undefined} */
    onFilter: undefined,
    /** @type {any} */
    filters: undefined,
    /** @type {((fn: (reject: {op_id: string, code: string}) => boolean) => (() => void)) | undefined} */
    onReject: undefined,
  };

  // -- the timeline ------------------------------------------------------------------------------------------
  const timeline = new Timeline({
    root: byId('timeline'),
    i18n: i18nNow,
    view: () => st.view(),
    on: {
      tap: (id) => select(ui.selected === id ? null : id),
      open: (id) => openFiche(id),
      remove: (id) => remove(id),
      move: (id, to) => send([moveAction(id, to)]),
      resize: (id, edge, month) => send([resizeAction(id, edge, month)]),
      mayMove: () => tools().cards,
      refused: () => toasts.show(reasonNow()),
      dragging: (preview) => sendDrag(preview),
      emptyTap: () => { if (ui.selected) select(null); },
    },
  });

  // -- drag previews for the others (presence, ~30 a second at most; never stored) --------------------------
  // The presence message carries a drag as {item, x, y} numbers: x is the start month (year * 12 + month - 1),
  // y the lane's index * 1000 + the card's length in months less one.
  /** @type {any} */
  let dragQueued = null;
  let lastDrag = 0;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let dragTimer = null;
  /** @param {{id: string, lane: string, start: string, end: string} | null} preview */
  function sendDrag(preview) {
    const lanes = st.view().settings.lanes;
    const lane = preview ? lanes.findIndex((l) => l.id === preview.lane) : -1;
    dragQueued = preview && lane >= 0
      ? presenceMessage({ drag: { item: preview.id, x: parseMonth(preview.start), y: lane * 1000 + parseMonth(preview.end) - parseMonth(preview.start) } })
      : presenceMessage({});
    const wait = lastDrag + 33 - performance.now();
    if (wait <= 0 || !preview) flushDrag();
    else if (!dragTimer) dragTimer = setTimeout(flushDrag, wait);
  }
  function flushDrag() {
    if (dragTimer) clearTimeout(dragTimer);
    dragTimer = null;
    if (!dragQueued) return;
    lastDrag = performance.now();
    connection.sendEphemeral(dragQueued);
    dragQueued = null;
  }
  /** @type {string | null} this socket's name in ephemeral updates */
  let myConnection = null;
  /** @param {any} u an ephemeral update */
  function remoteDrag(u) {
    if (u.connection === myConnection) return;
    const lanes = st.view().settings.lanes;
    const lane = u.drag ? lanes[Math.floor(u.drag.y / 1000)] : undefined;
    if (u.gone || !u.drag || !lane || !st.view().actions.has(u.drag.item)) {
      timeline.remote.delete(u.connection);
    } else {
      timeline.remote.set(u.connection, {
        id: u.drag.item, lane: lane.id, start: formatMonth(u.drag.x), end: formatMonth(u.drag.x + (u.drag.y % 1000)),
        who: person(u.participant).alias,
      });
    }
    timeline.schedule();
  }
  ctx.onFilter = (filter, colour) => timeline.setFilter(filter, colour);

  // -- ?action=<id>: the card someone came for (the residents' board « → 2 actions », the traceability links) --
  /** @type {string | null} */
  let wanted = new URLSearchParams(location.search).get('action');
  /** Once the server's state is in: select the card, bring it into sight, focus and light it up; or say it is gone. */
  function showWanted() {
    if (!wanted) return;
    const id = wanted;
    wanted = null;
    if (!st.view().actions.has(id)) {
      toasts.show(t('actions.wanted.gone'));
      return;
    }
    select(id);
    if (!timeline.showCard(id, FLASH_MS)) toasts.show(t('actions.wanted.hidden'));
  }

  // -- refusals the server still sends (the page checks first): to whoever sent them (the fiche, by its field) --
  /** @typedef {(reject: {op_id: string, code: string}) => boolean} RejectListener */
  /** @type {Set<RejectListener>} */
  const rejectListeners = new Set();
  /**
   * Listen to the server's refusals, after the replica has put things back. A listener returns true when it
   * showed the refusal itself; a listener may also just show it in an open dialog's field error (`.fiche-error`,
   * fiche.js), which counts the same. Anything nobody showed is said in a toast.
   * @param {RejectListener} fn @returns {() => void} to stop listening
   */
  ctx.onReject = (fn) => {
    rejectListeners.add(fn);
    return () => { rejectListeners.delete(fn); };
  };
  /** @param {{op_id: string, code: string}} msg @returns {boolean} whether a listener showed it */
  function tellRejected(msg) {
    let shown = false;
    for (const fn of [...rejectListeners]) {
      try {
        if (fn({ op_id: msg.op_id, code: msg.code }) === true) shown = true;
      } catch (error) {
        console.error(error);
      }
    }
    return shown;
  }

  /** @param {string | null} id */
  function select(id) {
    ui.selected = id;
    timeline.select(id);
    renderBar();
    for (const fn of selectionListeners) fn(id);
  }

  /** @param {string} id */
  async function remove(id) {
    const a = st.view().actions.get(id);
    if (!a) return;
    if (!tools().cards) { toasts.show(reasonNow()); return; }
    if (!(await ask.confirm(t('actions.delete_confirm', { title: a.fiche.title }), t('actions.delete')))) return;
    if (send([deleteAction(id)])) {
      if (ui.selected === id) select(null);
      toasts.show(t('actions.deleted'));
    }
  }

  async function newAction() {
    if (!tools().cards) { toasts.show(reasonNow()); return; }
    const title = await ask.text(t('actions.new.title'), t('actions.new.label'), t('actions.new.create'));
    if (!title) return;
    const view = st.view();
    const range = rangeOf(view.settings);
    const span = newCardSpan(range, monthOf());
    const lanes = view.settings.lanes;
    const lane = lanes.some((l) => l.id === 'create') ? 'create' : lanes[lanes.length - 1].id;
    const id = newActionId();
    if (send([createAction({ id, lane, start: formatMonth(span.start), end: formatMonth(span.end), fiche: { title } })])) {
      select(id);
      timeline.reveal(id); // in sight, also once the card's bar has opened under the timeline
    }
  }

  /** A module of the page, or null when it is not there (yet). @param {string} name */
  async function module(name) {
    try {
      return await import(`./${name}.js`);
    } catch (error) {
      console.warn(`actions: ${name}.js is not available`, error);
      return null;
    }
  }

  /** @param {string} id */
  async function openFiche(id) {
    const m = await module('fiche');
    if (m?.openFiche) m.openFiche(ctx, id);
    else toasts.show(t('actions.unavailable'));
  }

  async function fromIdeas() {
    const m = await module('picker');
    if (!m?.openSolutionPicker) {
      toasts.show(t('actions.unavailable'));
      return;
    }
    // the cards made from the residents' ideas: the first one selected and brought into sight
    const made = await m.openSolutionPicker(ctx);
    const first = Array.isArray(made) ? made.find((id) => st.view().actions.has(id)) : undefined;
    if (first) {
      select(first);
      timeline.reveal(first);
    }
  }

  // -- the selected card's toolbar: a tap alternative for every drag ------------------------------------------
  function renderBar() {
    const a = ui.selected ? st.view().actions.get(ui.selected) : null;
    bar.hidden = !a;
    document.body.classList.toggle('card-selected', Boolean(a));
    if (!a) {
      bar.replaceChildren();
      return;
    }
    const view = st.view();
    const range = rangeOf(view.settings);
    const open = tools().cards;
    const reason = reasonNow();
    /**
     * @param {string} label @param {() => void} run @param {boolean} can whether it changes anything now
     * @param {string} [cls]
     */
    const button = (label, run, can, cls = '') => {
      const b = /** @type {HTMLButtonElement} */ (h('button', { class: `action tl-tool ${cls}`.trim(), text: label, attrs: { type: 'button' }, on: { click: run } }));
      b.disabled = !open || !can;
      if (!open) b.title = reason;
      return b;
    };
    const earlier = movedStart(a, -1, range);
    const later = movedStart(a, 1, range);
    const startEarlier = resizedEdge(a, 'start', -1, range);
    const startLater = resizedEdge(a, 'start', 1, range);
    const endEarlier = resizedEdge(a, 'end', -1, range);
    const endLater = resizedEdge(a, 'end', 1, range);
    const start = parseMonth(a.start);
    const end = parseMonth(a.end);
    const laneSelect = /** @type {HTMLSelectElement} */ (h('select', { class: 'tl-lane-select', attrs: { id: 'tl-lane-select' } },
      view.settings.lanes.map((l) => h('option', { text: choiceWords(l, 'lane', t), attrs: { value: l.id } }))));
    laneSelect.value = a.lane;
    laneSelect.disabled = !open;
    if (!open) laneSelect.title = reason;
    laneSelect.addEventListener('change', () => send([moveAction(a.id, { lane: laneSelect.value })]));
    const title = h('p', { class: 'bar-title' }, [
      h('span', { class: 'bar-name', text: `${a.fiche.number ? `${a.fiche.number} ` : ''}${a.fiche.title}`, attrs: { dir: 'auto' } }),
      h('span', { class: 'bar-dates', text: spanLabel(start, end, range.scale, t, i18n.lang), attrs: { dir: 'auto' } }),
    ]);
    bar.replaceChildren(
      title,
      h('div', { class: 'tl-tools', attrs: { role: 'group', 'aria-label': t('actions.bar.dates') } }, [
        button(t('actions.bar.earlier'), () => send([moveAction(a.id, { start: formatMonth(earlier) })]), earlier !== start, 'earlier'),
        button(t('actions.bar.later'), () => send([moveAction(a.id, { start: formatMonth(later) })]), later !== start, 'later'),
        button(t('actions.bar.start_earlier'), () => send([resizeAction(a.id, 'start', formatMonth(startEarlier))]), startEarlier !== start, 'start-earlier'),
        button(t('actions.bar.start_later'), () => send([resizeAction(a.id, 'start', formatMonth(startLater))]), startLater !== start, 'start-later'),
        button(t('actions.bar.shorter'), () => send([resizeAction(a.id, 'end', formatMonth(endEarlier))]), endEarlier !== end, 'shorter'),
        button(t('actions.bar.longer'), () => send([resizeAction(a.id, 'end', formatMonth(endLater))]), endLater !== end, 'longer'),
      ]),
      h('label', { class: 'tl-lane-field', attrs: { for: 'tl-lane-select' } }, [h('span', { text: t('actions.bar.lane') }), laneSelect]),
      bigButton('', t('actions.bar.fiche'), () => openFiche(a.id), 'fiche'),
      button(t('actions.delete'), () => remove(a.id), true, 'danger'),
      bigButton('', t('board.close'), () => select(null), 'close'),
    );
  }

  // -- the page around the timeline ----------------------------------------------------------------------------
  // The phase banner is facilitate.js's; this one only shows when that module could not be loaded.
  let ownBanner = false;
  const banner = new PhaseBanner({
    root: byId('phase-banner'),
    i18n: i18nNow,
    now: () => st.serverNow(),
    icon: (name) => `/icons/${name}.svg`,
    // @ts-ignore: the `words` option (another kind of board's phases) may be newer than this checkout's phase.js
    words: (/** @type {string} */ phase, /** @type {(k: string) => string} */ tr) => ({ name: tr(`actions.phase.${phase}.title`), say: tr(`actions.phase.${phase}.instruction`) }),
  });
  const newButton = /** @type {HTMLButtonElement} */ (byId('new-action'));
  const ideasButton = /** @type {HTMLButtonElement} */ (byId('from-ideas'));
  newButton.addEventListener('click', newAction);
  ideasButton.addEventListener('click', fromIdeas);

  function refresh() {
    const view = st.view();
    const open = tools();
    // the banner reads `private` as exploration boards have it: an action board has no private round
    if (ownBanner) banner.update({ private: { active: false, round: 0 }, ...view.settings }, /** @type {any} */ ({ ...open }), facilitating());
    for (const b of [newButton, ideasButton]) {
      b.disabled = !open.cards;
      if (open.cards) b.removeAttribute('title');
      else b.title = reasonNow();
    }
    document.body.dataset.cards = String(open.cards);
    timeline.schedule();
    showStatus(statusEl, connectionStatus, st.pendingCount, i18n);
    if (ui.selected && !view.actions.has(ui.selected)) select(null);
    else renderBar();
  }
  st.subscribe(() => {
    refresh();
    keep.later();
  });

  // -- the connection ----------------------------------------------------------------------------------------
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const connection = new Connection({
    url: `${proto}//${location.host}/ws/boards/${encodeURIComponent(boot.board.id)}`,
    clientId: st.clientId,
    lastSeq: () => st.seq,
    device: () => (window.matchMedia('(any-pointer: coarse)').matches ? (Math.min(screen.width, screen.height) < 600 ? 'phone' : 'tablet') : 'desktop'),
    checkSession: async () => {
      const r = await fetch(`/api/workshops/${encodeURIComponent(boot.workshop.id)}`, { credentials: 'same-origin' });
      return r.status === 401 ? 'removed' : null;
    },
    onStatus: (status) => {
      connectionStatus = status;
      showStatus(statusEl, status, st.pendingCount, i18n);
      if (status === 'outdated') toasts.show(t('board.status.outdated'), { label: t('board.reload'), run: () => location.reload() });
      if (status === 'removed' || status === 'erased') {
        readOnly = true;
        ask.finish(null);
        select(null);
        refresh();
        showEnded(byId('ended'), status);
      }
    },
    onMessage: (msg) => {
      switch (msg.type) {
        case 'welcome':
          myConnection = msg.you.connection ?? null;
          timeline.remote.clear();
          for (const resend of st.applyWelcome(msg)) connection.sendDurable(resend);
          keep.now();
          showWanted();
          break;
        case 'change':
          // someone's drag landed: their preview gives way to the change
          for (const [conn, r] of timeline.remote) {
            if (msg.ops.some((/** @type {any} */ op) => op.id === r.id)) timeline.remote.delete(conn);
          }
          st.applyChange(msg);
          break;
        case 'ephemeral':
          for (const u of msg.updates) remoteDrag(u);
          break;
        case 'resync':
          st.applyResync(msg);
          break;
        case 'ack':
          st.applyAck(msg);
          if (st.resyncNeeded) connection.socket?.close(); // an ack for a change we never saw: a snapshot puts it right
          break;
        case 'reject': {
          st.applyReject(msg);
          if (tellRejected(msg)) break; // said next to the field it is about
          const own = t(`actions.reject.${msg.code}`);
          const known = t(`board.reject.${msg.code}`);
          toasts.show(own !== `actions.reject.${msg.code}` ? own : known !== `board.reject.${msg.code}` ? known : t('board.reject.other'));
          break;
        }
        case 'presence_list':
          for (const p of msg.participants) if (!people.has(p.participant)) people.set(p.participant, { alias: p.alias, colour: null });
          showPresence(byId('presence'), msg.participants, person, me, i18n);
          byId('presence').setAttribute('aria-label', countOf(t, 'board.here', msg.participants.length, i18n.lang));
          break;
        default:
          break;
      }
    },
  });

  // -- language switch ------------------------------------------------------------------------------------------
  document.addEventListener('fresque:lang', () => {
    i18n = currentI18n();
    if (ownBanner) banner.relabel();
    timeline.relabel();
    refresh();
  });

  // -- the other helpers' modules, each optional ---------------------------------------------------------------
  module('filters').then((m) => {
    if (!m) return;
    timeline.filters = m;
    if (m.mountFilters) m.mountFilters(ctx, byId('filters'));
    timeline.schedule();
  });
  // a study's questions de travail, as read-only prompts above the timeline (nothing without a study)
  module('questions').then((m) => m?.mountQuestions?.(ctx, byId('questions')));
  module('facilitate').then((m) => {
    if (!m?.mountFacilitation) {
      ownBanner = true;
      refresh();
      return;
    }
    const mounted = m.mountFacilitation(ctx, byId('facilitation'));
    document.addEventListener('fresque:lang', () => mounted?.relabel?.());
    // the dot votes on each card (they keep themselves up to date)
    if (m.voteControls) timeline.extra = (/** @type {Action} */ action) => m.voteControls(ctx, action);
    timeline.relabel();
  });

  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && ui.selected && !(/** @type {HTMLElement} */ (e.target).closest('dialog'))) select(null);
  });

  refresh();
  connection.open();
  document.body.dataset.ready = 'true';
  if (restored) document.body.dataset.restored = 'true';
  // For the end-to-end tests and debugging from the console: read-only looks at the live objects.
  Object.assign(window, { fresque: { store: st, connection, timeline, ctx, ui } });
}

start().catch((err) => {
  const el = document.getElementById('fatal');
  if (el) el.hidden = false;
  console.error(err);
});

// @ts-check
/**
 * Facilitation and dot votes on the action fresco (board kind `actions`, issue 5).
 *
 * - `mountFacilitation(ctx, element)`: for every screen, the phase banner (the phase's plain instruction with
 *   a speaker, the timer on the server's clock, short notes) — js/board/phase.js's PhaseBanner —, the dots left
 *   (« Il vous reste N points ») and the ranking (« Classement », once the votes are revealed; facilitators any
 *   time); for facilitating roles, the bar: the steps (‹ › and « Étapes… », the exploration board's sheet),
 *   the timer (5/10/15/20 min, pause, +1, stop), pause the board, hide / reveal the votes, the points per
 *   person, show the selected action to everyone.
 * - `voteControls(ctx, action)`: the dot-vote control the timeline puts on each card: my dots, give / take
 *   back a point, the total when the votes are not hidden (facilitators always see it).
 *
 * Pure parts (tested under node): `rankActions`, `totalsShown`; what a person may do is tools.js's `actionTools`.
 * Every control sends one ordinary durable op (`board.update`, `timer.set`, `vote.add`, `vote.remove`); the
 * server decides (backend/fresque/access.py), the page only explains before sending.
 */
import { ACTION_PHASES, MAX_VOTE_BUDGET, addVote, facilitates, removeVote, setTimer, updateBoard } from '../core/protocol.js';
import { countOf } from '../core/i18n.js';
import { h, picture } from '../board/dom.js';
import { Sheet } from '../board/dialogs.js';
import { PhaseBanner } from '../board/phase.js';
import { actionTools } from './tools.js';
import { askPhases, button, chip, group, phaseSelect, phasesChange, toggleButton } from '../board/facilitation.js';
import { OverflowRow } from '../board/overflow.js';

const TIMER_PRESETS = [5, 10, 15, 20];

/** @typedef {import('./tools.js').ActionTools} ActionTools */

// -- pure ---------------------------------------------------------------------------------------------------

/** Whether this screen shows the dot totals: not hidden, or a facilitating role. @param {{votes_hidden: boolean}} settings @param {boolean} facilitating */
export function totalsShown(settings, facilitating) {
  return facilitating || !settings.votes_hidden;
}

/**
 * The ranking: actions by total dots, most first; equal totals share a rank (1, 2, 2, 4) and keep the
 * board's reading order (number, then title). Actions without a dot are left out.
 * @param {Iterable<{id: string, fiche?: any}>} actions
 * @param {(id: string) => number} total
 * @returns {{action: any, total: number, rank: number}[]}
 */
export function rankActions(actions, total) {
  const rows = [...actions].map((action) => ({ action, total: total(action.id) })).filter((r) => r.total > 0);
  const key = (/** @type {any} */ a) => `${a.fiche?.number ?? ''}\u0000${a.fiche?.title ?? ''}\u0000${a.id}`;
  rows.sort((a, b) => b.total - a.total || key(a.action).localeCompare(key(b.action), 'fr', { numeric: true }));
  /** @type {{action: any, total: number, rank: number}[]} */
  const out = [];
  rows.forEach((r, i) => {
    const rank = i > 0 && rows[i - 1].total === r.total ? out[i - 1].rank : i + 1;
    out.push({ ...r, rank });
  });
  return out;
}

// -- shared bits of the page ---------------------------------------------------------------------------------

/** @param {any} ctx @returns {import('../core/i18n.js').Translate} */
const tr = (ctx) => (key, vars) => ctx.t(key, vars);

/** @param {any} ctx */
const roleOf = (ctx) => ctx.store?.role ?? ctx.me?.role ?? null;

/** @param {any} ctx */
const facilitatingOf = (ctx) => Boolean(ctx.access?.facilitating) || facilitates(roleOf(ctx));

/** @param {any} ctx @returns {ActionTools} */
function toolsOf(ctx) {
  return actionTools(ctx.access, ctx.store.view().settings, roleOf(ctx));
}

/** The selected action's id, whatever shape the page's selection has. @param {any} ctx @returns {string | null} */
function selectedOf(ctx) {
  const s = ctx.selection;
  if (!s) return null;
  if (typeof s === 'string') return s;
  if (typeof s === 'function') return s() ?? null;
  if (typeof s.get === 'function') return s.get() ?? null;
  return s.id ?? s.current ?? s.action ?? null;
}

/** @param {any} action */
function titleOf(action) {
  const f = action?.fiche ?? {};
  return [f.number, f.title].filter(Boolean).join(' · ') || action?.id || '';
}

/** The interface pictures (speaker, close…): the page's, else the catalogue's once fetched. */
/** @type {Record<string, string> | null} */
let icons = null;
/** @type {Promise<void> | null} */
let iconsLoading = null;

/** @param {any} ctx @param {string} name */
function iconOf(ctx, name) {
  const own = ctx.icon?.(name) ?? ctx.catalogue?.icon?.(name);
  if (own) return own;
  return icons?.[name] ?? '';
}

/** @param {() => void} then */
function loadIcons(then) {
  if (icons) return;
  if (typeof fetch !== 'function') return;
  iconsLoading ??= fetch('/api/pictograms', { credentials: 'same-origin' })
    .then((r) => (r.ok ? r.json() : {}))
    .then((/** @type {any} */ doc) => { icons = doc?.interface ?? {}; })
    .catch(() => { icons = {}; });
  iconsLoading.then(then);
}

// -- dot votes on a card -------------------------------------------------------------------------------------

/**
 * @typedef {{el: HTMLElement, id: string, draw: () => void, seen: boolean}} Control
 * @type {WeakMap<object, Set<Control>>} the live controls of a page (one store subscription per page)
 */
const controlsOf = new WeakMap();

/** @param {any} ctx @returns {Set<Control>} */
function controlSet(ctx) {
  let set = controlsOf.get(ctx);
  if (!set) {
    const fresh = /** @type {Set<Control>} */ (new Set());
    set = fresh;
    controlsOf.set(ctx, fresh);
    const drawAll = () => {
      for (const c of [...fresh]) {
        if (c.el.isConnected) c.seen = true;
        else if (c.seen) { fresh.delete(c); continue; }
        c.draw();
      }
    };
    ctx.store.subscribe(drawAll);
    // another language: after the page's own listener has switched ctx.t (a task later)
    if (typeof document !== 'undefined') document.addEventListener('fresque:lang', () => setTimeout(drawAll, 0));
  }
  return set;
}

/**
 * Say something short where the finger is (a status: screen readers hear it too), for five seconds.
 * @param {HTMLElement} where @param {string} text
 */
function tell(where, text) {
  where.textContent = text;
  where.hidden = false;
  clearTimeout(/** @type {any} */ (where).timer);
  /** @type {any} */ (where).timer = setTimeout(() => { where.hidden = true; where.textContent = ''; }, 5000);
}

/**
 * The dot-vote control of one action card: my dots, « + » to give a point, « − » to take one back, and the
 * total when this screen may see it. Hidden while the phase does not open the votes and there is nothing to
 * show. It keeps itself up to date (one store subscription for every control of the page).
 * @param {any} ctx the page's context
 * @param {{id: string, fiche?: any}} action
 * @returns {HTMLElement}
 */
export function voteControls(ctx, action) {
  const id = action.id;
  const t = tr(ctx);
  const stop = (/** @type {Event} */ e) => e.stopPropagation();
  const add = h('button', { class: 'af-vote-add', attrs: { type: 'button' } }, [
    h('span', { class: 'af-dot af-dot-new', attrs: { 'aria-hidden': 'true' } }),
    h('span', { class: 'af-vote-plus', text: '+', attrs: { 'aria-hidden': 'true' } }),
  ]);
  const remove = h('button', { class: 'af-vote-remove', attrs: { type: 'button' } }, [
    h('span', { text: '−', attrs: { 'aria-hidden': 'true' } }),
  ]);
  const dots = h('span', { class: 'af-dots' });
  const total = h('span', { class: 'af-total', attrs: { dir: 'auto' } });
  const msg = h('span', { class: 'af-vote-msg', attrs: { role: 'status', dir: 'auto' }, hidden: true });
  const el = h('div', {
    class: 'af-vote',
    attrs: { role: 'group' },
    dataset: { action: id },
    // a tap on the control is not a tap on the card (no selection, no drag)
    on: {
      pointerdown: stop, mousedown: stop, touchstart: stop, click: stop, dblclick: stop,
      // keys on these buttons are theirs (an arrow must not move the card), but Escape and Tab go on
      keydown: (/** @type {KeyboardEvent} */ e) => { if (e.key !== 'Escape' && e.key !== 'Tab') e.stopPropagation(); },
    },
  }, [remove, dots, add, total, msg]);

  add.addEventListener('click', () => {
    const left = ctx.store.votesLeft();
    if (left <= 0) {
      tell(msg, t('actions.vote.none_left'));
      return;
    }
    ctx.send([addVote(id)]);
  });
  remove.addEventListener('click', () => {
    if (ctx.store.myVotes(id) > 0) ctx.send([removeVote(id)]);
  });

  let sig = '';
  const draw = () => {
    const view = ctx.store.view();
    const settings = view.settings;
    const live = view.actions.get(id) ?? action;
    const facilitating = facilitatingOf(ctx);
    const tools = toolsOf(ctx);
    const mine = ctx.store.myVotes(id);
    const shown = totalsShown(settings, facilitating);
    const sum = ctx.store.voteTotal(id);
    const left = ctx.store.votesLeft();
    const next = JSON.stringify([mine, shown, sum, left, tools.votes, settings.votes_hidden, settings.vote_budget, ctx.lang, titleOf(live)]);
    if (next === sig) return;
    sig = next;
    const open = tools.votes && roleOf(ctx) !== 'observer';
    el.hidden = !open && mine === 0 && !(shown && sum > 0);
    el.dataset.open = String(open);
    el.dataset.mine = String(mine);
    const name = titleOf(live);
    el.setAttribute('aria-label', t('actions.vote.group', { title: name }));
    add.hidden = !open;
    remove.hidden = !open || mine === 0;
    add.setAttribute('aria-label', t('actions.vote.give', { title: name }));
    add.title = countOf(t, 'actions.vote.left', left, ctx.lang);
    add.dataset.empty = String(left <= 0);
    remove.setAttribute('aria-label', t('actions.vote.take_back', { title: name }));
    remove.title = t('actions.vote.take_back', { title: name });
    dots.replaceChildren(
      ...Array.from({ length: Math.min(mine, 12) }, () => h('span', { class: 'af-dot af-dot-mine', attrs: { 'aria-hidden': 'true' } })),
      ...(mine > 12 ? [h('span', { class: 'af-dot-more', text: `+${mine - 12}`, attrs: { 'aria-hidden': 'true' } })] : []),
      h('span', { class: 'af-sr', text: countOf(t, 'actions.vote.mine', mine, ctx.lang) }),
    );
    dots.hidden = mine === 0;
    total.hidden = !shown || sum === 0;
    total.dataset.hidden = String(Boolean(settings.votes_hidden));
    total.textContent = shown ? countOf(t, settings.votes_hidden ? 'actions.vote.total_hidden' : 'actions.vote.total', sum, ctx.lang) : '';
  };
  const control = { el, id, draw, seen: false };
  controlSet(ctx).add(control);
  draw();
  return el;
}

// -- the banner, the ranking and the facilitator's bar --------------------------------------------------------

/**
 * The phase banner for everyone, the dots left and the ranking; the facilitator's bar for facilitating roles.
 * @param {any} ctx the page's context (main.js)
 * @param {HTMLElement} element where it all goes (at the top of the board)
 * @returns {{update: () => void, relabel: () => void, openRanking: (open?: boolean) => void}}
 */
export function mountFacilitation(ctx, element) {
  const t = tr(ctx);
  const i18n = () => ({ t, lang: ctx.lang });
  element.classList.add('af-root');
  const bar = h('div', { class: 'fac-bar af-bar', attrs: { role: 'region', 'aria-label': t('actions.fac.title') }, hidden: true });
  const bannerEl = h('div', { class: 'phase-banner af-banner', attrs: { role: 'region', 'aria-label': t('actions.phase.label') } });
  const votebar = h('div', { class: 'af-votebar', hidden: true });
  const ranking = h('section', { class: 'af-ranking', attrs: { id: 'af-ranking', 'aria-labelledby': 'af-ranking-title' }, hidden: true });
  element.replaceChildren(bar, bannerEl, votebar, ranking);
  // one row of controls at every width: what does not fit goes into « Plus », never off-screen or onto a
  // second row that would take the timeline's room
  const more = new OverflowRow({ host: bar, id: 'af-fac-more', label: () => t('board.fac.more') });

  const banner = new PhaseBanner({
    root: bannerEl,
    i18n,
    now: () => ctx.store.serverNow(),
    icon: (name) => iconOf(ctx, name),
    words: (phase, tt) => ({ name: tt(`actions.phase.${phase}.title`), say: tt(`actions.phase.${phase}.instruction`) }),
  });

  /** @type {HTMLDialogElement} */
  const dialog = /** @type {HTMLDialogElement} */ (document.querySelector('dialog.af-sheet') ?? h('dialog', { class: 'sheet af-sheet' }));
  if (!dialog.isConnected) document.body.append(dialog);
  const sheet = new Sheet({ dialog, catalogue: /** @type {any} */ ({ icon: (/** @type {string} */ n) => iconOf(ctx, n) }), i18n });

  let barOpen = typeof matchMedia === 'function' ? !matchMedia('(max-width: 600px)').matches : true;
  let barSig = '';
  let voteSig = '';
  let rankSig = '';
  let rankingOpen = false;
  /** @type {string | null} the spotlight last brought into sight */
  let spotSeen = null;
  let spotTries = 0;
  /** @type {string | null} */
  let spotWanted = null;
  /** @type {boolean | undefined} */
  let hiddenBefore;
  /** @type {string | null | undefined} */
  let phaseBefore;

  const send = (/** @type {any} */ op) => ctx.send([op]);

  // On a phone the phase's instruction folds to its name (a tap on it unfolds it; the speaker stays): the timeline
  // gets the screen. The banner (board/phase.js) redraws itself when the phase changes; the switch is put back.
  let sayOpen = false;
  const foldSay = () => {
    const name = bannerEl.querySelector('.phase-name');
    const say = bannerEl.querySelector('.phase-say');
    bannerEl.classList.toggle('af-say-open', sayOpen);
    if (!name || !say) return;
    say.id = 'af-phase-say';
    let toggle = bannerEl.querySelector('.af-say-toggle');
    if (!toggle) {
      toggle = h('button', {
        class: 'af-say-toggle', attrs: { type: 'button', 'aria-controls': 'af-phase-say' },
        on: { click: () => { sayOpen = !sayOpen; foldSay(); } },
      }, [h('span', { class: 'af-say-name' }), h('span', { class: 'af-say-more', attrs: { 'aria-hidden': 'true' } })]);
      name.after(toggle);
    }
    toggle.setAttribute('aria-expanded', String(sayOpen));
    const words = /** @type {HTMLElement} */ (toggle.querySelector('.af-say-name'));
    if (words.textContent !== name.textContent) words.textContent = name.textContent;
  };
  // unfolded, it lies over the timeline: a touch anywhere else, or Escape, folds it again
  const foldAway = () => { if (sayOpen) { sayOpen = false; foldSay(); } };
  document.addEventListener('pointerdown', (e) => {
    if (e.target instanceof Node && !bannerEl.contains(e.target)) foldAway();
  }, { capture: true });
  bannerEl.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && sayOpen) {
      foldAway();
      /** @type {HTMLElement | null} */ (bannerEl.querySelector('.af-say-toggle'))?.focus();
    }
  });

  const update = () => {
    const view = ctx.store.view();
    const settings = view.settings;
    const facilitating = facilitatingOf(ctx);
    const tools = toolsOf(ctx);
    // the banner's "closed" note reads tools.any; a spotlight is said in words too
    banner.update(settings, /** @type {any} */ (tools), facilitating);
    foldSay();
    drawSpotlight(settings, view);
    // the votes are revealed, or the restitution starts: the ranking opens on every screen, once
    if ((hiddenBefore === true && !settings.votes_hidden) || (phaseBefore !== undefined && phaseBefore !== 'restitution' && settings.phase === 'restitution' && !settings.votes_hidden)) {
      rankingOpen = true;
    }
    hiddenBefore = settings.votes_hidden;
    phaseBefore = settings.phase;
    drawVotebar(settings, tools, facilitating);
    drawRanking(view, facilitating);
    if (facilitating) {
      const sig = JSON.stringify([settings.phases, settings.phase, settings.locked, settings.votes_hidden, settings.vote_budget,
        settings.timer && (settings.timer.ends_at === null ? 'paused' : 'running'), settings.spotlight, barOpen, ctx.lang]);
      if (sig !== barSig) {
        barSig = sig;
        drawBar(settings);
      }
    } else bar.hidden = true;
    document.body.classList.toggle('board-locked', Boolean(settings.locked));
  };

  /** @param {any} settings @param {any} view */
  const drawSpotlight = (settings, view) => {
    for (const old of document.querySelectorAll('.af-spotlit')) {
      if (!(old instanceof HTMLElement) || old.dataset.id !== settings.spotlight) old.classList.remove('af-spotlit');
    }
    const spot = settings.spotlight ? view.actions.get(settings.spotlight) : null;
    bannerEl.querySelector('.af-spot-note')?.remove();
    if (!spot) {
      spotSeen = null;
      spotTries = 0;
      return;
    }
    if (spotWanted !== spot.id) {
      spotWanted = spot.id;
      spotTries = 0;
    }
    for (const card of document.querySelectorAll(`.tl-card[data-id="${CSS.escape(spot.id)}"]`)) {
      if (!(card instanceof HTMLElement)) continue;
      card.classList.add('af-spotlit');
      // every screen brings it into sight once, when it is set (scrolling only: nobody's focus is taken)
      if (spotSeen !== spot.id && !document.querySelector('dialog[open]')) {
        card.scrollIntoView({ block: 'nearest', inline: 'center', behavior: 'smooth' });
      }
      spotSeen = spot.id;
      spotTries = 0;
    }
    // the timeline draws on the next frame: look again then (a few times: the card may be filtered out)
    if (spotSeen !== spot.id && spotTries < 10) {
      spotTries += 1;
      requestAnimationFrame(() => requestAnimationFrame(() => drawSpotlight(ctx.store.view().settings, ctx.store.view())));
    }
    const note = h('p', { class: 'phase-note af-spot-note', attrs: { dir: 'auto' } }, [t('actions.fac.spotlight_note', { title: titleOf(spot) })]);
    let notes = bannerEl.querySelector('.phase-notes');
    if (!notes) {
      notes = h('div', { class: 'phase-notes' });
      bannerEl.append(notes);
    }
    notes.append(note);
    bannerEl.hidden = false;
  };

  /** @param {any} settings @param {ActionTools} tools @param {boolean} facilitating */
  const drawVotebar = (settings, tools, facilitating) => {
    const left = ctx.store.votesLeft();
    const canVote = tools.votes && roleOf(ctx) !== 'observer' && (settings.phase === 'vote' || settings.phase === null);
    const rankable = totalsShown(settings, facilitating);
    const sig = JSON.stringify([left, canVote, rankable, rankingOpen, settings.vote_budget, ctx.lang]);
    if (sig === voteSig) return;
    voteSig = sig;
    /** @type {HTMLElement[]} */
    const parts = [];
    if (canVote) {
      parts.push(h('p', { class: 'af-left', dataset: { left: String(left) } }, [
        h('span', { class: 'af-left-dots', attrs: { 'aria-hidden': 'true' } },
          Array.from({ length: Math.min(settings.vote_budget ?? 0, 20) }, (_, i) => h('span', { class: `af-dot ${i < left ? 'af-dot-free' : 'af-dot-used'}` }))),
        h('span', { class: 'af-left-text', text: left > 0 ? countOf(t, 'actions.vote.left', left, ctx.lang) : t('actions.vote.none_left_short') }),
      ]));
    }
    if (rankable) {
      parts.push(h('button', {
        class: 'af-ranking-toggle',
        attrs: { type: 'button', 'aria-expanded': String(rankingOpen), 'aria-controls': 'af-ranking' },
        on: { click: () => { rankingOpen = !rankingOpen; voteSig = ''; rankSig = ''; update(); } },
      }, [t(rankingOpen ? 'actions.ranking.close' : 'actions.ranking.open')]));
    }
    votebar.replaceChildren(...parts);
    votebar.hidden = parts.length === 0;
  };

  /** @param {any} view @param {boolean} facilitating */
  const drawRanking = (view, facilitating) => {
    const settings = view.settings;
    const shown = rankingOpen && totalsShown(settings, facilitating);
    const rows = shown ? rankActions(view.actions.values(), (id) => ctx.store.voteTotal(id)) : [];
    const sig = JSON.stringify([shown, rows.map((r) => [r.action.id, r.total, r.rank, titleOf(r.action), r.action.lane]), settings.votes_hidden, ctx.lang]);
    if (sig === rankSig) return;
    rankSig = sig;
    ranking.hidden = !shown;
    if (!shown) {
      ranking.replaceChildren();
      return;
    }
    const without = view.actions.size - rows.length;
    const lane = (/** @type {string} */ id) => {
      const found = settings.lanes?.find((/** @type {any} */ l) => l.id === id);
      return found?.label || t(`actions.lane.${id}`);
    };
    ranking.replaceChildren(
      h('div', { class: 'af-ranking-head' }, [
        h('h2', { class: 'af-ranking-title', text: t('actions.ranking.title'), attrs: { id: 'af-ranking-title' } }),
        settings.votes_hidden ? h('p', { class: 'af-ranking-note', text: t('actions.ranking.hidden_note') }) : null,
      ]),
      rows.length
        ? h('ol', { class: 'af-ranking-list' }, rows.map((r) => h('li', { class: 'af-rank', dataset: { action: r.action.id, rank: String(r.rank) } }, [
          h('span', { class: 'af-rank-n', text: String(r.rank), attrs: { 'aria-hidden': 'true' } }),
          h('button', {
            class: 'af-rank-title', attrs: { type: 'button', dir: 'auto' },
            on: { click: () => { ctx.select?.(r.action.id); ctx.reveal?.(r.action.id); } },
          }, [titleOf(r.action)]),
          h('span', { class: 'af-rank-lane', text: lane(r.action.lane), attrs: { dir: 'auto' } }),
          h('span', { class: 'af-rank-total', text: countOf(t, 'actions.vote.total', r.total, ctx.lang) }),
        ])))
        : h('p', { class: 'af-ranking-empty', text: t('actions.ranking.empty') }),
      ...(without > 0 && rows.length ? [h('p', { class: 'af-ranking-rest', text: countOf(t, 'actions.ranking.without', without, ctx.lang) })] : []),
    );
  };

  /** @param {any} settings */
  const drawBar = (settings) => {
    bar.hidden = false;
    const toggle = h('button', {
      class: 'fac-toggle',
      attrs: { type: 'button', 'aria-expanded': String(barOpen), 'aria-controls': 'af-fac-controls' },
      on: { click: () => { barOpen = !barOpen; barSig = ''; update(); } },
    }, [iconOf(ctx, 'facilitator') ? picture(iconOf(ctx, 'facilitator')) : null, h('span', { text: barOpen ? t('board.fac.close') : t('board.fac.open') })]);
    if (!barOpen) {
      bar.replaceChildren(toggle);
      bar.classList.add('folded');
      return;
    }
    bar.classList.remove('folded');
    const phases = /** @type {string[]} */ ([...settings.phases]);
    const at = settings.phase === null ? -1 : phases.indexOf(settings.phase);
    const go = (/** @type {string | null} */ phase) => send(updateBoard({ phase }));
    const name = (/** @type {string} */ p) => t(`actions.phase.${p}.title`);
    const phaseGroup = group('actions.phase.label', t, [
      button('‹', t('board.fac.prev'), () => go(at <= 0 ? null : phases[at - 1]), 'fac-step fac-prev', at < 0),
      h('div', { class: 'fac-phases', attrs: { role: 'group', 'aria-label': t('actions.phase.label') } }, [
        chip(t('actions.phase.free'), settings.phase === null, () => go(null)),
        ...phases.map((p) => chip(name(p), p === settings.phase, () => go(p), p)),
      ]),
      phaseSelect(phases, settings.phase, t, go, name, 'actions.phase.label', 'actions.phase.free'),
      button('›', t('board.fac.next'), () => go(phases[at + 1]), 'fac-step fac-next', at >= phases.length - 1),
      button(t('board.steps.open'), null, () => editPhases(), 'fac-steps'),
    ]);
    const timer = settings.timer;
    const running = timer && timer.ends_at !== null;
    const timerGroup = group('board.fac.timer', t, [
      ...TIMER_PRESETS.map((m) => button(t('board.fac.minutes', { n: m }), t('actions.fac.timer_start', { n: m }),
        () => send(setTimer('start', m * 60)), `fac-preset preset-${m}`)),
      timer ? button(running ? t('board.fac.pause') : t('board.fac.resume'), null,
        () => send(setTimer(running ? 'pause' : 'resume')), 'fac-pause') : null,
      timer ? button(t('board.fac.add_minute'), null, () => send(setTimer('add', 60)), 'fac-add') : null,
      timer ? button(t('board.fac.clear'), null, () => send(setTimer('clear')), 'fac-clear') : null,
    ]);
    const budget = Number(settings.vote_budget ?? 0);
    const budgetGroup = h('div', { class: 'af-budget', attrs: { role: 'group', 'aria-label': t('actions.fac.budget') } }, [
      h('span', { class: 'af-budget-label', text: t('actions.fac.budget') }),
      button('−', t('actions.fac.budget_less'), () => send(updateBoard({ vote_budget: budget - 1 })), 'af-budget-less', budget <= 0),
      h('output', { class: 'af-budget-n', text: String(budget), attrs: { 'aria-live': 'polite' } }),
      button('+', t('actions.fac.budget_more'), () => send(updateBoard({ vote_budget: budget + 1 })), 'af-budget-more', budget >= MAX_VOTE_BUDGET),
    ]);
    const boardGroup = group('actions.fac.title', t, [
      toggleButton(settings.locked ? t('board.fac.unlock') : t('board.fac.lock'), settings.locked, iconOf(ctx, 'locked') || null,
        () => send(updateBoard({ locked: !settings.locked })), 'fac-lock'),
      toggleButton(settings.votes_hidden ? t('actions.fac.reveal_votes') : t('board.fac.hide_votes'), settings.votes_hidden,
        iconOf(ctx, 'vote') || null, () => send(updateBoard({ votes_hidden: !settings.votes_hidden })), 'fac-votes'),
      budgetGroup,
      settings.spotlight
        ? toggleButton(t('board.fac.spotlight_off'), true, null, () => send(updateBoard({ spotlight: null })), 'fac-spotlight')
        : toggleButton(t('actions.fac.spotlight'), false, null, () => {
          const id = selectedOf(ctx);
          if (id && ctx.store.view().actions.has(id)) send(updateBoard({ spotlight: id }));
          else tellBar(t('actions.fac.spotlight_none'));
        }, 'fac-spotlight'),
    ]);
    const controls = h('div', { class: 'fac-controls', attrs: { id: 'af-fac-controls' } }, [phaseGroup, timerGroup, boardGroup]);
    bar.replaceChildren(toggle, controls);
    // the last controls go first: the board's, then the timer's, then « Étapes… »; the steps themselves stay
    const last = (/** @type {Element} */ g) => [...g.children].reverse();
    more.fit(controls, [...last(boardGroup), ...last(timerGroup), ...phaseGroup.querySelectorAll('.fac-steps')]);
  };

  /** A short message under the bar. @param {string} text */
  const tellBar = (text) => {
    let note = /** @type {HTMLElement | null} */ (bar.querySelector('.af-bar-note'));
    if (!note) {
      note = h('p', { class: 'af-bar-note', attrs: { role: 'status' } });
      bar.append(note);
    }
    const shown = note;
    shown.textContent = text;
    setTimeout(() => { if (shown.textContent === text) shown.remove(); }, 5000);
  };

  const editPhases = async () => {
    const answer = await askPhases({
      sheet, t, done: iconOf(ctx, 'done'),
      phases: ctx.store.view().settings.phases,
      current: () => ctx.store.view().settings.phase,
      all: ACTION_PHASES, run: ACTION_PHASES, runKey: 'actions.steps.default_run',
      name: (p) => t(`actions.phase.${p}.title`),
    });
    if (!answer) return;
    const now = ctx.store.view().settings;
    const change = phasesChange(now.phases, answer, now.phase);
    if (change) send(updateBoard(change));
  };

  const relabel = () => {
    barSig = '';
    voteSig = '';
    rankSig = '';
    bar.setAttribute('aria-label', t('actions.fac.title'));
    bannerEl.setAttribute('aria-label', t('actions.phase.label'));
    banner.relabel();
    update();
  };

  ctx.store.subscribe(() => update());
  update();
  if (!ctx.icon && !ctx.catalogue) loadIcons(relabel);

  return {
    update,
    relabel,
    openRanking(open = true) { rankingOpen = open; voteSig = ''; rankSig = ''; update(); },
  };
}

// @ts-check
/**
 * « Partir des solutions des habitants »: the solutions of the workshop's exploration boards, most voted
 * first (`GET /api/workshops/{id}/solutions`), to pick from. Two modes:
 * - create (default): one draft action card per chosen solution, each keeping its link, all in ONE `ops`
 *   message (all or none) of `action.create` — lane "create" unless given, starting this period (or `start`),
 *   one period long (or up to `end`);
 * - link (`{linkTo: actionId}`, from a fiche): `action.link` of the chosen solutions to that action.
 *
 * `createOps` and `currentPeriod` are pure (tests/js/actions_fiche.test.mjs).
 */
import { h } from '../board/dom.js';
import { countOf } from '../core/i18n.js';
import { newActionId } from '../core/protocol.js';
import { SCALE_MONTHS, TEXT_LIMITS } from '../core/wire.gen.js';

const MAX_TITLE = TEXT_LIMITS.title; // a fiche's title

/** @typedef {(key: string, vars?: Record<string, unknown>) => string} Translate */
/**
 * @typedef {{board: string, board_title?: string, item: string, text?: string, ref?: string | null,
 *   label?: Record<string, string> | string | null, picture_url?: string | null, votes?: number | null,
 *   answered_by?: string[], neighbourhood?: {id: string | null, name: string} | null}} Solution
 */

/**
 * The words of a card from the residents' board: its own text, else its picture's label in this language
 * (the server sends the catalogue's labels as {fr, en, ar}), else the French one.
 * @param {{text?: string | null, label?: Record<string, string> | string | null}} entry
 * @param {string} [lang]
 */
export function wordsOf(entry, lang = 'fr') {
  const text = String(entry?.text ?? '').trim();
  if (text) return text;
  const label = entry?.label;
  if (typeof label === 'string') return label.trim();
  if (label && typeof label === 'object') return String(label[lang] || label.fr || Object.values(label).find(Boolean) || '').trim();
  return '';
}

/** A picture's label in this language, or ''. @param {{label?: Record<string, string> | string | null}} entry @param {string} lang */
export function labelOf(entry, lang) {
  return wordsOf({ label: entry?.label }, lang);
}


/** @param {string} ym @returns {number | null} */
function month(ym) {
  const m = /^(\d{4})-(\d{2})$/.exec(String(ym));
  return m ? Number(m[1]) * 12 + Number(m[2]) - 1 : null;
}
/** @param {number} n */
const ym = (n) => `${String(Math.floor(n / 12)).padStart(4, '0')}-${String((n % 12) + 1).padStart(2, '0')}`;

/**
 * The period holding `today` on this timeline (clamped inside it): {start, end} as "YYYY-MM", one period long.
 * @param {{start: string, end: string, scale: string}} timeline
 * @param {Date} [today]
 */
export function currentPeriod(timeline, today = new Date()) {
  const step = SCALE_MONTHS[timeline.scale] ?? 1;
  const first = month(timeline.start) ?? 0;
  const last = month(timeline.end) ?? first + step - 1;
  const now = today.getFullYear() * 12 + today.getMonth();
  let start = now - (now % step);
  if (start < first) start = first - (first % step);
  if (start + step - 1 > last) start = last - step + 1 - ((last - step + 1) % step);
  if (start < first) start = first;
  return { start: ym(start), end: ym(start + step - 1) };
}

/**
 * The title of an action made from a solution: its words (its text, else its picture's label), cut to 200
 * characters.
 * @param {Solution} solution
 * @param {string} fallback
 * @param {string} [lang]
 */
export function titleOf(solution, fallback, lang = 'fr') {
  const text = wordsOf(solution, lang).replace(/\s+/g, ' ').trim() || fallback;
  const codePoints = [...text];
  return codePoints.length > MAX_TITLE ? `${codePoints.slice(0, MAX_TITLE - 1).join('')}…` : text;
}

/**
 * ONE batch: an `action.create` per chosen solution (draft, linked to it).
 * @param {Solution[]} chosen
 * @param {{lane: string, start: string, end: string}} where
 * @param {{fallbackTitle?: string, makeId?: () => string, lang?: string}} [options]
 */
export function createOps(chosen, { lane, start, end }, { fallbackTitle = '…', makeId = newActionId, lang = 'fr' } = {}) {
  return chosen.map((s) => ({
    op: 'action.create',
    id: makeId(),
    lane,
    start,
    end,
    fiche: { title: titleOf(s, fallbackTitle, lang), status: 'draft' },
    links: [{ board: s.board, item: s.item }],
  }));
}

/** `action.link` of each chosen solution to one action. @param {string} actionId @param {Solution[]} chosen */
export function linkOps(actionId, chosen) {
  return chosen.map((s) => ({ op: 'action.link', id: actionId, board: s.board, item: s.item }));
}

/** @type {{close: () => void} | null} */
let openOne = null;

/**
 * @param {import('./fiche/types.js').FicheContext} ctx
 * @param {{lane?: string, start?: string, end?: string, linkTo?: string}} [options]
 * @returns {Promise<string[] | null>} the ids of the actions made (create mode) or linked to, null if closed
 */
export function openSolutionPicker(ctx, { lane, start, end, linkTo } = {}) {
  if (openOne) openOne.close();
  const { t } = ctx;
  const view = () => ctx.store.view();
  const settings = () => view().settings;
  const linking = typeof linkTo === 'string';

  const list = h('ul', { class: 'picker-list' });
  const status = h('p', { class: 'picker-status', attrs: { 'aria-live': 'polite' }, text: t('actions.picker.loading') });
  const laneSelect = /** @type {HTMLSelectElement} */ (h('select', { attrs: { id: 'picker-lane' } }));
  const lanes = settings().lanes ?? [];
  laneSelect.replaceChildren(...lanes.map((/** @type {{id: string, label: string | null}} */ l) =>
    h('option', { attrs: { value: l.id }, text: l.label ?? t(`actions.lane.${l.id}`) })));
  const wanted = lane ?? 'create';
  laneSelect.value = lanes.some((/** @type {{id: string}} */ l) => l.id === wanted) ? wanted : (lanes[0]?.id ?? '');
  const go = /** @type {HTMLButtonElement} */ (h('button', { class: 'picker-go', attrs: { type: 'button' }, disabled: true }));
  const cancel = h('button', { class: 'picker-cancel', attrs: { type: 'button' }, text: t('actions.picker.cancel') });
  /** @type {Solution[]} */
  let solutions = [];
  /** @type {Set<string>} */
  const chosen = new Set();
  const keyOf = (/** @type {{board: string, item: string}} */ s) => `${s.board}/${s.item}`;

  const linkedAlready = () => {
    if (!linking) return new Set();
    const actions = view().actions;
    const a = actions instanceof Map ? actions.get(linkTo) : null;
    return new Set((a?.links ?? []).map(keyOf));
  };

  function updateGo() {
    const n = chosen.size;
    go.textContent = linking ? t('actions.picker.link', { n }) : t('actions.picker.create', { n });
    go.disabled = n === 0;
  }

  function draw() {
    const already = linkedAlready();
    if (!solutions.length) {
      list.replaceChildren();
      return;
    }
    list.replaceChildren(...solutions.map((s, i) => {
      const key = keyOf(s);
      const isLinked = already.has(key);
      const box = /** @type {HTMLInputElement} */ (h('input', { attrs: { type: 'checkbox', id: `picker-${i}`, value: key } }));
      box.checked = isLinked || chosen.has(key);
      box.disabled = isLinked;
      box.addEventListener('change', () => {
        if (box.checked) chosen.add(key);
        else chosen.delete(key);
        updateGo();
      });
      const answered = (s.answered_by ?? []).length;
      const facts = [
        s.neighbourhood?.name ?? '', // a study's solutions: the neighbourhood they come from
        s.board_title ?? '',
        typeof s.votes === 'number' ? countOf(t, 'actions.picker.votes', s.votes, ctx.lang) : '',
      ].filter(Boolean).join(' · ');
      return h('li', { class: `picker-row${isLinked ? ' picker-linked' : ''}`, dataset: { board: s.board, item: s.item } }, [
        h('label', { attrs: { for: `picker-${i}` } }, [
          box,
          s.picture_url ? h('img', { attrs: { src: s.picture_url, alt: '', width: 56, height: 56 } })
            : h('img', { class: 'picker-nopic', attrs: { src: '/icons/solution.svg', alt: '', width: 56, height: 56 } }), // the residents' own words: the idea's sign
          h('span', { class: 'picker-text' }, [
            h('span', { class: 'picker-label', text: titleOf(s, t('actions.picker.untitled'), ctx.lang), attrs: { dir: 'auto' } }),
            s.text && labelOf(s, ctx.lang) && s.text.trim() !== labelOf(s, ctx.lang)
              ? h('span', { class: 'picker-words', text: labelOf(s, ctx.lang), attrs: { dir: 'auto' } }) : null,
            facts ? h('span', { class: 'picker-facts', text: facts, attrs: { dir: 'auto' } }) : null,
            isLinked ? h('span', { class: 'picker-answered', text: t('actions.picker.already_linked') })
              : answered ? h('span', { class: 'picker-answered', text: countOf(t, 'actions.picker.answered_by', answered, ctx.lang) }) : null,
          ]),
        ]),
      ]);
    }));
  }

  const dialog = /** @type {HTMLDialogElement} */ (h('dialog', { class: 'picker-dialog', attrs: { 'aria-labelledby': 'picker-title' } }, [
    h('header', { class: 'fiche-head' }, [
      h('h2', { attrs: { id: 'picker-title' }, text: linking ? t('actions.picker.title_link') : t('actions.picker.title') }),
      h('button', { class: 'fiche-close', attrs: { type: 'button', 'aria-label': t('actions.fiche.close') }, text: '×', on: { click: () => finish(null) } }),
    ]),
    h('p', { class: 'fiche-hint', text: linking ? t('actions.picker.intro_link') : t('actions.picker.intro') }),
    linking ? null : h('div', { class: 'fiche-field picker-where' }, [
      h('label', { attrs: { for: 'picker-lane' }, text: t('actions.picker.lane') }), laneSelect,
    ]),
    status,
    list,
    h('footer', { class: 'fiche-foot' }, [cancel, go]),
  ]));

  /** @type {(value: string[] | null) => void} */
  let resolve = () => {};
  let done = false;
  /** @param {string[] | null} value */
  function finish(value) {
    if (done) return;
    done = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    if (openOne === handle) openOne = null;
    resolve(value);
  }
  const handle = { close: () => finish(null) };
  openOne = handle;
  cancel.addEventListener('click', () => finish(null));
  dialog.addEventListener('close', () => finish(null));

  go.addEventListener('click', () => {
    const picked = solutions.filter((s) => chosen.has(keyOf(s)) && !linkedAlready().has(keyOf(s)));
    if (!picked.length) return;
    if (linking) {
      ctx.send(linkOps(/** @type {string} */ (linkTo), picked));
      finish([/** @type {string} */ (linkTo)]);
      return;
    }
    const period = currentPeriod(settings().timeline);
    const ops = createOps(picked, { lane: laneSelect.value, start: start ?? period.start, end: end ?? (start ? start : period.end) },
      { fallbackTitle: t('actions.picker.untitled'), lang: ctx.lang });
    // an explicit start without an end: one period from that start (the server snaps the end up)
    ctx.send(ops);
    finish(ops.map((o) => o.id));
  });

  updateGo();
  document.body.append(dialog);
  dialog.showModal();

  (async () => {
    try {
      const response = await fetch(`/api/workshops/${encodeURIComponent(ctx.workshop.id)}/solutions`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (response.status === 404) { status.textContent = t('actions.picker.not_yet'); return; }
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      solutions = Array.isArray(data.solutions) ? data.solutions : [];
      status.textContent = solutions.length ? countOf(t, 'actions.picker.count', solutions.length, ctx.lang) : t('actions.picker.none');
      draw();
    } catch {
      status.textContent = t('actions.picker.failed');
    }
  })();

  return new Promise((r) => { resolve = r; });
}

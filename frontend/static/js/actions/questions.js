// @ts-check
/**
 * The questions de travail on the partners' action fresco (issue 13): the study's team wrote them from the
 * diagnostic (`/studies/{id}/questions`); here they are prompts, read-only, in a strip above the timeline
 * (a `<details>`: one line folded, the list unfolded), each with the number of this board's actions that
 * answer it. A workshop without a study, or a study without questions, shows nothing.
 *
 * `loadQuestions` (GET /api/workshops/{id}/questions, once per page) is also what the fiche's « Question de
 * travail » choice lists (fiche.js). `answeredCounts` is pure (tests/js/questions.test.mjs).
 */
import { h } from '../board/dom.js';
import { countOf } from '../core/i18n.js';
import { aboutPicture, aboutWords, questionTag } from '../study/question-words.js';

/** @typedef {import('../study/question-words.js').WorkQuestion} WorkQuestion */

/** @type {Map<string, Promise<WorkQuestion[]>>} */
const loaded = new Map();

/**
 * The study's questions, in the team's order ([] without a study, or when they cannot be read).
 * @param {string} workshopId
 * @returns {Promise<WorkQuestion[]>}
 */
export function loadQuestions(workshopId) {
  let found = loaded.get(workshopId);
  if (!found) {
    found = (async () => {
      try {
        const response = await fetch(`/api/workshops/${encodeURIComponent(workshopId)}/questions`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
        if (!response.ok) return [];
        const data = await response.json();
        return Array.isArray(data.questions) ? data.questions : [];
      } catch {
        return [];
      }
    })();
    loaded.set(workshopId, found);
  }
  return found;
}

/**
 * How many actions of a board answer each question.
 * @param {Iterable<{question?: string | null}>} actions
 * @returns {Map<string, number>}
 */
export function answeredCounts(actions) {
  const counts = new Map();
  for (const a of actions) if (a.question) counts.set(a.question, (counts.get(a.question) ?? 0) + 1);
  return counts;
}

/**
 * @param {import('./fiche/types.js').FicheContext} ctx
 * @param {HTMLElement | null} mount
 */
export async function mountQuestions(ctx, mount) {
  if (!mount) return;
  const questions = await loadQuestions(ctx.workshop.id);
  if (!questions.length) return;
  const summary = h('summary', { class: 'wq-strip-summary' });
  // it scrolls sideways (and down, on a short screen): a keyboard must reach it
  const list = h('ol', { class: 'wq-strip-list', attrs: { tabindex: '0' } });
  const details = /** @type {HTMLDetailsElement} */ (h('details', { class: 'wq-strip' }, [summary, list]));
  // a big screen (a room's 1920×1080 table) shows the prompts at once; a laptop or a phone keeps the
  // timeline's room and unfolds them with a tap on the one-line summary
  details.open = window.matchMedia?.('(min-width: 900px) and (min-height: 900px)').matches ?? false;
  mount.replaceChildren(details);
  mount.hidden = false;

  let drawn = '';
  function draw(force = false) {
    const { t, lang } = ctx;
    const actions = ctx.store.view().actions;
    const counts = answeredCounts(actions instanceof Map ? actions.values() : []);
    const key = JSON.stringify([lang, [...counts]]);
    if (key === drawn && !force) return;
    drawn = key;
    list.setAttribute('aria-label', t('questions.strip.title'));
    summary.replaceChildren(
      h('img', { attrs: { src: '/icons/note.svg', alt: '', width: 28, height: 28 } }),
      h('span', { class: 'wq-strip-title', text: t('questions.strip.title') }),
      h('span', { class: 'wq-strip-count', text: countOf(t, 'questions.strip.count', questions.length, lang) }),
    );
    list.replaceChildren(...questions.map((q, index) => {
      const words = aboutWords(q.about, t, lang);
      const n = counts.get(q.id) ?? 0;
      return h('li', { class: 'wq-strip-item', dataset: { question: q.id } }, [
        h('span', { class: 'wq-strip-tag', text: questionTag(index) }),
        h('div', { class: 'wq-strip-text' }, [
          h('p', { class: 'wq-strip-question', text: q.question, attrs: { dir: 'auto' } }),
          h('p', { class: 'wq-strip-about' }, [
            h('img', { attrs: { src: aboutPicture(q.about), alt: '', width: 24, height: 24 } }),
            h('span', { text: [words.title, ...words.facts].filter(Boolean).join(' · '), attrs: { dir: 'auto' } }),
          ]),
          h('p', { class: `wq-strip-answered${n ? '' : ' wq-strip-open'}`, text: n ? countOf(t, 'questions.strip.answered', n, lang) : t('questions.strip.unanswered') }),
        ]),
      ]);
    }));
  }
  ctx.store.subscribe(() => draw());
  document.addEventListener('fresque:lang', () => draw(true));
  draw(true);
}

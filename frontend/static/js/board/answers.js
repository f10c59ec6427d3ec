// @ts-check
/**
 * The actions that answer each resident's idea, as the board's badge « → n actions » counts them
 * (`GET /api/boards/{id}/answers`, fresque.api.traceability).
 *
 * The workshop's own actions come described (`answers`: title, lane, period, a link to their board). In a
 * study, the partners' workshop — another workshop of the study — answers the ideas too: the server only
 * counts those (`elsewhere: {item: n}`), since their fiches are not this workshop's to read. Each counted
 * action becomes a placeholder `{elsewhere: true}` after the described ones, so the badge's count (the list's
 * length) includes them and the sheet (dialogs.js) lists the own actions and says how many others there are.
 *
 * Pure: tests/js/answers_elsewhere.test.mjs.
 */

/**
 * @typedef {{board: string, action: string, title: string, lane: string, start: string, end: string,
 *   elsewhere?: boolean}} Answer
 */

/** A partners' action, counted only. @returns {Answer} */
const counted = () => ({ board: '', action: '', title: '', lane: '', start: '', end: '', elsewhere: true });

/**
 * @param {Record<string, Answer[]> | null | undefined} answers  this workshop's actions, by solution id
 * @param {Record<string, number> | null | undefined} elsewhere  how many of the study's other workshops' actions
 * @returns {Map<string, Answer[]>}
 */
export function answersByItem(answers, elsewhere) {
  /** @type {Map<string, Answer[]>} */
  const out = new Map();
  for (const [id, own] of Object.entries(answers ?? {})) out.set(id, Array.isArray(own) ? [...own] : []);
  for (const [id, n] of Object.entries(elsewhere ?? {})) {
    const count = Number.isInteger(n) && n > 0 ? n : 0;
    if (!count) continue;
    out.set(id, [...(out.get(id) ?? []), ...Array.from({ length: count }, counted)]);
  }
  return out;
}

/**
 * @param {Answer[]} answers
 * @returns {{own: Answer[], elsewhere: number}} the described actions, and how many are only counted
 */
export function splitAnswers(answers) {
  const own = answers.filter((a) => !a.elsewhere);
  return { own, elsewhere: answers.length - own.length };
}

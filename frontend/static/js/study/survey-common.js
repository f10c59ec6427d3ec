// @ts-check
/**
 * What the survey pages share: the bootstrap's shape, a label in a language (French when it has none), a
 * question's answers (a neighbourhood question's are the study's neighbourhoods), and the languages' names.
 * Pure but for `readJson` (which reads a `<script type="application/json">` of the page).
 */

/**
 * @typedef {{fr: string, en?: string, ar?: string}} Labels
 * @typedef {{id: string, labels: Labels, picture?: string, exclusive?: boolean}} Answer
 * @typedef {{id: string, kind: 'single' | 'multiple' | 'neighbourhood', labels: Labels, answers?: Answer[]}} Question
 * @typedef {{id: string, name: string, qpv_code: string | null}} Neighbourhood
 * @typedef {{
 *   study: {id: string, title: string, territory: string},
 *   version: number,
 *   questionnaire: {questions: Question[]},
 *   neighbourhoods: Neighbourhood[],
 *   responses: number,
 *   editable: boolean,
 *   pictures: Record<string, string>,
 *   words: Record<string, Record<string, string>>,
 *   directions: Record<string, 'ltr' | 'rtl'>,
 *   picture_choices?: {code: string, label: string, url: string}[],
 * }} Bootstrap
 */

/** Each language's name in itself (as the page header's switcher). */
export const languageNames = /** @type {Record<string, string>} */ ({
  fr: 'Français',
  en: 'English',
  ar: 'العربية',
});

/** @param {string} id */
export function readJson(id) {
  try {
    return JSON.parse(document.getElementById(id)?.textContent || 'null');
  } catch {
    return null;
  }
}

/**
 * @param {Partial<Labels> | undefined} labels
 * @param {string} lang
 */
export function labelOf(labels, lang) {
  if (!labels) return '';
  return /** @type {Record<string, string | undefined>} */ (labels)[lang] || labels.fr || '';
}

/**
 * @param {Question} question
 * @param {Neighbourhood[]} neighbourhoods
 * @returns {Answer[]}
 */
export function answersOf(question, neighbourhoods) {
  if (question.kind === 'neighbourhood') {
    return neighbourhoods.map((n) => ({ id: n.id, labels: { fr: n.name } }));
  }
  return question.answers || [];
}

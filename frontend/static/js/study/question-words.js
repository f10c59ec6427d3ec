// @ts-check
/**
 * The words of a question de travail's finding (`about`, as `fresque.api.work_questions` resolves it): what
 * the team's page and the partners' action fresco both show. Pure (no DOM): tests/js/questions.test.mjs.
 */

/**
 * @typedef {{kind: string, label: Record<string, string> | null, text: string | null, picture_url: string | null,
 *   severity: string | null, neighbourhood: {id: string | null, name: string} | null,
 *   workshop: {id: string, title: string} | null, found: boolean}} About
 * @typedef {{id: string, position: number, question: string, finding: Record<string, any>, about: About,
 *   answered_by?: {board: string, action: string, title: string}[]}} WorkQuestion
 * @typedef {(key: string, vars?: Record<string, unknown>) => string} Translate
 */

/**
 * @param {About} about
 * @param {Translate} t
 * @param {string} lang
 * @returns {{title: string, facts: string[]}} the finding's name (an activity, a service, a resident's idea)
 *   and what situates it (severity, the kind, the neighbourhood or the whole territory; a gone idea)
 */
export function aboutWords(about, t, lang) {
  const label = about.label ? (about.label[lang] || about.label.fr || '') : '';
  const place = about.neighbourhood?.name || t('questions.territory');
  if (about.kind === 'idea') {
    if (!about.found) return { title: t('questions.about.gone'), facts: [t('questions.kind.idea')] };
    return { title: (about.text || '').trim() || label, facts: [t('questions.kind.idea'), place] };
  }
  if (about.kind === 'heatmap') {
    const severity = about.severity ? t(`board.severity.${about.severity}`) : t('questions.severity.all');
    return { title: label, facts: [t('questions.kind.heatmap'), severity, place] };
  }
  return { title: label, facts: [t('questions.kind.service'), place] };
}

/** « Q2 »: a question's number in the study's order (1-based). @param {number} index */
export const questionTag = (index) => `Q${index + 1}`;

const ICONS = /** @type {Record<string, string>} */ ({ heatmap: 'severity-difficile', service: 'touchpoint', idea: 'solution' });

/** The finding's picture: its pictogram, else the interface's sign of its kind. @param {About} about */
export function aboutPicture(about) {
  return about.picture_url || `/icons/${ICONS[about.kind] ?? 'note'}.svg`;
}

// @ts-check
/**
 * The responses the server refused, shown to the surveyor (`#survey-refused` on the phone's page).
 *
 * A response the server will never take as it is (422: its questionnaire changed since, a neighbourhood left
 * the study…; 404: the study is gone, or this account left its team) is set apart by the queue
 * (`survey-queue.js`): out of the sending, so the others still go. Here each one is a line — when it was
 * answered and why it was refused, in the surveyor's language — with a button to discard it (asked first:
 * a discarded response is gone for good). Nothing of the answers is shown: the phone may be in a
 * respondent's hands.
 *
 * `reasonKey` is pure, and nothing here runs at import (tests/js/survey_refused.test.mjs).
 */
/** The server's error code → the words of its reason. */
const REASONS = /** @type {Record<string, string>} */ ({
  unknown_questionnaire_version: 'survey.refused_list.reason.questionnaire',
  unknown_question: 'survey.refused_list.reason.questionnaire',
  unknown_answer: 'survey.refused_list.reason.questionnaire',
  invalid_answer: 'survey.refused_list.reason.questionnaire',
  unknown_neighbourhood: 'survey.refused_list.reason.neighbourhood',
  consent_required: 'survey.refused_list.reason.consent',
  study_not_found: 'survey.refused_list.reason.study',
  questionnaire_not_found: 'survey.refused_list.reason.study',
});

/**
 * @param {import('./survey-queue.js').Refusal | undefined} refusal
 * @returns {string} the translation key of why it was refused (`…reason.other` takes `{code}`)
 */
export function reasonKey(refusal) {
  const known = refusal?.error ? REASONS[refusal.error] : undefined;
  if (known) return known;
  if (refusal?.status === 404) return 'survey.refused_list.reason.study';
  return 'survey.refused_list.reason.other';
}

/**
 * @param {string} iso
 * @param {string} lang
 */
function when(iso, lang) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  try {
    return new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' }).format(date);
  } catch {
    return date.toISOString().slice(0, 16).replace('T', ' ');
  }
}

/**
 * Draw the refused responses into `section` (hidden when there are none).
 * @param {HTMLElement | null} section
 * @param {import('./survey-queue.js').SurveyQueue} queue
 * @param {{t: (key: string, vars?: Record<string, unknown>) => string, lang: string}} i18n  the surveyor's words
 * @param {(clientId: string) => void} discarded  after one is discarded (the page redraws and moves the focus)
 */
export function drawRefused(section, queue, i18n, discarded) {
  if (!section) return;
  const { t, lang } = i18n;
  const refused = queue.refused();
  // redrawn only when the list or the language changes: the page calls this at every sending, and a
  // surveyor on a « Supprimer » button must keep their place
  const key = JSON.stringify([lang, refused.map((i) => i.client_id)]);
  if (section.dataset.drawn === key) return;
  section.dataset.drawn = key;
  section.hidden = refused.length === 0;
  if (!refused.length) {
    section.replaceChildren();
    return;
  }
  const title = document.createElement('h2');
  title.id = 'survey-refused-title';
  title.className = 'survey-refused-title';
  title.textContent = t('survey.refused_list.title');
  const intro = document.createElement('p');
  intro.className = 'hint';
  intro.textContent = t('survey.refused_list.intro');
  const list = document.createElement('ul');
  list.className = 'survey-refused-items';
  for (const item of refused) {
    const date = when(item.answered_at, lang);
    const li = document.createElement('li');
    li.className = 'survey-refused-item';
    li.dataset.clientId = item.client_id;
    const line = document.createElement('p');
    const reason = t(reasonKey(item.refused), { code: item.refused?.error || String(item.refused?.status ?? '') });
    line.textContent = t('survey.refused_list.line', { date, reason });
    const discard = document.createElement('button');
    discard.type = 'button';
    discard.className = 'button button-quiet survey-refused-discard';
    discard.textContent = t('survey.refused_list.discard');
    discard.setAttribute('aria-label', t('survey.refused_list.discard_label', { date }));
    discard.addEventListener('click', () => {
      if (!window.confirm(t('survey.refused_list.confirm', { date }))) return;
      queue.discard(item.client_id);
      discarded(item.client_id);
    });
    li.append(line, discard);
    list.append(li);
  }
  section.replaceChildren(title, intro, list);
}

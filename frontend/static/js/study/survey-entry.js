// @ts-check
/**
 * Typing paper forms with the keyboard only (`/studies/{id}/survey/entry`).
 *
 * Space ticks the consent, Enter goes on; in each question's field the numbers of the ticked answers (several
 * separated by spaces or commas), Enter checks them and goes to the next field (an error stays on the field,
 * said aloud by its `role="alert"`), Enter on the last one saves the form. A saved form goes through the same
 * queue as the phone's (`survey-queue.js`, `source: "paper"`), so a dropped connection loses nothing; the form
 * is emptied and the focus goes back to the consent, ready for the next sheet.
 */
import { call, say } from '../pages/console-api.js';
import { currentI18n } from '../pages/lang.js';
import { SurveyQueue, newClientId } from './survey-queue.js';
import { answersOf, labelOf, readJson } from './survey-common.js';

/** @typedef {import('./survey-common.js').Bootstrap} Bootstrap */
/** @typedef {import('./survey-common.js').Question} Question */

const boot = /** @type {Bootstrap} */ (readJson('bootstrap'));
const form = /** @type {HTMLFormElement} */ (document.getElementById('entry-form'));
const consent = /** @type {HTMLInputElement} */ (document.getElementById('entry-consent'));
const consentError = /** @type {HTMLElement} */ (document.getElementById('entry-consent-error'));
const statusLine = document.getElementById('survey-status');
const questions = boot.questionnaire.questions;
const queue = new SurveyQueue(window.localStorage, `fresque.survey.${boot.study.id}.paper`);
let typed = 0;

/** @param {Question} q */
function input(q) {
  return /** @type {HTMLInputElement} */ (document.getElementById(`entry-${q.id}`));
}

/** @param {Question} q */
function row(q) {
  return /** @type {HTMLElement} */ (input(q).closest('.entry-row'));
}

/**
 * @param {Question} q
 * @param {string} key
 * @param {Record<string, string>} [vars]
 */
function fail(q, key, vars) {
  const error = /** @type {HTMLElement} */ (row(q).querySelector('.form-error'));
  error.hidden = false;
  error.setAttribute('data-i18n', key);
  error.setAttribute('data-i18n-vars', JSON.stringify(vars || {}));
  error.textContent = currentI18n().t(key, vars);
  input(q).setAttribute('aria-invalid', 'true');
}

/** @param {Question} q */
function clear(q) {
  const error = /** @type {HTMLElement} */ (row(q).querySelector('.form-error'));
  error.hidden = true;
  error.textContent = '';
  input(q).removeAttribute('aria-invalid');
}

/**
 * The answer a field's numbers give, `undefined` for an empty field, or `null` when they are wrong (said).
 * @param {Question} q
 * @returns {string | string[] | undefined | null}
 */
function read(q) {
  clear(q);
  const chosenLine = /** @type {HTMLElement} */ (row(q).querySelector('.entry-chosen'));
  chosenLine.textContent = '';
  const answers = answersOf(q, boot.neighbourhoods);
  const parts = input(q).value.split(/[\s,;.]+/).filter(Boolean);
  if (!parts.length) return undefined;
  /** @type {string[]} */
  const ids = [];
  for (const part of parts) {
    const n = Number(part);
    if (!Number.isInteger(n) || n < 1 || n > answers.length) {
      fail(q, 'survey.entry.unknown', { value: part, max: String(answers.length) });
      return null;
    }
    const id = answers[n - 1].id;
    if (!ids.includes(id)) ids.push(id);
  }
  if (q.kind !== 'multiple' && ids.length > 1) {
    fail(q, 'survey.entry.one_only');
    return null;
  }
  const alone = answers.find((a) => a.exclusive && ids.includes(a.id));
  if (alone && ids.length > 1) {
    fail(q, 'survey.entry.exclusive', { label: labelOf(alone.labels, currentI18n().lang) });
    return null;
  }
  const lang = currentI18n().lang;
  chosenLine.textContent = ids
    .map((id) => labelOf(answers.find((a) => a.id === id)?.labels, lang))
    .join(' · ');
  return q.kind === 'multiple' ? answers.map((a) => a.id).filter((id) => ids.includes(id)) : ids[0];
}

function showStatus() {
  const waiting = queue.items().length;
  if (waiting) say(statusLine, navigator.onLine ? 'survey.pending' : 'survey.pending_offline', { n: String(waiting) });
  else if (typed) say(statusLine, 'survey.entry.saved', { n: String(typed) });
  else statusLine?.replaceChildren();
  statusLine?.setAttribute('data-waiting', String(waiting));
}

async function flush() {
  const result = await queue.flush(
    async (item) => (await call('POST', `/api/studies/${boot.study.id}/surveys/responses`, item)).status,
  );
  showStatus();
  if (result.stopped === 'network') setTimeout(flush, 5000);
}

function save() {
  /** @type {Record<string, string | string[]>} */
  const answers = {};
  /** @type {HTMLInputElement | null} */
  let firstWrong = null;
  for (const q of questions) {
    const value = read(q);
    if (value === null) firstWrong = firstWrong || input(q);
    else if (value !== undefined) answers[q.id] = value;
  }
  if (!consent.checked) {
    consentError.hidden = false;
    consentError.setAttribute('data-i18n', 'survey.entry.consent_missing');
    consentError.textContent = currentI18n().t('survey.entry.consent_missing');
    consent.focus();
    return;
  }
  if (firstWrong) {
    firstWrong.focus();
    return;
  }
  queue.add({
    client_id: newClientId(),
    questionnaire_version: boot.version,
    answers,
    consent: true,
    answered_at: new Date().toISOString(),
    source: 'paper',
  });
  typed += 1;
  form.reset();
  for (const q of questions) read(q);
  showStatus();
  flush();
  consent.focus();
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  save();
});
form.addEventListener('reset', () => {
  setTimeout(() => {
    for (const q of questions) clear(q);
    form.querySelectorAll('.entry-chosen').forEach((el) => {
      el.textContent = '';
    });
    consentError.hidden = true;
  });
});
consent.addEventListener('keydown', (event) => {
  if (event.key !== 'Enter') return;
  event.preventDefault(); // Enter on the consent goes on; it does not save an empty form
  consentError.hidden = consent.checked;
  if (questions.length) input(questions[0]).focus();
});
consent.addEventListener('change', () => {
  if (consent.checked) consentError.hidden = true;
});
questions.forEach((q, index) => {
  const field = input(q);
  field.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    if (read(q) === null) return;
    const next = questions[index + 1];
    if (next) input(next).focus();
    else save();
  });
  field.addEventListener('blur', () => read(q));
});
window.addEventListener('online', flush);
showStatus();
flush();
consent.focus();

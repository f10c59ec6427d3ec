// @ts-check
/**
 * Erasing a study from its dashboard (`DELETE /api/studies/{id}`, its owner only): the study's title typed
 * again confirms it, as the answer cannot be undone; then back to « My studies ». The export is a plain link
 * (`GET /api/studies/{id}/export` reads the account cookie).
 */
import { call, say } from '../pages/console-api.js';
import { busy, clearProblem, problemOf, showProblem } from './common.js';

const root = /** @type {HTMLElement | null} */ (document.querySelector('.dashboard'));
const section = /** @type {HTMLElement | null} */ (document.getElementById('study-data'));
const form = /** @type {HTMLFormElement | null} */ (document.getElementById('study-erase-form'));
const error = document.getElementById('study-erase-error');

form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearProblem(error);
  const typed = /** @type {HTMLInputElement} */ (form.elements.namedItem('title'));
  // the same words, whatever spaces surround them
  if (typed.value.trim() !== (section?.dataset.title || '').trim()) {
    showProblem(error, 'study.data.erase_mismatch');
    typed.focus();
    return;
  }
  const submit = /** @type {HTMLElement | null} */ (form.querySelector('button[type="submit"]'));
  busy(submit, true);
  const status = document.getElementById('dashboard-status');
  say(status, 'study.data.erasing');
  const study = root?.dataset.study || '';
  const answer = await call('DELETE', `/api/studies/${encodeURIComponent(study)}`);
  if (answer.status === 200) {
    window.location.assign('/studies');
    return;
  }
  busy(submit, false);
  status?.replaceChildren();
  const [key, vars] = problemOf(answer);
  showProblem(error, key, vars);
});

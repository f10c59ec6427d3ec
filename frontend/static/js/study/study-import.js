// @ts-check
/**
 * Importing a study on « My studies » (`POST /api/studies/import`): the chosen file is read here and sent
 * as it is; the new study (its owner: this account) opens on success. The server checks the document whole
 * and says what is wrong (`invalid_document` and the rules' codes, with a message naming the field).
 */
import { call, say } from '../pages/console-api.js';
import { busy, clearProblem, problemOf, showProblem } from './common.js';

const form = /** @type {HTMLFormElement | null} */ (document.getElementById('study-import-form'));
const error = document.getElementById('study-import-error');
const status = document.getElementById('study-import-status');

/**
 * The words for a refused import.
 * @param {{status: number, body: any}} answer
 * @returns {[string, Record<string, string> | undefined]}
 */
function importProblem(answer) {
  const body = answer.body || {};
  if (answer.status === 413) return ['study.import.error.too_large', { limit: String(body.limit ?? '') }];
  if (answer.status === 503) return ['study.import.error.busy', undefined];
  if (answer.status === 422 && typeof body.message === 'string') {
    return ['study.import.error.invalid', { message: body.message }];
  }
  return problemOf(answer);
}

const input = /** @type {HTMLInputElement | null} */ (document.getElementById('study-import-file'));
const chosen = document.getElementById('study-import-name');
input?.addEventListener('change', () => {
  const file = input.files?.[0];
  if (!chosen) return;
  if (file) {
    chosen.removeAttribute('data-i18n');
    chosen.textContent = file.name;
  } else {
    say(chosen, 'study.import.no_file');
  }
  clearProblem(error);
});

form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearProblem(error);
  const file = input?.files?.[0];
  if (!file) {
    showProblem(error, 'study.import.error.no_file');
    input?.focus();
    return;
  }
  /** @type {unknown} */
  let document_ = null;
  try {
    document_ = JSON.parse(await file.text());
  } catch {
    document_ = null;
  }
  if (!document_ || typeof document_ !== 'object' || /** @type {any} */ (document_).format !== 'fresque-study') {
    showProblem(error, 'study.import.error.not_json');
    return;
  }
  const submit = /** @type {HTMLElement | null} */ (form.querySelector('button[type="submit"]'));
  busy(submit, true);
  say(status, 'study.import.importing');
  const answer = await call('POST', '/api/studies/import', document_);
  if (answer.status === 201 && answer.body?.study?.id) {
    window.location.assign(`/studies/${encodeURIComponent(answer.body.study.id)}`);
    return;
  }
  busy(submit, false);
  status?.replaceChildren();
  const [key, vars] = importProblem(answer);
  showProblem(error, key, vars);
});

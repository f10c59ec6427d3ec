// @ts-check
/** `/studies`: a new study with its neighbourhoods (`POST /api/studies`), then its dashboard. */
import { call } from '../pages/console-api.js';
import '../core/textlimit.js';
import { busy, clearProblem, problemOf, showProblem } from './common.js';
import { addRow, rowsOf } from './neighbourhoods.js';

const form = /** @type {HTMLFormElement | null} */ (document.getElementById('study-form'));
const list = /** @type {HTMLOListElement | null} */ (document.getElementById('neighbourhood-rows'));
const template = /** @type {HTMLTemplateElement | null} */ (document.getElementById('neighbourhood-row'));
const error = document.getElementById('study-error');

if (form && list && template) {
  addRow(list, template);
  addRow(list, template);
  document.getElementById('add-neighbourhood')?.addEventListener('click', () => {
    addRow(list, template).querySelector('input')?.focus();
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearProblem(error);
    const field = (/** @type {string} */ name) => /** @type {HTMLInputElement} */ (form.elements.namedItem(name));
    const title = field('title');
    const territory = field('territory');
    if (!title.value.trim()) {
      showProblem(error, 'study.error.title_required');
      title.focus();
      return;
    }
    if (!territory.value.trim()) {
      showProblem(error, 'study.error.territory_required');
      territory.focus();
      return;
    }
    /** @type {Record<string, unknown>} */
    const payload = { title: title.value.trim(), territory: territory.value.trim(), neighbourhoods: rowsOf(list) };
    if (field('period_start').value) payload.period_start = field('period_start').value;
    if (field('period_end').value) payload.period_end = field('period_end').value;
    const submit = /** @type {HTMLElement | null} */ (form.querySelector('button[type="submit"]'));
    busy(submit, true);
    const answer = await call('POST', '/api/studies', payload);
    if (answer.status === 201 && answer.body?.study?.id) {
      window.location.assign(`/studies/${encodeURIComponent(answer.body.study.id)}`);
      return;
    }
    busy(submit, false);
    const [key, vars] = problemOf(answer);
    showProblem(error, key, vars);
  });
}

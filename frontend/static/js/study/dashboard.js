// @ts-check
/**
 * A study's dashboard (`/studies/{id}`): new workshops (one per neighbourhood, the partners' one), « Ouvrir
 * la console » (a workshop session for this account, then the console: no join code), the neighbourhoods'
 * editor, invites and the team. Each change reloads the page, which the server draws from the same data as
 * `GET /api/studies/{id}`.
 */
import { call, say } from '../pages/console-api.js';
import { currentI18n, setWords } from '../pages/lang.js';
import '../core/textlimit.js';
import { busy, clearProblem, problemOf, showProblem } from './common.js';
import { addRow, rowsOf } from './neighbourhoods.js';

const root = /** @type {HTMLElement | null} */ (document.querySelector('.dashboard'));
const study = root?.dataset.study || '';
const api = `/api/studies/${encodeURIComponent(study)}`;
const status = document.getElementById('dashboard-status');

// -- workshops: create one, open its console ---------------------------------------------------------------

for (const form of /** @type {NodeListOf<HTMLFormElement>} */ (document.querySelectorAll('.workshop-form'))) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = /** @type {HTMLElement | null} */ (form.querySelector('.form-error'));
    clearProblem(error);
    const title = /** @type {HTMLInputElement} */ (form.elements.namedItem('title'));
    const date = /** @type {HTMLInputElement} */ (form.elements.namedItem('date'));
    if (!title.value.trim()) {
      showProblem(error, 'landing.error.title_required');
      title.focus();
      return;
    }
    /** @type {Record<string, unknown>} */
    const payload = { title: title.value.trim() };
    if (form.dataset.neighbourhood) payload.neighbourhood_id = form.dataset.neighbourhood;
    if (form.dataset.partners === 'true') payload.partners = true;
    if (date.value) payload.date = date.value;
    const submit = /** @type {HTMLElement | null} */ (form.querySelector('button[type="submit"]'));
    busy(submit, true);
    const answer = await call('POST', `${api}/workshops`, payload);
    if (answer.status === 201 && answer.body?.workshop?.id) {
      window.location.assign(`${window.location.pathname}#workshop-${answer.body.workshop.id}`);
      window.location.reload();
      return;
    }
    busy(submit, false);
    const [key, vars] = problemOf(answer);
    showProblem(error, key, vars);
  });
}

for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('.open-console'))) {
  button.addEventListener('click', async () => {
    busy(button, true);
    say(status, 'study.workshop.opening');
    const answer = await call('POST', button.dataset.console || '');
    if (answer.status === 200 && answer.body?.url) {
      // the workshop's session cookie came with the answer: the console knows who this is
      window.location.assign(answer.body.url);
      return;
    }
    busy(button, false);
    const [key, vars] = problemOf(answer);
    say(status, key, vars);
  });
  button.disabled = false; // the page ships it disabled until now
}

// -- the neighbourhoods' editor ----------------------------------------------------------------------------

const placesForm = /** @type {HTMLFormElement | null} */ (document.getElementById('neighbourhoods-form'));
const list = /** @type {HTMLOListElement | null} */ (document.getElementById('neighbourhood-rows'));
const template = /** @type {HTMLTemplateElement | null} */ (document.getElementById('neighbourhood-row'));
if (placesForm && list && template) {
  /** @type {{id: string, name: string, qpv_code: string | null}[]} */
  let current = [];
  try {
    current = JSON.parse(list.dataset.current || '[]');
  } catch {
    current = [];
  }
  for (const place of current) addRow(list, template, place);
  if (!current.length) addRow(list, template);
  document.getElementById('add-neighbourhood')?.addEventListener('click', () => {
    addRow(list, template).querySelector('input')?.focus();
  });
  placesForm.addEventListener('submit', async (event) => {
    event.preventDefault();
    const error = document.getElementById('neighbourhoods-error');
    clearProblem(error);
    const submit = /** @type {HTMLElement | null} */ (placesForm.querySelector('button[type="submit"]'));
    busy(submit, true);
    const answer = await call('PUT', `${api}/neighbourhoods`, { neighbourhoods: rowsOf(list) });
    if (answer.status === 200) {
      window.location.reload();
      return;
    }
    busy(submit, false);
    const [key, vars] = problemOf(answer);
    showProblem(error, key, vars);
  });
}

// -- the team: invite, remove ------------------------------------------------------------------------------

const teamError = document.getElementById('team-error');
document.getElementById('make-invite')?.addEventListener('click', async (event) => {
  const button = /** @type {HTMLElement} */ (event.currentTarget);
  clearProblem(teamError);
  busy(button, true);
  const answer = await call('POST', `${api}/invites`);
  busy(button, false);
  if (answer.status !== 201 || !answer.body?.link) {
    const [key, vars] = problemOf(answer);
    showProblem(teamError, key, vars);
    return;
  }
  const result = document.getElementById('invite-result');
  const link = /** @type {HTMLInputElement | null} */ (document.getElementById('invite-link'));
  const qr = /** @type {HTMLImageElement | null} */ (document.getElementById('invite-qr'));
  if (link) link.value = answer.body.link;
  if (qr) qr.src = answer.body.qr;
  // nobody else can open a loopback link: the console's warning and its fix (fresque.links)
  const warning = document.getElementById('invite-warning');
  const warningText = document.getElementById('invite-warning-text');
  const command = document.getElementById('invite-command');
  if (warning) warning.hidden = !answer.body.warning;
  if (command) command.hidden = answer.body.warning !== 'loopback_only';
  if (warningText && answer.body.warning) setWords(warningText, `study.team.reach.${answer.body.warning}`);
  if (result) result.hidden = false;
  link?.select();
});

document.getElementById('copy-invite')?.addEventListener('click', async () => {
  const link = /** @type {HTMLInputElement | null} */ (document.getElementById('invite-link'));
  if (!link) return;
  try {
    await navigator.clipboard.writeText(link.value);
  } catch {
    link.select();
    document.execCommand('copy');
  }
  say(status, 'study.team.copied');
});

for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll('.remove-member'))) {
  button.addEventListener('click', async () => {
    const { t } = currentI18n();
    if (!window.confirm(t('study.team.remove_confirm', { username: button.dataset.username || '' }))) return;
    clearProblem(teamError);
    busy(button, true);
    const answer = await call('DELETE', `${api}/members/${encodeURIComponent(button.dataset.account || '')}`);
    if (answer.status === 204) {
      window.location.reload();
      return;
    }
    busy(button, false);
    const [key, vars] = problemOf(answer);
    showProblem(teamError, key, vars);
  });
}

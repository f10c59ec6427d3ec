// @ts-check
/** `/sign-in`: the username and password, then the page it was asked from (`data-next`, a path of this site). */
import { call } from '../pages/console-api.js';
import { busy, clearProblem, problemOf, showProblem } from './common.js';

const form = /** @type {HTMLFormElement | null} */ (document.getElementById('sign-in-form'));
const error = document.getElementById('sign-in-error');

form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const username = /** @type {HTMLInputElement} */ (form.elements.namedItem('username'));
  const password = /** @type {HTMLInputElement} */ (form.elements.namedItem('password'));
  clearProblem(error);
  if (!username.value.trim() || !password.value) {
    showProblem(error, 'account.error.required');
    (username.value.trim() ? password : username).focus();
    return;
  }
  const submit = form.querySelector('button[type="submit"]');
  busy(/** @type {HTMLElement | null} */ (submit), true);
  const answer = await call('POST', '/api/account/sign-in', {
    username: username.value,
    password: password.value,
  });
  if (answer.status === 200) {
    // the account cookie (HttpOnly) came with the answer; `next` was checked by the server (safe_next)
    window.location.assign(form.dataset.next || '/studies');
    return;
  }
  busy(/** @type {HTMLElement | null} */ (submit), false);
  const [key, vars] = problemOf(answer);
  showProblem(error, key, vars);
  password.value = '';
  password.focus();
});

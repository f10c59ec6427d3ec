// @ts-check
/** `/account`: change the password (the server ends every other session), sign out (this session). */
import { call, say } from '../pages/console-api.js';
import { busy, clearProblem, problemOf, showProblem } from './common.js';

const form = /** @type {HTMLFormElement | null} */ (document.getElementById('password-form'));
const error = document.getElementById('password-error');
const status = document.getElementById('password-status');

form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const current = /** @type {HTMLInputElement} */ (form.elements.namedItem('current'));
  const fresh = /** @type {HTMLInputElement} */ (form.elements.namedItem('new'));
  const min = Number(fresh.getAttribute('minlength') || 12);
  clearProblem(error);
  status?.replaceChildren();
  if (!current.value || !fresh.value) {
    showProblem(error, 'account.error.required');
    return;
  }
  if ([...fresh.value].length < min) {
    showProblem(error, 'account.error.password_too_short', { min: String(min) });
    fresh.focus();
    return;
  }
  const submit = /** @type {HTMLElement | null} */ (form.querySelector('button[type="submit"]'));
  busy(submit, true);
  const answer = await call('POST', '/api/account/password', { current: current.value, new: fresh.value });
  busy(submit, false);
  if (answer.status === 204) {
    form.reset();
    say(status, 'account.password_change.done');
    return;
  }
  const [key, vars] = problemOf(answer, { passwordMin: min });
  showProblem(error, key, vars);
});

document.getElementById('sign-out')?.addEventListener('click', async () => {
  const answer = await call('POST', '/api/account/sign-out');
  if (answer.status === 204 || answer.status === 401) {
    window.location.assign('/sign-in');
    return;
  }
  const [key, vars] = problemOf(answer);
  showProblem(document.getElementById('sign-out-error'), key, vars);
});

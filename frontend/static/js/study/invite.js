// @ts-check
/**
 * `/invite/{token}`: join the study's team as the signed-in account (an empty POST, with the page's CSRF
 * token), or make an account and join in one POST (`/api/invites/{token}`); then the study's dashboard.
 */
import { call } from '../pages/console-api.js';
import { busy, clearProblem, problemOf, showProblem } from './common.js';

const box = /** @type {HTMLElement | null} */ (document.getElementById('invite'));
const token = box?.dataset.token || '';
const error = document.getElementById('invite-error');
const path = `/api/invites/${encodeURIComponent(token)}`;

/**
 * @param {{status: number, body: any}} answer
 * @param {HTMLElement | null} submit
 * @param {{passwordMin?: number, usernameMin?: number, usernameMax?: number}} [rules]
 */
function finish(answer, submit, rules) {
  if (answer.status === 200 && answer.body?.study?.url) {
    window.location.assign(answer.body.study.url);
    return;
  }
  busy(submit, false);
  if (answer.status === 410) {
    window.location.reload(); // the page says the link was used or has expired
    return;
  }
  const [key, vars] = problemOf(answer, rules);
  showProblem(error, key, vars);
}

document.getElementById('join-study')?.addEventListener('click', async (event) => {
  const button = /** @type {HTMLElement} */ (event.currentTarget);
  clearProblem(error);
  busy(button, true);
  finish(await call('POST', path, {}), button);
});

const form = /** @type {HTMLFormElement | null} */ (document.getElementById('newcomer-form'));
form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  clearProblem(error);
  const username = /** @type {HTMLInputElement} */ (form.elements.namedItem('username'));
  const password = /** @type {HTMLInputElement} */ (form.elements.namedItem('password'));
  const rules = {
    passwordMin: Number(password.getAttribute('minlength') || 12),
    usernameMin: Number(username.getAttribute('minlength') || 3),
    usernameMax: Number(username.getAttribute('maxlength') || 60),
  };
  if (!username.value.trim() || !password.value) {
    showProblem(error, 'account.error.required');
    return;
  }
  if ([...password.value].length < rules.passwordMin) {
    showProblem(error, 'account.error.password_too_short', { min: String(rules.passwordMin) });
    password.focus();
    return;
  }
  const submit = /** @type {HTMLElement | null} */ (form.querySelector('button[type="submit"]'));
  busy(submit, true);
  finish(await call('POST', path, { username: username.value, password: password.value }), submit, rules);
});

// @ts-check
/**
 * What the study team's pages share: showing a translated error (with its variables) in a form's alert
 * region, and the words for an API refusal (`fresque.api.accounts`, `fresque.api.studies` error codes).
 * Calls go through `js/pages/console-api.js`'s `call` (the cookie, and the page's CSRF token on writes).
 */
import { say } from '../pages/console-api.js';

/**
 * @param {HTMLElement | null} region  a `role="alert"` element, hidden when empty
 * @param {string} key
 * @param {Record<string, string>} [vars]
 */
export function showProblem(region, key, vars) {
  if (!region) return;
  say(region, key, vars);
  region.hidden = false;
}

/** @param {HTMLElement | null} region */
export function clearProblem(region) {
  if (!region) return;
  region.hidden = true;
  region.replaceChildren();
}

/** Error codes of the API that have their own words (`account.error.*`, `study.error.*`). */
const ACCOUNT_CODES = new Set([
  'password_too_short',
  'password_too_long',
  'invalid_username',
  'username_taken',
  'wrong_password',
]);
const STUDY_CODES = new Set(['invalid_period', 'duplicate_neighbourhood', 'invalid_qpv_code', 'neighbourhood_in_use']);

/**
 * The translation key (and variables) saying why a call failed.
 * @param {{status: number, body: any}} answer
 * @param {{passwordMin?: number, usernameMin?: number, usernameMax?: number}} [rules]
 * @returns {[string, Record<string, string> | undefined]}
 */
export function problemOf(answer, rules = {}) {
  const { status, body } = answer;
  const code = body?.error || '';
  if (status === 0) return ['common.error.network', undefined];
  if (status === 429) {
    const minutes = Math.max(1, Math.ceil(Number(body?.retry_after || 60) / 60));
    return ['account.error.too_many', { n: String(minutes) }];
  }
  if (code === 'sign_in_failed') return ['account.error.failed', undefined];
  if (code === 'sign_in_required' || code === 'sign_in_invalid') return ['account.error.session_lost', undefined];
  if (code === 'owner_only') return ['study.team.owner_only', undefined];
  if (ACCOUNT_CODES.has(code)) {
    return [
      `account.error.${code}`,
      {
        min: String(code === 'invalid_username' ? rules.usernameMin ?? 3 : rules.passwordMin ?? 12),
        max: String(rules.usernameMax ?? 60),
      },
    ];
  }
  if (STUDY_CODES.has(code)) return [`study.error.${code}`, undefined];
  return ['common.error.failed', undefined];
}

/**
 * Disable a form's submit button while a call runs.
 * @param {HTMLElement | null} button
 * @param {boolean} busy
 */
export function busy(button, busy) {
  if (!button) return;
  button.toggleAttribute('disabled', busy);
  if (busy) button.setAttribute('aria-busy', 'true');
  else button.removeAttribute('aria-busy');
}

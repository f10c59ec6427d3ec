// @ts-check
/**
 * Joining: step 1 is the code form (a plain GET); step 2 an alias (typed, or a suggestion tapped), a
 * colour and, if the person likes, the collapsed "about me" part (age band, neighbourhood, how they get on
 * with the internet, consent), then POST /api/join with the page's language, which sets the session cookie,
 * and on to the first exploration board.
 */
import { enhanceCodeFields } from './code-field.js';
import { isLanguage } from '../core/i18n.js';
import { hideError, postJson, showError } from './feedback.js';
import '../core/textlimit.js'; // fields with data-max-chars count characters as the server does

enhanceCodeFields();

const form = /** @type {HTMLFormElement | null} */ (document.getElementById('join-form'));
const alias = /** @type {HTMLInputElement | null} */ (document.getElementById('alias-input'));
const error = document.getElementById('join-error');
const aliasError = document.getElementById('alias-error');
const aliasGroup = document.getElementById('alias-group');
const suggestions = Array.from(document.querySelectorAll('.alias-button'));

/** Which suggestion, if any, is what the field holds now. */
function markSuggestion() {
  if (!alias) return;
  for (const button of suggestions) {
    const name = button.querySelector('[data-i18n]')?.textContent?.trim();
    button.setAttribute('aria-pressed', String(name === alias.value.trim()));
  }
}

for (const button of suggestions) {
  button.setAttribute('aria-pressed', 'false');
  button.addEventListener('click', () => {
    if (!alias) return;
    alias.value = button.querySelector('[data-i18n]')?.textContent?.trim() || '';
    if (aliasError) hideError(aliasError, alias);
    markSuggestion();
  });
}
alias?.addEventListener('input', () => {
  if (aliasError) hideError(aliasError, alias);
  markSuggestion();
});
// A tapped suggestion follows the language: "Tournesol" becomes "Sunflower".
document.addEventListener('fresque:lang', () => {
  if (!alias) return;
  const chosen = suggestions.find((b) => b.getAttribute('aria-pressed') === 'true');
  if (chosen) alias.value = chosen.querySelector('[data-i18n]')?.textContent?.trim() || alias.value;
});

/** @type {Record<string, string>} */
const ERRORS = {
  unknown_code: 'join.error.unknown_code',
  unknown_link: 'join.error.unknown_link',
  code_expired: 'join.error.code_expired',
  joining_closed: 'join.error.joining_closed',
  too_many_attempts: 'join.error.too_many_attempts',
  workshop_full: 'join.error.workshop_full',
  text_required: 'join.error.alias_required',
  text_invalid: 'join.error.alias_invalid',
  text_too_long: 'join.error.alias_invalid',
  invalid_colour: 'join.error.invalid_colour',
  invalid_language: 'join.error.profile_invalid',
  invalid_neighbourhood: 'join.error.profile_invalid',
  invalid_age_band: 'join.error.profile_invalid',
  invalid_fragility: 'join.error.profile_invalid',
};


/**
 * The optional profile as the form holds it: only what was given, and the page's language.
 * @param {HTMLFormElement} from
 * @returns {Record<string, string | boolean>}
 */
function profile(from) {
  /** @type {Record<string, string | boolean>} */
  const out = {};
  const lang = document.documentElement.lang;
  if (isLanguage(lang)) out.language = lang;
  for (const name of ['age_band', 'fragility']) {
    const picked = /** @type {HTMLInputElement | null} */ (from.querySelector(`input[name="${name}"]:checked`));
    if (picked) out[name] = picked.value;
  }
  const place = /** @type {HTMLInputElement | null} */ (from.querySelector('input[name="neighbourhood"]'));
  if (place && place.value.trim()) out.neighbourhood = place.value.trim();
  const consent = /** @type {HTMLInputElement | null} */ (from.querySelector('input[name="consent"]:checked'));
  if (consent) out.consent = consent.value === 'yes';
  return out;
}

/**
 * A problem with the name is said next to the name field; the whole group gets the focus (read out with
 * the message), rather than the field itself, so that a phone's keyboard does not hide the pictures.
 * @param {string} key
 */
function aliasProblem(key) {
  if (!aliasError || !alias) return;
  showError(aliasError, key, alias);
  aliasGroup?.focus({ preventScroll: true });
  aliasGroup?.scrollIntoView({ block: 'start', behavior: 'smooth' });
}

form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!alias || !error || !aliasError) return;
  hideError(error);
  hideError(aliasError, alias);
  const name = alias.value.trim();
  if (!name) {
    aliasProblem('join.error.alias_required');
    return;
  }
  const picked = /** @type {HTMLInputElement | null} */ (form.querySelector('input[name="colour"]:checked'));
  /** @type {Record<string, string | boolean>} */
  const payload = form.dataset.token
    ? { token: form.dataset.token, alias: name, ...profile(form) }
    : { code: form.dataset.code || '', alias: name, ...profile(form) };
  if (picked) payload.colour = picked.value;
  const submit = document.getElementById('join-submit');
  submit?.setAttribute('disabled', '');
  submit?.setAttribute('aria-busy', 'true');
  const { status, body } = await postJson('/api/join', payload);
  if (status === 201 && Array.isArray(body?.boards) && body.boards.length) {
    const board = body.boards.find((/** @type {{kind: string}} */ b) => b.kind === 'exploration') || body.boards[0];
    window.location.assign(`/boards/${encodeURIComponent(board.id)}`);
    return;
  }
  submit?.removeAttribute('disabled');
  submit?.removeAttribute('aria-busy');
  if (status === 0) {
    showError(error, 'common.error.network');
    return;
  }
  let key = ERRORS[body?.error] || 'common.error.failed';
  if (body?.error === 'invalid_request' && /alias/.test(body?.message || '')) key = 'join.error.alias_invalid';
  if (body?.error === 'invalid_request' && /neighbourhood/.test(body?.message || '')) {
    key = 'join.error.profile_invalid';
  }
  if (key === 'join.error.alias_required' || key === 'join.error.alias_invalid') aliasProblem(key);
  else {
    if (key === 'join.error.profile_invalid') document.getElementById('profile-details')?.setAttribute('open', '');
    showError(error, key);
  }
});

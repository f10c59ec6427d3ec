// @ts-check
/** The landing page: the join-code field, and creating a workshop (then its facilitator page). */
import { enhanceCodeFields } from './code-field.js';
import { hideError, postJson, showError } from './feedback.js';
import '../core/textlimit.js'; // fields with data-max-chars count characters as the server does

enhanceCodeFields();

const form = /** @type {HTMLFormElement | null} */ (document.getElementById('create-form'));
const error = document.getElementById('create-error');

form?.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (!error) return;
  const title = /** @type {HTMLInputElement} */ (form.elements.namedItem('title'));
  const neighbourhood = /** @type {HTMLInputElement} */ (form.elements.namedItem('neighbourhood'));
  const date = /** @type {HTMLInputElement} */ (form.elements.namedItem('date'));
  hideError(error, title);
  if (!title.value.trim()) {
    showError(error, 'landing.error.title_required', title);
    title.focus();
    return;
  }
  /** @type {Record<string, string>} */
  const payload = { title: title.value.trim() };
  if (neighbourhood.value.trim()) payload.neighbourhood = neighbourhood.value.trim();
  if (date.value) payload.date = date.value;
  const submit = form.querySelector('button[type="submit"]');
  submit?.setAttribute('disabled', '');
  submit?.setAttribute('aria-busy', 'true');
  const { status, body } = await postJson('/api/workshops', payload);
  if (status === 201 && body?.workshop?.id) {
    // The session cookie (HttpOnly) came with the answer: the facilitator page knows who we are.
    window.location.assign(`/workshops/${encodeURIComponent(body.workshop.id)}`);
    return;
  }
  submit?.removeAttribute('disabled');
  submit?.removeAttribute('aria-busy');
  if (status === 0) showError(error, 'common.error.network');
  else if (status === 429) {
    // The creation allowance (fresque.ratelimit.CreationLimiter): this address's, or the whole server's
    const key = body?.error === 'too_many_workshops' ? 'landing.error.too_many_workshops' : 'landing.error.server_busy';
    showError(error, key);
  } else if (body?.error === 'text_required' || /title/.test(body?.message || '')) {
    showError(error, 'landing.error.title_required', title);
    title.focus();
  } else showError(error, 'common.error.failed');
});

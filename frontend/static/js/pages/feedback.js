// @ts-check
/** Messages shown to people (errors, statuses): always a translation key, so they follow the language. */
import { currentI18n } from './lang.js';

/**
 * Show `key`'s text in `region` (an aria-live / role="alert" element); mark `field` invalid if given.
 * @param {HTMLElement} region
 * @param {string} key
 * @param {HTMLElement | null} [field]
 */
export function showError(region, key, field) {
  region.replaceChildren();
  const span = document.createElement('span');
  span.setAttribute('data-i18n', key);
  span.textContent = currentI18n().t(key);
  region.append(span);
  region.hidden = false;
  if (field) field.setAttribute('aria-invalid', 'true');
}

/**
 * @param {HTMLElement} region
 * @param {HTMLElement | null} [field]
 */
export function hideError(region, field) {
  region.hidden = true;
  region.replaceChildren();
  if (field) field.removeAttribute('aria-invalid');
}

/**
 * POST JSON; resolves to `{status, body}`, or `{status: 0}` when the server cannot be reached.
 * @param {string} url
 * @param {unknown} payload
 * @returns {Promise<{status: number, body: any}>}
 */
export async function postJson(url, payload) {
  let response;
  try {
    response = await fetch(url, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify(payload),
    });
  } catch {
    return { status: 0, body: null };
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return { status: response.status, body };
}

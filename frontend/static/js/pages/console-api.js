// @ts-check
/**
 * The facilitator console's calls to the JSON API: the HttpOnly session cookie (same origin) with the page's
 * CSRF token (`<meta name="fresque-csrf">`) as `X-Fresque-CSRF` on writes; the server also checks the Origin.
 * And the console's status lines: a translation key (with its variables), so they follow the language.
 */
import { currentI18n } from './lang.js';

const csrf = document.querySelector('meta[name="fresque-csrf"]')?.getAttribute('content') || '';

/**
 * @param {'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'} method
 * @param {string} path
 * @param {unknown} [body]
 * @returns {Promise<{status: number, body: any}>} status 0 when the server cannot be reached
 */
export async function call(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') headers['X-Fresque-CSRF'] = csrf;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    const response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let answer = null;
    if (response.status !== 204) {
      try {
        answer = await response.json();
      } catch {
        answer = null;
      }
    }
    return { status: response.status, body: answer };
  } catch {
    return { status: 0, body: null };
  }
}

/**
 * Say `key` (with `vars`) in a live region; the words are text only, re-translated on a language switch.
 * @param {HTMLElement | null} region
 * @param {string} key
 * @param {Record<string, string>} [vars]
 */
export function say(region, key, vars) {
  if (!region) return;
  region.replaceChildren();
  const span = document.createElement('span');
  span.setAttribute('data-i18n', key);
  if (vars) span.setAttribute('data-i18n-vars', JSON.stringify(vars));
  span.textContent = currentI18n().t(key, vars);
  region.append(span);
}

/**
 * The usual words for a failed call: the session is gone (401), not allowed (403), or anything else.
 * @param {number} status
 */
export function failure(status) {
  if (status === 401) return 'facilitator.done.session_lost';
  if (status === 403) return 'facilitator.done.not_allowed';
  return 'facilitator.done.failed';
}

/**
 * An element with translated text (and its key, so a language switch re-translates it).
 * @param {string} tag
 * @param {string} className
 * @param {string} key
 * @param {Record<string, string>} [vars]
 */
export function translated(tag, className, key, vars) {
  const element = document.createElement(tag);
  if (className) element.className = className;
  element.setAttribute('data-i18n', key);
  if (vars) element.setAttribute('data-i18n-vars', JSON.stringify(vars));
  element.textContent = currentI18n().t(key, vars);
  return element;
}

/**
 * "10 h 42" in French, the language's own way otherwise (Latin digits, as the rest of the page).
 * @param {string} iso
 */
export function clock(iso) {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return '';
  const { lang } = currentI18n();
  if (lang === 'fr') return `${at.getHours()}\u00a0h\u00a0${String(at.getMinutes()).padStart(2, '0')}`;
  try {
    return new Intl.DateTimeFormat(`${lang}-u-nu-latn`, { hour: 'numeric', minute: '2-digit' }).format(at);
  } catch {
    return at.toTimeString().slice(0, 5);
  }
}

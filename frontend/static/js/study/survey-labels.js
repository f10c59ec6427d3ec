// @ts-check
/**
 * Questions and answers drawn by the server (`data-labels` holds their labels in every language): re-labelled
 * in place when the page's language changes (js/pages/lang.js's `fresque:lang`), as `data-i18n` texts are.
 */
import { labelOf } from './survey-common.js';

/** @param {string} lang */
export function relabel(lang) {
  document.querySelectorAll('[data-labels]').forEach((el) => {
    try {
      el.textContent = labelOf(JSON.parse(el.getAttribute('data-labels') || '{}'), lang);
    } catch {
      /* keep the server's words */
    }
  });
}

document.addEventListener('fresque:lang', (event) => {
  relabel(/** @type {CustomEvent<{lang: string}>} */ (event).detail.lang);
});

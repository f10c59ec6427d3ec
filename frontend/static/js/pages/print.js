// @ts-check
/**
 * The printable pages (print_fiche.html, print_timeline.html): the « Imprimer » button opens the browser's
 * print dialog; a change of language reloads the page in that language, since most of its words (lanes,
 * organisations, months) are written by the server.
 */

for (const button of document.querySelectorAll('[data-print]')) {
  button.addEventListener('click', () => window.print());
}

document.addEventListener('fresque:lang', (event) => {
  const lang = /** @type {CustomEvent<{lang: string}>} */ (event).detail?.lang;
  if (!lang) return;
  const url = new URL(window.location.href);
  if (url.searchParams.get('lang') === lang) return;
  url.searchParams.set('lang', lang);
  window.location.replace(url.toString());
});

// @ts-check
/**
 * The diagnostic page (study/diagnostic.html). The charts are drawn by the server in the page's language
 * and direction, so a language switch (lang.js, in place) reloads the page instead of translating it;
 * « Imprimer » opens every data table first, so that paper gets the figures beside each chart.
 * The filters are a plain GET form: nothing to do for them here.
 */

function openTables() {
  document.querySelectorAll('details.dx-data').forEach((details) => {
    details.setAttribute('open', '');
  });
}

document.addEventListener('fresque:lang', () => {
  window.location.reload();
});

window.addEventListener('beforeprint', openTables);

const printButton = /** @type {HTMLButtonElement | null} */ (document.querySelector('.dx-print'));
if (printButton) {
  printButton.hidden = false;
  printButton.addEventListener('click', () => {
    openTables();
    window.print();
  });
}

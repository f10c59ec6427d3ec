// @ts-check
/**
 * The board page's header on a narrow screen: the three languages hang behind one button (a globe and this
 * language's short name), so the row keeps room for the tools. Opening and closing only; choosing a language
 * is the switcher's own (js/pages/lang.js).
 */

/**
 * @param {HTMLElement | null} toggle the page's #lang-toggle
 * @param {HTMLElement | null} switcher the page's .lang-switcher
 */
export function langMenu(toggle, switcher) {
  if (!toggle || !switcher) return;
  switcher.id ||= 'lang-switcher';
  toggle.setAttribute('aria-controls', switcher.id);
  const set = (/** @type {boolean} */ open) => {
    switcher.classList.toggle('open', open);
    toggle.setAttribute('aria-expanded', String(open));
  };
  toggle.addEventListener('click', () => {
    const open = !switcher.classList.contains('open');
    set(open);
    if (open) /** @type {HTMLElement | null} */ (switcher.querySelector('[aria-pressed="true"]'))?.focus();
  });
  // a language chosen, a touch elsewhere or Escape: the menu folds
  switcher.addEventListener('click', () => set(false));
  document.addEventListener('pointerdown', (e) => {
    if (e.target instanceof Node && !switcher.contains(e.target) && !toggle.contains(e.target)) set(false);
  }, { capture: true });
  switcher.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      set(false);
      toggle.focus();
    }
  });
}

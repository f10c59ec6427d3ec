// @ts-check
/**
 * A row of controls that never hides one off-screen: what does not fit goes, last first, into a « Plus »
 * menu at the row's end (the "priority+" pattern of Miro's and Klaxoon's toolbars). The row is measured,
 * not guessed, so it holds in every language and at every width; the page calls `fit()` again when the row
 * is redrawn, and a ResizeObserver does when the screen changes. The controls themselves move (their
 * listeners and names go with them), so a click in the menu is the same click as in the row.
 *
 * Used by the facilitator's bar (facilitation.js); a pure DOM shell, no state of the board.
 */
import { h } from './dom.js';

export class OverflowRow {
  /**
   * @param {object} o
   * @param {HTMLElement} o.host the bar: where the menu hangs (outside the row, which clips what overflows)
   * @param {() => string} o.label the « Plus » button's words, in the page's language
   * @param {string} o.id the menu's id (the button's aria-controls)
   */
  constructor({ host, label, id }) {
    this.host = host;
    /** @type {HTMLElement | null} the row of controls drawn last */
    this.row = null;
    /** @type {Element[]} */
    this.movable = [];
    this.recheck = false;
    this.label = label;
    this.open = false;
    this.menu = h('div', { class: 'more-menu', attrs: { id, role: 'group' } });
    this.menu.hidden = true;
    this.button = h('button', {
      class: 'fac-button more-button',
      attrs: { type: 'button', 'aria-expanded': 'false', 'aria-controls': id },
      on: { click: () => this.setOpen(!this.open) },
    }, [h('span', { class: 'more-label' }), h('span', { class: 'more-caret', attrs: { 'aria-hidden': 'true' } })]);
    /** @type {{el: Element, parent: Element, next: Node | null}[]} where each moved control came from */
    this.moved = [];
    document.addEventListener('pointerdown', (e) => {
      if (this.open && e.target instanceof Node && !this.menu.contains(e.target) && !this.button.contains(e.target)) {
        this.setOpen(false);
      }
    }, { capture: true });
    host.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.open) {
        this.setOpen(false);
        this.button.focus();
      }
    });
    if (typeof ResizeObserver === 'function') {
      let width = -1;
      new ResizeObserver(() => {
        if (this.host.clientWidth !== width) {
          width = this.host.clientWidth;
          this.fit();
        }
      }).observe(this.host);
    }
  }

  /** @param {boolean} open */
  setOpen(open) {
    this.open = open && this.moved.length > 0;
    this.menu.hidden = !this.open;
    this.button.setAttribute('aria-expanded', String(this.open));
  }

  /**
   * The row was (re)drawn or resized: put every control back, then move the last ones into the menu until the
   * row fits. `movable` lists the controls that may go, in the order they go (the last of the row first).
   * @param {HTMLElement} [drawn] a newly drawn row @param {Element[]} [movable]
   */
  fit(drawn, movable) {
    if (drawn) {
      this.row = drawn;
      this.moved = []; // a new row: nothing of it is in the menu yet
      this.menu.replaceChildren();
    }
    if (movable) this.movable = movable;
    const row = this.row;
    if (!row || !row.isConnected) return;
    /** @type {HTMLElement} */ (this.button.querySelector('.more-label')).textContent = this.label();
    if (!row.contains(this.button)) row.append(this.button);
    if (!this.host.contains(this.menu)) this.host.append(this.menu);
    // every control in its widest form, the last ones moving to the menu until the row fits; if even the
    // first ones do not fit, the row's narrow form (board.css: a wall screen's phase chips become the
    // drop-down) and again
    let queue = this.spill(row, false);
    if (this.overflows()) queue = this.spill(row, true);
    // a group left empty in the row takes no room (its separator goes with it)
    for (const group of row.querySelectorAll('.fac-group')) {
      /** @type {HTMLElement} */ (group).hidden = group.childElementCount === 0;
    }
    this.button.hidden = this.moved.length === 0;
    if (!this.moved.length) this.setOpen(false);
    else this.setOpen(this.open);
    // what the row holds may still settle (a drop-down sizing to its options): look again after the frame
    if (typeof requestAnimationFrame === 'function' && !this.recheck) {
      this.recheck = true;
      requestAnimationFrame(() => {
        this.recheck = false;
        if (this.overflows() && queue.length) this.fit();
      });
    }
  }

  /**
   * Put back what the menu holds, then move the row's controls into it, last first, until the row fits.
   * @param {HTMLElement} row @param {boolean} narrow
   * @returns {Element[]} the controls that could still move
   */
  spill(row, narrow) {
    for (const { el, parent, next } of this.moved.reverse()) {
      parent.insertBefore(el, next && next.parentNode === parent ? next : null);
    }
    this.moved = [];
    for (const group of row.querySelectorAll('.fac-group')) /** @type {HTMLElement} */ (group).hidden = false;
    this.button.hidden = false;
    row.classList.toggle('narrow', narrow);
    const queue = this.movable.filter((el) => row.contains(el));
    while (this.overflows() && queue.length) {
      const el = /** @type {Element} */ (queue.shift());
      this.moved.push({ el, parent: /** @type {Element} */ (el.parentElement), next: el.nextSibling });
      this.menu.prepend(el);
    }
    return queue;
  }

  /** The row, or a group squeezed inside it (its controls would overlap), is wider than its box. */
  overflows() {
    const row = /** @type {HTMLElement} */ (this.row);
    if (row.scrollWidth > row.clientWidth + 1) return true;
    return [...row.children].some((el) => el.scrollWidth > el.clientWidth + 1);
  }
}

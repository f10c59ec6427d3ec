// @ts-check
/**
 * The palette of activity pictograms, at the bottom edge (reachable from a wheelchair or by a child at a wall
 * screen): categories as tabs, big pictures with short labels, a speaker to hear each label. A pictogram is
 * placed by dragging it onto the board, or by tapping it then tapping a cell (tap-tap), or with the keyboard
 * (Enter on the pictogram, then Enter on a cell). The workshop's own pictures (`custom:<id>`) come first, in
 * « Nos images », and again in their category; they are placed like the others.
 */
import { softHyphens } from '../core/hyphen.js';
import { OURS } from './catalogue.js';
import { h, picture } from './dom.js';
import { canSpeak, speak } from './speech.js';

const DRAG_SLOP_PX = 10;

export class Palette {
  /**
   * @param {object} o
   * @param {HTMLElement} o.root
   * @param {import('./catalogue.js').Catalogue} o.catalogue
   * @param {() => {t: import('../core/i18n.js').Translate, lang: string}} o.i18n
   * @param {(entryId: string, byKeyboard: boolean) => void} o.arm tap: the next tapped cell receives this pictogram
   * @param {(entryId: string, clientX: number, clientY: number) => boolean} o.drop dragged out and let go
   */
  constructor({ root, catalogue, i18n, arm, drop }) {
    this.root = root;
    this.catalogue = catalogue;
    this.i18n = i18n;
    this.arm = arm;
    this.drop = drop;
    this.category = catalogue.custom.length ? OURS : catalogue.categories[0]?.id ?? '';
    /** @type {string | null} */
    this.armed = null;
    this.tabs = h('div', { class: 'palette-tabs', attrs: { role: 'tablist' } });
    this.list = h('div', { class: 'palette-list', attrs: { role: 'tabpanel' } });
    this.root.replaceChildren(this.tabs, this.list);
    catalogue.onChange(() => {
      const shown = this.catalogue.paletteCategories('').map((c) => c.id);
      if (!shown.includes(this.category)) this.category = shown[0] ?? '';
      this.render();
    });
    this.render();
  }

  render() {
    const { t, lang } = this.i18n();
    this.tabs.setAttribute('aria-label', t('board.palette.categories'));
    this.tabs.replaceChildren(
      ...this.catalogue.paletteCategories(t('board.palette.ours')).map((c) => {
        const first = this.catalogue.activitiesOf(c.id)[0];
        return h(
          'button',
          {
            class: 'palette-tab',
            attrs: { role: 'tab', 'aria-selected': String(c.id === this.category), type: 'button' },
            on: { click: () => { this.category = c.id; this.render(); } },
          },
          [
            first ? picture(first.thumb_url ?? first.picture_url) : null,
            h('span', { text: c.id === OURS ? t('board.palette.ours') : this.catalogue.label(c, lang) }),
          ],
        );
      }),
    );
    // a wide screen's tabs are pictures: the list says the chosen category's name above its pictures (board.css)
    const chosen = this.catalogue.paletteCategories('').find((c) => c.id === this.category);
    // (soft hyphens: a long word of it breaks at a syllable in a phone's narrow column, « forma-tion »)
    this.list.dataset.category = softHyphens(this.category === OURS ? t('board.palette.ours') : chosen ? this.catalogue.label(chosen, lang) : '', lang);
    const speakable = canSpeak(lang);
    this.list.replaceChildren(
      ...this.catalogue.activitiesOf(this.category).map((entry) => {
        const label = this.catalogue.label(entry, lang);
        const button = h(
          'button',
          {
            class: `pictogram${this.armed === entry.id ? ' armed' : ''}${entry.custom ? ' custom' : ''}`,
            attrs: { type: 'button', 'aria-pressed': String(this.armed === entry.id), 'aria-label': label },
            dataset: { entry: entry.id },
          },
          // a long word breaks at a syllable, with a hyphen, inside its tile (the button's name stays plain)
          [picture(entry.thumb_url ?? entry.picture_url), h('span', { class: 'label', text: softHyphens(label, lang), attrs: { dir: 'auto' } })],
        );
        this.dragSource(button, entry.id, entry.thumb_url ?? entry.picture_url);
        const say = speakable
          ? h(
              'button',
              {
                class: 'speak',
                attrs: { type: 'button', 'aria-label': t('board.read_aloud', { label }) },
                on: { click: () => speak(label, lang) },
              },
              [picture(this.catalogue.icon('speak'))],
            )
          : null;
        return h('div', { class: 'palette-entry' }, [button, say]);
      }),
    );
  }

  /** @param {string | null} entryId */
  setArmed(entryId) {
    this.armed = entryId;
    for (const b of this.list.querySelectorAll('.pictogram')) {
      const on = /** @type {HTMLElement} */ (b).dataset.entry === entryId;
      b.classList.toggle('armed', on);
      b.setAttribute('aria-pressed', String(on));
    }
  }

  /**
   * Pointer drag from the palette onto the board; a press that does not move is a tap (arm).
   * @param {HTMLElement} button
   * @param {string} entryId
   * @param {string} src
   */
  dragSource(button, entryId, src) {
    /** @type {{id: number, sx: number, sy: number, ghost: HTMLElement | null} | null} */
    let drag = null;
    let justDragged = false; // the browser still sends a click after a drag that ends on the same button
    button.addEventListener('pointerdown', (e) => {
      if (e.pointerType === 'mouse' && e.button !== 0) return;
      drag = { id: e.pointerId, sx: e.clientX, sy: e.clientY, ghost: null };
      button.setPointerCapture(e.pointerId);
    });
    button.addEventListener('pointermove', (e) => {
      if (!drag || drag.id !== e.pointerId) return;
      if (!drag.ghost && Math.hypot(e.clientX - drag.sx, e.clientY - drag.sy) > DRAG_SLOP_PX) {
        drag.ghost = h('div', { class: 'palette-ghost', attrs: { 'aria-hidden': 'true' } }, [picture(src)]);
        document.body.append(drag.ghost);
      }
      if (drag.ghost) drag.ghost.style.transform = `translate(${e.clientX}px, ${e.clientY}px)`;
    });
    const end = (/** @type {PointerEvent} */ e, /** @type {boolean} */ cancelled) => {
      if (!drag || drag.id !== e.pointerId) return;
      const wasDrag = Boolean(drag.ghost);
      drag.ghost?.remove();
      drag = null;
      if (cancelled || !wasDrag) return;
      justDragged = true;
      this.drop(entryId, e.clientX, e.clientY);
    };
    // Once it is a drag, the browser must not make a fling of it: a fling swallows the next tap on the
    // page (see BoardInput). The touch events follow the finger's first target: this button.
    button.addEventListener('touchmove', (e) => {
      if (drag?.ghost && e.cancelable) e.preventDefault();
    }, { passive: false });
    button.addEventListener('pointerup', (e) => end(e, false));
    button.addEventListener('pointercancel', (e) => end(e, true));
    // A tap, or Enter / Space on the focused pictogram, arms it (click fires for both, not after a drag).
    button.addEventListener('click', (e) => {
      if (justDragged) {
        justDragged = false;
        return;
      }
      this.arm(entryId, e.detail === 0); // detail 0: Enter or Space, not a pointer
    });
  }
}

// @ts-check
/**
 * Traceability: the actions (on the action fresco) that answer a resident's solution, counted on its card's
 * badge « → 2 actions » and listed in a sheet (`GET /api/boards/{id}/answers`, asked again each minute: they
 * change on another board); and `?item=<id>` (the fiche's « Voir sur la fresque »): the board opens centred on
 * that card, lit up for a few seconds.
 */
import { answersByItem } from './answers.js';

const ANSWERS_EVERY_MS = 60_000; // the actions answering solutions change on another board: asked again each minute
const FLASH_MS = 4000; // how long a card shown by ?item= stays lit up

export class Traceability {
  /** @param {import('./page.js').BoardPage} page */
  constructor(page) {
    this.page = page;
    /** @type {string | null} the card whose « → 2 actions » badge the last press began on */
    this.badgeDown = null;
    this.answersSeen = '';
    /** @type {string | null} ?item=<id>: the card to show once the board is here (the fiche's « Voir sur la fresque ») */
    this.wanted = new URLSearchParams(location.search).get('item');
    page.camera.element.addEventListener('pointerdown', (e) => {
      const badge = /** @type {Element} */ (e.target).closest('.answers-badge');
      this.badgeDown = badge instanceof HTMLElement ? badge.dataset.answers ?? null : null;
    }, { capture: true });
  }

  /** Ask for the answers now and every minute. */
  poll() {
    this.load();
    setInterval(() => this.load(), ANSWERS_EVERY_MS);
  }

  async load() {
    const { page } = this;
    try {
      const res = await fetch(`/api/boards/${encodeURIComponent(page.boot.board.id)}/answers`, { credentials: 'same-origin' });
      if (!res.ok) return;
      const data = await res.json();
      // in a study, the partners' actions are only counted (`elsewhere`): they count on the badge too
      const text = JSON.stringify([data.answers, data.elsewhere]);
      if (text === this.answersSeen) return;
      this.answersSeen = text;
      page.renderer.answers = answersByItem(data.answers, data.elsewhere);
      page.renderer.repaint();
      if (page.ui.selected) page.bar.render();
    } catch {
      // offline: the badges stay as they were until the next try
    }
  }

  /** The sheet listing the actions that answer a card. @param {string} id */
  show(id) {
    const { store, renderer, catalogue } = this.page;
    const item = store.view().items.get(id);
    const answers = renderer.answers.get(id) ?? [];
    if (!item || !answers.length) return;
    const about = [catalogue.label(catalogue.get(item.ref), this.page.i18n().lang), item.text].filter(Boolean).join(' — ');
    this.page.sheet.showAnswers(about, answers);
  }

  /** Centre the view on the wanted card and light it up for a few seconds. @param {boolean} last no later chance */
  showWanted(last) {
    const { page } = this;
    const { ui, renderer } = page;
    if (!this.wanted) return;
    const item = page.store.view().items.get(this.wanted);
    if (!item) {
      if (last) { page.toasts.show(page.i18n().t('board.answers.item_gone')); this.wanted = null; }
      return;
    }
    const id = this.wanted;
    this.wanted = null;
    page.camera.centre(renderer.position(item));
    ui.flash = id;
    renderer.repaint();
    setTimeout(() => { if (ui.flash === id) { ui.flash = null; renderer.repaint(); } }, FLASH_MS);
  }
}

// @ts-check
/**
 * Keyboard: everything a finger does, a keyboard does too. Ctrl+Z (⌘Z) undoes; Escape lets go of everything;
 * Enter or Space on a box places or moves what waits for one, on a card taps it; Delete removes one's own card;
 * the arrows move a card (an activity box to box). Not while typing in a field or a sheet is open.
 */
import { updateItem } from '../core/protocol.js';
import { act, doUndo, mayMove, remove } from './acting.js';
import { arrowInCells, disarm, intoCell } from './placing.js';
import { tapItem } from './taps.js';

const KEY_STEP = 20;

/** @param {import('./page.js').BoardPage} page */
export function listenToKeys(page) {
  const { ui, store } = page;
  document.addEventListener('keydown', (e) => {
    const target = /** @type {HTMLElement} */ (e.target);
    if (target.closest('dialog, input, textarea')) return;
    if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'z') {
      e.preventDefault();
      doUndo(page);
      return;
    }
    if (e.key === 'Escape') {
      disarm(page);
      ui.linking = null;
      page.bar.select(null);
      return;
    }
    const cellEl = target.closest('.cell');
    if (cellEl instanceof HTMLElement && (e.key === 'Enter' || e.key === ' ')) {
      e.preventDefault();
      intoCell(page, { day: String(cellEl.dataset.day), slot: String(cellEl.dataset.slot) });
      return;
    }
    const itemEl = target.closest('.item');
    if (!(itemEl instanceof HTMLElement) || !itemEl.dataset.id) return;
    const id = itemEl.dataset.id;
    const item = store.view().items.get(id);
    if (!item) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      tapItem(page, id);
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      if (mayMove(page, item)) remove(page, id);
    } else if (e.key.startsWith('Arrow')) {
      e.preventDefault();
      const dx = e.key === 'ArrowLeft' ? -KEY_STEP : e.key === 'ArrowRight' ? KEY_STEP : 0;
      const dy = e.key === 'ArrowUp' ? -KEY_STEP : e.key === 'ArrowDown' ? KEY_STEP : 0;
      /** @type {any} */
      const set = { x: item.x + dx, y: item.y + dy };
      if (item.kind === 'activity') Object.assign(set, arrowInCells(item, dx, dy));
      const ops = [updateItem(id, set)];
      if (!mayMove(page, item)) {
        // Someone else's card stays put, without a « not yours » at each key press (as a finger does not pick
        // it up); a paused board or a closed phase holds for every card, and is still said.
        const closed = page.facilitation.refusal(ops, () => true);
        if (closed) page.toasts.show(closed);
        return;
      }
      act(page, ops);
    }
  });
}

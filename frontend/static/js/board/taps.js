// @ts-check
/**
 * What a finger, a pen or the mouse does on the board (the gestures themselves: input.js): a tap on a card
 * votes, ties or selects it; a card dragged is drawn under the finger, shown live to the others and set down
 * on release; a tap on a box places or moves what waits for one; a tap on a thread selects it; a tap on empty
 * space lets go of everything.
 */
import { presenceMessage } from '../core/protocol.js';
import { BoardInput } from './input.js';
import { mayMove, vote } from './acting.js';
import { dropItem, intoCell } from './placing.js';
import { tieTo } from './threads.js';

/** @param {import('./page.js').BoardPage} page */
export function listenToPointers(page) {
  const { store, renderer, ui, camera } = page;
  const send = (/** @type {any} */ msg) => page.presence.send(msg);
  new BoardInput({
    element: camera.element,
    view: camera.view,
    on: {
      itemPosition: (id) => {
        const item = store.view().items.get(id);
        return item ? renderer.position(item) : null;
      },
      canDrag: (id) => {
        const item = store.view().items.get(id);
        return Boolean(item && mayMove(page, item)); // someone else's card is never picked up: a tap only reads it
      },
      itemTap: (id, el) => {
        el.focus({ preventScroll: true });
        const { answers } = page;
        if (answers.badgeDown === id) { answers.badgeDown = null; answers.show(id); return; } // « → 2 actions » on the card
        tapItem(page, id);
      },
      itemDrag: (id, x, y) => {
        renderer.local.set(id, { x, y });
        renderer.schedule();
        send(presenceMessage({ drag: { item: id, x, y } }));
      },
      itemDrop: (id, x, y) => {
        renderer.local.delete(id);
        if (!store.view().items.has(id)) return;
        dropItem(page, id, x, y);
        send(presenceMessage({ drag: null }));
      },
      itemDragCancel: (id) => {
        renderer.local.delete(id);
        renderer.schedule();
        send(presenceMessage({ drag: null }));
      },
      cellTap: (cell) => {
        if (!intoCell(page, cell)) page.bar.select(null);
      },
      threadTap: (threadId) => page.bar.selectThread(threadId),
      emptyTap: () => {
        ui.linking = null;
        if (ui.moving) {
          ui.moving = null;
          renderer.schedule();
        }
        page.bar.select(null);
      },
      viewChanged: () => camera.apply(),
      cursor: (x, y) => send(presenceMessage({ cursor: { x, y } })),
    },
  });
}

/**
 * A tap on a card (or Enter on it): vote, tie, or select.
 * @param {import('./page.js').BoardPage} page @param {string} id
 */
export function tapItem(page, id) {
  const { ui, store } = page;
  if (page.facilitation.tap(id)) return; // "merge with…" was waiting for this card
  const item = store.view().items.get(id);
  if (ui.voting && item?.kind === 'solution') {
    vote(page, id, 1);
    if (ui.selected !== id) page.bar.select(id);
    return;
  }
  if (ui.linking && item && ui.linking !== id) tieTo(page, item); // "Relier" then a card
  page.bar.select(ui.selected === id ? null : id);
}

// @ts-check
/**
 * Where a card lands. A pictogram from the palette goes into a box of the week (armed then a box tapped, or
 * dragged out of the palette and let go), next to the cards already there; an activity is always whole inside
 * one box, never across Matin and Après-midi, whether dropped, moved by « Déplacer » then a box, or pushed by
 * the arrow keys; a new note goes in the middle of what the screen shows, past the cards in the way.
 */
import { createItem, newId, updateItem } from '../core/protocol.js';
import { cellRect, itemSize, placementNear, slotPosition, snapToCell } from '../core/geometry.js';
import { act } from './acting.js';

/** @typedef {{day: string, slot: string}} Cell */

/**
 * The place of the next card in a box: after the ones already there.
 * @param {import('./page.js').BoardPage} page @param {Cell} cell @param {string | null} except
 */
function nextSlot(page, cell, except) {
  let n = 0;
  for (const item of page.store.view().items.values()) {
    if (item.id !== except && item.cell && item.cell.day === cell.day && item.cell.slot === cell.slot) n += 1;
  }
  return slotPosition(cell, n);
}

/** @param {import('./page.js').BoardPage} page @param {string} ref @param {Cell} cell */
function placeInCell(page, ref, cell) {
  const pos = nextSlot(page, cell, null);
  const id = newId('act');
  act(page, [createItem({ id, kind: 'activity', x: pos.x, y: pos.y, ref, cell })]);
  announce(page, 'board.placed', ref);
}

/** @param {import('./page.js').BoardPage} page @param {string} ref @param {number} wx @param {number} wy world point under the finger */
function placeAt(page, ref, wx, wy) {
  const s = itemSize('activity');
  // inside the box it was dropped in, whole: never across Matin and Après-midi
  const { x, y, cell } = snapToCell({ x: wx - s.w / 2, y: wy - s.h / 2, ...s });
  const id = newId('act');
  act(page, [createItem({ id, kind: 'activity', x, y, ref, cell: cell ?? undefined })]);
  announce(page, 'board.placed', ref);
}

/** @param {import('./page.js').BoardPage} page @param {string} key @param {string} ref */
function announce(page, key, ref) {
  const i18n = page.i18n();
  page.say(i18n.t(key, { label: page.catalogue.label(page.catalogue.get(ref), i18n.lang) }));
}

/** Every card's rectangle: what a new card keeps clear of. @param {import('./page.js').BoardPage} page */
export function occupied(page) {
  return [...page.store.view().items.values()].map((it) => {
    const s = itemSize(it.kind);
    return { x: it.x, y: it.y, w: it.w ?? s.w, h: it.h ?? s.h };
  });
}

/** @param {import('./page.js').BoardPage} page @param {string} id @param {Cell} cell */
function moveToCell(page, id, cell) {
  const item = page.store.view().items.get(id);
  if (!item) return;
  const pos = nextSlot(page, cell, id);
  /** @type {any} */
  const set = { x: pos.x, y: pos.y };
  if (item.kind === 'activity') set.cell = cell;
  act(page, [updateItem(id, set)]);
}

/**
 * A box of the week tapped, or Enter on it: the card waiting for « Déplacer » goes there, or the armed
 * pictogram (one copy per arming: a later tap on the board must not place another).
 * @param {import('./page.js').BoardPage} page @param {Cell} cell
 * @returns {boolean} whether something was waiting for a box
 */
export function intoCell(page, cell) {
  const { ui } = page;
  if (ui.moving) {
    moveToCell(page, ui.moving, cell);
    ui.moving = null;
    page.renderer.schedule();
  } else if (ui.armed) {
    placeInCell(page, ui.armed, cell);
    disarm(page);
    page.renderer.schedule();
  } else {
    return false;
  }
  return true;
}

/**
 * A card let go after a drag, at world (x, y): an activity lands whole inside the box under its centre.
 * @param {import('./page.js').BoardPage} page @param {string} id @param {number} x @param {number} y
 */
export function dropItem(page, id, x, y) {
  const item = page.store.view().items.get(id);
  if (!item) return;
  /** @type {any} */
  const set = { x, y };
  if (item.kind === 'activity') {
    // it lands whole inside the box under its centre
    const snapped = snapToCell({ x, y, ...itemSize(item.kind) });
    Object.assign(set, { x: snapped.x, y: snapped.y });
    if (!sameCell(snapped.cell, item.cell)) set.cell = snapped.cell;
  }
  act(page, [updateItem(id, set)]);
}

// -- the palette: a pictogram armed, or dragged out and let go ------------------------------------------------

/**
 * A pictogram tapped in the palette: the next box tapped receives it (tapped again: not any more).
 * @param {import('./page.js').BoardPage} page @param {string} entryId @param {boolean} byKeyboard
 */
export function arm(page, entryId, byKeyboard) {
  const { ui } = page;
  if (!ui.armed && page.table.gate(() => arm(page, entryId, byKeyboard))) return; // « Qui êtes-vous ? »
  ui.armed = ui.armed === entryId ? null : entryId;
  page.palette.setArmed(ui.armed);
  page.renderer.schedule();
  if (ui.armed) page.say(page.i18n().t('board.tap_a_cell'));
  if (ui.armed && byKeyboard) page.renderer.cells.get('mon/morning')?.focus(); // the week is next, not 14 tabs away
}

/** @param {import('./page.js').BoardPage} page */
export function disarm(page) {
  page.ui.armed = null;
  page.palette.setArmed(null);
}

/**
 * A pictogram dragged out of the palette and let go at (clientX, clientY).
 * @param {import('./page.js').BoardPage} page @param {string} entryId @param {number} clientX @param {number} clientY
 * @returns {boolean} whether it was let go over the board (else it goes back)
 */
export function dropEntry(page, entryId, clientX, clientY) {
  const r = page.camera.element.getBoundingClientRect();
  if (clientX < r.left || clientX > r.right || clientY < r.top || clientY > r.bottom) return false;
  const w = page.camera.view.toWorld(clientX - r.left, clientY - r.top);
  placeAt(page, entryId, w.x, w.y);
  return true;
}

// -- notes and keys -------------------------------------------------------------------------------------------

/** « Note »: words on a card, in the middle of what the screen shows. @param {import('./page.js').BoardPage} page */
export async function addNote(page) {
  const { camera } = page;
  if (page.table.gate(() => addNote(page))) return; // table mode: whose note, first
  const text = await page.sheet.askText(page.i18n().t('board.note.write'), '', true);
  if (!text) return;
  const r = camera.element.getBoundingClientRect();
  // centred in the part of the board not under the zoom buttons, moved down past the cards in the way
  const free = camera.zoomReserve();
  const centre = camera.view.toWorld((r.width - free.right) / 2, (r.height - free.bottom) / 2);
  const s = itemSize('note');
  const gap = 64; // placementNear's: it puts the card that far right of the rectangle given
  const pos = placementNear({ id: '', kind: 'note', x: centre.x - s.w / 2 - gap, y: centre.y - s.h / 2, w: 0, h: 0 }, 'note', occupied(page));
  act(page, [createItem({ id: newId('note'), kind: 'note', x: pos.x, y: pos.y, text })]);
  camera.reveal({ ...pos, ...s });
}

/**
 * An activity moved by an arrow key: it stays whole inside its box, and at the box's edge the next press
 * takes it into the next box (else it would be held at the edge for good).
 * @param {any} item @param {number} dx @param {number} dy
 * @returns {{x: number, y: number, cell?: {day: string, slot: string} | null}}
 */
export function arrowInCells(item, dx, dy) {
  const s = itemSize(item.kind);
  let snapped = snapToCell({ x: item.x + dx, y: item.y + dy, ...s });
  const box = item.cell?.slot ? cellRect(item.cell) : null;
  if (box && Math.abs(snapped.x - item.x) < 0.5 && Math.abs(snapped.y - item.y) < 0.5) {
    // held at the edge: put its centre just past it
    const x = dx > 0 ? box.x + box.w + 1 - s.w / 2 : dx < 0 ? box.x - 1 - s.w / 2 : item.x;
    const y = dy > 0 ? box.y + box.h + 1 - s.h / 2 : dy < 0 ? box.y - 1 - s.h / 2 : item.y;
    snapped = snapToCell({ x, y, ...s });
  }
  const out = { x: snapped.x, y: snapped.y };
  return sameCell(snapped.cell, item.cell) ? out : { ...out, cell: snapped.cell };
}

/**
 * @param {{day: string, slot?: string} | null | undefined} a
 * @param {{day: string, slot?: string} | null | undefined} b
 */
function sameCell(a, b) {
  if (!a || !b) return !a && !b;
  return a.day === b.day && (a.slot ?? null) === (b.slot ?? null);
}

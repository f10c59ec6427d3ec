// @ts-check
/**
 * Threads between cards. « Tirer le fil »: from an activity, a touch point or a difficulty, a new card (chosen
 * in the sheets) tied to it, hung under the week in its band (`geometry.bandPlacement`). « Relier »: a card,
 * then another, tied when that pair may be (`protocol.threadAllowed`, one way or the other) and is not yet.
 */
import { createItem, createThread, newId, threadAllowed } from '../core/protocol.js';
import { bandPlacement, itemSize } from '../core/geometry.js';
import { act } from './acting.js';
import { occupied } from './placing.js';

/**
 * Tirer le fil: a new card linked to `sourceId` by a thread.
 * @param {import('./page.js').BoardPage} page
 * @param {string} sourceId @param {'difficulty' | 'touchpoint' | 'solution'} kind
 */
export async function pull(page, sourceId, kind) {
  const { store, sheet, catalogue } = page;
  const t = page.i18n().t;
  const source = store.view().items.get(sourceId);
  if (!source || !threadAllowed(source.kind, kind)) return;
  if (page.table.gate(() => pull(page, sourceId, kind))) return; // table mode: « Qui êtes-vous ? » before the sheets, not after
  /** @type {any} */
  const fields = {};
  if (kind === 'difficulty') {
    const choice = await sheet.chooseEntry(t('board.pick.difficulty'), catalogue.byKind.difficulty);
    if (!choice) return;
    const severity = await sheet.chooseSeverity();
    if (!severity) return;
    const text = await sheet.askText(t('board.add_words'), '', false);
    if (text === null) return;
    Object.assign(fields, choice, { severity }, text ? { text } : {});
  } else if (kind === 'touchpoint') {
    const choice = await sheet.chooseEntry(t('board.pick.touchpoint'), catalogue.byKind.touchpoint);
    if (!choice) return;
    Object.assign(fields, choice);
  } else {
    const choice = await sheet.chooseEntry(t('board.pick.solution'), catalogue.byKind.solution, { allowText: true });
    if (!choice) return;
    Object.assign(fields, choice);
  }
  const now = store.view().items.get(sourceId);
  if (!now) return; // deleted by someone meanwhile
  const pos = bandPlacement(now, kind, occupied(page));
  const id = newId(kind.slice(0, 3));
  act(page, [createItem({ id, kind, x: pos.x, y: pos.y, ...fields }), createThread(newId('th'), sourceId, id)]);
  page.bar.select(id);
  page.camera.reveal({ ...pos, ...itemSize(kind) });
}

/**
 * « Relier » then a card: a thread between them, when that pair may be tied; else say it may not.
 * @param {import('./page.js').BoardPage} page @param {any} item the card tapped second
 */
export function tieTo(page, item) {
  const { ui, store } = page;
  const first = store.view().items.get(/** @type {string} */ (ui.linking));
  ui.linking = null;
  if (first && linkable(page, first, item)) {
    const [source, target] = threadAllowed(first.kind, item.kind) ? [first, item] : [item, first];
    act(page, [createThread(newId('th'), source.id, target.id)]);
  } else {
    page.toasts.show(page.i18n().t('board.link.not_allowed'));
  }
}

/**
 * Two cards may be tied by a thread, one way or the other, and are not tied yet.
 * @param {import('./page.js').BoardPage} page @param {any} a @param {any} b
 */
function linkable(page, a, b) {
  return (threadAllowed(a.kind, b.kind) || threadAllowed(b.kind, a.kind)) && !linked(page, a.id, b.id);
}

/** @param {import('./page.js').BoardPage} page @param {string} a @param {string} b */
function linked(page, a, b) {
  for (const th of page.store.view().threads.values()) {
    if ((th.source === a && th.target === b) || (th.source === b && th.target === a)) return true;
  }
  return false;
}

// @ts-check
/**
 * Every change a resident makes goes through `act`: refused at once when the phase, the lock or the card's
 * author says no (the server's rule, explained before sending), else applied at once on this screen, kept in
 * the browser's storage, sent to the server, and undoable. Here too the changes every card's bar and keys
 * make the same way: delete, vote, new words, undo.
 */
import { addVote, deleteItem, mayChange, removeVote, splitOps, updateItem } from '../core/protocol.js';

/**
 * @param {import('./page.js').BoardPage} page
 * @param {any[]} ops
 * @param {{undoable?: boolean, as?: string | null}} [options] as: made as a member of this table (table.js)
 */
export function act(page, ops, { undoable = true, as = page.table.actingFor(ops) } = {}) {
  const { store, table, facilitation, toasts, renderer, me } = page;
  if (!ops.length) return;
  // closed by the phase or the lock, or someone else's card: say so, send nothing
  const refused = facilitation.refusal(ops, (author) => author === me || author === as || table.members.has(author));
  if (refused) { toasts.show(refused); renderer.schedule(); return; }
  if (table.on && !as) { table.gate(() => act(page, ops, { undoable })); return; } // « Qui êtes-vous ? » first
  const before = store.view();
  const msg = store.submit(ops, { as });
  table.sent(msg);
  if (undoable) page.undo.record(ops, as ? { ...before, participant: as } : before, msg.op_id);
  page.keep.now(); // before it can be lost to a reload or a dead battery
  page.connection.sendDurable(msg);
}

/**
 * Whether this screen may move, edit or delete the item: the server's rule (one's own, a table member's, or
 * anything for a facilitator or co-facilitator); a read-only screen (projector, ended session) changes nothing.
 * @param {import('./page.js').BoardPage} page
 * @param {{author: string}} item
 */
export function mayMove(page, item) {
  const { facilitation } = page;
  return !facilitation.readOnly && mayChange(item.author, { me: page.me, role: facilitation.role, members: page.table.members });
}

/** @param {import('./page.js').BoardPage} page @param {string} id */
export async function editText(page, id) {
  const item = page.store.view().items.get(id);
  if (!item) return;
  const text = await page.sheet.askText(page.i18n().t('board.edit_words'), item.text ?? '', item.kind === 'note' || (item.kind === 'solution' && !item.ref));
  if (text === null) return;
  act(page, [updateItem(id, { text: text || null })]);
}

/** @param {import('./page.js').BoardPage} page @param {string} id */
export function remove(page, id) {
  const { t } = page.i18n();
  act(page, [deleteItem(id)]);
  page.bar.select(null);
  page.toasts.show(t('board.deleted'), { label: t('board.undo'), run: () => doUndo(page) });
}

/** @param {import('./page.js').BoardPage} page @param {string} id @param {1 | -1} delta */
export function vote(page, id, delta) {
  const { store, table } = page;
  if (table.gate(() => vote(page, id, delta))) return; // table mode: whose dot, first (and then their budget)
  if (delta > 0 && store.votesLeft(table.actor()) <= 0) {
    page.toasts.show(page.i18n().t('board.vote.none_left'));
    return;
  }
  if (delta < 0 && store.myVotes(id, table.actor()) <= 0) return;
  act(page, [delta > 0 ? addVote(id) : removeVote(id)]);
}

/** @param {import('./page.js').BoardPage} page */
export function doUndo(page) {
  const { store } = page;
  const as = page.table.undoAs(page.undo); // a table member's batch is taken back as them
  const ops = page.undo.undo(as ? { ...store.view(), participant: as } : store.view());
  if (!ops || !ops.length) {
    page.toasts.show(page.i18n().t('board.nothing_to_undo'));
    return;
  }
  for (const batch of splitOps(ops)) act(page, batch, as ? { undoable: false, as } : { undoable: false }); // one message holds 100 ops at most
}

// @ts-check
/**
 * The board's own buttons in the top bar: vote mode (with the dots left beside it), « Note » and « Annuler ».
 * The table mode's switch (table.js) and « Images » (phase.js) join them there.
 */
import { countOf } from '../core/i18n.js';
import { byId } from './dom.js';
import { doUndo } from './acting.js';
import { addNote } from './placing.js';

/** @param {import('./page.js').BoardPage} page */
export function listenToToolbar(page) {
  const { ui } = page;
  byId('vote-mode').addEventListener('click', function toggleVoting() {
    if (!ui.voting && page.table.gate(toggleVoting)) return; // table mode: who votes, before the vote mode is on
    ui.voting = !ui.voting;
    renderVoteButton(page);
    page.renderer.schedule();
    page.table.render();
  });
  byId('add-note').addEventListener('click', () => addNote(page));
  byId('undo').addEventListener('click', () => doUndo(page));
}

/** The vote mode button: pressed or not, and the dots left to the person voting. @param {import('./page.js').BoardPage} page */
export function renderVoteButton(page) {
  const voteButton = byId('vote-mode');
  const { t, lang } = page.i18n();
  const left = page.store.votesLeft(page.table.actor());
  voteButton.setAttribute('aria-pressed', String(page.ui.voting));
  voteButton.dataset.left = String(left); // a phone shows just this number beside the thumb
  const label = voteButton.querySelector('.label');
  if (label) label.textContent = left > 0 ? countOf(t, 'board.vote.mode', left, lang) : t('board.vote.mode_none');
}

// @ts-check
/**
 * What the current phase of an action board leaves open to this person, from the server's table in the page's
 * bootstrap (`access.phases[phase] = {cards, fiches, votes}`, backend/fresque/access.py), never a copy of it.
 * `cards`: create, move, resize, delete; `fiches`: fiche, capabilities, milestones, links, lists; `votes`.
 * Facilitating roles may do everything; observers nothing; a participant nothing while the board is locked.
 *
 * Pure (tests/js/actions_timeline.test.mjs).
 */
import { facilitates } from '../core/protocol.js';

/** @typedef {{cards: boolean, fiches: boolean, votes: boolean, locked: boolean, any: boolean}} ActionTools */

/**
 * @param {{phases?: Record<string, {cards?: boolean, fiches?: boolean, votes?: boolean}>} | null | undefined} access
 * @param {{phase: string | null, locked: boolean}} settings
 * @param {string | null | undefined} role
 * @returns {ActionTools}
 */
export function actionTools(access, settings, role) {
  const all = { cards: true, fiches: true, votes: true, locked: false, any: true };
  if (facilitates(role)) return all;
  if (role === 'observer') return { cards: false, fiches: false, votes: false, locked: Boolean(settings.locked), any: false };
  if (settings.locked) return { cards: false, fiches: false, votes: false, locked: true, any: false };
  const entry = settings.phase === null ? null : access?.phases?.[settings.phase];
  if (!entry) return all; // a free board, or an older server without the table: its rejects still say no
  const cards = Boolean(entry.cards);
  const fiches = Boolean(entry.fiches);
  const votes = Boolean(entry.votes);
  return { cards, fiches, votes, locked: false, any: cards || fiches || votes };
}

const CARD_OPS = new Set(['action.create', 'action.move', 'action.resize', 'action.delete']);
const FICHE_OPS = new Set(['action.update', 'capability.set', 'milestone.add', 'milestone.remove', 'action.link', 'action.unlink', 'action.question', 'list.add']);

/**
 * Null when `tools` allow every op of a batch, else the i18n key of the reason to show.
 * @param {ActionTools} tools @param {{op: string}[]} ops @param {boolean} facilitating
 */
export function actionRefusal(tools, ops, facilitating) {
  if (facilitating) return null;
  if (tools.locked) return 'board.locked';
  for (const { op } of ops) {
    const ok = CARD_OPS.has(op) ? tools.cards : FICHE_OPS.has(op) ? tools.fiches : op.startsWith('vote.') ? tools.votes : false;
    if (!ok) return 'board.closed';
  }
  return null;
}

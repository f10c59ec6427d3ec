// @ts-check
/**
 * Undo of one's own changes, as new changes: the inverse of a batch is sent like any other batch, so that
 * undo is collaborative-safe (it never rewinds what others did, it only takes back what we did, where it
 * still can be taken back).
 *
 * Deleted ids are retired on the server, so undoing a delete re-creates the item under a new id, with its
 * threads (those whose other end is still there) and our own dots on it; the stack remembers old id → new
 * id, so that older entries about that item (a move before the delete) still apply.
 *
 * Usage: `undo.record(ops, store.view(), msg.op_id)` just before `store.submit(ops)` (the view *before*),
 * `undo.drop(op_id)` when that batch is rejected, and `store.submit(undo.undo(store.view()))` when the
 * result is not empty (split with `splitOps` when it holds more than MAX_OPS ops).
 */

import { ID_PREFIX, newId, newItemId, createItem, updateItem, deleteItem, createThread, deleteThread, updateBoard } from './protocol.js';
import { applyOp, cloneState, RuleError, CHECKED } from './store.js';

/** @typedef {import('./protocol.js').Op} Op */
/** @typedef {import('./store.js').BoardView} BoardView */
/** @typedef {import('./store.js').BoardState} BoardState */
/** @typedef {import('./store.js').Item} Item */
/** @typedef {import('./store.js').Thread} Thread */

/**
 * What one op's inverse needs, captured from the state just before that op.
 * @typedef {{do: 'delete', id: string}
 *   | {do: 'restore', id: string, set: {[key: string]: any}}
 *   | {do: 'recreate', item: Item, threads: Thread[], dots: number}
 *   | {do: 'unthread', id: string}
 *   | {do: 'rethread', thread: Thread}
 *   | {do: 'vote', op: 'vote.add' | 'vote.remove', item: string}
 *   | {do: 'settings', set: {title?: string, vote_budget?: number}}} Step
 */

/**
 * @param {BoardState} s the state just before `op`
 * @param {Op} op
 * @param {string | null} me
 * @returns {Step | null}
 */
function capture(s, op, me) {
  switch (op.op) {
    case 'item.create':
      return { do: 'delete', id: op.id };
    case 'item.update': {
      const item = /** @type {{[key: string]: any} | undefined} */ (s.items.get(op.id));
      /** @type {{[key: string]: any}} */
      const set = {};
      for (const key of Object.keys(op.set)) if (op.set[key] !== undefined) set[key] = item?.[key] ?? null;
      return { do: 'restore', id: op.id, set };
    }
    case 'item.delete': {
      const threads = [...s.threads.values()].filter((t) => t.source === op.id || t.target === op.id);
      const dots = s.votes.get(me ?? '')?.get(op.id) ?? 0; // ours come back with it; others' are theirs
      return { do: 'recreate', item: /** @type {Item} */ (s.items.get(op.id)), threads, dots };
    }
    case 'thread.create':
      return { do: 'unthread', id: op.id };
    case 'thread.delete':
      return { do: 'rethread', thread: /** @type {Thread} */ (s.threads.get(op.id)) };
    case 'vote.add':
      return { do: 'vote', op: 'vote.remove', item: op.item };
    case 'vote.remove':
      return { do: 'vote', op: 'vote.add', item: op.item };
    case 'board.update': {
      /** @type {{title?: string, vote_budget?: number}} */
      const set = {};
      if (op.title != null) set.title = s.settings.title;
      if (op.vote_budget != null) set.vote_budget = s.settings.vote_budget;
      return { do: 'settings', set };
    }
    default:
      return null;
  }
}

export class UndoStack {
  constructor(limit = 50) {
    this.limit = limit;
    /** @type {{steps: Step[], opId: string | null}[]} */
    this._entries = [];
    /** old id → the id it was re-created under by an undo */
    /** @type {Map<string, string>} */
    this._renamed = new Map();
  }

  /**
   * Remember a batch we are about to submit.
   * @param {Op[]} ops
   * @param {BoardView} before `store.view()` before submitting it
   * @param {string} [opId] its op_id, for `drop` when the server refuses it
   */
  record(ops, before, opId) {
    // Walk the batch over a copy of `before`: an op's inverse depends on the state the ops before it made
    // (create then move: the move's inverse is about the new item). A batch that does not apply is not
    // shown by the store's view either, and there is nothing to undo.
    const s = cloneState(before);
    /** @type {Step[]} */
    const steps = [];
    try {
      for (const op of ops) {
        const step = capture(s, op, before.participant);
        applyOp(s, op, before.participant, CHECKED);
        if (step) steps.push(step);
      }
    } catch (error) {
      if (error instanceof RuleError) return;
      throw error;
    }
    if (!steps.length) return;
    this._entries.push({ steps, opId: opId ?? null });
    if (this._entries.length > this.limit) this._entries.splice(0, this._entries.length - this.limit);
  }

  /** Forget a batch the server refused (its effect never happened). @param {string} opId */
  drop(opId) {
    this._entries = this._entries.filter((e) => e.opId !== opId);
  }

  get canUndo() {
    return this._entries.length > 0;
  }

  get size() {
    return this._entries.length;
  }

  clear() {
    this._entries = [];
    this._renamed.clear();
  }

  /** @param {string} id */
  _current(id) {
    let seen = 0;
    while (this._renamed.has(id) && seen++ < 1000) id = /** @type {string} */ (this._renamed.get(id));
    return id;
  }

  /**
   * The ops that take back the newest recorded batch, as far as they still apply to `current`: those that
   * no longer can (what they touch was deleted meanwhile) are left out, so the result may be empty. Null
   * when there is nothing to undo. The result may hold more than MAX_OPS ops: see `splitOps`.
   * @param {BoardView} current `store.view()` now
   * @returns {Op[] | null}
   */
  undo(current) {
    const entry = this._entries.pop();
    if (!entry) return null;
    const s = cloneState(current);
    /** @type {Op[]} */
    const out = [];
    /** Keep `op` if it applies to what the ops before it leave; true when kept. @param {Op} op */
    const attempt = (op) => {
      try {
        applyOp(s, op, current.participant, CHECKED);
      } catch (error) {
        if (error instanceof RuleError) return false;
        throw error;
      }
      out.push(op);
      return true;
    };
    const id = (/** @type {string} */ old) => this._current(old);
    for (const step of [...entry.steps].reverse()) {
      switch (step.do) {
        case 'delete':
          attempt(deleteItem(id(step.id)));
          break;
        case 'restore':
          attempt(updateItem(id(step.id), step.set));
          break;
        case 'recreate': {
          const { id: oldId, author: _author, kind, ...props } = step.item;
          const fresh = newItemId(kind);
          if (!attempt(createItem({ ...props, kind, id: fresh }))) break;
          this._renamed.set(oldId, fresh);
          for (const t of step.threads) this._rethread(t, attempt);
          for (let i = 0; i < step.dots; i += 1) attempt({ op: 'vote.add', item: fresh });
          break;
        }
        case 'unthread':
          attempt(deleteThread(id(step.id)));
          break;
        case 'rethread':
          this._rethread(step.thread, attempt);
          break;
        case 'vote':
          attempt({ op: step.op, item: id(step.item) });
          break;
        case 'settings':
          attempt(updateBoard(step.set));
          break;
      }
    }
    return out;
  }

  /** @param {Thread} thread @param {(op: Op) => boolean} attempt */
  _rethread(thread, attempt) {
    const fresh = newId(ID_PREFIX.thread);
    if (attempt(createThread(fresh, this._current(thread.source), this._current(thread.target)))) {
      this._renamed.set(thread.id, fresh);
    }
  }
}

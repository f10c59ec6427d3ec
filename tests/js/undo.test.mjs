// Undo of one's own changes: each inverse, sent through the store like any batch, gives back the earlier
// view (re-created items and threads have new ids, so views are compared by content).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as P from '../../frontend/static/js/core/protocol.js';
import { BoardStore } from '../../frontend/static/js/core/store.js';
import { UndoStack } from '../../frontend/static/js/core/undo.js';

const ME = 'p-amina';
const OTHER = 'p-karim';

/** A store on an empty board, and a pretend server that acknowledges everything in order. */
function setup(role = 'participant') {
  const store = new BoardStore({ clientId: 'tab-me' });
  store.applyWelcome({
    type: 'welcome', protocol: 1, board: { id: 'b-1', workshop: 'w-1', kind: 'exploration' },
    you: { participant: ME, alias: 'Amina', role }, seq: 0, resync: 'snapshot',
    snapshot: { settings: { title: 'Ma semaine', vote_budget: 3 }, items: [], threads: [], votes: [], deleted: [] },
  });
  const undo = new UndoStack();
  let seq = 0;
  const server = {
    /** What the page does: record, submit, and here the ack comes at once. */
    act(ops) {
      const before = store.view();
      const msg = store.submit(ops);
      undo.record(ops, before, msg.op_id);
      store.applyAck({ type: 'ack', op_id: msg.op_id, seq: ++seq });
      return msg;
    },
    /** Someone else's change. */
    other(ops) {
      store.applyChange({ type: 'change', seq: ++seq, op_id: `other:${seq}`, author: OTHER, ops });
    },
    /** Undo the newest batch; returns the inverse ops sent. */
    undo() {
      const ops = undo.undo(store.view());
      if (ops && ops.length) {
        const msg = store.submit(ops);
        store.applyAck({ type: 'ack', op_id: msg.op_id, seq: ++seq });
      }
      return ops;
    },
  };
  return { store, undo, server };
}

/** A view by content, ids left out: items by their properties, threads and dots by the items they join. */
function content(view) {
  const sig = (id) => {
    const { id: _id, author: _author, ...rest } = view.items.get(id);
    return JSON.stringify(rest);
  };
  return {
    settings: view.settings,
    items: [...view.items.keys()].map(sig).sort(),
    threads: [...view.threads.values()].map((t) => `${sig(t.source)} → ${sig(t.target)}`).sort(),
    votes: [...view.votes].flatMap(([who, per]) => [...per].map(([item, n]) => `${who} ${sig(item)} ×${n}`)).sort(),
  };
}

const act = (id, day, x = 0) => P.createItem({ id, kind: 'activity', x, y: 0, ref: 'school-run', cell: { day, slot: 'morning' } });
const dif = (id, text) => P.createItem({ id, kind: 'difficulty', x: 300, y: 0, ref: 'lost-login', severity: 'difficile', text });
const sol = (id, text) => P.createItem({ id, kind: 'solution', x: 600, y: 0, text });

test('each undo gives back the view before the batch it undoes', () => {
  const { store, undo, server } = setup('facilitator');
  server.other([sol('sol-other1', 'aide des autres')]);
  const views = [content(store.view())];
  const batches = [
    [act('act-000001', 'mon'), dif('dif-000001', 'mot de passe'), P.createThread('th-000001', 'act-000001', 'dif-000001')],
    [P.updateItem('act-000001', { x: 40, cell: { day: 'tue' } }), P.updateItem('dif-000001', { text: null, severity: 'bloque' })],
    [sol('sol-000001', 'une aide'), P.createThread('th-000002', 'dif-000001', 'sol-000001'), P.addVote('sol-000001'), P.addVote('sol-other1')],
    [P.updateItem('sol-000001', { text: 'une aide précise', w: 260 })],
    [P.deleteThread('th-000001')],
    [P.addVote('sol-000001'), P.removeVote('sol-other1')],
    [P.deleteItem('dif-000001')], // takes th-000002 with it
    [P.deleteItem('sol-000001')], // takes two of my dots with it
    [{ op: 'board.update', title: 'Semaine de Amina', vote_budget: 5 }],
    [act('act-000002', 'wed'), P.updateItem('act-000002', { x: 77 }), P.deleteItem('act-000001')],
  ];
  for (const ops of batches) {
    server.act(ops);
    views.push(content(store.view()));
  }
  assert.equal(undo.size, batches.length);
  for (let k = batches.length; k > 0; k -= 1) {
    const ops = server.undo();
    assert.ok(ops.length > 0, `undo ${k} did something`);
    assert.deepEqual(content(store.view()), views[k - 1], `after undoing batch ${k}`);
  }
  assert.equal(undo.canUndo, false);
  assert.equal(undo.undo(store.view()), null);
  assert.equal(store.pendingCount, 0);
});

test('undoing a delete re-creates the item under a new id, with its threads and my dots', () => {
  const { store, undo, server } = setup();
  server.other([act('act-000001', 'mon'), sol('sol-000009', 'autre')]);
  server.act([dif('dif-000001', 'difficile'), sol('sol-000001', 'aide'),
    P.createThread('th-000001', 'act-000001', 'dif-000001'), P.createThread('th-000002', 'dif-000001', 'sol-000001'),
    P.createThread('th-000003', 'dif-000001', 'sol-000009')]);
  server.act([P.addVote('sol-000001'), P.addVote('sol-000001')]);
  server.act([P.deleteItem('dif-000001')]);
  // Meanwhile someone else deletes one of the other ends.
  server.other([P.deleteItem('sol-000009')]);
  const ops = undo.undo(store.view());
  assert.equal(ops[0].op, 'item.create');
  assert.notEqual(ops[0].id, 'dif-000001', 'deleted ids are retired');
  assert.match(ops[0].id, /^dif-[A-Za-z0-9]{16}$/);
  assert.deepEqual({ ...ops[0], id: 'x' }, { op: 'item.create', id: 'x', kind: 'difficulty', x: 300, y: 0, ref: 'lost-login', text: 'difficile', severity: 'difficile' });
  const threads = ops.filter((o) => o.op === 'thread.create');
  assert.equal(threads.length, 2, 'not the thread to the item deleted meanwhile');
  assert.deepEqual(threads.map((t) => [t.source, t.target]).sort(), [['act-000001', ops[0].id], [ops[0].id, 'sol-000001']].sort());
  assert.ok(threads.every((t) => !['th-000001', 'th-000002'].includes(t.id)));
  assert.equal(ops.length, 3, 'my dots were on the solution, not on the difficulty');
  // The inverse is sent as is and the server would take it: the store's checked view shows it whole.
  store.submit(ops);
  assert.equal(store.view().threads.size, 2);

  // Dots on a deleted solution come back with it (others' cannot: they are theirs to give).
  const again = setup();
  again.server.other([sol('sol-000009', 'autre'), P.addVote('sol-000009')]);
  again.server.act([P.addVote('sol-000009'), P.addVote('sol-000009')]);
  again.server.other([P.deleteItem('sol-000009')]);
  assert.deepEqual(again.server.undo(), [], 'its dots went with the solution someone else deleted');
});

test('an undo that can no longer apply returns nothing to send', () => {
  const { store, undo, server } = setup();
  server.other([sol('sol-000001', 'aide')]);
  server.act([P.updateItem('sol-000001', { x: 10, text: 'modifiée' }), P.addVote('sol-000001')]);
  server.other([P.deleteItem('sol-000001')]);
  assert.deepEqual(undo.undo(store.view()), []);
  assert.equal(undo.canUndo, false, 'the entry is used up');
});

test('an update is undone key by key; keys absent before are cleared', () => {
  const { store, undo, server } = setup();
  server.other([sol('sol-000001', 'aide')]);
  server.act([P.updateItem('sol-000001', { w: 300, ref: 'digital-help-desk', text: null })]);
  // Someone else moves it meanwhile: undo leaves their move alone.
  server.other([P.updateItem('sol-000001', { x: 999 })]);
  const ops = undo.undo(store.view());
  assert.deepEqual(ops, [{ op: 'item.update', id: 'sol-000001', set: { w: null, ref: null, text: 'aide' } }]);
  store.submit(ops);
  assert.deepEqual(store.view().items.get('sol-000001'), { id: 'sol-000001', kind: 'solution', author: OTHER, x: 999, y: 0, text: 'aide' });
});

test('ids re-created by an undo are followed by older entries', () => {
  const { store, undo, server } = setup();
  const base = content(store.view());
  server.act([P.createItem({ id: 'note-000001', kind: 'note', x: 0, y: 0, text: 'note' })]);
  server.act([P.updateItem('note-000001', { x: 50 })]);
  const moved = content(store.view());
  server.act([P.deleteItem('note-000001')]);
  const recreate = server.undo();
  const fresh = recreate[0].id;
  assert.deepEqual(content(store.view()), moved);
  assert.deepEqual(server.undo(), [{ op: 'item.update', id: fresh, set: { x: 0 } }]);
  assert.deepEqual(server.undo(), [{ op: 'item.delete', id: fresh }]);
  assert.deepEqual(content(store.view()), base);
});

test('a batch that creates and edits one item is undone in reverse order', () => {
  const { store, undo, server } = setup();
  server.act([
    P.createItem({ id: 'note-000001', kind: 'note', x: 0, y: 0, text: 'a' }),
    P.updateItem('note-000001', { text: 'b' }),
    P.createItem({ id: 'note-000002', kind: 'note', x: 0, y: 0, text: 'c' }),
  ]);
  const ops = undo.undo(store.view());
  assert.deepEqual(ops, [
    { op: 'item.delete', id: 'note-000002' },
    { op: 'item.update', id: 'note-000001', set: { text: 'a' } },
    { op: 'item.delete', id: 'note-000001' },
  ]);
});

test('refused batches are forgotten, not undone; the stack keeps its limit', () => {
  const { store, undo } = setup();
  const before = store.view();
  const ops = [P.createItem({ id: 'note-000001', kind: 'note', x: 0, y: 0, text: 'x' })];
  const msg = store.submit(ops);
  undo.record(ops, before, msg.op_id);
  assert.equal(undo.canUndo, true);
  store.applyReject({ type: 'reject', op_id: msg.op_id, code: 'board_full', message: '' });
  undo.drop(msg.op_id);
  assert.equal(undo.canUndo, false);
  // A batch that would not apply at all (the store's view leaves it out) is not recorded.
  undo.record([P.updateItem('note-missing', { x: 1 })], store.view());
  assert.equal(undo.canUndo, false);

  const small = new UndoStack(3);
  for (let i = 0; i < 5; i += 1) small.record([P.createItem({ id: `note-00000${i}`, kind: 'note', x: i, y: 0, text: 't' })], store.view());
  assert.equal(small.size, 3);
  assert.deepEqual(small.undo(store.view()), [], 'note-000004 is not on the board: nothing to delete');
  small.clear();
  assert.equal(small.canUndo, false);
});

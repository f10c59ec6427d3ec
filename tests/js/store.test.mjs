// The board replica: what the server confirms, what we sent and wait for, and the view made of both.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as P from '../../frontend/static/js/core/protocol.js';
import { BoardStore, stateToSnapshot, applyOp, emptyState, RuleError, CHECKED, defaultSettings } from '../../frontend/static/js/core/store.js';

const ME = 'p-amina';
const OTHER = 'p-karim';

const emptySnapshot = () => ({ settings: { title: 'Ma semaine', vote_budget: 3 }, items: [], threads: [], votes: [], deleted: [] });
const welcome = (seq, body, role = 'participant', participant = ME) => ({
  type: 'welcome', protocol: 1, board: { id: 'board-1', workshop: 'ws-1', kind: 'exploration' },
  you: { participant, alias: 'Amina', role }, seq, ...body,
});
const snapshotWelcome = (seq = 0, snapshot = emptySnapshot(), role) => welcome(seq, { resync: 'snapshot', snapshot }, role);
const deltaWelcome = (seq, changes) => welcome(seq, { resync: 'delta', changes });
const change = (seq, author, ops, opId = `${author}-tab:${seq}`) => ({ type: 'change', seq, op_id: opId, author, ops });

/** A store welcomed on an empty board (or on `snapshot`). */
function freshStore(snapshot, role) {
  const store = new BoardStore({ clientId: 'tab-me' });
  store.applyWelcome(snapshotWelcome(0, snapshot, role));
  return store;
}
/** The view as plain JSON, for deepEqual. */
const plain = (state) => stateToSnapshot(state);

const note = (id, text = 'bonjour', x = 0, y = 0) => P.createItem({ id, kind: 'note', x, y, text });
const solution = (id, text = 'une aide') => P.createItem({ id, kind: 'solution', x: 0, y: 0, text });
const activity = (id, day = 'mon') => P.createItem({ id, kind: 'activity', x: 0, y: 0, ref: 'school-run', cell: { day, slot: 'morning' } });
const difficulty = (id) => P.createItem({ id, kind: 'difficulty', x: 300, y: 0, ref: 'lost-login', severity: 'bloque' });

test('an optimistic create shows at once, then is confirmed by its ack', () => {
  const store = freshStore();
  const msg = store.submit([note('note-000001', 'vite', 10, 20)]);
  assert.deepEqual(msg, { type: 'ops', op_id: 'tab-me:1', ops: [{ op: 'item.create', id: 'note-000001', kind: 'note', x: 10, y: 20, text: 'vite' }] });
  assert.equal(store.pendingCount, 1);
  assert.deepEqual(store.view().items.get('note-000001'), { id: 'note-000001', kind: 'note', author: ME, x: 10, y: 20, text: 'vite' });
  assert.equal(store.confirmed().items.size, 0);
  const before = plain(store.view());

  store.applyAck({ type: 'ack', op_id: 'tab-me:1', seq: 1 });
  assert.equal(store.seq, 1);
  assert.equal(store.pendingCount, 0);
  assert.deepEqual(plain(store.confirmed()), before);
  assert.deepEqual(plain(store.view()), before);
  // The next op_id follows on.
  assert.equal(store.submit([P.deleteItem('note-000001')]).op_id, 'tab-me:2');
});

test('a change from someone else is applied with its author, once', () => {
  const store = freshStore();
  assert.equal(store.applyChange(change(1, OTHER, [activity('act-000001')])), true);
  assert.equal(store.view().items.get('act-000001').author, OTHER);
  assert.deepEqual(store.view().items.get('act-000001').cell, { day: 'mon', slot: 'morning' });
  assert.equal(store.seq, 1);
  assert.equal(store.applyChange(change(1, OTHER, [P.updateItem('act-000001', { x: 99 })])), false, 'seq already seen');
  assert.equal(store.view().items.get('act-000001').x, 0);
  store.applyChange(change(2, OTHER, [P.updateItem('act-000001', { x: 99, cell: { day: 'tue' } })]));
  assert.deepEqual(store.view().items.get('act-000001'),
    { id: 'act-000001', kind: 'activity', author: OTHER, x: 99, y: 0, ref: 'school-run', cell: { day: 'tue' } });
});

test('a reject takes the batch out of the view and hands it back', () => {
  const store = freshStore();
  store.applyChange(change(1, OTHER, [note('note-000001', 'à déplacer')]));
  const before = plain(store.view());
  const sent = store.submit([P.updateItem('note-000001', { x: 500, text: 'déplacé' })]);
  assert.equal(store.view().items.get('note-000001').x, 500);
  const failed = store.applyReject({ type: 'reject', op_id: sent.op_id, code: 'forbidden', message: '…' });
  assert.deepEqual(failed, sent);
  assert.deepEqual(plain(store.view()), before);
  assert.equal(store.pendingCount, 0);
  assert.equal(store.applyReject({ type: 'reject', op_id: 'tab-me:42', code: 'x', message: '' }), null);
});

test('a reconnect with a delta: changes missed are applied, pending batches are handed back to resend', () => {
  const store = freshStore();
  store.applyChange(change(1, OTHER, [solution('sol-000001')]));
  const a = store.submit([note('note-000001')]);
  const b = store.submit([P.addVote('sol-000001')]);
  // The socket drops; meanwhile someone else changed the board.
  const resend = store.applyWelcome(deltaWelcome(2, [change(2, OTHER, [P.updateItem('sol-000001', { text: 'renommée' })])]));
  assert.deepEqual(resend, [a, b]);
  assert.deepEqual(resend.map((m) => m.op_id), ['tab-me:1', 'tab-me:2']);
  assert.equal(store.seq, 2);
  const view = store.view();
  assert.equal(view.items.get('sol-000001').text, 'renommée');
  assert.ok(view.items.has('note-000001'));
  assert.equal(store.myVotes('sol-000001'), 1);
  store.applyAck({ type: 'ack', op_id: a.op_id, seq: 3 });
  store.applyAck({ type: 'ack', op_id: b.op_id, seq: 4 });
  assert.deepEqual(plain(store.confirmed()), plain(view));
});

test('our own change in the welcome delta (its ack was lost) is applied once, even if a duplicate ack follows', () => {
  const store = freshStore();
  store.applyChange(change(1, OTHER, [solution('sol-000001')]));
  const vote = store.submit([P.addVote('sol-000001')]);
  const later = store.submit([P.addVote('sol-000001')]);
  // The server committed `vote` at seq 2, and the socket died before its ack reached us.
  const resend = store.applyWelcome(deltaWelcome(2, [change(2, ME, vote.ops, vote.op_id)]));
  assert.deepEqual(resend, [later], 'the batch the delta confirmed is not resent');
  assert.equal(store.confirmed().votes.get(ME).get('sol-000001'), 1);
  // A page that resent it anyway gets the same ack back, marked duplicate: nothing more is applied.
  store.applyAck({ type: 'ack', op_id: vote.op_id, seq: 2, duplicate: true });
  assert.equal(store.confirmed().votes.get(ME).get('sol-000001'), 1);
  assert.equal(store.seq, 2);
  assert.equal(store.resyncNeeded, false);
  store.applyAck({ type: 'ack', op_id: later.op_id, seq: 3 });
  assert.equal(store.voteTotal('sol-000001'), 2);
  assert.equal(store.votesUsed(), 2);
  assert.equal(store.pendingCount, 0);
});

test('a snapshot welcome replaces the confirmed state and keeps pending batches', () => {
  const store = freshStore();
  store.applyChange(change(1, OTHER, [note('note-000001', 'ancienne')]));
  const mine = store.submit([solution('sol-000001', 'ma solution')]);
  const vote = store.submit([P.addVote('sol-000001')]);
  const snapshot = {
    settings: { ...defaultSettings(), title: 'Nouveau titre', vote_budget: 5 },
    items: [{ id: 'note-000002', kind: 'note', author: OTHER, x: 1, y: 2, text: 'nouvelle' }],
    threads: [],
    votes: [],
    deleted: ['note-000001'],
  };
  const resend = store.applyWelcome(snapshotWelcome(40, snapshot));
  assert.deepEqual(resend, [mine, vote]);
  assert.equal(store.seq, 40);
  assert.deepEqual(plain(store.confirmed()), snapshot);
  const view = store.view();
  assert.deepEqual([...view.items.keys()], ['note-000002', 'sol-000001']);
  assert.equal(view.settings.title, 'Nouveau titre');
  assert.equal(store.votesLeft(), 4);
});

test('a duplicate ack after a snapshot that already holds our batch applies nothing', () => {
  const store = freshStore();
  const vote = store.submit([solution('sol-000001'), P.addVote('sol-000001')]);
  // Committed at seq 1, ack lost, then the board went on without us long enough for a snapshot.
  const snapshot = {
    settings: { ...defaultSettings(), title: 'Ma semaine', vote_budget: 3 },
    items: [{ id: 'sol-000001', kind: 'solution', author: ME, x: 0, y: 0, text: 'une aide' }],
    threads: [], votes: [{ participant: ME, item: 'sol-000001', count: 1 }], deleted: [],
  };
  assert.deepEqual(store.applyWelcome(snapshotWelcome(30, snapshot)), [vote]);
  store.applyAck({ type: 'ack', op_id: vote.op_id, seq: 1, duplicate: true });
  assert.deepEqual(plain(store.confirmed()), snapshot);
  assert.deepEqual(plain(store.view()), snapshot);
  assert.equal(store.seq, 30);
  assert.equal(store.resyncNeeded, false);
});

test('a duplicate ack for a seq we never saw asks for a resync instead of guessing', () => {
  const store = freshStore();
  const mine = store.submit([note('note-000001')]);
  // Two tabs with one client id: the server took ours for a resend of the other tab's op.
  store.applyAck({ type: 'ack', op_id: mine.op_id, seq: 7, duplicate: true });
  assert.equal(store.resyncNeeded, true);
  assert.equal(store.seq, null, 'so that hello(clientId, store.seq) asks for a snapshot');
  assert.equal(store.confirmed().items.size, 0);
  store.applyChange(change(8, OTHER, [note('note-000002')]));
  assert.equal(store.seq, null);
  store.applyWelcome(snapshotWelcome(8, emptySnapshot()));
  assert.equal(store.resyncNeeded, false);
  assert.equal(store.seq, 8);
});

test('votes: budget, totals and mine, in the optimistic view', () => {
  const store = freshStore();
  store.applyChange(change(1, OTHER, [solution('sol-000001'), solution('sol-000002', 'autre'), P.addVote('sol-000001')]));
  assert.equal(store.votesLeft(), 3);
  assert.equal(store.votesUsed(OTHER), 1);
  store.submit([P.addVote('sol-000001'), P.addVote('sol-000002')]);
  assert.equal(store.votesUsed(), 2);
  assert.equal(store.votesLeft(), 1);
  assert.equal(store.voteTotal('sol-000001'), 2);
  assert.equal(store.myVotes('sol-000001'), 1);
  assert.equal(store.myVotes('sol-000002'), 1);
  // Over budget: the server will refuse the whole batch, so the view leaves it out whole.
  store.submit([P.addVote('sol-000002'), P.addVote('sol-000002')]);
  assert.equal(store.votesUsed(), 2);
  assert.equal(store.myVotes('sol-000002'), 1);
  store.applyReject({ type: 'reject', op_id: 'tab-me:2', code: 'vote_budget_exceeded', message: '' });
  // Votes go on solutions only, and a dot taken back must be there.
  store.submit([P.createItem({ id: 'note-000001', kind: 'note', x: 0, y: 0, text: 'x' }), P.addVote('note-000001')]);
  assert.equal(store.view().items.has('note-000001'), false);
  store.submit([P.removeVote('sol-000002'), P.removeVote('sol-000002')]);
  assert.equal(store.myVotes('sol-000002'), 1);
  store.submit([P.removeVote('sol-000002')]);
  assert.equal(store.myVotes('sol-000002'), 0);
  assert.equal(store.view().votes.get(ME).has('sol-000002'), false, 'no zero counts are kept');
  // The facilitator lowers the budget below what is spent: nothing left, never a negative number.
  store.applyChange(change(2, OTHER, [{ op: 'board.update', vote_budget: 0 }]));
  assert.equal(store.votesLeft(), 0);
  assert.equal(store.votesLeft(OTHER), 0);
});

test('deleting an item deletes its threads and the dots on it', () => {
  const store = freshStore();
  store.applyChange(change(1, OTHER, [
    activity('act-000001'), difficulty('dif-000001'), solution('sol-000001'), solution('sol-000002', 'autre'),
    P.createThread('th-000001', 'act-000001', 'dif-000001'),
    P.createThread('th-000002', 'dif-000001', 'sol-000001'),
    P.createThread('th-000003', 'dif-000001', 'sol-000002'),
    P.addVote('sol-000001'), P.addVote('sol-000001'),
  ]));
  store.applyChange(change(2, ME, [P.addVote('sol-000001'), P.addVote('sol-000002')], 'other-tab:1'));
  assert.equal(store.voteTotal('sol-000001'), 3);
  store.applyChange(change(3, OTHER, [P.deleteItem('sol-000001')]));
  const view = store.view();
  assert.deepEqual([...view.threads.keys()], ['th-000001', 'th-000003']);
  assert.equal(store.voteTotal('sol-000001'), 0);
  assert.equal(view.votes.has(OTHER), false, 'a participant without dots has no entry');
  assert.deepEqual([...view.votes.get(ME)], [['sol-000002', 1]]);
  assert.deepEqual([...view.deleted].sort(), ['sol-000001', 'th-000002']);
  // A difficulty gone takes both its threads.
  store.submit([P.deleteItem('dif-000001')]);
  assert.equal(store.view().threads.size, 0);
  // The ids stay retired: our later create with one of them would be refused, so the view leaves it out.
  store.submit([note('th-000002')]);
  assert.equal(store.view().items.has('th-000002'), false);
});

test('a batch applies all or none in the view, like on the server', () => {
  const store = freshStore();
  store.applyChange(change(1, OTHER, [activity('act-000001'), note('note-000001')]));
  store.applyChange(change(2, OTHER, [P.deleteItem('note-000001')]));
  // Moving two items, one deleted by someone else meanwhile: the server will refuse both moves.
  store.submit([P.updateItem('act-000001', { x: 50 }), P.updateItem('note-000001', { x: 50 })]);
  assert.equal(store.view().items.get('act-000001').x, 0);
  // A thread the rules forbid, a thread to itself, a note without text, an update of a field a kind lacks.
  for (const ops of [
    [difficulty('dif-000001'), P.createThread('th-000001', 'dif-000001', 'act-000001')],
    [P.createThread('th-000002', 'act-000001', 'act-000001')],
    [P.createItem({ id: 'note-000002', kind: 'note', x: 0, y: 0 })],
    [P.updateItem('act-000001', { text: 'une activité' })],
    [P.updateItem('act-000001', { x: null })],
    [P.createItem({ id: 'dif-000002', kind: 'difficulty', x: 0, y: 0, ref: 'lost-login' })],
    [note('note-000003', 'x'.repeat(501))],
    [note('note-000004', 'tab\there, but no bell\u0007')],
    [{ op: 'board.update', title: 'Je ne suis pas animatrice' }],
  ]) {
    const before = plain(store.view());
    store.submit(ops);
    assert.deepEqual(plain(store.view()), before, JSON.stringify(ops));
  }
  // What does apply, does.
  store.submit([difficulty('dif-000009'), P.createThread('th-000009', 'act-000001', 'dif-000009')]);
  assert.ok(store.view().threads.has('th-000009'));
  // Two identical threads: the second is refused.
  store.submit([P.createThread('th-000010', 'act-000001', 'dif-000009')]);
  assert.equal(store.view().threads.has('th-000010'), false);
});

test('update sets and clears properties, in the server\'s shape', () => {
  const store = freshStore();
  store.applyChange(change(1, OTHER, [P.createItem({ id: 'sol-000001', kind: 'solution', x: 1, y: 2, ref: 'digital-help-desk', text: 'avec aide', w: 250 })]));
  store.submit([P.updateItem('sol-000001', { text: null, w: null, h: 140, y: 3 })]);
  assert.deepEqual(store.view().items.get('sol-000001'),
    { id: 'sol-000001', kind: 'solution', author: OTHER, x: 1, y: 3, h: 140, ref: 'digital-help-desk' });
  assert.deepEqual(Object.keys(store.view().items.get('sol-000001')), ['id', 'kind', 'author', 'x', 'y', 'h', 'ref']);
  // A solution needs a ref or a text: clearing both is refused.
  store.submit([P.updateItem('sol-000001', { ref: null })]);
  assert.equal(store.view().items.get('sol-000001').ref, 'digital-help-desk');
  // cell: null takes an activity off the grid.
  store.applyChange(change(2, OTHER, [activity('act-000001')]));
  store.submit([P.updateItem('act-000001', { cell: null })]);
  assert.equal('cell' in store.view().items.get('act-000001'), false);
});

test('views are immutable snapshots that share unchanged items', () => {
  const store = freshStore();
  store.applyChange(change(1, OTHER, [note('note-000001', 'a'), note('note-000002', 'b')]));
  const first = store.view();
  assert.equal(store.view(), first, 'cached until something changes');
  store.submit([P.updateItem('note-000002', { x: 9 })]);
  const second = store.view();
  assert.notEqual(second, first);
  assert.equal(second.items.get('note-000001'), first.items.get('note-000001'));
  assert.notEqual(second.items.get('note-000002'), first.items.get('note-000002'));
  assert.equal(first.items.get('note-000002').x, 0, 'the old view did not move');
  assert.ok(Object.isFrozen(second.items.get('note-000002')));
  assert.ok(second.version > first.version);
  assert.equal(second.participant, ME);
});

test('subscribers hear every mutation until they unsubscribe', () => {
  const store = new BoardStore({ clientId: 'tab-me' });
  const versions = [];
  const stop = store.subscribe((s) => versions.push(s.version));
  store.applyWelcome(snapshotWelcome(0));
  const sent = store.submit([note('note-000001')]);
  store.applyAck({ type: 'ack', op_id: sent.op_id, seq: 1 });
  store.applyChange(change(2, OTHER, [note('note-000002')]));
  store.applyChange(change(2, OTHER, [note('note-000003')])); // already seen: no mutation
  store.applyReject({ type: 'reject', op_id: 'nope:1', code: 'x', message: '' }); // unknown: no mutation
  assert.deepEqual(versions, [1, 2, 3, 4]);
  stop();
  store.submit([note('note-000004')]);
  assert.equal(versions.length, 4);
});

test('the participant may be known only after the welcome; pending ops then become ours', () => {
  const store = new BoardStore();
  assert.match(store.clientId, /^tab-/);
  store.submit([solution('sol-000001'), P.addVote('sol-000001')]);
  assert.equal(store.view().items.get('sol-000001').author, '');
  store.participant = ME;
  assert.equal(store.view().items.get('sol-000001').author, ME);
  assert.equal(store.myVotes('sol-000001'), 1);
  const other = new BoardStore({ participant: OTHER });
  other.applyWelcome(snapshotWelcome(0));
  assert.equal(other.participant, ME, 'the welcome says who we are');
  assert.equal(other.role, 'participant');
});

test('submit refuses empty batches and what the server could not even parse, not rule violations', () => {
  const store = freshStore();
  assert.throws(() => store.submit([]), TypeError);
  assert.throws(() => store.submit([note('n-1')]), TypeError, 'id too short');
  assert.throws(() => store.submit([{ ...note('note-000001'), x: NaN }]), TypeError);
  assert.throws(() => store.submit(Array.from({ length: 101 }, () => P.addVote('sol-000001'))), TypeError);
  assert.throws(() => store.submit([note('note-000001', '\ud800')]), TypeError);
  assert.equal(store.counter, 0, 'no op_id was used up');
  assert.doesNotThrow(() => store.submit([P.addVote('sol-missing')]));
  const ops = [note('note-000002')];
  const sent = store.submit(ops);
  ops[0].text = 'changed afterwards';
  assert.equal(sent.ops[0].text, 'bonjour', 'the store keeps its own copy');
  assert.ok(Object.isFrozen(sent.ops[0]));
});

test('facilitator-only ops show in a facilitator\'s view', () => {
  const store = freshStore(undefined, 'facilitator');
  store.submit([{ op: 'board.update', title: 'Atelier du mardi', vote_budget: 5 }]);
  assert.deepEqual(store.view().settings, { ...defaultSettings(), title: 'Atelier du mardi', vote_budget: 5 });
  store.submit([{ op: 'board.update', title: '   ' }]);
  assert.equal(store.view().settings.title, 'Atelier du mardi');
});

test('toJSON / fromJSON round-trips exactly, and the restored store carries on', () => {
  const store = freshStore();
  store.applyChange(change(1, OTHER, [activity('act-000001'), difficulty('dif-000001'), solution('sol-000001'),
    P.createThread('th-000001', 'act-000001', 'dif-000001'), P.addVote('sol-000001')]));
  store.applyChange(change(2, OTHER, [note('note-000001'), P.deleteItem('note-000001')]));
  const acked = store.submit([P.addVote('sol-000001')]);
  store.applyAck({ type: 'ack', op_id: acked.op_id, seq: 3 });
  const pendingA = store.submit([P.updateItem('act-000001', { cell: { day: 'weekend' }, x: 12.25 })]);
  const pendingB = store.submit([note('note-000002', 'pas encore confirmée 🙂')]);

  const saved = JSON.parse(JSON.stringify(store));
  const restored = BoardStore.fromJSON(saved);
  assert.deepEqual(restored.toJSON(), saved);
  assert.deepEqual(JSON.parse(JSON.stringify(restored)), saved);
  assert.deepEqual(plain(restored.view()), plain(store.view()));
  assert.deepEqual(restored.pending, [pendingA, pendingB]);
  assert.equal(restored.seq, 3);
  assert.equal(restored.participant, ME);
  assert.equal(BoardStore.fromJSON(saved, { participant: OTHER }).participant, OTHER);

  // It carries on: the welcome hands back the pending batches, new op_ids do not collide with them.
  const resend = restored.applyWelcome(deltaWelcome(4, [change(4, OTHER, [P.updateItem('dif-000001', { text: 'précisé' })])]));
  assert.deepEqual(resend.map((m) => m.op_id), [pendingA.op_id, pendingB.op_id]);
  const next = restored.submit([P.addVote('sol-000001')]);
  assert.ok(![acked.op_id, pendingA.op_id, pendingB.op_id].includes(next.op_id));
  restored.applyAck({ type: 'ack', op_id: pendingA.op_id, seq: 5 });
  restored.applyAck({ type: 'ack', op_id: pendingB.op_id, seq: 6 });
  restored.applyAck({ type: 'ack', op_id: next.op_id, seq: 7 });
  assert.equal(restored.pendingCount, 0);
  assert.equal(restored.myVotes('sol-000001'), 2);
  assert.deepEqual(restored.view().items.get('act-000001').cell, { day: 'weekend' });
  assert.equal(restored.view().items.get('dif-000001').text, 'précisé');
  assert.ok(restored.view().deleted.has('note-000001'));

  // A fresh client id for a restored store that another tab may share: pending keep their op_ids.
  const twin = BoardStore.fromJSON(saved);
  twin.renewClientId('tab-twin');
  assert.deepEqual(twin.pending.map((m) => m.op_id), [pendingA.op_id, pendingB.op_id]);
  assert.equal(twin.submit([P.addVote('sol-000001')]).op_id, 'tab-twin:1');
  assert.throws(() => BoardStore.fromJSON({ format: 999 }), Error);
});

test('applyOp refuses with the server\'s codes, leaving the state untouched', () => {
  const s = emptyState();
  const attempt = (op, author = ME) => {
    try { applyOp(s, op, author, CHECKED); return null; } catch (e) { assert.ok(e instanceof RuleError); return e.code; }
  };
  assert.equal(attempt(activity('act-000001')), null);
  assert.equal(attempt(activity('act-000001')), 'id_exists');
  assert.equal(attempt(P.createItem({ id: 'act-000002', kind: 'activity', x: 0, y: 0 })), 'ref_required');
  assert.equal(attempt(P.createItem({ id: 'note-000001', kind: 'note', x: 0, y: 0, ref: 'x', text: 'a' })), 'field_not_allowed');
  assert.equal(attempt(P.createItem({ id: 'note-000001', kind: 'note', x: 0, y: 0, text: 'a', severity: 'ok' })), 'field_not_allowed');
  assert.equal(attempt(P.createItem({ id: 'sol-000001', kind: 'solution', x: 0, y: 0 })), 'text_required');
  assert.equal(attempt(P.createItem({ id: 'dif-000001', kind: 'difficulty', x: 0, y: 0, ref: 'r' })), 'severity_required');
  assert.equal(attempt(P.updateItem('act-000009', { x: 1 })), 'item_missing');
  assert.equal(attempt(P.deleteItem('act-000001')), null);
  assert.equal(attempt(P.updateItem('act-000001', { x: 1 })), 'item_deleted');
  assert.equal(attempt(activity('act-000001')), 'id_reused');
  assert.equal(attempt(P.deleteThread('th-000001')), 'thread_missing');
  assert.equal(attempt(P.removeVote('act-000001')), 'item_deleted');
  assert.equal(attempt(solution('sol-000001')), null);
  assert.equal(attempt(P.removeVote('sol-000001')), 'no_vote');
  assert.equal(attempt({ op: 'board.update', vote_budget: 51 }), 'invalid_budget');
  assert.equal(attempt({ op: 'board.update', title: '\u0000' }), 'text_invalid');
  assert.equal(attempt({ op: 'item.move', id: 'sol-000001' }), 'unknown_op');
  assert.deepEqual([...s.items.keys()], ['sol-000001']);
});

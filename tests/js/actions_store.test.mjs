// The action board's replica (js/actions/store.js): optimistic view, snapping, moves, resizes, votes, settings.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as P from '../../frontend/static/js/core/protocol.js';
import { ActionStore, actionStateToSnapshot, defaultActionSettings } from '../../frontend/static/js/actions/store.js';
import { parseMonth, formatMonth, snap, snapEnd, periods } from '../../frontend/static/js/actions/months.js';

const ME = 'p-amina';
const OTHER = 'p-karim';

const snapshot = (actions = [], extra = {}) => ({
  settings: { ...defaultActionSettings(), title: 'Plan', ...extra },
  actions, votes: [], deleted: [],
});
const welcome = (seq, snap, role = 'participant') => ({
  type: 'welcome', protocol: 1, board: { id: 'board-a1', workshop: 'ws-1', kind: 'actions' },
  you: { participant: ME, alias: 'Amina', role }, seq, server_time: 1_000, resync: 'snapshot', snapshot: snap,
});
const fresh = (snap = snapshot(), role) => {
  const store = new ActionStore({ clientId: 'tab-me', clock: () => 1_000 });
  store.applyWelcome(welcome(0, snap, role));
  return store;
};
const card = (id, over = {}) => ({
  id, author: OTHER, lane: 'continue', start: '2025-01', end: '2025-06',
  fiche: { title: 'Ateliers numériques' }, milestones: [], capabilities: {}, links: [], ...over,
});

test('months: parse, format, snap down and up by scale, ticks', () => {
  assert.equal(formatMonth(parseMonth('2025-05')), '2025-05');
  assert.ok(Number.isNaN(parseMonth('2025-13')));
  assert.equal(formatMonth(snap(parseMonth('2025-05'), 'quarter')), '2025-04');
  assert.equal(formatMonth(snapEnd(parseMonth('2025-05'), 'quarter')), '2025-06');
  assert.equal(formatMonth(snap(parseMonth('2025-08'), 'semester')), '2025-07');
  assert.equal(formatMonth(snapEnd(parseMonth('2025-02'), 'semester')), '2025-06');
  assert.deepEqual(periods(parseMonth('2025-01'), parseMonth('2025-12'), 'quarter').map(formatMonth), ['2025-01', '2025-04', '2025-07', '2025-10']);
});

test('a created action shows at once with every fiche field and snapped dates, then its ack confirms it', () => {
  const store = fresh();
  const msg = store.submit([P.createAction({ id: 'action-000001', lane: 'create', start: '2025-05', end: '2025-05', fiche: { title: 'Café numérique' } })]);
  assert.equal(msg.op_id, 'tab-me:1');
  const a = store.view().actions.get('action-000001');
  assert.equal(a.start, '2025-04');
  assert.equal(a.end, '2025-06');
  assert.equal(a.author, ME);
  assert.equal(a.fiche.title, 'Café numérique');
  assert.equal(a.fiche.status, 'draft');
  assert.deepEqual(a.fiche.partners, []);
  assert.equal(a.fiche.budget, null);
  assert.equal(store.confirmed().actions.size, 0);
  store.applyAck({ type: 'ack', op_id: msg.op_id, seq: 1 });
  assert.equal(store.pendingCount, 0);
  assert.deepEqual(store.confirmed().actions.get('action-000001'), a);
});

test('a move keeps the duration, snaps the start down and carries the milestones', () => {
  const store = fresh(snapshot([card('action-000001', { milestones: [{ id: 'mile-000001', month: '2025-03', label: 'Lancement' }] })]));
  store.submit([P.moveAction('action-000001', { lane: 'reinforce', start: '2026-05' })]);
  const a = store.view().actions.get('action-000001');
  assert.equal(a.lane, 'reinforce');
  assert.equal(a.start, '2026-04');
  assert.equal(a.end, '2026-09');
  assert.deepEqual(a.milestones, [{ id: 'mile-000001', month: '2026-06', label: 'Lancement' }]);
});

test('a move or resize outside the timeline, or leaving a milestone out, is left out of the view whole', () => {
  const store = fresh(snapshot([card('action-000001', { milestones: [{ id: 'mile-000001', month: '2025-05', label: 'Bilan' }] })]));
  const before = actionStateToSnapshot(store.view());
  store.submit([P.moveAction('action-000001', { start: '2027-10' })]); // would end 2028-03, past 2027-12
  store.submit([P.resizeAction('action-000001', 'end', '2025-02')]); // milestone 2025-05 would be outside
  store.submit([P.resizeAction('action-000001', 'start', '2025-04'), P.moveAction('action-000001', { lane: 'nope' })]);
  assert.equal(store.pendingCount, 3);
  assert.deepEqual(actionStateToSnapshot(store.view()), before);
});

test('resize: start snaps down, end snaps up', () => {
  const store = fresh(snapshot([card('action-000001')]));
  store.submit([P.resizeAction('action-000001', 'end', '2025-08'), P.resizeAction('action-000001', 'start', '2024-11')]);
  const a = store.view().actions.get('action-000001');
  assert.equal(a.start, '2024-10');
  assert.equal(a.end, '2025-09');
});

test('fiche patch, capabilities, milestones and links', () => {
  const store = fresh(snapshot([card('action-000001')]));
  store.submit([
    P.updateAction('action-000001', { budget: 1000, lead: 'ccas', funding: [{ source: 'Ville', amount: 500, state: 'secured' }] }),
    P.setCapability('action-000001', 'targeted', 'health', 3),
    P.setCapability('action-000001', 'today', 'rights', 1),
    P.addMilestone('action-000001', 'mile-000002', '2025-04', 'Mi-parcours'),
    P.linkAction('action-000001', 'board-e1', 'sol-000001'),
  ]);
  const a = store.view().actions.get('action-000001');
  assert.equal(a.fiche.budget, 1000);
  assert.equal(a.fiche.lead, 'ccas');
  assert.deepEqual(a.capabilities, { targeted: { health: 3 }, today: { rights: 1 } });
  assert.deepEqual(a.milestones, [{ id: 'mile-000002', month: '2025-04', label: 'Mi-parcours' }]);
  assert.deepEqual(a.links, [{ board: 'board-e1', item: 'sol-000001' }]);
  // secured funding above the budget: refused whole
  store.submit([P.updateAction('action-000001', { title: 'Nouveau titre' }), P.updateAction('action-000001', { budget: 100 })]);
  assert.equal(store.view().actions.get('action-000001').fiche.title, 'Ateliers numériques');
  // clearing the last level drops the series
  store.submit([P.setCapability('action-000001', 'today', 'rights', null)]);
  assert.deepEqual(store.view().actions.get('action-000001').capabilities, { targeted: { health: 3 } });
  // a fiche may not name the card's dates
  store.submit([P.updateAction('action-000001', { start: '2025-01' })]);
  assert.equal(store.view().actions.get('action-000001').fiche.start, undefined);
});

test('dot votes within the budget; a delete takes the dots and wins over later edits', () => {
  const store = fresh(snapshot([card('action-000001'), card('action-000002')], { vote_budget: 2 }));
  store.submit([P.addVote('action-000001')]);
  store.submit([P.addVote('action-000001')]);
  store.submit([P.addVote('action-000002')]); // over budget
  assert.equal(store.myVotes('action-000001'), 2);
  assert.equal(store.myVotes('action-000002'), 0);
  assert.equal(store.votesLeft(), 0);
  assert.equal(store.voteTotal('action-000001'), 2);
  store.applyChange({ type: 'change', seq: 1, op_id: 'x:1', author: OTHER, ops: [P.deleteAction('action-000001')] });
  assert.equal(store.view().actions.has('action-000001'), false);
  assert.equal(store.votesUsed(), 1); // the third dot now fits
  assert.ok(store.view().deleted.has('action-000001'));
});

test('a reject drops the batch; a change from someone else applies in seq order', () => {
  const store = fresh(snapshot([card('action-000001')]));
  const msg = store.submit([P.moveAction('action-000001', { start: '2025-07' })]);
  assert.equal(store.view().actions.get('action-000001').start, '2025-07');
  store.applyReject({ op_id: msg.op_id, code: 'action_outside_timeline' });
  assert.equal(store.view().actions.get('action-000001').start, '2025-01');
  store.applyChange({ type: 'change', seq: 1, op_id: 'o:1', author: OTHER, ops: [P.resizeAction('action-000001', 'end', '2025-12')] });
  store.applyChange({ type: 'change', seq: 1, op_id: 'o:1', author: OTHER, ops: [P.resizeAction('action-000001', 'end', '2026-12')] }); // old seq: ignored
  assert.equal(store.view().actions.get('action-000001').end, '2025-12');
});

test('settings: a new scale re-snaps the cards outward; participants may add to the editable lists only', () => {
  const store = fresh(snapshot([card('action-000001', { start: '2025-04', end: '2025-06' })], { timeline: { start: '2024-01', end: '2027-12', scale: 'quarter' } }), 'facilitator');
  store.submit([P.updateActionBoard({ timeline: { scale: 'semester' }, phase: 'place' })]);
  const v = store.view();
  assert.equal(v.settings.timeline.scale, 'semester');
  assert.equal(v.settings.phase, 'place');
  assert.equal(v.actions.get('action-000001').start, '2025-01');
  assert.equal(v.actions.get('action-000001').end, '2025-06');

  const participant = fresh(snapshot());
  participant.submit([P.updateActionBoard({ locked: true })]);
  assert.equal(participant.view().settings.locked, false);
  participant.submit([P.addListEntry('organisations', 'amis-du-jas', 'Les Amis du Jas')]);
  assert.deepEqual(participant.view().settings.organisations.at(-1), { id: 'amis-du-jas', label: 'Les Amis du Jas' });
});

test('the ack may carry the ops as the server stored them (a timer stamped by the server)', () => {
  const store = fresh(snapshot(), 'facilitator');
  const msg = store.submit([P.setTimer('start', 60)]);
  store.applyAck({ type: 'ack', op_id: msg.op_id, seq: 1, ops: [{ op: 'timer.set', action: 'start', seconds: 60, at: 5_000 }] });
  assert.deepEqual(store.confirmed().settings.timer, { duration: 60_000, ends_at: 65_000, remaining: null });
});

test('a message the server would not parse is refused before it is queued', () => {
  const store = fresh(snapshot([card('action-000001')]));
  assert.throws(() => store.submit([{ op: 'action.move', id: 'action-000001' }]), TypeError);
  assert.throws(() => store.submit([P.resizeAction('action-000001', 'middle', '2025-01')]), TypeError);
  assert.throws(() => store.submit([{ op: 'item.create', id: 'note-000001', kind: 'note', x: 0, y: 0, text: 'x' }]), TypeError);
  assert.equal(store.pendingCount, 0);
});

test('saved and restored with its pending batches; subscribers hear every change', () => {
  const store = fresh(snapshot([card('action-000001')]));
  let heard = 0;
  store.subscribe((s) => { assert.equal(s, store); heard += 1; });
  store.submit([P.moveAction('action-000001', { lane: 'create' })]);
  assert.equal(heard, 1);
  const again = ActionStore.fromJSON(JSON.parse(JSON.stringify(store.toJSON())), { participant: ME });
  assert.equal(again.pendingCount, 1);
  assert.equal(again.view().actions.get('action-000001').lane, 'create');
  assert.equal(again.confirmed().actions.get('action-000001').lane, 'continue');
  assert.throws(() => ActionStore.fromJSON({ format: 1 }));
});

test('the view keeps unchanged actions as the same objects', () => {
  const store = fresh(snapshot([card('action-000001'), card('action-000002')]));
  const a = store.view().actions.get('action-000002');
  store.submit([P.moveAction('action-000001', { lane: 'create' })]);
  assert.equal(store.view().actions.get('action-000002'), a);
  assert.ok(Object.isFrozen(a) && Object.isFrozen(a.fiche));
});

test('the message check follows the server\'s models: sizes of labels, lists and fiche patches', () => {
  const store = fresh(snapshot([card('action-000001')]), 'facilitator');
  assert.throws(() => store.submit([P.addMilestone('action-000001', 'mile-000001', '2025-02', 'x'.repeat(121))]), TypeError);
  assert.throws(() => store.submit([P.addListEntry('organisations', 'amis', 'x'.repeat(81))]), TypeError);
  assert.throws(() => store.submit([P.updateActionBoard({ lanes: [] })]), TypeError);
  assert.throws(() => store.submit([P.updateAction('action-000001', {})]), TypeError);
  assert.doesNotThrow(() => store.submit([P.updateActionBoard({ organisations: [] })]));
  assert.doesNotThrow(() => store.submit([P.setCapability('action-000001', 'today', 'health', null)]));
});

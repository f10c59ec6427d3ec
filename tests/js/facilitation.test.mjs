// Facilitation in the replica and on the wire: phases, lock, timer, hide, merge, resync, the clock offset.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as P from '../../frontend/static/js/core/protocol.js';
import { BoardStore, defaultSettings, nextTimer, stateToSnapshot, timerLeft } from '../../frontend/static/js/core/store.js';
import { clockText, paletteShown, phaseTools, refusal } from '../../frontend/static/js/board/phase.js';

const FAC = 'p-fac';
const ME = 'p-amina';
const OTHER = 'p-karim';
const T0 = 1_700_000_000_000; // server time at the welcome

const snapshot = (over = {}) => ({ settings: defaultSettings(), items: [], threads: [], votes: [], deleted: [], ...over });
const welcome = (seq, snap, { role = 'participant', participant = ME, serverTime } = {}) => ({
  type: 'welcome', protocol: 1, board: { id: 'board-1', workshop: 'ws-1', kind: 'exploration' },
  you: { participant, alias: 'x', role }, seq, resync: 'snapshot', snapshot: snap,
  ...(serverTime !== undefined && { server_time: serverTime }),
});
const change = (seq, author, ops, opId = `${author}-tab:${seq}`) => ({ type: 'change', seq, op_id: opId, author, ops });
const solution = (id, text = 'une aide') => P.createItem({ id, kind: 'solution', x: 0, y: 0, text });
const difficulty = (id) => P.createItem({ id, kind: 'difficulty', x: 0, y: 0, ref: 'lost-login', severity: 'bloque' });
const activity = (id) => P.createItem({ id, kind: 'activity', x: 0, y: 0, ref: 'school-run', cell: { day: 'mon', slot: 'morning' } });

/** A store whose clock we hold. */
function clocked(role = 'participant', participant = ME, { serverTime = T0, deviceTime = T0 } = {}) {
  const clock = { now: deviceTime };
  const store = new BoardStore({ participant, clientId: 'tab-me', clock: () => clock.now });
  store.applyWelcome(welcome(0, snapshot(), { role, participant, serverTime }));
  return { store, clock };
}

// -- the wire ----------------------------------------------------------------------------------------------

test('board.update builders send only what is given, and the checks mirror the server models', () => {
  assert.deepEqual(P.updateBoard({ phase: 'week' }), { op: 'board.update', phase: 'week' });
  assert.deepEqual(P.updateBoard({ phase: null, spotlight: null }), { op: 'board.update', phase: null, spotlight: null });
  assert.deepEqual(P.updateBoard({ locked: false, votes_hidden: true, private: true, follow: false }),
    { op: 'board.update', locked: false, votes_hidden: true, private: true, follow: false });
  assert.equal(P.opProblem(P.updateBoard({ phases: ['welcome', 'vote'], phase: 'vote' })), null);
  assert.match(P.opProblem({ op: 'board.update', phase: 'lunch' }), /bad phase/);
  assert.match(P.opProblem({ op: 'board.update', phases: ['vote', 'vote'] }), /bad phases/);
  assert.match(P.opProblem({ op: 'board.update', phases: [] }), /bad phases/);
  assert.match(P.opProblem({ op: 'board.update', locked: 'yes' }), /bad locked/);
  assert.match(P.opProblem({ op: 'board.update', spotlight: 'x' }), /bad spotlight/);
  assert.match(P.opProblem({ op: 'board.update', role: 'facilitator' }), /unknown field role/);
});

test('timer.set: seconds where the action needs them, never `at`', () => {
  assert.deepEqual(P.setTimer('start', 600), { op: 'timer.set', action: 'start', seconds: 600 });
  assert.deepEqual(P.setTimer('pause'), { op: 'timer.set', action: 'pause' });
  assert.equal(P.opProblem(P.setTimer('add', -60)), null);
  assert.match(P.opProblem(P.setTimer('start')), /start needs/);
  assert.match(P.opProblem(P.setTimer('start', 0)), /start needs/);
  assert.match(P.opProblem(P.setTimer('start', 36_001)), /seconds|start needs/);
  assert.match(P.opProblem(P.setTimer('add', 0)), /add needs/);
  assert.match(P.opProblem(P.setTimer('pause', 5)), /takes no seconds/);
  assert.match(P.opProblem({ op: 'timer.set', action: 'start', seconds: 60, at: T0 }), /unknown field at/);
  assert.match(P.opProblem({ op: 'timer.set', action: 'stop' }), /bad action/);
});

test('item.hide and item.merge builders', () => {
  assert.deepEqual(P.hideItem('sol-000001', true), { op: 'item.hide', id: 'sol-000001', hidden: true });
  assert.deepEqual(P.mergeItems('sol-000001', 'sol-000002'), { op: 'item.merge', keep: 'sol-000001', drop: 'sol-000002' });
  assert.match(P.opProblem({ op: 'item.hide', id: 'sol-000001' }), /missing hidden/);
  assert.match(P.opProblem({ op: 'item.merge', keep: 'sol-000001' }), /missing drop/);
});

test('a resync message parses; a welcome keeps server_time', () => {
  const msg = P.parseServerMessage(JSON.stringify({ type: 'resync', seq: 4, snapshot: snapshot() }));
  assert.equal(msg.type, 'resync');
  assert.throws(() => P.parseServerMessage(JSON.stringify({ type: 'resync', seq: 4 })), /snapshot/);
  const { store } = clocked('participant', ME, { serverTime: T0 + 5000, deviceTime: T0 });
  assert.equal(store.clockOffset, 5000);
  assert.equal(store.serverNow(), T0 + 5000);
});

// -- settings ----------------------------------------------------------------------------------------------

test('a facilitator\'s board.update shows at once; a participant\'s is left out of the view', () => {
  const { store } = clocked('facilitator', FAC);
  store.submit([P.updateBoard({ phase: 'week', locked: true, votes_hidden: true })]);
  const s = store.view().settings;
  assert.equal(s.phase, 'week');
  assert.equal(s.locked, true);
  assert.equal(s.votes_hidden, true);
  assert.ok(Object.isFrozen(s));
  assert.throws(() => store.submit([P.updateBoard({ phase: 'lunch' })]), TypeError, 'not a phase: the model refuses it');
  store.submit([P.updateBoard({ phases: ['welcome', 'vote'], phase: 'vote' }), P.updateBoard({ phase: 'week' })]);
  assert.equal(store.view().settings.phase, 'week', 'not a phase of this board: refused, whole');

  const co = clocked('co_facilitator', 'p-co').store;
  co.submit([P.updateBoard({ phase: 'vote' })]);
  assert.equal(co.view().settings.phase, 'vote');

  const resident = clocked().store;
  resident.submit([P.updateBoard({ locked: true })]);
  assert.equal(resident.view().settings.locked, false, 'forbidden to a participant');
});

test('settings come from a change in seq order; a phase must be one of the phases', () => {
  const { store } = clocked();
  store.applyChange(change(1, FAC, [P.updateBoard({ phase: 'threads' })]));
  assert.equal(store.view().settings.phase, 'threads');
  store.applyChange(change(2, FAC, [P.updateBoard({ phases: ['welcome', 'week'], phase: 'week' })]));
  assert.deepEqual(store.view().settings.phases, ['welcome', 'week']);
  assert.equal(store.view().settings.phase, 'week');
  const fac = clocked('facilitator', FAC).store;
  fac.submit([P.updateBoard({ phase: 'vote' })]);
  fac.submit([P.updateBoard({ phases: ['welcome', 'week'] })]); // would leave the phase out: refused
  assert.equal(fac.view().settings.phases.length, 6);
  store.applyChange(change(3, FAC, [P.updateBoard({ follow: true })]));
  assert.equal(store.view().settings.follow, FAC);
  store.applyChange(change(4, FAC, [P.updateBoard({ follow: false })]));
  assert.equal(store.view().settings.follow, null);
});

test('private rounds count, and items made during one carry its round', () => {
  const { store } = clocked();
  store.applyChange(change(1, FAC, [P.updateBoard({ private: true })]));
  assert.deepEqual(store.view().settings.private, { active: true, round: 1 });
  store.submit([solution('sol-000001')]);
  assert.equal(store.view().items.get('sol-000001').round, 1);
  store.applyChange(change(2, FAC, [P.updateBoard({ private: false })]));
  assert.deepEqual(store.view().settings.private, { active: false, round: 1 });
  store.applyChange(change(3, FAC, [P.updateBoard({ private: true })]));
  assert.deepEqual(store.view().settings.private, { active: true, round: 2 });
});

test('spotlight: a live item or null', () => {
  const { store } = clocked('facilitator', FAC);
  store.submit([solution('sol-000001'), P.updateBoard({ spotlight: 'sol-000001' })]);
  assert.equal(store.view().settings.spotlight, 'sol-000001');
  store.submit([P.updateBoard({ spotlight: 'sol-000404' })]);
  assert.equal(store.view().settings.spotlight, 'sol-000001', 'no such item: refused');
  store.submit([P.updateBoard({ spotlight: null })]);
  assert.equal(store.view().settings.spotlight, null);
  store.submit([P.updateBoard({ spotlight: 'sol-000001' }), P.deleteItem('sol-000001')]);
  assert.equal(store.view().settings.spotlight, null, 'a deleted item leaves the spotlight');
});

test('old saved replicas (title and budget only) load with the default settings', () => {
  const store = BoardStore.fromJSON({
    format: 1, participant: ME, clientId: 'tab-old', counter: 0, seq: 3, pending: [],
    state: { settings: { title: 'Avant', vote_budget: 4 }, items: [], threads: [], votes: [], deleted: [] },
  });
  assert.deepEqual(store.view().settings, { ...defaultSettings(), title: 'Avant', vote_budget: 4 });
  const again = BoardStore.fromJSON(JSON.parse(JSON.stringify(store.toJSON())));
  assert.deepEqual(again.view().settings, store.view().settings);
});

// -- the timer ---------------------------------------------------------------------------------------------

test('the timer counts down from the server\'s ends_at, corrected by the clock offset', () => {
  // This device's clock is 7 s behind the server's.
  const { store, clock } = clocked('participant', ME, { serverTime: T0, deviceTime: T0 - 7000 });
  store.applyChange(change(1, FAC, [{ ...P.setTimer('start', 600), at: T0 }]));
  assert.deepEqual(store.view().settings.timer, { duration: 600_000, ends_at: T0 + 600_000, remaining: null });
  assert.deepEqual(store.timerNow(), { left: 600_000, running: true, done: false });
  clock.now += 61_000;
  assert.equal(store.timerNow().left, 539_000);
  clock.now += 10 * 60_000;
  assert.deepEqual(store.timerNow(), { left: 0, running: false, done: true });
});

test('a paused timer shows what was left, whatever the time; resume and add go on from there', () => {
  const { store, clock } = clocked();
  store.applyChange(change(1, FAC, [{ ...P.setTimer('start', 300), at: T0 }]));
  store.applyChange(change(2, FAC, [{ ...P.setTimer('pause'), at: T0 + 100_000 }]));
  assert.deepEqual(store.view().settings.timer, { duration: 300_000, ends_at: null, remaining: 200_000 });
  clock.now += 3_600_000;
  assert.deepEqual(store.timerNow(), { left: 200_000, running: false, done: false });
  store.applyChange(change(3, FAC, [{ ...P.setTimer('add', 60), at: T0 + 200_000 }]));
  assert.deepEqual(store.view().settings.timer, { duration: 360_000, ends_at: null, remaining: 260_000 });
  store.applyChange(change(4, FAC, [{ ...P.setTimer('resume'), at: T0 + 300_000 }]));
  assert.deepEqual(store.view().settings.timer, { duration: 360_000, ends_at: T0 + 560_000, remaining: null });
  store.applyChange(change(5, FAC, [{ ...P.setTimer('add', -3600), at: T0 + 300_000 }]));
  assert.equal(store.view().settings.timer.ends_at, T0 + 300_000, 'never before now');
  assert.equal(store.view().settings.timer.duration, 0);
  store.applyChange(change(6, FAC, [{ ...P.setTimer('clear'), at: T0 + 300_000 }]));
  assert.equal(store.view().settings.timer, null);
});

test('the facilitator\'s own timer op is drawn at once, with the server\'s time by this clock', () => {
  const { store, clock } = clocked('facilitator', FAC, { serverTime: T0, deviceTime: T0 + 2000 });
  const msg = store.submit([P.setTimer('start', 600)]);
  assert.equal(msg.ops[0].at, undefined, 'the server stamps the time');
  assert.equal(store.view().settings.timer.ends_at, T0 + 600_000);
  clock.now += 1000;
  store.applyAck({ type: 'ack', op_id: msg.op_id, seq: 1 });
  assert.equal(store.confirmed().settings.timer.ends_at, T0 + 601_000);
  store.submit([P.setTimer('resume')]); // not paused: refused here as the server would
  assert.equal(store.view().settings.timer.ends_at, T0 + 601_000);
});

test('nextTimer refuses what the server refuses', () => {
  assert.throws(() => nextTimer(null, P.setTimer('pause'), T0), { code: 'timer_not_running' });
  assert.throws(() => nextTimer(null, P.setTimer('resume'), T0), { code: 'timer_not_paused' });
  assert.throws(() => nextTimer(null, P.setTimer('add', 60), T0), { code: 'no_timer' });
  assert.throws(() => nextTimer(null, P.setTimer('clear'), T0), { code: 'no_timer' });
  const paused = { duration: 1000, ends_at: null, remaining: 500 };
  assert.throws(() => nextTimer(paused, P.setTimer('pause'), T0), { code: 'timer_not_running' });
  assert.equal(timerLeft(null, T0), null);
});

// -- moderation --------------------------------------------------------------------------------------------

test('item.hide keeps the item, marked hidden; showing it again clears the mark', () => {
  const { store } = clocked('facilitator', FAC);
  store.applyChange(change(1, OTHER, [solution('sol-000001')]));
  store.submit([P.hideItem('sol-000001', true)]);
  assert.equal(store.view().items.get('sol-000001').hidden, true);
  store.submit([P.hideItem('sol-000001', false)]);
  assert.equal('hidden' in store.view().items.get('sol-000001'), false);
  const resident = clocked().store;
  resident.applyChange(change(1, OTHER, [solution('sol-000001')]));
  resident.submit([P.hideItem('sol-000001', true)]);
  assert.equal(resident.view().items.get('sol-000001').hidden, undefined, 'forbidden to a participant');
});

test('item.merge moves threads and dots to the keep, drops doubles and self-threads, deletes the drop', () => {
  const { store } = clocked('facilitator', FAC);
  store.applyChange(change(1, OTHER, [
    activity('act-000001'), activity('act-000002'), difficulty('dif-000001'), difficulty('dif-000002'),
    solution('sol-000001'), solution('sol-000002'),
    P.createThread('th-000001', 'act-000001', 'dif-000001'), // keep's own
    P.createThread('th-000002', 'act-000001', 'dif-000002'), // would double th-000001: goes
    P.createThread('th-000003', 'act-000002', 'dif-000002'), // moves to keep
    P.createThread('th-000004', 'dif-000002', 'sol-000001'), // moves to keep
    P.addVote('sol-000002'),
  ]));
  store.applyChange(change(2, ME, [P.addVote('sol-000002'), P.addVote('sol-000001')]));
  store.submit([P.mergeItems('dif-000001', 'dif-000002')]);
  let v = store.view();
  assert.equal(v.items.has('dif-000002'), false);
  assert.ok(v.deleted.has('dif-000002'));
  assert.deepEqual([...v.threads.values()].map((t) => [t.id, t.source, t.target]), [
    ['th-000001', 'act-000001', 'dif-000001'],
    ['th-000003', 'act-000002', 'dif-000001'], // moved threads go to the end, in id order, as on the server
    ['th-000004', 'dif-000001', 'sol-000001'],
  ]);
  assert.ok(v.deleted.has('th-000002'));

  store.submit([P.updateBoard({ spotlight: 'sol-000002' }), P.mergeItems('sol-000001', 'sol-000002')]);
  v = store.view();
  assert.equal(v.settings.spotlight, 'sol-000001', 'the spotlight follows the merge');
  assert.equal(store.voteTotal('sol-000001'), 3);
  assert.equal(v.votes.get(OTHER).get('sol-000001'), 1);
  assert.equal(v.votes.get(ME).get('sol-000001'), 2);
  assert.equal(v.votes.get(ME).has('sol-000002'), false);

  // Activities, different kinds and an item with itself are refused, whole.
  const before = stateToSnapshot(store.view());
  store.submit([P.mergeItems('act-000001', 'act-000002')]);
  store.submit([P.mergeItems('dif-000001', 'sol-000001')]);
  store.submit([P.mergeItems('sol-000001', 'sol-000001')]);
  assert.deepEqual(stateToSnapshot(store.view()), before);
});

test('merging two ideas tied to one difficulty leaves one thread', () => {
  const { store } = clocked('facilitator', FAC);
  store.applyChange(change(1, OTHER, [solution('sol-000001'), solution('sol-000002'), difficulty('dif-000001'),
    P.createThread('th-000001', 'dif-000001', 'sol-000001'), P.createThread('th-000002', 'dif-000001', 'sol-000002')]));
  store.applyChange(change(2, FAC, [P.mergeItems('sol-000001', 'sol-000002')]));
  assert.deepEqual([...store.view().threads.keys()], ['th-000001']);
  assert.deepEqual([...store.view().items.keys()], ['sol-000001', 'dif-000001']);
});

// -- resync ------------------------------------------------------------------------------------------------

test('resync replaces the confirmed state and keeps the pending batches on top', () => {
  const { store } = clocked();
  store.applyChange(change(1, OTHER, [solution('sol-000001'), P.addVote('sol-000001')]));
  store.applyChange(change(2, FAC, [P.updateBoard({ votes_hidden: true })]));
  const mine = store.submit([solution('sol-000009', 'la mienne')]);
  const vote = store.submit([P.addVote('sol-000001')]);
  // The server says: others' dots are hidden now.
  const snap = snapshot({
    settings: { ...defaultSettings(), votes_hidden: true },
    items: [{ id: 'sol-000001', kind: 'solution', author: OTHER, x: 0, y: 0, text: 'une aide' }],
  });
  store.applyResync({ seq: 2, snapshot: snap });
  assert.equal(store.seq, 2);
  assert.deepEqual(store.pending, [mine, vote]);
  assert.deepEqual(stateToSnapshot(store.confirmed()), snap);
  assert.deepEqual([...store.view().items.keys()], ['sol-000001', 'sol-000009']);
  assert.equal(store.voteTotal('sol-000001'), 1, 'only my pending dot is seen');
  store.applyAck({ type: 'ack', op_id: mine.op_id, seq: 3 });
  store.applyAck({ type: 'ack', op_id: vote.op_id, seq: 4 });
  assert.equal(store.pendingCount, 0);
  assert.equal(store.seq, 4);
  assert.equal(store.myVotes('sol-000001'), 1);
});

// -- what a phase opens ------------------------------------------------------------------------------------

test('phaseTools reads the bootstrap\'s access table, and allows everything without one', () => {
  const access = {
    phases: {
      welcome: { kinds: [], threads: false, votes: false },
      week: { kinds: ['activity', 'note'], threads: false, votes: false },
      vote: { kinds: [], threads: false, votes: true },
    },
  };
  const settings = (over) => ({ ...defaultSettings(), ...over });
  const all = phaseTools(undefined, settings({ phase: 'week' }), 'participant');
  assert.deepEqual(all, { kinds: ['activity', 'difficulty', 'touchpoint', 'solution', 'note'], threads: true, votes: true, locked: false, any: true });
  assert.deepEqual(phaseTools(access, settings({ phase: null }), 'participant').kinds.length, 5, 'a free board');
  const week = phaseTools(access, settings({ phase: 'week' }), 'participant');
  assert.deepEqual(week, { kinds: ['activity', 'note'], threads: false, votes: false, locked: false, any: true });
  assert.equal(phaseTools(access, settings({ phase: 'welcome' }), 'participant').any, false);
  assert.equal(phaseTools(access, settings({ phase: 'vote' }), 'participant').votes, true);
  const locked = phaseTools(access, settings({ phase: 'week', locked: true }), 'participant');
  assert.deepEqual(locked, { kinds: [], threads: false, votes: false, locked: true, any: false });
  assert.equal(phaseTools(access, settings({ phase: 'welcome', locked: true }), 'facilitator').any, true, 'facilitators may do everything');
  assert.equal(phaseTools(access, settings({}), 'observer').any, false, 'observers send nothing durable');
});

test('refusal: locked, then the phase, then whose card it is (access.py\'s order)', () => {
  const all = phaseTools(undefined, { phase: null, locked: false }, 'participant');
  const week = { kinds: ['activity', 'note'], threads: false, votes: false, locked: false, any: true };
  const view = {
    items: new Map([['act-000001', { kind: 'activity', author: ME }], ['act-000002', { kind: 'activity', author: OTHER }],
      ['dif-000001', { kind: 'difficulty', author: OTHER }]]),
    threads: new Map([['th-000001', { source: 'act-000001', target: 'dif-000001', author: OTHER }],
      ['th-000002', { source: 'act-000002', target: 'dif-000001', author: OTHER }]]),
  };
  const own = (/** @type {string} */ a) => a === ME;
  assert.equal(refusal(week, [activity('act-000009')], view, false, own), null);
  assert.equal(refusal(week, [P.createItem({ id: 'sol-000009', kind: 'solution', x: 0, y: 0, text: 'x' })], view, false, own), 'board.closed');
  assert.equal(refusal(week, [P.addVote('sol-000001')], view, false, own), 'board.closed');
  assert.equal(refusal(week, [P.updateItem('act-000001', { x: 5 })], view, false, own), null);
  assert.equal(refusal(week, [P.updateItem('act-000002', { x: 5 })], view, false, own), 'board.reject.not_yours');
  assert.equal(refusal({ ...week, locked: true, kinds: [] }, [P.updateItem('act-000002', { x: 5 })], view, false, own), 'board.locked');
  assert.equal(refusal(all, [P.deleteThread('th-000001')], view, false, own), null, 'it touches my card');
  assert.equal(refusal(all, [P.deleteThread('th-000002')], view, false, own), 'board.reject.not_yours');
  assert.equal(refusal(all, [P.updateBoard({ locked: true })], view, false, own), 'board.closed');
  assert.equal(refusal(week, [P.updateBoard({ locked: true }), P.deleteItem('act-000002')], view, true, own), null, 'facilitating');
});

test('clockText: mm:ss rounded up, hours when needed', () => {
  assert.equal(clockText(600_000), '10:00');
  assert.equal(clockText(59_001), '01:00');
  assert.equal(clockText(1), '00:01');
  assert.equal(clockText(0), '00:00');
  assert.equal(clockText(-5), '00:00');
  assert.equal(clockText(3_600_000 + 61_000), '1:01:01');
});

test('the palette shows by itself where pictures are placed, on demand where they still may be, never where not', () => {
  const access = { phases: {
    week: { kinds: ['activity', 'note'] }, threads: { kinds: ['activity', 'difficulty'], threads: true }, vote: { votes: true },
  } };
  const resident = (/** @type {string | null} */ phase) => phaseTools(access, { phase, locked: false }, 'participant');
  assert.deepEqual(paletteShown(resident(null), null, false), { shown: true, offer: false });
  assert.deepEqual(paletteShown(resident('week'), 'week', false), { shown: true, offer: false });
  assert.deepEqual(paletteShown(resident('threads'), 'threads', false), { shown: false, offer: true });
  assert.deepEqual(paletteShown(resident('threads'), 'threads', true), { shown: true, offer: true });
  assert.deepEqual(paletteShown(resident('vote'), 'vote', true), { shown: false, offer: false });
  // a facilitator may place anything in any step: on demand in the vote, by itself in the week
  const facilitator = phaseTools(access, { phase: 'vote', locked: false }, 'facilitator');
  assert.deepEqual(paletteShown(facilitator, 'vote', false), { shown: false, offer: true });
  // a paused board closes it for a resident, asked or not
  assert.deepEqual(paletteShown(phaseTools(access, { phase: 'week', locked: true }, 'participant'), 'week', true),
    { shown: false, offer: false });
});

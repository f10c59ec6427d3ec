// A shared touch table and follow-me: the device kind, who a batch is made as (`as`), each member's counts,
// the view rectangle maths, and the store keeping `as` with a pending batch through acks, resends and reloads.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as P from '../../frontend/static/js/core/protocol.js';
import { BoardStore } from '../../frontend/static/js/core/store.js';
import {
  actingFor, deviceKind, fitRect, follows, hostedList, isRect, personCounts, sameRect, tableState, visibleRect,
} from '../../frontend/static/js/core/table.js';

const TABLE = 'p-table-device00';
const AMINA = 'p-amina-hosted00';
const KARIM = 'p-karim-hosted00';

const emptySnapshot = () => ({ settings: { title: 'Ma semaine', vote_budget: 2 }, items: [], threads: [], votes: [], deleted: [] });
const welcome = (seq, body) => ({
  type: 'welcome', protocol: 1, board: { id: 'board-1', workshop: 'ws-1', kind: 'exploration' },
  you: { participant: TABLE, alias: 'Table 1', role: 'participant', connection: 'c1' }, seq, ...body,
});
function tableStore(snapshot = emptySnapshot()) {
  const store = new BoardStore({ clientId: 'tab-table' });
  store.applyWelcome(welcome(0, { resync: 'snapshot', snapshot }));
  return store;
}
const activity = (id) => P.createItem({ id, kind: 'activity', x: 0, y: 0, ref: 'school-run', cell: { day: 'mon', slot: 'morning' } });
const solution = (id) => P.createItem({ id, kind: 'solution', x: 0, y: 0, text: 'une aide' });

// -- device kind ------------------------------------------------------------------------------------------

test('device kind: phone, tablet, desktop, screen', () => {
  assert.equal(deviceKind({ width: 360, height: 740, touch: true, finePointer: false }), 'phone');
  assert.equal(deviceKind({ width: 740, height: 360, touch: true, finePointer: false }), 'phone', 'a phone on its side');
  assert.equal(deviceKind({ width: 1024, height: 768, touch: true, finePointer: false }), 'tablet');
  assert.equal(deviceKind({ width: 1280, height: 800, touch: false, finePointer: true }), 'desktop');
  assert.equal(deviceKind({ width: 1366, height: 768, touch: true, finePointer: true }), 'desktop', 'a laptop with a touch screen');
  assert.equal(deviceKind({ width: 1920, height: 1080, touch: true, finePointer: false }), 'screen');
  assert.equal(deviceKind({ width: 1920, height: 1080, touch: true, finePointer: true }), 'screen', 'a wall screen with a mouse plugged in');
  assert.equal(deviceKind({ width: 1600, height: 900, touch: true, finePointer: false }), 'screen', '1600 px is a screen');
  assert.equal(deviceKind({ width: 1599, height: 900, touch: true, finePointer: false }), 'tablet');
  assert.equal(deviceKind({ width: 2560, height: 1440, touch: false, finePointer: true }), 'desktop', 'a big monitor without touch');
});

test('device kind: table mode makes any device the room screen', () => {
  assert.equal(deviceKind({ width: 1024, height: 768, touch: true, finePointer: false, tableMode: true }), 'screen');
  assert.equal(deviceKind({ width: 1280, height: 800, touch: false, finePointer: true, tableMode: true }), 'screen');
});

test('hello says the device only when known', () => {
  assert.deepEqual(P.hello('tab-1', 4, 'screen'), { type: 'hello', protocol: 1, client: 'tab-1', last_seq: 4, device: 'screen' });
  assert.deepEqual(P.hello('tab-1', null, 'phone'), { type: 'hello', protocol: 1, client: 'tab-1', device: 'phone' });
  assert.deepEqual(P.hello('tab-1', null), { type: 'hello', protocol: 1, client: 'tab-1' });
});

// -- who a batch is made as -------------------------------------------------------------------------------

test('acting for: the active member, or the member who made what is edited', () => {
  const store = tableStore();
  store.submit([activity('act-amina01')], { as: AMINA });
  store.submit([activity('act-karim01')], { as: KARIM });
  store.submit([activity('act-table01')]);
  const view = store.view();
  const members = new Set([AMINA, KARIM]);
  assert.equal(actingFor(view, [activity('act-new0001')], members, KARIM), KARIM);
  assert.equal(actingFor(view, [P.updateItem('act-amina01', { x: 5 })], members, KARIM), AMINA, "moving Amina's card is Amina's");
  assert.equal(actingFor(view, [P.deleteItem('act-amina01')], members, null), AMINA);
  assert.equal(actingFor(view, [P.updateItem('act-table01', { x: 5 })], members, KARIM), KARIM);
  assert.equal(actingFor(view, [activity('act-new0002')], members, null), null, 'nobody chosen yet');
  assert.equal(actingFor(view, [activity('act-new0003')], members, 'p-gone-person0'), null, 'someone no longer at the table');
});

// -- the store and `as` -----------------------------------------------------------------------------------

test('a push made as a member carries `as`, and the message stays valid', () => {
  const store = tableStore();
  const msg = store.submit([activity('act-amina01')], { as: AMINA });
  assert.deepEqual(msg, { type: 'ops', op_id: 'tab-table:1', as: AMINA, ops: [activity('act-amina01')] });
  assert.equal(P.opsMessageProblem(msg), null);
  assert.equal(store.view().items.get('act-amina01').author, AMINA, 'shown as hers at once');
  const plain = store.submit([activity('act-table01')]);
  assert.equal('as' in plain, false, 'without a member, no `as`');
  assert.equal(store.view().items.get('act-table01').author, TABLE);
});

test('a bad `as` is refused before it is queued', () => {
  const store = tableStore();
  assert.equal(P.opsMessageProblem({ type: 'ops', op_id: 'x:1', ops: [activity('act-amina01')], as: 'no' }), 'bad as');
  assert.throws(() => store.submit([activity('act-amina01')], { as: 'bad id!' }), TypeError);
  assert.equal(store.pendingCount, 0);
});

test('resends after a reconnect keep each batch `as` and op_id', () => {
  const store = tableStore();
  const a = store.submit([activity('act-amina01')], { as: AMINA });
  const k = store.submit([activity('act-karim01')], { as: KARIM });
  const resend = store.applyWelcome(welcome(0, { resync: 'delta', changes: [] }));
  assert.deepEqual(resend, [a, k]);
  assert.equal(resend[0].as, AMINA);
  assert.equal(resend[1].as, KARIM);
});

test('a reload keeps `as` with the pending batch', () => {
  const store = tableStore();
  store.submit([activity('act-amina01')], { as: AMINA });
  const back = BoardStore.fromJSON(JSON.parse(JSON.stringify(store.toJSON())), { participant: TABLE });
  back.renewClientId('tab-new');
  const resend = back.applyWelcome(welcome(0, { resync: 'delta', changes: [] }));
  assert.equal(resend.length, 1);
  assert.equal(resend[0].as, AMINA);
  assert.equal(resend[0].op_id, 'tab-table:1', 'the original op_id');
  assert.equal(back.view().items.get('act-amina01').author, AMINA);
});

test('the ack confirms a member batch under their name', () => {
  const store = tableStore();
  const msg = store.submit([activity('act-amina01')], { as: AMINA });
  store.applyAck({ op_id: msg.op_id, seq: 1 });
  assert.equal(store.pendingCount, 0);
  assert.equal(store.confirmed().items.get('act-amina01').author, AMINA);
});

test('our member batch coming back in a delta (its ack lost) leaves the pending list', () => {
  const store = tableStore();
  const msg = store.submit([activity('act-amina01')], { as: AMINA });
  const resend = store.applyWelcome(welcome(1, {
    resync: 'delta', changes: [{ type: 'change', seq: 1, op_id: msg.op_id, author: AMINA, ops: msg.ops }],
  }));
  assert.deepEqual(resend, []);
  assert.equal(store.view().items.get('act-amina01').author, AMINA);
});

test('each member has their own vote budget on a shared screen', () => {
  const store = tableStore(); // budget 2
  store.submit([solution('sol-000001')]);
  store.submit([P.addVote('sol-000001'), P.addVote('sol-000001')], { as: AMINA });
  assert.equal(store.votesLeft(AMINA), 0);
  assert.equal(store.votesLeft(KARIM), 2, "Amina's dots are not Karim's");
  store.submit([P.addVote('sol-000001')], { as: AMINA }); // over her budget: not in the view
  assert.equal(store.myVotes('sol-000001', AMINA), 2);
  store.submit([P.addVote('sol-000001')], { as: KARIM });
  assert.equal(store.myVotes('sol-000001', KARIM), 1);
  assert.equal(store.voteTotal('sol-000001'), 3);
  assert.equal(store.votesLeft(TABLE), 2, 'the device itself spent nothing');
});

// -- counts -----------------------------------------------------------------------------------------------

test('per-person counts: activities, other cards, dots used and left', () => {
  const store = tableStore();
  store.submit([activity('act-amina01'), activity('act-amina02'), solution('sol-amina01')], { as: AMINA });
  store.submit([activity('act-karim01'), P.addVote('sol-amina01')], { as: KARIM });
  const view = store.view();
  assert.deepEqual(personCounts(view, AMINA), { activities: 2, cards: 1, votesUsed: 0, votesLeft: 2 });
  assert.deepEqual(personCounts(view, KARIM), { activities: 1, cards: 0, votesUsed: 1, votesLeft: 1 });
  assert.deepEqual(personCounts(view, 'p-nobody-here0'), { activities: 0, cards: 0, votesUsed: 0, votesLeft: 2 });
});

test('counts never go below zero dots when the budget is lowered', () => {
  const view = { items: new Map(), votes: new Map([[AMINA, new Map([['sol-1', 3]])]]), settings: { vote_budget: 1 } };
  assert.equal(personCounts(view, AMINA).votesLeft, 0);
});

// -- saved state and the API's answers ----------------------------------------------------------------------

test('table state read from storage, whatever is there', () => {
  assert.deepEqual(tableState(null), { on: false, active: null, roomScreen: false });
  assert.deepEqual(tableState('garbage'), { on: false, active: null, roomScreen: false });
  assert.deepEqual(tableState({ on: true, active: AMINA }), { on: true, active: AMINA, roomScreen: false });
  assert.deepEqual(tableState({ on: 'yes', active: 3 }), { on: false, active: null, roomScreen: false });
});

test('hosted people from the API: a list or an object holding one', () => {
  const amina = { id: AMINA, alias: 'Amina', colour: 'green', kind: 'table' };
  assert.deepEqual(hostedList([amina]), [{ id: AMINA, alias: 'Amina', colour: 'green' }]);
  assert.deepEqual(hostedList({ hosted: [amina, { id: 3 }] }), [{ id: AMINA, alias: 'Amina', colour: 'green' }]);
  assert.deepEqual(hostedList({ people: [{ id: KARIM, alias: 'Karim' }] }), [{ id: KARIM, alias: 'Karim', colour: null }]);
  assert.deepEqual(hostedList(null), []);
});

// -- follow me --------------------------------------------------------------------------------------------

test('the visible rectangle of a view', () => {
  assert.deepEqual(visibleRect({ x: 0, y: 0, scale: 1 }, 1200, 800), { x: 0, y: 0, w: 1200, h: 800 });
  assert.deepEqual(visibleRect({ x: -200, y: 100, scale: 0.5 }, 1000, 500), { x: 400, y: -200, w: 2000, h: 1000 });
});

test('fitting a rectangle to a viewport contains it, centred', () => {
  const rect = { x: 100, y: 50, w: 1000, h: 500 };
  const wide = fitRect(rect, 2000, 2000);
  assert.deepEqual(wide, { x: 2000 / 2 - 600 * 2, y: 1000 - 300 * 2, scale: 2 });
  const phone = fitRect(rect, 360, 600);
  assert.equal(phone.scale, 0.36, 'the width decides on a narrow screen');
  // the rectangle's centre lands on the viewport's centre
  assert.ok(Math.abs(phone.x + 600 * phone.scale - 180) < 1e-9);
  assert.ok(Math.abs(phone.y + 300 * phone.scale - 300) < 1e-9);
  // and the whole rectangle is in sight
  assert.ok(phone.x + 100 * phone.scale >= -1e-9 && phone.x + 1100 * phone.scale <= 360 + 1e-9);
});

test('a fitted view shows the leader rectangle back (round trip)', () => {
  const leader = visibleRect({ x: -340, y: -120, scale: 0.8 }, 1280, 720);
  const v = fitRect(leader, 1280, 720);
  assert.ok(sameRect(visibleRect(v, 1280, 720), leader, 0.01));
});

test('fitting respects the zoom limits and refuses what cannot be fitted', () => {
  assert.equal(fitRect({ x: 0, y: 0, w: 100000, h: 100000 }, 360, 740, { minScale: 0.25, maxScale: 3 }).scale, 0.25);
  assert.equal(fitRect({ x: 0, y: 0, w: 10, h: 10 }, 1000, 1000, { minScale: 0.25, maxScale: 3 }).scale, 3);
  assert.equal(fitRect({ x: 0, y: 0, w: 0, h: 10 }, 100, 100), null);
  assert.equal(fitRect({ x: 0, y: 0, w: 10, h: 10 }, 0, 100), null);
  assert.equal(fitRect({ x: Number.NaN, y: 0, w: 10, h: 10 }, 100, 100), null);
  assert.equal(isRect({ x: 1, y: 2, w: 3, h: 4 }), true);
  assert.equal(isRect(null), false);
});

test('same rectangle within a tolerance', () => {
  assert.equal(sameRect({ x: 0, y: 0, w: 10, h: 10 }, { x: 0.4, y: 0, w: 10, h: 10.2 }), true);
  assert.equal(sameRect({ x: 0, y: 0, w: 10, h: 10 }, { x: 2, y: 0, w: 10, h: 10 }), false);
  assert.equal(sameRect(null, { x: 0, y: 0, w: 10, h: 10 }), false);
  assert.equal(sameRect(null, null), true);
});

test('who follows: not the leader, not a device that opted out or stopped', () => {
  const base = { follow: 'p-facil', me: 'p-phone', optedOut: false, stopped: false };
  assert.equal(follows(base), true);
  assert.equal(follows({ ...base, follow: null }), false);
  assert.equal(follows({ ...base, me: 'p-facil' }), false);
  assert.equal(follows({ ...base, optedOut: true }), false, 'table mode or the room screen');
  assert.equal(follows({ ...base, stopped: true }), false);
});

test('presence carries the view rectangle when given', () => {
  assert.deepEqual(P.presenceMessage({ view: { x: 1, y: 2, w: 3, h: 4 } }), { type: 'presence', view: { x: 1, y: 2, w: 3, h: 4 } });
  assert.deepEqual(P.presenceMessage({ cursor: { x: 1, y: 2 }, view: null }), { type: 'presence', cursor: { x: 1, y: 2 } });
});

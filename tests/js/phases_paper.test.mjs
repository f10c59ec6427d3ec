// « Étapes… » on the facilitator's bar (facilitation.js): the working list of steps (tick, up, down, the
// resident run) and the one board.update it sends, keeping the rule that the current phase is one of them.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as P from '../../frontend/static/js/core/protocol.js';
import { BoardStore, defaultSettings } from '../../frontend/static/js/core/store.js';
import {
  RESIDENT_RUN, movePhase, phaseDraft, phasesChange, togglePhase,
} from '../../frontend/static/js/board/facilitation.js';

const SIX = ['welcome', 'week', 'threads', 'solutions', 'vote', 'restitution'];

test('the resident run is the six steps in their usual order', () => {
  assert.deepEqual([...RESIDENT_RUN], SIX);
  assert.deepEqual(defaultSettings().phases, SIX);
});

test("a draft shows the board's steps first, in their order, then the others unticked", () => {
  const d = phaseDraft(['vote', 'week']);
  assert.deepEqual(d.on, ['vote', 'week']);
  assert.deepEqual(d.order, ['vote', 'week', 'welcome', 'threads', 'solutions', 'restitution']);
  assert.deepEqual(phaseDraft(['week', 'week', 'bogus']).on, ['week'], 'duplicates and unknown ids are dropped');
});

test('up and down swap neighbours; the ticked ones keep the shown order; the ends do not move', () => {
  let d = phaseDraft(SIX);
  d = movePhase(d, 'vote', -1);
  assert.deepEqual(d.order, ['welcome', 'week', 'threads', 'vote', 'solutions', 'restitution']);
  assert.deepEqual(d.on, d.order);
  assert.equal(movePhase(d, 'welcome', -1), d, 'the first cannot go up');
  assert.equal(movePhase(d, 'restitution', 1), d, 'the last cannot go down');
  assert.equal(movePhase(d, 'nope', 1), d);
  d = togglePhase(d, 'threads');
  d = movePhase(d, 'threads', 1); // an unticked step moves too, and is ticked back in its new place
  d = togglePhase(d, 'threads');
  assert.deepEqual(d.on, ['welcome', 'week', 'vote', 'threads', 'solutions', 'restitution']);
});

test('a tick goes on and off; the last ticked step stays', () => {
  let d = phaseDraft(['week', 'vote']);
  d = togglePhase(d, 'week');
  assert.deepEqual(d.on, ['vote']);
  assert.equal(togglePhase(d, 'vote'), d, 'a board runs one step at least');
  d = togglePhase(d, 'welcome');
  assert.deepEqual(d.on, ['vote', 'welcome'], 'ticked back in its place in the list');
  assert.equal(togglePhase(d, 'bogus'), d);
});

test('the change: phases only, phase: null when the current phase is taken out, nothing when unchanged', () => {
  assert.equal(phasesChange(SIX, SIX, 'vote'), null);
  assert.equal(phasesChange(SIX, [], null), null);
  assert.deepEqual(phasesChange(SIX, ['week', 'vote'], 'vote'), { phases: ['week', 'vote'] });
  assert.deepEqual(phasesChange(SIX, ['week', 'vote'], null), { phases: ['week', 'vote'] });
  assert.deepEqual(phasesChange(SIX, ['week', 'vote'], 'threads'), { phases: ['week', 'vote'], phase: null });
  assert.deepEqual(phasesChange(['week', 'vote'], ['vote', 'week'], 'week'), { phases: ['vote', 'week'] }, 'a new order alone');
});

test("the op it makes is valid on the wire and the replica applies it (the store's invalid_phase rule holds)", () => {
  const store = new BoardStore({ participant: 'p-fac', clientId: 'tab' });
  store.applyWelcome({
    type: 'welcome', protocol: 1, board: { id: 'b', workshop: 'w', kind: 'exploration' },
    you: { participant: 'p-fac', alias: 'F', role: 'facilitator' }, seq: 0, resync: 'snapshot',
    snapshot: { settings: { ...defaultSettings(), phase: 'threads' }, items: [], threads: [], votes: [], deleted: [] },
  });
  let d = phaseDraft(store.view().settings.phases);
  d = togglePhase(togglePhase(d, 'threads'), 'restitution'); // two steps out, the current one among them
  d = movePhase(movePhase(movePhase(d, 'vote', -1), 'vote', -1), 'vote', -1);
  const change = phasesChange(store.view().settings.phases, d.on, store.view().settings.phase);
  assert.deepEqual(change, { phases: ['welcome', 'vote', 'week', 'solutions'], phase: null });
  const op = P.updateBoard(/** @type {any} */ (change));
  assert.deepEqual(op, { op: 'board.update', phases: ['welcome', 'vote', 'week', 'solutions'], phase: null });
  store.submit([op]);
  assert.deepEqual(store.view().settings.phases, ['welcome', 'vote', 'week', 'solutions']);
  assert.equal(store.view().settings.phase, null);
  // without phase: null the same list would leave the board on a phase it no longer runs: refused
  const strict = new BoardStore({ participant: 'p-fac', clientId: 'tab2' });
  strict.applyWelcome({
    type: 'welcome', protocol: 1, board: { id: 'b', workshop: 'w', kind: 'exploration' },
    you: { participant: 'p-fac', alias: 'F', role: 'facilitator' }, seq: 0, resync: 'snapshot',
    snapshot: { settings: { ...defaultSettings(), phase: 'threads' }, items: [], threads: [], votes: [], deleted: [] },
  });
  strict.submit([P.updateBoard({ phases: ['week'] })]);
  assert.equal(strict.view().settings.phase, 'threads', 'the replica does not take a change the server refuses');
});

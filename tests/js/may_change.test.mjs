// Who may move, edit or delete a card on the page: the server's rule (backend/fresque/access.py), so that a
// participant's page never picks up a card the server would refuse (`not_yours`).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { mayChange } from '../../frontend/static/js/core/protocol.js';

const ME = 'p-amina';
const KARIM = 'p-karim';
const SALMA = 'p-salma'; // a member of Amina's table (a shared tablet sends as her)

test('a participant may change only her own cards', () => {
  assert.equal(mayChange(ME, { me: ME, role: 'participant' }), true);
  assert.equal(mayChange(KARIM, { me: ME, role: 'participant' }), false);
  assert.equal(mayChange(KARIM, { me: ME, role: 'participant', members: new Map() }), false);
});

test("a table's members' cards count as one's own", () => {
  const members = new Map([[SALMA, { id: SALMA }]]);
  assert.equal(mayChange(SALMA, { me: ME, role: 'participant', members }), true);
  assert.equal(mayChange(KARIM, { me: ME, role: 'participant', members }), false);
  assert.equal(mayChange(SALMA, { me: ME, role: 'participant', members: new Set([SALMA]) }), true);
});

test('a facilitator and a co-facilitator may change anyone\'s card; an observer nobody\'s', () => {
  assert.equal(mayChange(KARIM, { me: ME, role: 'facilitator' }), true);
  assert.equal(mayChange(KARIM, { me: ME, role: 'co_facilitator' }), true);
  assert.equal(mayChange(KARIM, { me: ME, role: 'observer' }), false);
  assert.equal(mayChange(KARIM, { me: ME, role: null }), false);
});

test('a card without a known author is nobody\'s to change but a facilitator\'s', () => {
  assert.equal(mayChange(undefined, { me: ME, role: 'participant' }), false);
  assert.equal(mayChange('', { me: '', role: 'participant' }), false);
  assert.equal(mayChange(null, { me: ME, role: 'co_facilitator' }), true);
});

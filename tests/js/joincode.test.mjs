// The join code as residents type it: upper case, grouped by three, the caret kept in place.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { cleanCode, groupCode, reformat, MAX_CODE_LENGTH } from '../../frontend/static/js/pages/joincode.js';

test('spaces, dashes and case do not matter', () => {
  assert.equal(cleanCode('k7m-q2x 9pf r'), 'K7MQ2X9PFR');
  assert.equal(cleanCode('  K7M—Q2X  '), 'K7MQ2X');
  assert.equal(cleanCode('é!?'), '');
  assert.equal(cleanCode('A'.repeat(40)).length, MAX_CODE_LENGTH);
});

test('groups of three', () => {
  assert.equal(groupCode(''), '');
  assert.equal(groupCode('K7'), 'K7');
  assert.equal(groupCode('K7M'), 'K7M');
  assert.equal(groupCode('K7MQ'), 'K7M Q');
  assert.equal(groupCode('K7MQ2X9PFR'), 'K7M Q2X 9PF R');
});

test('typing at the end moves the caret past the added space', () => {
  assert.deepEqual(reformat('k7m', 3), { value: 'K7M', caret: 3 });
  assert.deepEqual(reformat('K7Mq', 4), { value: 'K7M Q', caret: 5 });
  assert.deepEqual(reformat('K7M Q2X9', 8), { value: 'K7M Q2X 9', caret: 9 });
});

test('typing or deleting in the middle keeps the caret after the same character', () => {
  // "K7M Q2X" with "A" typed after "K7": caret after the A, which is now the third character
  assert.deepEqual(reformat('K7AM Q2X', 3), { value: 'K7A MQ2 X', caret: 3 });
  // the space deleted before "Q": nothing changes but the caret stays after "M"
  assert.deepEqual(reformat('K7MQ2X', 3), { value: 'K7M Q2X', caret: 3 });
  assert.deepEqual(reformat('', 0), { value: '', caret: 0 });
  // a pasted code with dashes
  assert.deepEqual(reformat('k7m-q2x-9pf-r', 13), { value: 'K7M Q2X 9PF R', caret: 13 });
});

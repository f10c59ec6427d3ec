// Text limits count what the server counts (docs/protocol.md): Unicode code points, not UTF-16 units.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { charCount, clampChars } from '../../frontend/static/js/core/textlimit.js';

test('an emoji is one character, as for the server, where String.length and maxlength count two', () => {
  assert.equal('😀'.length, 2);
  assert.equal(charCount('😀'), 1);
  assert.equal(charCount('👍🏽'), 2); // a skin-tone sequence: two code points, as Python's len
  assert.equal(charCount('مرحبا'), 5);
  assert.equal(charCount('😀'.repeat(500)), 500);
});

test('a text is cut at the limit by code points, never inside a surrogate pair', () => {
  assert.equal(clampChars('😀'.repeat(500), 500), '😀'.repeat(500)); // 1000 UTF-16 units, kept whole
  assert.equal(clampChars('😀'.repeat(501), 500), '😀'.repeat(500));
  assert.equal(clampChars('ab😀cd', 3), 'ab😀');
  assert.equal(clampChars('abc', 3), 'abc');
  assert.equal(clampChars('a\ud800b', 2), 'a\ud800'); // a lone surrogate counts as one
});

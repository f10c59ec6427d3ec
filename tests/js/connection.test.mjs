// What the board page does when the server closes its socket: reconnect, or stop for good and say why.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { finalStatus } from '../../frontend/static/js/board/connection.js';

test('removed (4401), erased (4004) and outdated (4002) stop the page for good', () => {
  assert.equal(finalStatus(4401), 'removed');
  assert.equal(finalStatus(4004), 'erased');
  assert.equal(finalStatus(4002), 'outdated');
});

test('every other close is a reason to come back', () => {
  for (const code of [1000, 1001, 1006, 1009, 1011, 1012, 4001, 4008]) assert.equal(finalStatus(code), null, String(code));
});

test('each close code docs/protocol.md says not to reconnect after stops the page', () => {
  const doc = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
  const final = [...doc.matchAll(/^\| close `(\d{4})[^|]*\|[^\n]*do not reconnect/gm)].map((m) => Number(m[1]));
  assert.deepEqual(final.sort(), [4004, 4401]);
  for (const code of final) assert.notEqual(finalStatus(code), null, String(code));
});

test('the page says each final status in every language', () => {
  for (const lang of ['fr', 'en', 'ar']) {
    const dict = JSON.parse(readFileSync(new URL(`../../frontend/static/i18n/${lang}.json`, import.meta.url), 'utf8'));
    for (const status of ['removed', 'erased']) {
      assert.ok(dict[`board.status.${status}`], `${lang} board.status.${status}`);
      assert.ok(dict[`board.ended.${status}`], `${lang} board.ended.${status}`);
    }
  }
  const fr = JSON.parse(readFileSync(new URL('../../frontend/static/i18n/fr.json', import.meta.url), 'utf8'));
  assert.equal(fr['board.ended.removed'], "Vous avez été retiré·e de cet atelier par l'animation.");
});

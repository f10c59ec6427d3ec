// The badge « → n actions » of a resident's idea counts the study's partners' actions (counted only, never
// described): frontend/static/js/board/answers.js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { answersByItem, splitAnswers } from '../../frontend/static/js/board/answers.js';

const own = { board: 'b1', action: 'a1', title: 'Notre atelier', lane: 'create', start: '2026-01', end: '2026-06' };

test('the partners’ actions count on the badge after the workshop’s own', () => {
  const byItem = answersByItem({ 'sol-1': [own] }, { 'sol-1': 2, 'sol-2': 1 });
  assert.equal(byItem.get('sol-1')?.length, 3);
  assert.deepEqual(byItem.get('sol-1')?.[0], own);
  assert.equal(byItem.get('sol-2')?.length, 1);
  assert.deepEqual(splitAnswers(byItem.get('sol-1') ?? []), { own: [own], elsewhere: 2 });
  assert.deepEqual(splitAnswers(byItem.get('sol-2') ?? []), { own: [], elsewhere: 1 });
  // a counted action carries no words of the partners' fiche
  assert.deepEqual(Object.values(byItem.get('sol-2')?.[0] ?? {}).filter((v) => typeof v === 'string' && v), []);
});

test('a workshop on its own (no elsewhere) and odd counts', () => {
  assert.deepEqual([...answersByItem({ 'sol-1': [own] }, undefined)], [['sol-1', [own]]]);
  assert.equal(answersByItem({}, { 'sol-1': 0, 'sol-2': -1, 'sol-3': 1.5 }).size, 0);
  assert.equal(answersByItem(null, null).size, 0);
});

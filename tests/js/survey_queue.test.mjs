// The street survey's queue (js/study/survey-queue.js): a response is in storage before it is sent, leaves
// only when the server has acknowledged it (201 or 200), waits on a network failure or a lost session, is set
// apart (kept) when the server refuses it, and is never queued twice under one client id.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { SurveyQueue, newClientId } from '../../frontend/static/js/study/survey-queue.js';

function memory() {
  const data = new Map();
  return { data, getItem: (k) => (data.has(k) ? data.get(k) : null), setItem: (k, v) => data.set(k, String(v)) };
}

const item = (id) => ({
  client_id: id, questionnaire_version: 1, answers: { age_band: '26_40' }, consent: true,
  answered_at: '2026-12-06T10:00:00Z', source: 'phone',
});

test('a response is in storage as soon as it is added, once per client id', () => {
  const storage = memory();
  const queue = new SurveyQueue(storage, 'q');
  queue.add(item('a'));
  queue.add(item('a'));
  assert.deepEqual(JSON.parse(storage.data.get('q')).map((i) => i.client_id), ['a']);
  // another page (a reload) reads the same queue
  assert.equal(new SurveyQueue(storage, 'q').items().length, 1);
});

test('acknowledged responses leave; a network failure stops and keeps the rest in order', async () => {
  const queue = new SurveyQueue(memory(), 'q');
  for (const id of ['a', 'b', 'c']) queue.add(item(id));
  const answers = { a: 201, b: 0 };
  const sent = [];
  const result = await queue.flush(async (i) => { sent.push(i.client_id); return answers[i.client_id] ?? 201; });
  assert.deepEqual(sent, ['a', 'b']);
  assert.deepEqual(result, { sent: 1, refused: 0, waiting: 2, stopped: 'network' });
  assert.deepEqual(queue.items().map((i) => i.client_id), ['b', 'c']);
  const again = await queue.flush(async (i) => (i.client_id === 'b' ? 200 : 201)); // 200: it was already there
  assert.deepEqual(again, { sent: 2, refused: 0, waiting: 0, stopped: null });
});

test('a refused response is set apart and kept; a lost session stops without losing anything', async () => {
  const queue = new SurveyQueue(memory(), 'q');
  for (const id of ['a', 'b', 'c']) queue.add(item(id));
  const first = await queue.flush(async (i) => (i.client_id === 'a' ? 422 : 401));
  assert.deepEqual(first, { sent: 0, refused: 1, waiting: 2, stopped: 'session' });
  assert.deepEqual(queue.refused().map((i) => i.client_id), ['a']);
  assert.deepEqual(queue.items().map((i) => i.client_id), ['b', 'c']);
});

test('two flushes at once send each response once', async () => {
  const queue = new SurveyQueue(memory(), 'q');
  queue.add(item('a'));
  let calls = 0;
  const send = async () => { calls += 1; await new Promise((r) => setTimeout(r, 10)); return 201; };
  await Promise.all([queue.flush(send), queue.flush(send)]);
  assert.equal(calls, 1);
});

test('client ids are distinct and fit the server\'s pattern', () => {
  const ids = new Set(Array.from({ length: 200 }, () => newClientId()));
  assert.equal(ids.size, 200);
  for (const id of ids) assert.match(id, /^[A-Za-z0-9_-]{8,64}$/);
});

// A response the server refuses (js/study/survey-queue.js, js/study/survey-refused.js): set apart with the
// refusal (status, error code, when), out of the next sendings, until the surveyor discards it; its reason in
// words.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { SurveyQueue } from '../../frontend/static/js/study/survey-queue.js';
import { reasonKey } from '../../frontend/static/js/study/survey-refused.js';

function memory() {
  const data = new Map();
  return { data, getItem: (k) => (data.has(k) ? data.get(k) : null), setItem: (k, v) => data.set(k, String(v)) };
}

const item = (id) => ({
  client_id: id, questionnaire_version: 1, answers: { neighbourhood: 'n3' }, consent: true,
  answered_at: '2026-12-06T10:00:00Z', source: 'phone',
});

test('a refusal is kept with the server’s code, never sent again, and discarded on demand', async () => {
  const storage = memory();
  const queue = new SurveyQueue(storage, 'q');
  for (const id of ['a', 'b']) queue.add(item(id));
  const sent = [];
  const send = async (i) => {
    sent.push(i.client_id);
    return i.client_id === 'a' ? { status: 422, error: 'unknown_neighbourhood' } : { status: 201 };
  };
  assert.deepEqual(await queue.flush(send), { sent: 1, refused: 1, waiting: 0, stopped: null });
  const [refused] = new SurveyQueue(storage, 'q').refused(); // a reload reads it back
  assert.equal(refused.client_id, 'a');
  assert.deepEqual({ status: refused.refused.status, error: refused.refused.error }, { status: 422, error: 'unknown_neighbourhood' });
  assert.ok(!Number.isNaN(Date.parse(refused.refused.at)));
  await queue.flush(send);
  assert.deepEqual(sent, ['a', 'b']); // not sent again
  queue.discard('zzz'); // an unknown id changes nothing
  assert.equal(queue.refused().length, 1);
  queue.discard('a');
  assert.deepEqual(queue.refused(), []);
  assert.deepEqual(queue.items(), []);
});

test('each refusal has its words', () => {
  assert.equal(reasonKey({ status: 422, error: 'unknown_questionnaire_version', at: '' }), 'survey.refused_list.reason.questionnaire');
  assert.equal(reasonKey({ status: 422, error: 'unknown_answer', at: '' }), 'survey.refused_list.reason.questionnaire');
  assert.equal(reasonKey({ status: 422, error: 'unknown_neighbourhood', at: '' }), 'survey.refused_list.reason.neighbourhood');
  assert.equal(reasonKey({ status: 422, error: 'consent_required', at: '' }), 'survey.refused_list.reason.consent');
  assert.equal(reasonKey({ status: 404, error: 'study_not_found', at: '' }), 'survey.refused_list.reason.study');
  assert.equal(reasonKey({ status: 404, error: null, at: '' }), 'survey.refused_list.reason.study');
  assert.equal(reasonKey({ status: 422, error: 'validation_error', at: '' }), 'survey.refused_list.reason.other');
  assert.equal(reasonKey(undefined), 'survey.refused_list.reason.other'); // set apart by an older page
});

// Questions de travail in the browser (issue 13): the words of a pinned finding (js/study/question-words.js),
// the count of a board's actions answering each question (js/actions/questions.js), and the op
// `action.question` as the replica applies it and the protocol mirror checks it (js/actions/store.js,
// js/core/protocol.js), against the snapshot's shape (`question` only when set, as core/actions.py writes it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { createI18n } from '../../frontend/static/js/core/i18n.js';
import * as P from '../../frontend/static/js/core/protocol.js';
import { ActionStore, actionStateToSnapshot, defaultActionSettings } from '../../frontend/static/js/actions/store.js';
import { answeredCounts } from '../../frontend/static/js/actions/questions.js';
import { aboutPicture, aboutWords, questionTag } from '../../frontend/static/js/study/question-words.js';

const words = (lang) => createI18n(JSON.parse(readFileSync(new URL(`../../frontend/static/i18n/${lang}.json`, import.meta.url), 'utf8')));

const cell = {
  kind: 'heatmap', label: { fr: 'Faire les courses', en: 'Go shopping', ar: 'التسوق' }, text: null,
  picture_url: '/pictograms/1F6D2.png', severity: 'bloque', neighbourhood: { id: 'n1', name: 'Encagnane' },
  workshop: null, found: true,
};

test('a heat-map cell says its activity, its severity and its neighbourhood, in each language', () => {
  const fr = words('fr');
  assert.deepEqual(aboutWords(cell, fr, 'fr'), { title: 'Faire les courses', facts: ['Une case de la carte de chaleur', 'Bloqué', 'Encagnane'] });
  const ar = words('ar');
  const said = aboutWords({ ...cell, severity: null, neighbourhood: null }, ar, 'ar');
  assert.equal(said.title, 'التسوق');
  assert.deepEqual(said.facts.slice(1), [ar('questions.severity.all'), ar('questions.territory')]);
  assert.notEqual(ar('questions.territory'), 'questions.territory');
  assert.equal(aboutPicture(cell), '/pictograms/1F6D2.png');
  assert.equal(aboutPicture({ ...cell, kind: 'service', picture_url: null }), '/icons/touchpoint.svg');
  assert.equal(questionTag(1), 'Q2');
});

test("a residents' idea says their words, and that it is gone once it is", () => {
  const t = words('fr');
  const idea = { ...cell, kind: 'idea', label: null, text: 'Permanence numérique', severity: null };
  assert.deepEqual(aboutWords(idea, t, 'fr'), { title: 'Permanence numérique', facts: ["Une idée des habitants", 'Encagnane'] });
  assert.equal(aboutWords({ ...idea, found: false }, t, 'fr').title, 'Idée retirée');
});

test('the actions answering each question are counted', () => {
  const counts = answeredCounts([{ question: 'q1' }, { question: 'q2' }, { question: 'q1' }, {}, { question: null }]);
  assert.deepEqual([...counts], [['q1', 2], ['q2', 1]]);
});

test('action.question: applied at once, cleared with null, kept in the snapshot only when set, shape checked', () => {
  const store = new ActionStore({ clientId: 'tab-me', clock: () => 1_000 });
  const card = { id: 'action-000001', author: 'p-other', lane: 'continue', start: '2025-01', end: '2025-06', fiche: { title: 'Ateliers' }, milestones: [], capabilities: {}, links: [] };
  store.applyWelcome({
    type: 'welcome', protocol: 1, board: { id: 'board-a1', workshop: 'ws-1', kind: 'actions' },
    you: { participant: 'p-me', alias: 'Amina', role: 'participant' }, seq: 0, server_time: 1_000, resync: 'snapshot',
    snapshot: { settings: { ...defaultActionSettings(), title: 'Plan' }, actions: [card], votes: [], deleted: [] },
  });
  assert.equal(P.actionOpProblem(P.answerQuestion('action-000001', 'question-01')), null);
  assert.equal(P.actionOpProblem(P.answerQuestion('action-000001', null)), null);
  assert.match(String(P.actionOpProblem({ op: 'action.question', id: 'action-000001' })), /missing question/);
  store.submit([P.answerQuestion('action-000001', 'question-01')]);
  assert.equal(store.view().actions.get('action-000001').question, 'question-01');
  assert.equal(actionStateToSnapshot(store.view()).actions[0].question, 'question-01');
  store.submit([P.answerQuestion('action-000001', null)]);
  assert.equal('question' in store.view().actions.get('action-000001'), false);
  assert.equal('question' in actionStateToSnapshot(store.view()).actions[0], false);
  const created = P.createAction({ id: 'action-000002', lane: 'create', start: '2025-01', end: '2025-03', fiche: { title: 'Café' } });
  store.submit([{ ...created, question: 'question-02' }]);
  assert.equal(store.view().actions.get('action-000002').question, 'question-02');
});

// The fiche action's pure parts (js/actions/fiche/rules.js, words.js) and the picker's (js/actions/picker.js):
// month words, euros, the core's rules mirrored (same codes as backend/fresque/core/actions.py), the ops a form
// change and a pick of solutions make.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';

import { createI18n } from '../../frontend/static/js/core/i18n.js';
import {
  parseEuros, fundingSummary, ficheProblem, updateOp, choiceId, listAddOp, axesUsed, allowed, parseMonth, formatMonthId,
  numberTaken,
} from '../../frontend/static/js/actions/fiche/rules.js';
import { monthLabel, spanLabel, euros, fieldOfCode, problemText, choiceLabel } from '../../frontend/static/js/actions/fiche/words.js';
import { createOps, linkOps, currentPeriod, titleOf, wordsOf } from '../../frontend/static/js/actions/picker.js';

const dictionary = (lang) => JSON.parse(readFileSync(new URL(`../../frontend/static/i18n/${lang}.json`, import.meta.url), 'utf8'));
const fr = createI18n(dictionary('fr'));
const en = createI18n(dictionary('en'));
const ar = createI18n(dictionary('ar'));

const settings = {
  timeline: { start: '2024-01', end: '2027-12', scale: 'quarter' },
  lanes: [{ id: 'continue', label: null }, { id: 'reinforce', label: null }, { id: 'create', label: null }],
  axes: [{ id: 'rights', label: null }, { id: 'health', label: null }, { id: 'social_ties', label: null }],
  series: [{ id: 'today', label: null }, { id: 'targeted', label: null }],
  target_groups: [{ id: 'seniors', label: null }, { id: 'parents', label: null }],
  organisations: [{ id: 'ccas', label: null }, { id: 'caf', label: null }, { id: 'asso-1', label: 'Les Amis du Jas' }],
};

test('months in words: « Janvier 2025 », a span « Janvier 2025 → Décembre 2025 », in the three languages', () => {
  assert.equal(monthLabel('2025-01', fr), 'Janvier 2025');
  assert.equal(monthLabel('2025-12', fr), 'Décembre 2025');
  assert.equal(monthLabel('2024-08', en), 'August 2024');
  assert.equal(spanLabel('2025-01', '2025-12', fr), 'Janvier 2025 → Décembre 2025');
  assert.equal(spanLabel('2025-01', '2025-12', en), 'January 2025 → December 2025');
  assert.equal(spanLabel('2025-01', '2025-03', ar), 'يناير 2025 ← مارس 2025');
  assert.equal(monthLabel('not a month', fr), 'not a month');
  assert.equal(parseMonth('2025-13'), null);
  assert.equal(formatMonthId(parseMonth('2031-07')), '2031-07');
});

test('labels of list entries: their own text, or the translation of a default', () => {
  assert.equal(choiceLabel('organisation', { id: 'asso-1', label: 'Les Amis du Jas' }, fr), 'Les Amis du Jas');
  assert.equal(choiceLabel('target_group', { id: 'seniors', label: null }, fr), fr('actions.target_group.seniors'));
  assert.notEqual(fr('actions.target_group.seniors'), 'actions.target_group.seniors');
});

test('euros as typed become whole euros; anything else is refused, empty clears', () => {
  assert.equal(parseEuros('50000'), 50000);
  assert.equal(parseEuros('50 000'), 50000);
  assert.equal(parseEuros('50\u202f000 €'), 50000);
  assert.equal(parseEuros('1200,00'), 1200);
  assert.equal(parseEuros(''), null);
  assert.equal(parseEuros('  '), null);
  assert.ok(Number.isNaN(parseEuros('12,5')));
  assert.ok(Number.isNaN(parseEuros('-3')));
  assert.ok(Number.isNaN(parseEuros('beaucoup')));
  assert.ok(Number.isNaN(parseEuros('1000000001')));
  assert.equal(euros(50000, 'fr', fr).replace(/\s/g, ' '), '50 000 €');
  assert.equal(euros(50000, 'en', en), '€50,000');
});

test('funding: sums by state, and secured above the budget is the over-budget rule (no budget, no check)', () => {
  const funding = [
    { source: 'Ville', amount: 20000, state: 'secured' },
    { source: 'CAF', amount: 40000, state: 'requested' },
    { source: 'Région', amount: 5000, state: 'planned' },
  ];
  assert.deepEqual(fundingSummary({ budget: 50000, funding }),
    { planned: 5000, requested: 40000, secured: 20000, budget: 50000, over: false, total: 65000 });
  assert.equal(fundingSummary({ budget: 10000, funding }).over, true);
  assert.equal(fundingSummary({ budget: null, funding }).over, false);
  assert.equal(ficheProblem('funding', funding, settings, { budget: 10000 }), 'fiche_funding_over_budget');
  assert.equal(ficheProblem('budget', 10000, settings, { funding }), 'fiche_funding_over_budget');
  assert.equal(ficheProblem('budget', 20000, settings, { funding }), null);
  assert.equal(ficheProblem('funding', funding, settings, { budget: null }), null);
  // the message says it in plain words, with the sums
  const text = fr('actions.fiche.error.fiche_funding_over_budget', { secured: '60 000 €', budget: '50 000 €' });
  assert.match(text, /60 000 €.*dépassent le budget.*50 000 €/);
});

test('the core rules, mirrored with its codes', () => {
  assert.equal(ficheProblem('title', 'Atelier numérique', settings), null);
  assert.equal(ficheProblem('title', '   ', settings), 'fiche_title_required');
  assert.equal(ficheProblem('title', 'x'.repeat(201), settings), 'fiche_invalid_title');
  assert.equal(ficheProblem('title', '🙂'.repeat(200), settings), null, 'characters are counted like Python: code points');
  assert.equal(ficheProblem('number', 'A'.repeat(21), settings), 'fiche_invalid_number');
  assert.equal(ficheProblem('findings', 'bip\u0007', settings), 'fiche_invalid_findings');
  assert.equal(ficheProblem('findings', 'ligne 1\nligne 2\tet tab', settings), null);
  assert.equal(ficheProblem('status', 'running', settings), null);
  assert.equal(ficheProblem('status', 'finished', settings), 'fiche_invalid_status');
  assert.equal(ficheProblem('priority', null, settings), null);
  assert.equal(ficheProblem('priority', 'urgent', settings), 'fiche_invalid_priority');
  assert.equal(ficheProblem('lead', 'ccas', settings), null);
  assert.equal(ficheProblem('lead', 'unknown', settings), 'fiche_invalid_lead');
  assert.equal(ficheProblem('budget', 1.5, settings), 'fiche_invalid_budget');
  assert.equal(ficheProblem('budget', null, settings), null);
  assert.equal(ficheProblem('target_groups', ['seniors', 'parents'], settings), null);
  assert.equal(ficheProblem('target_groups', ['seniors', 'seniors'], settings), 'fiche_invalid_target_groups');
  assert.equal(ficheProblem('target_groups', ['aliens'], settings), 'fiche_invalid_target_groups');
  assert.equal(ficheProblem('operational_objectives', ['Ouvrir 3 permanences'], settings), null);
  assert.equal(ficheProblem('operational_objectives', [''], settings), 'fiche_invalid_operational_objectives');
  assert.equal(ficheProblem('operational_objectives', Array(21).fill('x'), settings), 'fiche_invalid_operational_objectives');
  assert.equal(ficheProblem('partners', [{ organisation: 'caf', role: 'Cofinance' }], settings), null);
  assert.equal(ficheProblem('partners', [{ organisation: 'caf', role: '' }, { organisation: 'caf', role: 'x' }], settings), 'fiche_invalid_partners');
  assert.equal(ficheProblem('partners', [{ organisation: 'nobody', role: '' }], settings), 'fiche_invalid_partners');
  assert.equal(ficheProblem('funding', [{ source: '', amount: 3, state: 'planned' }], settings), 'fiche_invalid_funding');
  assert.equal(ficheProblem('funding', [{ source: 'Ville', amount: -3, state: 'planned' }], settings), 'fiche_invalid_funding');
  assert.equal(ficheProblem('funding', [{ source: 'Ville', amount: 3, state: 'maybe' }], settings), 'fiche_invalid_funding');
  assert.equal(ficheProblem('indicators', [{ kind: 'output', label: 'Ateliers tenus', target: '12', source: 'CCAS' }], settings), null);
  assert.equal(ficheProblem('indicators', [{ kind: 'outcome', label: 'x', target: '', source: '' }], settings), 'fiche_invalid_indicators');
  assert.equal(ficheProblem('indicators', [{ kind: 'impact', label: ' ', target: '', source: '' }], settings), 'fiche_invalid_indicators');
  assert.equal(ficheProblem('positioning', 'create', settings), 'fiche_unknown_field');
});

test('a form change becomes one action.update with only what changed; lists are sent whole', () => {
  const fiche = { title: 'Avant', budget: null, operational_objectives: ['a'], partners: [], status: 'draft' };
  assert.deepEqual(updateOp('action-1', fiche, { title: 'Après', status: 'draft' }),
    { op: 'action.update', id: 'action-1', set: { title: 'Après' } });
  assert.deepEqual(updateOp('action-1', fiche, { operational_objectives: ['a', 'b'] }),
    { op: 'action.update', id: 'action-1', set: { operational_objectives: ['a', 'b'] } });
  assert.deepEqual(updateOp('action-1', fiche, { budget: 50000, partners: [{ organisation: 'caf', role: 'Cofinance' }] }),
    { op: 'action.update', id: 'action-1', set: { budget: 50000, partners: [{ organisation: 'caf', role: 'Cofinance' }] } });
  assert.equal(updateOp('action-1', fiche, { title: 'Avant', budget: null, operational_objectives: ['a'] }), null);
  assert.deepEqual(updateOp('action-1', { lead: 'caf' }, { lead: null }), { op: 'action.update', id: 'action-1', set: { lead: null } });
});

test('people add entries to the lists: a readable id, never one already taken', () => {
  assert.equal(choiceId('Maison des Jeunes', []), 'maison-des-jeunes');
  assert.equal(choiceId('Maison des Jeunes', ['maison-des-jeunes']), 'maison-des-jeunes-2');
  assert.equal(choiceId('Élèves allophones', []), 'eleves-allophones');
  assert.equal(choiceId('جمعية', []), 'entry');
  assert.match(choiceId('x'.repeat(100), []), /^[a-z0-9][a-z0-9_-]{0,39}$/);
  const made = listAddOp('organisations', '  Médiathèque  ', settings);
  assert.deepEqual(made, { id: 'mediatheque', op: { op: 'list.add', list: 'organisations', id: 'mediatheque', label: 'Médiathèque' } });
  assert.equal(listAddOp('target_groups', '   ', settings), null);
  assert.equal(listAddOp('target_groups', 'x'.repeat(81), settings), null);
});

test('the axis field proposes the axes already written on the board, once each', () => {
  const actions = new Map([
    ['a', { fiche: { axis: 'Axe 2 – Accompagner' } }], ['b', { fiche: { axis: '' } }],
    ['c', { fiche: { axis: 'Axe 1 – Équiper' } }], ['d', { fiche: { axis: 'Axe 2 – Accompagner' } }],
  ]);
  assert.deepEqual(axesUsed(actions.values()), ['Axe 1 – Équiper', 'Axe 2 – Accompagner']);
});

test('who may edit the fiche and move the card: the server\'s phase table, facilitators always, observers never', () => {
  const access = { phases: { welcome: { cards: false, fiches: false, votes: false }, place: { cards: true, fiches: true, votes: false }, fiches: { cards: false, fiches: true, votes: false }, vote: { cards: false, fiches: false, votes: true } } };
  const me = (role) => ({ me: { participant: 'p', role }, access });
  assert.deepEqual(allowed(me('participant'), { phase: null }), { fiches: true, cards: true });
  assert.deepEqual(allowed(me('participant'), { phase: 'fiches' }), { fiches: true, cards: false });
  assert.deepEqual(allowed(me('participant'), { phase: 'vote' }), { fiches: false, cards: false });
  assert.deepEqual(allowed(me('participant'), { phase: null, locked: true }), { fiches: false, cards: false });
  assert.deepEqual(allowed(me('facilitator'), { phase: 'vote', locked: true }), { fiches: true, cards: true });
  assert.deepEqual(allowed(me('observer'), { phase: null }), { fiches: false, cards: false });
});

test('a refusal lands next to its field, in plain words in every language', () => {
  assert.equal(fieldOfCode('fiche_invalid_budget'), 'budget');
  assert.equal(fieldOfCode('fiche_funding_over_budget'), 'funding');
  assert.equal(fieldOfCode('fiche_number_taken'), 'number');
  assert.equal(fieldOfCode('milestone_outside'), 'milestones');
  assert.equal(fieldOfCode('invalid_level'), 'capabilities');
  assert.equal(fieldOfCode('link_item_unknown'), 'links');
  assert.equal(fieldOfCode('something_else'), null);
  const fields = ['title', 'number', 'axis', 'findings', 'general_objective', 'operational_objectives', 'target_groups',
    'territory', 'lead', 'partners', 'human_means', 'material_means', 'budget', 'funding', 'calendar', 'priority',
    'indicators', 'risks', 'status'];
  for (const t of [fr, en, ar]) {
    for (const f of fields) {
      const text = problemText(`fiche_invalid_${f}`, t);
      assert.ok(!text.startsWith('actions.'), `fiche_invalid_${f} has no words`);
      assert.notEqual(text, t('actions.fiche.error.other', { code: `fiche_invalid_${f}` }));
      assert.ok(!t(`actions.fiche.field.${f}`).startsWith('actions.'), `no label for ${f}`);
    }
    assert.match(problemText('no_such_code', t), /no_such_code/);
  }
});

test('every translation key the fiche, radar and picker scripts name exists in fr, en and ar', () => {
  const fiche = readdirSync(new URL('../../frontend/static/js/actions/fiche/', import.meta.url)).map((f) => `fiche/${f}`);
  assert.ok(fiche.length >= 8, 'the fiche\'s modules are read');
  const sources = ['fiche.js', ...fiche, 'picker.js', 'radar.js'].map((f) => readFileSync(new URL(`../../frontend/static/js/actions/${f}`, import.meta.url), 'utf8')).join('\n');
  const literal = [...sources.matchAll(/t\('(actions\.[a-z0-9_.]+)'/g)].map((m) => m[1]);
  const built = [];
  for (const n of [0, 1, 2, 3, 4]) built.push(`actions.level.${n}`);
  for (let m = 1; m <= 12; m++) built.push(`actions.month.${m}`);
  for (const s of ['planned', 'requested', 'secured']) built.push(`actions.funding.${s}`);
  for (const k of ['output', 'result', 'impact']) built.push(`actions.indicator.${k}`);
  for (const k of ['label', 'target', 'source']) built.push(`actions.fiche.indicator_${k}`, `actions.fiche.indicator_${k}_placeholder`);
  for (const k of ['operational_objectives', 'territory']) built.push(`actions.fiche.add.${k}`, `actions.fiche.entry.${k}`);
  for (const k of ['activities', 'difficulties', 'touchpoints']) built.push(`actions.sources.${k}`);
  for (const k of ['draft', 'validated', 'running', 'done', 'dropped']) built.push(`actions.status.${k}`);
  for (const k of ['high', 'medium', 'low']) built.push(`actions.priority.${k}`);
  // counts (countOf: key and key_one)
  const counted = [...sources.matchAll(/countOf\(t, '(actions\.[a-z0-9_.]+)'/g)].map((m) => m[1]);
  assert.ok(counted.length >= 5);
  for (const k of counted) built.push(k, `${k}_one`);
  assert.ok(literal.length > 80);
  for (const lang of ['fr', 'en', 'ar']) {
    const dict = dictionary(lang);
    const missing = [...literal, ...built].filter((k) => !(k in dict));
    assert.deepEqual(missing, [], lang);
  }
});

test('the picker: the period holding today, clamped to the timeline', () => {
  const timeline = { start: '2024-01', end: '2027-12', scale: 'quarter' };
  assert.deepEqual(currentPeriod(timeline, new Date(2025, 4, 17)), { start: '2025-04', end: '2025-06' });
  assert.deepEqual(currentPeriod(timeline, new Date(2019, 4, 17)), { start: '2024-01', end: '2024-03' });
  assert.deepEqual(currentPeriod(timeline, new Date(2031, 0, 1)), { start: '2027-10', end: '2027-12' });
  assert.deepEqual(currentPeriod({ ...timeline, scale: 'semester' }, new Date(2026, 10, 26)), { start: '2026-07', end: '2026-12' });
  assert.deepEqual(currentPeriod({ ...timeline, scale: 'month' }, new Date(2026, 10, 26)), { start: '2026-11', end: '2026-11' });
});

test('the picker: ONE batch of action.create, draft, titled by the solution, each keeping its link', () => {
  let n = 0;
  const makeId = () => `action-test${++n}`;
  const chosen = [
    { board: 'board-aaaaaa', item: 'sol-111111', text: '', ref: 'help-desk', label: { fr: 'Guichet numérique local', en: 'Local digital help desk', ar: 'مكتب' }, votes: 9 },
    { board: 'board-bbbbbb', item: 'sol-222222', text: 'Des ateliers pour les parents au collège', label: null, votes: null },
  ];
  const ops = createOps(chosen, { lane: 'create', start: '2025-04', end: '2025-06' }, { makeId });
  assert.deepEqual(ops, [
    { op: 'action.create', id: 'action-test1', lane: 'create', start: '2025-04', end: '2025-06', fiche: { title: 'Guichet numérique local', status: 'draft' }, links: [{ board: 'board-aaaaaa', item: 'sol-111111' }] },
    { op: 'action.create', id: 'action-test2', lane: 'create', start: '2025-04', end: '2025-06', fiche: { title: 'Des ateliers pour les parents au collège', status: 'draft' }, links: [{ board: 'board-bbbbbb', item: 'sol-222222' }] },
  ]);
  assert.equal([...titleOf({ text: 'x'.repeat(300) }, '?')].length, 200);
  // the residents' own words first, else the picture's label in the page's language
  assert.equal(titleOf({ text: 'Le samedi matin', label: { fr: 'Ateliers', en: 'Workshops' } }, '?', 'en'), 'Le samedi matin');
  assert.equal(titleOf({ text: '', label: { fr: 'Ateliers', en: 'Workshops' } }, '?', 'en'), 'Workshops');
  assert.equal(titleOf({ label: { fr: 'Ateliers', en: '' } }, '?', 'ar'), 'Ateliers');
  assert.equal(wordsOf({ text: null, label: null }), '');
  assert.equal(titleOf({ text: '   ' }, 'Sans titre'), 'Sans titre');
  assert.deepEqual(linkOps('action-1', chosen), [
    { op: 'action.link', id: 'action-1', board: 'board-aaaaaa', item: 'sol-111111' },
    { op: 'action.link', id: 'action-1', board: 'board-bbbbbb', item: 'sol-222222' },
  ]);
});

test('every op the fiche and the picker build is one the server\'s models accept', async () => {
  const { actionOpProblem } = await import('../../frontend/static/js/core/protocol.js');
  const ops = [
    ...createOps([{ board: 'board-aaaaaa', item: 'sol-111111', label: 'Guichet' }], { lane: 'create', start: '2025-04', end: '2025-06' }),
    ...linkOps('action-aaaaaaaa', [{ board: 'board-aaaaaa', item: 'sol-111111' }]),
    listAddOp('organisations', 'Médiathèque', settings).op,
    listAddOp('target_groups', 'Aidants familiaux', settings).op,
    updateOp('action-aaaaaaaa', {}, { title: 'T', budget: 5, funding: [{ source: 'Ville', amount: 5, state: 'secured' }], lead: null }),
  ];
  for (const op of ops) assert.equal(actionOpProblem(op), null, JSON.stringify(op));
  assert.match(ops[0].id, /^action-/);
});

test('a number another action already has is said before it is sent (exact text, like the core)', () => {
  const actions = [{ id: 'a1', fiche: { number: 'A2.1' } }, { id: 'a2', fiche: { number: '' } }];
  assert.equal(numberTaken(actions, 'A2.1', 'a2'), true);
  assert.equal(numberTaken(actions, 'A2.1', 'a1'), false, 'its own number');
  assert.equal(numberTaken(actions, 'a2.1', 'a2'), false);
  assert.equal(numberTaken(actions, '', 'a1'), false, 'no number: never taken');
  assert.match(problemText('fiche_number_taken', fr), /déjà ce numéro/);
});

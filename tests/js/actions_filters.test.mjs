// The action fresco's filters and colours (js/actions/filters.js): a value always gets the same colour and
// pattern, lanes and statuses never share one, and a filter shows a card only when every criterion matches.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  COLOUR_MODES, NONE_SWATCH, PALETTE, PATTERNS, colourOf, filterFromHash, fold, hashWith, isActive, swatchOf,
  valueLabel, valuesInUse, visible,
} from '../../frontend/static/js/actions/filters.js';

const SETTINGS = {
  lanes: [{ id: 'continue', label: null }, { id: 'reinforce', label: null }, { id: 'create', label: null }],
  organisations: [{ id: 'ccas', label: null }, { id: 'caf', label: null }, { id: 'asso-1', label: 'Les Amis du Jas' }],
  target_groups: [{ id: 'seniors', label: null }, { id: 'youth', label: null }],
};

/** @param {string} id @param {object} fiche @param {string} [lane] */
const action = (id, fiche, lane = 'create') => ({ id, lane, start: '2025-01', end: '2025-12', fiche: { title: id, ...fiche } });

const A = action('act-a', {
  title: 'Ateliers numériques au CCAS', number: 'A2.1', axis: 'Accès aux droits', lead: 'ccas',
  partners: [{ organisation: 'caf', role: 'Cofinance' }], target_groups: ['seniors'], status: 'validated', priority: 'high',
}, 'continue');
const B = action('act-b', {
  axis: 'Emploi', lead: 'caf', partners: [{ organisation: 'asso-1', role: '' }], target_groups: ['youth', 'seniors'], status: 'running',
}, 'reinforce');
const C = action('act-c', {}); // a new card: nothing filled, a draft

test('a colour is a palette colour, the same for the same value, whatever else is on the board', () => {
  for (const mode of COLOUR_MODES) {
    for (const a of [A, B]) {
      const once = swatchOf(a, mode, SETTINGS);
      assert.deepEqual(swatchOf(structuredClone(a), mode, structuredClone(SETTINGS)), once, `${mode} is stable`);
      if (!once.value) { assert.deepEqual(once, NONE_SWATCH); continue; } // B has no priority
      assert.ok(PALETTE.includes(/** @type {any} */ (once.colour)), `${mode}: ${once.colour}`);
      assert.ok(PATTERNS.includes(/** @type {any} */ (once.pattern)));
      assert.equal(colourOf(a, mode, SETTINGS), once.colour);
    }
  }
  // the axis is free text: the same words with other accents, case or spaces are the same axis
  const other = action('act-x', { axis: '  accès AUX  droits ' });
  assert.deepEqual(swatchOf(other, 'axis', SETTINGS).colour, swatchOf(A, 'axis', SETTINGS).colour);
  assert.equal(fold(' Accès  aux Droits'), 'acces aux droits');
});

test('lanes, leads and statuses get colours and patterns of their own (told apart without the hue too)', () => {
  const lanes = SETTINGS.lanes.map((l) => swatchOf(action('x', {}, l.id), 'lane', SETTINGS));
  assert.equal(new Set(lanes.map((s) => s.colour)).size, 3);
  assert.equal(new Set(lanes.map((s) => s.pattern)).size, 3, 'neighbouring values differ in pattern as well');
  const leads = SETTINGS.organisations.map((o) => swatchOf(action('x', { lead: o.id }), 'lead', SETTINGS));
  assert.equal(new Set(leads.map((s) => s.colour)).size, 3);
  const statuses = ['draft', 'validated', 'running', 'done', 'dropped'].map((s) => swatchOf(action('x', { status: s }), 'status', SETTINGS));
  assert.equal(new Set(statuses.map((s) => s.colour)).size, 5);
  const priorities = ['high', 'medium', 'low'].map((p) => swatchOf(action('x', { priority: p }), 'priority', SETTINGS));
  assert.equal(new Set(priorities.map((s) => s.colour)).size, 3);
  // 32 values (e.g. many lanes past the palette) never give the same colour + pattern twice
  const many = { lanes: Array.from({ length: 32 }, (_, i) => ({ id: `l${i}`, label: null })) };
  const pairs = many.lanes.map((l) => { const s = swatchOf(action('x', {}, l.id), 'lane', many); return `${s.colour}/${s.pattern}`; });
  assert.equal(new Set(pairs).size, 32);
});

test('no value (no lead, no axis, no priority) is the grey "not said" swatch; a new card is a draft', () => {
  assert.deepEqual(swatchOf(C, 'lead', SETTINGS), NONE_SWATCH);
  assert.deepEqual(swatchOf(C, 'axis', SETTINGS), NONE_SWATCH);
  assert.deepEqual(swatchOf(C, 'priority', SETTINGS), NONE_SWATCH);
  assert.equal(swatchOf(C, 'status', SETTINGS).value, 'draft');
  const t = (/** @type {string} */ k) => ({ 'actions.filter.none': 'Non renseigné', 'actions.status.draft': 'Brouillon' })[k] ?? k;
  assert.equal(valueLabel('lead', '', SETTINGS, t), 'Non renseigné');
  assert.equal(valueLabel('status', 'draft', SETTINGS, t), 'Brouillon');
  assert.equal(valueLabel('lead', 'asso-1', SETTINGS, t), 'Les Amis du Jas', "a people's own entry keeps its words");
  assert.equal(valueLabel('lead', 'caf', SETTINGS, t), 'caf', 'a missing translation shows the id, never the key');
});

test('visible(): each criterion alone', () => {
  const all = [A, B, C];
  const ids = (/** @type {any} */ f) => all.filter((a) => visible(a, f)).map((a) => a.id);
  assert.deepEqual(ids({}), ['act-a', 'act-b', 'act-c']);
  assert.deepEqual(ids(null), ['act-a', 'act-b', 'act-c']);
  assert.deepEqual(ids({ axis: 'acces aux droits' }), ['act-a']);
  assert.deepEqual(ids({ lead: 'caf' }), ['act-b']);
  assert.deepEqual(ids({ partner: 'caf' }), ['act-a'], 'a partner is one of the partners, not the lead');
  assert.deepEqual(ids({ target_group: 'seniors' }), ['act-a', 'act-b']);
  assert.deepEqual(ids({ target_group: 'youth' }), ['act-b']);
  assert.deepEqual(ids({ status: 'draft' }), ['act-c']);
  assert.deepEqual(ids({ status: 'running' }), ['act-b']);
  assert.deepEqual(ids({ text: 'numerique ccas' }), ['act-a'], 'every word, accents aside');
  assert.deepEqual(ids({ text: 'a2.1' }), ['act-a'], 'the number too');
  assert.deepEqual(ids({ text: 'numérique emploi' }), []);
});

test('visible(): every criterion given must match', () => {
  assert.equal(visible(A, { lead: 'ccas', target_group: 'seniors', status: 'validated', partner: 'caf', axis: 'Accès aux droits' }), true);
  assert.equal(visible(A, { lead: 'ccas', status: 'running' }), false);
  assert.equal(visible(B, { target_group: 'seniors', lead: 'ccas' }), false);
  assert.equal(visible(B, { target_group: 'seniors', lead: 'caf', partner: 'asso-1' }), true);
  assert.equal(visible(B, { target_group: 'seniors', lead: 'caf', partner: 'caf' }), false);
  assert.equal(isActive({}), false);
  assert.equal(isActive({ lead: '' }), false);
  assert.equal(isActive({ status: 'done' }), true);
});

test('valuesInUse lists what the cards use, once each, for the filter choices', () => {
  const used = valuesInUse([A, B, C, action('act-d', { axis: 'ACCES aux droits' })]);
  assert.deepEqual(used.axis, ['Accès aux droits', 'Emploi']);
  assert.deepEqual(used.lead, ['caf', 'ccas']);
  assert.deepEqual(used.partner, ['asso-1', 'caf']);
  assert.deepEqual(used.target_group, ['seniors', 'youth']);
  assert.deepEqual(used.status, ['draft', 'validated', 'running']);
});

test('the filter and colour live in the URL hash beside other keys, and come back from it', () => {
  const hash = hashWith('#fiche=act-a', { axis: 'Accès aux droits', lead: 'ccas', text: '' }, 'status');
  assert.match(hash, /^#fiche=act-a&/);
  assert.deepEqual(filterFromHash(hash), { filter: { axis: 'Accès aux droits', lead: 'ccas' }, colour: 'status' });
  assert.equal(hashWith(hash, {}, 'lane'), '#fiche=act-a', 'a reset leaves the other keys');
  assert.equal(hashWith('', {}, 'lane'), '');
  assert.deepEqual(filterFromHash('#colour=rainbow&status=done'), { filter: { status: 'done' }, colour: 'lane' });
});

// -- facilitate.js's pure parts: what a phase opens, the ranking --------------------------------------------

import { rankActions, totalsShown } from '../../frontend/static/js/actions/facilitate.js';
import { actionTools } from '../../frontend/static/js/actions/tools.js';

const ACCESS = {
  phases: {
    welcome: { cards: false, fiches: false, votes: false }, place: { cards: true, fiches: true, votes: false },
    fiches: { cards: false, fiches: true, votes: false }, vote: { cards: false, fiches: false, votes: true },
    restitution: { cards: false, fiches: false, votes: false },
  },
};

test('actionTools: the phase opens the votes to participants; facilitators always; observers and a paused board never', () => {
  const at = (/** @type {string | null} */ phase, locked = false, role = 'participant') => actionTools(ACCESS, { phase, locked }, role);
  assert.equal(at('vote').votes, true);
  assert.equal(at('vote').cards, false);
  assert.equal(at('place').votes, false);
  assert.equal(at('place').cards, true);
  assert.equal(at('welcome').any, false);
  assert.equal(at(null).votes, true, 'a free board');
  assert.deepEqual(at('vote', true), { cards: false, fiches: false, votes: false, locked: true, any: false });
  assert.equal(at('welcome', true, 'facilitator').votes, true);
  assert.equal(at('welcome', false, 'co_facilitator').cards, true);
  assert.equal(at('vote', false, 'observer').votes, false);
  assert.equal(totalsShown({ votes_hidden: true }, false), false);
  assert.equal(totalsShown({ votes_hidden: true }, true), true);
  assert.equal(totalsShown({ votes_hidden: false }, false), true);
});

test('rankActions: most dots first, ties share a rank and keep the reading order, no dot no rank', () => {
  const totals = /** @type {Record<string, number>} */ ({ a: 2, b: 5, c: 2, d: 0, e: 1 });
  const acts = [
    { id: 'a', fiche: { number: 'A10', title: 'Zèbre' } }, { id: 'b', fiche: { title: 'B' } },
    { id: 'c', fiche: { number: 'A2', title: 'Ateliers' } }, { id: 'd', fiche: { title: 'D' } }, { id: 'e', fiche: { title: 'E' } },
  ];
  const ranked = rankActions(acts, (id) => totals[id] ?? 0);
  assert.deepEqual(ranked.map((r) => [r.action.id, r.total, r.rank]), [['b', 5, 1], ['c', 2, 2], ['a', 2, 2], ['e', 1, 4]]);
});

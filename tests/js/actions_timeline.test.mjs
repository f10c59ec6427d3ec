// The action fresco's timeline arithmetic (js/actions/layout.js), tick labels (months.js) and what a phase
// opens (tools.js): pure parts, no DOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { laneStep, monthWidth, movedStart, newCardSpan, periodsFor, rangeOf, resizedEdge, stack, ticksOf } from '../../frontend/static/js/actions/layout.js';
import { formatMonth, parseMonth, periodLabel, spanLabel } from '../../frontend/static/js/actions/months.js';
import { actionRefusal, actionTools } from '../../frontend/static/js/actions/tools.js';

const settings = (scale = 'quarter', start = '2024-01', end = '2027-12') => ({ timeline: { start, end, scale } });
const LANES = [{ id: 'continue' }, { id: 'reinforce' }, { id: 'create' }];
const card = (id, lane, start, end, milestones = []) => ({ id, lane, start, end, milestones });
const m = (text) => parseMonth(text);
const f = (month) => formatMonth(month);
const FR = { 'actions.scale.quarter_label': 'T{n} {year}', 'actions.scale.semester_label': 'S{n} {year}' };
const t = (key, vars = {}) => (FR[key] ?? key).replace(/\{(\w+)\}/g, (_, k) => String(vars[k]));

test('the range and the ticks: periods by scale, one label per year', () => {
  const range = rangeOf(settings('quarter', '2024-07', '2026-06'));
  assert.equal(range.months, 24);
  assert.equal(range.period, 3);
  const { periods, years } = ticksOf(range);
  assert.deepEqual(periods.map(f), ['2024-07', '2024-10', '2025-01', '2025-04', '2025-07', '2025-10', '2026-01', '2026-04']);
  assert.deepEqual(years.map((y) => [y.year, f(y.start), y.months]), [[2024, '2024-07', 6], [2025, '2025-01', 12], [2026, '2026-01', 6]]);
  assert.deepEqual(ticksOf(rangeOf(settings('semester'))).periods.length, 8);
  assert.deepEqual(ticksOf(rangeOf(settings('month', '2025-01', '2025-12'))).periods.length, 12);
});

test('period labels: "T1 2025" for quarters, "S2 2025" for semesters, a month name by month; spans', () => {
  assert.equal(periodLabel(m('2025-01'), 'quarter', t, 'fr'), 'T1 2025');
  assert.equal(periodLabel(m('2025-10'), 'quarter', t, 'fr'), 'T4 2025');
  assert.equal(periodLabel(m('2025-07'), 'semester', t, 'fr'), 'S2 2025');
  assert.match(periodLabel(m('2025-03'), 'month', t, 'fr'), /^mars/);
  assert.equal(spanLabel(m('2025-07'), m('2026-03'), 'quarter', t, 'fr'), 'T3 2025 → T1 2026');
  assert.equal(spanLabel(m('2025-04'), m('2025-06'), 'quarter', t, 'fr'), 'T2 2025');
  assert.match(spanLabel(m('2025-04'), m('2025-09'), 'month', t, 'fr'), /^avr\.? 2025 → sept\.? 2025$/);
});

test('a month is wide enough to read and grab, and a short timeline fills the screen', () => {
  assert.equal(monthWidth('quarter', 48, 1000), 52);
  assert.equal(monthWidth('month', 12, 600), 96);
  assert.equal(monthWidth('semester', 12, 1800), 150);
});

test('cards overlapping in a lane stack into rows, the same on every screen', () => {
  const actions = [
    card('b', 'continue', '2024-04', '2024-12'),
    card('a', 'continue', '2024-01', '2024-06'),
    card('c', 'continue', '2025-01', '2025-03'),
    card('d', 'continue', '2024-07', '2024-09'),
    card('e', 'create', '2024-01', '2024-03'),
    card('z', 'gone-lane', '2024-01', '2024-03'),
  ];
  const { row, rows, laneOf } = stack(actions, LANES);
  assert.equal(row.get('a'), 0);
  assert.equal(row.get('b'), 1);
  assert.equal(row.get('d'), 0); // after a ends
  assert.equal(row.get('c'), 0);
  assert.equal(rows.get('continue'), 2);
  assert.equal(rows.get('reinforce'), 1); // an empty lane keeps one row
  assert.equal(laneOf.get('z'), 'continue'); // an unknown lane: drawn in the first
  assert.equal(row.get('z'), 1); // beside a, before b takes that row after it
  assert.deepEqual(stack([...actions].reverse(), LANES).row, row);
});

test('a move keeps the duration, by whole periods, clamped to the timeline', () => {
  const range = rangeOf(settings());
  const a = card('a', 'continue', '2025-01', '2025-06');
  assert.equal(f(movedStart(a, 1, range)), '2025-04');
  assert.equal(f(movedStart(a, -2, range)), '2024-07');
  assert.equal(f(movedStart(a, -40, range)), '2024-01');
  assert.equal(f(movedStart(a, 40, range)), '2027-07'); // ends 2027-12, the timeline's end
  assert.equal(periodsFor(3 * 52 * 1.4, 52, range), 1);
  assert.equal(periodsFor(3 * 52 * 1.6, 52, range), 2);
  assert.equal(periodsFor(-10, 52, range), 0);
  assert.ok(!Object.is(periodsFor(-10, 52, range), -0));
});

test('an edge resize snaps, keeps at least one period and every milestone inside', () => {
  const range = rangeOf(settings());
  const a = card('a', 'continue', '2025-01', '2025-12', [{ month: '2025-05' }]);
  assert.equal(f(resizedEdge(a, 'end', 1, range)), '2026-03');
  assert.equal(f(resizedEdge(a, 'end', -1, range)), '2025-09');
  assert.equal(f(resizedEdge(a, 'end', -5, range)), '2025-06'); // the milestone of May stays inside
  assert.equal(f(resizedEdge(a, 'start', 5, range)), '2025-04');
  assert.equal(f(resizedEdge(a, 'start', -20, range)), '2024-01');
  const plain = card('p', 'continue', '2025-01', '2025-06');
  assert.equal(f(resizedEdge(plain, 'end', -9, range)), '2025-03'); // one quarter at least
  assert.equal(f(resizedEdge(plain, 'start', 9, range)), '2025-04');
  assert.equal(f(resizedEdge(plain, 'end', 90, range)), '2027-12');
});

test('lanes up and down, and where a new card goes', () => {
  assert.equal(laneStep(LANES, 'continue', 1), 'reinforce');
  assert.equal(laneStep(LANES, 'continue', -1), null);
  assert.equal(laneStep(LANES, 'create', 1), null);
  const range = rangeOf(settings());
  assert.deepEqual(Object.values(newCardSpan(range, m('2026-11'))).map(f), ['2026-10', '2026-12']);
  assert.deepEqual(Object.values(newCardSpan(range, m('2031-02'))).map(f), ['2024-01', '2024-03']);
});

test('what a phase opens, from the server\'s table; refusals say why', () => {
  const access = { phases: { welcome: { cards: false, fiches: false, votes: false }, place: { cards: true, fiches: true, votes: false }, vote: { cards: false, fiches: false, votes: true } } };
  const free = { phase: null, locked: false };
  assert.deepEqual(actionTools(access, free, 'participant'), { cards: true, fiches: true, votes: true, locked: false, any: true });
  const place = actionTools(access, { phase: 'place', locked: false }, 'participant');
  assert.equal(place.cards, true);
  assert.equal(place.votes, false);
  assert.equal(actionRefusal(place, [{ op: 'action.move' }], false), null);
  assert.equal(actionRefusal(place, [{ op: 'vote.add' }], false), 'board.closed');
  const vote = actionTools(access, { phase: 'vote', locked: false }, 'participant');
  assert.equal(actionRefusal(vote, [{ op: 'action.resize' }], false), 'board.closed');
  assert.equal(actionRefusal(vote, [{ op: 'board.update' }], false), 'board.closed');
  const locked = actionTools(access, { phase: 'place', locked: true }, 'participant');
  assert.equal(actionRefusal(locked, [{ op: 'action.move' }], false), 'board.locked');
  assert.equal(actionTools(access, { phase: 'welcome', locked: true }, 'facilitator').cards, true);
  assert.equal(actionRefusal(locked, [{ op: 'action.move' }], true), null);
  assert.equal(actionTools(access, free, 'observer').any, false);
});

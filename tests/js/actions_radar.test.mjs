// The capabilities web's geometry in the browser (js/actions/radar.js) is the same as Python's
// (backend/fresque/radar.py radar_geometry(...).as_dict()), number for number: the expected values are
// computed by running the Python function on the same inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

import { radarGeometry, round2, wrapLabel, pickLevel, seriesColour, SERIES_COLOURS } from '../../frontend/static/js/actions/radar.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const python = existsSync(path.join(root, '.venv/bin/python')) ? path.join(root, '.venv/bin/python') : 'python3';

/** Run radar_geometry in Python on every case: [{axes, levels, size}] → [as_dict() | {error}]. */
function pythonGeometry(cases) {
  const script = `
import json, sys
sys.path.insert(0, "backend")
from fresque.radar import radar_geometry, SERIES_COLOURS
cases = json.load(sys.stdin)
out = []
for c in cases:
    try:
        out.append(radar_geometry(c["axes"], c["levels"], c["size"]).as_dict())
    except ValueError as e:
        out.append({"error": str(e)})
print(json.dumps({"results": out, "colours": ["#%02x%02x%02x" % c for c in SERIES_COLOURS]}))
`;
  const stdout = execFileSync(python, ['-c', script], { cwd: root, input: JSON.stringify(cases), encoding: 'utf8' });
  return JSON.parse(stdout);
}

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

const TEN = ['rights', 'work_training', 'health', 'schooling_parenting', 'social_ties', 'getting_around',
  'budget_shopping', 'information_leisure', 'citizenship', 'online_safety'];
const SERIES = ['today', 'targeted', 'in_2027', 'other'];

function cases() {
  const list = [
    { axes: TEN, series: ['today', 'targeted'], levels: {}, size: 400 },
    { axes: TEN, series: ['today', 'targeted'], levels: { targeted: { health: 3, rights: 4 }, today: { health: 1 } }, size: 800 },
    { axes: ['a', 'b', 'c'], series: ['today'], levels: { today: { a: 0, b: 4, c: 2 } }, size: 200 },
    { axes: ['a', 'b', 'c', 'd'], series: ['today', 'targeted'], levels: { today: { a: 1, b: 1, c: 1, d: 1 }, targeted: { a: 4, c: 4 } }, size: 401 },
    { axes: Array.from({ length: 12 }, (_, i) => `x${i}`), series: SERIES, levels: { other: { x0: 2, x11: 3 }, today: { x5: 4 } }, size: 4000 },
    { axes: TEN.slice(0, 7), series: SERIES, levels: { targeted: Object.fromEntries(TEN.slice(0, 7).map((a, i) => [a, i % 5])) }, size: 777 },
    { axes: TEN.slice(0, 6), series: SERIES, levels: {}, size: 333 },
    { axes: TEN.slice(0, 5), series: SERIES, levels: {}, size: 250 },
    { axes: TEN.slice(0, 9), series: SERIES, levels: {}, size: 1001 },
    { axes: TEN.slice(0, 11), series: SERIES, levels: {}, size: 999 },
  ];
  const rnd = random(20261126);
  for (let k = 0; k < 40; k++) {
    const n = 3 + Math.floor(rnd() * 10);
    const axes = Array.from({ length: n }, (_, i) => `ax-${i}`);
    const size = MIN + Math.floor(rnd() * (3800));
    /** @type {Record<string, Record<string, number>>} */
    const levels = {};
    for (const s of SERIES) {
      if (rnd() < 0.5) continue;
      levels[s] = {};
      for (const a of axes) if (rnd() < 0.7) levels[s][a] = Math.floor(rnd() * 5);
    }
    list.push({ axes, series: SERIES, levels, size });
  }
  return list;
}
const MIN = 200;

/** The levels in the order the JS module draws them (the board's series order), for Python's call. */
function ordered(c) {
  return Object.fromEntries(c.series.filter((s) => s in c.levels).map((s) => [s, c.levels[s]]));
}

test('radarGeometry equals Python radar_geometry(...).as_dict() on every case', () => {
  const all = cases();
  const { results } = pythonGeometry(all.map((c) => ({ axes: c.axes, levels: ordered(c), size: c.size })));
  assert.equal(results.length, all.length);
  all.forEach((c, i) => {
    assert.ok(!results[i].error, `Python refused case ${i}: ${results[i].error}`);
    const mine = JSON.parse(JSON.stringify(radarGeometry(c.axes, c.series, c.levels, { size: c.size })));
    assert.deepStrictEqual(mine, results[i], `case ${i} (${c.axes.length} axes, size ${c.size}) diverges`);
  });
});

test('axes and series may be given as the board lists ({id, label})', () => {
  const axes = TEN.map((id) => ({ id, label: null }));
  const series = [{ id: 'today', label: null }, { id: 'targeted', label: 'Visé' }];
  const levels = { targeted: { health: 2 }, today: { rights: 1 } };
  const { results } = pythonGeometry([{ axes: TEN, levels: { today: levels.today, targeted: levels.targeted }, size: 400 }]);
  assert.deepStrictEqual(JSON.parse(JSON.stringify(radarGeometry(axes, series, levels, { size: 400 }))), results[0]);
  // the board's order decides, whatever the order of the levels
  assert.deepEqual(radarGeometry(axes, series, levels).series.map((s) => s.id), ['today', 'targeted']);
});

test('the same refusals as Python', () => {
  const bad = [
    { axes: ['a', 'b'], levels: {}, size: 400 },
    { axes: Array.from({ length: 13 }, (_, i) => `x${i}`), levels: {}, size: 400 },
    { axes: ['a', 'a', 'b'], levels: {}, size: 400 },
    { axes: ['a', 'b', 'c'], levels: { today: { z: 1 } }, size: 400 },
    { axes: ['a', 'b', 'c'], levels: { today: { a: 5 } }, size: 400 },
    { axes: ['a', 'b', 'c'], levels: { today: { a: 1.5 } }, size: 400 },
    { axes: ['a', 'b', 'c'], levels: {}, size: 199 },
    { axes: ['a', 'b', 'c'], levels: {}, size: 4001 },
  ];
  const { results } = pythonGeometry(bad);
  bad.forEach((c, i) => {
    assert.ok(results[i].error, `Python accepted bad case ${i}`);
    assert.throws(() => radarGeometry(c.axes, Object.keys(c.levels), c.levels, { size: c.size }), RangeError, `case ${i}`);
  });
});

test('round2 rounds like radar.py _round (Python round(x, 2), ties to even on the exact value, no -0)', () => {
  const values = [0.125, 0.375, 2.675, 1.005, -0.125, -0.005, 0.004999, 100.5, 123.455, 1e-15, -1e-15, 57.99999999999999, 0.045, 1.115, 12.345];
  const script = 'import json,sys; sys.path.insert(0, "backend"); from fresque.radar import _round; print(json.dumps([_round(v) for v in json.load(sys.stdin)]))';
  const expected = JSON.parse(execFileSync(python, ['-c', script], { cwd: root, input: JSON.stringify(values), encoding: 'utf8' }));
  assert.deepEqual(values.map(round2), expected);
  assert.equal(Object.is(round2(-1e-15), -0), false, 'no minus zero');
});

test('the series colours are radar.py SERIES_COLOURS, in order', () => {
  const { colours } = pythonGeometry([]);
  assert.deepEqual([...SERIES_COLOURS], colours);
  assert.equal(seriesColour(0), colours[0]);
  assert.equal(seriesColour(1), colours[1]);
});

test('a tap near a level of a spoke picks that axis and level; far from every spoke, nothing', () => {
  const g = radarGeometry(TEN, [], {}, { size: 400 });
  const [cx, cy] = g.centre;
  const health = g.axes[2];
  const at = (a, level) => [cx + (a.end[0] - cx) * level / 4, cy + (a.end[1] - cy) * level / 4];
  for (let level = 1; level <= 4; level++) assert.deepEqual(pickLevel(g, ...at(health, level)), { axis: 'health', level });
  assert.equal(pickLevel(g, 2, 2), null);
});

test('wrapLabel keeps words whole and ends cut text with …', () => {
  assert.deepEqual(wrapLabel('Accès aux droits et démarches', 12), ['Accès aux', 'droits et', 'démarches']);
  assert.deepEqual(wrapLabel('un deux trois quatre cinq six sept', 6, 2), ['un', 'deux…']);
  assert.deepEqual(wrapLabel('Santé', 12), ['Santé']);
});

// Threads: where they leave their cards, the way they take around the others, and the crossings count.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as G from '../../frontend/static/js/core/geometry.js';
import { routeThreads, threadAnchors } from '../../frontend/static/js/core/route.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'weekend'];
const SLOTS = ['morning', 'afternoon', 'evening'];
const BAND = { touchpoint: 886, difficulty: 1164, solution: 1442 };

/** The filled board of scripts/screenshots.py (build_workshop), with the same positions. */
function standardScene() {
  const items = new Map();
  const slot = (day, s, i) => ({
    x: 120 + DAYS.indexOf(day) * 300 + 50 + (i % 2) * 104, y: 56 + SLOTS.indexOf(s) * 240 + 12 + Math.floor(i / 2) * 120,
  });
  const act = (id, day, s, i) => items.set(id, { id, kind: 'activity', ...slot(day, s, i) });
  const card = (id, kind, x) => items.set(id, { id, kind, x, y: BAND[kind] });
  act('act-school', 'mon', 'morning', 0); act('act-doctor', 'mon', 'afternoon', 0); act('act-caf', 'tue', 'morning', 0);
  act('act-shop', 'tue', 'afternoon', 0); act('act-call', 'wed', 'evening', 0); act('act-work', 'mon', 'morning', 1);
  act('act-bus', 'thu', 'morning', 0); act('act-bank', 'thu', 'afternoon', 0); act('act-french', 'fri', 'afternoon', 0);
  act('act-market', 'weekend', 'morning', 0); act('act-sport', 'weekend', 'afternoon', 0);
  card('tp-caf', 'touchpoint', 420); card('dif-login', 'difficulty', 420); card('dif-read', 'difficulty', 130);
  card('tp-france-travail', 'touchpoint', 130); card('dif-equipment', 'difficulty', 1020);
  card('sol-desk', 'solution', 420); card('sol-plain', 'solution', 130); card('sol-peers', 'solution', 1020);
  const threads = [
    ['act-caf', 'tp-caf'], ['tp-caf', 'dif-login'], ['act-school', 'dif-read'], ['act-work', 'tp-france-travail'],
    ['act-bank', 'dif-equipment'], ['dif-login', 'sol-desk'], ['dif-read', 'sol-plain'], ['dif-equipment', 'sol-peers'],
  ].map(([source, target]) => ({ id: `th-${source}-${target}`, source, target }));
  return { items, threads };
}

const routed = (threads, routes) => threads.map((th) => ({ ...th, curves: routes.get(th.id) }));

/**
 * How long (world px) thread p runs along thread q: within `near` px of it and heading the same way (within
 * 25°), away from the cards they share. Crossing it is not running along it.
 */
function alongLength(p, q, items, near = 8) {
  const shared = [p.source, p.target].filter((id) => id === q.source || id === q.target).map((id) => G.itemRect(items.get(id)));
  const withHeading = (pts) => pts.map((pt, i) => {
    const [u, v] = i ? [pts[i - 1], pt] : [pt, pts[1]];
    return { ...pt, a: Math.atan2(v.y - u.y, v.x - u.x) };
  });
  const ps = withHeading(G.sampleCurves(p.curves, 2));
  const qs = withHeading(G.sampleCurves(q.curves, 2));
  const nearCard = (pt) => shared.some((r) => pt.x > r.x - 40 && pt.x < r.x + r.w + 40 && pt.y > r.y - 40 && pt.y < r.y + r.h + 40);
  const parallel = (a, b) => Math.abs(Math.sin(a - b)) < Math.sin((25 * Math.PI) / 180);
  return 2 * ps.filter((s) => !nearCard(s) && qs.some((t) => Math.hypot(s.x - t.x, s.y - t.y) < near && parallel(s.a, t.a))).length;
}

test('threadCrossings counts (thread, card) pairs where a thread passes inside a card it does not join', () => {
  const items = [
    { id: 'a', kind: 'note', x: 0, y: 0, w: 100, h: 100 },
    { id: 'b', kind: 'note', x: 400, y: 0, w: 100, h: 100 },
    { id: 'mid', kind: 'note', x: 200, y: 20, w: 60, h: 60 },
    { id: 'off', kind: 'note', x: 200, y: 300, w: 60, h: 60 },
  ];
  const straight = [{ x: 100, y: 50 }, { x: 200, y: 50 }, { x: 300, y: 50 }, { x: 400, y: 50 }];
  assert.equal(G.threadCrossings([{ source: 'a', target: 'b', curves: [straight] }], items), 1, 'behind "mid" only');
  const around = [{ x: 100, y: 50 }, { x: 230, y: 200 }, { x: 270, y: 200 }, { x: 400, y: 50 }];
  assert.equal(G.threadCrossings([{ source: 'a', target: 'b', curves: [around] }], items), 0, 'below "mid", above "off"');
  // its own cards never count, and two threads count twice
  assert.equal(G.threadCrossings([{ source: 'a', target: 'mid', curves: [straight] }], items), 0);
  assert.equal(G.threadCrossings([{ source: 'a', target: 'b', curves: [straight] }, { source: 'b', target: 'a', curves: [straight] }], items), 2);
  assert.equal(G.threadCrossings([], items), 0);
});

test('sampleCurves walks every curve end to end, no gap wider than the step', () => {
  const c1 = [{ x: 0, y: 0 }, { x: 0, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 0 }];
  const c2 = [{ x: 100, y: 0 }, { x: 100, y: 0 }, { x: 100, y: 50 }, { x: 100, y: 50 }];
  const pts = G.sampleCurves([c1, c2], 5);
  assert.deepEqual(pts[0], { x: 0, y: 0 });
  assert.deepEqual(pts[pts.length - 1], { x: 100, y: 50 });
  for (let i = 1; i < pts.length; i += 1) assert.ok(Math.hypot(pts[i].x - pts[i - 1].x, pts[i].y - pts[i - 1].y) <= 5.0001);
});

test('on the standard filled board the plain curves pass behind cards; the routed threads never do', () => {
  const { items, threads } = standardScene();
  const plain = threads.map((th) => ({ ...th, curves: [G.threadCurve(items.get(th.source), items.get(th.target))] }));
  assert.ok(G.threadCrossings(plain, items.values()) >= 3, 'the scene is a real test: straight threads cross cards');
  const routes = routeThreads(threads, items);
  assert.equal(routes.size, threads.length);
  assert.equal(G.threadCrossings(routed(threads, routes), items.values()), 0);
  for (const [id, curves] of routes) {
    const d = G.curvesPath(curves);
    assert.match(d, /^M[-\d. ]+C[-\d. ]+$/, id);
    assert.ok(!d.includes('NaN'), id);
    // it starts on its source's edge and ends on its target's
    const th = threads.find((t) => t.id === id);
    const [first] = curves;
    const last = curves[curves.length - 1][3];
    const onEdge = (p, r) => (Math.abs(p.y - r.y) < 0.01 || Math.abs(p.y - r.y - r.h) < 0.01) && p.x >= r.x && p.x <= r.x + r.w;
    assert.ok(onEdge(first[0], G.itemRect(items.get(th.source))), `${id} leaves its source's edge`);
    assert.ok(onEdge(last, G.itemRect(items.get(th.target))), `${id} enters its target's edge`);
  }
});

test('threads leaving the same side of a card leave at distinct points, in the order of where they go', () => {
  const items = new Map([
    ['act', { id: 'act', kind: 'activity', x: 170, y: 68 }],
    ['d1', { id: 'd1', kind: 'difficulty', x: 0, y: 1164 }],
    ['d2', { id: 'd2', kind: 'difficulty', x: 250, y: 1164 }],
    ['d3', { id: 'd3', kind: 'difficulty', x: 500, y: 1164 }],
  ]);
  const threads = ['d3', 'd1', 'd2'].map((t) => ({ id: `th-${t}`, source: 'act', target: t }));
  const ends = threadAnchors(threads, (id) => G.itemRect(items.get(id)));
  const xs = ['d1', 'd2', 'd3'].map((t) => ends.get(`th-${t}`).a.x);
  assert.ok(xs[0] < xs[1] && xs[1] < xs[2], `left to right: ${xs}`);
  assert.ok(xs[1] - xs[0] >= 15 && xs[2] - xs[1] >= 15, 'apart');
  for (const t of ['d1', 'd2', 'd3']) {
    assert.equal(ends.get(`th-${t}`).sa, 'bottom');
    assert.equal(ends.get(`th-${t}`).sb, 'top');
  }
  // and the three threads never run along one another
  const list = routed(threads, routeThreads(threads, items));
  for (const p of list) for (const q of list) if (p !== q) assert.ok(alongLength(p, q, items) < 30, `${p.id} along ${q.id}`);
});

test('detours around the same cards keep apart: threads never run along one another', () => {
  // three activities of one cell, each tied to a difficulty straight under a card of the band above
  const items = new Map();
  const threads = [];
  for (let i = 0; i < 3; i += 1) {
    items.set(`a${i}`, { id: `a${i}`, kind: 'activity', x: 130 + i * 100, y: 68 });
    items.set(`d${i}`, { id: `d${i}`, kind: 'difficulty', x: 100 + i * 240, y: 1164 });
    threads.push({ id: `t${i}`, source: `a${i}`, target: `d${i}` });
  }
  items.set('wall', { id: 'wall', kind: 'touchpoint', x: 60, y: 886, w: 760, h: 168 }); // a wide card in the way
  const list = routed(threads, routeThreads(threads, items));
  assert.equal(G.threadCrossings(list, items.values()), 0);
  for (const p of list) for (const q of list) if (p !== q) assert.ok(alongLength(p, q, items) < 30, `${p.id} along ${q.id}`);
});

test('a thread with no way round (walled in) is still drawn, plainly, without NaN', () => {
  const items = new Map([
    ['a', { id: 'a', kind: 'activity', x: 0, y: 0 }],
    ['b', { id: 'b', kind: 'difficulty', x: 0, y: 1000 }],
    ['wall', { id: 'wall', kind: 'note', x: -5000, y: 500, w: 10000, h: 100 }],
  ]);
  const routes = routeThreads([{ id: 't', source: 'a', target: 'b' }], items);
  assert.equal(routes.get('t').length, 1);
  assert.ok(!G.curvesPath(routes.get('t')).includes('NaN'));
  // and threads whose cards are gone are left out
  assert.equal(routeThreads([{ id: 'x', source: 'a', target: 'nope' }], items).size, 0);
});

// ~0.2 s alone on this machine; the bound is loose because node runs the test files side by side on shared cores
test('routing a 1,000-card board (the benchmark\'s) stays bounded', () => {
  const items = new Map();
  const threads = [];
  const acts = 666;
  for (let i = 0; i < acts; i += 1) {
    const x = 120 + (i % 6) * 300 + 12 + (Math.floor(i / 18) % 3) * 96;
    const y = 56 + (Math.floor(i / 6) % 3) * 240 + 12 + (Math.floor(i / 54) % 2) * 112;
    items.set(`act-${i}`, { id: `act-${i}`, kind: 'activity', x, y });
  }
  for (let j = 0; j < 1000 - acts; j += 1) {
    items.set(`dif-${j}`, { id: `dif-${j}`, kind: 'difficulty', x: 120 + (j * 240) % 6000, y: 900 + Math.floor((j * 240) / 6000) * 200 });
    threads.push({ id: `thr-${j}`, source: `act-${j % acts}`, target: `dif-${j}` });
  }
  const t0 = performance.now();
  const routes = routeThreads(threads, items);
  const ms = performance.now() - t0;
  assert.equal(routes.size, threads.length);
  assert.ok(ms < 3000, `${ms.toFixed(0)} ms`);
});

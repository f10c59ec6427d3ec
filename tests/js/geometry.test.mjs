// The week grid, item sizes, thread curves, placement and the viewport.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { DAYS, SLOTS, KINDS } from '../../frontend/static/js/core/protocol.js';
import * as G from '../../frontend/static/js/core/geometry.js';

const close = (a, b, eps = 1e-9) => assert.ok(Math.abs(a - b) <= eps * Math.max(1, Math.abs(a), Math.abs(b)), `${a} ≉ ${b}`);
const inside = (r, outer) => r.x >= outer.x && r.y >= outer.y && r.x + r.w <= outer.x + outer.w && r.y + r.h <= outer.y + outer.h;
const overlap = (a, b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/** A small deterministic generator, so that a failure can be replayed. */
function random(seed) {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

test('the grid: header row, label column, 6 days × 3 parts of the day', () => {
  assert.deepEqual(G.gridBounds(), { x: 0, y: 0, w: 120 + 6 * 300, h: 56 + 3 * 240 });
  assert.deepEqual(G.cellRect({ day: 'mon', slot: 'morning' }), { x: 120, y: 56, w: 300, h: 240 });
  assert.deepEqual(G.cellRect({ day: 'weekend', slot: 'evening' }), { x: 120 + 5 * 300, y: 56 + 2 * 240, w: 300, h: 240 });
  assert.deepEqual(G.cellRect({ day: 'wed' }), { x: 120 + 2 * 300, y: 56, w: 300, h: 720 });
  assert.deepEqual(G.cellRect({ day: 'tue', slot: null }), G.cellRect({ day: 'tue' }));
  assert.equal(G.cellRect({ day: 'sun' }), null);
  assert.equal(G.cellRect({ day: 'mon', slot: 'night' }), null);
});

test('cellAt is the inverse of cellRect, edges belonging to one cell only', () => {
  for (const day of DAYS) {
    for (const slot of SLOTS) {
      const r = G.cellRect({ day, slot });
      for (const [x, y] of [[r.x, r.y], [r.x + r.w / 2, r.y + r.h / 2], [r.x + r.w - 0.001, r.y + r.h - 0.001]]) {
        assert.deepEqual(G.cellAt(x, y), { day, slot });
      }
      const whole = G.cellRect({ day });
      assert.ok(inside(r, whole));
    }
  }
  assert.deepEqual(G.cellAt(420, 56), { day: 'tue', slot: 'morning' }, 'the shared edge goes right');
  assert.deepEqual(G.cellAt(419.999, 296), { day: 'mon', slot: 'afternoon' }, 'and down');
  const bounds = G.gridBounds();
  for (const [x, y] of [[50, 100], [200, 20], [-1, -1], [bounds.w, 100], [200, bounds.h], [NaN, 100], [200, Infinity]]) {
    assert.equal(G.cellAt(x, y), null, `${x},${y}`);
  }
});

test('item sizes per kind, own sizes first', () => {
  for (const kind of KINDS) assert.deepEqual(G.itemSize(kind), { ...G.ITEM_SIZES[kind] });
  const note = G.ITEM_SIZES.note;
  const act = G.ITEM_SIZES.activity;
  assert.ok(act.w >= 48 && act.h >= 48 && note.w > act.w, 'pictograms stay touchable, cards hold text');
  assert.deepEqual(G.itemRect({ kind: 'note', x: 1, y: 2 }), { x: 1, y: 2, w: note.w, h: note.h });
  assert.deepEqual(G.itemRect({ kind: 'note', x: 1, y: 2, w: 300, h: 50 }), { x: 1, y: 2, w: 300, h: 50 });
  assert.deepEqual(G.itemCenter({ kind: 'activity', x: 10, y: 20 }), { x: 10 + act.w / 2, y: 20 + act.h / 2 });
  const size = G.itemSize('note');
  size.w = 1;
  assert.equal(G.ITEM_SIZES.note.w, note.w, 'a copy is handed out');
});

test('slotPosition tiles a cell without overlap, then keeps later cards inside it', () => {
  for (const cell of [{ day: 'mon', slot: 'morning' }, { day: 'weekend', slot: 'evening' }, { day: 'thu' }]) {
    const area = G.cellRect(cell);
    const placed = [];
    for (let i = 0; i < 30; i += 1) {
      const p = G.slotPosition(cell, i);
      const r = { ...p, ...G.itemSize('activity') };
      assert.ok(inside(r, area), `card ${i} leaves ${JSON.stringify(cell)}`);
      if (i < 12) assert.ok(!placed.some((q) => q.x === r.x && q.y === r.y), `card ${i} hides another exactly`);
      placed.push(r);
    }
    // The first round: no overlap at all, and at least two cards fit.
    const firstRound = [];
    for (const r of placed) {
      if (firstRound.some((q) => overlap(q, r))) break;
      firstRound.push(r);
    }
    assert.ok(firstRound.length >= 2, `${firstRound.length} fit in ${JSON.stringify(cell)}`);
  }
  assert.ok(Number.isFinite(G.slotPosition({ day: 'nope' }, 3).x));
});

test('threadPath joins facing edges, either way round, and never holds NaN', () => {
  // Own sizes, so the figures below do not move when the default sizes change.
  const a = { kind: 'activity', x: 0, y: 0, w: 112, h: 128 };
  const d = { kind: 'difficulty', x: 400, y: 100, w: 200, h: 132 };
  const right = G.threadCurve(a, d);
  assert.deepEqual(right[0], { x: 112, y: 64 }, "a's right edge");
  assert.deepEqual(right[3], { x: 400, y: 166 }, "d's left edge");
  assert.equal(right[1].y, right[0].y, 'leaves horizontally');
  assert.equal(right[2].y, right[3].y, 'arrives horizontally');
  const left = G.threadCurve(d, a);
  assert.deepEqual(left[0], { x: 400, y: 166 });
  assert.deepEqual(left[3], { x: 112, y: 64 });
  assert.ok(left[1].x < left[0].x, 'b left of a: the curve leaves to the left');
  const below = G.threadCurve(a, { kind: 'note', x: 20, y: 400, w: 200, h: 120 });
  assert.deepEqual(below[0], { x: 56, y: 128 }, 'stacked: from the bottom edge');
  assert.deepEqual(below[3], { x: 120, y: 400 });
  assert.equal(G.threadPath(a, d), 'M112 64 C256 64 256 166 400 166');

  const odd = [
    [a, a], [a, { ...a }], [{ kind: 'note', x: 5, y: 5 }, { kind: 'note', x: 5.04, y: 5 }],
    [{ x: NaN, y: 0 }, a], [{ kind: 'nope', x: 0, y: Infinity }, { x: undefined, y: null }],
    [{ kind: 'note', x: -1e6, y: -1e6 }, { kind: 'note', x: 1e6, y: 1e6, w: 1e5, h: 1e5 }],
    [{ kind: 'note', x: 0, y: 0, w: 0, h: 0 }, { kind: 'note', x: 0, y: 0, w: 0, h: 0 }],
  ];
  for (const [p, q] of odd) {
    const path = G.threadPath(p, q);
    assert.match(path, /^M-?[\d.]+ -?[\d.]+ C(-?[\d.]+ -?[\d.]+ ?){3}$/, path);
    assert.doesNotMatch(path, /NaN|Infinity|-0\b/);
  }
  const mid = G.curvePoint(right, 0.5);
  close(mid.x, 256);
  close(mid.y, 115);
});

test('placementNear puts a new card to the right, below whatever is in the way', () => {
  const act = { kind: 'activity', x: 100, y: 100 };
  const first = G.placementNear(act, 'difficulty', [act]);
  assert.equal(first.y, 100);
  assert.ok(first.x >= 100 + G.ITEM_SIZES.activity.w);
  const occupied = [act];
  for (let i = 0; i < 6; i += 1) {
    const p = G.placementNear(act, 'difficulty', occupied);
    const r = { ...p, ...G.itemSize('difficulty') };
    assert.equal(r.x, first.x);
    for (const o of occupied) assert.ok(!overlap(r, G.itemRect(o)), `card ${i} overlaps`);
    occupied.push({ kind: 'difficulty', ...p });
  }
  // An obstacle of another size sitting across the way.
  const wide = { kind: 'note', x: first.x - 40, y: 90, w: 600, h: 300 };
  const p = G.placementNear(act, 'solution', [act, wide]);
  assert.ok(p.y >= 390);
});

test('the viewport maps world to screen and back, and zooms about a fixed point', () => {
  const v = new G.Viewport({ x: 30, y: -20, scale: 1.5 });
  const s = v.toScreen(100, 200);
  assert.deepEqual(s, { x: 180, y: 280 });
  assert.deepEqual(v.toWorld(s.x, s.y), { x: 100, y: 200 });
  v.panBy(10, 5);
  assert.deepEqual(v.toScreen(100, 200), { x: 190, y: 285 });
  const rnd = random(7);
  for (let i = 0; i < 200; i += 1) {
    const px = rnd() * 1200;
    const py = rnd() * 800;
    const before = v.toWorld(px, py);
    v.zoomAt(px, py, 0.5 + rnd() * 1.5);
    const after = v.toWorld(px, py);
    close(after.x, before.x, 1e-7);
    close(after.y, before.y, 1e-7);
    assert.ok(v.scale >= 0.25 && v.scale <= 3);
  }
  v.zoomAt(10, 10, 1000);
  assert.equal(v.scale, 3, 'clamped above');
  v.zoomAt(10, 10, 1e-9);
  assert.equal(v.scale, 0.25, 'clamped below');
  v.zoomAt(10, 10, NaN);
  assert.equal(v.scale, 0.25);
  assert.equal(new G.Viewport({ scale: 10 }).scale, 3);
  assert.equal(new G.Viewport({ minScale: 0.5, maxScale: 2 }).zoomAt(0, 0, 0.1).scale, 0.5);
  assert.equal(new G.Viewport({ x: 12, y: 34, scale: 2 }).transform, 'translate(12px, 34px) scale(2)');
});

test('fit shows the grid whole and centred', () => {
  const v = new G.Viewport();
  const b = G.gridBounds();
  v.fit(b, 1000, 600, 20);
  const tl = v.toScreen(b.x, b.y);
  const br = v.toScreen(b.x + b.w, b.y + b.h);
  assert.ok(tl.x >= 20 - 1e-9 && tl.y >= 20 - 1e-9 && br.x <= 980 + 1e-9 && br.y <= 580 + 1e-9);
  close((tl.x + br.x) / 2, 500);
  close((tl.y + br.y) / 2, 300);
  close(Math.max(br.x - tl.x, 0), 960); // width-bound: 1920 wide into 960
  v.fit({ x: 0, y: 0, w: 0, h: 0 }, 0, 0);
  assert.ok([v.x, v.y, v.scale].every(Number.isFinite));
});

test('pinch keeps the world points under both fingers under them', () => {
  const rnd = random(42);
  for (let i = 0; i < 300; i += 1) {
    const view = { x: rnd() * 400 - 200, y: rnd() * 400 - 200, scale: 0.5 + rnd() * 1.5 };
    const start = [{ x: rnd() * 800, y: rnd() * 600 }, { x: rnd() * 800, y: rnd() * 600 }];
    // The fingers move apart or together about some point, and drift: no rotation.
    const k = 0.7 + rnd() * 0.8;
    const c = { x: rnd() * 800, y: rnd() * 600 };
    const drift = { x: rnd() * 100 - 50, y: rnd() * 100 - 50 };
    const now = start.map((p) => ({ x: c.x + (p.x - c.x) * k + drift.x, y: c.y + (p.y - c.y) * k + drift.y }));
    const next = G.pinch(view, start, now);
    const clamped = next.scale === 0.25 || next.scale === 3;
    for (let f = 0; f < 2; f += 1) {
      const world = { x: (start[f].x - view.x) / view.scale, y: (start[f].y - view.y) / view.scale };
      const screen = { x: world.x * next.scale + next.x, y: world.y * next.scale + next.y };
      if (!clamped) {
        close(screen.x, now[f].x, 1e-6);
        close(screen.y, now[f].y, 1e-6);
      }
    }
    // The midpoint follows, clamped or not.
    const m0 = { x: (start[0].x + start[1].x) / 2, y: (start[0].y + start[1].y) / 2 };
    const m1 = { x: (now[0].x + now[1].x) / 2, y: (now[0].y + now[1].y) / 2 };
    const w = { x: (m0.x - view.x) / view.scale, y: (m0.y - view.y) / view.scale };
    close(w.x * next.scale + next.x, m1.x, 1e-6);
    close(w.y * next.scale + next.y, m1.y, 1e-6);
  }
  // Spread far apart: the zoom stops at the limit of that viewport.
  const v = new G.Viewport({ maxScale: 2 });
  const wide = G.pinch(v.snapshot(), [{ x: 100, y: 100 }, { x: 110, y: 100 }], [{ x: 0, y: 100 }, { x: 1000, y: 100 }]);
  assert.equal(wide.scale, 2);
  // Both fingers down on one spot: a pan, never NaN.
  const same = G.pinch({ x: 0, y: 0, scale: 1 }, [{ x: 5, y: 5 }, { x: 5, y: 5 }], [{ x: 15, y: 25 }, { x: 30, y: 5 }]);
  assert.ok([same.x, same.y, same.scale].every(Number.isFinite));
  assert.equal(same.scale, 1);
  v.set(wide);
  assert.equal(v.scale, 2);
});

test('bandPlacement hangs pulled cards under the week, in their kind\'s band, never on top of another', () => {
  const grid = G.gridBounds();
  const act = { kind: 'activity', ...G.slotPosition({ day: 'tue', slot: 'morning' }, 0) };
  const occupied = [act];
  const ys = new Set();
  for (let i = 0; i < 8; i += 1) {
    const p = G.bandPlacement(act, 'difficulty', occupied);
    const r = { ...p, ...G.itemSize('difficulty') };
    assert.ok(r.y >= grid.y + grid.h, 'below the week');
    for (const o of occupied) assert.ok(!overlap(r, G.itemRect(o)), `card ${i} overlaps`);
    occupied.push({ kind: 'difficulty', ...p });
    ys.add(p.y);
  }
  assert.equal(ys.size, 1, 'one band, one row');
  const first = G.itemRect(occupied[1]);
  close(first.x + first.w / 2, G.itemCenter(act).x);
  const tp = G.bandPlacement(act, 'touchpoint', occupied);
  const sol = G.bandPlacement(act, 'solution', occupied);
  assert.ok(tp.y < first.y && first.y < sol.y, 'service, then difficulty, then idea, downwards');
});

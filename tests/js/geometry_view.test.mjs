// What a screen shows first, the readable zoom, snapping into a box, the sticky week labels, « Voir tout ».
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as G from '../../frontend/static/js/core/geometry.js';

const inside = (r, outer) => r.x >= outer.x - 1e-9 && r.y >= outer.y - 1e-9
  && r.x + r.w <= outer.x + outer.w + 1e-9 && r.y + r.h <= outer.y + outer.h + 1e-9;
/** The world rectangle a view shows in a width × height screen. */
const shown = (v, width, height) => ({ x: -v.x / v.scale, y: -v.y / v.scale, w: width / v.scale, h: height / v.scale });
const act = (id, x, y, author = 'amina') => ({ id, kind: 'activity', x, y, author });

test('the readable zoom: labels at 12 px and dots at 10 px at least', () => {
  const s = G.readableScale();
  assert.ok(G.TEXT_PX.label * s >= G.READABLE_PX.label - 1e-9);
  assert.ok(G.TEXT_PX.dot * s >= G.READABLE_PX.dot - 1e-9);
  assert.ok(s <= 0.75, 'a phone shows a day column and its labels, not a fragment of a card');
});

test('a phone opens on the resident\'s own cards, readable, rather than on the whole week too small', () => {
  const items = [
    act('mine-1', 1070, 68), act('mine-2', 1174, 68), act('mine-3', 1070, 308),
    act('other-1', 170, 68, 'karim'), act('other-2', 274, 68, 'karim'), act('other-3', 170, 308, 'karim'), act('other-4', 170, 548, 'karim'),
  ];
  const [width, height] = [360, 560];
  const v = G.openingView({ width, height, items, mine: items.filter((it) => it.author === 'amina') });
  assert.equal(v.scale, G.readableScale());
  const area = shown(v, width, height);
  for (const id of ['mine-1', 'mine-2', 'mine-3']) assert.ok(inside(G.itemRect(items.find((it) => it.id === id)), area), id);
  // no own cards: where most cards are
  const w = G.openingView({ width, height, items: items.filter((it) => it.author === 'karim') });
  const seen = items.filter((it) => it.author === 'karim' && inside(G.itemRect(it), shown(w, width, height)));
  assert.ok(seen.length >= 3, `${seen.length} cards of the crowded corner in sight`);
});

test('an empty board opens on today\'s column (Monday without a day), the row labels in sight when they fit', () => {
  const [width, height] = [360, 560];
  const wed = G.openingView({ width, height, items: [], today: 'wed' });
  const col = G.cellRect({ day: 'wed' });
  const area = shown(wed, width, height);
  assert.ok(area.x <= col.x + 1 && area.x + area.w >= col.x + col.w - 1, 'the whole width of Wednesday');
  const mon = G.openingView({ width: 600, height, items: [] });
  assert.ok(shown(mon, 600, height).x <= G.gridBounds().x + 1e-9, 'Monday with the labels column');
});

test('a screen where the whole board reads well shows it all; a laptop the week at a readable zoom', () => {
  const items = [act('a', 170, 68), { id: 'd', kind: 'difficulty', x: 130, y: 1164 }];
  const wall = G.openingView({ width: 3000, height: 2200, items });
  assert.ok(inside(G.boundsOf([G.gridBounds(), ...items.map(G.itemRect)]), shown(wall, 3000, 2200)));
  assert.ok(wall.scale <= 1, 'never zoomed in past 1 to fill a big screen');
  const laptop = G.openingView({ width: 1240, height: 700, items });
  assert.ok(laptop.scale >= G.readableScale() - 1e-9);
  assert.ok(inside(G.itemRect(items[0]), shown(laptop, 1240, 700)));
});

test('densest finds the crowded corner and boundsOf the box around rectangles', () => {
  const rects = [{ x: 0, y: 0, w: 10, h: 10 }, { x: 1000, y: 0, w: 10, h: 10 }, { x: 1020, y: 20, w: 10, h: 10 }];
  assert.deepEqual(G.densest(rects, 100, 100), { x: 1000, y: 0, w: 30, h: 30 });
  assert.deepEqual(G.boundsOf(rects), { x: 0, y: 0, w: 1030, h: 30 });
  assert.deepEqual(G.boundsOf([]), { x: 0, y: 0, w: 0, h: 0 });
});

test('snapToCell: a card dropped across Matin and Après-midi lands whole inside the box under its centre', () => {
  const s = G.itemSize('activity');
  const morning = G.cellRect({ day: 'mon', slot: 'morning' });
  const afternoon = G.cellRect({ day: 'mon', slot: 'afternoon' });
  // its centre just above the line: Matin
  const up = G.snapToCell({ x: morning.x + 100, y: morning.y + morning.h - s.h / 2 - 1 + 40, ...s });
  const centreY = morning.y + morning.h - s.h / 2 - 1 + 40 + s.h / 2;
  assert.deepEqual(up.cell, G.cellAt(morning.x + 100 + s.w / 2, centreY));
  const box = G.cellRect(up.cell);
  assert.ok(inside({ x: up.x, y: up.y, ...s }, box));
  // its centre just below: Après-midi, and it moves the least it can
  const down = G.snapToCell({ x: afternoon.x + 100, y: afternoon.y - 20, ...s });
  assert.deepEqual(down.cell, { day: 'mon', slot: 'afternoon' });
  assert.ok(inside({ x: down.x, y: down.y, ...s }, afternoon));
  assert.equal(down.x, afternoon.x + 100, 'not moved sideways when it fits');
  assert.ok(down.y - (afternoon.y - 20) <= 20 + 6 + 1e-9, 'moved down just enough');
  // sticking out on the right of the weekend: pulled back in
  const we = G.cellRect({ day: 'weekend', slot: 'evening' });
  const right = G.snapToCell({ x: we.x + we.w - 60, y: we.y + 50, ...s }); // centre inside, right edge 36 px out
  assert.ok(inside({ x: right.x, y: right.y, ...s }, we));
  // outside the week it stays where it was dropped, without a cell
  assert.deepEqual(G.snapToCell({ x: 100, y: 2000, ...s }), { x: 100, y: 2000, cell: null });
  // never NaN
  const odd = G.snapToCell({ x: NaN, y: Infinity, w: NaN, h: 10 });
  assert.ok(Number.isFinite(odd.x) && Number.isFinite(odd.y));
});

test('the sticky labels show only while the real ones are off screen, each inside its row or column', () => {
  const [width, height] = [360, 560];
  const home = G.stickyLabels({ x: 12, y: 12, scale: 0.75 }, width, height);
  assert.equal(home.rowsShown, false);
  assert.equal(home.daysShown, false);
  const panned = G.stickyLabels({ x: -400, y: -250, scale: 0.75 }, width, height, { strip: 30, label: 36 });
  assert.equal(panned.rowsShown, true);
  assert.equal(panned.daysShown, true);
  for (const row of panned.rows) {
    assert.ok(row.top >= 30, 'under the days\' strip');
    assert.ok(row.bottom - row.top >= 36, 'room for the label');
    const cell = G.cellRect({ day: 'mon', slot: row.slot });
    assert.ok(row.top >= cell.y * 0.75 - 250 - 1e-9 && row.bottom <= (cell.y + cell.h) * 0.75 - 250 + 1e-9);
  }
  for (const day of panned.days) assert.ok(day.left >= 0 && day.right <= width && day.right > day.left);
  // an overview (« Voir tout » on a phone): no labels stuck over a tiny week
  const tiny = G.stickyLabels({ x: -20, y: -5, scale: 0.12 }, width, height);
  assert.equal(tiny.rowsShown || tiny.daysShown, false);
  // past the week: nothing to label
  const away = G.stickyLabels({ x: -5000, y: 0, scale: 1 }, width, height);
  assert.equal(away.rowsShown, false);
});

test('fit takes a maxScale: « Voir tout » on a big screen does not blow one card up', () => {
  const v = new G.Viewport({ minScale: 0.1, maxScale: 3 });
  v.fit({ x: 0, y: 0, w: 100, h: 100 }, 2000, 1000, 12, 1);
  assert.equal(v.scale, 1);
  v.fit({ x: 0, y: 0, w: 20000, h: 100 }, 360, 500, 12, 1);
  assert.equal(v.scale, 0.1, 'as small as the limit allows');
});

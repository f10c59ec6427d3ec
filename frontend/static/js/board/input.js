// @ts-check
/**
 * Pointer input on the board, one code path for mouse, pen and touch, any number of fingers at once:
 * each finger on an item drags that item (two residents can move two pictograms at the same time), fingers
 * on empty space pan (one) or pinch-zoom (two). A press that hardly moves is a tap. A card this person may not
 * move (someone else's: `on.canDrag`) is never picked up: a tap on it still selects it, a finger that moves
 * on it pans (or pinches) the board as on empty space, and nothing is sent.
 */
import { pinch } from '../core/geometry.js';

const TAP_SLOP_PX = 8;
/** Controls that sit over the board: a press on them is theirs, never a pan or a tap of the board. */
const CONTROLS = 'button, a[href], input, select, textarea, .zoom';
/** Wheel zoom: the scale changes by e^(-deltaY × this), at most e^±MAX_WHEEL_STEP per event. */
const WHEEL_ZOOM = 0.0015;
const MAX_WHEEL_STEP = 0.25;
/** px per wheel unit when the browser counts in lines or pages (WheelEvent.deltaMode 1, 2). */
const WHEEL_UNIT = [1, 16, 400];

/**
 * @typedef {{
 *   kind: 'item' | 'empty', id?: string, sx: number, sy: number, lastX: number, lastY: number,
 *   origin?: {x: number, y: number}, moved: boolean, pinched: boolean, cell?: {day: string, slot: string},
 *   thread?: string, pointerType: string, tapItem?: string
 * }} PointerState
 */

export class BoardInput {
  /**
   * @param {object} o
   * @param {HTMLElement} o.element the viewport element (receives the pointers)
   * @param {import('../core/geometry.js').Viewport} o.view
   * @param {object} o.on
   * @param {(id: string) => {x: number, y: number} | null} o.on.itemPosition
   * @param {(id: string) => boolean} o.on.canDrag whether this person may move the item (else a tap only)
   * @param {(id: string, el: HTMLElement) => void} o.on.itemTap
   * @param {(id: string, x: number, y: number) => void} o.on.itemDrag
   * @param {(id: string, x: number, y: number) => void} o.on.itemDrop
   * @param {(id: string) => void} o.on.itemDragCancel
   * @param {(cell: {day: string, slot: string}) => void} o.on.cellTap
   * @param {(thread: string) => void} o.on.threadTap
   * @param {() => void} o.on.emptyTap
   * @param {() => void} o.on.viewChanged
   * @param {(x: number, y: number) => void} o.on.cursor world position of a mouse pointer
   */
  constructor({ element, view, on }) {
    this.el = element;
    this.view = view;
    this.on = on;
    /** @type {Map<number, PointerState>} */
    this.pointers = new Map();
    /** @type {{view: {x: number, y: number, scale: number}, start: {x: number, y: number}[], ids: number[]} | null} */
    this.pinchState = null;
    element.addEventListener('pointerdown', (e) => this.down(e));
    element.addEventListener('pointermove', (e) => this.move(e));
    element.addEventListener('pointerup', (e) => this.up(e, false));
    element.addEventListener('pointercancel', (e) => this.up(e, true));
    element.addEventListener('wheel', (e) => this.wheel(e), { passive: false });
    // touch-action: none keeps the page from scrolling, but Chromium still turns a finger that lifts while
    // moving into a fling, and a fling swallows the next tap anywhere on the page (the first tap on "Voter"
    // or on a pictogram after a pan or a drag did nothing). A drag, pan or pinch of ours is no gesture of the
    // browser's: say so on its touchmoves (pointer events come first, so `moved` is already set).
    element.addEventListener('touchmove', (e) => {
      if (e.cancelable && [...this.pointers.values()].some((s) => s.moved || s.pinched)) e.preventDefault();
    }, { passive: false });
    // Safari's own gesture events would zoom the page: the board zooms itself.
    element.addEventListener('gesturestart', (e) => e.preventDefault());
  }

  /** @param {PointerEvent} e */
  local(e) {
    const r = this.el.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  /** @param {PointerEvent} e */
  down(e) {
    if (e.pointerType === 'mouse' && e.button !== 0) return;
    const target = /** @type {Element} */ (e.target);
    // The zoom buttons (and any control over the board) take their own clicks: capturing this pointer to the
    // board would send its pointerup, hence its click, to the board instead (a mouse click on « + » did nothing).
    if (target.closest(CONTROLS)) return;
    const itemEl = target.closest('.item');
    const p = this.local(e);
    /** @type {PointerState} */
    const state = { kind: 'empty', sx: p.x, sy: p.y, lastX: p.x, lastY: p.y, moved: false, pinched: false, pointerType: e.pointerType };
    if (itemEl instanceof HTMLElement && itemEl.dataset.id) {
      const id = itemEl.dataset.id;
      const origin = this.on.itemPosition(id);
      if (origin && this.on.canDrag(id)) Object.assign(state, { kind: 'item', id, origin });
      else if (origin) state.tapItem = id; // someone else's card: a tap reads it, a move pans the board
    }
    if (state.kind === 'empty' && !state.tapItem) {
      const cellEl = target.closest('.cell');
      if (cellEl instanceof HTMLElement) state.cell = { day: String(cellEl.dataset.day), slot: String(cellEl.dataset.slot) };
      const hit = target.closest('.thread-hit');
      if (hit instanceof SVGElement && hit.dataset.thread) state.thread = hit.dataset.thread;
    }
    this.el.setPointerCapture(e.pointerId);
    this.pointers.set(e.pointerId, state);
    const empties = [...this.pointers.entries()].filter(([, s]) => s.kind === 'empty');
    if (empties.length === 2) {
      for (const [, s] of empties) s.pinched = true;
      this.pinchState = {
        view: { x: this.view.x, y: this.view.y, scale: this.view.scale },
        start: empties.map(([, s]) => ({ x: s.lastX, y: s.lastY })),
        ids: empties.map(([id]) => id),
      };
    }
    e.preventDefault();
  }

  /** @param {PointerEvent} e */
  move(e) {
    const p = this.local(e);
    const state = this.pointers.get(e.pointerId);
    if (e.pointerType === 'mouse') {
      const w = this.view.toWorld(p.x, p.y);
      this.on.cursor(w.x, w.y);
    }
    if (!state) return;
    const dx = p.x - state.lastX;
    const dy = p.y - state.lastY;
    state.lastX = p.x;
    state.lastY = p.y;
    if (!state.moved && Math.hypot(p.x - state.sx, p.y - state.sy) > TAP_SLOP_PX) state.moved = true;
    if (!state.moved) return;
    if (state.kind === 'item' && state.id && state.origin) {
      const x = state.origin.x + (p.x - state.sx) / this.view.scale;
      const y = state.origin.y + (p.y - state.sy) / this.view.scale;
      this.on.itemDrag(state.id, x, y);
      return;
    }
    if (this.pinchState && this.pinchState.ids.includes(e.pointerId)) {
      const now = this.pinchState.ids.map((id) => {
        const s = /** @type {PointerState} */ (this.pointers.get(id));
        return { x: s.lastX, y: s.lastY };
      });
      const next = pinch(this.pinchState.view, this.pinchState.start, now);
      Object.assign(this.view, { x: next.x, y: next.y, scale: next.scale });
      this.on.viewChanged();
      return;
    }
    this.view.panBy(dx, dy);
    this.on.viewChanged();
  }

  /**
   * @param {PointerEvent} e
   * @param {boolean} cancelled
   */
  up(e, cancelled) {
    const state = this.pointers.get(e.pointerId);
    if (!state) return;
    this.pointers.delete(e.pointerId);
    if (this.pinchState?.ids.includes(e.pointerId)) {
      this.pinchState = null; // the other finger, if still down, goes on panning from where it is
    }
    if (state.kind === 'item' && state.id) {
      if (cancelled) {
        this.on.itemDragCancel(state.id);
      } else if (state.moved && state.origin) {
        const p = this.local(e);
        this.on.itemDrop(
          state.id,
          state.origin.x + (p.x - state.sx) / this.view.scale,
          state.origin.y + (p.y - state.sy) / this.view.scale,
        );
      } else {
        const el = /** @type {HTMLElement | null} */ (this.el.querySelector(`.item[data-id="${CSS.escape(state.id)}"]`));
        if (el) this.on.itemTap(state.id, el);
      }
      return;
    }
    if (cancelled || state.moved || state.pinched) return;
    if (state.tapItem) {
      const el = /** @type {HTMLElement | null} */ (this.el.querySelector(`.item[data-id="${CSS.escape(state.tapItem)}"]`));
      if (el) this.on.itemTap(state.tapItem, el);
    } else if (state.thread) this.on.threadTap(state.thread);
    else if (state.cell) this.on.cellTap(state.cell);
    else this.on.emptyTap();
  }

  /** @param {WheelEvent} e */
  wheel(e) {
    e.preventDefault();
    const r = this.el.getBoundingClientRect();
    const unit = WHEEL_UNIT[e.deltaMode] ?? 1;
    if (e.ctrlKey || e.metaKey) {
      // proportional to the turn (a trackpad pinch sends many small deltas, a mouse notch one of ~100), and
      // bounded per event: one notch once went from the smallest scale to the largest
      const step = Math.max(-MAX_WHEEL_STEP, Math.min(MAX_WHEEL_STEP, -e.deltaY * unit * WHEEL_ZOOM));
      this.view.zoomAt(e.clientX - r.left, e.clientY - r.top, Math.exp(step));
    } else {
      this.view.panBy(-e.deltaX * unit, -e.deltaY * unit);
    }
    this.on.viewChanged();
  }

  /**
   * True while any finger or the mouse is dragging the item.
   * @param {string} id
   */
  isDragging(id) {
    for (const s of this.pointers.values()) if (s.kind === 'item' && s.id === id && s.moved) return true;
    return false;
  }
}

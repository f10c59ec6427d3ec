// @ts-check
/**
 * Live, not kept: this screen's finger (a card being dragged, the cursor) sent to the others at most ≈ 30 times
 * a second, and the others' drags and cursors drawn as they come (`ephemeral` updates, docs/protocol.md).
 */

const PRESENCE_INTERVAL_MS = 33; // ≈ 30 Hz: what the server relays at most

export class Presence {
  /** @param {import('./page.js').BoardPage} page */
  constructor(page) {
    this.page = page;
    this.lastPresence = 0;
    /** @type {any} */
    this.presenceQueued = null;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.presenceTimer = null;
    /** @type {Map<string, string>} connection → item it is dragging */
    this.remoteDrags = new Map();
    /** @type {string | null} this socket's name in ephemeral updates (my other tabs show like anyone else) */
    this.myConnection = null;
  }

  /** Queue a presence message: the newest goes out when the pace allows. @param {any} msg */
  send(msg) {
    this.presenceQueued = msg;
    const wait = this.lastPresence + PRESENCE_INTERVAL_MS - performance.now();
    if (wait <= 0) this.flush();
    else if (!this.presenceTimer) this.presenceTimer = setTimeout(() => this.flush(), wait);
  }

  flush() {
    this.presenceTimer = null;
    if (!this.presenceQueued) return;
    this.lastPresence = performance.now();
    const { follow } = this.page;
    this.page.connection.sendEphemeral(follow ? follow.decorate(this.presenceQueued) : this.presenceQueued);
    this.presenceQueued = null;
  }

  /** A change from the server: a card someone was dragging has landed (its preview goes). @param {any} msg */
  landed(msg) {
    const { remoteDrags } = this;
    for (const [conn, itemId] of remoteDrags) {
      if (msg.ops.some((/** @type {any} */ op) => op.id === itemId)) { this.page.renderer.remote.delete(itemId); remoteDrags.delete(conn); }
    }
  }

  /** One ephemeral update from someone's screen. @param {any} u */
  update(u) {
    const { renderer } = this.page;
    const { remoteDrags } = this;
    if (u.connection === this.myConnection) return; // my own previews: I see my finger already
    this.page.follow?.onUpdate(u);
    const dragged = remoteDrags.get(u.connection);
    if (u.gone || u.drag === null || (u.drag && dragged && dragged !== u.drag.item)) {
      if (dragged) renderer.remote.delete(dragged);
      remoteDrags.delete(u.connection);
    }
    if (u.gone) {
      renderer.cursors.delete(u.connection);
      return;
    }
    if (u.drag) {
      renderer.remote.set(u.drag.item, { x: u.drag.x, y: u.drag.y, participant: u.participant });
      remoteDrags.set(u.connection, u.drag.item);
    }
    if (u.cursor) renderer.cursors.set(u.connection, { x: u.cursor.x, y: u.cursor.y, participant: u.participant });
  }
}

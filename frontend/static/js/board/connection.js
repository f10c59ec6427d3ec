// @ts-check
/**
 * The board's WebSocket: hello → welcome, then ops and presence; reconnects by itself with backoff and
 * resumes from the last seq. It knows nothing of the board: it hands every server message to `onMessage`.
 */
import { CLOSE_CODES, hello, parseServerMessage, PROTOCOL_VERSION } from '../core/protocol.js';

/** @typedef {'connecting' | 'connected' | 'reconnecting' | 'offline' | 'outdated' | 'removed' | 'erased'} Status */

/**
 * What a close code tells the page (docs/protocol.md "Errors and limits"): a status to stop at for good, or
 * null to reconnect. protocol_mismatch (4002): this page is older than the server; removed (4401): a
 * facilitator removed this participant (their session is revoked: reconnecting could only fail);
 * workshop_erased (4004): the workshop was erased. The numbers are the server's (rooms/connection.py), generated.
 * @param {number} code
 * @returns {'outdated' | 'removed' | 'erased' | null}
 */
export function finalStatus(code) {
  if (code === CLOSE_CODES.protocol_mismatch) return 'outdated';
  if (code === CLOSE_CODES.removed) return 'removed';
  if (code === CLOSE_CODES.workshop_erased) return 'erased';
  return null;
}

const MIN_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8000;
// The server allows 60 messages/s (bursts of 120). Resending a long offline queue at once would overrun it,
// so outgoing durable messages are paced a little under that.
const SEND_PER_SECOND = 40;
const SEND_BURST = 80;

export class Connection {
  /**
   * @param {object} options
   * @param {string} options.url ws(s) URL of the board
   * @param {string} options.clientId
   * @param {() => number | null} options.lastSeq
   * @param {(msg: any) => void} options.onMessage
   * @param {(status: Status) => void} options.onStatus
   * @param {() => ('phone' | 'tablet' | 'desktop' | 'screen' | null)} [options.device] said in each hello
   * @param {() => Promise<'removed' | null>} [options.checkSession] asked when sockets keep failing before
   *   any welcome while the network is up: a revoked session is refused at the upgrade (HTTP 401), which a
   *   page only ever sees as close 1006, so a page removed while it was offline asks over HTTP instead
   */
  constructor({ url, clientId, lastSeq, onMessage, onStatus, device = () => null, checkSession = async () => null }) {
    this.url = url;
    this.checkSession = checkSession;
    this.device = device;
    this.clientId = clientId;
    this.lastSeq = lastSeq;
    this.onMessage = onMessage;
    this.onStatus = onStatus;
    /** @type {WebSocket | null} */
    this.socket = null;
    this.greeted = false;
    this.attempt = 0;
    /** @type {string[]} durable frames waiting for the rate budget */
    this.queue = [];
    this.tokens = SEND_BURST;
    this.lastRefill = performance.now();
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.drainTimer = null;
    this.stopped = false;
    /** @type {Status} */
    this.status = 'connecting';
    /** @type {(() => void)[] | null} what the page is to be told, kept in order while it sets itself up */
    this.held = null;
    /** @type {(() => void)[]} told once the socket is greeted, or closed (`welcomed`) */
    this.waiting = [];
    window.addEventListener('online', () => this.retryNow());
    window.addEventListener('offline', () => this.socket?.close());
  }

  /** @param {Status} status */
  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.tell(() => this.onStatus(status));
  }

  /**
   * Open the socket before the page can hear anything: the server builds the welcome while the page loads its
   * catalogue and draws its bars (a slow phone's first paint comes a few hundred ms sooner). What the page is
   * to be told waits, in order, until `release`.
   */
  openEarly() {
    this.held = [];
    this.open();
  }

  /** The page is ready: tell it, in order, what came meanwhile; from now on at once. */
  release() {
    const held = this.held ?? /** @type {(() => void)[]} */ ([]);
    this.held = null;
    for (const tell of held) tell();
  }

  /**
   * Resolves once the server's welcome is here (held for the page), the socket closed, or `ms` passed. A page
   * that awaits it before drawing paints the board in its first frame: while it waits the main thread is free
   * to answer the socket (a slow phone's first draw otherwise ran before the hello was even sent).
   * @param {number} ms
   * @returns {Promise<void>}
   */
  welcomed(ms) {
    if (this.greeted || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.waiting.push(() => { clearTimeout(timer); resolve(); });
    });
  }

  wake() {
    const waiting = this.waiting;
    this.waiting = [];
    for (const resolve of waiting) resolve();
  }

  /** @param {() => void} message */
  tell(message) {
    if (this.held) this.held.push(message);
    else message();
  }

  open() {
    if (this.stopped) return;
    this.greeted = false;
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.addEventListener('open', () => {
      socket.send(JSON.stringify(hello(this.clientId, this.lastSeq(), this.device())));
    });
    socket.addEventListener('message', (event) => {
      let msg;
      try {
        msg = parseServerMessage(String(event.data));
      } catch {
        return; // a frame we cannot read is dropped; the next welcome resyncs everything
      }
      if (msg.type === 'welcome') {
        this.queue = []; // the store hands back every unacknowledged batch now, in order
        this.greeted = true;
        this.attempt = 0;
        this.setStatus('connected');
      }
      if (msg.type === 'error' && msg.code === 'protocol_mismatch') this.stop('outdated');
      this.tell(() => this.onMessage(msg));
      if (msg.type === 'welcome') {
        this.drain();
        this.wake();
      }
    });
    socket.addEventListener('close', (event) => {
      this.wake(); // no welcome from this socket: whoever waits for one goes on without it
      if (this.socket !== socket) return;
      const refused = !this.greeted; // closed before any welcome: maybe refused at the upgrade
      this.socket = null;
      this.greeted = false;
      this.queue = [];
      const final = finalStatus(event.code);
      if (final) {
        this.stop(final);
        return;
      }
      if (refused && this.attempt >= 1 && navigator.onLine !== false) {
        this.checkSession().then((status) => (status ? this.stop(status) : this.scheduleRetry()), () => this.scheduleRetry());
        return;
      }
      this.scheduleRetry();
    });
  }

  /**
   * Open a new socket at once, so that a new `hello` says what changed (the device kind, when table mode is
   * switched); the page keeps saying « Connecté » meanwhile: nobody should think the network went.
   */
  rehello() {
    const socket = this.socket;
    if (!socket || this.stopped) return;
    this.socket = null; // its close is ours, not news
    this.greeted = false;
    this.queue = [];
    socket.close();
    this.open();
  }

  /** Never reconnect again (removed, erased, outdated); pending changes stay unsent. @param {Status} status */
  stop(status) {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.drainTimer) clearTimeout(this.drainTimer);
    this.drainTimer = null;
    this.queue = [];
    this.setStatus(status);
  }

  scheduleRetry() {
    if (this.stopped) return;
    this.setStatus(navigator.onLine === false ? 'offline' : 'reconnecting');
    const base = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS * 2 ** this.attempt);
    this.attempt += 1;
    const delay = base / 2 + Math.random() * (base / 2); // jitter: a room of phones must not all come back at once
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.open();
    }, delay);
  }

  retryNow() {
    if (this.socket || this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.attempt = 0;
    this.open();
  }

  get ready() {
    return this.greeted && this.socket !== null && this.socket.readyState === WebSocket.OPEN;
  }

  /**
   * Send a durable message (ops). When the socket is not ready it is not queued here: the store keeps every
   * pending batch and hands them back to be resent after the next welcome.
   * @param {object} msg
   */
  sendDurable(msg) {
    if (!this.ready) return;
    this.queue.push(JSON.stringify(msg));
    this.drain();
  }

  /**
   * Ephemeral: sent only when it can go now, dropped otherwise (the next one replaces it anyway).
   * @param {object} msg
   */
  sendEphemeral(msg) {
    if (!this.ready || !this.socket || this.socket.bufferedAmount > 16384) return;
    if (!this.take()) return;
    this.socket.send(JSON.stringify(msg));
  }

  take() {
    const now = performance.now();
    this.tokens = Math.min(SEND_BURST, this.tokens + ((now - this.lastRefill) / 1000) * SEND_PER_SECOND);
    this.lastRefill = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  drain() {
    while (this.queue.length && this.ready && this.socket) {
      if (!this.take()) {
        if (!this.drainTimer) {
          this.drainTimer = setTimeout(() => {
            this.drainTimer = null;
            this.drain();
          }, 1000 / SEND_PER_SECOND);
        }
        return;
      }
      this.socket.send(/** @type {string} */ (this.queue.shift()));
    }
  }
}

export { PROTOCOL_VERSION };

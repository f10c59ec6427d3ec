// @ts-check
/**
 * The responses a phone still has to send: kept in the browser's storage (`localStorage`) before anything is
 * sent, sent one by one with their client id until the server acknowledges each (201 stored, 200 already
 * stored: a resend is never doubled), so a lost answer, a reload or a day without network loses nothing.
 *
 * Pure of the DOM: storage and sending are given (`Storage`-like, `send(item) → status`), so it runs under
 * `node --test` as in the page.
 */

/**
 * @typedef {{
 *   client_id: string,
 *   questionnaire_version: number,
 *   answers: Record<string, string | string[]>,
 *   consent: true,
 *   answered_at: string,
 *   source: 'phone' | 'paper',
 * }} QueuedResponse
 * @typedef {{status: number, error: string | null, at: string}} Refusal  what the server said, and when
 * @typedef {QueuedResponse & {refused?: Refusal}} RefusedResponse
 * @typedef {{getItem(key: string): string | null, setItem(key: string, value: string): void}} KeyValue
 * @typedef {(item: QueuedResponse) => Promise<number | {status: number, error?: string | null}>} Send
 *   the HTTP status (0 when the server cannot be reached), or it with the server's error code
 * @typedef {{sent: number, refused: number, waiting: number, stopped: 'network' | 'session' | null}} FlushResult
 */

/** A client id: random, made once per response (a UUID where the browser has one). */
export function newClientId() {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  if (c && c.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i += 1) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export class SurveyQueue {
  /**
   * @param {KeyValue} storage
   * @param {string} key  one queue per study (and per page kind: the phone's, the paper entry's)
   */
  constructor(storage, key) {
    this.storage = storage;
    this.key = key;
    this.refusedKey = `${key}.refused`;
    /** @type {Promise<FlushResult> | null} */
    this.flushing = null;
  }

  /** @returns {QueuedResponse[]} */
  items() {
    return this.read(this.key);
  }

  /**
   * Responses the server refused (422: not valid for it, e.g. its questionnaire changed; 404: no such study for
   * this account), each with the refusal: kept aside, out of the sending, never blocking the rest, until the
   * surveyor discards them.
   * @returns {RefusedResponse[]}
   */
  refused() {
    return this.read(this.refusedKey);
  }

  /** The surveyor lets a refused response go (it will never be sent). @param {string} clientId */
  discard(clientId) {
    this.write(
      this.refusedKey,
      this.refused().filter((i) => i.client_id !== clientId),
    );
  }

  /** @param {string} key */
  read(key) {
    try {
      const raw = JSON.parse(this.storage.getItem(key) || '[]');
      return Array.isArray(raw) ? raw : [];
    } catch {
      return [];
    }
  }

  /**
   * @param {string} key
   * @param {RefusedResponse[]} items
   */
  write(key, items) {
    this.storage.setItem(key, JSON.stringify(items));
  }

  /** @param {QueuedResponse} item  written to storage before this returns */
  add(item) {
    const items = this.items();
    if (!items.some((i) => i.client_id === item.client_id)) items.push(item);
    this.write(this.key, items);
  }

  /** @param {string} clientId */
  remove(clientId) {
    this.write(
      this.key,
      this.items().filter((i) => i.client_id !== clientId),
    );
  }

  /**
   * Send every waiting response, oldest first; one flush at a time (a second call joins the running one).
   * Stops at the first network failure (the rest waits for the next try) or a lost session (401/403).
   * @param {Send} send
   * @returns {Promise<FlushResult>}
   */
  flush(send) {
    if (!this.flushing) {
      this.flushing = this.run(send).finally(() => {
        this.flushing = null;
      });
    }
    return this.flushing;
  }

  /** @param {Send} send */
  async run(send) {
    let sent = 0;
    let refused = 0;
    /** @type {'network' | 'session' | null} */
    let stopped = null;
    for (const item of this.items()) {
      const answer = await send(item);
      const status = typeof answer === 'number' ? answer : answer.status;
      if (status === 200 || status === 201) {
        this.remove(item.client_id);
        sent += 1;
      } else if (status === 401 || status === 403) {
        stopped = 'session';
        break;
      } else if (status === 422 || status === 404) {
        // the server will never take it as it is: set aside (kept on the phone), so the rest can go
        const error = typeof answer === 'number' ? null : answer.error ?? null;
        const refusal = { status, error, at: new Date().toISOString() };
        this.remove(item.client_id);
        this.write(this.refusedKey, [...this.refused().filter((i) => i.client_id !== item.client_id), { ...item, refused: refusal }]);
        refused += 1;
      } else {
        stopped = 'network'; // 0 (unreachable), 5xx, 429: try again later
        break;
      }
    }
    return { sent, refused, waiting: this.items().length, stopped };
  }
}

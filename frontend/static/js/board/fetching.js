// @ts-check
/** Asking the server for what the page needs to start, without waiting for ever or failing offline. */
import { load, save } from './persist.js';

/**
 * What `promise` gives if it settles within `ms`, else null (it goes on: await it again for its value).
 * @template T @param {Promise<T>} promise @param {number} ms @returns {Promise<T | null>}
 */
export function within(promise, ms) {
  return Promise.race([promise, new Promise((done) => { setTimeout(() => done(null), ms); })]);
}

/**
 * GET a JSON document, keeping a copy in the browser so the board still draws when the network is down.
 * @param {string} url
 * @param {string} key
 */
export async function cached(url, key) {
  try {
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(String(res.status));
    const doc = await res.json();
    save(key, doc);
    return doc;
  } catch (err) {
    const kept = load(key);
    if (kept) return kept;
    throw err;
  }
}

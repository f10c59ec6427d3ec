// @ts-check
/**
 * Keeps the board replica (confirmed state + unacknowledged changes) in the browser's storage, so a reload or
 * a dead battery loses nothing a resident did: the changes are sent when the page comes back.
 */

const PREFIX = 'fresque.board.v1';

/**
 * @param {string} boardId
 * @param {string} participant
 */
export function storageKey(boardId, participant) {
  return `${PREFIX}.${boardId}.${participant}`;
}

/** @param {string} key */
export function load(key) {
  try {
    const raw = window.localStorage.getItem(key);
    return raw ? JSON.parse(raw) : null;
  } catch {
    return null; // storage disabled or corrupt: start from the server's state
  }
}

/**
 * @param {string} key
 * @param {unknown} data
 * @returns {boolean} whether it was written
 */
export function save(key, data) {
  try {
    window.localStorage.setItem(key, JSON.stringify(data));
    return true;
  } catch {
    return false; // quota or private mode: the connection still carries the changes when online
  }
}

/**
 * Save right away when something is waiting to be sent, otherwise at most every `delayMs`.
 * @param {string} key
 * @param {() => unknown} snapshot
 * @param {number} [delayMs]
 */
export function saver(key, snapshot, delayMs = 800) {
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  const now = () => {
    if (timer) clearTimeout(timer);
    timer = null;
    save(key, snapshot());
  };
  const later = () => {
    if (!timer) timer = setTimeout(now, delayMs);
  };
  window.addEventListener('pagehide', now);
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') now();
  });
  return { now, later };
}

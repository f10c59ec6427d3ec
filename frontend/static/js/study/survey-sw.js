// @ts-check
/**
 * The street survey's service worker: served as `/studies/{id}/survey-sw.js`, so its scope is that study's
 * pages. It keeps what the surveyor's page needs to open with no network (the page itself, its modules,
 * styles, pictures: the page names them in a `keep` message once the worker is active), and answers from
 * that copy only when the network fails: online, each GET it answers (`mine`) goes to the server first (a changed questionnaire,
 * a new version of the page), and what was kept is refreshed on the way. API calls are never touched (the
 * responses' queue lives in the page, which sends them itself).
 */

const CACHE = 'fresque-survey-v1';
/** @type {any} */
const worker = self;

worker.addEventListener('install', () => worker.skipWaiting());
worker.addEventListener('activate', (/** @type {any} */ event) => event.waitUntil(worker.clients.claim()));

worker.addEventListener('message', (/** @type {any} */ event) => {
  const data = event.data || {};
  if (data.type !== 'keep' || !Array.isArray(data.urls)) return;
  event.waitUntil(
    keep(data.urls).then(async (count) => {
      // « opens without network » only if the page itself is kept (fetched now, or kept from before)
      const cache = await caches.open(CACHE);
      const page = await cache.match(new URL(String(data.urls[0]), worker.location.origin).href, { ignoreVary: true });
      if (page) event.source?.postMessage({ type: 'kept', count });
    }),
  );
});

/**
 * @param {unknown[]} urls
 * @returns {Promise<number>} how many were kept
 */
async function keep(urls) {
  const cache = await caches.open(CACHE);
  const own = urls.filter(
    (u) => typeof u === 'string' && new URL(u, worker.location.origin).origin === worker.location.origin,
  );
  const results = await Promise.all(
    own.map(async (u) => {
      try {
        const response = await fetch(/** @type {string} */ (u), { credentials: 'same-origin', cache: 'no-cache' });
        if (!response.ok || response.redirected) return false; // a sign-in page is not the survey
        await cache.put(/** @type {string} */ (u), response);
        return true;
      } catch {
        return false;
      }
    }),
  );
  return results.filter(Boolean).length;
}

worker.addEventListener('fetch', (/** @type {any} */ event) => {
  /** @type {Request} */
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== worker.location.origin || !mine(url.pathname)) return;
  event.respondWith(networkFirst(request));
});

/**
 * What this worker answers: the surveyor's page and the static files, pictures and icons a page uses. The
 * study's other pages in its scope (the diagnostic, the questions) and every API call go by as if it were not
 * there.
 * @param {string} path
 */
function mine(path) {
  return (
    /^\/studies\/[^/]+\/survey$/.test(path) ||
    ['/static/', '/pictograms/', '/icons/'].some((prefix) => path.startsWith(prefix)) ||
    path === '/palette.css'
  );
}

/** @param {Request} request */
async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  const key = new URL(request.url);
  key.search = key.pathname.startsWith('/studies/') ? '' : key.search; // a page's ?lang= is the same page
  try {
    const response = await fetch(request);
    if (response.ok && !response.redirected && (await cache.match(key.href, { ignoreVary: true }))) {
      await cache.put(key.href, response.clone());
    }
    return response;
  } catch (error) {
    const kept = await cache.match(key.href, { ignoreVary: true });
    if (kept) return kept;
    throw error;
  }
}

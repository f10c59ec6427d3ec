// @ts-check
/**
 * The facilitator's page: copying the join link, and the participants list kept fresh while the page is
 * shown (GET /api/workshops/{id} with the cookie, every few seconds).
 * The facilitator console (phases, timer, QR code…) will live here too: see facilitator.html's
 * `console` block.
 */
import { currentI18n } from './lang.js';

const REFRESH_MS = 5000;
const root = document.getElementById('facilitator');
const workshopId = root?.dataset.workshop || '';

// -- copying the join link ----------------------------------------------------------------------------

const copyButton = document.getElementById('copy-link');
const copyStatus = document.getElementById('copy-status');

/** @param {string} key */
function say(key) {
  if (!copyStatus) return;
  copyStatus.replaceChildren();
  const span = document.createElement('span');
  span.setAttribute('data-i18n', key);
  span.textContent = currentI18n().t(key);
  copyStatus.append(span);
}

copyButton?.addEventListener('click', async () => {
  const field = /** @type {HTMLInputElement | null} */ (
    document.getElementById(copyButton.dataset.copyTarget || '')
  );
  if (!field) return;
  try {
    // navigator.clipboard exists only on https or localhost; a laptop on the local network is neither.
    if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(field.value);
    else {
      field.select();
      if (!document.execCommand('copy')) throw new Error('copy refused');
    }
    say('facilitator.copied');
  } catch {
    field.focus();
    field.select();
    say('facilitator.copy_failed');
  }
});

// -- the participants list ----------------------------------------------------------------------------

const list = document.getElementById('people');
const count = document.getElementById('people-count');
const empty = document.getElementById('people-empty');
let shown = list ? Array.from(list.children).map((li) => li.getAttribute('data-id')).join(',') : '';

/** @param {{id: string, alias: string, role: string, colour: string}[]} people */
function render(people) {
  if (!list) return;
  const ids = people.map((p) => p.id).join(',');
  if (ids === shown) return;
  shown = ids;
  list.replaceChildren(
    ...people.map((person) => {
      const li = document.createElement('li');
      li.className = `person colour-${person.colour}`;
      li.dataset.id = person.id;
      const dot = document.createElement('span');
      dot.className = 'person-dot';
      dot.setAttribute('aria-hidden', 'true');
      const name = document.createElement('span');
      name.className = 'person-alias';
      name.textContent = person.alias;
      li.append(dot, name);
      return li;
    }),
  );
  if (count) count.textContent = String(people.length);
  if (empty) empty.hidden = people.length > 0;
}

async function refresh() {
  if (!workshopId || document.hidden) return;
  try {
    const response = await fetch(`/api/workshops/${encodeURIComponent(workshopId)}`, {
      credentials: 'same-origin',
      headers: { Accept: 'application/json' },
    });
    if (response.ok) {
      const everyone = (await response.json()).participants || [];
      render(everyone.filter((/** @type {{role: string}} */ p) => p.role !== 'facilitator'));
    }
  } catch {
    // offline for a moment: the list stays as it was
  }
}

if (list && workshopId) {
  setInterval(refresh, REFRESH_MS);
  document.addEventListener('visibilitychange', refresh);
}

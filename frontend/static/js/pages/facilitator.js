// @ts-check
/**
 * The facilitator's page: copying the join link, the participants list kept fresh while the page is
 * shown (GET /api/workshops/{id} with the cookie, every few seconds), and the console: close / reopen
 * joining, a new join link (and QR code), adding a board, logging out.
 * The console's writes send the HttpOnly cookie (same origin) with the page's CSRF token
 * (`<meta name="fresque-csrf">`) as `X-Fresque-CSRF`; the server also checks the Origin.
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

// -- the console --------------------------------------------------------------------------------------

const csrf = document.querySelector('meta[name="fresque-csrf"]')?.getAttribute('content') || '';
const consoleRoot = document.getElementById('console');
const consoleStatus = document.getElementById('console-status');
const api = `/api/workshops/${encodeURIComponent(workshopId)}`;

/** @param {string} key */
function report(key) {
  if (!consoleStatus) return;
  consoleStatus.replaceChildren();
  const span = document.createElement('span');
  span.setAttribute('data-i18n', key);
  span.textContent = currentI18n().t(key);
  consoleStatus.append(span);
}

/**
 * A write of the console: cookie + CSRF token; the answer's JSON, or null after saying what went wrong.
 * @param {string} path
 * @param {unknown} [body]
 */
async function write(path, body) {
  try {
    const response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-Fresque-CSRF': csrf },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status === 401) {
      report('facilitator.done.session_lost');
      return null;
    }
    if (!response.ok) {
      report('facilitator.done.failed');
      return null;
    }
    return response.status === 204 ? {} : await response.json();
  } catch {
    report('facilitator.done.failed');
    return null;
  }
}

/**
 * @param {HTMLElement} element
 * @param {string} key
 */
function label(element, key) {
  element.setAttribute('data-i18n', key);
  element.textContent = currentI18n().t(key);
}

// Joining: one button, its words follow the state.
const toggle = document.getElementById('toggle-joining');

/** @param {boolean} open */
function showJoining(open) {
  if (consoleRoot) consoleRoot.dataset.joiningOpen = open ? 'true' : 'false';
  const words = toggle?.querySelector('span');
  if (words) label(words, open ? 'facilitator.close_joining' : 'facilitator.reopen_joining');
  document.getElementById('code-expired')?.remove(); // reopening renews the code; closed says it all
  const closedNote = document.getElementById('joining-closed');
  if (open) closedNote?.remove();
  else if (!closedNote) {
    const note = document.createElement('p');
    note.className = 'form-error';
    note.id = 'joining-closed';
    label(note, 'facilitator.joining_closed');
    document.querySelector('.join-card .hint')?.after(note);
  }
}

/** @param {{join_link: string, join_qr: string}} joining */
function showLink(joining) {
  const field = /** @type {HTMLInputElement | null} */ (document.getElementById('join-link'));
  if (field) field.value = joining.join_link;
  const qr = /** @type {HTMLImageElement | null} */ (document.getElementById('join-qr'));
  if (qr) qr.src = `${joining.join_qr}?v=${Date.now()}`; // same URL, new picture: skip the cache
}

toggle?.addEventListener('click', async () => {
  const open = consoleRoot?.dataset.joiningOpen !== 'true';
  toggle.setAttribute('aria-busy', 'true');
  const answer = await write(`${api}/joining`, { open });
  toggle.removeAttribute('aria-busy');
  if (!answer) return;
  showJoining(Boolean(answer.open));
  showLink(answer);
  report(answer.open ? 'facilitator.done.joining_open' : 'facilitator.done.joining_closed');
});

const newLink = document.getElementById('new-link');
newLink?.addEventListener('click', async () => {
  newLink.setAttribute('aria-busy', 'true');
  const answer = await write(`${api}/join-link`);
  newLink.removeAttribute('aria-busy');
  if (!answer) return;
  showLink(answer);
  report('facilitator.done.new_link');
});

// Adding a board: an exploration fresco with the title typed; it joins the list like the others.
const boards = document.getElementById('boards');

/** @param {{id: string, kind: string, title: string}} board */
function boardRow(board) {
  const li = document.createElement('li');
  li.className = 'board-row';
  const picture = document.createElement('img');
  Object.assign(picture, { className: 'icon-big', src: `/icons/board-${board.kind}.svg`, alt: '' });
  picture.width = picture.height = 72;
  const names = document.createElement('div');
  names.className = 'board-names';
  const title = document.createElement('p');
  title.className = 'board-title';
  title.textContent = board.title;
  const kind = document.createElement('p');
  kind.className = 'hint';
  label(kind, `kind.${board.kind}`);
  names.append(title, kind);
  const actions = document.createElement('div');
  actions.className = 'board-actions';
  const open = document.createElement('a');
  open.className = 'button button-primary';
  open.href = `/boards/${encodeURIComponent(board.id)}`;
  const openWords = document.createElement('span');
  label(openWords, 'facilitator.open');
  const arrow = document.createElement('span');
  arrow.className = 'arrow';
  arrow.setAttribute('aria-hidden', 'true');
  open.append(openWords, arrow);
  const download = document.createElement('a');
  download.className = 'button button-quiet';
  download.href = `/api/boards/${encodeURIComponent(board.id)}/export`;
  const stem = boards?.dataset.exportStem || 'fresque';
  const day = boards?.dataset.exportDay || '';
  download.download = `${[stem, board.kind, day].filter(Boolean).join('-')}.json`;
  const icon = document.createElement('img');
  Object.assign(icon, { className: 'icon', src: '/icons/download.svg', alt: '' });
  icon.width = icon.height = 40;
  const downloadWords = document.createElement('span');
  label(downloadWords, 'facilitator.export');
  download.append(icon, downloadWords);
  actions.append(open, download);
  li.append(picture, names, actions);
  return li;
}

const addBoard = /** @type {HTMLFormElement | null} */ (document.getElementById('add-board'));
addBoard?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const field = /** @type {HTMLInputElement | null} */ (addBoard.elements.namedItem('title'));
  const title = (field?.value || '').trim();
  if (!title) {
    report('facilitator.done.title_needed');
    field?.focus();
    return;
  }
  const answer = await write(`${api}/boards`, { kind: 'exploration', title });
  if (!answer) return;
  boards?.append(boardRow(answer));
  if (field) field.value = '';
  report('facilitator.done.board_added');
});

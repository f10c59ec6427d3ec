// @ts-check
/**
 * The facilitator's page: copying the join link (and a sign-in link), the participants (js/pages/people.js),
 * sign-in links for another device (a co-facilitator, the facilitator's own phone, a projector), and the
 * console: close / reopen joining, a new join link (and QR code); and adding a board (of either kind).
 * The writes send the HttpOnly cookie (same origin) with the page's CSRF token
 * (`<meta name="fresque-csrf">`) as `X-Fresque-CSRF`; the server also checks the Origin.
 */
import { call, clock, failure, say as sayIn } from './console-api.js';
import { currentI18n, setWords, translate } from './lang.js';
import './people.js';

const root = document.getElementById('facilitator');
const workshopId = root?.dataset.workshop || '';
const api = `/api/workshops/${encodeURIComponent(workshopId)}`;

// -- copying a link -------------------------------------------------------------------------------------

const copyStatus = document.getElementById('copy-status');

/**
 * @param {HTMLElement | null} region
 * @param {string} key
 */
function say(region, key) {
  sayIn(region, key);
}

document.querySelectorAll('[data-copy-target]').forEach((element) => {
  const copyButton = /** @type {HTMLElement} */ (element);
  const region = copyButton.id === 'copy-link' ? copyStatus : document.getElementById('sign-in-status');
  copyButton.addEventListener('click', async () => {
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
      say(region, 'facilitator.copied');
    } catch {
      field.focus();
      field.select();
      say(region, 'facilitator.copy_failed');
    }
  });
});

// -- sign-in links: another device, a co-facilitator, a projector ----------------------------------------

const signInStatus = document.getElementById('sign-in-status');
const signInResult = document.getElementById('sign-in-result');

document.querySelectorAll('form[data-role]').forEach((element) => {
  const form = /** @type {HTMLFormElement} */ (element);
  const role = form.dataset.role || '';
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const submit = form.querySelector('button[type="submit"]');
    const aliasField = /** @type {HTMLInputElement | null} */ (form.elements.namedItem('alias'));
    const alias = (aliasField?.value || '').trim();
    submit?.setAttribute('aria-busy', 'true');
    const answer = await call('POST', `${api}/sign-in-links`, alias ? { role, alias } : { role });
    submit?.removeAttribute('aria-busy');
    if (answer.status !== 201 || !answer.body?.link) {
      sayIn(signInStatus, answer.status === 422 ? 'facilitator.done.alias_invalid' : failure(answer.status));
      return;
    }
    const link = /** @type {HTMLInputElement | null} */ (document.getElementById('sign-in-link'));
    if (link) link.value = answer.body.link;
    const qr = /** @type {HTMLImageElement | null} */ (document.getElementById('sign-in-qr'));
    if (qr) qr.src = answer.body.qr;
    const heading = document.getElementById('sign-in-result-title');
    if (heading) setWords(heading, `facilitator.sign_in_for.${role}`, { alias: answer.body.alias });
    const expiry = document.getElementById('sign-in-expiry');
    if (expiry) setWords(expiry, 'facilitator.sign_in_expiry', { time: clock(answer.body.expires_at) });
    // phones cannot open a loopback link: the same warning as the join link's (fresque.links)
    const warning = document.getElementById('sign-in-warning');
    const warningText = document.getElementById('sign-in-warning-text');
    const command = document.getElementById('sign-in-command');
    if (warning) warning.hidden = !answer.body.warning;
    if (command) command.hidden = answer.body.warning !== 'loopback_only';
    if (warningText && answer.body.warning) setWords(warningText, `facilitator.reach.${answer.body.warning}`);
    if (signInResult) signInResult.hidden = false;
    if (aliasField) aliasField.value = '';
    sayIn(signInStatus, `facilitator.done.sign_in_ready.${role}`, { alias: answer.body.alias });
    signInResult?.scrollIntoView({ block: 'nearest' });
  });
});

// -- the console --------------------------------------------------------------------------------------

const consoleRoot = document.getElementById('console');
const consoleStatus = document.getElementById('console-status');

/** @param {string} key */
function report(key) {
  sayIn(consoleStatus, key);
}

/**
 * A write of the console: the answer's JSON, or null after saying what went wrong.
 * @param {string} path
 * @param {unknown} [body]
 */
async function write(path, body) {
  const answer = await call('POST', path, body);
  if (answer.status < 200 || answer.status >= 300) {
    report(failure(answer.status));
    return null;
  }
  return answer.body || {};
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

/**
 * Show one of the join link's addresses: the link field and the QR code.
 * @param {string} link
 * @param {string} qrSrc
 */
function showAddress(link, qrSrc) {
  const field = /** @type {HTMLInputElement | null} */ (document.getElementById('join-link'));
  if (field) field.value = link;
  const qr = /** @type {HTMLImageElement | null} */ (document.getElementById('join-qr'));
  if (qr) qr.src = qrSrc;
  document.querySelectorAll('#address-list .address-choice').forEach((button) => {
    const choice = /** @type {HTMLElement} */ (button);
    choice.setAttribute('aria-pressed', choice.dataset.link === link ? 'true' : 'false');
  });
}

// A machine on several networks: the server put the most likely address first; a tap shows another.
document.getElementById('address-list')?.addEventListener('click', (event) => {
  const button = /** @type {HTMLElement | null} */ (
    event.target instanceof Element ? event.target.closest('.address-choice') : null
  );
  if (button) showAddress(button.dataset.link || '', button.dataset.qr || '');
});

/**
 * The joining state the server answered (`fresque.api.joining.joining_json`): a new token means new links.
 * @param {{join_link: string, join_qr: string, join_links?: string[]}} joining
 */
function showLink(joining) {
  const stamp = `v=${Date.now()}`; // same URL, new picture: skip the cache
  const links = joining.join_links?.length ? joining.join_links : [joining.join_link];
  const buttons = /** @type {HTMLElement[]} */ ([...document.querySelectorAll('#address-list .address-choice')]);
  // the address the facilitator picked stays picked: phones in the room reach that one
  const picked = Math.max(0, buttons.findIndex((button) => button.getAttribute('aria-pressed') === 'true'));
  links.forEach((link, n) => {
    const button = buttons[n];
    if (!button) return;
    button.dataset.link = link;
    button.dataset.qr = `${joining.join_qr}?${n ? `via=${n}&` : ''}${stamp}`;
  });
  const n = picked < links.length ? picked : 0;
  showAddress(links[n], `${joining.join_qr}?${n ? `via=${n}&` : ''}${stamp}`);
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

// Adding a board: its kind (two radio cards, exploration preselected) and its title. The new row is the
// server's <template id="board-row-KIND"> (the same macro as the rows already there), `__board__` in its
// links replaced by the new board's id: one source for the links, the CSV tables and their file names.
const boards = document.getElementById('boards');
const boardsStatus = document.getElementById('boards-status');
const PLACEHOLDER = '__board__';

/**
 * The row of a board just added, from the server's template for its kind; null without one.
 * @param {{id: string, kind: string, title: string}} board
 */
function boardRow(board) {
  const template = /** @type {HTMLTemplateElement | null} */ (
    document.getElementById(`board-row-${board.kind}`)
  );
  const row = /** @type {HTMLElement | null} */ (
    template?.content.firstElementChild?.cloneNode(true) || null
  );
  if (!row) return null;
  const id = encodeURIComponent(board.id);
  row.dataset.board = board.id;
  for (const element of [row, ...row.querySelectorAll('*')]) {
    for (const attribute of ['href', 'download']) {
      const value = element.getAttribute(attribute);
      if (value?.includes(PLACEHOLDER)) element.setAttribute(attribute, value.replaceAll(PLACEHOLDER, id));
    }
  }
  const title = row.querySelector('.board-title');
  if (title) title.textContent = board.title;
  translate(row); // the template speaks the page's first language; the page may have switched since
  return row;
}

const addBoard = /** @type {HTMLFormElement | null} */ (document.getElementById('add-board'));
let adding = false;
addBoard?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const field = /** @type {HTMLInputElement | null} */ (addBoard.elements.namedItem('title'));
  const chosen = /** @type {HTMLInputElement | null} */ (addBoard.querySelector('input[name="kind"]:checked'));
  const kind = chosen?.value === 'actions' ? 'actions' : 'exploration';
  const title = (field?.value || '').trim();
  if (!title) {
    sayIn(boardsStatus, 'facilitator.done.title_needed');
    field?.focus();
    return;
  }
  // one board per tap: a double tap on a slow network adds one board (not disabled: it keeps the focus)
  if (adding) return;
  adding = true;
  const submit = addBoard.querySelector('button[type="submit"]');
  submit?.setAttribute('aria-busy', 'true');
  const answer = await call('POST', `${api}/boards`, { kind, title });
  submit?.removeAttribute('aria-busy');
  adding = false;
  if (answer.status !== 201 || !answer.body?.id) {
    const full = answer.body?.error === 'too_many_boards'; // FRESQUE_MAX_BOARDS_PER_WORKSHOP
    sayIn(boardsStatus, full ? 'facilitator.done.too_many_boards' : failure(answer.status));
    return;
  }
  const row = boardRow(answer.body);
  if (row) boards?.append(row);
  if (field) field.value = '';
  sayIn(boardsStatus, 'facilitator.done.board_added');
});

// -- the CSV tables' separator ------------------------------------------------------------------------------

// Semicolons for a French spreadsheet, commas elsewhere: the server sets the links for the page's first
// language; switching the language (without a reload) follows it, until the facilitator picks one.
const separator = document.getElementById('csv-separator');
let sepChosen = false;

/** @param {string} sep */
function useSeparator(sep) {
  const value = sep === 'semicolon' ? 'semicolon' : 'comma';
  const radio = /** @type {HTMLInputElement | null} */ (
    separator?.querySelector(`input[name="csv-sep"][value="${value}"]`) || null
  );
  if (radio) radio.checked = true;
  // the rows already there and the <template>s of rows still to come
  const templates = [...document.querySelectorAll('template[id^="board-row-"]')].map(
    (t) => /** @type {HTMLTemplateElement} */ (t).content
  );
  for (const scope of [document, ...templates]) {
    scope.querySelectorAll('a.csv-link').forEach((link) => {
      const href = link.getAttribute('href') || '';
      const [path, query = ''] = href.split('?');
      const params = new URLSearchParams(query);
      params.set('sep', value);
      link.setAttribute('href', `${path}?${params.toString()}`);
    });
  }
}

separator?.addEventListener('change', (event) => {
  const radio = /** @type {HTMLInputElement} */ (event.target);
  sepChosen = true;
  useSeparator(radio.value);
});

document.addEventListener('fresque:lang', (event) => {
  const lang = /** @type {CustomEvent<{lang: string}>} */ (event).detail?.lang;
  if (!sepChosen) useSeparator(lang === 'fr' ? 'semicolon' : 'comma');
});

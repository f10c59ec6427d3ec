// @ts-check
/**
 * The surveyor's page (`/studies/{id}/survey`), on a phone in the street.
 *
 * Screens, one at a time in `#survey-card`: start (the respondent's language, « Nouvelle personne ») → consent
 * (nothing is kept without it) → one question a screen (big answers with pictures, read aloud, progress, back,
 * skip) → thanks. A finished response goes into the phone's queue (`survey-queue.js`) before anything is sent,
 * and is sent with its client id until the server acknowledges it: at once, when the network comes back
 * (`online`), on a timer while it fails, and after a reload.
 *
 * The card speaks the respondent's language (its `lang` and `dir`), which may differ from the surveyor's page:
 * its words come from the bootstrap (`words[lang]`, the `survey.r.*` keys), so a switch needs no request.
 * Served over HTTPS (or on this machine), a service worker (`survey-sw.js`) keeps the page and what it needs, so
 * it also opens without network; on plain http the page says it needs the network to open.
 */
import { call, say } from '../pages/console-api.js';
import { currentI18n } from '../pages/lang.js';
import { canSpeak, onVoicesChanged, speak } from '../board/speech.js';
import { SurveyQueue, newClientId } from './survey-queue.js';
import { answersOf, labelOf, languageNames, readJson } from './survey-common.js';
import { drawRefused } from './survey-refused.js';

/** @typedef {import('./survey-common.js').Bootstrap} Bootstrap */
/** @typedef {import('./survey-common.js').Question} Question */

const boot = /** @type {Bootstrap} */ (readJson('bootstrap'));
const assets = /** @type {string[]} */ (readJson('survey-assets') || []);
const links = /** @type {Record<string, string>} */ (readJson('survey-links') || {});
const card = /** @type {HTMLElement} */ (document.getElementById('survey-card'));
const statusLine = document.getElementById('survey-status');
const offlineNote = document.getElementById('survey-offline-note');
const refusedSection = document.getElementById('survey-refused');
const questions = boot.questionnaire.questions;
const queue = new SurveyQueue(window.localStorage, `fresque.survey.${boot.study.id}`);
const RETRY_MS = [2000, 5000, 10000, 30000, 60000];
const ADVANCE_MS = 180; // a single answer's tap shows as chosen before the next question comes

/** @type {{screen: 'start' | 'consent' | 'question' | 'done', lang: string, index: number,
 *   answers: Record<string, string | string[]>, clientId: string}} */
const state = { screen: 'start', lang: currentI18n().lang, index: 0, answers: {}, clientId: '' };
let retries = 0;
/** @type {ReturnType<typeof setTimeout> | null} */
let retryTimer = null;
/** @type {'network' | 'session' | null} */
let lastStop = null;

/** The respondent's words (in their language). @param {string} key @param {Record<string, unknown>} [vars] */
function r(key, vars) {
  const words = boot.words[state.lang] || boot.words.fr || {};
  let text = words[`survey.r.${key}`] ?? key;
  for (const [name, value] of Object.entries(vars || {})) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

/**
 * @param {string} tag
 * @param {string} [className]
 * @param {string} [text]
 */
function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/**
 * @param {string} className
 * @param {string} text
 * @param {() => void} onClick
 */
function button(className, text, onClick) {
  const b = /** @type {HTMLButtonElement} */ (el('button', `button ${className}`, text));
  b.type = 'button';
  b.addEventListener('click', onClick);
  return b;
}

/** @param {string} text */
function heading(text) {
  const h = el('h1', 'survey-question', text);
  h.id = 'survey-heading';
  h.tabIndex = -1;
  return h;
}

/** The respondent's language: three buttons, each named in its own language. */
function languageRow() {
  const row = el('div', 'survey-langs');
  row.setAttribute('role', 'group');
  row.setAttribute('aria-label', r('language'));
  for (const [code, name] of Object.entries(languageNames)) {
    const b = button('button-quiet survey-lang', name, () => {
      state.lang = code;
      draw();
    });
    b.lang = code;
    b.dir = boot.directions[code] || 'ltr';
    b.setAttribute('aria-pressed', String(code === state.lang));
    row.append(b);
  }
  return row;
}

/**
 * A speaker button that reads `text` in the respondent's language (only when the device has such a voice).
 * @param {string} text
 */
function listen(text) {
  if (!canSpeak(state.lang)) return null;
  const b = button('button-quiet survey-listen', '', () => speak(text, state.lang));
  const icon = /** @type {HTMLImageElement} */ (el('img', 'icon'));
  icon.src = '/icons/speak.svg';
  icon.alt = '';
  b.append(icon, el('span', '', r('listen')));
  return b;
}

const DRAFT_KEY = `fresque.survey.${boot.study.id}.draft`;

/** The response being answered, kept at each step: a phone that reloads (or drops the page) mid-interview
 *  comes back to the same question, with the answers given so far and the consent already asked. */
function keepDraft() {
  try {
    if (state.screen === 'question') {
      const { lang, index, answers, clientId } = state;
      window.localStorage.setItem(DRAFT_KEY, JSON.stringify({ version: boot.version, lang, index, answers, clientId }));
    } else {
      window.localStorage.removeItem(DRAFT_KEY);
    }
  } catch {
    /* storage full or refused: the interview goes on, only a reload would lose it */
  }
}

function restoreDraft() {
  try {
    const draft = JSON.parse(window.localStorage.getItem(DRAFT_KEY) || 'null');
    if (!draft || draft.version !== boot.version || !draft.clientId) return;
    if (queue.items().some((i) => i.client_id === draft.clientId)) return; // already finished
    state.screen = 'question';
    state.lang = boot.words[draft.lang] ? draft.lang : state.lang;
    state.index = Math.min(Math.max(0, Number(draft.index) || 0), questions.length - 1);
    state.answers = draft.answers && typeof draft.answers === 'object' ? draft.answers : {};
    state.clientId = String(draft.clientId);
  } catch {
    /* a broken draft is no draft */
  }
}

function draw() {
  keepDraft();
  card.lang = state.lang;
  card.dir = boot.directions[state.lang] || 'ltr';
  card.replaceChildren();
  card.dataset.screen = state.screen;
  card.dataset.question = state.screen === 'question' ? questions[state.index].id : '';
  if (state.screen === 'start') drawStart();
  else if (state.screen === 'consent') drawConsent();
  else if (state.screen === 'question') drawQuestion();
  else drawDone();
  const first = card.querySelector('#survey-heading');
  if (first instanceof HTMLElement && state.screen !== 'start') first.focus({ preventScroll: false });
}

function drawStart() {
  // the surveyor's screen: in the page's language, not the respondent's
  const { t, lang, dir } = currentI18n();
  card.lang = lang;
  card.dir = dir;
  const h = heading(t('survey.title'));
  const intro = el('p', 'hint', t('survey.intro', { n: questions.length }));
  const pick = el('p', 'survey-label', t('survey.respondent_language'));
  pick.id = 'survey-pick-language';
  const row = languageRow();
  row.setAttribute('aria-labelledby', pick.id);
  const start = button('button-primary button-huge survey-start', t('survey.start'), () => {
    state.screen = 'consent';
    draw();
  });
  card.append(h, intro, pick, row, start);
}

function drawConsent() {
  const h = heading(r('consent_title'));
  const text = el('p', 'lead survey-consent-text', r('consent_text'));
  const speaker = listen(`${r('consent_title')}. ${r('consent_text')}`);
  const yes = button('button-primary button-huge survey-consent-yes', r('consent_yes'), () => {
    state.screen = 'question';
    state.index = 0;
    state.answers = {};
    state.clientId = newClientId();
    draw();
  });
  const no = button('button-quiet button-big survey-consent-no', r('consent_no'), reset);
  card.append(languageRow(), h, text);
  if (speaker) card.append(speaker);
  card.append(yes, no);
}

function drawQuestion() {
  const question = questions[state.index];
  const total = questions.length;
  const top = el('div', 'survey-progress-row');
  const count = el('p', 'survey-progress', r('progress', { n: state.index + 1, total }));
  count.id = 'survey-progress-text';
  const bar = /** @type {HTMLProgressElement} */ (el('progress', 'survey-progress-bar'));
  bar.max = total;
  bar.value = state.index + 1;
  bar.setAttribute('aria-labelledby', count.id);
  top.append(count, bar);
  const label = labelOf(question.labels, state.lang);
  const h = heading(label);
  const multiple = question.kind === 'multiple';
  const answers = answersOf(question, boot.neighbourhoods);
  // the autonomy questions name a task: the hint asks the question
  const autonomy = question.id.startsWith('autonomy_');
  const hint = el(
    'p',
    'hint survey-hint',
    multiple ? r('choose_many') : autonomy ? r('autonomy_hint') : r('choose_one'),
  );
  const group = el('div', `survey-answers${answers.some((a) => a.picture) ? ' with-pictures' : ''}`);
  group.setAttribute('role', 'group');
  group.setAttribute('aria-labelledby', 'survey-heading');
  const chosen = state.answers[question.id];
  for (const answer of answers) {
    const selected = multiple
      ? Array.isArray(chosen) && chosen.includes(answer.id)
      : chosen === answer.id;
    const b = button('survey-answer', '', () => choose(question, answer.id, answer.exclusive === true));
    b.setAttribute('aria-pressed', String(selected));
    b.dataset.answer = answer.id;
    const url = answer.picture ? boot.pictures[answer.picture] : '';
    if (url) {
      const img = /** @type {HTMLImageElement} */ (el('img', 'survey-picture'));
      img.src = url;
      img.alt = '';
      img.width = 64;
      img.height = 64;
      b.append(img);
    }
    b.append(el('span', 'survey-answer-label', labelOf(answer.labels, state.lang)));
    group.append(b);
  }
  const speaker = listen(
    [label, ...(autonomy ? [r('autonomy_hint')] : []), ...answers.map((a) => labelOf(a.labels, state.lang))].join(
      '. ',
    ),
  );
  const steps = el('div', 'survey-steps');
  const back = button('button-quiet survey-back', r('back'), () => {
    if (state.index === 0) state.screen = 'consent';
    else state.index -= 1;
    draw();
  });
  const answered = chosen !== undefined && (!Array.isArray(chosen) || chosen.length > 0);
  const last = state.index === total - 1;
  const next = button(
    `${answered ? 'button-primary' : 'button-quiet'} survey-next`,
    answered ? (last ? r('finish') : r('next')) : r('skip'),
    advance,
  );
  steps.append(back, next);
  card.append(languageRow(), top, h);
  if (speaker) card.append(speaker);
  card.append(hint, group, steps);
  const stop = button('link-button survey-stop', currentI18n().t('survey.stop'), reset);
  stop.lang = currentI18n().lang;
  stop.dir = currentI18n().dir;
  card.append(stop);
}

/**
 * @param {Question} question
 * @param {string} answerId
 * @param {boolean} exclusive
 */
function choose(question, answerId, exclusive) {
  if (question.kind !== 'multiple') {
    state.answers[question.id] = answerId;
    draw();
    setTimeout(advance, ADVANCE_MS);
    return;
  }
  const exclusives = new Set(
    (question.answers || []).filter((a) => a.exclusive).map((a) => a.id),
  );
  const before = state.answers[question.id];
  let list = Array.isArray(before) ? [...before] : [];
  if (list.includes(answerId)) list = list.filter((a) => a !== answerId);
  else if (exclusive) list = [answerId];
  else list = [...list.filter((a) => !exclusives.has(a)), answerId];
  if (list.length) state.answers[question.id] = list;
  else delete state.answers[question.id];
  const at = card.querySelector(`[data-answer="${CSS.escape(answerId)}"]`);
  draw();
  // keep the finger's place: focus the answer just tapped, not the heading
  const again = card.querySelector(`[data-answer="${CSS.escape(answerId)}"]`);
  if (at && again instanceof HTMLElement) again.focus({ preventScroll: true });
}

function advance() {
  if (state.screen !== 'question') return;
  if (state.index < questions.length - 1) {
    state.index += 1;
    draw();
    return;
  }
  queue.add({
    client_id: state.clientId,
    questionnaire_version: boot.version,
    answers: state.answers,
    consent: true,
    answered_at: new Date().toISOString(),
    source: 'phone',
  });
  state.screen = 'done';
  draw();
  showStatus();
  flushSoon(0);
}

function drawDone() {
  const h = heading(r('done_title'));
  const text = el('p', 'lead', r('done_text'));
  const next = button('button-primary button-huge survey-next-person', currentI18n().t('survey.next_person'), reset);
  next.lang = currentI18n().lang;
  next.dir = currentI18n().dir;
  card.append(h, text, next);
}

function reset() {
  state.screen = 'start';
  state.index = 0;
  state.answers = {};
  state.clientId = '';
  draw();
  /** @type {HTMLElement | null} */ (card.querySelector('.survey-start'))?.focus();
}

// -- sending --------------------------------------------------------------------------------------------

function showStatus() {
  const waiting = queue.items().length;
  const refused = queue.refused().length;
  if (lastStop === 'session') say(statusLine, 'survey.session_lost', { n: String(waiting) });
  else if (waiting) say(statusLine, navigator.onLine ? 'survey.pending' : 'survey.pending_offline', { n: String(waiting) });
  else say(statusLine, 'survey.all_sent');
  if (refused) {
    // a link down to the refused responses' list (below the interview: the respondent holds the phone)
    const more = /** @type {HTMLAnchorElement} */ (el('a', 'survey-refused', currentI18n().t('survey.refused', { n: refused })));
    more.href = '#survey-refused';
    more.setAttribute('data-i18n', 'survey.refused');
    more.setAttribute('data-i18n-vars', JSON.stringify({ n: String(refused) }));
    statusLine?.append(' ', more);
  }
  statusLine?.setAttribute('data-waiting', String(waiting));
  statusLine?.setAttribute('data-refused', String(refused));
  drawRefused(refusedSection, queue, currentI18n(), () => {
    showStatus();
    // the focus was on the button just removed: on to the next one, else back to the status line
    if (refusedSection && !refusedSection.hidden) refusedSection.querySelector('button')?.focus();
    else if (statusLine) {
      statusLine.tabIndex = -1;
      statusLine.focus();
    }
  });
}

/** @param {number} delay */
function flushSoon(delay) {
  if (retryTimer) clearTimeout(retryTimer);
  retryTimer = setTimeout(flush, delay);
}

async function flush() {
  retryTimer = null;
  if (!queue.items().length) {
    lastStop = null;
    showStatus();
    return;
  }
  const result = await queue.flush(async (item) => {
    const answer = await call('POST', `/api/studies/${boot.study.id}/surveys/responses`, item);
    return { status: answer.status, error: answer.body?.error ?? null };
  });
  lastStop = result.stopped;
  showStatus();
  if (result.stopped === 'network') {
    flushSoon(RETRY_MS[Math.min(retries, RETRY_MS.length - 1)]);
    retries += 1;
  } else {
    retries = 0;
  }
}

window.addEventListener('online', () => {
  retries = 0;
  flushSoon(0);
});
window.addEventListener('offline', showStatus);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && queue.items().length) flushSoon(0);
});
document.addEventListener('fresque:lang', () => {
  showStatus();
  if (state.screen === 'start') draw();
});
onVoicesChanged(() => draw());

// -- opening without network ---------------------------------------------------------------------------

async function keepForOffline() {
  const note = offlineNote;
  const { t } = currentI18n();
  if (!('serviceWorker' in navigator) || !window.isSecureContext) {
    if (note) {
      note.hidden = false;
      note.setAttribute('data-i18n', 'survey.needs_network');
      note.textContent = t('survey.needs_network');
    }
    return;
  }
  try {
    await navigator.serviceWorker.register(links.worker, { scope: `/studies/${boot.study.id}/` });
    const ready = await navigator.serviceWorker.ready;
    navigator.serviceWorker.addEventListener('message', (event) => {
      if (event.data?.type === 'kept' && note) {
        note.hidden = false;
        note.setAttribute('data-i18n', 'survey.offline_ready');
        note.textContent = currentI18n().t('survey.offline_ready');
        document.body.dataset.offlineReady = 'true';
      }
    });
    const urls = [window.location.pathname, ...assets];
    ready.active?.postMessage({ type: 'keep', urls });
  } catch {
    /* no service worker: the page still works while open */
  }
}

restoreDraft();
draw();
showStatus();
flushSoon(0);
keepForOffline();

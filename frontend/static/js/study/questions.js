// @ts-check
/**
 * The questions de travail page (/studies/{id}/questions, frontend/templates/study/questions.html): the team
 * lists, writes, edits, reorders and deletes the study's questions (`fresque.api.work_questions`, the account
 * cookie and the page's CSRF token through console-api.js's `call`). The form pins a heat-map cell (activity ×
 * severity, a neighbourhood or the territory), an online service, or a residents' idea.
 */
import { call } from '../pages/console-api.js';
import { currentI18n } from '../pages/lang.js';
import { clearProblem, showProblem } from './common.js';
import { aboutPicture, aboutWords, questionTag } from './question-words.js';

/** @typedef {import('./question-words.js').WorkQuestion} WorkQuestion */

const root = /** @type {HTMLElement} */ (document.querySelector('.work-questions'));
const study = root.dataset.study || '';
const base = `/api/studies/${encodeURIComponent(study)}/questions`;
const list = /** @type {HTMLOListElement} */ (document.getElementById('wq-list'));
const status = /** @type {HTMLElement} */ (document.getElementById('wq-status'));
const form = /** @type {HTMLFormElement} */ (document.getElementById('wq-form'));
const problem = /** @type {HTMLElement} */ (document.getElementById('wq-problem'));
const field = (/** @type {string} */ id) => /** @type {HTMLSelectElement} */ (document.getElementById(id));

/** @type {WorkQuestion[]} */
let questions = [];
/** @type {{activities: any[], touchpoints: any[]}} */
let catalogue = { activities: [], touchpoints: [] };
/** @type {any[]} */
let ideas = [];
/** the question being edited in place, if any */
let editing = '';

const i18n = () => currentI18n();

/** Words for an API refusal of this page. @param {{status: number, body: any}} answer */
function problemKey(answer) {
  const code = answer.body?.error || '';
  if (answer.status === 0) return 'common.error.network';
  if (answer.status === 401) return 'account.error.session_lost';
  if (['unknown_idea', 'text_required', 'text_too_long', 'too_many_questions', 'unknown_activity', 'unknown_service'].includes(code)) {
    return `questions.error.${code}`;
  }
  return 'common.error.failed';
}

/** @param {string} tag @param {Record<string, any>} [props] @param {(Node | string | null)[]} [children] */
function el(tag, props = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v;
    else if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (v !== undefined && v !== null && v !== false) node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const child of children) if (child !== null) node.append(child);
  return node;
}

function draw() {
  const { t, lang } = i18n();
  status.textContent = questions.length ? '' : t('questions.list.empty');
  status.hidden = questions.length > 0;
  list.replaceChildren(...questions.map((q, index) => {
    const words = aboutWords(q.about, t, lang);
    const tools = el('div', { class: 'wq-tools' }, [
      el('button', { class: 'button button-quiet wq-up', type: 'button', 'aria-label': t('questions.item.up', { n: questionTag(index) }), disabled: index === 0, onclick: () => move(index, -1) }, ['↑']),
      el('button', { class: 'button button-quiet wq-down', type: 'button', 'aria-label': t('questions.item.down', { n: questionTag(index) }), disabled: index === questions.length - 1, onclick: () => move(index, 1) }, ['↓']),
      el('button', { class: 'button button-secondary wq-edit', type: 'button', onclick: () => { editing = q.id; draw(); } }, [t('questions.item.edit')]),
      el('button', { class: 'button button-quiet wq-delete', type: 'button', onclick: () => remove(q) }, [t('questions.item.delete')]),
    ]);
    const head = el('div', { class: 'wq-finding' }, [
      el('img', { src: aboutPicture(q.about), alt: '', width: 48, height: 48 }),
      el('div', {}, [
        el('p', { class: 'wq-about', text: words.title, dir: 'auto' }),
        el('p', { class: 'hint', text: [...words.facts, q.finding.note].filter(Boolean).join(' · '), dir: 'auto' }),
      ]),
    ]);
    /** @type {HTMLElement} */
    let body;
    if (editing === q.id) {
      const area = /** @type {HTMLTextAreaElement} */ (el('textarea', { class: 'input', rows: 3, maxlength: 500, dir: 'auto', 'aria-label': t('questions.form.question') }));
      area.value = q.question;
      body = el('div', { class: 'stack-small' }, [area, el('div', { class: 'wq-tools' }, [
        el('button', { class: 'button button-primary', type: 'button', onclick: () => save(q, area.value) }, [t('questions.item.save')]),
        el('button', { class: 'button button-quiet', type: 'button', onclick: () => { editing = ''; draw(); } }, [t('questions.item.cancel')]),
      ])]);
      queueMicrotask(() => area.focus());
    } else {
      body = el('p', { class: 'wq-question', text: q.question, dir: 'auto' });
    }
    return el('li', { class: 'card wq-item', 'data-id': q.id }, [
      el('p', { class: 'wq-tag', text: questionTag(index) }), head, body, editing === q.id ? null : tools,
    ]);
  }));
}

async function load() {
  const answer = await call('GET', base);
  if (answer.status !== 200) {
    status.textContent = i18n().t(problemKey(answer));
    return;
  }
  questions = answer.body.questions;
  draw();
}

/** @param {number} index @param {number} by */
async function move(index, by) {
  const ids = questions.map((q) => q.id);
  const [moved] = ids.splice(index, 1);
  ids.splice(index + by, 0, moved);
  const answer = await call('PUT', `${base}/order`, { ids });
  if (answer.status === 200) {
    questions = answer.body.questions;
    draw();
    /** @type {HTMLElement | null} */ (list.querySelector(`[data-id="${CSS.escape(moved)}"] ${by < 0 ? '.wq-up' : '.wq-down'}`))?.focus();
  } else await load();
}

/** @param {WorkQuestion} q @param {string} text */
async function save(q, text) {
  const answer = await call('PATCH', `${base}/${encodeURIComponent(q.id)}`, { question: text });
  if (answer.status === 200) {
    questions = questions.map((x) => (x.id === q.id ? answer.body : x));
    editing = '';
    draw();
  } else {
    showProblem(problem, problemKey(answer));
  }
}

/** @param {WorkQuestion} q */
async function remove(q) {
  if (!window.confirm(i18n().t('questions.item.confirm_delete', { question: q.question }))) return;
  const answer = await call('DELETE', `${base}/${encodeURIComponent(q.id)}`);
  if (answer.status === 204 || answer.status === 404) {
    questions = questions.filter((x) => x.id !== q.id);
    draw();
  }
}

// -- the form --------------------------------------------------------------------------------------------------

function kind() {
  return /** @type {HTMLInputElement | null} */ (form.querySelector('input[name="kind"]:checked'))?.value || 'heatmap';
}

function showParts() {
  const chosen = kind();
  for (const part of form.querySelectorAll('.wq-part')) {
    /** @type {HTMLElement} */ (part).hidden = !(/** @type {HTMLElement} */ (part).dataset.kind || '').split(' ').includes(chosen);
  }
}

/** @param {HTMLSelectElement} select @param {{value: string, text: string}[]} options */
function fill(select, options) {
  const was = select.value;
  select.replaceChildren(...options.map((o) => el('option', { value: o.value, text: o.text, dir: 'auto' })));
  if (options.some((o) => o.value === was)) select.value = was;
}

function fillChoices() {
  const { t, lang } = i18n();
  const label = (/** @type {any} */ e) => e.labels?.[lang] || e.labels?.fr || e.id;
  const byLabel = (/** @type {any} */ a, /** @type {any} */ b) => label(a).localeCompare(label(b), lang);
  fill(field('wq-activity'), [...catalogue.activities].sort(byLabel).map((a) => ({ value: a.id, text: label(a) })));
  fill(field('wq-service'), [...catalogue.touchpoints].sort(byLabel).map((s) => ({ value: s.id, text: label(s) })));
  fill(field('wq-idea'), ideas.map((i) => {
    const words = (i.text || '').trim() || (i.label ? i.label[lang] || i.label.fr : '');
    const facts = [i.neighbourhood?.name || t('questions.territory'), typeof i.votes === 'number' ? t('questions.votes', { n: i.votes }) : null];
    return { value: `${i.board}/${i.item}`, text: `${words} (${facts.filter(Boolean).join(' · ')})` };
  }));
  /** @type {HTMLElement} */ (document.getElementById('wq-no-ideas')).hidden = ideas.length > 0;
}

form.addEventListener('change', (e) => {
  if (/** @type {HTMLInputElement} */ (e.target).name === 'kind') showParts();
});

form.addEventListener('submit', async (e) => {
  e.preventDefault();
  clearProblem(problem);
  const chosen = kind();
  /** @type {Record<string, any>} */
  let finding;
  if (chosen === 'idea') {
    const [board, item] = field('wq-idea').value.split('/');
    if (!board || !item) { showProblem(problem, 'questions.error.unknown_idea'); return; }
    finding = { kind: 'idea', board, item };
  } else {
    const neighbourhood = field('wq-neighbourhood').value || null;
    finding = chosen === 'heatmap'
      ? { kind: 'heatmap', activity: field('wq-activity').value, severity: field('wq-severity').value || null, neighbourhood }
      : { kind: 'service', service: field('wq-service').value, neighbourhood };
  }
  const note = /** @type {HTMLInputElement} */ (form.elements.namedItem('note')).value.trim();
  if (note) finding.note = note;
  const text = /** @type {HTMLTextAreaElement} */ (form.elements.namedItem('question'));
  const answer = await call('POST', base, { finding, question: text.value });
  if (answer.status !== 201) {
    showProblem(problem, problemKey(answer));
    return;
  }
  questions = [...questions, answer.body];
  text.value = '';
  /** @type {HTMLInputElement} */ (form.elements.namedItem('note')).value = '';
  draw();
});

document.addEventListener('fresque:lang', () => { fillChoices(); draw(); });

showParts();
load();
(async () => {
  const [pictograms, found] = await Promise.all([call('GET', '/api/pictograms'), call('GET', `/api/studies/${encodeURIComponent(study)}/ideas`)]);
  if (pictograms.status === 200) catalogue = { activities: pictograms.body.activities ?? [], touchpoints: pictograms.body.touchpoints ?? [] };
  if (found.status === 200) ideas = found.body.ideas ?? [];
  fillChoices();
})();

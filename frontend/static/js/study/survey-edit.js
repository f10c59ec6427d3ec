// @ts-check
/**
 * The questionnaire's editor (`/studies/{id}/survey/edit`): add, remove, reorder questions and their answers,
 * labels in French (required), English and Arabic, a catalogue picture per answer, an answer that goes alone.
 * « Enregistrer » sends the whole questionnaire (`PUT /api/studies/{id}/surveys/questionnaire`): the server
 * checks it and stores a new version, or says what is wrong (shown as it says it), or 409 once a response
 * exists (then the form is disabled, as the page already is when it opens after one).
 *
 * Typing changes the questionnaire in memory only; moving, adding and removing redraw the list and put the
 * focus back on the control that did it (or its neighbour), so a keyboard user keeps their place.
 */
import { LANGUAGES } from '../core/i18n.js';
import { call, say } from '../pages/console-api.js';
import { currentI18n } from '../pages/lang.js';
import { readJson } from './survey-common.js';

/** @typedef {import('./survey-common.js').Bootstrap} Bootstrap */
/** @typedef {import('./survey-common.js').Question} Question */
/** @typedef {import('./survey-common.js').Answer} Answer */

const boot = /** @type {Bootstrap} */ (readJson('bootstrap'));
const list = /** @type {HTMLElement} */ (document.getElementById('edit-questions'));
const form = /** @type {HTMLFormElement} */ (document.getElementById('edit-form'));
const fieldset = /** @type {HTMLFieldSetElement} */ (document.getElementById('edit-fieldset'));
const statusLine = document.getElementById('edit-status');
/** @type {{questions: Question[]}} */
const draft = JSON.parse(JSON.stringify(boot.questionnaire));

/** @param {string} prefix */
function freshId(prefix) {
  const bytes = new Uint8Array(4);
  crypto.getRandomValues(bytes);
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * @param {string} tag
 * @param {string} [className]
 * @param {string} [key]  a translation key for its text
 * @param {Record<string, string>} [vars]
 */
function el(tag, className, key, vars) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (key) {
    node.setAttribute('data-i18n', key);
    if (vars) node.setAttribute('data-i18n-vars', JSON.stringify(vars));
    node.textContent = currentI18n().t(key, vars);
  }
  return node;
}

/**
 * @param {string} key
 * @param {string} action  what it does (`data-action`, to find it again after a redraw)
 * @param {() => void} run
 * @param {Record<string, string>} [vars]
 */
function tool(key, action, run, vars) {
  const b = /** @type {HTMLButtonElement} */ (el('button', 'button button-quiet', key, vars));
  b.type = 'button';
  b.dataset.action = action;
  b.addEventListener('click', run);
  return b;
}

/**
 * Three label fields (fr required, en, ar), writing into `labels` as one types.
 * @param {Record<string, string | undefined>} labels
 * @param {string} idBase
 * @param {string} context  what they label, for the accessible name (« Question 3 »)
 */
function labelFields(labels, idBase, context) {
  const row = el('div', 'edit-row');
  for (const lang of LANGUAGES) {
    const label = document.createElement('label');
    label.htmlFor = `${idBase}-${lang}`;
    const words = el('span', '', `survey.edit.label.${lang}`);
    const hidden = el('span', 'visually-hidden');
    hidden.textContent = ` (${context})`;
    const field = /** @type {HTMLInputElement} */ (el('input', 'input'));
    field.id = `${idBase}-${lang}`;
    field.lang = lang;
    field.dir = lang === 'ar' ? 'rtl' : 'ltr';
    field.maxLength = 200;
    field.required = lang === 'fr';
    field.value = labels[lang] || '';
    field.addEventListener('input', () => {
      if (field.value.trim()) labels[lang] = field.value;
      else delete labels[lang];
    });
    label.append(words, hidden, field);
    row.append(label);
  }
  return row;
}

/**
 * @template T
 * @param {T[]} items
 * @param {number} from
 * @param {number} to
 */
function move(items, from, to) {
  if (to < 0 || to >= items.length) return;
  const [item] = items.splice(from, 1);
  items.splice(to, 0, item);
}

/**
 * Redraw, then focus the control `[data-focus]` names (or the nearest one left).
 * @param {string} [focus]  a CSS selector
 */
function redraw(focus) {
  list.replaceChildren(...draft.questions.map(drawQuestion));
  if (!focus) return;
  const target = list.querySelector(focus) || document.getElementById('edit-add-question');
  if (target instanceof HTMLElement) target.focus();
}

/**
 * @param {Question} q
 * @param {number} qi
 */
function drawQuestion(q, qi) {
  const item = el('li', 'card edit-question');
  item.dataset.question = q.id;
  const name = currentI18n().t('survey.edit.question', { n: String(qi + 1) });
  const head = el('h2', 'section-title', 'survey.edit.question', { n: String(qi + 1) });
  const id = el('p', 'edit-id', 'survey.edit.id', { id: q.id });
  const kindRow = el('div', 'edit-row');
  const kindLabel = document.createElement('label');
  kindLabel.htmlFor = `edit-${q.id}-kind`;
  const kind = /** @type {HTMLSelectElement} */ (el('select', 'input'));
  kind.id = `edit-${q.id}-kind`;
  for (const k of ['single', 'multiple', 'neighbourhood']) {
    const option = /** @type {HTMLOptionElement} */ (el('option', '', `survey.edit.kind.${k}`));
    option.value = k;
    option.selected = q.kind === k;
    kind.append(option);
  }
  kind.addEventListener('change', () => {
    q.kind = /** @type {Question['kind']} */ (kind.value);
    if (q.kind === 'neighbourhood') delete q.answers;
    else if (!q.answers || !q.answers.length) q.answers = [{ id: freshId('a'), labels: { fr: '' } }];
    if (q.kind !== 'multiple') for (const a of q.answers || []) delete a.exclusive;
    redraw(`#edit-${q.id}-kind`);
  });
  kindLabel.append(el('span', '', 'survey.edit.kind'), kind);
  kindRow.append(kindLabel);
  const tools = el('div', 'edit-tools');
  tools.append(
    tool('survey.edit.up', 'up', () => {
      move(draft.questions, qi, qi - 1);
      redraw(`[data-question="${q.id}"] [data-action="up"]`);
    }),
    tool('survey.edit.down', 'down', () => {
      move(draft.questions, qi, qi + 1);
      redraw(`[data-question="${q.id}"] [data-action="down"]`);
    }),
    tool('survey.edit.remove', 'remove', () => {
      draft.questions.splice(qi, 1);
      const near = draft.questions[Math.min(qi, draft.questions.length - 1)];
      redraw(near ? `[data-question="${near.id}"] [data-action="remove"]` : '#edit-add-question');
    }),
  );
  item.append(head, id, kindRow, labelFields(q.labels, `edit-${q.id}`, name));
  if (q.kind !== 'neighbourhood') item.append(drawAnswers(q, name));
  item.append(tools);
  return item;
}

/**
 * @param {Question} q
 * @param {string} questionName
 */
function drawAnswers(q, questionName) {
  const box = el('div', 'stack');
  const answers = q.answers || (q.answers = []);
  box.append(el('h3', 'field-label', 'survey.edit.answers'));
  const items = el('ol', 'edit-answers');
  answers.forEach((a, ai) => {
    const li = el('li', 'edit-answer');
    li.dataset.answer = a.id;
    const name = `${questionName}, ${currentI18n().t('survey.edit.answer', { n: String(ai + 1) })}`;
    const row = el('div', 'edit-row');
    const pictureLabel = document.createElement('label');
    pictureLabel.htmlFor = `edit-${q.id}-${a.id}-picture`;
    const picture = /** @type {HTMLSelectElement} */ (el('select', 'input'));
    picture.id = pictureLabel.htmlFor;
    const none = /** @type {HTMLOptionElement} */ (el('option', '', 'survey.edit.no_picture'));
    none.value = '';
    picture.append(none);
    for (const choice of boot.picture_choices || []) {
      const option = /** @type {HTMLOptionElement} */ (el('option'));
      option.value = choice.code;
      option.textContent = choice.label;
      option.selected = a.picture === choice.code;
      picture.append(option);
    }
    const preview = /** @type {HTMLImageElement} */ (el('img', 'edit-picture-preview'));
    preview.alt = '';
    const showPreview = () => {
      const found = (boot.picture_choices || []).find((c) => c.code === a.picture);
      preview.hidden = !found;
      if (found) preview.src = found.url;
    };
    showPreview();
    picture.addEventListener('change', () => {
      if (picture.value) a.picture = picture.value;
      else delete a.picture;
      showPreview();
    });
    const hidden = el('span', 'visually-hidden');
    hidden.textContent = ` (${name})`;
    pictureLabel.append(el('span', '', 'survey.edit.picture'), hidden, picture);
    row.append(pictureLabel, preview);
    if (q.kind === 'multiple') {
      const alone = document.createElement('label');
      alone.className = 'entry-consent';
      const box2 = /** @type {HTMLInputElement} */ (el('input'));
      box2.type = 'checkbox';
      box2.checked = a.exclusive === true;
      box2.addEventListener('change', () => {
        if (box2.checked) a.exclusive = true;
        else delete a.exclusive;
      });
      const hidden2 = el('span', 'visually-hidden');
      hidden2.textContent = ` (${name})`;
      alone.append(box2, el('span', '', 'survey.edit.exclusive'), hidden2);
      row.append(alone);
    }
    const tools = el('div', 'edit-tools');
    const at = `[data-question="${q.id}"] [data-answer="${a.id}"]`;
    tools.append(
      tool('survey.edit.up', 'up', () => {
        move(answers, ai, ai - 1);
        redraw(`${at} [data-action="up"]`);
      }),
      tool('survey.edit.down', 'down', () => {
        move(answers, ai, ai + 1);
        redraw(`${at} [data-action="down"]`);
      }),
      tool('survey.edit.remove', 'remove', () => {
        answers.splice(ai, 1);
        redraw(`[data-question="${q.id}"] [data-action="add-answer"]`);
      }),
    );
    li.append(
      el('p', 'edit-id', 'survey.edit.id', { id: a.id }),
      labelFields(a.labels, `edit-${q.id}-${a.id}`, name),
      row,
      tools,
    );
    items.append(li);
  });
  const add = tool('survey.edit.add_answer', 'add-answer', () => {
    const fresh = { id: freshId('a'), labels: { fr: '' } };
    answers.push(fresh);
    redraw(`#edit-${q.id}-${fresh.id}-fr`);
  });
  box.append(items, add);
  return box;
}

document.getElementById('edit-add-question')?.addEventListener('click', () => {
  const fresh = /** @type {Question} */ ({
    id: freshId('q'),
    kind: 'single',
    labels: { fr: '' },
    answers: [{ id: freshId('a'), labels: { fr: '' } }],
  });
  draft.questions.push(fresh);
  redraw(`#edit-${fresh.id}-fr`);
});

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const answer = await call('PUT', `/api/studies/${boot.study.id}/surveys/questionnaire`, draft);
  if (answer.status === 200) {
    boot.version = answer.body.version;
    const version = document.getElementById('edit-version');
    if (version) {
      version.setAttribute('data-i18n-vars', JSON.stringify({ version: String(boot.version) }));
      version.textContent = currentI18n().t('survey.edit.version', { version: String(boot.version) });
    }
    say(statusLine, 'survey.edit.saved', { version: String(boot.version) });
    return;
  }
  if (answer.status === 409) fieldset.disabled = true;
  say(statusLine, 'survey.edit.failed', { message: answer.body?.message || String(answer.status) });
});

document.addEventListener('fresque:lang', () => redraw());
redraw();

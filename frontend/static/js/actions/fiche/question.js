// @ts-check
/**
 * The question de travail the action answers (a study's partners' workshop: `action.question`), chosen among
 * the study's questions (questions.js); hidden when there is no study and nothing chosen.
 */
import { h } from '../../board/dom.js';
import { questionTag } from '../../study/question-words.js';
import { loadQuestions } from '../questions.js';

// -- the question de travail it answers (a study's partners' workshop) ----------------------------------------

/** @param {import('./form.js').Form} form */
export function questionPart(form) {
  const { ctx, t, actionId, action, field, renders, send, refresh, section, editing } = form;
  const select = /** @type {HTMLSelectElement} */ (h('select', { class: 'fiche-input' }));
  const part = section('question', t('questions.fiche.title'), [
    field('question', select, { label: t('questions.fiche.label'), hint: t('questions.fiche.hint'), wide: true }),
  ]);
  part.hidden = true; // shown once the study's questions are known (none: no study, nothing to choose)
  /** @type {import('../../study/question-words.js').WorkQuestion[]} */
  let questions = [];
  const options = () => {
    const current = action()?.question ?? '';
    const known = questions.some((q) => q.id === current);
    select.replaceChildren(
      h('option', { attrs: { value: '' }, text: t('questions.fiche.none') }),
      ...questions.map((q, i) => h('option', { attrs: { value: q.id, dir: 'auto' }, text: `${questionTag(i)} · ${q.question}` })),
      ...(current && !known ? [h('option', { attrs: { value: current }, text: t('questions.fiche.removed') })] : []),
    );
    select.value = current;
  };
  select.addEventListener('change', () => {
    send([{ op: 'action.question', id: actionId, question: select.value || null }], 'question');
  });
  loadQuestions(ctx.workshop.id).then((found) => {
    questions = found;
    part.hidden = !found.length && !action()?.question;
    options();
    refresh();
  });
  let shown = '';
  renders.push(() => {
    const current = action()?.question ?? '';
    if (current === shown || editing(select)) return;
    shown = current;
    options();
  });
  return part;
}

// @ts-check
/**
 * The fiche action of a card on the action fresco: one dialog (a side sheet at full height on phones) with
 * every field of the fiche (backend/fresque/core/fiche.py `Fiche`), the capabilities web and what comes from
 * the residents' workshops. The page imports this module when a fiche is first opened (main.js `openFiche`).
 *
 * This module builds the dialog and wires its parts, each in fiche/:
 *   form.js          one dialog's form: field ids, labels, error boxes, saving one field (pause, blur, change)
 *   rules.js         the core's rules mirrored (limits, codes, the funding rule), the ops a change makes, who may
 *   words.js         months, spans, list labels, euros, a refusal in plain words and the field it belongs to
 *   calendar.js      the lane, the card's dates, the calendar text, the milestones
 *   lists.js         objectives, territory, target groups, partners, indicators; adding to the board's lists
 *   budget.js        the budget and the funding lines, their sums, the over-budget rule
 *   capabilities.js  the capabilities web and its 0–4 buttons per series and axis
 *   sources.js       the residents' solutions the action answers (and the picker to link more)
 *   question.js      the question de travail it answers (in a study)
 *   types.js         the shapes they share
 * A refusal that still comes back is shown next to its field when the page passes `ctx.onReject`.
 */
import { h } from '../board/dom.js';
import { PRIORITIES, STATUSES } from '../core/wire.gen.js';
import { budgetAndFunding } from './fiche/budget.js';
import { calendarSection } from './fiche/calendar.js';
import { capabilitiesPart } from './fiche/capabilities.js';
import { createForm } from './fiche/form.js';
import { indicatorsPart, partnersPart, targetGroupsPart, textList } from './fiche/lists.js';
import { questionPart } from './fiche/question.js';
import { axesUsed, roleOf } from './fiche/rules.js';
import { sourcesPart } from './fiche/sources.js';
import { choiceLabel, fieldOfCode } from './fiche/words.js';

/** @typedef {import('./fiche/types.js').FicheContext} FicheContext */

/** @type {{close: () => void} | null} */
let openOne = null;
let uid = 0;

/**
 * Open the fiche of one action (closing any other fiche open).
 * @param {FicheContext} ctx
 * @param {string} actionId
 * @returns {{dialog: HTMLDialogElement, close: () => void}}
 */
export function openFiche(ctx, actionId) {
  if (openOne) openOne.close();
  const { t } = ctx;
  const fiche = createForm(ctx, actionId, `fiche${++uid}`); // the parts below are built on it
  const { view, action, settings, may, fieldId, renders, dirty, timers, sentFor, errors, showProblem, commit, refresh, section, textField, selectField } = fiche;

  const titleText = h('span', { attrs: { dir: 'auto' } });
  const closeButton = h('button', { class: 'fiche-close', attrs: { type: 'button', 'aria-label': t('actions.fiche.close') }, text: '×' });
  const readOnlyNote = h('p', { class: 'fiche-readonly', hidden: true });
  const goneNote = h('p', { class: 'fiche-gone', text: t('actions.fiche.gone'), hidden: true, attrs: { role: 'alert' } });

  // identity
  const datalist = h('datalist', { attrs: { id: fieldId('axes-used') } });
  renders.push(() => {
    const used = axesUsed(view().actions instanceof Map ? view().actions.values() : view().actions ?? []);
    const key = used.join('\n');
    if (datalist.dataset.key !== key) {
      datalist.dataset.key = key;
      datalist.replaceChildren(...used.map((v) => h('option', { attrs: { value: v } })));
    }
  });

  const identity = section('identity', t('actions.fiche.section.identity'), [
    h('div', { class: 'fiche-grid' }, [
      textField('title', { wide: true }),
      textField('number', { hint: t('actions.fiche.hint.number') }),
      textField('axis', { list: fieldId('axes-used'), hint: t('actions.fiche.hint.axis') }),
      selectField('status', () => STATUSES.map((s) => ({ value: s, label: t(`actions.status.${s}`) }))),
      selectField('priority', () => PRIORITIES.map((p) => ({ value: p, label: t(`actions.priority.${p}`) })), true),
    ]),
    datalist,
  ]);

  const calendar = calendarSection(fiche);

  // findings and objectives
  const objectives = section('objectives', t('actions.fiche.section.objectives'), [
    textField('findings', { multiline: true, hint: t('actions.fiche.hint.findings') }),
    textField('general_objective', { multiline: true }),
    textList(fiche, 'operational_objectives', true),
  ]);

  // people and places
  const people = section('people', t('actions.fiche.section.people'), [targetGroupsPart(fiche), textList(fiche, 'territory', false)]);

  // who carries it
  const carriers = section('carriers', t('actions.fiche.section.carriers'), [
    selectField('lead', () => (settings().organisations ?? []).map((o) => ({ value: o.id, label: choiceLabel('organisation', o, t) })), true),
    partnersPart(fiche),
  ]);

  // means and money
  const money = section('means', t('actions.fiche.section.means'), [
    textField('human_means', { multiline: true }),
    textField('material_means', { multiline: true }),
    ...budgetAndFunding(fiche),
  ]);

  // follow-up
  const followUp = section('follow', t('actions.fiche.section.follow'), [indicatorsPart(fiche), textField('risks', { multiline: true })]);

  const web = capabilitiesPart(fiche);
  const sources = sourcesPart(fiche);
  const question = questionPart(fiche);

  const printLink = h('a', {
    class: 'fiche-print button-like',
    text: t('actions.fiche.print'),
    attrs: { href: `/boards/${encodeURIComponent(ctx.board.id)}/actions/${encodeURIComponent(actionId)}/print`, target: '_blank', rel: 'noopener' },
  });
  const doneButton = h('button', { class: 'fiche-done', attrs: { type: 'button' }, text: t('actions.fiche.done') });

  const form = h('form', { class: 'fiche-form', attrs: { novalidate: true } , on: { submit: (/** @type {Event} */ e) => e.preventDefault() } }, [
    identity, calendar, objectives, people, carriers, money, followUp, web, question, sources,
  ]);
  const dialog = /** @type {HTMLDialogElement} */ (h('dialog', {
    class: 'fiche-dialog',
    attrs: { 'aria-labelledby': fieldId('heading'), 'data-action': actionId },
  }, [
    h('header', { class: 'fiche-head' }, [
      h('h2', { attrs: { id: fieldId('heading') } }, [h('span', { class: 'fiche-kicker', text: t('actions.fiche.heading') }), titleText]),
      closeButton,
    ]),
    readOnlyNote, goneNote,
    form,
    h('footer', { class: 'fiche-foot' }, [printLink, doneButton]),
  ]));

  renders.push(() => {
    const a = action();
    titleText.textContent = a ? (a.fiche.title || t('actions.fiche.untitled')) : '';
    goneNote.hidden = Boolean(a);
    const { fiches } = may();
    const readOnly = !a || !fiches;
    form.toggleAttribute('inert', !a);
    for (const el of form.querySelectorAll('input, textarea, select, button')) {
      const control = /** @type {HTMLInputElement} */ (el);
      if (control.closest('[data-field="positioning"]')) continue; // cards, not fiches
      if (control.dataset.always) continue;
      if (readOnly && !control.disabled) { control.disabled = true; control.dataset.ro = '1'; }
      else if (!readOnly && control.dataset.ro) { control.disabled = false; delete control.dataset.ro; }
    }
    readOnlyNote.hidden = !a || fiches;
    readOnlyNote.textContent = t(roleOf(ctx) === 'observer' ? 'actions.fiche.read_only_observer' : 'actions.fiche.read_only');
  });

  // -- open, follow, close ------------------------------------------------------------------------------------

  const offStore = ctx.store.subscribe(() => refresh());
  const offReject = typeof ctx.onReject === 'function'
    ? ctx.onReject(({ op_id: opId, code }) => {
      const name = sentFor.get(opId);
      if (!name) return false; // not this fiche's: the page says it
      sentFor.delete(opId);
      const target = fieldOfCode(code) ?? name;
      showProblem(errors.has(target) ? target : name, code);
      dirty.delete(name);
      refresh();
      return true; // said next to its field: the page need not say it again
    })
    : null;

  let closed = false;
  function close() {
    if (closed) return;
    closed = true;
    for (const name of [...timers.keys()]) commit(name); // what was being typed is not lost
    offStore();
    if (offReject) offReject();
    document.removeEventListener('fresque:lang', relabel);
    if (dialog.open) dialog.close();
    dialog.remove();
    if (openOne === handle) openOne = null;
  }
  closeButton.addEventListener('click', close);
  doneButton.addEventListener('click', close);
  dialog.addEventListener('close', close);
  dialog.addEventListener('focusout', (e) => {
    // leaving a list's row saves that list
    const target = /** @type {HTMLElement | null} */ (e.target instanceof HTMLElement ? e.target : null);
    const name = target?.closest('[data-field]')?.getAttribute('data-field');
    if (name && dirty.has(name) && !target?.closest('[data-field]')?.contains(/** @type {Node | null} */ (e.relatedTarget))) commit(name);
  });

  // another language chosen while the fiche is open: the same fiche again, in that language
  const relabel = () => {
    if (closed) return;
    const scrolled = form.scrollTop;
    close();
    const again = openFiche(ctx, actionId);
    again.dialog.querySelector('.fiche-form')?.scrollTo({ top: scrolled });
  };
  document.addEventListener('fresque:lang', relabel);

  document.body.append(dialog);
  refresh();
  dialog.showModal();
  const first = /** @type {HTMLInputElement | null} */ (dialog.querySelector('input[name="title"]'));
  // with a mouse and keyboard, straight into the title; on a touch screen no keyboard pops up unasked
  if (first && !first.disabled && window.matchMedia?.('(pointer: fine)').matches) first.focus();
  const handle = { dialog, close };
  openOne = handle;
  return handle;
}

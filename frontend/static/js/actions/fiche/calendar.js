// @ts-check
/**
 * The fiche's place on the fresco and its calendar: the lane (an `action.move`, so the phase's `cards` rule,
 * not the fiche's), the card's dates in words (changed on the timeline, not here), the calendar text and the
 * milestones (`milestone.add` / `milestone.remove`, a month inside the card's span).
 */
import { h } from '../../board/dom.js';
import { newMilestoneId } from '../../core/protocol.js';
import { MAX_MILESTONE_LABEL, badText, chars, formatMonthId, parseMonth } from './rules.js';
import { choiceLabel, monthLabel, spanLabel } from './words.js';

/** @typedef {import('./form.js').Form} Form */

/** The section « Place sur la frise et calendrier ». @param {Form} form */
export function calendarSection(form) {
  const { t, lang, actionId, action, settings, may, fieldId, errorBox, renders, send, refresh, section, textField } = form;
  const lanes = h('div', { class: 'fiche-lanes', attrs: { role: 'radiogroup', 'aria-labelledby': fieldId('lane-label') } });
  const laneBox = h('div', { class: 'fiche-field fiche-wide', dataset: { field: 'positioning' } }, [
    h('p', { class: 'fiche-label', text: t('actions.fiche.field.positioning'), attrs: { id: fieldId('lane-label') } }),
    lanes, errorBox('positioning'),
  ]);
  renders.push(() => {
    const a = action();
    if (!a) return;
    const list = settings().lanes ?? [];
    const key = JSON.stringify([list, may().cards, lang]);
    if (lanes.dataset.key === key) {
      // the same choices: only which one is on (a redraw would take the focus away from a keyboard)
      for (const input of lanes.querySelectorAll('input')) {
        const radio = /** @type {HTMLInputElement} */ (input);
        radio.checked = radio.value === a.lane;
      }
      return;
    }
    lanes.dataset.key = key;
    const name = fieldId('lane');
    lanes.replaceChildren(...list.map((lane) => {
      const input = /** @type {HTMLInputElement} */ (h('input', { attrs: { type: 'radio', name, value: lane.id } }));
      input.checked = lane.id === a.lane;
      input.disabled = !may().cards;
      input.addEventListener('change', () => {
        if (!input.checked) return;
        send([{ op: 'action.move', id: actionId, lane: lane.id }], 'positioning');
        refresh(); // refused here (the step, the lock): back on the card's lane
      });
      return h('label', { class: 'fiche-lane', dataset: { lane: lane.id } }, [input, h('span', { text: choiceLabel('lane', lane, t) })]);
    }));
  });

  const spanText = h('p', { class: 'fiche-span', attrs: { id: fieldId('span') } });
  renders.push(() => {
    const a = action();
    if (a) spanText.textContent = spanLabel(a.start, a.end, t);
  });
  const dates = h('div', { class: 'fiche-field fiche-wide', dataset: { field: 'dates' } }, [
    h('p', { class: 'fiche-label', text: t('actions.fiche.field.dates') }), spanText,
    h('p', { class: 'fiche-hint', text: t('actions.fiche.hint.dates') }),
  ]);

  const milestones = milestonesPart(form);
  const calendar = section('calendar', t('actions.fiche.section.calendar'), [
    laneBox, dates, textField('calendar', { multiline: true, hint: t('actions.fiche.hint.calendar') }), milestones,
  ]);
  return calendar;
}

// -- milestones ---------------------------------------------------------------------------------------

/** @param {Form} form */
function milestonesPart(form) {
  const { t, lang, actionId, action, errorBox, renders, send, refresh, showProblem } = form;
  const list = h('ul', { class: 'fiche-rows fiche-milestones' });
  // the months of the card, in words (a list works the same in every browser, and cannot fall outside)
  const month = /** @type {HTMLSelectElement} */ (h('select', { class: 'fiche-milestone-month-select', attrs: { 'aria-label': t('actions.fiche.milestone_month') } }));
  const label = /** @type {HTMLInputElement} */ (h('input', { attrs: { type: 'text', 'data-max-chars': MAX_MILESTONE_LABEL, dir: 'auto', 'aria-label': t('actions.fiche.milestone_label'), placeholder: t('actions.fiche.milestone_label_placeholder') } }));
  const add = () => {
    const a = action();
    if (!a) return;
    const m = parseMonth(month.value);
    const text = label.value.trim();
    if (m === null) { showProblem('milestones', 'milestone_month_required'); month.focus(); return; }
    if (!text || badText(text) || chars(text) > MAX_MILESTONE_LABEL) { showProblem('milestones', 'label_required'); label.focus(); return; }
    const start = parseMonth(a.start);
    const end = parseMonth(a.end);
    if (start !== null && end !== null && (m < start || m > end)) {
      showProblem('milestones', 'milestone_outside', { span: spanLabel(a.start, a.end, t) });
      return;
    }
    showProblem('milestones', null);
    send([{ op: 'milestone.add', id: actionId, milestone: newMilestoneId(), month: formatMonthId(m), label: text }], 'milestones');
    label.value = '';
    refresh();
  };
  label.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } });
  const box = h('div', { class: 'fiche-field fiche-wide', dataset: { field: 'milestones' } }, [
    h('p', { class: 'fiche-label', text: t('actions.fiche.field.milestones') }), list,
    h('div', { class: 'fiche-row fiche-milestone-add' }, [month, label, h('button', { class: 'fiche-add', attrs: { type: 'button' }, text: t('actions.fiche.add.milestone'), on: { click: add } })]),
    errorBox('milestones'),
  ]);
  renders.push(() => {
    const a = action();
    if (!a) return;
    const span = `${a.start}/${a.end}/${lang}`;
    if (month.dataset.span !== span) {
      month.dataset.span = span;
      const chosen = month.value;
      const first = parseMonth(a.start) ?? 0;
      const last = parseMonth(a.end) ?? first;
      /** @type {HTMLElement[]} */
      const options = [];
      for (let m = first; m <= last && options.length < 240; m++) {
        options.push(h('option', { attrs: { value: formatMonthId(m) }, text: monthLabel(formatMonthId(m), t) }));
      }
      month.replaceChildren(...options);
      const kept = parseMonth(chosen);
      if (kept !== null && kept >= first && kept <= last) month.value = chosen;
    }
    const key = JSON.stringify(a.milestones ?? []);
    if (list.dataset.key === key) return;
    list.dataset.key = key;
    const sorted = [...(a.milestones ?? [])].sort((x, y) => x.month.localeCompare(y.month));
    list.replaceChildren(...sorted.map((ms) => h('li', { class: 'fiche-row fiche-milestone', dataset: { milestone: ms.id } }, [
      h('span', { class: 'fiche-milestone-month', text: monthLabel(ms.month, t) }),
      h('span', { class: 'fiche-milestone-label', text: ms.label, attrs: { dir: 'auto' } }),
      h('button', {
        class: 'fiche-remove', attrs: { type: 'button', 'aria-label': t('actions.fiche.remove_milestone', { label: ms.label }) }, text: t('actions.fiche.remove'),
        on: { click: () => send([{ op: 'milestone.remove', id: actionId, milestone: ms.id }], 'milestones') },
      }),
    ])));
    if (!sorted.length) list.append(h('li', { class: 'fiche-empty', text: t('actions.fiche.no_milestones') }));
  });
  return box;
}

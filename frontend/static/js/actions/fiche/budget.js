// @ts-check
/**
 * The fiche's money: the budget and the funding lines (source, amount, state), with their sums under the
 * lines as the form is typed; secured funding over the budget (the core's `fiche_funding_over_budget`) is said
 * there in plain words and not sent.
 */
import { h } from '../../board/dom.js';
import { FUNDING_STATES, LIST_LIMITS, fundingSummary, parseEuros } from './rules.js';
import { entryRow } from './lists.js';
import { euros } from './words.js';

/**
 * The budget field and the funding list, in that order; `form.summarise` becomes the funding summary's redraw.
 * @param {import('./form.js').Form} form
 * @returns {[HTMLElement, HTMLElement]}
 */
export function budgetAndFunding(form) {
  const { t, lang, action, field, errorBox, readers, renders, dirty, typed, commit, showProblem, editing, rowsShow } = form;
  /** @type {HTMLInputElement | null} */
  let budgetInput = null;
  const fundingSummaryText = h('p', { class: 'fiche-sum' });
  const overText = h('p', { class: 'fiche-error fiche-over-budget', hidden: true, attrs: { role: 'status' } });
  /** @type {() => ({source: string, amount: number, state: string}[] | undefined)} */
  let fundingRowsValue = () => undefined;

  function budgetPart() {
    const input = /** @type {HTMLInputElement} */ (h('input', { attrs: { name: 'budget', type: 'text', inputmode: 'numeric', autocomplete: 'off' } }));
    input.addEventListener('input', () => { typed('budget'); summarise(); });
    input.addEventListener('change', () => commit('budget'));
    readers.set('budget', () => {
      const value = parseEuros(input.value);
      if (Number.isNaN(value)) { showProblem('budget', 'fiche_invalid_budget'); return undefined; }
      return value;
    });
    renders.push(() => {
      const a = action();
      if (!a || dirty.has('budget') || document.activeElement === input) return;
      const text = a.fiche.budget === null || a.fiche.budget === undefined ? '' : String(a.fiche.budget);
      if (parseEuros(input.value) !== a.fiche.budget) input.value = text;
    });
    budgetInput = input;
    return field('budget', input, { hint: t('actions.fiche.hint.budget') });
  }

  /** The funding summary from the form as it is now (so typing shows it at once). */
  function summarise() {
    const a = action();
    if (!a) return;
    const budgetValue = budgetInput ? parseEuros(budgetInput.value) : a.fiche.budget;
    const budget = Number.isNaN(budgetValue) ? a.fiche.budget : budgetValue;
    const lines = fundingRowsValue() ?? a.fiche.funding ?? [];
    const sum = fundingSummary({ budget, funding: lines });
    const vars = { secured: euros(sum.secured, lang, t), requested: euros(sum.requested, lang, t), planned: euros(sum.planned, lang, t), budget: euros(sum.budget ?? 0, lang, t) };
    fundingSummaryText.textContent = sum.budget === null ? t('actions.fiche.funding_sum_no_budget', vars) : t('actions.fiche.funding_sum', vars);
    fundingSummaryText.classList.toggle('fiche-over', sum.over);
    overText.hidden = !sum.over;
    overText.textContent = sum.over ? t('actions.fiche.error.fiche_funding_over_budget', vars) : '';
  }

  function fundingPart() {
    const name = 'funding';
    const rows = h('ul', { class: 'fiche-rows' });
    const box = h('div', { class: 'fiche-field fiche-wide', dataset: { field: name } }, [
      h('p', { class: 'fiche-label', text: t('actions.fiche.field.funding') }), rows,
      h('button', { class: 'fiche-add', attrs: { type: 'button' }, text: t('actions.fiche.add.funding'), on: { click: () => { addRow(null); focusLast(); } } }),
      fundingSummaryText, overText, errorBox(name),
    ]);
    const focusLast = () => /** @type {HTMLElement | null} */ (rows.querySelector('li:last-child input'))?.focus();
    /** @param {{source: string, amount: number, state: string} | null} line */
    function addRow(line) {
      const n = rows.children.length + 1;
      const source = /** @type {HTMLInputElement} */ (h('input', { class: 'fiche-source', attrs: { type: 'text', 'data-max-chars': LIST_LIMITS.funding[1], dir: 'auto', 'aria-label': t('actions.fiche.funding_source', { n }), placeholder: t('actions.fiche.funding_source_placeholder') } }));
      const amount = /** @type {HTMLInputElement} */ (h('input', { class: 'fiche-amount', attrs: { type: 'text', inputmode: 'numeric', 'aria-label': t('actions.fiche.funding_amount', { n }), placeholder: t('actions.fiche.funding_amount_placeholder') } }));
      const state = /** @type {HTMLSelectElement} */ (h('select', { class: 'fiche-state', attrs: { 'aria-label': t('actions.fiche.funding_state', { n }) } },
        FUNDING_STATES.map((s) => h('option', { attrs: { value: s }, text: t(`actions.funding.${s}`) }))));
      source.value = line?.source ?? '';
      amount.value = line ? String(line.amount) : '';
      state.value = line?.state ?? 'planned';
      for (const el of [source, amount]) {
        el.addEventListener('input', () => { typed(name); summarise(); });
        el.addEventListener('change', () => commit(name));
      }
      state.addEventListener('change', () => { summarise(); commit(name); });
      rows.append(entryRow(t, 'fiche-row fiche-funding', [source, amount, state], n, () => { summarise(); commit(name); }));
    }
    fundingRowsValue = () => {
      const list = [];
      for (const li of rows.children) {
        const source = /** @type {HTMLInputElement} */ (li.querySelector('.fiche-source')).value.trim();
        const amountText = /** @type {HTMLInputElement} */ (li.querySelector('.fiche-amount')).value;
        const state = /** @type {HTMLSelectElement} */ (li.querySelector('.fiche-state')).value;
        if (!source && !amountText.trim()) continue; // an empty row is not a line yet
        const amount = parseEuros(amountText);
        if (!source || amount === null || Number.isNaN(amount)) return undefined;
        list.push({ source, amount, state });
      }
      return list;
    };
    readers.set(name, () => {
      const list = fundingRowsValue();
      if (list === undefined) showProblem(name, 'funding_line_incomplete');
      return list;
    });
    let drawn = '';
    renders.push(() => {
      const a = action();
      if (!a) return;
      if (!dirty.has(name) && !editing(rows)) {
        const key = JSON.stringify(a.fiche.funding ?? []);
        if (key !== drawn && rowsShow(name, a.fiche.funding)) drawn = key;
        if (key !== drawn) {
          drawn = key;
          rows.replaceChildren();
          for (const line of a.fiche.funding ?? []) addRow(line);
        }
      }
      summarise();
    });
    return box;
  }

  form.summarise = summarise;
  return [budgetPart(), fundingPart()];
}

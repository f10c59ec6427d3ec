// @ts-check
/**
 * The fiche's lists of rows: texts (operational objectives, territory), target groups (checkboxes), partners
 * (an organisation and its role), indicators; and the « Ajouter un public / une structure » adders that add an
 * entry to the board's own lists. A list is sent whole (one `action.update`) when a row changes or leaves;
 * its rows are not redrawn while one is being typed in (form.js `rowsShow`).
 */
import { h } from '../../board/dom.js';
import { INDICATOR_KINDS, INDICATOR_SOURCE, INDICATOR_TARGET, LIST_LIMITS, MAX_CHOICE_LABEL, listAddOp } from './rules.js';
import { choiceLabel } from './words.js';

/** @typedef {import('./form.js').Form} Form */

/**
 * One numbered entry of a list field: its cells, then a « Retirer » button that takes the row out and runs
 * `removed` (the list is then sent whole). One shape for every list of the fiche (texts, partners,
 * indicators, funding lines).
 * @param {Form['t']} t @param {string} cls @param {Node[]} cells @param {number} n @param {() => void} removed
 */
export function entryRow(t, cls, cells, n, removed) {
  const li = h('li', { class: cls }, [...cells, h('button', {
    class: 'fiche-remove', attrs: { type: 'button', 'aria-label': t('actions.fiche.remove_entry', { n }) }, text: t('actions.fiche.remove'),
    on: { click: () => { li.remove(); removed(); } },
  })]);
  return li;
}

// -- lists of texts (objectives, territory) ------------------------------------------------------------

/** @param {Form} form @param {'operational_objectives' | 'territory'} name @param {boolean} multiline */
export function textList(form, name, multiline) {
  const { t, action, fieldId, errorBox, readers, renders, dirty, typed, commit, editing, rowsShow } = form;
  const max = LIST_LIMITS[name][1];
  const rows = h('ul', { class: 'fiche-rows', attrs: { id: fieldId(name) } });
  const box = h('div', { class: 'fiche-field fiche-wide', dataset: { field: name } }, [
    h('p', { class: 'fiche-label', text: t(`actions.fiche.field.${name}`), attrs: { id: fieldId(`${name}-label`) } }),
    rows,
    h('button', { class: 'fiche-add', attrs: { type: 'button' }, text: t(`actions.fiche.add.${name}`), on: { click: () => { addRow(''); focusLast(); } } }),
    errorBox(name),
  ]);
  rows.setAttribute('aria-describedby', fieldId(`${name}-error`));
  const focusLast = () => /** @type {HTMLElement | null} */ (rows.querySelector('li:last-child input, li:last-child textarea'))?.focus();
  /** @param {string} value */
  function addRow(value) {
    const n = rows.children.length + 1;
    const input = /** @type {HTMLInputElement} */ (h(multiline ? 'textarea' : 'input', {
      attrs: { type: multiline ? null : 'text', rows: multiline ? 2 : null, 'data-max-chars': max, dir: 'auto', 'aria-label': t(`actions.fiche.entry.${name}`, { n }) },
    }));
    input.value = value;
    input.addEventListener('input', () => typed(name));
    input.addEventListener('change', () => commit(name));
    rows.append(entryRow(t, 'fiche-row', [input], n, () => commit(name)));
  }
  readers.set(name, () => [...rows.querySelectorAll('input, textarea')].map((i) => /** @type {HTMLInputElement} */ (i).value.trim()).filter(Boolean));
  let drawn = '';
  renders.push(() => {
    const a = action();
    if (!a || dirty.has(name) || editing(rows)) return;
    const key = JSON.stringify(a.fiche[name] ?? []);
    if (key === drawn && rows.children.length === (a.fiche[name] ?? []).length) return;
    drawn = key;
    if (rowsShow(name, a.fiche[name])) return;
    rows.replaceChildren();
    for (const value of a.fiche[name] ?? []) addRow(value);
  });
  return box;
}

// -- target groups -----------------------------------------------------------------------------------

/** @param {Form} form */
export function targetGroupsPart(form) {
  const { t, action, settings, fieldId, errorBox, readers, renders, commit } = form;
  const boxes = h('div', { class: 'fiche-checks' });
  const fieldset = h('fieldset', { class: 'fiche-field fiche-wide', dataset: { field: 'target_groups' } }, [
    h('legend', { text: t('actions.fiche.field.target_groups') }), boxes,
    adder(form, 'target_groups', t('actions.fiche.add.target_group'), t('actions.fiche.new.target_group')),
    errorBox('target_groups'),
  ]);
  readers.set('target_groups', () => [...boxes.querySelectorAll('input:checked')].map((i) => /** @type {HTMLInputElement} */ (i).value));
  renders.push(() => {
    const a = action();
    if (!a) return;
    const groups = settings().target_groups ?? [];
    const key = JSON.stringify(groups);
    if (boxes.dataset.key !== key) {
      boxes.dataset.key = key;
      boxes.replaceChildren(...groups.map((g) => {
        const input = /** @type {HTMLInputElement} */ (h('input', { attrs: { type: 'checkbox', value: g.id, name: fieldId('tg') } }));
        input.addEventListener('change', () => commit('target_groups'));
        return h('label', { class: 'fiche-check' }, [input, h('span', { text: choiceLabel('target_group', g, t), attrs: { dir: 'auto' } })]);
      }));
    }
    const chosen = new Set(a.fiche.target_groups ?? []);
    for (const input of boxes.querySelectorAll('input')) {
      const box = /** @type {HTMLInputElement} */ (input);
      if (document.activeElement !== box) box.checked = chosen.has(box.value);
    }
  });
  return fieldset;
}

/**
 * « Ajouter un public » / « Ajouter une structure »: a text and a button that send `list.add` (plus, for a
 * target group, the fiche's new list in the same batch).
 * @param {Form} form @param {'target_groups' | 'organisations'} list @param {string} buttonText @param {string} labelText
 */
function adder(form, list, buttonText, labelText) {
  const { t, action, settings, actionId, send, refresh } = form;
  const input = /** @type {HTMLInputElement} */ (h('input', { attrs: { type: 'text', 'data-max-chars': MAX_CHOICE_LABEL, dir: 'auto', 'aria-label': labelText, placeholder: labelText } }));
  const problem = h('p', { class: 'fiche-error', hidden: true, attrs: { 'aria-live': 'polite' } });
  const add = () => {
    const made = listAddOp(list, input.value, settings());
    if (!made) {
      problem.textContent = t('actions.fiche.error.label_required');
      problem.hidden = false;
      return;
    }
    problem.hidden = true;
    /** @type {object[]} */
    const ops = [made.op];
    const a = action();
    if (a && list === 'target_groups') ops.push({ op: 'action.update', id: actionId, set: { target_groups: [...(a.fiche.target_groups ?? []), made.id] } });
    send(ops, list === 'target_groups' ? 'target_groups' : 'partners');
    input.value = '';
    refresh();
  };
  input.addEventListener('keydown', (e) => { if (e.key === 'Enter') { e.preventDefault(); add(); } });
  return h('div', { class: 'fiche-adder', dataset: { list } }, [
    input, h('button', { class: 'fiche-add', attrs: { type: 'button' }, text: buttonText, on: { click: add } }), problem,
  ]);
}

// -- partners --------------------------------------------------------------------------------------------

/** @param {Form} form */
export function partnersPart(form) {
  const { t, action, settings, errorBox, readers, renders, dirty, typed, commit, showProblem, editing, rowsShow } = form;
  const name = 'partners';
  const rows = h('ul', { class: 'fiche-rows' });
  const box = h('div', { class: 'fiche-field fiche-wide', dataset: { field: name } }, [
    h('p', { class: 'fiche-label', text: t('actions.fiche.field.partners') }), rows,
    h('div', { class: 'fiche-buttons' }, [
      h('button', { class: 'fiche-add', attrs: { type: 'button' }, text: t('actions.fiche.add.partner'), on: { click: () => { addRow(null); focusLast(); } } }),
    ]),
    adder(form, 'organisations', t('actions.fiche.add.organisation'), t('actions.fiche.new.organisation')),
    errorBox(name),
  ]);
  const focusLast = () => /** @type {HTMLElement | null} */ (rows.querySelector('li:last-child select'))?.focus();
  const orgOptions = () => [
    h('option', { attrs: { value: '' }, text: t('actions.fiche.choose_organisation') }),
    ...(settings().organisations ?? []).map((o) => h('option', { attrs: { value: o.id }, text: choiceLabel('organisation', o, t) })),
  ];
  /** @param {{organisation: string, role: string} | null} partner */
  function addRow(partner) {
    const n = rows.children.length + 1;
    const select = /** @type {HTMLSelectElement} */ (h('select', { attrs: { 'aria-label': t('actions.fiche.partner_organisation', { n }) } }, orgOptions()));
    select.value = partner?.organisation ?? '';
    const role = /** @type {HTMLInputElement} */ (h('input', { attrs: { type: 'text', 'data-max-chars': LIST_LIMITS.partners[1], dir: 'auto', 'aria-label': t('actions.fiche.partner_role', { n }), placeholder: t('actions.fiche.partner_role_placeholder') } }));
    role.value = partner?.role ?? '';
    select.addEventListener('change', () => commit(name));
    role.addEventListener('input', () => typed(name));
    role.addEventListener('change', () => commit(name));
    rows.append(entryRow(t, 'fiche-row fiche-partner', [select, role], n, () => commit(name)));
  }
  readers.set(name, () => {
    const list = [];
    for (const li of rows.children) {
      const select = /** @type {HTMLSelectElement} */ (li.querySelector('select'));
      const role = /** @type {HTMLInputElement} */ (li.querySelector('input')).value.trim();
      if (select.value) list.push({ organisation: select.value, role });
      else if (role) { showProblem(name, 'partner_without_organisation'); return undefined; }
    }
    return list;
  });
  let drawn = '';
  renders.push(() => {
    const a = action();
    if (!a || dirty.has(name) || editing(rows)) return;
    const key = JSON.stringify([a.fiche.partners ?? [], settings().organisations]);
    if (key === drawn) return;
    const orgsChanged = drawn && JSON.parse(drawn)[1] && JSON.stringify(JSON.parse(drawn)[1]) !== JSON.stringify(settings().organisations);
    drawn = key;
    if (!orgsChanged && rowsShow(name, a.fiche.partners)) return;
    rows.replaceChildren();
    for (const p of a.fiche.partners ?? []) addRow(p);
  });
  return box;
}

// -- indicators -----------------------------------------------------------------------------------------

/** @param {Form} form */
export function indicatorsPart(form) {
  const { t, action, errorBox, readers, renders, dirty, typed, commit, showProblem, editing, rowsShow } = form;
  const name = 'indicators';
  const rows = h('ul', { class: 'fiche-rows' });
  const box = h('div', { class: 'fiche-field fiche-wide', dataset: { field: name } }, [
    h('p', { class: 'fiche-label', text: t('actions.fiche.field.indicators') }),
    h('p', { class: 'fiche-hint', text: t('actions.fiche.hint.indicators') }), rows,
    h('button', { class: 'fiche-add', attrs: { type: 'button' }, text: t('actions.fiche.add.indicator'), on: { click: () => { addRow(null); focusLast(); } } }),
    errorBox(name),
  ]);
  const focusLast = () => /** @type {HTMLElement | null} */ (rows.querySelector('li:last-child .fiche-ind-label'))?.focus();
  /** @param {{kind: string, label: string, target: string, source: string} | null} ind */
  function addRow(ind) {
    const n = rows.children.length + 1;
    const kind = /** @type {HTMLSelectElement} */ (h('select', { class: 'fiche-ind-kind', attrs: { 'aria-label': t('actions.fiche.indicator_kind', { n }) } },
      INDICATOR_KINDS.map((k) => h('option', { attrs: { value: k }, text: t(`actions.indicator.${k}`) }))));
    const input = (/** @type {string} */ cls, /** @type {string} */ key, /** @type {number} */ max) => /** @type {HTMLInputElement} */ (h('input', {
      class: cls, attrs: { type: 'text', 'data-max-chars': max, dir: 'auto', 'aria-label': t(`actions.fiche.indicator_${key}`, { n }), placeholder: t(`actions.fiche.indicator_${key}_placeholder`) },
    }));
    const label = input('fiche-ind-label', 'label', LIST_LIMITS.indicators[1]);
    const target = input('fiche-ind-target', 'target', INDICATOR_TARGET);
    const source = input('fiche-ind-source', 'source', INDICATOR_SOURCE);
    kind.value = ind?.kind ?? 'output';
    label.value = ind?.label ?? '';
    target.value = ind?.target ?? '';
    source.value = ind?.source ?? '';
    kind.addEventListener('change', () => commit(name));
    for (const el of [label, target, source]) {
      el.addEventListener('input', () => typed(name));
      el.addEventListener('change', () => commit(name));
    }
    rows.append(entryRow(t, 'fiche-row fiche-indicator', [kind, label, target, source], n, () => commit(name)));
  }
  readers.set(name, () => {
    const list = [];
    for (const li of rows.children) {
      const get = (/** @type {string} */ cls) => /** @type {HTMLInputElement} */ (li.querySelector(cls)).value.trim();
      const entry = { kind: get('.fiche-ind-kind'), label: get('.fiche-ind-label'), target: get('.fiche-ind-target'), source: get('.fiche-ind-source') };
      if (!entry.label && !entry.target && !entry.source) continue;
      if (!entry.label) { showProblem(name, 'indicator_without_label'); return undefined; }
      list.push(entry);
    }
    return list;
  });
  let drawn = '';
  renders.push(() => {
    const a = action();
    if (!a || dirty.has(name) || editing(rows)) return;
    const key = JSON.stringify(a.fiche.indicators ?? []);
    if (key === drawn) return;
    drawn = key;
    if (rowsShow(name, a.fiche.indicators)) return;
    rows.replaceChildren();
    for (const ind of a.fiche.indicators ?? []) addRow(ind);
  });
  return box;
}

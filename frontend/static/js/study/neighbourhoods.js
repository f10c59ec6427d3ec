// @ts-check
/**
 * The list of a study's neighbourhoods in a form (a new study's, the dashboard's editor): rows made from
 * the `<template id="neighbourhood-row">`, each with a name, an optional QPV code and a remove button.
 * A row of an existing neighbourhood keeps its id (`data-id`), so the server renames it rather than
 * making a new one (`PUT /api/studies/{id}/neighbourhoods`).
 */
import { currentI18n } from '../pages/lang.js';

let made = 0;

/**
 * @param {HTMLOListElement} list
 * @param {HTMLTemplateElement} template
 * @param {{id?: string, name?: string, qpv_code?: string | null}} [value]
 */
export function addRow(list, template, value = {}) {
  const fragment = /** @type {DocumentFragment} */ (template.content.cloneNode(true));
  const row = /** @type {HTMLLIElement} */ (fragment.querySelector('li'));
  made += 1;
  for (const input of row.querySelectorAll('input')) {
    const id = `neighbourhood-${made}-${input.name}`;
    input.id = id;
    input.closest('.field')?.querySelector('label')?.setAttribute('for', id);
  }
  if (value.id) row.dataset.id = value.id;
  const name = /** @type {HTMLInputElement} */ (row.querySelector('input[name="name"]'));
  const qpv = /** @type {HTMLInputElement} */ (row.querySelector('input[name="qpv_code"]'));
  name.value = value.name || '';
  qpv.value = value.qpv_code || '';
  row.querySelector('.neighbourhood-remove')?.addEventListener('click', () => {
    const next = row.nextElementSibling || row.previousElementSibling;
    row.remove();
    /** @type {HTMLElement | null} */ (next?.querySelector('input') || null)?.focus();
  });
  // the template's labels were rendered in the page's first language: follow the current one
  const { t } = currentI18n();
  for (const el of row.querySelectorAll('[data-i18n]')) el.textContent = t(el.getAttribute('data-i18n') || '');
  const remove = row.querySelector('.neighbourhood-remove');
  remove?.setAttribute('aria-label', t('study.neighbourhood.remove'));
  list.append(row);
  return row;
}

/**
 * The rows' values, blank rows left out.
 * @param {HTMLOListElement} list
 * @returns {{id?: string, name: string, qpv_code?: string}[]}
 */
export function rowsOf(list) {
  /** @type {{id?: string, name: string, qpv_code?: string}[]} */
  const out = [];
  for (const row of list.querySelectorAll('li')) {
    const name = /** @type {HTMLInputElement} */ (row.querySelector('input[name="name"]')).value.trim();
    const qpv = /** @type {HTMLInputElement} */ (row.querySelector('input[name="qpv_code"]')).value.trim();
    if (!name) continue;
    /** @type {{id?: string, name: string, qpv_code?: string}} */
    const entry = { name };
    if (row instanceof HTMLElement && row.dataset.id) entry.id = row.dataset.id;
    if (qpv) entry.qpv_code = qpv;
    out.push(entry);
  }
  return out;
}

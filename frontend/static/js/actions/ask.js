// @ts-check
/**
 * The action fresco's two small questions, in one modal <dialog> (it keeps the focus, closes with Escape):
 * a short text (a new action's title) and a yes / no (delete this action?). Each resolves to the answer, or
 * null / false when closed.
 */
import { checkText, normalizeText } from '../core/protocol.js';
import '../core/textlimit.js'; // fields with data-max-chars count characters as the server does
import { h } from '../board/dom.js';

export class Ask {
  /**
   * @param {HTMLDialogElement} dialog
   * @param {() => {t: (key: string, vars?: any) => string}} i18n
   */
  constructor(dialog, i18n) {
    this.dialog = dialog;
    this.i18n = i18n;
    /** @type {((value: any) => void) | null} */
    this.resolve = null;
    dialog.addEventListener('close', () => { if (!dialog.open) this.finish(null); });
  }

  /** @param {any} value */
  finish(value) {
    const resolve = this.resolve;
    this.resolve = null;
    if (this.dialog.open) this.dialog.close();
    resolve?.(value);
  }

  /** @param {string} title @param {HTMLElement[]} body @returns {Promise<any>} */
  open(title, body) {
    this.finish(null);
    this.dialog.replaceChildren(h('h2', { class: 'ask-title', text: title, attrs: { id: 'ask-title' } }), ...body);
    this.dialog.setAttribute('aria-labelledby', 'ask-title');
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.dialog.showModal();
      /** @type {HTMLElement | null} */ (this.dialog.querySelector('input, [data-default]'))?.focus();
    });
  }

  /**
   * @param {string} title @param {string} label the field's label @param {string} okLabel @param {number} max
   * @returns {Promise<string | null>}
   */
  text(title, label, okLabel, max = 200) {
    const { t } = this.i18n();
    const input = /** @type {HTMLInputElement} */ (h('input', {
      class: 'ask-input', attrs: { id: 'ask-input', type: 'text', 'data-max-chars': String(max), autocomplete: 'off', dir: 'auto', required: true },
    }));
    const error = h('p', { class: 'ask-error', attrs: { role: 'alert' } });
    const form = h('form', { class: 'ask-form', attrs: { method: 'dialog' } }, [
      h('label', { class: 'ask-label', text: label, attrs: { for: 'ask-input' } }),
      input,
      error,
      h('div', { class: 'ask-buttons' }, [
        h('button', { class: 'button button-primary', text: okLabel, attrs: { type: 'submit' } }),
        h('button', { class: 'button button-quiet', text: t('actions.cancel'), attrs: { type: 'button' }, on: { click: () => this.finish(null) } }),
      ]),
    ]);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = normalizeText(input.value).trim();
      if (!value) { error.textContent = t('actions.title_required'); input.focus(); return; }
      if (checkText(value, max)) { error.textContent = t('actions.title_too_long'); input.focus(); return; }
      this.finish(value);
    });
    return this.open(title, [form]);
  }

  /** @param {string} title @param {string} okLabel @returns {Promise<boolean>} */
  async confirm(title, okLabel) {
    const { t } = this.i18n();
    const answer = await this.open(title, [
      h('div', { class: 'ask-buttons' }, [
        h('button', { class: 'button ask-danger', text: okLabel, attrs: { type: 'button' }, on: { click: () => this.finish(true) } }),
        h('button', { class: 'button button-quiet', text: t('actions.cancel'), attrs: { type: 'button', 'data-default': '' }, on: { click: () => this.finish(false) } }),
      ]),
    ]);
    return answer === true;
  }
}

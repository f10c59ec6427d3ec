// @ts-check
/**
 * The board's chrome: the status line (connection, changes waiting), who is here, the item action bar that
 * replaces the palette while something is selected, and short messages (toasts).
 */
import { countOf } from '../core/i18n.js';
import { h, picture } from './dom.js';

/**
 * @param {HTMLElement} el
 * @param {import('./connection.js').Status} status
 * @param {number} waiting changes not yet acknowledged by the server
 * @param {{t: import('../core/i18n.js').Translate, lang: string}} i18n
 */
export function showStatus(el, status, waiting, { t, lang }) {
  let key = `board.status.${status}`;
  if (status === 'connected' && waiting > 0) key = 'board.status.sending';
  el.dataset.status = status === 'connected' && waiting > 0 ? 'sending' : status;
  const parts = [h('span', { class: 'status-dot', attrs: { 'aria-hidden': 'true' } }), h('span', { text: t(key) })];
  if (waiting > 0 && status !== 'connected') {
    parts.push(h('span', { class: 'status-waiting', text: countOf(t, 'board.status.waiting', waiting, lang) }));
  }
  el.replaceChildren(...parts);
}

/**
 * @param {HTMLElement} el
 * @param {{participant: string, alias: string, connections: number}[]} list
 * @param {(id: string) => {alias: string, colour: string | null}} person
 * @param {string} me
 * @param {{t: import('../core/i18n.js').Translate, lang: string}} i18n
 */
export function showPresence(el, list, person, me, { t, lang }) {
  el.setAttribute('aria-label', countOf(t, 'board.here', list.length, lang));
  el.replaceChildren(
    ...list.map((p) => {
      const chip = h('li', { class: `person${p.participant === me ? ' me' : ''}` }, [
        h('span', { class: 'avatar', text: [...p.alias][0]?.toUpperCase() ?? '?', attrs: { 'aria-hidden': 'true' } }),
        h('span', { class: 'alias', text: p.alias, attrs: { dir: 'auto' } }),
      ]);
      chip.style.setProperty('--author', person(p.participant).colour ?? 'var(--ink-soft)');
      return chip;
    }),
  );
}

/**
 * A button with a picture and a short label (pictures first: many residents read little).
 * @param {string} icon picture URL
 * @param {string} label
 * @param {() => void} onClick
 * @param {string} [cls]
 */
export function bigButton(icon, label, onClick, cls = '') {
  return h('button', { class: `action ${cls}`.trim(), attrs: { type: 'button' }, on: { click: onClick } }, [
    icon ? picture(icon) : null,
    h('span', { text: label }),
  ]);
}

export class Toasts {
  /** @param {HTMLElement} root an aria-live region */
  constructor(root) {
    this.root = root;
  }

  /**
   * @param {string} text
   * @param {{label: string, run: () => void}} [action]
   */
  show(text, action) {
    const toast = h('div', { class: 'toast' }, [h('span', { text })]);
    if (action) {
      toast.append(h('button', {
        class: 'toast-action',
        attrs: { type: 'button' },
        on: { click: () => { action.run(); toast.remove(); } },
      }, [action.label]));
    }
    this.root.append(toast);
    while (this.root.children.length > 3) this.root.firstElementChild?.remove();
    setTimeout(() => toast.remove(), action ? 8000 : 5000);
  }
}

/**
 * This page is cut off for good (connection.js finalStatus): say why, plainly, over the board; the rest of
 * the page takes no touch and no keyboard focus any more (`inert`), the way home takes the focus.
 * @param {HTMLElement} el the page's #ended
 * @param {'removed' | 'erased'} why
 */
export function showEnded(el, why) {
  for (const text of el.querySelectorAll('[data-ended]')) {
    if (text instanceof HTMLElement) text.hidden = text.dataset.ended !== why;
  }
  for (const other of [...(el.parentElement?.children ?? []), document.querySelector('.app-header')]) {
    if (other instanceof HTMLElement && other !== el && other.tagName !== 'SCRIPT') other.inert = true;
  }
  el.hidden = false;
  el.querySelector('a')?.focus();
}

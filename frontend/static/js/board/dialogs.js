// @ts-check
/**
 * The choosing sheets: pick a picture from a list, pick a severity by its face, write a short text.
 * One <dialog> element (modal: it keeps the focus inside and closes with Escape); each question resolves
 * to the answer, or null when the resident closes it.
 */
import { checkText, MAX_TEXT, SEVERITIES } from '../core/protocol.js';
import '../core/textlimit.js'; // fields with data-max-chars count characters as the server does
import { countOf } from '../core/i18n.js';
import { splitAnswers } from './answers.js';
import { h, picture } from './dom.js';
import { canSpeak, speak } from './speech.js';

export class Sheet {
  /**
   * @param {object} o
   * @param {HTMLDialogElement} o.dialog
   * @param {import('./catalogue.js').Catalogue} o.catalogue
   * @param {() => {t: import('../core/i18n.js').Translate, lang: string}} o.i18n
   */
  constructor({ dialog, catalogue, i18n }) {
    this.dialog = dialog;
    this.catalogue = catalogue;
    this.i18n = i18n;
    /** @type {((value: any) => void) | null} */
    this.resolve = null;
    // Escape or the backdrop closed it. The event comes late: when one question follows another, the next
    // one is already open by then, and must not be answered "null" by the first one's close.
    dialog.addEventListener('close', () => {
      if (!dialog.open) this.finish(null);
    });
  }

  /** @param {any} value */
  finish(value) {
    const resolve = this.resolve;
    this.resolve = null;
    if (this.dialog.open) this.dialog.close();
    if (resolve) resolve(value);
  }

  /**
   * @param {string} title
   * @param {(HTMLElement | null)[]} body
   * @returns {Promise<any>}
   */
  ask(title, body) {
    const { t, lang } = this.i18n();
    this.finish(null);
    const heading = h('h2', { class: 'sheet-title', text: title, attrs: { id: 'sheet-title' } });
    const say = canSpeak(lang)
      ? h('button', {
          class: 'speak',
          attrs: { type: 'button', 'aria-label': t('board.read_aloud', { label: title }) },
          on: { click: () => speak(title, lang) },
        }, [picture(this.catalogue.icon('speak'))])
      : null;
    const close = h('button', {
      class: 'sheet-close',
      attrs: { type: 'button', 'aria-label': t('board.close') },
      on: { click: () => this.finish(null) },
    }, [picture(this.catalogue.icon('close'))]);
    this.dialog.setAttribute('aria-labelledby', 'sheet-title');
    this.dialog.replaceChildren(h('div', { class: 'sheet-head' }, [heading, say, close]), ...body.filter((b) => b !== null));
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.dialog.showModal();
    });
  }

  /**
   * A grid of catalogue pictures; with `allowText`, a last choice "my own idea" asks for a text instead.
   * @param {string} title
   * @param {import('./catalogue.js').Entry[]} entries
   * @param {{allowText?: boolean}} [options]
   * @returns {Promise<{ref: string} | {text: string} | null>}
   */
  async chooseEntry(title, entries, { allowText = false } = {}) {
    const { t, lang } = this.i18n();
    const grid = h('div', { class: 'choices' }, entries.map((entry) => {
      const label = this.catalogue.label(entry, lang);
      return h('button', {
        class: 'choice',
        attrs: { type: 'button' },
        dataset: { ref: entry.id },
        on: { click: () => this.finish({ ref: entry.id }) },
      }, [picture(entry.picture_url), h('span', { text: label })]);
    }));
    if (allowText) {
      grid.append(h('button', {
        class: 'choice own-idea',
        attrs: { type: 'button' },
        on: { click: () => this.finish({ own: true }) },
      }, [picture(this.catalogue.icon('edit')), h('span', { text: t('board.own_idea') })]));
    }
    const answer = await this.ask(title, [grid]);
    if (answer && answer.own) {
      const text = await this.askText(t('board.own_idea'), '', true);
      return text === null ? null : { text };
    }
    return answer;
  }

  /**
   * The actions that answer a solution, each a link to it on its actions board (« Actions qui y répondent »).
   * @param {string} about the solution's words, under the title
   * @param {import('./answers.js').Answer[]} answers  this workshop's, then the study's others (counted only)
   * @returns {Promise<null>}
   */
  showAnswers(about, answers) {
    const { t, lang } = this.i18n();
    const { own, elsewhere } = splitAnswers(answers);
    const list = h('ul', { class: 'answers-list' }, own.map((a) => {
      const lane = t(`actions.lane.${a.lane}`);
      const when = t('board.answers.period', { start: monthName(a.start, lang), end: monthName(a.end, lang) });
      return h('li', {}, [
        h('a', {
          class: 'answer-link',
          attrs: { href: `/boards/${encodeURIComponent(a.board)}?action=${encodeURIComponent(a.action)}` },
        }, [
          picture(this.catalogue.icon('board-actions')),
          h('span', { class: 'answer-text' }, [
            h('span', { class: 'answer-title', text: a.title, attrs: { dir: 'auto' } }),
            h('span', { class: 'answer-when', text: lane === `actions.lane.${a.lane}` ? when : `${when} · ${lane}` }),
          ]),
        ]),
      ]);
    }));
    // Opened by a tap on the card's badge: the click that ends that tap lands here, on whatever link is now under
    // the finger. A link follows only a press that began in the list (or Enter: a click with detail 0).
    let pressed = false;
    list.addEventListener('pointerdown', () => { pressed = true; });
    list.addEventListener('click', (e) => { if (e.detail > 0 && !pressed) e.preventDefault(); });
    const intro = about ? h('p', { class: 'answers-about', text: about, attrs: { dir: 'auto' } }) : null;
    // the partners' workshop's actions: how many, nothing more (their fiches are that workshop's)
    const others = elsewhere
      ? h('p', { class: 'answers-elsewhere', text: countOf(t, own.length ? 'board.answers.elsewhere_more' : 'board.answers.elsewhere', elsewhere, lang) })
      : null;
    return this.ask(t('board.answers.title'), [intro, own.length ? list : null, others]);
  }

  /** @returns {Promise<import('../core/protocol.js').Severity | null>} */
  chooseSeverity() {
    const { t } = this.i18n();
    // The server's severities (generated), mildest first: the faces read from fine to blocked.
    const faces = h('div', { class: 'faces' }, SEVERITIES.map((severity) =>
      h('button', {
        class: `choice face-choice severity-${severity}`,
        attrs: { type: 'button' },
        dataset: { severity },
        on: { click: () => this.finish(severity) },
      }, [picture(this.catalogue.icon(`severity-${severity}`)), h('span', { text: t(`board.severity.${severity}`) })]),
    ));
    return this.ask(t('board.how_hard'), [faces]);
  }

  /**
   * @param {string} title
   * @param {string} initial
   * @param {boolean} required
   * @returns {Promise<string | null>} the text ('' when left empty and not required)
   */
  askText(title, initial, required) {
    const { t } = this.i18n();
    const area = /** @type {HTMLTextAreaElement} */ (h('textarea', {
      class: 'text-input',
      attrs: { 'data-max-chars': String(MAX_TEXT), rows: '3', dir: 'auto', 'aria-label': title },
    }));
    area.value = initial;
    const error = h('p', { class: 'sheet-error', attrs: { role: 'alert' } });
    const done = () => {
      const value = area.value.replace(/\r\n?/g, '\n').trim();
      if (required && !value) {
        error.textContent = t('board.error.text_required');
        return;
      }
      const problem = checkText(value);
      if (problem) {
        error.textContent = t(`board.error.${problem}`);
        return;
      }
      this.finish(value);
    };
    const ok = h('button', { class: 'primary', attrs: { type: 'button' }, on: { click: done } }, [
      picture(this.catalogue.icon('done')), h('span', { text: t('board.done') }),
    ]);
    const skip = required ? null : h('button', {
      class: 'secondary', attrs: { type: 'button' }, on: { click: () => this.finish('') },
    }, [h('span', { text: t('board.skip') })]);
    const promise = this.ask(title, [area, error, h('div', { class: 'sheet-actions' }, [ok, skip])]);
    area.focus();
    return promise;
  }
}

/**
 * "2027-03" as the page's language says a month: « mars 2027 », "Mar 2027", « مارس 2027 ».
 * @param {string} month
 * @param {string} lang
 */
function monthName(month, lang) {
  const [year, m] = month.split('-').map(Number);
  if (!year || !m) return month;
  const text = new Intl.DateTimeFormat(lang, { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(Date.UTC(year, m - 1, 1)));
  return text.replace(/ /g, '\u00a0'); // « sept. 2026 » never breaks in two
}

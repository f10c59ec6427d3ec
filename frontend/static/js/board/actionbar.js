// @ts-check
/**
 * What is selected (a card or a thread), and the bar of its actions that takes the palette's place meanwhile:
 * vote, pull a thread, read aloud, the actions answering it, « Relier », move, edit, cut a thread, delete, the
 * facilitator's own buttons (facilitation.js), close. Only what the phase leaves open, and only on what this
 * screen may change.
 */
import { deleteThread, threadable } from '../core/protocol.js';
import { countOf } from '../core/i18n.js';
import { bigButton } from './bars.js';
import { h } from './dom.js';
import { canSpeak, speak } from './speech.js';
import { act, editText, mayMove, remove, vote } from './acting.js';
import { disarm } from './placing.js';
import { pull } from './threads.js';

export class ActionBar {
  /**
   * @param {import('./page.js').BoardPage} page
   * @param {HTMLElement} bar the action bar (`#actionbar`)
   * @param {HTMLElement} paletteEl the palette it takes the place of
   */
  constructor(page, bar, paletteEl) {
    this.page = page;
    this.bar = bar;
    this.paletteEl = paletteEl;
    /** the card or thread whose actions the bar shows: another one starts at the bar's top */
    this.barFor = '';
  }

  /** @param {string | null} id */
  select(id) {
    const { page } = this;
    const { ui } = page;
    ui.selected = id;
    ui.selectedThread = null;
    ui.moving = null;
    if (id) disarm(page);
    this.render();
    page.renderer.schedule();
    if (id) page.camera.showItem(id); // the action bar took the palette's place: keep the card in sight
  }

  /** A thread tapped: its bar (cut, close). @param {string} threadId */
  selectThread(threadId) {
    const { ui } = this.page;
    ui.selected = null;
    ui.selectedThread = threadId;
    this.render();
    this.page.renderer.schedule();
  }

  /** Draw the bar for what is selected now (nothing: the palette shows again). */
  render() {
    const { page } = this;
    const { ui, store, catalogue, toasts, renderer, facilitation, table } = page;
    const i18n = page.i18n();
    const t = i18n.t;
    const icon = (/** @type {string} */ name) => catalogue.icon(name);
    const item = ui.selected ? store.view().items.get(ui.selected) : null;
    const thread = ui.selectedThread ? store.view().threads.get(ui.selectedThread) : null;
    this.paletteEl.hidden = Boolean(item || thread);
    this.bar.hidden = !(item || thread);
    if (thread) {
      this.fill(`thread:${thread.id}`, [
        h('p', { class: 'bar-title', text: t('board.kind.thread') }),
        bigButton(icon('delete'), t('board.thread.cut'), () => { act(page, [deleteThread(thread.id)]); this.select(null); }, 'danger'),
        bigButton(icon('close'), t('board.close'), () => this.select(null), 'close'),
      ]);
      return;
    }
    if (!item) return;
    const label = catalogue.label(catalogue.get(item.ref), i18n.lang) || item.text || '';
    const mine = mayMove(page, item);
    /** @type {(HTMLElement | null)[]} */
    const buttons = [h('p', { class: 'bar-title', text: label, attrs: { dir: 'auto' } })];
    const open = facilitation.tools(); // what the phase leaves open (facilitators: everything)
    if (item.kind === 'solution' && open.votes) {
      const left = store.votesLeft(table.actor());
      buttons.push(
        bigButton(icon('vote'), t('board.vote.give'), () => vote(page, item.id, 1), 'vote'),
        store.myVotes(item.id, table.actor()) > 0 ? bigButton(icon('undo'), t('board.vote.take_back'), () => vote(page, item.id, -1), 'take-back') : null,
        h('p', { class: 'dots-left', text: countOf(t, 'board.vote.left', left, i18n.lang) }),
      );
    }
    if (item.kind === 'activity' && open.threads) {
      buttons.push(
        bigButton(icon('thread'), t('board.pull.difficulty'), () => pull(page, item.id, 'difficulty'), 'pull'),
        bigButton(icon('touchpoint'), t('board.pull.touchpoint'), () => pull(page, item.id, 'touchpoint')),
      );
    }
    if (item.kind === 'touchpoint' && open.threads) {
      buttons.push(bigButton(icon('thread'), t('board.pull.difficulty'), () => pull(page, item.id, 'difficulty'), 'pull'));
    }
    if ((item.kind === 'difficulty' || item.kind === 'touchpoint') && open.threads && open.kinds.includes('solution')) {
      buttons.push(bigButton(icon('solution'), t('board.pull.solution'), () => pull(page, item.id, 'solution'), 'pull'));
    }
    if (label && canSpeak(i18n.lang)) buttons.push(bigButton(icon('speak'), t('board.read'), () => speak(label, i18n.lang)));
    if (renderer.answerCount(item)) buttons.push(bigButton(icon('board-actions'), t('board.answers.menu'), () => page.answers.show(item.id), 'answers'));
    if (threadable(item.kind) && open.threads) { // a kind at either end of some thread pair (wire.gen.js)
      buttons.push(bigButton(icon('thread'), t('board.link.start'), () => {
        ui.linking = item.id;
        toasts.show(t('board.link.hint'));
      }));
    }
    if (mine && open.kinds.includes(item.kind)) buttons.push(bigButton(icon('move'), t('board.move'), () => { ui.moving = item.id; renderer.schedule(); toasts.show(t('board.move_hint')); }));
    if (mine && item.kind !== 'activity' && open.kinds.includes(item.kind)) buttons.push(bigButton(icon('edit'), t('board.edit'), () => editText(page, item.id)));
    for (const th of store.view().threads.values()) {
      if ((th.source !== item.id && th.target !== item.id) || !open.threads) continue;
      const other = store.view().items.get(th.source === item.id ? th.target : th.source);
      const otherLabel = other ? catalogue.label(catalogue.get(other.ref), i18n.lang) || other.text || '' : '';
      buttons.push(bigButton(icon('thread'), t('board.thread.cut_to', { label: otherLabel }), () => act(page, [deleteThread(th.id)]), 'cut'));
    }
    if (mine && open.kinds.includes(item.kind)) buttons.push(bigButton(icon('delete'), t('board.delete'), () => remove(page, item.id), 'danger'));
    buttons.push(...facilitation.itemButtons(item));
    buttons.push(bigButton(icon('close'), t('board.close'), () => this.select(null), 'close'));
    this.fill(`item:${item.id}`, buttons.filter((b) => b !== null));
  }

  /**
   * Draw the bar's buttons again (the store changed, or the selection). The button that had the keyboard focus
   * keeps it (Enter twice on « Donner un point » gives two dots); another card's bar starts scrolled to its top.
   * @param {string} key what the bar is for @param {HTMLElement[]} children
   */
  fill(key, children) {
    const { bar } = this;
    const focused = bar.contains(document.activeElement) ? barKey(/** @type {HTMLElement} */ (document.activeElement)) : null;
    bar.replaceChildren(...children);
    if (key !== this.barFor) {
      this.barFor = key;
      bar.scrollTop = 0;
      bar.scrollLeft = 0;
      return;
    }
    if (focused) [...bar.querySelectorAll('button')].find((b) => barKey(b) === focused)?.focus({ preventScroll: true });
  }
}

/** @param {HTMLElement} el */
function barKey(el) {
  return `${el.className}|${el.textContent}`;
}

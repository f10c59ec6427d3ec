// @ts-check
/**
 * The projector: `/boards/{id}?view=projector`, the board on the room's big screen. Read-only (a facilitator's
 * session may open it too: it sends nothing durable from here), large: the whole board fitted to the screen,
 * the phase's instruction and the timer in big type, how many people are here, and, while joining is open,
 * the join QR code with its short code.
 *
 * The same page as the board, with `body.projector`: board.css hides the palette, the tools and the bars.
 */
import { h } from './dom.js';

const REFIT_MS = 1500;

/** True when this page is the projector view. */
export function isProjector() {
  return new URLSearchParams(location.search).get('view') === 'projector';
}

/**
 * @param {object} o
 * @param {any} o.boot
 * @param {import('../core/store.js').BoardStore} o.store
 * @param {{readOnly: boolean}} o.facilitation
 * @param {() => {t: import('../core/i18n.js').Translate, lang: string}} o.i18n
 * @param {(reserve: number) => void} o.fit fit the whole board (the week and the cards under it) to the screen,
 *   leaving `reserve` px free on the right for the join panel
 */
export function setupProjector({ boot, store, facilitation, i18n, fit }) {
  document.body.classList.add('projector');
  facilitation.readOnly = true;
  const { t } = i18n();
  document.title = t('board.projector.title');

  // Who is here: the count of the list the page keeps up to date (#presence), in big type.
  const presence = document.getElementById('presence');
  const count = document.getElementById('projector-count');
  if (presence && count) {
    const show = () => { count.textContent = presence.getAttribute('aria-label') ?? ''; };
    new MutationObserver(show).observe(presence, { attributes: true, attributeFilter: ['aria-label'] });
    show();
  }

  // Joining: the QR code and the short code in groups, while joining is open. The page brings them
  // (`boot.joining`, for facilitators and observers); a facilitator's screen also asks again now and then,
  // as joining may be closed or reopened meanwhile.
  const join = document.getElementById('projector-join');
  /** @param {{qr: string, groups: string[]} | null} what */
  function showJoin(what) {
    if (!join) return;
    join.hidden = !what;
    if (!what) return;
    const { t: tr } = i18n();
    join.replaceChildren(
      h('p', { class: 'projector-join-text', text: tr('board.projector.join') }),
      h('img', { class: 'projector-qr', attrs: { src: what.qr, alt: '', width: '240', height: '240' } }),
      h('p', { class: 'projector-code', attrs: { dir: 'ltr' } }, what.groups.map((g) => h('span', { text: g }))),
    );
  }
  /** @type {{qr: string, groups: string[]} | null} */
  let joining = boot.joining ? { qr: boot.joining.qr, groups: boot.joining.code_groups ?? [] } : null;
  showJoin(joining);
  async function askJoin() {
    try {
      const res = await fetch(`/api/workshops/${encodeURIComponent(boot.workshop.id)}`, { credentials: 'same-origin' });
      if (!res.ok) return; // an observer may not read it: keep what the page brought
      const data = await res.json();
      if (!data.join_code_display) return;
      joining = data.joining?.open ? { qr: data.joining.join_qr, groups: String(data.join_code_display).split('-') } : null;
      showJoin(joining);
    } catch {
      // offline: keep what is shown
    }
  }
  if (!boot.joining) askJoin(); // an older server: no joining in the page
  setInterval(askJoin, 30_000);
  document.addEventListener('fresque:lang', () => showJoin(joining));

  // The board always fits the screen: after a change that moved its bounds, and when the screen, the banner
  // or the join panel change size.
  const side = document.querySelector('.projector-side');
  const fitAll = () => fit(side instanceof HTMLElement && side.offsetWidth ? side.offsetWidth + 24 : 0);
  let last = '';
  /** @type {ReturnType<typeof setTimeout> | null} */
  let timer = null;
  const refit = () => {
    timer = null;
    fitAll();
  };
  store.subscribe(() => {
    const sig = String(store.view().items.size);
    if (sig === last || timer) return;
    last = sig;
    timer = setTimeout(refit, REFIT_MS);
  });
  const viewport = document.getElementById('viewport');
  const watch = new ResizeObserver(() => fitAll());
  if (viewport) watch.observe(viewport);
  if (side) watch.observe(side);
  fitAll();
}

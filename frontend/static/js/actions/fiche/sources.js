// @ts-check
/**
 * What the action answers on the residents' boards: its links to their solutions, each described by the server
 * (`GET /api/boards/{id}/sources`: the solution, its board and neighbourhood, votes, and the chain behind it:
 * activities, difficulties, touchpoints), unlink, « Relier une solution des habitants » (picker.js); in a study, the
 * neighbourhoods and residents behind the action.
 */
import { h } from '../../board/dom.js';
import { countOf } from '../../core/i18n.js';
import { openSolutionPicker, wordsOf } from '../picker.js';

// -- what comes from the residents ---------------------------------------------------------------------------

/** The section « Ce qui vient des habitants ». @param {import('./form.js').Form} form */
export function sourcesPart(form) {
  const { ctx, t, lang, actionId, action, may, errorBox, renders, send, refresh, section } = form;
  const list = h('ul', { class: 'fiche-sources' });
  const note = h('p', { class: 'fiche-hint', attrs: { 'aria-live': 'polite' } });
  // in a study: the neighbourhoods and the residents behind the action (the server counts them)
  const behindLine = h('p', { class: 'fiche-behind', attrs: { dir: 'auto' }, hidden: true });
  /** @type {any} */
  let behind = null;
  /** @type {Map<string, any> | null} null: not loaded (or no such route yet) */
  let known = null;
  let loading = false;
  let missingRoute = false;
  let loadedFor = '';
  const keyOf = (/** @type {{board: string, item: string}} */ l) => `${l.board}/${l.item}`;

  async function load() {
    if (loading) return;
    loading = true;
    loadedFor = JSON.stringify(action()?.links ?? []);
    try {
      const response = await fetch(`/api/boards/${encodeURIComponent(ctx.board.id)}/sources`, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
      if (response.status === 404) { missingRoute = true; known = new Map(); return; }
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      known = new Map((data.links ?? []).map((/** @type {any} */ l) => [keyOf(l), l]));
      behind = data.behind_actions?.[actionId] ?? null;
      missingRoute = false;
    } catch {
      known = known ?? new Map();
      note.textContent = t('actions.sources.unavailable');
    } finally {
      loading = false;
      drawn = '';
      refresh();
    }
  }

  let drawn = '';
  renders.push(() => {
    const a = action();
    if (!a) return;
    const links = a.links ?? [];
    // a link not described yet (just made): ask again once the server has it (nothing of ours pending)
    const undescribed = Boolean(known) && !missingRoute && links.some((l) => !known?.has(keyOf(l)));
    const settled = (ctx.store.pendingCount ?? 0) === 0;
    if (undescribed && settled && !loading && loadedFor !== JSON.stringify(links)) load();
    const waiting = known === null || loading || (undescribed && loadedFor !== JSON.stringify(links));
    const key = JSON.stringify([links, known ? [...known.keys()] : null, may().fiches, waiting, behind]);
    if (key === drawn) return;
    drawn = key;
    behindLine.hidden = !(behind && links.length);
    if (behind && links.length) {
      const places = (behind.neighbourhoods ?? []).map((/** @type {any} */ n) => n.name).join(', ') || t('questions.territory');
      behindLine.textContent = t('questions.behind.line', { places, people: countOf(t, 'questions.behind.residents', behind.residents ?? 0, lang) })
        + (behind.votes_hidden ? ` ${t('questions.behind.votes_hidden')}` : '');
    }
    if (!links.length) {
      list.replaceChildren(h('li', { class: 'fiche-empty', text: t('actions.sources.none') }));
      return;
    }
    list.replaceChildren(...links.map((link) => {
      const info = known?.get(keyOf(link));
      const unlink = h('button', {
        class: 'fiche-remove', attrs: { type: 'button' }, text: t('actions.sources.unlink'), disabled: !may().fiches,
        on: { click: () => send([{ op: 'action.unlink', id: actionId, board: link.board, item: link.item }], 'links') },
      });
      const open = h('a', { class: 'fiche-source-open', text: t('actions.sources.open'), attrs: { href: `/boards/${encodeURIComponent(link.board)}?item=${encodeURIComponent(link.item)}` } });
      if (!info) {
        return h('li', { class: 'fiche-source fiche-source-raw', dataset: { board: link.board, item: link.item } }, [
          h('p', { text: waiting ? t('actions.sources.loading') : t('actions.sources.raw', { board: link.board, item: link.item }) }),
          h('div', { class: 'fiche-buttons' }, [open, unlink]),
        ]);
      }
      const sol = info.solution ?? {};
      const title = wordsOf(sol, lang) || t('actions.sources.solution');
      const behind = info.behind ?? {};
      /** @param {string} kind @param {any[]} entries */
      const chain = (kind, entries) => (entries?.length ? h('li', { class: `fiche-chain-${kind}` }, [
        h('span', { class: 'fiche-chain-kind', text: t(`actions.sources.${kind}`) }),
        ...entries.map((e) => h('span', { class: `fiche-chip${e.severity ? ` severity-${e.severity}` : ''}` }, [
          e.picture_url ? h('img', { attrs: { src: e.picture_url, alt: '', width: 28, height: 28 } }) : null,
          h('span', { text: wordsOf(e, lang), attrs: { dir: 'auto' } }),
        ])),
      ]) : null);
      return h('li', { class: `fiche-source${info.found === false ? ' fiche-source-gone' : ''}`, dataset: { board: link.board, item: link.item } }, [
        h('div', { class: 'fiche-source-head' }, [
          sol.picture_url ? h('img', { attrs: { src: sol.picture_url, alt: '', width: 56, height: 56 } }) : null,
          h('div', {}, [
            h('p', { class: 'fiche-source-title', text: title, attrs: { dir: 'auto' } }),
            h('p', { class: 'fiche-hint', text: [info.neighbourhood?.name, info.board_title, typeof info.votes === 'number' ? countOf(t, 'actions.sources.votes', info.votes, lang) : null].filter(Boolean).join(' · '), attrs: { dir: 'auto' } }),
            info.found === false ? h('p', { class: 'fiche-error', text: t('actions.sources.gone') }) : null,
          ]),
        ]),
        h('ul', { class: 'fiche-chain' }, [
          chain('activities', behind.activities), chain('difficulties', behind.difficulties), chain('touchpoints', behind.touchpoints),
          behind.threads ? h('li', { class: 'fiche-hint', text: countOf(t, 'actions.sources.threads', behind.threads, lang) }) : null,
        ]),
        h('div', { class: 'fiche-buttons' }, [open, unlink]),
      ]);
    }));
    note.textContent = missingRoute ? t('actions.sources.not_yet') : '';
  });

  const linkButton = h('button', {
    class: 'fiche-add', attrs: { type: 'button' }, text: t('actions.sources.link_more'),
    on: { click: () => { openSolutionPicker(ctx, { linkTo: actionId }); } },
  });
  load();
  return section('sources', t('actions.sources.title'), [h('p', { class: 'fiche-hint', text: t('actions.sources.intro') }), behindLine, list, note, linkButton, errorBox('links')]);
}

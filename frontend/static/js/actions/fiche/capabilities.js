// @ts-check
/**
 * The fiche's capabilities web: the picture (radar.js, the same geometry as the print pages') and, per series
 * (« aujourd'hui », « visé »…), one row of 0–4 buttons per axis; each press is one `capability.set`. After a
 * redraw the focus goes back to the button or tab that had it (keyboards and screen readers go on from there).
 */
import { h } from '../../board/dom.js';
import { radarGeometry, radarSvg, seriesColour } from '../radar.js';
import { choiceLabel } from './words.js';

// -- the capabilities web -------------------------------------------------------------------------------

/** A colour square (set through the CSSOM: the page's CSP refuses style attributes). @param {string} colour */
function swatch(colour) {
  const el = h('span', { class: 'fiche-swatch', attrs: { 'aria-hidden': 'true' } });
  el.style.setProperty('--swatch', colour);
  return el;
}

/** The section « Toile des capabilités ». @param {import('./form.js').Form} form */
export function capabilitiesPart(form) {
  const { t, lang, actionId, action, settings, may, fieldId, errorBox, renders, send, refresh, section } = form;
  let current = '';
  const picture = h('div', { class: 'fiche-radar' });
  const tabs = h('div', { class: 'fiche-series', attrs: { role: 'group', 'aria-label': t('actions.radar.series_choice') } });
  const levelsKey = h('ol', { class: 'fiche-levels', attrs: { start: '0' } },
    [0, 1, 2, 3, 4].map((level) => h('li', { value: level }, [h('strong', { text: String(level) }), ' ', t(`actions.level.${level}`)])));
  const grid = h('div', { class: 'fiche-scores' });
  const status = h('p', { class: 'fiche-hint', attrs: { 'aria-live': 'polite' } });

  /** @param {string} axis @param {number | null} level */
  function score(axis, level) {
    if (!current || !may().fiches) return;
    send([{ op: 'capability.set', id: actionId, series: current, axis, level }], 'capabilities');
    refresh();
  }

  renders.push(() => {
    const a = action();
    if (!a) return;
    const s = settings();
    const axes = s.axes ?? [];
    const series = s.series ?? [];
    if (!series.some((x) => x.id === current)) current = series[0]?.id ?? '';
    const axisLabels = Object.fromEntries(axes.map((x) => [x.id, choiceLabel('axis', x, t)]));
    const seriesLabels = Object.fromEntries(series.map((x) => [x.id, choiceLabel('series', x, t)]));
    const caps = a.capabilities ?? {};
    const key = JSON.stringify([axes, series, caps, current, may().fiches, lang]);
    if (picture.dataset.key === key) return;
    picture.dataset.key = key;

    // the picture, with its words
    if (axes.length >= 3) {
      const known = new Set(axes.map((x) => x.id));
      /** @type {Record<string, Record<string, number>>} */
      const levels = {};
      for (const [sid, byAxis] of Object.entries(caps)) {
        levels[sid] = Object.fromEntries(Object.entries(byAxis).filter(([ax]) => known.has(ax)));
      }
      const geometry = radarGeometry(axes, series, levels, { size: 400 });
      const alt = series.map((x) => {
        const byAxis = caps[x.id];
        if (!byAxis || !Object.keys(byAxis).length) return t('actions.radar.alt_series_empty', { series: seriesLabels[x.id] });
        const parts = axes.filter((ax) => ax.id in byAxis).map((ax) => t('actions.radar.alt_axis', { axis: axisLabels[ax.id], level: byAxis[ax.id] }));
        return t('actions.radar.alt_series', { series: seriesLabels[x.id], levels: parts.join(', ') });
      }).join(' ');
      const svgEl = radarSvg(geometry, {
        labels: { axes: axisLabels, series: seriesLabels, seriesOrder: series.map((x) => x.id), alt: `${t('actions.radar.title')}. ${alt}`, title: t('actions.radar.title') },
        editable: may().fiches,
        onPick: (axis, level) => score(axis, level),
      });
      picture.replaceChildren(svgEl);
    } else {
      picture.replaceChildren(h('p', { class: 'fiche-hint', text: t('actions.radar.too_few_axes') }));
    }

    // the series tabs
    // what had the focus (a level just pressed, a tab): given back after the redraw, for keyboards and readers
    const active = document.activeElement instanceof HTMLElement && (grid.contains(document.activeElement) || tabs.contains(document.activeElement))
      ? document.activeElement : null;
    const refocus = active ? {
      series: active.dataset.series ?? null,
      axis: active.closest('[data-axis]')?.getAttribute('data-axis') ?? null,
      level: active.dataset.level ?? (active.classList.contains('fiche-level-clear') ? 'clear' : null),
    } : null;

    tabs.replaceChildren(...series.map((x, i) => {
      const scored = Object.keys(caps[x.id] ?? {}).length;
      return h('button', {
        class: 'fiche-series-tab', attrs: { type: 'button', 'aria-pressed': String(x.id === current) },
        dataset: { series: x.id, always: '1' },
        on: { click: () => { current = x.id; refresh(); } },
      }, [swatch(seriesColour(i)),
        h('span', { text: seriesLabels[x.id] }),
        h('span', { class: 'fiche-count', text: t('actions.radar.scored', { n: scored, total: axes.length }) })]);
    }));

    // one row per axis: five levels and « effacer »
    const mine = caps[current] ?? {};
    grid.replaceChildren(...axes.map((ax) => {
      const level = Object.prototype.hasOwnProperty.call(mine, ax.id) ? mine[ax.id] : null;
      const rowId = fieldId(`axis-${ax.id}`);
      return h('div', { class: 'fiche-score', dataset: { axis: ax.id }, attrs: { role: 'group', 'aria-labelledby': rowId } }, [
        h('span', { class: 'fiche-score-axis', text: axisLabels[ax.id], attrs: { id: rowId, dir: 'auto' } }),
        h('span', { class: 'fiche-score-buttons' }, [0, 1, 2, 3, 4].map((n) => h('button', {
          class: 'fiche-level', dataset: { level: String(n) },
          attrs: { type: 'button', 'aria-pressed': String(level === n), title: t(`actions.level.${n}`), 'aria-label': t('actions.radar.set_level', { level: n, meaning: t(`actions.level.${n}`) }) },
          text: String(n),
          on: { click: () => score(ax.id, n) },
        }))),
        h('button', {
          class: 'fiche-level-clear', attrs: { type: 'button', 'aria-label': t('actions.radar.clear_axis', { axis: axisLabels[ax.id] }) },
          text: t('actions.radar.clear'), disabled: level === null,
          on: { click: () => score(ax.id, null) },
        }),
      ]);
    }));
    status.textContent = current ? t('actions.radar.editing', { series: seriesLabels[current] ?? current }) : '';
    if (refocus) {
      const selector = refocus.series ? `.fiche-series-tab[data-series="${CSS.escape(refocus.series)}"]`
        : refocus.axis && refocus.level === 'clear' ? `[data-axis="${CSS.escape(refocus.axis)}"] .fiche-level-clear`
          : refocus.axis && refocus.level ? `[data-axis="${CSS.escape(refocus.axis)}"] .fiche-level[data-level="${refocus.level}"]` : null;
      const again = selector ? /** @type {HTMLElement | null} */ ((refocus.series ? tabs : grid).querySelector(selector)) : null;
      if (again && !(/** @type {HTMLButtonElement} */ (again).disabled)) again.focus();
      else if (refocus.axis) /** @type {HTMLElement | null} */ (grid.querySelector(`[data-axis="${CSS.escape(refocus.axis)}"] .fiche-level`))?.focus();
    }
  });

  return section('capabilities', t('actions.radar.title'), [
    h('p', { class: 'fiche-hint', text: t('actions.radar.intro') }),
    picture, tabs, status, levelsKey, grid, errorBox('capabilities'),
  ]);
}

// @ts-check
/**
 * What the fiche says in words: year-months and a card's span, a list entry's label, euros in the page's
 * language, and a refusal in plain words next to the field it is about.
 *
 * Pure: no DOM (tests/js/actions_fiche.test.mjs).
 */
import { parseMonth } from './rules.js';

/** @typedef {import('./types.js').Translate} Translate */
/** @typedef {import('./types.js').Choice} Choice */

/**
 * « Janvier 2025 »: a year-month in words.
 * @param {string} ym
 * @param {Translate} t
 */
export function monthLabel(ym, t) {
  const n = parseMonth(ym);
  if (n === null) return ym;
  return t('actions.fiche.month_year', { month: t(`actions.month.${(n % 12) + 1}`), year: Math.floor(n / 12) });
}

/**
 * « Janvier 2025 → Décembre 2025 »: a card's span in words.
 * @param {string} start
 * @param {string} end
 * @param {Translate} t
 */
export function spanLabel(start, end, t) {
  return t('actions.fiche.span', { start: monthLabel(start, t), end: monthLabel(end, t) });
}

/**
 * A configurable list entry's label: its own text, or the translation of a default entry.
 * @param {string} list  lane | axis | series | target_group | organisation
 * @param {Choice} entry
 * @param {Translate} t
 */
export function choiceLabel(list, entry, t) {
  return entry.label ?? t(`actions.${list}.${entry.id}`);
}

/**
 * Whole euros in the page's language, « 50 000 € ».
 * @param {number} amount
 * @param {string} lang
 * @param {Translate} t
 */
export function euros(amount, lang, t) {
  let text;
  try {
    text = new Intl.NumberFormat(lang === 'ar' ? 'ar-u-nu-latn' : lang, { maximumFractionDigits: 0 }).format(amount);
  } catch {
    text = String(amount);
  }
  return t('actions.fiche.euros', { amount: text });
}

/** The field a refusal code is about (to show it there), or null for the whole fiche. @param {string} code */
export function fieldOfCode(code) {
  const m = /^fiche_invalid_([a-z_]+)$/.exec(code);
  if (m) return m[1];
  if (code === 'fiche_funding_over_budget') return 'funding';
  if (code === 'fiche_number_taken') return 'number';
  if (code === 'fiche_title_required') return 'title';
  if (/^milestone|too_many_milestones/.test(code)) return 'milestones';
  if (/^(unknown_series|unknown_axis|invalid_level)$/.test(code)) return 'capabilities';
  if (/link/.test(code)) return 'links';
  if (code === 'invalid_target_groups' || code === 'target_group_in_use') return 'target_groups';
  if (code === 'invalid_organisations') return 'partners';
  if (code === 'unknown_lane' || code === 'action_outside_timeline') return 'positioning';
  return null;
}

/**
 * A refusal in plain words: `actions.fiche.error.<code>` when there is one, else a general sentence.
 * @param {string} code
 * @param {Translate} t
 */
export function problemText(code, t) {
  const key = `actions.fiche.error.${code}`;
  const text = t(key);
  return text === key ? t('actions.fiche.error.other', { code }) : text;
}

// @ts-check
/**
 * Year-months and the timeline's scale, as backend/fresque/core/actions.py counts them: on the wire a date is
 * `"YYYY-MM"`; inside, a month number `year * 12 + month - 1`, so that arithmetic is plain. A card's start and
 * end are both included. A start snaps *down* to the first month of its period, an end *up* to its last month
 * (a quarter starts in January, April, July or October; a semester in January or July).
 *
 * Pure: no DOM.
 */

import { MAX_YEAR, MIN_YEAR, SCALE_MONTHS } from '../core/wire.gen.js';

/** @typedef {'month' | 'quarter' | 'semester'} Scale */

export { SCALE_MONTHS }; // core/timeline.py's, generated

const MONTH_RE = /^(\d{4})-(\d{2})$/;

/** `"2024-05"` → a month number, or NaN when it is not a year-month MIN_YEAR–MAX_YEAR (2000–2099). @param {string} text */
export function parseMonth(text) {
  const m = MONTH_RE.exec(text);
  if (!m) return NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  if (month < 1 || month > 12 || year < MIN_YEAR || year > MAX_YEAR) return NaN;
  return year * 12 + month - 1;
}

/** A month number → `"YYYY-MM"`. @param {number} month */
export function formatMonth(month) {
  return `${String(Math.floor(month / 12)).padStart(4, '0')}-${String((month % 12) + 1).padStart(2, '0')}`;
}

/** @param {string} scale @returns {number} months in one period of `scale` (1 for an unknown scale) */
export function periodMonths(scale) {
  return SCALE_MONTHS[/** @type {Scale} */ (scale)] ?? 1;
}

/** The first month of the period that holds `month`. @param {number} month @param {string} scale */
export function snap(month, scale) {
  return month - (month % periodMonths(scale));
}

/** The last month of the period that holds `month`. @param {number} month @param {string} scale */
export function snapEnd(month, scale) {
  return snap(month, scale) + periodMonths(scale) - 1;
}

/** The first month of every period from `start` to `end` (the ticks). @param {number} start @param {number} end @param {string} scale */
export function periods(start, end, scale) {
  const step = periodMonths(scale);
  const out = [];
  for (let m = snap(start, scale); m <= end; m += step) out.push(m);
  return out;
}

/** A year-month string snapped down (a start). @param {string} text @param {string} scale */
export const snapText = (text, scale) => formatMonth(snap(parseMonth(text), scale));
/** A year-month string snapped up (an end). @param {string} text @param {string} scale */
export const snapEndText = (text, scale) => formatMonth(snapEnd(parseMonth(text), scale));

/** This device's current month (the "today" line), as a month number. @param {Date} [date] */
export function monthOf(date = new Date()) {
  return date.getFullYear() * 12 + date.getMonth();
}

/**
 * The label of the period starting at `month`: a month name ("janv."), "T1 2025" for a quarter, "S1 2025" for
 * a semester (the letters come from the translations: `actions.scale.quarter_short` = "T{n}", …).
 * @param {number} month the period's first month
 * @param {string} scale
 * @param {(key: string, vars?: Record<string, string | number>) => string} t
 * @param {string} lang
 */
export function periodLabel(month, scale, t, lang) {
  const year = Math.floor(month / 12);
  const index = month % 12;
  if (scale === 'quarter') return t('actions.scale.quarter_label', { n: Math.floor(index / 3) + 1, year });
  if (scale === 'semester') return t('actions.scale.semester_label', { n: Math.floor(index / 6) + 1, year });
  return monthName(index, lang, 'short');
}

/**
 * A month's name in `lang` (Intl; the month number as a fallback). @param {number} index 0–11
 * @param {string} lang @param {'short' | 'long'} [width]
 */
export function monthName(index, lang, width = 'short') {
  try {
    return new Intl.DateTimeFormat(lang, { month: width, timeZone: 'UTC' }).format(new Date(Date.UTC(2024, index, 15)));
  } catch {
    return String(index + 1);
  }
}

/**
 * A span in words: "avr. 2025 → déc. 2025" (month scale) or "T2 2025 → T4 2025"; a one-period card shows one.
 * @param {number} start @param {number} end @param {string} scale
 * @param {(key: string, vars?: Record<string, string | number>) => string} t @param {string} lang
 */
export function spanLabel(start, end, scale, t, lang) {
  const one = (/** @type {number} */ m) => (scale === 'month' ? `${monthName(m % 12, lang)} ${Math.floor(m / 12)}` : periodLabel(m, scale, t, lang));
  const a = one(snap(start, scale));
  const b = one(snap(end, scale));
  if (a === b) return a;
  const key = 'actions.fiche.span'; // "{start} → {end}"; in Arabic "{start} ← {end}", read right to left
  const text = t(key, { start: a, end: b });
  return text === key ? `${a} → ${b}` : text;
}

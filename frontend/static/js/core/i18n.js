// @ts-check
/**
 * Translations over one language's dictionary (`/static/i18n/<lang>.json`: flat dotted keys).
 * Pure: no DOM, no `window`, no network; runs in the browser and under `node --test`.
 * The same rules as the server (`backend/fresque/i18n.py`): a missing key shows as the key itself, and
 * `{name}` in a string is replaced by the variable `name` (left as written when there is none).
 */

/** @typedef {Record<string, string>} Dictionary */
/** @typedef {(key: string, vars?: Record<string, unknown>) => string} Translate */

/** The languages Fresque speaks, French first: the server's `fresque.i18n.LANGUAGES` (tests/test_i18n.py
 * checks they are the same; not in wire.gen.js, which the join and survey pages do not load). */
export const LANGUAGES = /** @type {const} */ (['fr', 'en', 'ar']);
export const DEFAULT_LANGUAGE = 'fr';

const RTL = new Set(['ar', 'he', 'fa', 'ur', 'ps', 'ckb', 'yi']);
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/**
 * @param {unknown} lang
 * @returns {lang is 'fr' | 'en' | 'ar'}
 */
export function isLanguage(lang) {
  return typeof lang === 'string' && /** @type {readonly string[]} */ (LANGUAGES).includes(lang);
}

/**
 * The text direction of a language (its primary subtag decides: "ar-MA" is right-to-left).
 * @param {string} lang
 * @returns {'rtl' | 'ltr'}
 */
export function directionOf(lang) {
  const primary = String(lang || '').toLowerCase().split(/[-_]/)[0];
  return RTL.has(primary) ? 'rtl' : 'ltr';
}

/**
 * Replace each `{name}` in `template` by `vars.name`.
 * @param {string} template
 * @param {Record<string, unknown>} [vars]
 * @returns {string}
 */
export function fill(template, vars) {
  if (!vars) return template;
  return template.replace(PLACEHOLDER, (whole, name) =>
    Object.prototype.hasOwnProperty.call(vars, name) ? String(vars[name]) : whole,
  );
}

/**
 * `t(key, vars)` over one dictionary.
 * @param {Dictionary} dict
 * @returns {Translate}
 */
export function createI18n(dict) {
  const table = dict && typeof dict === 'object' ? dict : {};
  return function t(key, vars) {
    const found = Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
    return fill(typeof found === 'string' ? found : key, vars);
  };
}

/**
 * A count in words: `key_one` where the language's plural rules say "one" (French: 0 and 1, "0 point";
 * English: 1), `key` otherwise, with `{n}` filled. Arabic's other forms read correctly with the general one.
 * @param {Translate} t
 * @param {string} key
 * @param {number} n
 * @param {string} [lang]
 */
export function countOf(t, key, n, lang = 'fr') {
  const one = pluralRules(lang).select(n) === 'one';
  return t(one ? `${key}_one` : key, { n });
}

/** @type {Map<string, Intl.PluralRules>} one per language: making one for each count cost a full board's first draw ≈ 10 ms on a slow phone */
const PLURAL_RULES = new Map();

/** @param {string} lang */
function pluralRules(lang) {
  let rules = PLURAL_RULES.get(lang);
  if (!rules) {
    rules = new Intl.PluralRules(lang);
    PLURAL_RULES.set(lang, rules);
  }
  return rules;
}

// @ts-check
/**
 * The language switcher of base.html, and the page's current translations for every other module.
 *
 * A tap on "Français", "English" or "العربية": the cookie `fresque_lang` is set, the dictionary is fetched
 * (or taken from memory: all three are fetched once the page is idle, so switching works later offline),
 * every `[data-i18n]` element is re-translated in place (and `data-i18n-placeholder`, `-aria-label`,
 * `-title`, `-alt` attributes; `data-i18n-vars` holds the variables as JSON), `<html lang dir>` change,
 * and `fresque:lang` is dispatched on `document` with `{lang, dir, t}`. No reload.
 * Without scripts the switcher is a plain GET form (`?lang=`), which the server honours.
 */
import { LANGUAGES, createI18n, directionOf, isLanguage } from '../core/i18n.js';

/** @typedef {import('../core/i18n.js').Dictionary} Dictionary */
/** @typedef {import('../core/i18n.js').Translate} Translate */
/** @typedef {{lang: string, dir: 'ltr' | 'rtl', t: Translate, dict: Dictionary}} I18nState */

export const LANG_COOKIE = 'fresque_lang';
const ONE_YEAR = 60 * 60 * 24 * 365;
const ATTRIBUTES = ['placeholder', 'aria-label', 'title', 'alt'];

/** @type {Map<string, Dictionary>} */
const dictionaries = new Map();
/** @type {Map<string, Promise<Dictionary>>} */
const loading = new Map();

/** @type {I18nState} */
let state = boot();

function boot() {
  const lang = document.documentElement.lang || 'fr';
  /** @type {Dictionary} */
  let dict = {};
  try {
    dict = JSON.parse(document.getElementById('i18n-dict')?.textContent || '{}');
  } catch {
    dict = {};
  }
  dictionaries.set(lang, dict);
  return { lang, dir: directionOf(lang), t: createI18n(dict), dict };
}

/** The page's language, its direction, and `t(key, vars)` over its dictionary. */
export function currentI18n() {
  return state;
}

/**
 * @param {string} lang
 * @returns {Promise<Dictionary>}
 */
function load(lang) {
  const known = dictionaries.get(lang);
  if (known) return Promise.resolve(known);
  let pending = loading.get(lang);
  if (!pending) {
    pending = fetch(`/static/i18n/${lang}.json`, { credentials: 'same-origin' })
      .then((response) => {
        if (!response.ok) throw new Error(`i18n ${lang}: HTTP ${response.status}`);
        return response.json();
      })
      .then((dict) => {
        dictionaries.set(lang, dict);
        return dict;
      })
      .finally(() => loading.delete(lang));
    loading.set(lang, pending);
  }
  return pending;
}

/** @param {Element} el */
function varsOf(el) {
  const raw = el.getAttribute('data-i18n-vars');
  if (!raw) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/**
 * Put a translated string in an element and mark it, so that a change of language re-translates it.
 * @param {HTMLElement} element
 * @param {string} key
 * @param {Record<string, string>} [vars]
 */
export function setWords(element, key, vars) {
  element.setAttribute('data-i18n', key);
  if (vars) element.setAttribute('data-i18n-vars', JSON.stringify(vars));
  else element.removeAttribute('data-i18n-vars');
  element.textContent = state.t(key, vars);
}

/**
 * Re-translate `root` in the current language (text of `[data-i18n]`, translated attributes, dates).
 * @param {ParentNode} [root]
 */
export function translate(root = document) {
  const { t, lang } = state;
  root.querySelectorAll('[data-i18n]').forEach((el) => {
    el.textContent = t(el.getAttribute('data-i18n') || '', varsOf(el));
  });
  for (const attribute of ATTRIBUTES) {
    root.querySelectorAll(`[data-i18n-${attribute}]`).forEach((el) => {
      el.setAttribute(attribute, t(el.getAttribute(`data-i18n-${attribute}`) || '', varsOf(el)));
    });
  }
  root.querySelectorAll('time[data-format-date]').forEach((el) => {
    el.textContent = formatDate(el.getAttribute('datetime') || '', lang);
  });
}

/**
 * "2026-12-03" as a date in words, with Latin digits (also in Arabic, as used in the Maghreb).
 * @param {string} iso
 * @param {string} lang
 */
export function formatDate(iso, lang) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return iso;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  try {
    return new Intl.DateTimeFormat(`${lang}-u-nu-latn`, { dateStyle: 'long', timeZone: 'UTC' }).format(date);
  } catch {
    return iso;
  }
}

/**
 * Switch the page to `lang` in place. Resolves false when the dictionary cannot be had (offline and never
 * fetched): then nothing changed.
 * @param {string} lang
 * @returns {Promise<boolean>}
 */
export async function setLanguage(lang) {
  if (!isLanguage(lang)) return false;
  /** @type {Dictionary} */
  let dict;
  try {
    dict = await load(lang);
  } catch {
    return false;
  }
  document.cookie = `${LANG_COOKIE}=${lang}; path=/; max-age=${ONE_YEAR}; samesite=lax`;
  const dir = directionOf(lang);
  state = { lang, dir, t: createI18n(dict), dict };
  document.documentElement.lang = lang;
  document.documentElement.dir = dir;
  translate(document);
  document.querySelectorAll('.lang-button').forEach((button) => {
    button.setAttribute('aria-pressed', String(button.getAttribute('value') === lang));
  });
  // A `?lang=` left in the address would win over the cookie on reload.
  const url = new URL(window.location.href);
  if (url.searchParams.has('lang')) {
    url.searchParams.delete('lang');
    history.replaceState(history.state, '', url);
  }
  document.dispatchEvent(new CustomEvent('fresque:lang', { detail: { lang, dir, t: state.t } }));
  return true;
}

function wireSwitcher() {
  document.querySelectorAll('.lang-switcher .lang-button').forEach((button) => {
    button.addEventListener('click', async (event) => {
      event.preventDefault();
      const lang = button.getAttribute('value') || '';
      if (lang === state.lang) return;
      const done = await setLanguage(lang);
      if (!done && navigator.onLine) {
        const url = new URL(window.location.href);
        url.searchParams.set('lang', lang);
        window.location.assign(url);
      }
    });
  });
}

function prefetchOthers() {
  for (const lang of LANGUAGES) load(lang).catch(() => {});
}

wireSwitcher();
translate(document); // dates are formatted by script; text is already in the page's language
window.addEventListener('load', () => setTimeout(prefetchOthers, 1500), { once: true });

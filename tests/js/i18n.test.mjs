// Translations in the browser: t(key, vars) over one dictionary, and the direction of a language.
// The same rules as backend/fresque/i18n.py; the dictionaries themselves are checked by tests/test_pages.py.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { createI18n, directionOf, fill, isLanguage, LANGUAGES, DEFAULT_LANGUAGE } from '../../frontend/static/js/core/i18n.js';

const dictionary = (lang) =>
  JSON.parse(readFileSync(new URL(`../../frontend/static/i18n/${lang}.json`, import.meta.url), 'utf8'));

test('a key gives its text', () => {
  const t = createI18n({ 'join.enter': 'Entrer' });
  assert.equal(t('join.enter'), 'Entrer');
});

test('a missing key shows as the key itself, so that it is seen and fixed', () => {
  const t = createI18n({ 'join.enter': 'Entrer' });
  assert.equal(t('join.nothing'), 'join.nothing');
  assert.equal(t('join.nothing', { n: 1 }), 'join.nothing');
  assert.equal(createI18n(/** @type {any} */ (null))('a.b'), 'a.b');
});

test('keys are looked up as they are, never through the prototype', () => {
  const t = createI18n({});
  assert.equal(t('toString'), 'toString');
  assert.equal(t('__proto__'), '__proto__');
  assert.equal(createI18n({ 'a.b': /** @type {any} */ (42) })('a.b'), 'a.b'); // not a string: the key
});

test('variables fill {placeholders}; a placeholder without a variable stays', () => {
  const t = createI18n({ 'join.continue_as': 'Continuer comme {alias}', 'x.two': '{a} et {a}, {b}' });
  assert.equal(t('join.continue_as', { alias: 'Amina' }), 'Continuer comme Amina');
  assert.equal(t('x.two', { a: 1 }), '1 et 1, {b}');
  assert.equal(t('join.continue_as'), 'Continuer comme {alias}');
  assert.equal(fill('{n} / {total}', { n: 0, total: 3 }), '0 / 3');
  assert.equal(fill('{x}', { x: '{y}', y: 'no' }), '{y}', 'one pass only');
  assert.equal(fill('{ alias }', { alias: 'A' }), '{ alias }');
});

test('variables are text, never markup', () => {
  const t = createI18n({ 'a.b': 'Bonjour {name}' });
  assert.equal(t('a.b', { name: '<b>x</b>' }), 'Bonjour <b>x</b>'); // the DOM sets textContent
});

test('Arabic is right-to-left, French and English left-to-right', () => {
  assert.equal(directionOf('ar'), 'rtl');
  assert.equal(directionOf('ar-MA'), 'rtl');
  assert.equal(directionOf('AR'), 'rtl');
  assert.equal(directionOf('fr'), 'ltr');
  assert.equal(directionOf('en'), 'ltr');
  assert.equal(directionOf(''), 'ltr');
  assert.equal(directionOf('he'), 'rtl');
});

test('the languages, French first', () => {
  assert.deepEqual([...LANGUAGES], ['fr', 'en', 'ar']);
  assert.equal(DEFAULT_LANGUAGE, 'fr');
  assert.ok(isLanguage('ar') && !isLanguage('de') && !isLanguage(undefined));
});

test('the shipped dictionaries translate what the pages show', () => {
  for (const lang of LANGUAGES) {
    const t = createI18n(dictionary(lang));
    assert.notEqual(t('join.enter'), 'join.enter', lang);
    assert.ok(t('join.continue_as', { alias: 'Amina' }).includes('Amina'), lang);
  }
  assert.equal(createI18n(dictionary('fr'))('join.enter'), 'Entrer');
  assert.equal(createI18n(dictionary('ar'))('colour.red'), 'أحمر');
});

test('countOf picks the singular for exactly one', async () => {
  const { countOf } = await import('../../frontend/static/js/core/i18n.js');
  const t = createI18n({ 'x.dots': '{n} points', 'x.dots_one': '{n} point' });
  assert.equal(countOf(t, 'x.dots', 1, 'fr'), '1 point');
  assert.equal(countOf(t, 'x.dots', 0, 'fr'), '0 point', 'French counts zero as one');
  assert.equal(countOf(t, 'x.dots', 3, 'fr'), '3 points');
  assert.equal(countOf(t, 'x.dots', 0, 'en'), '0 points');
  assert.equal(countOf(t, 'x.dots', 1, 'en'), '1 point');
  assert.equal(countOf(t, 'x.dots', 1, 'ar'), '1 point');
});

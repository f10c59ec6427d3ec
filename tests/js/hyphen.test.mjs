// Soft hyphens in the palette's long words (js/core/hyphen.js): where a narrow tile may break a word.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { SHY, softHyphens } from '../../frontend/static/js/core/hyphen.js';

const shown = (/** @type {string} */ text) => text.replaceAll(SHY, '-');

test('long French words break at syllables', () => {
  assert.equal(shown(softHyphens('Remboursements santé', 'fr')), 'Rem-bour-se-ments santé');
  assert.equal(shown(softHyphens('Accompagnement', 'fr')), 'Accom-pa-gne-ment'); // « gn » stays whole
  assert.equal(shown(softHyphens('Inscription', 'fr')), 'Ins-crip-tion'); // « cr » opens the syllable
  assert.equal(shown(softHyphens('Transports', 'fr')), 'Trans-ports');
  assert.equal(shown(softHyphens('Démarches CAF', 'fr')), 'Démar-ches CAF');
});

test('English words too; short words, and the letters at either end, stay whole', () => {
  assert.equal(shown(softHyphens('reimbursements', 'en')), 'reim-bur-se-ments');
  assert.equal(shown(softHyphens('childcare', 'en')), 'child-care');
  assert.equal(softHyphens('Médecin, Impôts', 'fr'), 'Médecin, Impôts'); // under 8 letters
  for (const word of ['Remboursements', 'Administration', 'Alphabétisation', 'Électricité']) {
    const parts = softHyphens(word, 'fr').split(SHY);
    assert.ok(parts.length > 1, word);
    assert.ok(parts[0].length >= 3 && parts[parts.length - 1].length >= 3, shown(softHyphens(word, 'fr')));
    assert.equal(parts.join(''), word); // only soft hyphens were added
  }
});

test('Arabic is not hyphenated, and nothing else in the text changes', () => {
  assert.equal(softHyphens('استرداد المصاريف الصحية', 'ar'), 'استرداد المصاريف الصحية');
  assert.equal(softHyphens('Rendez-vous (médicaux), 2 fois', 'fr').replaceAll(SHY, ''), 'Rendez-vous (médicaux), 2 fois');
});

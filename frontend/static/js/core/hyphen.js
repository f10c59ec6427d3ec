// @ts-check
/**
 * Soft hyphens (U+00AD) in long words, so a narrow tile breaks « Rem­bour­se­ments » at a syllable with a
 * hyphen instead of letting it run into the next tile (browsers on Linux have no hyphenation dictionaries:
 * `hyphens: auto` does nothing there). A plain syllable rule for Latin-script languages (French, English):
 * break before a single consonant between vowels, between two consonants unless they sound as one (« ch »,
 * « br », « pl »…), and before the last of three or more (or its last two, when they sound as one). Arabic script is left as it is: it is not hyphenated,
 * and its words are short. Pure: runs in the browser and under node --test.
 */

export const SHY = '\u00ad';
const MIN_WORD = 8; // shorter words fit a tile's line
const MIN_HEAD = 3; // letters kept before the first break
const MIN_TAIL = 3; // and after the last one
const VOWELS = new Set('aeiouyàâäéèêëîïôöùûüÿœæ');
// pairs that open a syllable together: never split
const ONSETS = new Set(['bl', 'br', 'ch', 'cl', 'cr', 'dr', 'fl', 'fr', 'gl', 'gn', 'gr', 'ph', 'pl', 'pr', 'qu', 'sh', 'th', 'tr', 'vr', 'wh']);

/**
 * @param {string} text
 * @param {string} lang the page's language (`fr`, `en`, `ar`)
 * @returns {string} the same text with soft hyphens in its long Latin words
 */
export function softHyphens(text, lang) {
  if (lang === 'ar') return text;
  return text.replace(/\p{L}+/gu, (word) => (word.length >= MIN_WORD && /^\p{Script=Latin}+$/u.test(word) ? hyphenate(word) : word));
}

/** @param {string} word letters only */
function hyphenate(word) {
  const lower = word.toLowerCase();
  const vowel = (/** @type {number} */ i) => VOWELS.has(lower[i] ?? '');
  /** @type {number[]} the indexes a break goes before */
  const cuts = [];
  let i = 0;
  while (i < lower.length && !vowel(i)) i += 1; // the first vowel
  while (i < lower.length) {
    while (i < lower.length && vowel(i)) i += 1; // the end of this vowel group
    const start = i;
    while (i < lower.length && !vowel(i)) i += 1; // the consonants up to the next vowel
    if (i >= lower.length) break; // no vowel after them: the word's last syllable
    const run = i - start;
    let cut = start;
    if (run === 2) cut = ONSETS.has(lower.slice(start, start + 2)) ? start : start + 1;
    else if (run >= 3) cut = ONSETS.has(lower.slice(i - 2, i)) ? i - 2 : i - 1;
    if (lower[cut - 1] === 'q') continue; // « qu » stays whole
    cuts.push(cut);
  }
  const kept = cuts.filter((c) => c >= MIN_HEAD && word.length - c >= MIN_TAIL);
  let out = '';
  let from = 0;
  for (const c of kept) {
    out += word.slice(from, c) + SHY;
    from = c;
  }
  return out + word.slice(from);
}

// @ts-check
/**
 * The join code as residents type it. Pure (no DOM): tested under `node --test` (tests/js/).
 * Codes use upper-case letters and digits; spaces, dashes and case do not matter (the server agrees).
 */

export const MAX_CODE_LENGTH = 16;

/**
 * What was typed, reduced to the code's own characters.
 * @param {string} typed
 */
export function cleanCode(typed) {
  return String(typed).toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, MAX_CODE_LENGTH);
}

/**
 * A cleaned code in groups of three: "K7MQ2X9PFR" → "K7M Q2X 9PF R".
 * @param {string} clean
 */
export function groupCode(clean) {
  return (clean.match(/.{1,3}/g) || []).join(' ');
}

/**
 * Reformat a field's value and keep the caret after the same code character.
 * @param {string} value the field's value
 * @param {number} caret the caret's position in `value`
 * @returns {{value: string, caret: number}}
 */
export function reformat(value, caret) {
  const before = cleanCode(value.slice(0, caret)).length;
  const clean = cleanCode(value);
  const n = Math.min(before, clean.length);
  return { value: groupCode(clean), caret: n + Math.floor(Math.max(n - 1, 0) / 3) };
}

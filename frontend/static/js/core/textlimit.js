/**
 * Text limits, counted as the server counts them: Unicode code points (docs/protocol.md, « 500 characters »),
 * not the UTF-16 units an HTML `maxlength` counts — « 😀 » is one character for the server and two for
 * `maxlength`, so a `maxlength` of 500 let a resident type only 250 emoji the server would have taken.
 *
 * A field states its limit with `data-max-chars`; importing this module makes every such field of the page
 * keep within it (the same cut `maxlength` makes as one types or pastes, at the server's count). A template
 * may also carry `maxlength` with the same number, for a page whose scripts did not load: that count is
 * stricter, so the server never refuses what it lets through; once this module runs it lifts that cap.
 */

/** How many characters the server counts in `text` (a lone surrogate counts as one, like Python). */
export function charCount(/** @type {string} */ text) {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/**
 * `text` cut to its first `max` characters as the server counts them (never inside a surrogate pair).
 * @param {string} text
 * @param {number} max
 */
export function clampChars(text, max) {
  if (text.length <= max) return text; // UTF-16 units are never fewer than code points
  let out = '';
  let n = 0;
  for (const ch of text) {
    if (n === max) break;
    out += ch;
    n += 1;
  }
  return out;
}

/** The limit a field states, or null. @param {EventTarget | null} target */
function limitOf(target) {
  if (!(target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement)) return null;
  const max = Number(target.dataset.maxChars);
  return Number.isInteger(max) && max > 0 ? { field: target, max } : null;
}

/** Cut what a field holds to its limit, keeping the caret where it was (or at the new end). */
function keep(/** @type {Event} */ event) {
  const found = limitOf(event.target);
  if (!found || (event instanceof InputEvent && event.isComposing)) return; // after the IME has finished
  const { field, max } = found;
  const cut = clampChars(field.value, max);
  if (cut === field.value) return;
  const caret = Math.min(field.selectionStart ?? cut.length, cut.length);
  field.value = cut;
  field.setSelectionRange(caret, caret);
}

/** A template's `maxlength` (a stricter count, for pages without scripts) gives way to the server's count. */
function lift(/** @type {Event} */ event) {
  const found = limitOf(event.target);
  if (found) found.field.removeAttribute('maxlength');
}

if (typeof document !== 'undefined') {
  document.addEventListener('input', keep, true);
  document.addEventListener('compositionend', keep, true);
  document.addEventListener('focusin', lift, true);
}

// @ts-check
/** Join-code fields (`[data-code-field]`): upper case, grouped by three as typed; empty submit refused. */
import { cleanCode, reformat } from './joincode.js';
import { showError, hideError } from './feedback.js';

/** @param {HTMLInputElement} input */
function enhance(input) {
  const tidy = () => {
    const caret = input.selectionStart ?? input.value.length;
    const next = reformat(input.value, caret);
    if (next.value !== input.value) {
      input.value = next.value;
      if (document.activeElement === input) input.setSelectionRange(next.caret, next.caret);
    }
  };
  input.addEventListener('input', (event) => {
    if (/** @type {InputEvent} */ (event).isComposing) return;
    tidy();
    const error = document.getElementById('code-error');
    if (error) hideError(error, input);
  });
  input.addEventListener('compositionend', tidy);
  if (input.value) input.value = reformat(input.value, input.value.length).value;

  const form = input.form;
  form?.addEventListener('submit', (event) => {
    const error = document.getElementById('code-error');
    if (!cleanCode(input.value)) {
      event.preventDefault();
      if (error) showError(error, 'code.error.required', input);
      input.focus();
      return;
    }
    input.value = cleanCode(input.value); // a tidy address: /join?code=K7MQ2X9PFR
  });
}

export function enhanceCodeFields() {
  document.querySelectorAll('input[data-code-field]').forEach((el) => enhance(/** @type {HTMLInputElement} */ (el)));
}

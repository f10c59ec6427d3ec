// @ts-check
/** Read a label aloud with the device's speech synthesis, in the chosen language, when it has such a voice. */

const LOCALES = { fr: 'fr-FR', en: 'en-GB', ar: 'ar' };

/** @returns {SpeechSynthesis | null} */
function synth() {
  return typeof window !== 'undefined' && 'speechSynthesis' in window ? window.speechSynthesis : null;
}

/**
 * The device's voice for a language, or null. Voices load late on some browsers (voiceschanged).
 * @param {string} lang
 */
export function voiceFor(lang) {
  const s = synth();
  if (!s) return null;
  const prefix = lang.toLowerCase();
  return s.getVoices().find((v) => v.lang.toLowerCase().startsWith(prefix)) ?? null;
}

/** @param {string} lang */
export function canSpeak(lang) {
  return voiceFor(lang) !== null;
}

/**
 * @param {string} text
 * @param {string} lang
 */
export function speak(text, lang) {
  const s = synth();
  const voice = voiceFor(lang);
  if (!s || !voice) return false;
  s.cancel(); // a new tap replaces what is being read, it does not queue behind it
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.voice = voice;
  utterance.lang = voice.lang || /** @type {Record<string, string>} */ (LOCALES)[lang] || lang;
  utterance.rate = 0.9;
  s.speak(utterance);
  return true;
}

/**
 * Call `fn` whenever the list of voices changes (they arrive asynchronously in Chromium).
 * @param {() => void} fn
 */
export function onVoicesChanged(fn) {
  const s = synth();
  if (s) s.addEventListener('voiceschanged', fn);
}

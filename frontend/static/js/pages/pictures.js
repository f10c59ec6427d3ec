// @ts-check
/**
 * The console's « Nos images »: the facilitator adds the workshop's own pictures (a file or, on a phone, a
 * photo; a French name, English and Arabic if they like; an activity category), sees them and deletes them.
 * They appear in the boards' palette (`custom:<id>` activities).
 *
 * The upload is a multipart POST with the cookie and the page's CSRF token, sent with XMLHttpRequest for its
 * progress; the server decides what the file is (`fresque.uploads`) and its refusals become plain words here.
 * Before sending, what the browser already knows is checked (the size, a type that is not an image), so that
 * nobody waits for 5 MB to go up to hear "too heavy".
 */
import { LANGUAGES } from '../core/i18n.js';
import { call, failure, say, translated } from './console-api.js';
import { currentI18n } from './lang.js';

const MAX_BYTES = 5 * 1024 * 1024; // fresque.uploads.MAX_UPLOAD_BYTES

/** The server's refusal codes, and the words for them. */
const ERRORS = /** @type {Record<string, string>} */ ({
  image_too_large: 'facilitator.pictures.error.too_large',
  unsupported_image: 'facilitator.pictures.error.unsupported',
  image_invalid: 'facilitator.pictures.error.invalid',
  image_bomb: 'facilitator.pictures.error.bomb',
  animated_image: 'facilitator.pictures.error.animated',
  image_timeout: 'facilitator.pictures.error.timeout',
  pictures_busy: 'facilitator.pictures.error.busy',
  too_many_pictograms: 'facilitator.pictures.error.too_many',
  storage_full: 'facilitator.pictures.error.storage_full',
  text_required: 'facilitator.pictures.error.label_required',
  text_too_long: 'facilitator.pictures.error.label_too_long',
  text_invalid: 'facilitator.pictures.error.label_invalid',
});

/**
 * @typedef {{id: string, ref: string, labels: Record<string, string>, category: string | null,
 *   picture_url: string, thumbnail_url: string}} Picture
 * @typedef {{id: string, labels: Record<string, string>}} Category
 */

const section = document.getElementById('pictures');
const root = document.getElementById('facilitator');
const csrf = document.querySelector('meta[name="fresque-csrf"]')?.getAttribute('content') || '';

if (section && root) {
  const api = `/api/workshops/${encodeURIComponent(root.dataset.workshop || '')}/pictograms`;
  const form = /** @type {HTMLFormElement} */ (document.getElementById('picture-form'));
  const fileInput = /** @type {HTMLInputElement} */ (document.getElementById('picture-file'));
  const preview = /** @type {HTMLImageElement} */ (document.getElementById('picture-preview'));
  const labelFr = /** @type {HTMLInputElement} */ (document.getElementById('picture-label-fr'));
  const select = /** @type {HTMLSelectElement} */ (document.getElementById('picture-category'));
  const progress = /** @type {HTMLProgressElement} */ (document.getElementById('picture-progress'));
  const submit = /** @type {HTMLButtonElement} */ (document.getElementById('picture-add'));
  const status = document.getElementById('pictures-status');
  const list = /** @type {HTMLElement} */ (document.getElementById('picture-list'));
  const empty = document.getElementById('pictures-empty');
  const count = document.getElementById('pictures-count');

  /** @type {Category[]} */
  let categories = [];
  /** @type {Picture[]} */
  let pictures = [];

  /** @param {{labels: Record<string, string>}} thing */
  const labelOf = (thing) => thing.labels[currentI18n().lang] ?? thing.labels.fr ?? '';

  /**
   * A status line: success words in the usual colour, a refusal as an error (the same live region).
   * @param {string} key
   * @param {Record<string, string>} [vars]
   * @param {boolean} [error]
   */
  const tell = (key, vars, error = false) => {
    say(status, key, vars);
    status?.classList.toggle('is-error', error);
  };

  const fillCategories = () => {
    const chosen = select.value;
    const none = select.options[0];
    select.replaceChildren(
      none,
      ...categories.map((c) => {
        const option = document.createElement('option');
        option.value = c.id;
        option.textContent = labelOf(c);
        return option;
      }),
    );
    select.value = chosen;
  };

  const renderList = () => {
    if (count) count.textContent = String(pictures.length);
    if (empty) empty.hidden = pictures.length > 0;
    list.replaceChildren(
      ...pictures.map((p) => {
        const label = labelOf(p);
        const item = document.createElement('li');
        item.className = 'picture-row';
        item.dataset.id = p.id;
        const img = document.createElement('img');
        img.className = 'picture-thumb';
        img.src = p.thumbnail_url;
        img.alt = '';
        img.width = 72;
        img.height = 72;
        const names = document.createElement('div');
        names.className = 'picture-names';
        const title = document.createElement('p');
        title.className = 'picture-label';
        title.dir = 'auto';
        title.textContent = label;
        // the other names, each isolated (an Arabic one must not turn the line's direction)
        const others = document.createElement('p');
        others.className = 'hint';
        LANGUAGES.map((lang) => p.labels[lang])
          .filter((text) => text && text !== label)
          .forEach((text, i) => {
            if (i) others.append(' · ');
            others.append(Object.assign(document.createElement('bdi'), { textContent: text }));
          });
        const category = categories.find((c) => c.id === p.category);
        const where = category
          ? Object.assign(document.createElement('p'), { className: 'hint', textContent: labelOf(category) })
          : translated('p', 'hint', 'facilitator.pictures.uncategorised');
        names.append(title, ...(others.textContent ? [others] : []), where);
        const remove = document.createElement('button');
        remove.type = 'button';
        remove.className = 'button button-quiet picture-delete';
        remove.setAttribute('aria-label', currentI18n().t('facilitator.pictures.delete_label', { label }));
        const icon = Object.assign(document.createElement('img'), { className: 'icon', src: '/icons/delete.svg', alt: '' });
        icon.width = 40;
        icon.height = 40;
        remove.append(icon, translated('span', '', 'facilitator.pictures.delete'));
        remove.addEventListener('click', () => void removePicture(p, remove));
        item.append(img, names, remove);
        return item;
      }),
    );
  };

  const load = async () => {
    const [listed, catalogue] = await Promise.all([call('GET', api), call('GET', '/api/pictograms')]);
    if (catalogue.status === 200) categories = catalogue.body.activity_categories ?? [];
    if (listed.status === 200) pictures = listed.body.pictograms ?? [];
    fillCategories();
    renderList();
  };

  /**
   * @param {Picture} picture
   * @param {HTMLButtonElement} button
   */
  const removePicture = async (picture, button) => {
    button.disabled = true;
    const answer = await call('DELETE', `${api}/${encodeURIComponent(picture.id)}`);
    button.disabled = false;
    const label = labelOf(picture);
    if (answer.status === 204 || answer.status === 404) {
      pictures = pictures.filter((p) => p.id !== picture.id);
      renderList();
      tell('facilitator.pictures.done.deleted', { label });
      return;
    }
    if (answer.status === 409 && answer.body?.error === 'pictogram_in_use') {
      const uses = Number(answer.body.count) || 1;
      tell(`facilitator.pictures.error.in_use_${uses === 1 ? 'one' : 'many'}`, { count: String(uses) }, true);
      return;
    }
    tell(failure(answer.status), undefined, true);
  };

  const fileName = document.getElementById('picture-file-name');
  fileInput.addEventListener('change', () => {
    const file = fileInput.files?.[0];
    fileInput.removeAttribute('aria-invalid');
    preview.hidden = true;
    if (fileName) fileName.textContent = file?.name ?? '';
    if (!file) return;
    if (file.size > MAX_BYTES) {
      fileInput.setAttribute('aria-invalid', 'true');
      tell('facilitator.pictures.error.too_large', undefined, true);
      return;
    }
    status?.replaceChildren();
    status?.classList.remove('is-error');
    // A data: URL (the pages' policy allows data: pictures, not blob:): the phone's photo, to check it.
    const reader = new FileReader();
    reader.addEventListener('load', () => {
      if (typeof reader.result === 'string') {
        preview.src = reader.result;
        preview.hidden = false;
      }
    });
    reader.readAsDataURL(file);
  });
  preview.addEventListener('error', () => { preview.hidden = true; }); // e.g. a HEIC photo the browser cannot show

  /**
   * @param {FormData} body
   * @returns {Promise<{status: number, body: any}>}
   */
  const send = (body) => new Promise((resolve) => {
    const request = new XMLHttpRequest();
    request.open('POST', api);
    request.setRequestHeader('Accept', 'application/json');
    request.setRequestHeader('X-Fresque-CSRF', csrf);
    request.responseType = 'json';
    request.upload.addEventListener('progress', (event) => {
      if (!event.lengthComputable) return;
      const percent = Math.round((event.loaded / event.total) * 100);
      progress.value = percent;
      if (percent < 100) tell('facilitator.pictures.done.sending', { percent: String(percent) });
      else tell('facilitator.pictures.done.reading');
    });
    request.addEventListener('load', () => resolve({ status: request.status, body: request.response }));
    request.addEventListener('error', () => resolve({ status: 0, body: null }));
    request.addEventListener('abort', () => resolve({ status: 0, body: null }));
    request.send(body);
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const file = fileInput.files?.[0];
    for (const field of [fileInput, labelFr]) field.removeAttribute('aria-invalid');
    /** @type {[HTMLElement, string] | null} */
    let problem = null;
    if (!file) problem = [fileInput, 'facilitator.pictures.error.no_file'];
    else if (file.size > MAX_BYTES) problem = [fileInput, 'facilitator.pictures.error.too_large'];
    else if (file.type && !file.type.startsWith('image/')) {
      problem = [fileInput, 'facilitator.pictures.error.unsupported']; // a PDF, a video…: not worth sending
    } else if (!labelFr.value.trim()) problem = [labelFr, 'facilitator.pictures.error.label_required'];
    if (problem || !file) {
      const [field, key] = problem ?? [fileInput, 'facilitator.pictures.error.no_file'];
      field.setAttribute('aria-invalid', 'true');
      field.focus();
      tell(key, undefined, true);
      return;
    }
    const body = new FormData();
    body.append('file', file);
    for (const lang of LANGUAGES) {
      const input = /** @type {HTMLInputElement} */ (form.elements.namedItem(`label_${lang}`));
      const text = input.value.trim();
      if (text) body.append(`label_${lang}`, text);
    }
    if (select.value) body.append('category', select.value);
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    progress.value = 0;
    progress.hidden = false;
    tell('facilitator.pictures.done.sending', { percent: '0' });
    const answer = await send(body);
    submit.disabled = false;
    submit.removeAttribute('aria-busy');
    progress.hidden = true;
    if (answer.status === 201 && answer.body?.id) {
      pictures = [...pictures, answer.body];
      renderList();
      form.reset();
      preview.hidden = true;
      if (fileName) fileName.textContent = '';
      tell('facilitator.pictures.done.added', { label: labelOf(answer.body) });
      return;
    }
    const code = answer.body?.error;
    const key = typeof code === 'string' ? ERRORS[code] : undefined;
    if (key) {
      const field = code.startsWith('text_') ? labelFr : fileInput;
      field.setAttribute('aria-invalid', 'true');
      tell(key, undefined, true);
      return;
    }
    tell(answer.status === 413 ? 'facilitator.pictures.error.too_large' : failure(answer.status), undefined, true);
  });

  document.addEventListener('fresque:lang', () => {
    fillCategories();
    renderList();
  });

  void load();
}

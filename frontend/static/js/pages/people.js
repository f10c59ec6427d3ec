// @ts-check
/**
 * The console's « Participants »: everyone of the workshop (GET /api/workshops/{id}/participants), each with
 * their colour, alias, role, here or gone (words and a sign), the kinds of device they are on; the people a
 * device or a facilitator hosts (a table's members, people on paper) listed under their host. Rename in
 * place, remove (after a dialog that says what it does), add someone on paper. Fresh every 5 s while the
 * page is shown, and after each action. Aliases are people's words: text only, never markup.
 */
import { call, clock, failure, say, translated } from './console-api.js';
import { currentI18n } from './lang.js';
import { DEVICES, facilitates } from '../core/protocol.js'; // the server's device kinds and facilitating roles
import '../core/textlimit.js'; // fields with data-max-chars count characters as the server does

/**
 * @typedef {{id: string, alias: string, colour: string, role: string, host_id: string | null,
 *   removed: boolean, present?: boolean, devices?: string[], last_seen?: string | null}} Person
 */

const REFRESH_MS = 5000;

const root = document.getElementById('facilitator');
const workshopId = root?.dataset.workshop || '';
const me = root?.dataset.me || '';
const api = `/api/workshops/${encodeURIComponent(workshopId)}`;

const list = document.getElementById('people');
const count = document.getElementById('people-count');
const empty = document.getElementById('people-empty');
const status = document.getElementById('people-status');
const dialog = /** @type {HTMLDialogElement | null} */ (document.getElementById('remove-dialog'));
const dialogTitle = document.getElementById('remove-title');
const title = document.getElementById('people-title');

/** @type {Person[]} */
let people = [];
let shown = '';
/** The alias being edited: kept across refreshes. @type {{id: string, value: string} | null} */
let editing = null;
/** Who the dialog would remove. @type {Person | null} */
let removing = null;

// -- words --------------------------------------------------------------------------------------------

/**
 * @param {Person} person
 * @param {Map<string, Person>} byId
 */
function presence(person, byId) {
  const box = document.createElement('span');
  if (person.host_id) {
    const host = byId.get(person.host_id);
    const paper = host ? facilitates(host.role) : true;
    box.className = 'presence presence-hosted';
    box.append(translated('span', '', paper ? 'facilitator.on_paper' : 'facilitator.at_table'));
    return box;
  }
  const sign = document.createElement('span');
  sign.className = 'presence-sign';
  sign.setAttribute('aria-hidden', 'true');
  if (person.present) {
    box.className = 'presence presence-here';
    box.append(sign, translated('span', '', 'facilitator.here'));
  } else if (person.last_seen) {
    box.className = 'presence presence-gone';
    box.append(sign, translated('span', '', 'facilitator.left_at', { time: clock(person.last_seen) }));
  } else {
    box.className = 'presence presence-gone';
    box.append(sign, translated('span', '', 'facilitator.not_seen'));
  }
  return box;
}

/** @param {string} kind */
function device(kind) {
  const box = document.createElement('span');
  box.className = 'device';
  const icon = document.createElement('span');
  icon.className = `device-icon device-${kind}`;
  icon.setAttribute('aria-hidden', 'true');
  box.append(icon, translated('span', '', `facilitator.device.${kind}`));
  return box;
}

// -- a row ----------------------------------------------------------------------------------------------

/**
 * @param {string} key
 * @param {string} focusKey
 * @param {string} className
 * @param {string} [icon]
 * @param {Record<string, string>} [vars] for the accessible name (`key`'s `_who` form)
 */
function button(key, focusKey, className, icon, vars) {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = `button ${className}`;
  element.dataset.focusKey = focusKey;
  if (icon) {
    const picture = document.createElement('img');
    Object.assign(picture, { className: 'icon', src: `/icons/${icon}.svg`, alt: '' });
    picture.width = picture.height = 40;
    element.append(picture);
  }
  element.append(translated('span', '', key));
  if (vars) {
    element.setAttribute('data-i18n-aria-label', `${key}_who`);
    element.setAttribute('data-i18n-vars', JSON.stringify(vars));
    element.setAttribute('aria-label', currentI18n().t(`${key}_who`, vars));
  }
  return element;
}

/** @param {Person} person */
function renameForm(person) {
  const form = document.createElement('form');
  form.className = 'rename-form';
  const input = document.createElement('input');
  Object.assign(input, { className: 'input', type: 'text', required: true, autocomplete: 'off' });
  input.dataset.maxChars = '40';
  input.size = 1; // no intrinsic width: the field takes the row's (a phone's 360 px too)
  input.value = editing?.value ?? person.alias;
  input.dataset.focusKey = `${person.id}:input`;
  input.setAttribute('data-i18n-aria-label', 'facilitator.rename_field');
  input.setAttribute('aria-label', currentI18n().t('facilitator.rename_field'));
  input.addEventListener('input', () => {
    if (editing) editing.value = input.value;
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      stopEditing(person.id);
    }
  });
  const save = button('facilitator.rename_save', `${person.id}:save`, 'button-primary', 'done');
  save.type = 'submit';
  const cancel = button('facilitator.cancel', `${person.id}:cancel`, 'button-quiet');
  cancel.addEventListener('click', () => stopEditing(person.id));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    rename(person, input.value);
  });
  form.append(input, save, cancel);
  return form;
}

/**
 * @param {Person} person
 * @param {Map<string, Person>} byId
 * @param {Person[]} hosted
 */
function row(person, byId, hosted) {
  const li = document.createElement('li');
  li.className = `person person-row colour-${person.colour}`;
  li.dataset.id = person.id;
  const dot = document.createElement('span');
  dot.className = 'person-dot';
  dot.setAttribute('aria-hidden', 'true');
  const main = document.createElement('div');
  main.className = 'person-main';
  if (editing?.id === person.id) main.append(renameForm(person));
  else {
    const line = document.createElement('span');
    line.className = 'person-name';
    const name = document.createElement('span');
    name.className = 'person-alias';
    name.textContent = person.alias;
    line.append(name);
    if (person.id === me) line.append(translated('span', 'person-you', 'facilitator.you'));
    main.append(line);
  }
  const meta = document.createElement('div');
  meta.className = 'person-meta';
  if (person.role !== 'participant') meta.append(translated('span', 'person-role', `role.${person.role}`));
  meta.append(presence(person, byId));
  for (const kind of DEVICES) if (person.devices?.includes(kind)) meta.append(device(kind));
  main.append(meta);
  li.append(dot, main);
  if (editing?.id !== person.id) {
    const actions = document.createElement('div');
    actions.className = 'person-actions';
    const vars = { alias: person.alias };
    const renameButton = button('facilitator.rename', `${person.id}:rename`, 'button-quiet', 'edit', vars);
    renameButton.addEventListener('click', () => startEditing(person));
    actions.append(renameButton);
    if (person.role !== 'facilitator' && person.id !== me) {
      const removeButton = button('facilitator.remove', `${person.id}:remove`, 'button-quiet', 'delete', vars);
      removeButton.addEventListener('click', () => askRemove(person));
      actions.append(removeButton);
    }
    li.append(actions);
  }
  if (hosted.length) {
    const sub = document.createElement('ul');
    sub.className = 'people-hosted';
    sub.setAttribute('role', 'list');
    sub.setAttribute('data-i18n-aria-label', 'facilitator.hosted_by');
    sub.setAttribute('data-i18n-vars', JSON.stringify({ alias: person.alias }));
    sub.setAttribute('aria-label', currentI18n().t('facilitator.hosted_by', { alias: person.alias }));
    sub.append(...hosted.map((h) => row(h, byId, [])));
    li.append(sub);
  }
  return li;
}

// -- the list -------------------------------------------------------------------------------------------

/** @param {boolean} [force] draw even when nothing changed (a new language, an edit started) */
function render(force = false) {
  if (!list) return;
  const here = people.filter((p) => !p.removed);
  const signature = JSON.stringify([here, editing?.id ?? null]);
  if (!force && signature === shown) return;
  shown = signature;
  const byId = new Map(here.map((p) => [p.id, p]));
  /** @type {Map<string, Person[]>} */
  const hostedBy = new Map();
  const top = [];
  for (const person of here) {
    if (person.host_id && byId.has(person.host_id) && !byId.get(person.host_id)?.host_id) {
      const group = hostedBy.get(person.host_id) || [];
      group.push(person);
      hostedBy.set(person.host_id, group);
    } else top.push(person);
  }
  const active = /** @type {HTMLElement | null} */ (document.activeElement);
  const focusKey = list.contains(active) ? active?.dataset.focusKey : undefined;
  const selection =
    active instanceof HTMLInputElement ? [active.selectionStart, active.selectionEnd] : [null, null];
  list.replaceChildren(...top.map((p) => row(p, byId, hostedBy.get(p.id) || [])));
  if (focusKey) {
    const again = /** @type {HTMLElement | null} */ (list.querySelector(`[data-focus-key="${focusKey}"]`));
    again?.focus({ preventScroll: true });
    if (again instanceof HTMLInputElement && selection[0] !== null)
      again.setSelectionRange(selection[0], selection[1]);
  }
  const residents = here.filter((p) => p.role !== 'facilitator' && p.role !== 'observer').length;
  if (count) count.textContent = String(residents);
  if (empty) empty.hidden = residents > 0;
}

export async function refresh() {
  if (!workshopId || document.visibilityState !== 'visible') return;
  const answer = await call('GET', `${api}/participants`);
  if (answer.status === 200 && Array.isArray(answer.body?.participants)) {
    people = answer.body.participants;
    render();
  }
}

// -- renaming -------------------------------------------------------------------------------------------

/** @param {Person} person */
function startEditing(person) {
  editing = { id: person.id, value: person.alias };
  render(true);
  const input = /** @type {HTMLInputElement | null} */ (
    list?.querySelector(`[data-focus-key="${person.id}:input"]`) || null
  );
  input?.focus();
  input?.select();
}

/** @param {string} id */
function stopEditing(id) {
  editing = null;
  render(true);
  /** @type {HTMLElement | null} */ (list?.querySelector(`[data-focus-key="${id}:rename"]`) || null)?.focus();
}

/**
 * @param {Person} person
 * @param {string} typed
 */
async function rename(person, typed) {
  const alias = typed.trim();
  if (!alias) {
    say(status, 'facilitator.done.alias_needed');
    return;
  }
  const answer = await call('PATCH', `${api}/participants/${encodeURIComponent(person.id)}`, { alias });
  if (answer.status !== 200) {
    say(status, answer.status === 422 ? 'facilitator.done.alias_invalid' : failure(answer.status));
    return;
  }
  say(status, 'facilitator.done.renamed', { before: person.alias, alias: answer.body?.alias ?? alias });
  const known = people.find((p) => p.id === person.id);
  if (known) known.alias = answer.body?.alias ?? alias;
  stopEditing(person.id);
  await refresh();
}

// -- removing -------------------------------------------------------------------------------------------

/** @param {Person} person */
function askRemove(person) {
  if (!dialog || !dialogTitle) return;
  removing = person;
  dialogTitle.setAttribute('data-i18n', 'facilitator.remove_title');
  dialogTitle.setAttribute('data-i18n-vars', JSON.stringify({ alias: person.alias }));
  dialogTitle.textContent = currentI18n().t('facilitator.remove_title', { alias: person.alias });
  const effect = document.getElementById('remove-effect');
  const key = person.host_id ? 'facilitator.remove_effect_hosted' : 'facilitator.remove_effect';
  if (effect) {
    effect.setAttribute('data-i18n', key);
    effect.textContent = currentI18n().t(key);
  }
  dialog.showModal();
  document.getElementById('remove-cancel')?.focus();
}

document.getElementById('remove-cancel')?.addEventListener('click', () => {
  const who = removing;
  dialog?.close();
  removing = null;
  if (who) /** @type {HTMLElement | null} */ (list?.querySelector(`[data-focus-key="${who.id}:remove"]`) || null)?.focus();
});

document.getElementById('remove-confirm')?.addEventListener('click', async () => {
  const who = removing;
  if (!who) return;
  const answer = await call('DELETE', `${api}/participants/${encodeURIComponent(who.id)}`);
  dialog?.close();
  removing = null;
  if (answer.status === 204 || answer.status === 404) {
    say(status, 'facilitator.done.removed', { alias: who.alias });
    people = people.filter((p) => p.id !== who.id);
    render();
  } else if (answer.status === 409) say(status, 'facilitator.done.cannot_remove_owner');
  else say(status, failure(answer.status));
  title?.focus();
  await refresh();
});

// -- someone on paper -----------------------------------------------------------------------------------

const paperForm = /** @type {HTMLFormElement | null} */ (document.getElementById('add-paper'));
paperForm?.addEventListener('submit', async (event) => {
  event.preventDefault();
  const field = /** @type {HTMLInputElement | null} */ (paperForm.elements.namedItem('alias'));
  const alias = (field?.value || '').trim();
  if (!alias) {
    say(status, 'facilitator.done.alias_needed');
    field?.focus();
    return;
  }
  const answer = await call('POST', `${api}/hosted`, { alias, kind: 'paper' });
  if (answer.status !== 201) {
    if (answer.body?.error === 'too_many_hosted') say(status, 'facilitator.done.too_many_hosted');
    else if (answer.body?.error === 'workshop_full') say(status, 'join.error.workshop_full');
    else say(status, answer.status === 422 ? 'facilitator.done.alias_invalid' : failure(answer.status));
    return;
  }
  if (field) field.value = '';
  say(status, 'facilitator.done.paper_added', { alias: answer.body?.alias ?? alias });
  await refresh();
});

// -- keeping it fresh -----------------------------------------------------------------------------------

if (list && workshopId) {
  title?.setAttribute('tabindex', '-1');
  refresh();
  setInterval(refresh, REFRESH_MS);
  document.addEventListener('visibilitychange', refresh);
  document.addEventListener('fresque:lang', () => render(true));
}

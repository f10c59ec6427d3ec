// @ts-check
/**
 * Table mode: several residents share one touch screen (a social centre's big screen). Each resident of the
 * table is a person hosted by this device (`POST /api/workshops/{id}/hosted`, kind "table"), shown as a chip
 * along the bottom edge with their name, colour and counts. Every placement or vote is made as one of them
 * (the push carries `as`, docs/protocol.md "Acting for someone without a device"): tap your chip first (a
 * second tap keeps you: only « J'ai fini » lets go); while nobody is chosen, starting an action (a pictogram,
 * pulling a thread, voting, a note) asks « Qui êtes-vous ? » first, then goes on as that person. On/off and who
 * is active are kept in this browser for this board.
 *
 * People on paper (docs/protocol.md, the console's « Ajouter une personne sur papier »): hosted by a
 * facilitator, so the facilitator's board acts for them the same way. The facilitator's bar turns on the paper
 * mode (`setPaper`): the same chips, marked « papier », a banner « Vous saisissez pour : … » and « Revenir à
 * moi »; people are added on the console (a link), not here. Who counts as on paper is the console's rule
 * (js/pages/people.js): hosted by a facilitating person.
 */
import { countOf } from '../core/i18n.js';
import { facilitates } from '../core/protocol.js';
import { actingFor, hostedList, hostedPerson, personCounts, tableState } from '../core/table.js';
import { h, picture } from './dom.js';
import { load, save } from './persist.js';

const FACILITATOR_COLOUR = 'charcoal'; // residents never take it (backend/fresque/profiles.py)
const ADD = '\u0000add'; // the "add someone" answer of the who-are-you sheet (never a participant id)

/**
 * @typedef {{id: string, alias: string, colour: string | null}} Member  colour: a palette id or a hex
 * @typedef {{id: string, hex: string, text: string, name_key: string}} Colour
 */

/** Where a screen keeps its table state (who is at the table, table mode on or off). @param {any} boot */
function tableKey(boot) {
  return `fresque.table.v1.${boot.board.id}.${boot.me.participant}`;
}

/** Whether this screen was left in table mode (said in the first hello, before the table is drawn). @param {any} boot */
export function savedTableMode(boot) {
  return tableState(load(tableKey(boot))).on;
}

export class Table {
  /**
   * @param {object} o
   * @param {any} o.boot the page's bootstrap (board, workshop, me, palette, csrf?, aliases?)
   * @param {import('../core/store.js').BoardStore} o.store
   * @param {import('./dialogs.js').Sheet} o.sheet
   * @param {import('./catalogue.js').Catalogue} o.catalogue
   * @param {() => {t: import('../core/i18n.js').Translate, lang: string}} o.i18n
   * @param {Map<string, {alias: string, colour: string | null}>} o.people who is who on this page (renderer)
   * @param {() => void} o.repaint redraw the items (a member's colour became known)
   * @param {() => boolean} o.voting whether the page is in vote mode
   * @param {(on: boolean) => void} o.onMode table mode turned on or off
   * @param {() => void} o.onActive the active person changed (vote counts, the action bar)
   * @param {(text: string) => void} o.say a short message (toast)
   * @param {HTMLElement} o.tools the top bar's tools (the toggle goes there)
   * @param {HTMLElement} o.bottom the bottom bar (the chips go there, above the palette)
   */
  constructor({ boot, store, sheet, catalogue, i18n, people, repaint, voting, onMode, onActive, say, tools, bottom }) {
    this.boot = boot;
    this.store = store;
    this.sheet = sheet;
    this.catalogue = catalogue;
    this.i18n = i18n;
    this.people = people;
    this.repaint = repaint;
    this.voting = voting;
    this.onMode = onMode;
    this.onActive = onActive;
    this.say = say;
    this.me = /** @type {string} */ (boot.me.participant);
    this.key = tableKey(boot);
    const saved = load(this.key);
    this.state = tableState(saved);
    /** Paper mode: a facilitator enters what people taking part on paper did (kept with the table's state). */
    this.paper = saved?.paper === true;
    /** Told when paper mode goes on or off (facilitation.js redraws its bar). */
    this.onPaperChange = () => {};
    /** @type {Colour[]} */
    this.colours = (boot.palette ?? []).filter((/** @type {Colour} */ c) => c.id !== FACILITATOR_COLOUR);
    /** @type {Map<string, Member>} in the order they joined the table */
    this.members = new Map();
    /** op_id → the person a batch was made as, for undo */
    /** @type {Map<string, string>} */
    this.madeAs = new Map();
    const { t } = i18n();
    this.toggle = h('button', {
      id: 'table-mode',
      class: 'tool table-toggle',
      attrs: { type: 'button', 'aria-pressed': 'false' },
      on: { click: () => this.setOn(!this.state.on) },
    }, [picture(catalogue.icon('people')), h('span', { class: 'label', text: t('table.mode') })]);
    tools.prepend(this.toggle);
    this.banner = h('p', { class: 'table-active', attrs: { 'aria-live': 'polite' } });
    this.chips = h('ul', { class: 'table-chips' });
    this.addButton = h('button', {
      class: 'table-add',
      attrs: { type: 'button' },
      on: { click: () => this.addPerson() },
    }, [h('span', { class: 'plus', text: '+', attrs: { 'aria-hidden': 'true' } }), h('span', { class: 'label', text: t('table.add') })]);
    // paper mode: the way back to acting as oneself, and the console, where people on paper are added
    this.backButton = h('button', {
      class: 'paper-back',
      attrs: { type: 'button' },
      on: { click: () => this.setPaper(false) },
    }, [h('span', { class: 'label' })]);
    this.consoleLink = h('a', {
      class: 'table-add paper-console',
      attrs: { href: this.consoleUrl(), target: '_blank', rel: 'noopener' },
    }, [picture(catalogue.icon('people')), h('span', { class: 'label' })]);
    // « J'ai fini »: the turn is over; the next action asks « Qui êtes-vous ? » instead of going on as them
    this.doneButton = h('button', {
      class: 'table-done',
      attrs: { type: 'button' },
      on: { click: () => this.setActive(null) },
    }, [h('span', { class: 'label' })]);
    this.strip = h('section', { id: 'table-strip', class: 'table-strip', hidden: true }, [
      this.banner,
      this.doneButton,
      this.backButton,
      h('div', { class: 'table-people' }, [this.chips, this.addButton, this.consoleLink]),
    ]);
    // people added on the console (another tab) show up when the facilitator comes back to the board
    document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'visible' && this.paperOn) this.loadMembers(); });
    bottom.prepend(this.strip);
    this.render();
  }

  get on() {
    return this.state.on;
  }

  /** Whether this screen facilitates (its hosted people are then people on paper, as on the console). */
  get facilitating() {
    return facilitates(this.store.role ?? this.boot.me.role);
  }

  /** Paper mode is on: this facilitator enters what people on paper did. */
  get paperOn() {
    return this.state.on && this.paper && this.facilitating;
  }

  /** The person whose turn it is, or null. */
  get active() {
    return this.state.on && this.state.active && this.members.has(this.state.active) ? this.state.active : null;
  }

  /** Who acts now: the active member in table mode, else this device's participant. */
  actor() {
    return this.active ?? this.me;
  }

  /**
   * Who a batch is made as (its `as`), or null: the member who made what it edits, else the active one.
   * @param {{op: string, [key: string]: any}[]} ops
   */
  actingFor(ops) {
    if (!this.state.on) return null;
    return actingFor(this.store.view(), ops, new Set(this.members.keys()), this.active);
  }

  /** @param {import('../core/protocol.js').OpsMessage} msg a batch just sent */
  sent(msg) {
    if (msg.as) this.madeAs.set(msg.op_id, msg.as);
  }

  /**
   * Whom the newest undoable batch was made as (undo takes it back as the same person), or null.
   * @param {import('../core/undo.js').UndoStack} undo
   */
  undoAs(undo) {
    const entries = /** @type {{opId: string | null}[]} */ (/** @type {any} */ (undo)._entries ?? []);
    const top = entries[entries.length - 1];
    return (top?.opId && this.madeAs.get(top.opId)) || null;
  }

  /**
   * In table mode with nobody chosen: ask « Qui êtes-vous ? », then run `then`. True when it took over.
   * @param {() => void} then
   */
  gate(then) {
    if (!this.state.on || this.active) return false;
    this.askWho().then((id) => { if (id) then(); });
    return true;
  }

  /** @param {boolean} on */
  setOn(on) {
    if (on === this.state.on) return;
    this.state.on = on;
    const wasPaper = this.paper;
    if (!on) this.paper = false;
    this.keep();
    if (wasPaper && !on) this.onPaperChange();
    this.render();
    this.onMode(on);
    if (on && this.members.size === 0) this.addPerson();
  }

  /** @param {string | null} id */
  setActive(id) {
    this.state.active = id;
    this.keep();
    this.render();
    this.onActive();
  }

  keep() {
    save(this.key, { ...this.state, paper: this.paper });
  }

  /**
   * The facilitator's « Saisir pour une personne sur papier » (on), « Revenir à moi » (off). On: the people on
   * paper as chips, then « Pour qui saisissez-vous ? » (or, with nobody on paper yet, the way to the console).
   * Off: this screen acts as the facilitator again. No reconnect and no refit: the board stays where it is.
   * @param {boolean} on
   */
  async setPaper(on) {
    if (on === this.paperOn) return;
    this.paper = on;
    this.state.on = on;
    this.state.active = null;
    this.keep();
    this.render();
    this.onActive();
    this.onPaperChange();
    if (!on) {
      this.say(this.i18n().t('board.paper.back_done'));
      return;
    }
    await this.loadMembers();
    if (this.paperOn && !this.active) await this.askWho();
  }

  /** The table's people, from the server (`GET /api/workshops/{id}/hosted`: the ones this device hosts). */
  async loadMembers() {
    try {
      const res = await fetch(this.url(), { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!res.ok) return;
      for (const p of hostedList(await res.json())) this.remember(p);
      if (this.facilitating) await this.loadPaper();
      this.repaint();
      this.render();
    } catch {
      // offline: the chips come with the next load; what was placed keeps its colours from the roster
    }
  }

  /**
   * A facilitator also enters for the people on paper another facilitator of the workshop added (the server
   * lets facilitators act for them): everyone hosted by a facilitating person, from the console's list.
   */
  async loadPaper() {
    const res = await fetch(`/api/workshops/${encodeURIComponent(this.boot.workshop.id)}/participants`, {
      credentials: 'same-origin', headers: { Accept: 'application/json' },
    });
    if (!res.ok) return;
    const all = /** @type {any[]} */ ((await res.json())?.participants ?? []);
    const roles = new Map(all.map((p) => [p.id, p.role]));
    for (const raw of all) {
      if (raw.removed || !raw.host_id || !facilitates(roles.get(raw.host_id))) continue;
      const p = hostedList([raw])[0];
      if (p) this.remember(p);
    }
  }

  /** The console's section where people on paper are added. */
  consoleUrl() {
    return `/workshops/${encodeURIComponent(this.boot.workshop.id)}#people-card`;
  }

  url() {
    return `/api/workshops/${encodeURIComponent(this.boot.workshop.id)}/hosted`;
  }

  /** @param {Member} p */
  remember(p) {
    this.members.set(p.id, p);
    this.people.set(p.id, { alias: p.alias, colour: this.colour(p.colour)?.hex ?? (p.colour?.startsWith('#') ? p.colour : null) });
  }

  /** @param {string | null} id a palette id or a hex @returns {Colour | null} */
  colour(id) {
    if (!id) return null;
    return (this.boot.palette ?? []).find((/** @type {Colour} */ c) => c.id === id || c.hex.toLowerCase() === id.toLowerCase()) ?? null;
  }

  // -- drawing -----------------------------------------------------------------------------------------------

  render() {
    const { t, lang } = this.i18n();
    const on = this.state.on;
    document.body.classList.toggle('table-mode', on);
    this.toggle.setAttribute('aria-pressed', String(on));
    const toggleLabel = this.toggle.querySelector('.label');
    if (toggleLabel) toggleLabel.textContent = t('table.mode');
    const addLabel = this.addButton.querySelector('.label');
    if (addLabel) addLabel.textContent = t('table.add');
    this.strip.hidden = !on;
    const paper = this.paperOn;
    const marked = this.facilitating; // a facilitator's hosted people are on paper (the console's rule)
    this.strip.classList.toggle('paper-mode', paper);
    document.body.classList.toggle('paper-mode', paper);
    this.strip.setAttribute('aria-label', paper ? t('board.paper.label') : t('table.label'));
    this.addButton.hidden = paper;
    this.consoleLink.hidden = !paper;
    this.backButton.hidden = !paper;
    const back = this.backButton.querySelector('.label');
    if (back) back.textContent = t('board.paper.back');
    const link = this.consoleLink.querySelector('.label');
    if (link) link.textContent = t('board.paper.console');
    const done = this.doneButton.querySelector('.label');
    if (done) done.textContent = t('table.done');
    this.doneButton.hidden = paper || !this.active;
    if (!on) return;
    const view = this.store.view();
    const active = this.active;
    this.chips.replaceChildren(...[...this.members.values()].map((p) => {
      const counts = personCounts(view, p.id);
      const chip = h('button', {
        class: `table-chip${p.id === active ? ' active' : ''}`,
        attrs: { type: 'button', 'aria-pressed': String(p.id === active) },
        dataset: { person: p.id },
        // a second tap on your own chip keeps you chosen (a tap meant to confirm must not undo the choice)
        on: { click: () => { if (p.id !== this.active) this.setActive(p.id); } },
      }, [
        h('span', { class: 'avatar', text: [...p.alias][0]?.toUpperCase() ?? '?', attrs: { 'aria-hidden': 'true' } }),
        h('span', { class: 'who' }, [
          h('span', { class: 'alias', text: p.alias, attrs: { dir: 'auto' } }),
          marked ? paperTag(t, this.catalogue.icon('note')) : null,
          h('span', { class: 'counts' }, [
            h('span', { class: 'count-activities', text: countOf(t, 'table.count.activities', counts.activities, lang) }),
            h('span', { class: 'count-dots', text: countOf(t, 'table.count.dots', counts.votesLeft, lang) }),
          ]),
        ]),
      ]);
      this.paint(chip, p);
      return h('li', {}, [chip]);
    }));
    const person = active ? this.members.get(active) : null;
    if (person) {
      const left = personCounts(view, person.id).votesLeft;
      // the name isolated (FSI … PDI): "Amina" keeps the Arabic sentence around it right to left
      const alias = `\u2068${person.alias}\u2069`;
      const text = paper ? t('board.paper.for', { alias }) : this.voting()
        ? countOf(t, 'table.active_votes', left, lang).replace('{alias}', alias)
        : t('table.active', { alias });
      this.banner.replaceChildren(
        h('span', { class: 'avatar', text: [...person.alias][0]?.toUpperCase() ?? '?', attrs: { 'aria-hidden': 'true' } }),
        h('span', { class: 'text', text }),
      );
      this.paint(this.banner, person);
      this.banner.classList.add('someone');
    } else {
      const none = paper ? (this.members.size ? t('board.paper.nobody') : t('board.paper.empty')) : this.members.size ? t('table.nobody') : t('table.empty');
      this.banner.replaceChildren(h('span', { class: 'text', text: none }));
      this.banner.style.removeProperty('--person');
      this.banner.style.removeProperty('--person-ink');
      this.banner.classList.remove('someone');
    }
  }

  /** @param {HTMLElement} el @param {Member} p */
  paint(el, p) {
    const c = this.colour(p.colour);
    el.style.setProperty('--person', c?.hex ?? (p.colour?.startsWith('#') ? p.colour : '#5c5347'));
    el.style.setProperty('--person-ink', c?.text ?? '#FFFFFF');
  }

  // -- sheets ------------------------------------------------------------------------------------------------

  /** « Qui êtes-vous ? »: the table's people; or someone new. @returns {Promise<string | null>} */
  async askWho() {
    const { t } = this.i18n();
    const paper = this.paperOn;
    if (paper && this.members.size === 0) {
      await this.sheet.ask(t('board.paper.who'), [
        h('p', { class: 'hint', text: t('board.paper.none_help') }),
        h('div', { class: 'sheet-actions' }, [
          h('a', { class: 'primary paper-console-link', attrs: { href: this.consoleUrl(), target: '_blank', rel: 'noopener' } }, [
            picture(this.catalogue.icon('people')), h('span', { text: t('board.paper.console') }),
          ]),
        ]),
      ]);
      return null;
    }
    if (this.members.size === 0) return this.addPerson();
    const grid = h('div', { class: 'choices table-who' }, [...this.members.values()].map((p) => {
      const b = h('button', {
        class: 'choice table-chip',
        attrs: { type: 'button' },
        dataset: { person: p.id },
        on: { click: () => this.sheet.finish(p.id) },
      }, [
        h('span', { class: 'avatar', text: [...p.alias][0]?.toUpperCase() ?? '?', attrs: { 'aria-hidden': 'true' } }),
        h('span', { class: 'alias', text: p.alias, attrs: { dir: 'auto' } }),
        this.facilitating ? paperTag(t, this.catalogue.icon('note')) : null,
      ]);
      this.paint(b, p);
      return b;
    }));
    grid.append(paper ? h('a', {
      class: 'choice table-add paper-console',
      attrs: { href: this.consoleUrl(), target: '_blank', rel: 'noopener' },
    }, [picture(this.catalogue.icon('people')), h('span', { text: t('board.paper.console') })]) : h('button', {
      class: 'choice table-add',
      attrs: { type: 'button' },
      on: { click: () => this.sheet.finish(ADD) },
    }, [h('span', { class: 'plus', text: '+', attrs: { 'aria-hidden': 'true' } }), h('span', { text: t('table.add') })]));
    const answer = await this.sheet.ask(paper ? t('board.paper.who') : t('table.who'), [grid]);
    if (answer === ADD) return this.addPerson();
    if (typeof answer === 'string' && this.members.has(answer)) {
      this.setActive(answer);
      return answer;
    }
    return null;
  }

  /** Someone new at the table: a name (typed or a picture's) and a colour. @returns {Promise<string | null>} */
  async addPerson() {
    const { t } = this.i18n();
    const name = /** @type {HTMLInputElement} */ (h('input', {
      class: 'text-input table-name',
      attrs: { type: 'text', 'data-max-chars': '40', autocomplete: 'off', dir: 'auto', 'aria-label': t('table.add.name') },
    }));
    const aliases = Array.isArray(this.boot.aliases) ? this.boot.aliases : []; // pages.py ALIAS_SUGGESTIONS
    const suggestions = aliases.map((/** @type {string} */ id) => {
      const b = h('button', {
        class: 'alias-button',
        attrs: { type: 'button', 'aria-pressed': 'false' },
        dataset: { alias: id },
        on: {
          click: () => {
            name.value = t(`alias.${id}`);
            for (const other of suggestions) other.setAttribute('aria-pressed', String(other === b));
          },
        },
      }, [picture(this.catalogue.icon(`alias-${id}`)), h('span', { text: t(`alias.${id}`) })]);
      return b;
    });
    name.addEventListener('input', () => { for (const b of suggestions) b.setAttribute('aria-pressed', 'false'); });
    const taken = new Set([...this.members.values()].map((m) => this.colour(m.colour)?.id));
    let chosen = (this.colours.find((c) => !taken.has(c.id)) ?? this.colours[0])?.id ?? null;
    const group = `table-colour-${Math.random().toString(36).slice(2, 8)}`;
    const swatches = h('div', { class: 'swatches table-swatches', attrs: { role: 'radiogroup', 'aria-label': t('table.add.colour') } },
      this.colours.map((c) => {
        const input = /** @type {HTMLInputElement} */ (h('input', {
          class: 'swatch-input',
          attrs: { type: 'radio', name: group, value: c.id },
          on: { change: () => { chosen = c.id; } },
        }));
        input.checked = c.id === chosen;
        const chip = h('span', { class: 'swatch-chip', attrs: { 'aria-hidden': 'true' } });
        chip.style.setProperty('--swatch', c.hex);
        chip.style.setProperty('--swatch-text', c.text);
        return h('label', { class: `swatch colour-${c.id}` }, [input, chip, h('span', { class: 'swatch-name', text: t(c.name_key) })]);
      }));
    const error = h('p', { class: 'sheet-error', attrs: { role: 'alert' } });
    /** @type {string | null} */
    let created = null;
    const ok = /** @type {HTMLButtonElement} */ (h('button', { class: 'primary', attrs: { type: 'button' } }, [
      picture(this.catalogue.icon('done')), h('span', { text: t('table.add.done') }),
    ]));
    ok.addEventListener('click', async () => {
      const alias = name.value.trim();
      if (!alias) {
        error.textContent = t('table.add.name_required');
        name.focus();
        return;
      }
      ok.disabled = true;
      const result = await this.create(alias, chosen);
      ok.disabled = false;
      if (typeof result === 'string') {
        error.textContent = t(result);
        return;
      }
      created = result.id;
      this.sheet.finish(result.id);
    });
    const body = [
      h('p', { class: 'hint', text: t('table.add.help') }),
      name,
      h('div', { class: 'alias-suggestions table-aliases' }, suggestions),
      h('p', { class: 'table-step', text: t('table.add.colour') }),
      swatches,
      error,
      h('div', { class: 'sheet-actions' }, [ok]),
    ];
    const answer = await this.sheet.ask(t('table.add.title'), body);
    return answer === created ? created : null;
  }

  /**
   * POST the new person; the member made, or the translation key of what went wrong.
   * @param {string} alias
   * @param {string | null} colour
   * @returns {Promise<Member | string>}
   */
  async create(alias, colour) {
    const csrf = document.querySelector('meta[name="fresque-csrf"]')?.getAttribute('content') || this.boot.csrf || '';
    /** @type {Record<string, string>} */
    const payload = { alias, kind: 'table' };
    if (colour) payload.colour = colour;
    let res;
    try {
      res = await fetch(this.url(), {
        method: 'POST',
        credentials: 'same-origin',
        headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-Fresque-CSRF': csrf },
        body: JSON.stringify(payload),
      });
    } catch {
      return 'common.error.network';
    }
    /** @type {any} */
    let body = null;
    try { body = await res.json(); } catch { /* an empty or HTML answer */ }
    if (!res.ok) {
      if (body?.error === 'text_invalid' || body?.error === 'text_too_long') return 'join.error.alias_invalid';
      if (body?.error === 'too_many_hosted') return 'table.add.too_many'; // FRESQUE_MAX_HOSTED_PER_HOST
      if (body?.error === 'workshop_full') return 'join.error.workshop_full'; // FRESQUE_MAX_PEOPLE_PER_WORKSHOP
      return 'common.error.failed';
    }
    const person = hostedPerson(body?.person ?? body);
    if (!person) return 'common.error.failed';
    if (!person.colour && colour) person.colour = colour;
    this.remember(person);
    this.state.active = person.id;
    this.keep();
    this.repaint();
    this.render();
    this.onActive();
    this.say(this.i18n().t('table.added', { alias: person.alias }));
    return person;
  }
}

/**
 * The mark of someone taking part on paper: a sheet-of-paper picture and the word, never colour alone.
 * @param {import('../core/i18n.js').Translate} t @param {string} icon
 */
function paperTag(t, icon) {
  return h('span', { class: 'paper-tag' }, [picture(icon), h('span', { text: t('board.paper.tag') })]);
}

// @ts-check
/**
 * Who is who on this page: every author's and voter's name and colour, from the workshop's roster
 * (`GET /api/workshops/{id}`), asked again when someone unknown arrives or makes a card (a table's members make
 * cards without ever being "here"); and who is here now (the presence list in the top bar).
 */
import { showPresence } from './bars.js';
import { byId } from './dom.js';

/** @typedef {{alias: string, colour: string | null}} Person */

export class People {
  /**
   * @param {import('./page.js').BoardPage} page
   * @param {Promise<any[] | null>} first the roster asked for while the page loads, for the first `load` to take in
   */
  constructor(page, first) {
    const { boot, me } = page;
    this.page = page;
    /** @type {Map<string, string>} palette id → colour */
    this.hexOf = new Map(boot.palette.map((/** @type {any} */ c) => [c.id, c.hex]));
    /** @type {Map<string, Person>} */
    this.known = new Map([[me, { alias: boot.me.alias, colour: this.colourOf(boot.me.colour) }]]);
    /** @type {Promise<any[] | null> | null} the first roster, for the first load to take in */
    this.rosterPending = first;
    this.loading = false;
    this.again = false;
    /** @type {any[] | null} the last "who is here" list, drawn again once newcomers' colours are known */
    this.presentNow = null;
    /** authors asked about once: a table's members make cards without ever being "here" */
    this.askedAbout = new Set([me]);
    this.presenceEl = byId('presence');
    /** @param {string} id @returns {Person} */
    this.person = (id) => this.known.get(id) ?? { alias: '?', colour: null };
  }

  /** @param {string | null | undefined} id a palette id */
  colourOf(id) {
    return id ? this.hexOf.get(id) ?? null : null;
  }

  /**
   * Take in a roster. @param {any[] | null} list (null: not had) @returns {boolean} whether anyone's name or
   * colour changed (the cards need drawing again)
   */
  take(list) {
    const people = this.known;
    let changed = false;
    for (const p of list ?? []) {
      const was = people.get(p.id);
      const now = { alias: p.alias, colour: this.colourOf(p.colour) };
      if (!was || was.alias !== now.alias || was.colour !== now.colour) changed = true;
      people.set(p.id, now);
    }
    return changed;
  }

  async load() {
    if (this.loading) {
      // Someone else arrived during this fetch: ask again after it. (Skipping the call left the second of
      // two residents joining together without a colour for good: the page then counted them as known.)
      this.again = true;
      return;
    }
    this.loading = true;
    try {
      const asked = this.rosterPending ?? roster(this.page.boot.workshop.id);
      this.rosterPending = null;
      const list = await asked; // null offline: authors keep a neutral colour until the next try
      if (this.take(list)) {
        // the cards whose author's or voters' name or colour changed; not relabel: rebuilding the grid took the
        // keyboard focus off a cell when someone joined
        this.page.renderer.peopleChanged();
        // the newcomers' chips in "who is here" were drawn before their colours were known
        if (this.presentNow) this.showHere(this.presentNow);
      }
    } finally {
      this.loading = false;
      if (this.again) {
        this.again = false;
        this.load();
      }
    }
  }

  /** The server's "who is here" (`presence_list`). @param {any[]} participants */
  here(participants) {
    const people = this.known;
    this.presentNow = participants;
    this.showHere(participants);
    if (participants.some((p) => !people.has(p.participant))) {
      for (const p of participants) if (!people.has(p.participant)) people.set(p.participant, { alias: p.alias, colour: null });
      this.load();
    }
  }

  /** @param {any[]} participants */
  showHere(participants) {
    showPresence(this.presenceEl, participants, this.person, this.page.me, this.page.i18n());
  }

  /** The replica changed: the names and colours of authors not met yet, from the workshop's roster. */
  authorsSeen() {
    let unknown = false;
    for (const it of this.page.store.view().items.values()) {
      if (!this.askedAbout.has(it.author) && !this.known.has(it.author)) { this.askedAbout.add(it.author); unknown = true; }
    }
    if (unknown) this.load(); // their names and colours, from the workshop's roster
  }
}

/**
 * The workshop's participants (`GET /api/workshops/{id}`): their ids, names and colours; null when they could
 * not be had (offline, the session revoked).
 * @param {string} workshopId
 * @returns {Promise<any[] | null>}
 */
export async function roster(workshopId) {
  try {
    const res = await fetch(`/api/workshops/${encodeURIComponent(workshopId)}`, { credentials: 'same-origin' });
    return res.ok ? (await res.json()).participants ?? [] : null;
  } catch {
    return null;
  }
}

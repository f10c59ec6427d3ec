// @ts-check
/**
 * The pictogram catalogue as the board uses it: entries by id, labels in the chosen language; and the
 * workshop's own pictures (uploaded on the facilitator's console), activities whose id is `custom:<id>`.
 */

/**
 * @typedef {{id: string, labels: Record<string, string>, picture_url: string, thumb_url?: string, category?: string, when?: string, custom?: boolean}} Entry
 * @typedef {{id: string, labels: Record<string, string>}} Category
 * @typedef {{ref: string, labels: Record<string, string>, category: string | null, picture_url: string, thumbnail_url: string}} CustomPictogram
 */

/** The palette's tab of the workshop's own pictures (« Nos images »): not a catalogue category id. */
export const OURS = '@ours';
const CUSTOM_PREFIX = 'custom:';
const REFRESH_MS = 60_000;

export class Catalogue {
  /** @param {any} doc the document of GET /api/pictograms */
  constructor(doc) {
    /** @type {Category[]} */
    this.categories = doc.activity_categories;
    /** @type {Record<string, Entry[]>} */
    this.byKind = {
      activity: doc.activities,
      difficulty: doc.difficulties,
      touchpoint: doc.touchpoints,
      solution: doc.solutions,
    };
    /** @type {Map<string, Entry>} */
    this.byId = new Map();
    for (const list of Object.values(this.byKind)) for (const e of list) this.byId.set(e.id, e);
    /** @type {Record<string, string>} */
    this.icons = doc.interface ?? {};
    /** @type {Record<string, string>} */
    this.attribution = doc.attribution ?? {};
    /** @type {Entry[]} the workshop's own pictures, in upload order */
    this.custom = [];
    /** @type {Set<() => void>} */
    this.listeners = new Set();
    /** @type {string | null} GET here to learn the workshop's pictures again */
    this.customUrl = null;
    this.fetching = false;
  }

  /**
   * The workshop's own pictures (the board page's bootstrap, or GET /api/workshops/{id}/pictograms).
   * @param {CustomPictogram[]} list
   */
  setCustom(list) {
    for (const old of this.custom) this.byId.delete(old.id);
    this.custom = list.map((p) => ({
      id: p.ref,
      labels: p.labels,
      picture_url: p.picture_url,
      thumb_url: p.thumbnail_url,
      category: p.category ?? undefined,
      custom: true,
    }));
    for (const entry of this.custom) this.byId.set(entry.id, entry);
    for (const listener of this.listeners) listener();
  }

  /**
   * Keep the workshop's pictures current: asked again now and then, and at once when a card names one this
   * page does not know (the facilitator uploaded it after the page loaded).
   * @param {string} workshopId
   */
  followCustom(workshopId) {
    this.customUrl = `/api/workshops/${encodeURIComponent(workshopId)}/pictograms`;
    setInterval(() => { if (!document.hidden) void this.refreshCustom(); }, REFRESH_MS);
  }

  async refreshCustom() {
    if (!this.customUrl || this.fetching) return;
    this.fetching = true;
    try {
      const response = await fetch(this.customUrl, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
      if (!response.ok) return;
      const list = /** @type {CustomPictogram[]} */ ((await response.json()).pictograms ?? []);
      const known = this.custom.map((e) => e.id).join();
      if (list.map((p) => p.ref).join() !== known) this.setCustom(list);
    } catch {
      // offline: the next try will do
    } finally {
      this.fetching = false;
    }
  }

  /** @param {() => void} listener told when the workshop's pictures change */
  onChange(listener) {
    this.listeners.add(listener);
  }

  /** @param {string | undefined} id */
  get(id) {
    if (!id) return undefined;
    const found = this.byId.get(id);
    if (!found && id.startsWith(CUSTOM_PREFIX)) void this.refreshCustom();
    return found;
  }

  /**
   * @param {{labels: Record<string, string>} | undefined} entry
   * @param {string} lang
   */
  label(entry, lang) {
    if (!entry) return '';
    return entry.labels[lang] ?? entry.labels.fr ?? '';
  }

  /** @param {string} name */
  icon(name) {
    return this.icons[name] ?? '';
  }

  /**
   * The palette's tabs: « Nos images » first when the workshop has pictures, then the catalogue's categories.
   * @param {string} oursLabel the words of the first tab, in the current language
   * @returns {Category[]}
   */
  paletteCategories(oursLabel) {
    const ours = { id: OURS, labels: { fr: oursLabel } };
    return this.custom.length ? [ours, ...this.categories] : this.categories;
  }

  /**
   * A tab's activities: all the workshop's pictures for « Nos images »; a category's own, then the workshop's
   * pictures filed under it.
   * @param {string} category
   */
  activitiesOf(category) {
    if (category === OURS) return this.custom;
    return [
      ...this.byKind.activity.filter((e) => e.category === category),
      ...this.custom.filter((e) => e.category === category),
    ];
  }
}

// @ts-check
/** The pictogram catalogue as the board uses it: entries by id, labels in the chosen language. */

/**
 * @typedef {{id: string, labels: Record<string, string>, picture_url: string, category?: string, when?: string}} Entry
 * @typedef {{id: string, labels: Record<string, string>}} Category
 */

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
  }

  /** @param {string | undefined} id */
  get(id) {
    return id ? this.byId.get(id) : undefined;
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

  /** @param {string} category */
  activitiesOf(category) {
    return this.byKind.activity.filter((e) => e.category === category);
  }
}

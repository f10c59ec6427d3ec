// @ts-check
/**
 * The board page's parts, as `main.js` makes them and hands them to every other part: one object (`page`)
 * rather than a dozen arguments each, because the parts call each other both ways (a change is refused by the
 * facilitation, which selects a card, whose bar pulls a thread, which is a change). A part reads another
 * through `page` when it runs, never while the page is being put together, so the order `main.js` makes them
 * in is the only one to know.
 *
 * Where a change belongs:
 * - `acting.js`: every change a resident makes (`act`), undo, delete, vote, edit a card's words
 * - `placing.js`: where a card lands: a pictogram in a box of the week, a move, a note, arrow keys
 * - `threads.js`: « Tirer le fil » (a new card tied to this one) and « Relier » (a thread between two cards)
 * - `actionbar.js`: what is selected, and the bar of its actions that takes the palette's place
 * - `taps.js`, `keyboard.js`: what a tap or a drag on the board does; the same by keys
 * - `camera.js`: what part of the board the screen shows: opening view, « Voir tout », zoom, bringing a card
 *   into sight
 * - `people.js`, `presence.js`: who is who (names, colours) and who is here; others' fingers and cursors live
 * - `messages.js`: what the server says (welcome, change, ack, reject, …) and the connection's state
 * - `toolbar.js`: the top bar's vote mode, note and undo buttons
 * - `traceability.js`: the actions answering a solution (« → 2 actions ») and `?item=` (« Voir sur la fresque »)
 */

/**
 * What this screen is doing now, shared with the renderer (highlights) and the facilitation.
 * @typedef {{selected: string | null, selectedThread: string | null, armed: string | null, moving: string | null,
 *   linking: string | null, voting: boolean, flash: string | null}} Ui
 */

/** @typedef {{t: import('../core/i18n.js').Translate, lang: string}} I18n */

/**
 * @typedef {object} BoardPage
 * @property {any} boot the page's bootstrap (board, workshop, me, palette, access)
 * @property {string} me this participant's id
 * @property {() => I18n} i18n the language now (it changes with the page's language switch)
 * @property {import('../core/store.js').BoardStore} store the replica
 * @property {import('../core/undo.js').UndoStack} undo
 * @property {{now: () => void, later: () => void}} keep writes the replica to the browser's storage
 * @property {import('./connection.js').Connection} connection
 * @property {import('./connection.js').Status} connectionStatus
 * @property {import('./catalogue.js').Catalogue} catalogue
 * @property {import('./people.js').People} people
 * @property {Ui} ui
 * @property {import('./camera.js').Camera} camera
 * @property {import('./render.js').Renderer} renderer
 * @property {import('./bars.js').Toasts} toasts
 * @property {import('./dialogs.js').Sheet} sheet
 * @property {import('./table.js').Table} table
 * @property {import('./palette.js').Palette} palette
 * @property {import('./facilitation.js').Facilitation} facilitation
 * @property {import('./follow.js').Follow | null} follow made last: told when the view moves
 * @property {import('./presence.js').Presence} presence
 * @property {import('./actionbar.js').ActionBar} bar
 * @property {import('./traceability.js').Traceability} answers
 * @property {() => void} refresh draw again what the replica or the connection changed
 * @property {(text: string) => void} say a short message for screen readers (`#announce`)
 */

export {};

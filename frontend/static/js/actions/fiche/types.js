// @ts-check
/**
 * The shapes the fiche's modules share (types only): an action and its fiche as the store has them
 * (backend/fresque/core/fiche.py `Fiche`), the board's settings, and what the page hands the fiche (`ctx`).
 */

/** @typedef {(key: string, vars?: Record<string, unknown>) => string} Translate */
/** @typedef {{id: string, label: string | null}} Choice */
/**
 * @typedef {{title: string, number: string, axis: string, findings: string, general_objective: string,
 *   operational_objectives: string[], target_groups: string[], territory: string[], lead: string | null,
 *   partners: {organisation: string, role: string}[], human_means: string, material_means: string,
 *   budget: number | null, funding: {source: string, amount: number, state: string}[], calendar: string,
 *   priority: string | null, indicators: {kind: string, label: string, target: string, source: string}[],
 *   risks: string, status: string}} Fiche
 * @typedef {{id: string, author?: string, lane: string, start: string, end: string, fiche: Fiche,
 *   milestones: {id: string, month: string, label: string}[], capabilities: Record<string, Record<string, number>>,
 *   links: {board: string, item: string}[], question?: string}} Action
 * @typedef {{title?: string, timeline: {start: string, end: string, scale: string}, lanes: Choice[], axes: Choice[],
 *   series: Choice[], target_groups: Choice[], organisations: Choice[], locked?: boolean, phase?: string | null}} ActionSettings
 * @typedef {{store: {view: () => any, subscribe: (fn: () => void) => () => void, pendingCount?: number},
 *   send: (ops: object[]) => (string | null | undefined), t: Translate, lang: string,
 *   me: string | {participant: string | null, role: string | null} | null, board: {id: string, kind?: string, title?: string},
 *   workshop: {id: string, title?: string}, access?: any, bootstrap?: any,
 *   onReject?: (fn: (reject: {op_id: string, code: string}) => boolean) => (() => void)}} FicheContext
 */

export {};

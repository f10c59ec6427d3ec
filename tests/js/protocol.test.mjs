// The wire vocabulary, checked against the server's own published parts: the JSON Schema generated from its
// models (docs/protocol.schema.json), the golden exchanges and the thread pairs of docs/protocol.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import * as P from '../../frontend/static/js/core/protocol.js';

const root = new URL('../../', import.meta.url);
const schema = JSON.parse(readFileSync(new URL('docs/protocol.schema.json', root), 'utf8'));
const exchanges = JSON.parse(readFileSync(new URL('tests/fixtures/protocol/exchanges.json', root), 'utf8')).exchanges;
const protocolDoc = readFileSync(new URL('docs/protocol.md', root), 'utf8');

// -- a small JSON Schema checker: exactly the keywords pydantic puts in docs/protocol.schema.json ----------

/** Problems of `value` against `node` (an empty list when it validates). */
function validate(value, node, defs, path = '$') {
  if (node.$ref) return validate(value, defs[node.$ref.replace('#/$defs/', '')], defs, path);
  if (node.anyOf || node.oneOf) {
    const branches = (node.anyOf ?? node.oneOf).map((branch) => validate(value, branch, defs, path));
    const passing = branches.filter((problems) => problems.length === 0).length;
    if (node.oneOf ? passing === 1 : passing >= 1) return [];
    return [`${path}: matches ${passing} of the alternatives (${branches.flat()[0] ?? 'several'})`];
  }
  const problems = [];
  const type = Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value;
  if (node.type) {
    const ok = node.type === 'integer' ? Number.isInteger(value) : node.type === type;
    if (!ok) return [`${path}: ${type} is not ${node.type}`];
  }
  if ('const' in node && value !== node.const) problems.push(`${path}: not ${node.const}`);
  if (node.enum && !node.enum.includes(value)) problems.push(`${path}: ${value} not in enum`);
  if (type === 'string') {
    const length = [...value].length;
    if (node.pattern && !new RegExp(node.pattern, 'u').test(value)) problems.push(`${path}: pattern`);
    if (node.minLength !== undefined && length < node.minLength) problems.push(`${path}: too short`);
    if (node.maxLength !== undefined && length > node.maxLength) problems.push(`${path}: too long`);
  }
  if (type === 'number') {
    if (node.minimum !== undefined && value < node.minimum) problems.push(`${path}: below minimum`);
    if (node.maximum !== undefined && value > node.maximum) problems.push(`${path}: above maximum`);
  }
  if (type === 'array') {
    if (node.minItems !== undefined && value.length < node.minItems) problems.push(`${path}: too few items`);
    if (node.maxItems !== undefined && value.length > node.maxItems) problems.push(`${path}: too many items`);
    if (node.items) value.forEach((v, i) => problems.push(...validate(v, node.items, defs, `${path}[${i}]`)));
  }
  if (type === 'object') {
    for (const key of node.required ?? []) if (!(key in value)) problems.push(`${path}: missing ${key}`);
    for (const [key, v] of Object.entries(value)) {
      const sub = node.properties?.[key];
      if (sub) problems.push(...validate(v, sub, defs, `${path}.${key}`));
      else if (node.additionalProperties === false) problems.push(`${path}: unknown key ${key}`);
    }
  }
  return problems;
}
const clientProblems = (msg) => validate(msg, schema.client_message, schema.client_message.$defs);
const serverProblems = (msg) => validate(msg, schema.server_message, schema.server_message.$defs);

/** The fixture with "$amina"/"$karim" replaced, as a real server sends it. */
const substitute = (value) => JSON.parse(JSON.stringify(value).replace(/"\$(amina|karim)"/g, '"p-$1"'));

// -- constants, ids, pairs -----------------------------------------------------------------------------------

test('constants mirror the server models', () => {
  assert.equal(P.PROTOCOL_VERSION, schema.protocol_version);
  const defs = schema.client_message.$defs;
  assert.deepEqual(P.KINDS, defs.ItemCreate.properties.kind.enum);
  assert.deepEqual(P.SEVERITIES, defs.ItemCreate.properties.severity.anyOf[0].enum);
  assert.deepEqual(P.DAYS, defs.CellModel.properties.day.enum);
  assert.deepEqual(P.SLOTS, defs.CellModel.properties.slot.anyOf[0].enum);
  assert.equal(P.MAX_OPS, defs.Push.properties.ops.maxItems);
  assert.equal(P.ID_PATTERN.source, defs.ItemCreate.properties.id.pattern);
  assert.equal(P.OP_ID_PATTERN.source, defs.Push.properties.op_id.pattern);
  assert.equal(P.MAX_TEXT, 500);
});

test('newId makes valid, distinct ids with the prefix', () => {
  const ids = new Set();
  for (let i = 0; i < 2000; i += 1) {
    const id = P.newId('act');
    assert.match(id, /^act-[A-Za-z0-9]{16}$/);
    assert.match(id, P.ID_PATTERN);
    ids.add(id);
  }
  assert.equal(ids.size, 2000);
  assert.match(P.newItemId('touchpoint'), /^tp-/);
  assert.match(P.newItemId('difficulty'), /^dif-/);
  assert.throws(() => P.newId('bad prefix!'), TypeError);
});

test('newId draws every base62 character, none more often than chance allows', () => {
  const counts = new Map();
  for (let i = 0; i < 3000; i += 1) for (const ch of P.newId('x').slice(2)) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  assert.equal(counts.size, 62);
  const expected = (3000 * 16) / 62; // ≈ 774: a biased draw (b % 62 over 0…255) would give ~1000 to some
  for (const n of counts.values()) assert.ok(Math.abs(n - expected) < 150, `count ${n}`);
});

test('newClientId is short and makes valid op ids', () => {
  const client = P.newClientId();
  assert.match(client, /^tab-[A-Za-z0-9]{8}$/);
  assert.match(`${client}:12345`, P.OP_ID_PATTERN);
  assert.notEqual(P.newClientId(), client);
});

test('threadAllowed allows exactly the pairs listed in docs/protocol.md', () => {
  const line = protocolDoc.split('\n').find((l) => l.startsWith('| `thread.create`'));
  const documented = new Set([...line.matchAll(/(\w+)→(\w+)/g)].map((m) => `${m[1]}>${m[2]}`));
  assert.equal(documented.size, 5);
  for (const source of P.KINDS) {
    for (const target of P.KINDS) {
      assert.equal(P.threadAllowed(source, target), documented.has(`${source}>${target}`), `${source}→${target}`);
    }
  }
});

// -- text ----------------------------------------------------------------------------------------------------

test('checkText counts code points and refuses what core/text.py refuses', () => {
  const cases = [
    ['', null],
    ['Pronote: mot de passe <b>perdu</b> & "oublié"', null],
    ['صعوبة في تسجيل الدخول', null],
    ['ligne 1\nligne 2\tfin', null],
    ['👩🏽‍💻 famille 👨‍👩‍👧', null],
    ['a'.repeat(500), null],
    ['a'.repeat(501), 'text_too_long'],
    ['😀'.repeat(500), null], // 1000 UTF-16 units, 500 code points: fine, as for Python
    ['😀'.repeat(501), 'text_too_long'],
    ['\u0000', 'text_invalid'],
    ['a\rb', 'text_invalid'],
    ['\u001b[31m', 'text_invalid'],
    ['\u007f', 'text_invalid'],
    ['\u0085 and \u200b are fine', null],
    ['lone \ud83d', 'text_invalid'],
    ['lone \ude00 low', 'text_invalid'],
    ['\ude00\ud83d', 'text_invalid'], // reversed pair: two lone surrogates
    ['x'.repeat(501) + '\u0000', 'text_too_long'], // the length is checked first
  ];
  for (const [text, code] of cases) assert.equal(P.checkText(text), code, JSON.stringify(text));
  assert.equal(P.checkText('abc', 2), 'text_too_long');
});

test('normalizeText makes pasted text acceptable without cutting it', () => {
  assert.equal(P.normalizeText('a\r\nb\rc\u0000d\u0007\te\n'), 'a\nb\ncd\te\n');
  assert.equal(P.normalizeText('x\ud83d'), 'x\ufffd');
  assert.equal(P.normalizeText('😀'), '😀');
  for (const text of ['a\r\n\u0000\ud800', 'ok', '\u001f\u007f']) assert.equal(P.checkText(P.normalizeText(text)), null);
});

// -- builders ------------------------------------------------------------------------------------------------

test('hello carries last_seq only when there is one', () => {
  assert.deepEqual(P.hello('tab-1', null), { type: 'hello', protocol: 1, client: 'tab-1' });
  assert.deepEqual(P.hello('tab-1', 0), { type: 'hello', protocol: 1, client: 'tab-1', last_seq: 0 });
  assert.deepEqual(P.hello('tab-1', 41), { type: 'hello', protocol: 1, client: 'tab-1', last_seq: 41 });
});

test('presenceMessage leaves absent and null parts out', () => {
  assert.deepEqual(P.presenceMessage({ cursor: { x: 10, y: 20 } }), { type: 'presence', cursor: { x: 10, y: 20 } });
  assert.deepEqual(P.presenceMessage({ cursor: { x: 1, y: 2 }, drag: { item: 'act-123456', x: 3, y: 4 } }),
    { type: 'presence', cursor: { x: 1, y: 2 }, drag: { item: 'act-123456', x: 3, y: 4 } });
  assert.deepEqual(P.presenceMessage({ cursor: { x: 1, y: 2 }, drag: null }), { type: 'presence', cursor: { x: 1, y: 2 } });
  assert.deepEqual(P.presenceMessage({}), { type: 'presence' });
});

test('op builders make the ops of the golden exchanges', () => {
  const built = [
    P.createItem({ id: 'act-school', kind: 'activity', x: 120, y: 80, ref: 'school-run', cell: { day: 'mon', slot: 'morning' }, text: undefined, severity: null }),
    P.createItem({ id: 'dif-login', kind: 'difficulty', x: 320, y: 80, ref: 'lost-login', severity: 'bloque', text: 'mot de passe Pronote' }),
    P.createThread('th-school-login', 'act-school', 'dif-login'),
  ];
  const first = exchanges[0].steps[0].send;
  assert.deepEqual(P.opsMessage('amina-tab:1', built), first);
  assert.deepEqual(P.updateItem('act-school', { x: 140.5, cell: { day: 'tue', slot: null }, y: undefined }), exchanges[0].steps[3].send.ops[0]);
  assert.deepEqual(P.deleteItem('act-school'), exchanges[0].steps[6].send.ops[0]);
  const votes = exchanges[1].steps[3].send.ops;
  assert.deepEqual([P.addVote('sol-helpdesk'), P.addVote('sol-helpdesk'), P.addVote('sol-helpdesk')], votes);
  assert.deepEqual(P.removeVote('sol-helpdesk'), exchanges[1].steps.at(-3).send.ops[0]);
  assert.deepEqual(P.updateItem('n-123456', { text: null, cell: null }), { op: 'item.update', id: 'n-123456', set: { text: null, cell: null } });
  assert.deepEqual(P.deleteThread('th-123456'), { op: 'thread.delete', id: 'th-123456' });
  assert.deepEqual(P.updateBoard({ title: 'Semaine', vote_budget: undefined }), { op: 'board.update', title: 'Semaine' });
});

test('every message the builders make validates against the published schema', () => {
  const id = P.newItemId('note');
  const messages = [
    P.hello(P.newClientId(), null),
    P.hello('tab-x', 9007199254740991),
    P.presenceMessage({ cursor: { x: -1e6, y: 1e6 }, drag: { item: id, x: 0.5, y: 2 } }),
    P.presenceMessage({}),
    P.opsMessage(`${P.newClientId()}:1`, [
      P.createItem({ id, kind: 'note', x: 1.5, y: -2, w: 240, h: 100, text: 'bonjour' }),
      P.createItem({ id: P.newItemId('activity'), kind: 'activity', x: 0, y: 0, ref: 'school-run', cell: { day: 'weekend' } }),
      P.createItem({ id: P.newItemId('difficulty'), kind: 'difficulty', x: 0, y: 0, ref: 'lost-login', severity: 'ok' }),
      P.updateItem(id, { x: 3, y: 4, w: null, text: 'salut', cell: { day: 'fri', slot: 'evening' }, severity: null, ref: null }),
      P.createThread(P.newId(P.ID_PREFIX.thread), id, P.newItemId('solution')),
      P.deleteThread(P.newId('th')),
      P.addVote(id),
      P.removeVote(id),
      P.deleteItem(id),
      P.updateBoard({ title: 'Atelier', vote_budget: 5 }),
      P.updateBoard({ vote_budget: 0 }),
    ]),
  ];
  for (const msg of messages) {
    assert.deepEqual(clientProblems(msg), [], JSON.stringify(msg));
    if (msg.type === 'ops') assert.equal(P.opsMessageProblem(msg), null);
  }
  for (const exchange of exchanges) {
    for (const step of exchange.steps) {
      if (step.send?.type === 'ops') {
        assert.equal(P.opsMessageProblem(step.send) === null, clientProblems(step.send).length === 0, JSON.stringify(step.send));
      }
    }
  }
});

test('opsMessageProblem refuses what the server models refuse, and only that', () => {
  const ok = P.createItem({ id: 'note-123456', kind: 'note', x: 0, y: 0, text: 'x' });
  const msg = (ops, opId = 'tab-1:1') => ({ type: 'ops', op_id: opId, ops });
  const cases = [
    msg([ok]),
    msg([]),
    msg(Array(100).fill(ok)),
    msg(Array(101).fill(ok)),
    msg([ok], 'bad op id'),
    msg([ok], 'x'.repeat(81)),
    msg([{ ...ok, id: 'n-1' }]),
    msg([{ ...ok, x: NaN }]),
    msg([{ ...ok, x: Infinity }]),
    msg([{ ...ok, x: 1_000_001 }]),
    msg([{ ...ok, x: '1' }]),
    msg([{ ...ok, w: 0 }]),
    msg([{ ...ok, w: null }]),
    msg([{ ...ok, kind: 'sticker' }]),
    msg([{ ...ok, author: 'me' }]),
    msg([{ ...ok, ref: 'Bad_Ref' }]),
    msg([{ ...ok, cell: { day: 'sun' } }]),
    msg([{ ...ok, cell: { day: 'mon', slot: 'night' } }]),
    msg([{ ...ok, cell: { day: 'mon', slot: null } }]),
    msg([{ ...ok, cell: { slot: 'morning' } }]),
    msg([{ ...ok, text: 'x'.repeat(20_001) }]),
    msg([{ ...ok, text: 'x'.repeat(501) }]), // a rule (reject), not the model: accepted here
    msg([{ ...ok, text: 'a\u0000b' }]), // idem
    msg([{ ...ok, severity: 'grave' }]),
    msg([{ op: 'item.update', id: 'note-123456', set: {} }]),
    msg([{ op: 'item.update', id: 'note-123456', set: { x: null, colour: 'red' } }]),
    msg([{ op: 'item.update', id: 'note-123456' }]),
    msg([{ op: 'item.delete', id: 'note-123456', cascade: true }]),
    msg([{ op: 'thread.create', id: 'th-123456', source: 'a-123456' }]),
    msg([{ op: 'vote.add', item: 'sol-123456' }, { op: 'vote.remove', item: 'sol-123456' }]),
    msg([{ op: 'vote.bump', item: 'sol-123456' }]),
    msg([{ op: 'board.update' }]),
    msg([{ op: 'board.update', title: '' }]),
    msg([{ op: 'board.update', vote_budget: 51 }]),
    msg([{ op: 'board.update', vote_budget: 2.5 }]),
    msg([null]),
    { type: 'ops', op_id: 'tab-1:1', ops: [ok], extra: 1 },
  ];
  for (const m of cases) {
    const wire = JSON.parse(JSON.stringify(m)); // what the server would see
    let faithful = true; // NaN and Infinity become null on the wire: they must be refused before they get there
    try { assert.deepEqual(wire, m); } catch { faithful = false; }
    const serverTakes = faithful && clientProblems(wire).length === 0;
    assert.equal(P.opsMessageProblem(m) === null, serverTakes, JSON.stringify(m).slice(0, 200));
  }
  assert.match(P.opsMessageProblem(msg([{ ...ok, text: '\ud800' }])), /bad text/); // the parser's text_invalid
  // 100 ops of 500 Arabic characters: within the models, but over the 64 KiB frame the server accepts.
  const big = msg(Array.from({ length: 100 }, (_, i) => ({ ...ok, id: `note-${String(i).padStart(6, '0')}`, text: 'ع'.repeat(500) })));
  assert.equal(clientProblems(big).length, 0);
  assert.match(P.opsMessageProblem(big), /bytes/);
});

test('splitOps keeps order and every batch within the op and frame limits', () => {
  const ops = Array.from({ length: 250 }, (_, i) => P.createItem({ id: `note-${String(i).padStart(6, '0')}`, kind: 'note', x: i, y: 0, text: 'ع'.repeat(500) }));
  const batches = P.splitOps(ops);
  assert.deepEqual(batches.flat(), ops);
  assert.ok(batches.length >= 5);
  for (const [i, batch] of batches.entries()) assert.equal(P.opsMessageProblem(P.opsMessage(`tab-aaaaaaaa:${10 ** 12 + i}`, batch)), null);
  const small = Array.from({ length: 230 }, () => P.addVote('sol-123456'));
  assert.deepEqual(P.splitOps(small).map((b) => b.length), [100, 100, 30]);
  assert.deepEqual(P.splitOps([]), []);
});

// -- what the server sends -------------------------------------------------------------------------------------

test('the golden server messages fit the schema and parse', () => {
  let seen = 0;
  for (const exchange of exchanges) {
    for (const step of exchange.steps) {
      if (!step.expect) continue;
      const msg = substitute(step.expect);
      assert.deepEqual(serverProblems(msg), [], JSON.stringify(msg));
      assert.deepEqual(P.parseServerMessage(JSON.stringify(msg)), msg);
      seen += 1;
    }
  }
  assert.ok(seen >= 10);
  const welcomes = [
    { type: 'welcome', protocol: 1, board: { id: 'b', workshop: 'w', kind: 'exploration' }, you: { participant: 'p', alias: 'A', role: 'participant', connection: 'c1' }, seq: 0, server_time: 1795663013553, resync: 'snapshot', snapshot: { settings: { title: 't', vote_budget: 3 }, items: [], threads: [], votes: [], deleted: [] } },
    { type: 'welcome', protocol: 1, board: { id: 'b', workshop: 'w', kind: 'exploration' }, you: { participant: 'p', alias: 'A', role: 'facilitator', connection: 'c2' }, seq: 4, server_time: 0, resync: 'delta', changes: [] },
    { type: 'presence_list', participants: [{ participant: 'p', alias: 'A', role: 'participant', connections: 2 }] },
    { type: 'ephemeral', updates: [{ participant: 'p', connection: 'c', cursor: { x: 1, y: 2 } }, { participant: 'q', connection: 'd', gone: true }] },
    { type: 'error', code: 'protocol_mismatch', message: 'reload', server_protocol: 1 },
    // A change none of whose ops the receiver may see (a hidden vote, a private round's card): only its seq,
    // which keeps the log gapless (rooms/room.py). It was dropped as unreadable while the shapes were copied.
    { type: 'change', seq: 7, ops: [] },
  ];
  for (const msg of welcomes) {
    assert.deepEqual(serverProblems(msg), []);
    assert.deepEqual(P.parseServerMessage(JSON.stringify(msg)), msg);
  }
});

test('parseServerMessage throws on anything else', () => {
  const bad = [
    '{"type": "ack"', 'NaN', '', '[]', 'null', '"ack"', '42',
    '{"type": "shout"}', '{"no": "type"}', '{"type": "toString"}', '{"type": "__proto__"}',
    '{"type": "ack", "op_id": "a:1"}', '{"type": "change", "seq": 1, "op_id": "a:1", "author": "p", "ops": {}}',
    '{"type": "welcome", "protocol": 1, "board": {}, "you": {"participant": "p"}, "seq": 1, "resync": "delta"}',
    '{"type": "welcome", "protocol": 1, "board": {}, "you": {}, "seq": 1, "resync": "delta", "changes": []}',
    '{"type": "welcome", "protocol": 1, "board": {}, "you": {"participant": "p"}, "seq": 1, "resync": "snapshot", "snapshot": null}',
  ];
  for (const text of bad) assert.throws(() => P.parseServerMessage(text), Error, text);
});

test('threadable: the kinds of the thread pairs (generated), a note never', () => {
  assert.deepEqual(P.KINDS.filter(P.threadable), ['activity', 'difficulty', 'touchpoint', 'solution']);
  assert.equal(P.threadable('note'), false);
});

test('the close codes the page stops at are the server\'s (generated from rooms/connection.py)', () => {
  assert.equal(P.CLOSE_CODES.protocol_mismatch, 4002);
  assert.equal(P.CLOSE_CODES.removed, 4401);
  assert.equal(P.CLOSE_CODES.workshop_erased, 4004);
  assert.ok(P.REJECT_CODES.includes('board_full') && P.ERROR_CODES.includes('rate_limited'));
});

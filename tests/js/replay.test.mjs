// Replays tests/fixtures/protocol/exchanges.json (what a real server answered, message for message) into one
// BoardStore per participant: the sender's store makes each `ops` message itself, every expected server
// message is fed to its recipient's store, and both replicas must end equal. The optimistic view is checked
// on the way: an ack or a reject must not change what the sender already saw.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import { parseServerMessage, opsMessageProblem } from '../../frontend/static/js/core/protocol.js';
import { BoardStore, stateToSnapshot } from '../../frontend/static/js/core/store.js';

const { exchanges } = JSON.parse(readFileSync(new URL('../fixtures/protocol/exchanges.json', import.meta.url), 'utf8'));
const ids = { amina: 'p-amina-0001', karim: 'p-karim-0002' };
const substitute = (value) => JSON.parse(JSON.stringify(value).replace(/"\$(amina|karim)"/g, (_, name) => JSON.stringify(ids[name])));

/** What the replicas must hold at the end of each exchange we know, beyond being equal. */
const EXPECTED_END = {
  'create, thread, move, delete cascades its threads': (state) => {
    assert.deepEqual(state.items, [{ id: 'dif-login', kind: 'difficulty', author: ids.amina, x: 320, y: 80, ref: 'lost-login', text: 'mot de passe Pronote', severity: 'bloque' }]);
    assert.deepEqual(state.threads, []);
    assert.deepEqual(state.deleted.sort(), ['act-school', 'th-school-login']);
  },
  'votes within the budget, and a resend': (state) => {
    assert.deepEqual(state.votes, [{ participant: ids.amina, item: 'sol-helpdesk', count: 2 }]);
  },
  'bad frames get named errors': (state) => {
    assert.deepEqual(state.items.map((i) => i.id), ['note-1']);
  },
};

const emptyBoard = { settings: { title: 'Ma semaine', vote_budget: 3 }, items: [], threads: [], votes: [], deleted: [] };

for (const exchange of exchanges) {
  test(`replay: ${exchange.name}`, () => {
    /** @type {Record<string, BoardStore>} */
    const stores = {};
    for (const name of Object.keys(ids)) {
      const clientId = exchange.steps.find((s) => s.from === name && s.send?.op_id)?.send.op_id.split(':')[0] ?? `${name}-tab`;
      stores[name] = new BoardStore({ clientId });
      stores[name].applyWelcome({
        type: 'welcome', protocol: 1, board: { id: 'board-1', workshop: 'ws-1', kind: 'exploration' },
        you: { participant: ids[name], alias: name, role: 'participant' }, seq: 0, resync: 'snapshot', snapshot: emptyBoard,
      });
    }
    const refusedLocally = new Set(); // op_ids our store would not even queue (the server answers `error`)
    for (const step of exchange.steps) {
      if (step.send?.type === 'ops') {
        const store = stores[step.from];
        const n = Number(step.send.op_id.split(':')[1]);
        if (n <= store.counter) continue; // a resend of a batch the store already handled: its answer is a duplicate
        store.counter = n - 1; // the fixture's numbering skips the op_ids of messages refused before submit
        if (opsMessageProblem(step.send) !== null) {
          assert.throws(() => store.submit(step.send.ops), TypeError);
          refusedLocally.add(step.send.op_id);
          continue;
        }
        assert.deepEqual(store.submit(step.send.ops), step.send, 'the store makes exactly the message sent');
        continue;
      }
      if (!step.expect) continue; // raw frames and unknown types: the stores are not involved
      const store = stores[step.to];
      const msg = parseServerMessage(JSON.stringify(substitute(step.expect)));
      const seenBefore = stateToSnapshot(store.view());
      switch (msg.type) {
        case 'ack':
          store.applyAck(msg);
          assert.deepEqual(stateToSnapshot(store.view()), seenBefore, `${msg.op_id}: the ack changes nothing seen`);
          break;
        case 'reject':
          assert.equal(store.applyReject(msg)?.op_id, msg.op_id);
          assert.deepEqual(stateToSnapshot(store.view()), seenBefore, `${msg.op_id} (${msg.code}): the view had left it out`);
          break;
        case 'change':
          assert.equal(store.applyChange(msg), true);
          break;
        case 'error':
          break; // answers a frame no store would send; checked below
        default:
          assert.fail(`unexpected ${msg.type}`);
      }
    }
    const [a, b] = Object.values(stores);
    assert.equal(a.pendingCount + b.pendingCount, 0, 'every batch was answered');
    assert.equal(a.seq, b.seq);
    assert.deepEqual(stateToSnapshot(a.confirmed()), stateToSnapshot(b.confirmed()));
    assert.deepEqual(stateToSnapshot(a.view()), stateToSnapshot(a.confirmed()));
    EXPECTED_END[exchange.name]?.(stateToSnapshot(a.confirmed()));
    const errors = exchange.steps.filter((s) => s.expect?.type === 'error').length;
    assert.ok(refusedLocally.size <= errors, 'the store refuses only what the server answers with an error');
  });
}

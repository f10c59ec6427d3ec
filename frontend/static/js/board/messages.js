// @ts-check
/**
 * What the server says, and the connection's state. The replica takes the welcome, others' changes, acks,
 * rejects and resyncs (store.js); a refusal is said in plain words; who is here and others' live fingers go to
 * people.js and presence.js. A page removed from its workshop (4401) or erased (4004) becomes read-only for good.
 */
import { showEnded, showStatus } from './bars.js';
import { byId } from './dom.js';

/** The status line: connected, sending, reconnecting, offline, and how many changes wait. @param {import('./page.js').BoardPage} page */
export function showConnection(page) {
  showStatus(byId('status'), page.connectionStatus, page.store.pendingCount, page.i18n());
}

/** @param {import('./page.js').BoardPage} page @param {import('./connection.js').Status} status */
export function onConnectionStatus(page, status) {
  const { t } = page.i18n();
  page.connectionStatus = status;
  showConnection(page);
  if (status === 'outdated') page.toasts.show(t('board.status.outdated'), { label: t('board.reload'), run: () => location.reload() });
  if (status === 'removed' || status === 'erased') { // for good: nothing more can go from this page
    page.facilitation.readOnly = true;
    page.sheet.finish(null);
    page.bar.select(null);
    page.refresh();
    showEnded(byId('ended'), status);
  }
}

/** @param {import('./page.js').BoardPage} page @param {any} msg */
export function onServerMessage(page, msg) {
  const { store, connection, camera } = page;
  switch (msg.type) {
    case 'welcome':
      page.presence.myConnection = msg.you.connection;
      for (const resend of store.applyWelcome(msg)) connection.sendDurable(resend);
      page.keep.now();
      if (!camera.fitted) { camera.fit(); camera.fitted = true; }
      page.answers.showWanted(true);
      break;
    case 'change':
      store.applyChange(msg);
      page.presence.landed(msg);
      break;
    case 'resync': // something became visible or hidden for this screen (docs/protocol.md)
      store.applyResync(msg);
      break;
    case 'ack':
      store.applyAck(msg);
      // an ack for a change this page never saw: two tabs shared an id. A snapshot puts it right.
      if (store.resyncNeeded) connection.socket?.close();
      break;
    case 'reject': {
      store.applyReject(msg);
      page.undo.drop(msg.op_id);
      const { t } = page.i18n();
      const known = `board.reject.${msg.code}`;
      const text = t(known);
      page.toasts.show(text === known ? t('board.reject.other') : text);
      break;
    }
    case 'presence_list':
      page.follow?.someoneArrived();
      page.people.here(msg.participants);
      break;
    case 'ephemeral':
      for (const u of msg.updates) page.presence.update(u);
      page.renderer.schedule();
      break;
    default:
      break;
  }
}

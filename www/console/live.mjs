// The console's live socket: one per sign-in, opened by the shell whatever screen is shown
// first, so the tickets queue hears new tickets and status changes without the inbox having
// been opened. The key never goes in the socket's URL (URLs are logged): a ticket, asked for
// with the key in the header, opens it. Each event the edge sends is dispatched on `window` as
// `console:live` (detail: the event); after a reconnect, `console:live-reconnected` tells the
// screens to catch up on what happened while it was down. `#live` says its state.
import { api } from './api.mjs';

// `run` counts sign-ins: a connection still waiting for its ticket from an earlier one opens nothing.
const state = { socket: null, stopped: true, retry: 0, timer: 0, run: 0 };
const say = (text) => { const el = document.getElementById('live'); if (el) el.textContent = text; };

/** Opens the socket (once per sign-in). */
export function startLive() {
  if (!state.stopped) return;
  state.stopped = false;
  state.retry = 0;
  state.run++;
  connect(false);
}

/** Sign-out (or a refused key): the socket closes and stays closed until the next start. */
export function stopLive() {
  state.stopped = true;
  clearTimeout(state.timer);
  state.socket?.close();
  state.socket = null;
}

/** Sends `event` when the socket is open (typing notices: nothing is lost if it is not). */
export function sendLive(event) {
  if (state.socket?.readyState === 1) state.socket.send(JSON.stringify(event));
}

async function connect(again) {
  if (state.stopped) return;
  const run = state.run;
  let ticket;
  try {
    ({ ticket } = await api('POST', '/admin/v1/live/ticket'));
  } catch {
    if (run === state.run) reconnectLater();
    return;
  }
  if (state.stopped || run !== state.run) return;
  const sock = new WebSocket(`${location.origin.replace(/^http/, 'ws')}/admin/v1/live?ticket=${encodeURIComponent(ticket)}`);
  state.socket = sock;
  sock.addEventListener('open', () => {
    state.retry = 0;
    say('Live');
    if (again) window.dispatchEvent(new CustomEvent('console:live-reconnected'));
  });
  sock.addEventListener('message', (ev) => {
    let e;
    try { e = JSON.parse(ev.data); } catch { return; }
    if (e && typeof e === 'object') window.dispatchEvent(new CustomEvent('console:live', { detail: e }));
  });
  sock.addEventListener('close', () => { if (state.socket === sock) reconnectLater(); });
}

function reconnectLater() {
  if (state.stopped) return;
  say('Reconnecting…');
  const delay = Math.min(15_000, 500 * 2 ** state.retry++);
  clearTimeout(state.timer);
  state.timer = setTimeout(() => connect(true), delay);
}

setInterval(() => state.socket?.readyState === 1 && state.socket.send('ping'), 30_000);

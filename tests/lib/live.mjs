// Live sockets for the end-to-end tests: a ticket first (the credential goes in a header), then
// the socket with `?ticket=` — what the widget and the console do.
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { BASE, call } from './harness.mjs';

export const wsBase = BASE.replace(/^http/, 'ws');

/** A ticket for `path` (`/v1/live` or `/admin/v1/live`), asked for with `credential`. */
export async function ticketFor(path, credential) {
  const r = await call('POST', `${path}/ticket`, { token: credential });
  if (r.status !== 200) throw new Error(`ticket: ${r.status} ${r.text}`);
  return r.body;
}

/** Opens a socket on a full URL and collects its events; `next(pred)` waits for a matching one. */
export async function open(url) {
  // The dev runtime answers a close the hub starts with its close frame but leaves the
  // connection open, so `close` would only fire after ws's default 30 s: wait 500 ms instead
  // (the code and reason are the server's, from its frame).
  const sock = new WebSocket(url, { closeTimeout: 500 });
  const events = [];
  const waiters = [];
  sock.on('message', (data) => {
    const text = String(data);
    if (text === 'pong') return;
    const e = JSON.parse(text);
    events.push(e);
    for (const w of [...waiters]) if (w.pred(e)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(e); }
  });
  const closed = new Promise((resolve) => sock.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
  await new Promise((resolve, reject) => { sock.once('open', resolve); sock.once('error', reject); });
  const next = (pred, ms = 5000) => {
    const found = events.find(pred);
    if (found) { events.splice(events.indexOf(found), 1); return Promise.resolve(found); }
    return new Promise((resolve, reject) => {
      const w = { pred, resolve: (e) => { clearTimeout(t); events.splice(events.indexOf(e), 1); resolve(e); } };
      const t = setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); reject(new Error(`no event within ${ms} ms; got ${JSON.stringify(events)}`)); }, ms);
      waiters.push(w);
    });
  };
  return { sock, events, next, closed, send: (o) => sock.send(JSON.stringify(o)), close: () => sock.close() };
}

/** Opens a live socket the way clients do: a ticket with `credential`, then the socket. */
export async function live(path, credential) {
  const { ticket } = await ticketFor(path, credential);
  return open(`${wsBase}${path}?ticket=${encodeURIComponent(ticket)}`);
}

/** The HTTP status an upgrade on `url` is refused with (fails if the socket opens). */
export function refusal(url) {
  return new Promise((resolve, reject) => {
    const sock = new WebSocket(url);
    sock.once('unexpected-response', (_req, res) => { resolve(res.statusCode); sock.terminate(); });
    sock.once('open', () => { sock.close(); reject(new Error(`${url.replace(/(ticket|token)=[^&]+/, '$1=…')} opened`)); });
    sock.once('error', () => {});
  });
}

export async function teammate(ws, name = 'Ada') {
  const r = await call('POST', '/admin/v1/teammates', { token: ws.key, body: { name, avatarUrl: 'https://acme.test/ada.png' } });
  assert.equal(r.status, 201, r.text);
  assert.match(r.body.key, /^ptk_[0-9a-f]{64}$/);
  return { ...r.body.teammate, key: r.body.key };
}

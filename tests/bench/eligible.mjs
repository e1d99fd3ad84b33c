// /v1/eligible under load: 50 active items of every kind (audiences over attributes, pages,
// segments and event counts) for a visitor with 1,000 tracked events, next to /health in the
// same run. Target: p99 ≤ 30 ms on local workerd, and a cost that does not grow with the
// visitor's event history (counters are read, never history; measured with 10 and 1,000 events).
import http from 'node:http';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { phase, summarize, send } from './load.mjs';

const BASE = (process.env.PORCHLIGHT_URL ?? '').replace(/\/+$/, '');
const ROOT_KEY = process.env.ROOT_KEY;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);

async function api(method, path, { token, body } = {}) {
  // Setup traffic speaks from its own client IP each time: the per-IP limit is not what is measured.
  const ip = `10.${(Math.random() * 255) | 0}.${(Math.random() * 255) | 0}.${(Math.random() * 255) | 0}`;
  const res = await fetch(BASE + path, { method, headers: { 'content-type': 'application/json', 'cf-connecting-ip': ip, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

const cond = (source, key, operator, value) => ({ type: 'condition', property: { source, key }, operator, value });

async function setup() {
  const ws = await api('POST', '/admin/v1/workspaces', { token: ROOT_KEY, body: { name: 'Eligible bench' } });
  const key = ws.secretKey;
  const seg = await api('POST', '/admin/v1/segments', { token: key, body: { name: 'Buyers', rule: { type: 'condition', property: { source: 'event', key: 'purchase', eventFilter: { name: 'purchase', countOperator: 'at_least', count: 3, withinDays: 30 } }, operator: 'equals' } } });
  const audiences = [
    null,
    cond('custom', 'plan', 'in', ['pro', 'team']),
    { type: 'group', operator: 'and', conditions: [cond('page', 'path', 'starts_with', '/app'), cond('custom', 'seats', 'gte', 5)] },
    { segmentId: seg.id },
    { type: 'group', operator: 'or', conditions: [cond('system', 'sessionCount', 'gt', 3), { type: 'condition', property: { source: 'event', key: 'export', eventFilter: { name: 'export', countOperator: 'at_most', count: 100 } }, operator: 'equals' }] },
  ];
  // 50 active items of every kind: 20 outbound, 10 tours, 10 surveys, 5 checklists, 5 tooltips.
  const kinds = [...Array(20).fill('outbound'), ...Array(10).fill('tours'), ...Array(10).fill('surveys'), ...Array(5).fill('checklists'), ...Array(5).fill('tooltips')];
  const contentOf = (family, i) => ({
    outbound: { kind: ['post', 'banner', 'chat'][i % 3], content: { body: `Message number ${i}` } },
    tooltips: { content: { body: `Tip ${i}`, selector: `#el-${i}` } },
    tours: { content: { steps: [{ kind: 'post', body: `Tour ${i}` }, { body: 'Here', selector: '#nav' }] } },
    surveys: { content: { format: i % 2 ? 'large' : 'small', questions: [{ id: 'nps', type: 'nps', prompt: 'Recommend us?', required: true }, { id: 'why', type: 'long_text', prompt: 'Why?' }] } },
    checklists: { content: { title: `Checklist ${i}`, tasks: [{ id: 'a', title: 'A' }, { id: 'b', title: 'B', completion: { type: 'event', name: 'export' } }] } },
  })[family];
  for (let i = 0; i < 50; i++) {
    const family = kinds[i];
    const m = await api('POST', `/admin/v1/${family}`, { token: key, body: {
      name: `Item ${i}`, priority: i % 7, ...contentOf(family, i), audience: audiences[i % audiences.length],
      triggers: [{ type: 'page_visit', match: 'starts_with', value: '/app' }], frequency: i % 2 ? 'always' : 'once_per_session',
    } });
    await api('POST', `/admin/v1/${family}/${m.id}/activate`, { token: key });
  }
  const visitor = async (events) => {
    const v = await api('POST', '/v1/boot', { body: { workspaceId: ws.workspaceId, sessionId: `elig-${events}-${Date.now()}`, attributes: { plan: 'pro', seats: 12 } } });
    const names = ['purchase', 'export', 'view_report', 'invite', 'search'];
    for (let sent = 0; sent < events; sent += 50) {
      const batch = Array.from({ length: Math.min(50, events - sent) }, (_, j) => ({ name: names[(sent + j) % names.length], properties: { n: sent + j }, occurredAt: Date.now() - ((sent + j) % 6) * 86400_000 }));
      await api('POST', '/v1/events', { token: v.sessionToken, body: { events: batch } });
    }
    return v.sessionToken;
  };
  return { workspaceId: ws.workspaceId, heavy: await visitor(1000), light: await visitor(10) };
}

const { workspaceId, heavy, light } = await setup();
const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
const ok200 = (r) => r.status === 200;
const run = async (url, headers) => {
  const opts = { seconds: SECONDS, maxRequests: 20_000, concurrency: CONCURRENCY, makeRequest: () => ({ method: 'GET', headers }), check: ok200 };
  await phase(agent, url, { ...opts, seconds: 1 });
  return summarize(await phase(agent, url, opts));
};
const page = encodeURIComponent('https://acme.test/app/reports?x=1');
const health = await run(`${BASE}/health`);
const heavyR = await run(`${BASE}/v1/eligible?url=${page}&bs=bench`, { authorization: `Bearer ${heavy}` });
const lightR = await run(`${BASE}/v1/eligible?url=${page}&bs=bench`, { authorization: `Bearer ${light}` });
// A widget that boots a new visitor, then asks what it may see on this page: two requests, or
// one boot that asks for it (`eligible` in the boot body). Each exchange is timed whole.
const tag = `eb-${Date.now().toString(36)}`;
const bootBody = (n, extra) => JSON.stringify({ workspaceId, sessionId: `${tag}-${n}-sessionid`, attributes: { plan: 'pro', seats: 12 }, ...extra });
const pageUrl = 'https://acme.test/app/reports?x=1';
const exchange = async (fn) => {
  const opts = { seconds: SECONDS, maxRequests: 20_000, concurrency: CONCURRENCY, run: fn };
  await phase(agent, null, { ...opts, seconds: 1, run: (n) => fn(n + 1e6) });
  return summarize(await phase(agent, null, opts));
};
const twoRequests = await exchange(async (n) => {
  const b = await send(agent, `${BASE}/v1/boot`, { method: 'POST', body: bootBody(n) });
  if (b.status !== 200) return false;
  const { sessionToken } = JSON.parse(b.body);
  const e = await send(agent, `${BASE}/v1/eligible?url=${page}&bs=bench`, { method: 'GET', headers: { authorization: `Bearer ${sessionToken}` } });
  return e.status === 200;
});
const oneRequest = await exchange(async (n) => {
  const b = await send(agent, `${BASE}/v1/boot`, { method: 'POST', body: bootBody(n + 5e5, { eligible: { url: pageUrl, bs: 'bench' } }) });
  return b.status === 200 && b.body.includes('"eligible"');
});
agent.destroy();
const sample = await api('GET', `/v1/eligible?url=${page}&bs=bench`, { token: heavy });
const eligibleCount = Object.values(sample).filter(Array.isArray).reduce((n, list) => n + list.length, 0);

const line = (name, r) => `  ${name.padEnd(44)} ${String(r.rps).padStart(7)} req/s   p50 ${String(r.p50Ms).padStart(6)} ms   p99 ${String(r.p99Ms).padStart(6)} ms   ${r.errors} errors`;
console.log(`\n/v1/eligible (50 active items of five kinds, ${eligibleCount} eligible for this visitor; concurrency ${CONCURRENCY})`);
console.log(line('GET /health', health));
console.log(line('GET /v1/eligible, visitor with 1,000 events', heavyR));
console.log(line('GET /v1/eligible, visitor with 10 events', lightR));
console.log(`  target: p99 ≤ 30 ms → ${heavyR.p99Ms <= 30 ? 'ok' : 'MISS'}; cost with 1,000 vs 10 events: p50 ${heavyR.p50Ms} vs ${lightR.p50Ms} ms`);
console.log(line('new visitor: POST /v1/boot, then GET /v1/eligible', twoRequests).replace('req/s', 'exch/s'));
console.log(line('new visitor: POST /v1/boot with eligible', oneRequest).replace('req/s', 'exch/s'));

const file = 'tests/output/bench.json';
const report = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {};
report.eligible = { health, heavy: heavyR, light: lightR, eligibleItems: eligibleCount, bootThenEligible: twoRequests, bootWithEligible: oneRequest, concurrency: CONCURRENCY };
// Each concurrency's figures kept apart: scripts/bench runs this at 8, then at 1 (the p99 target's).
report.eligibleByConcurrency = { ...report.eligibleByConcurrency, [CONCURRENCY]: report.eligible };
writeFileSync(file, JSON.stringify(report, null, 2) + '\n');

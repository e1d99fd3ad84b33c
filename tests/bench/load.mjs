// A bounded closed-loop HTTP load generator: N workers, each sends a request, waits for the whole
// answer, sends the next. node:http with a keep-alive agent (lighter on the client than fetch,
// which matters on a 2-core machine where the client shares the CPU with workerd).
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { quantile, round } from './stats.mjs';

/**
 * A client address per request: the edge limits each client IP (300 / 60 s) before anything
 * else, and a load test measures the route, not one client's limit.
 */
const clientIp = () => `10.${(Math.random() * 255) | 0}.${(Math.random() * 255) | 0}.${(Math.random() * 255) | 0}`;

/** One request; resolves {status, body} or rejects on a socket error / timeout. */
export function send(agent, url, { method, body, headers: extra }) {
  return new Promise((resolve, reject) => {
    const headers = { 'cf-connecting-ip': clientIp(), ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}), ...(extra ?? {}) };
    const req = http.request(url, { method, agent, headers, timeout: 10_000 }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/**
 * Runs `phase` for `seconds` (and at most `maxRequests` requests) with `concurrency` workers.
 * makeRequest(n) → {method, body}; check(res) → true when the answer is a success.
 * Returns only raw samples; `summarize` turns them into figures.
 */
export async function phase(agent, url, { seconds, maxRequests, concurrency, makeRequest, check, run }) {
  const latencies = [];
  const errors = {}; // status code or error message → count
  let started = 0;
  const deadline = performance.now() + seconds * 1000;
  const t0 = performance.now();
  const worker = async () => {
    while (performance.now() < deadline && started < maxRequests) {
      const n = started++;
      const t = performance.now();
      try {
        // `run(n)` (optional) makes one whole exchange of several requests, resolving true when
        // it succeeded: timed as one.
        const res = run ? { ok: await run(n) } : await send(agent, url, makeRequest(n));
        if (run ? res.ok : check(res)) latencies.push(performance.now() - t);
        else {
          const key = run ? 'failed' : res.status;
          errors[key] = (errors[key] ?? 0) + 1;
        }
      } catch (e) {
        errors[e.code || e.message] = (errors[e.code || e.message] ?? 0) + 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { elapsedMs: performance.now() - t0, latencies, errors, requests: started };
}

export function summarize({ elapsedMs, latencies, errors, requests }) {
  const sorted = latencies.sort((a, b) => a - b);
  const errorCount = Object.values(errors).reduce((a, b) => a + b, 0);
  return {
    requests,
    ok: sorted.length,
    errors: errorCount,
    errorsBy: errors,
    seconds: round(elapsedMs / 1000, 2),
    rps: round(sorted.length / (elapsedMs / 1000), 1),
    p50Ms: round(quantile(sorted, 0.5), 2),
    p99Ms: round(quantile(sorted, 0.99), 2),
  };
}

/** Raw samples of several phases of one variant, as one. */
function merge(a, b) {
  if (!a) return b;
  const errors = { ...a.errors };
  for (const [k, v] of Object.entries(b.errors)) errors[k] = (errors[k] ?? 0) + v;
  return { elapsedMs: a.elapsedMs + b.elapsedMs, latencies: a.latencies.concat(b.latencies), errors, requests: a.requests + b.requests };
}

/**
 * /health vs /v1/boot in one run, each after its own warm-up:
 *   health      GET /health
 *   healthDb    GET /health/db (one `SELECT 1` on D1: the floor for any route that touches D1)
 *   bootNew     POST /v1/boot with a new sessionId every time (new visitor + new token)
 *   bootReuse   POST /v1/boot cycling through 50 sessionIds (existing anonymous visitor, new token)
 * Each variant's `seconds` are split into `rounds` slices taken in turn (health, healthDb,
 * bootNew, bootReuse, health, …): on a shared machine whose load drifts, the variants compared
 * (boot against its one-query floor above all) then see the same conditions.
 */
export async function runLoad(base, { workspaceId = 'demo', concurrency = 8, seconds = 5, rounds = 3, warmupSeconds = 1, maxRequests = 20_000, log = () => {} } = {}) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const tag = `bench-${Date.now().toString(36)}`; // unique per run, so reruns never collide
  const ok200 = (r) => r.status === 200;
  const bootOk = (r) => r.status === 200 && r.body.includes('"sessionToken"');
  const bootBody = (sessionId) => ({ method: 'POST', body: JSON.stringify({ workspaceId, sessionId }) });
  let sent = 0; // bootNew's sessionIds stay new across its slices
  const variants = {
    health: { url: `${base}/health`, makeRequest: () => ({ method: 'GET' }), check: ok200 },
    healthDb: { url: `${base}/health/db`, makeRequest: () => ({ method: 'GET' }), check: ok200 },
    bootNew: { url: `${base}/v1/boot`, makeRequest: () => bootBody(`${tag}-${sent++}`), check: bootOk },
    bootReuse: { url: `${base}/v1/boot`, makeRequest: (n) => bootBody(`${tag}-reuse-${n % 50}`), check: bootOk },
  };
  rounds = Math.max(1, rounds);
  const raw = {};
  const warmupErrors = {};
  try {
    for (const [name, v] of Object.entries(variants)) {
      log(`load: ${name} warm-up (${warmupSeconds}s at concurrency ${concurrency})`);
      // The warm-up uses its own sessionIds for bootNew so the measured slices still create
      // only new visitors.
      const warmMake = name === 'bootNew' ? (n) => bootBody(`${tag}-warm-${n}`) : v.makeRequest;
      warmupErrors[name] = summarize(await phase(agent, v.url, { seconds: warmupSeconds, maxRequests, concurrency, makeRequest: warmMake, check: v.check })).errors;
    }
    for (let round = 0; round < rounds; round++) {
      for (const [name, v] of Object.entries(variants)) {
        log(`load: ${name} (round ${round + 1}/${rounds}: ${round ? '' : `${seconds}s in all, `}${(seconds / rounds).toFixed(2)}s at concurrency ${concurrency})`);
        const left = maxRequests - (raw[name]?.requests ?? 0);
        if (left <= 0) continue;
        raw[name] = merge(raw[name], await phase(agent, v.url, { seconds: seconds / rounds, maxRequests: left, concurrency, makeRequest: v.makeRequest, check: v.check }));
      }
    }
  } finally {
    agent.destroy();
  }
  const results = {};
  for (const name of Object.keys(variants)) {
    results[name] = summarize(raw[name]);
    results[name].warmupErrors = warmupErrors[name];
  }
  const ratio = (a, b) => (a && b ? round(a / b, 2) : null);
  results.ratioNew = ratio(results.bootNew?.rps, results.health?.rps);
  results.ratioReuse = ratio(results.bootReuse?.rps, results.health?.rps);
  results.ratioNewVsDb = ratio(results.bootNew?.rps, results.healthDb?.rps);
  results.concurrency = concurrency;
  results.rounds = rounds;
  return results;
}

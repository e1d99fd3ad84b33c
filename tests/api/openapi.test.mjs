// The OpenAPI file and the edge agree: every route the Worker dispatches is documented, every
// documented route exists, and documented answers have the documented shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';

const spec = JSON.parse(readFileSync('edge/openapi.json', 'utf8'));
const routeTable = readFileSync('edge/src/routes/table.rs', 'utf8');

// Every row of the route table: `(Method::Get, "/path", Op)`, templates written as `/x/{id}`.
const implemented = [...routeTable.matchAll(/\(Method::(\w+),\s*"([^"]+)",/g)].map(([, m, p]) => `${m.toUpperCase()} ${p}`).sort();
const documented = Object.entries(spec.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();

test('every implemented route is in openapi.json and vice versa', () => {
  assert.ok(implemented.length >= 10, `parsed ${implemented.length} routes from the route table`);
  assert.deepEqual(documented, implemented);
});

// `Allow` is derived from the same table (edge/src/routes/mod.rs unit tests), so there is no
// second list to hold to it.

test('a known path asked with an undeclared method answers 405 with Allow; an unknown path 404', async () => {
  const ws = await createWorkspace();
  const cases = [
    ['DELETE', '/v1/boot', 'POST, OPTIONS'],
    ['PUT', '/admin/v1/workspace', 'GET, PATCH, OPTIONS'],
    ['POST', '/admin/v1/outbound/out_nope', 'GET, PATCH, DELETE, OPTIONS'],
    ['GET', '/v1/checklists/chk_1/tasks/t1', 'POST, OPTIONS'],
    ['POST', '/v1/articles/search', 'GET, OPTIONS'],
    ['PATCH', '/health', 'GET, OPTIONS'],
    // A method the Workers SDK has no variant for must not be routed as the GET it would read as.
    ['QUERY', '/admin/v1/workspace', 'GET, PATCH, OPTIONS'],
  ];
  for (const [method, path, allow] of cases) {
    const r = await call(method, path, { token: ws.key });
    assertError(assert, r, 405, 'METHOD_NOT_ALLOWED');
    assert.equal(r.headers.get('allow'), allow, `${method} ${path}`);
    check(spec.components.schemas.Error, r.body);
  }
  assertError(assert, await call('DELETE', '/v1/nope', { token: ws.key }), 404, 'NOT_FOUND');
  assertError(assert, await call('GET', '/admin/v1/outbound/out_1/nope', { token: ws.key }), 404, 'NOT_FOUND');
});

/** A tiny JSON-schema check for the subset the file uses ($ref, allOf, type, required, enum, const, pattern, properties). */
function check(schema, value, at = '$') {
  if (schema.$ref) return check(resolve(schema.$ref), value, at);
  if (schema.allOf) return schema.allOf.forEach((s) => check(s, value, at));
  if (schema.const !== undefined) assert.equal(value, schema.const, at);
  if (schema.enum) assert.ok(schema.enum.includes(value), `${at}: ${JSON.stringify(value)} not in ${schema.enum}`);
  const types = [].concat(schema.type ?? []);
  if (types.length) {
    const t = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
    assert.ok(types.includes(t) || (t === 'integer' && types.includes('number')), `${at}: ${t} is not ${types}`);
  }
  if (schema.pattern) assert.match(value, new RegExp(schema.pattern), at);
  for (const k of schema.required ?? []) assert.ok(value && k in value, `${at}: missing ${k}`);
  for (const [k, s] of Object.entries(schema.properties ?? {})) if (value && value[k] !== undefined) check(s, value[k], `${at}.${k}`);
}
function resolve(ref) {
  return ref.replace('#/', '').split('/').reduce((o, k) => o[k], spec);
}
const schemaOf = (path, method, status) => {
  const r = spec.paths[path][method].responses[String(status)];
  const res = r.$ref ? resolve(r.$ref) : r;
  return res.content?.['application/json']?.schema;
};

test('live answers match their documented schemas', async () => {
  const ws = await createWorkspace({ identityVerification: 'required' });
  const b = await boot(ws.id, { attributes: { plan: 'pro' } });
  check(schemaOf('/v1/boot', 'post', 200), b.body);
  const id = await call('POST', '/v1/identify', { token: b.body.sessionToken, body: { name: 'Ada' } });
  check(schemaOf('/v1/identify', 'post', 200), id.body);
  const bad = await boot(ws.id, { userId: 'nope' });
  check(schemaOf('/v1/boot', 'post', 403), bad.body);
  const malformed = await call('POST', '/v1/boot', { raw: '{' });
  check(schemaOf('/v1/boot', 'post', 400), malformed.body);
  const r = await call('POST', '/v1/session/refresh', { token: b.body.sessionToken });
  check(schemaOf('/v1/session/refresh', 'post', 200), r.body);
  const w = await call('GET', '/admin/v1/workspace', { token: ws.key });
  check(schemaOf('/admin/v1/workspace', 'get', 200), w.body);
  const h = await call('GET', '/health');
  check(schemaOf('/health', 'get', 200), h.body);
  const free = { type: 'condition', property: { source: 'custom', key: 'plan' }, operator: 'equals', value: 'free' };
  const item = await call('POST', '/admin/v1/outbound', { token: ws.key, body: { kind: 'post', name: 'Free', content: { body: 'Hi' }, audience: free } });
  assert.equal((await call('POST', `/admin/v1/outbound/${item.body.id}/activate`, { token: ws.key })).status, 200);
  const el = await call('GET', `/v1/eligible?url=%2Fapp&bs=tab.${Date.now()}&debug=1`, { token: r.body.sessionToken });
  check(schemaOf('/v1/eligible', 'get', 200), el.body);
  assert.equal(el.body.skipped.length, 1, el.text);
  for (const s of el.body.skipped) check(spec.components.schemas.EligibleSkipped, s);
  // The check itself can fail: a wrong shape is caught.
  assert.throws(() => check(schemaOf('/v1/boot', 'post', 200), { ...b.body, sessionToken: 'nope' }));
});

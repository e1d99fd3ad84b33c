// The OpenAPI file and the edge agree: every route the Worker dispatches is documented, every
// documented route exists, and documented answers have the documented shape.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { call, createWorkspace, boot } from '../lib/harness.mjs';

const spec = JSON.parse(readFileSync('edge/openapi.json', 'utf8'));
const routeTable = readFileSync('edge/src/routes/mod.rs', 'utf8');

// Every arm of the route table: `(Method::Get, "/path")`, templates written as `/x/{id}`.
const implemented = [...routeTable.matchAll(/\(Method::(\w+),\s*"([^"]+)"\)/g)].map(([, m, p]) => `${m.toUpperCase()} ${p}`).sort();
const documented = Object.entries(spec.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${p}`)).sort();

test('every implemented route is in openapi.json and vice versa', () => {
  assert.ok(implemented.length >= 10, `parsed ${implemented.length} routes from the route table`);
  assert.deepEqual(documented, implemented);
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
  // The check itself can fail: a wrong shape is caught.
  assert.throws(() => check(schemaOf('/v1/boot', 'post', 200), { ...b.body, sessionToken: 'nope' }));
});

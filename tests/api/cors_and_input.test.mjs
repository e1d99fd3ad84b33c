// CORS from the real Origin header, bad input of every kind, and the admin API's guards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, assertError, ROOT_KEY } from '../lib/harness.mjs';

test('CORS: an allowed origin is echoed; a refused one gets 403 ORIGIN_NOT_ALLOWED without a grant', async () => {
  const ws = await createWorkspace({ allowedOrigins: ['https://shop.example.com', 'https://*.acme.test'] });
  for (const origin of ['https://shop.example.com', 'https://app.acme.test', 'https://a.b.acme.test']) {
    const r = await boot(ws.id, {}, { origin });
    assert.equal(r.status, 200, `${origin}: ${r.text}`);
    assert.equal(r.headers.get('access-control-allow-origin'), origin);
    assert.match(r.headers.get('vary') ?? '', /Origin/);
  }
  for (const origin of ['https://evil.example.com', 'http://shop.example.com', 'https://acme.test', 'https://shop.example.com.evil.io', 'null']) {
    const r = await boot(ws.id, {}, { origin });
    assertError(assert, r, 403, 'ORIGIN_NOT_ALLOWED');
    assert.equal(r.headers.get('access-control-allow-origin'), null, origin);
  }
  // Token routes check the token's workspace allowlist against the real Origin header.
  const ok = await boot(ws.id, {}, { origin: 'https://shop.example.com' });
  const r = await call('POST', '/v1/identify', { token: ok.body.sessionToken, body: {}, origin: 'https://evil.example.com' });
  assertError(assert, r, 403, 'ORIGIN_NOT_ALLOWED');
  // An origin argument in the body is not an origin (Opencom bug 4).
  const spoof = await call('POST', '/v1/boot', { body: { workspaceId: ws.id, origin: 'https://shop.example.com' }, origin: 'https://evil.example.com' });
  assertError(assert, spoof, 403, 'ORIGIN_NOT_ALLOWED');
});

test("CORS: a token of workspace B is held to B's allowlist, even from an origin A allows", async () => {
  const a = await createWorkspace({ allowedOrigins: ['https://a.example'] });
  const b = await createWorkspace({ allowedOrigins: ['https://b.example'] });
  const tb = (await boot(b.id, {}, { origin: 'https://b.example' })).body.sessionToken;
  assertError(assert, await call('POST', '/v1/identify', { token: tb, body: {}, origin: 'https://a.example' }), 403, 'ORIGIN_NOT_ALLOWED');
  assertError(assert, await boot(a.id, {}, { origin: 'https://b.example' }), 403, 'ORIGIN_NOT_ALLOWED');
});

test('CORS: an empty allowlist admits any origin', async () => {
  const ws = await createWorkspace();
  const r = await boot(ws.id, {}, { origin: 'https://anywhere.test' });
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('access-control-allow-origin'), 'https://anywhere.test');
});

test('CORS preflight answers with methods, headers and max-age for the visitor API only', async () => {
  const res = await fetch(`${process.env.PORCHLIGHT_URL ?? 'http://127.0.0.1:8787'}/v1/boot`, {
    method: 'OPTIONS',
    headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });
  assert.equal(res.status, 204);
  assert.equal(res.headers.get('access-control-allow-origin'), 'https://shop.example.com');
  assert.match(res.headers.get('access-control-allow-methods'), /POST/);
  assert.match(res.headers.get('access-control-allow-headers').toLowerCase(), /authorization/);
  assert.ok(Number(res.headers.get('access-control-max-age')) > 0);
  const admin = await fetch(`${process.env.PORCHLIGHT_URL ?? 'http://127.0.0.1:8787'}/admin/v1/workspace`, {
    method: 'OPTIONS', headers: { origin: 'https://shop.example.com', 'access-control-request-method': 'PATCH' },
  });
  assert.equal(admin.headers.get('access-control-allow-origin'), null, 'the admin API is not for browsers on other sites');
});

test('malformed JSON, wrong types, oversized and deeply nested bodies get the right code', async () => {
  const ws = await createWorkspace();
  const post = (raw) => call('POST', '/v1/boot', { raw });
  assertError(assert, await post('{"workspaceId":'), 400, 'INVALID_INPUT');
  assertError(assert, await post('not json'), 400, 'INVALID_INPUT');
  assertError(assert, await post(''), 400, 'INVALID_INPUT');
  assertError(assert, await post('[]'), 400, 'INVALID_INPUT');
  const wrong = await post(JSON.stringify({ workspaceId: ws.id, attributes: { plan: { tier: 'x' } }, userId: 42 }));
  assertError(assert, wrong, 400, 'INVALID_INPUT');
  assert.equal(wrong.body.error.path, '/userId');
  const wrongAttr = await post(JSON.stringify({ workspaceId: ws.id, attributes: 'pro' }));
  assert.equal(wrongAttr.body.error.path, '/attributes');
  const big = await post(JSON.stringify({ workspaceId: ws.id, name: 'x'.repeat(70 * 1024) }));
  assertError(assert, big, 413, 'PAYLOAD_TOO_LARGE');
  const mb = await post(JSON.stringify({ workspaceId: ws.id, attributes: { a: 'y'.repeat(1024 * 1024) } }));
  assertError(assert, mb, 413, 'PAYLOAD_TOO_LARGE');
  const deep = '{"workspaceId":"' + ws.id + '","attributes":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5001);
  assertError(assert, await post(deep), 400, 'INVALID_INPUT');
  const tooDeepAttrs = await post(JSON.stringify({ workspaceId: ws.id, attributes: { a: { b: { c: { d: 1 } } } } }));
  assertError(assert, tooDeepAttrs, 400, 'INVALID_INPUT');
  assert.equal(tooDeepAttrs.body.error.path, '/attributes/a/b/c');
  const badEmail = await boot(ws.id, { email: 'not an email' });
  assertError(assert, badEmail, 400, 'INVALID_INPUT');
  assert.equal(badEmail.body.error.path, '/email');
  const longValue = await boot(ws.id, { attributes: { bio: 'z'.repeat(1025) } });
  assert.equal(longValue.body.error.path, '/attributes/bio');
});

test('a refused identify changes nothing about the visitor', async () => {
  const ws = await createWorkspace();
  const a = await boot(ws.id, { name: 'Before', attributes: { keep: 1 } });
  const t = a.body.sessionToken;
  assertError(assert, await call('POST', '/v1/identify', { token: t, body: { name: 'After', attributes: { bad: { a: { b: { c: 1 } } } } } }), 400, 'INVALID_INPUT');
  assertError(assert, await call('POST', '/v1/identify', { token: t, raw: '{"name":"After",' }), 400, 'INVALID_INPUT');
  const after = await call('POST', '/v1/identify', { token: t, body: {} });
  assert.equal(after.body.visitor.name, 'Before');
  assert.deepEqual(after.body.visitor.attributes, { keep: 1 });
});

test('HTML and script in text fields are stored and returned as inert text', async () => {
  const ws = await createWorkspace();
  const evil = '<img src=x onerror=alert(1)></script><script>alert(2)</script>';
  const r = await boot(ws.id, { name: evil, attributes: { note: evil } });
  assert.equal(r.status, 200);
  assert.equal(r.body.visitor.name, evil);
  assert.equal(r.body.visitor.attributes.note, evil);
  assert.match(r.headers.get('content-type'), /application\/json/);
});

test('attributes: null removes a key, nested objects merge, list and types are kept', async () => {
  const ws = await createWorkspace();
  const a = await boot(ws.id, { attributes: { plan: { tier: 'pro', seats: 5 }, tags: ['a'], gone: 'x', when: '2026-01-01T00:00:00Z' } });
  const r = await call('POST', '/v1/identify', { token: a.body.sessionToken, body: { attributes: { plan: { seats: 6 }, gone: null, n: 2.5, on: true } } });
  assert.deepEqual(r.body.visitor.attributes, { plan: { tier: 'pro', seats: 6 }, tags: ['a'], when: '2026-01-01T00:00:00Z', n: 2.5, on: true });
});

test('admin: root key guards workspace creation; secret keys guard the rest; visitor tokens are refused', async () => {
  assertError(assert, await call('POST', '/admin/v1/workspaces', { body: { name: 'x' } }), 401, 'NOT_AUTHENTICATED');
  assertError(assert, await call('POST', '/admin/v1/workspaces', { token: ROOT_KEY + 'x', body: { name: 'x' } }), 401, 'NOT_AUTHENTICATED');
  const ws = await createWorkspace();
  const visitor = await boot(ws.id);
  assertError(assert, await call('GET', '/admin/v1/workspace'), 401, 'NOT_AUTHENTICATED');
  assertError(assert, await call('GET', '/admin/v1/workspace', { token: 'psk_' + '0'.repeat(64) }), 401, 'NOT_AUTHENTICATED');
  assertError(assert, await call('GET', '/admin/v1/workspace', { token: visitor.body.sessionToken }), 403, 'NOT_AUTHORIZED');
  assertError(assert, await call('POST', '/admin/v1/workspaces', { token: ws.key, body: { name: 'x' } }), 401, 'NOT_AUTHENTICATED');
  const other = await createWorkspace();
  const mine = await call('GET', '/admin/v1/workspace', { token: other.key });
  assert.equal(mine.body.id, other.id, 'a key only ever sees its own workspace');
});

test('admin: create with a slug, conflict → 409, settings validated with paths, a failed PATCH changes nothing', async () => {
  const slug = `acme-${Date.now().toString(36)}`;
  const r = await call('POST', '/admin/v1/workspaces', { token: ROOT_KEY, body: { id: slug, name: 'Acme' } });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.body.workspaceId, slug);
  assert.match(r.body.secretKey, /^psk_[0-9a-f]{64}$/);
  assertError(assert, await call('POST', '/admin/v1/workspaces', { token: ROOT_KEY, body: { id: slug, name: 'Again' } }), 409, 'ALREADY_EXISTS');
  assertError(assert, await call('POST', '/admin/v1/workspaces', { token: ROOT_KEY, body: { id: 'Bad Slug!', name: 'x' } }), 400, 'INVALID_INPUT');
  assertError(assert, await call('POST', '/admin/v1/workspaces', { token: ROOT_KEY, body: { name: 'x', colour: 'red' } }), 400, 'INVALID_INPUT');
  const key = r.body.secretKey;
  const before = await call('GET', '/admin/v1/workspace', { token: key });
  const cases = [
    [{ messenger: { primaryColor: 'red;}*{display:none' } }, '/messenger/primaryColor'],
    [{ allowedOrigins: ['https://ok.test', 'not an origin'] }, '/allowedOrigins/1'],
    [{ identityVerification: 'sometimes' }, '/identityVerification'],
    [{ sessionLifetimeMs: 'forever' }, '/sessionLifetimeMs'],
    [{ messenger: { welcomeMessage: 'w'.repeat(501) } }, '/messenger/welcomeMessage'],
    [{ messenger: { trackedClicks: [{ selector: '#ok', event: 'ok' }, { selector: '', event: 'x' }] } }, '/messenger/trackedClicks/1/selector'],
    [{ messenger: { trackedClicks: [{ selector: '#ok', event: ' padded' }] } }, '/messenger/trackedClicks/0/event'],
    [{ messenger: { trackedClicks: Array.from({ length: 21 }, (_, i) => ({ selector: `#b${i}`, event: 'e' })) } }, '/messenger/trackedClicks'],
  ];
  for (const [body, path] of cases) {
    const p = await call('PATCH', '/admin/v1/workspace', { token: key, body });
    assertError(assert, p, 400, 'INVALID_INPUT');
    assert.equal(p.body.error.path, path, JSON.stringify(body));
  }
  assertError(assert, await call('PATCH', '/admin/v1/workspace', { token: key, body: { nmae: 'typo' } }), 400, 'INVALID_INPUT');
  const after = await call('GET', '/admin/v1/workspace', { token: key });
  assert.deepEqual(after.body, before.body);
});

test('admin: PATCH applies settings, clamps the session lifetime, and visitors see the new messenger', async () => {
  const ws = await createWorkspace();
  const p = await call('PATCH', '/admin/v1/workspace', {
    token: ws.key,
    body: { sessionLifetimeMs: 30 * 24 * 3600 * 1000, identityVerification: 'required', messenger: { launcherPosition: 'left', appearance: 'dark', welcomeMessage: 'New hello', trackedClicks: [{ selector: 'button[data-plan="pro"], #export-csv', event: 'clicked_pro' }] } },
  });
  assert.equal(p.status, 200, p.text);
  assert.equal(p.body.sessionLifetimeMs, 7 * 24 * 3600 * 1000, 'clamped to 7 days');
  assert.equal(p.body.identityVerification, 'required');
  const v = await boot(ws.id);
  assert.equal(v.body.settings.messenger.launcherPosition, 'left');
  assert.equal(v.body.settings.messenger.welcomeMessage, 'New hello');
  assert.deepEqual(v.body.settings.messenger.trackedClicks, [{ selector: 'button[data-plan="pro"], #export-csv', event: 'clicked_pro' }]);
  assertError(assert, await boot(ws.id, { userId: 'u' }), 403, 'IDENTITY_VERIFICATION_FAILED');
});

test('unknown routes → 404 NOT_FOUND, a known path with another method → 405, in the envelope', async () => {
  assertError(assert, await call('GET', '/v1/nope'), 404, 'NOT_FOUND');
  const wrong = await call('DELETE', '/v1/boot');
  assertError(assert, wrong, 405, 'METHOD_NOT_ALLOWED');
  assert.equal(wrong.headers.get('allow'), 'POST, OPTIONS');
});

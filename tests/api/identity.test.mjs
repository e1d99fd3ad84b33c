// Identity verification: HMAC user hashes, JWTs, modes, merging, rotation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createWorkspace, boot, sleep, assertError, userHash, signJwt, randomSessionId } from '../lib/harness.mjs';

const nowSec = () => Math.floor(Date.now() / 1000);

test('verified boot: a correct userHash marks the visitor verified', async () => {
  const ws = await createWorkspace({ identityVerification: 'required' });
  const r = await boot(ws.id, { userId: 'user_1', email: 'one@example.com', name: 'One', userHash: userHash(ws.secret, 'user_1') });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.visitor.userId, 'user_1');
  assert.equal(r.body.visitor.identityVerified, true);
  assert.equal(r.body.visitor.name, 'One');
});

test('a verified userId on another browser returns the same visitor (merge), carrying anonymous attributes', async () => {
  const ws = await createWorkspace({ identityVerification: 'required' });
  const hash = userHash(ws.secret, 'user_m');
  const first = await boot(ws.id, { userId: 'user_m', userHash: hash, attributes: { plan: 'pro' } });
  // Another browser: anonymous first, then signs in.
  const anon = await boot(ws.id, { attributes: { utm: 'newsletter' } });
  const id = await call('POST', '/v1/identify', { token: anon.body.sessionToken, body: { userId: 'user_m', userHash: hash } });
  assert.equal(id.status, 200, id.text);
  assert.equal(id.body.visitor.id, first.body.visitor.id, 'merged into the existing visitor');
  assert.deepEqual(id.body.visitor.attributes, { plan: 'pro', utm: 'newsletter' });
  // The session now acts as the merged visitor.
  const again = await call('POST', '/v1/identify', { token: anon.body.sessionToken, body: {} });
  assert.equal(again.body.visitor.id, first.body.visitor.id);
});

for (const [name, claim] of [
  ['forged hash', (ws) => ({ userId: 'victim', userHash: '0'.repeat(64) })],
  ['missing hash', () => ({ userId: 'victim' })],
  ['hash for a different userId', (ws) => ({ userId: 'victim', userHash: userHash(ws.secret, 'attacker') })],
  ['hash made with another secret', () => ({ userId: 'victim', userHash: userHash('not-the-secret', 'victim') })],
  ['email claim without proof', () => ({ email: 'victim@example.com' })],
  ['email claim with a userId hash of another user', (ws) => ({ email: 'victim@example.com', userHash: userHash(ws.secret, 'attacker') })],
  ['email claim with a hash of that very email (a hash proves a userId, never an email)', (ws) => ({ email: 'victim@example.com', userHash: userHash(ws.secret, 'victim@example.com') })],
  ['non-hex hash', () => ({ userId: 'victim', userHash: '<script>alert(1)</script>' })],
]) {
  test(`required mode: ${name} → 403 IDENTITY_VERIFICATION_FAILED and nothing of the victim leaks`, async () => {
    const ws = await createWorkspace({ identityVerification: 'required' });
    await boot(ws.id, { userJwt: signJwt(ws.secret, { user_id: 'victim', email: 'victim@example.com', exp: nowSec() + 600 }), attributes: { ssn: 'victim-secret' } });
    const r = await boot(ws.id, claim(ws));
    assertError(assert, r, 403, 'IDENTITY_VERIFICATION_FAILED');
    assert.ok(!r.text.includes('victim-secret'));
    // Through identify on an anonymous session, too; the session stays anonymous.
    const anon = await boot(ws.id);
    const id = await call('POST', '/v1/identify', { token: anon.body.sessionToken, body: claim(ws) });
    assertError(assert, id, 403, 'IDENTITY_VERIFICATION_FAILED');
    const still = await call('POST', '/v1/identify', { token: anon.body.sessionToken, body: {} });
    assert.equal(still.body.visitor.id, anon.body.visitor.id);
    assert.deepEqual(still.body.visitor.attributes, {});
    assert.equal(still.body.visitor.userId, undefined);
  });
}

test('optional mode: an unproven email claim never merges into the visitor who owns it (Opencom bug 1)', async () => {
  const ws = await createWorkspace({ identityVerification: 'optional' });
  const victim = await boot(ws.id, { userJwt: signJwt(ws.secret, { email: 'owner@example.com', exp: nowSec() + 600 }), attributes: { private: 'yes' } });
  assert.equal(victim.body.visitor.identityVerified, true);
  const attacker = await boot(ws.id, { email: 'OWNER@example.com' });
  assert.equal(attacker.status, 200);
  assert.notEqual(attacker.body.visitor.id, victim.body.visitor.id);
  assert.deepEqual(attacker.body.visitor.attributes, {});
  assert.equal(attacker.body.visitor.identityVerified, false);
});

test('optional mode: an unproven userId never reaches a verified user, and says nothing of whether it exists; a bad proof is refused', async () => {
  const ws = await createWorkspace({ identityVerification: 'optional' });
  const vip = await boot(ws.id, { userId: 'vip', userHash: userHash(ws.secret, 'vip'), attributes: { private: 'yes' } });
  // The claim of a verified userId and of a userId nobody holds are answered alike: a label on
  // the claimer's own, new, unverified visitor.
  for (const userId of ['vip', 'nobody-has-this']) {
    const r = await boot(ws.id, { userId });
    assert.equal(r.status, 200, r.text);
    assert.notEqual(r.body.visitor.id, vip.body.visitor.id);
    assert.equal(r.body.visitor.identityVerified, false);
    assert.equal(r.body.visitor.userId, userId);
    assert.deepEqual(r.body.visitor.attributes, {});
  }
  assertError(assert, await boot(ws.id, { userId: 'someone', userHash: 'f'.repeat(64) }), 403, 'IDENTITY_VERIFICATION_FAILED');
});

test("a sessionId never resumes an identified visitor (Opencom bug 1: boot with another's sessionId)", async () => {
  const ws = await createWorkspace({ identityVerification: 'required' });
  const sessionId = randomSessionId();
  const victim = await boot(ws.id, { sessionId, userId: 'u_sid', userHash: userHash(ws.secret, 'u_sid'), attributes: { card: '4242' } });
  const attacker = await boot(ws.id, { sessionId });
  assert.equal(attacker.status, 200);
  assert.notEqual(attacker.body.visitor.id, victim.body.visitor.id);
  assert.deepEqual(attacker.body.visitor.attributes, {});
});

test('a verified email (a JWT email claim) matches case-insensitively (Opencom bug 13)', async () => {
  const ws = await createWorkspace({ identityVerification: 'required' });
  const a = await boot(ws.id, { email: 'Mixed@Example.com', userJwt: signJwt(ws.secret, { email: 'Mixed@Example.com', exp: nowSec() + 600 }) });
  assert.equal(a.status, 200, a.text);
  const b = await boot(ws.id, { email: 'MIXED@example.COM', userJwt: signJwt(ws.secret, { email: 'MIXED@example.COM', exp: nowSec() + 600 }) });
  assert.equal(b.body.visitor.id, a.body.visitor.id);
});

test('JWT: a valid HS256 token verifies and carries signed attributes; expired, tampered and alg=none are refused', async () => {
  const ws = await createWorkspace({ identityVerification: 'required' });
  const jwt = signJwt(ws.secret, { user_id: 'jwt_user', email: 'jwt@example.com', exp: nowSec() + 600, attributes: { plan: 'enterprise' } });
  const r = await boot(ws.id, { userJwt: jwt });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.body.visitor.userId, 'jwt_user');
  assert.equal(r.body.visitor.email, 'jwt@example.com');
  assert.equal(r.body.visitor.identityVerified, true);
  assert.equal(r.body.visitor.attributes.plan, 'enterprise');

  const expired = signJwt(ws.secret, { user_id: 'jwt_user', exp: nowSec() - 10 });
  assertError(assert, await boot(ws.id, { userJwt: expired }), 403, 'IDENTITY_VERIFICATION_FAILED');
  const noExp = signJwt(ws.secret, { user_id: 'jwt_user' });
  assertError(assert, await boot(ws.id, { userJwt: noExp }), 403, 'IDENTITY_VERIFICATION_FAILED');
  const [h, , s] = jwt.split('.');
  const tampered = `${h}.${Buffer.from(JSON.stringify({ user_id: 'admin', exp: nowSec() + 600 })).toString('base64url')}.${s}`;
  assertError(assert, await boot(ws.id, { userJwt: tampered }), 403, 'IDENTITY_VERIFICATION_FAILED');
  const none = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${jwt.split('.')[1]}.`;
  assertError(assert, await boot(ws.id, { userJwt: none }), 403, 'IDENTITY_VERIFICATION_FAILED');
  // A JWT for one user with a body claim of another is refused.
  assertError(assert, await boot(ws.id, { userJwt: jwt, userId: 'other' }), 403, 'IDENTITY_VERIFICATION_FAILED');
});

test('secret rotation: the previous secret verifies during the grace period only', async () => {
  const ws = await createWorkspace({ identityVerification: 'required' });
  const oldHash = userHash(ws.secret, 'rot_user');
  const rot = await call('POST', '/admin/v1/workspace/identity-secret/rotate', { token: ws.key, body: { gracePeriodMs: 2500 } });
  assert.equal(rot.status, 200, rot.text);
  assert.match(rot.body.identitySecret, /^[0-9a-f]{64}$/);
  assert.notEqual(rot.body.identitySecret, ws.secret);
  const newHash = userHash(rot.body.identitySecret, 'rot_user');
  assert.equal((await boot(ws.id, { userId: 'rot_user', userHash: oldHash })).status, 200, 'old secret still valid in grace');
  assert.equal((await boot(ws.id, { userId: 'rot_user', userHash: newHash })).status, 200, 'new secret valid');
  const view = await call('GET', '/admin/v1/workspace', { token: ws.key });
  assert.equal(view.body.previousIdentitySecretValidUntil, rot.body.previousSecretValidUntil);
  assert.ok(!view.text.includes(rot.body.identitySecret), 'the secret is shown once, never again');
  await sleep(Math.max(0, rot.body.previousSecretValidUntil - Date.now()) + 300);
  assertError(assert, await boot(ws.id, { userId: 'rot_user', userHash: oldHash }), 403, 'IDENTITY_VERIFICATION_FAILED');
  assert.equal((await boot(ws.id, { userId: 'rot_user', userHash: newHash })).status, 200);
  assertError(assert, await call('POST', '/admin/v1/workspace/identity-secret/rotate', { token: ws.key, body: { gracePeriodMs: -1 } }), 400, 'INVALID_INPUT');
});

test('off mode: claims are taken as given and never verified; emails still never merge', async () => {
  const ws = await createWorkspace({ identityVerification: 'off' });
  const a = await boot(ws.id, { userId: 'plain', userHash: 'garbage', email: 'p@example.com' });
  assert.equal(a.status, 200);
  assert.equal(a.body.visitor.identityVerified, false);
  const b = await boot(ws.id, { userId: 'plain' });
  assert.equal(b.body.visitor.id, a.body.visitor.id);
  const c = await boot(ws.id, { email: 'p@example.com' });
  assert.notEqual(c.body.visitor.id, a.body.visitor.id);
});

test('signing in as another user on a browser that holds a signed-in session never relabels the first user', async () => {
  const ws = await createWorkspace({ identityVerification: 'required' });
  const a = await boot(ws.id, { userId: 'alice', userHash: userHash(ws.secret, 'alice'), attributes: { who: 'alice' } });
  const r = await call('POST', '/v1/identify', { token: a.body.sessionToken, body: { userId: 'bob', userHash: userHash(ws.secret, 'bob') } });
  assert.equal(r.status, 200);
  assert.notEqual(r.body.visitor.id, a.body.visitor.id);
  assert.equal(r.body.visitor.userId, 'bob');
  assert.deepEqual(r.body.visitor.attributes, {});
  const alice = await boot(ws.id, { userId: 'alice', userHash: userHash(ws.secret, 'alice') });
  assert.equal(alice.body.visitor.id, a.body.visitor.id);
  assert.equal(alice.body.visitor.attributes.who, 'alice');
});

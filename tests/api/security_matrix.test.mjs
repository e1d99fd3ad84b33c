// The security matrix, driven by edge/openapi.json so that a new route cannot escape it:
// - every admin route refuses no key, a visitor token and (for items) another workspace's key;
// - every visitor route refuses no token, and a token of another workspace gets 404 for this
//   workspace's items; another visitor of the same workspace cannot reach what is someone
//   else's (tickets, progress, responses);
// - no route takes a visitor id from the body as authority;
// - a deleted segment hides every kind of item instead of showing it to everyone;
// and after all of it, workspace A's data reads back unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { call, createWorkspace, boot, assertError } from '../lib/harness.mjs';
import { steps, questions, checklistContent } from '../lib/fixtures.mjs';

const spec = JSON.parse(readFileSync('edge/openapi.json', 'utf8'));
const operations = Object.entries(spec.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
const isAdmin = (o) => o.path.startsWith('/admin/');
// Optional auth (boot resumes a token if one comes along) is listed with an empty alternative.
const needsToken = (o) => (o.op.security ?? []).some((s) => 'sessionToken' in s) && !(o.op.security ?? []).some((s) => Object.keys(s).length === 0);

const cond = (key, value) => ({ type: 'condition', property: { source: 'custom', key }, operator: 'equals', value });
const contentOf = {
  outbound: { kind: 'post', content: { title: 'Hello', body: 'Post body' } },
  tooltips: { content: { body: 'Tip', selector: '#export' } },
  tours: { content: { steps } },
  surveys: { content: { questions } },
  checklists: { content: checklistContent },
};

/** Workspace A with one live item of every kind, a segment, an article, a ticket and progress. */
async function setUp() {
  const ws = await createWorkspace();
  const ids = {};
  const seg = await call('POST', '/admin/v1/segments', { token: ws.key, body: { name: 'Pro', rule: cond('plan', 'pro') } });
  ids.segments = seg.body.id;
  for (const [family, body] of Object.entries(contentOf)) {
    const r = await call('POST', `/admin/v1/${family}`, { token: ws.key, body: { name: `A ${family}`, audience: { segmentId: ids.segments }, ...body } });
    assert.equal(r.status, 201, r.text);
    ids[family] = r.body.id;
    assert.equal((await call('POST', `/admin/v1/${family}/${r.body.id}/activate`, { token: ws.key })).status, 200);
  }
  const col = await call('POST', '/admin/v1/collections', { token: ws.key, body: { name: 'Billing' } });
  ids.collections = col.body.id;
  const art = await call('POST', '/admin/v1/articles', { token: ws.key, body: { title: 'Refunds', body: 'How refunds work', collectionId: col.body.id } });
  assert.equal(art.status, 201, art.text);
  ids.articles = art.body.id;
  await call('POST', `/admin/v1/articles/${art.body.id}/activate`, { token: ws.key });
  const owner = await boot(ws.id, { attributes: { plan: 'pro' } });
  const t = owner.body.sessionToken;
  ids.visitors = owner.body.visitor.id;
  const tk = await call('POST', '/v1/tickets', { token: t, body: { subject: 'Mine', body: 'Private' } });
  assert.equal(tk.status, 201, tk.text);
  ids.tickets = tk.body.id;
  await call('POST', `/v1/tours/${ids.tours}/progress`, { token: t, body: { action: 'start' } });
  await call('POST', `/v1/surveys/${ids.surveys}/responses`, { token: t, body: { answers: [{ questionId: 'why', value: 'Mine' }] } });
  await call('POST', `/v1/checklists/${ids.checklists}/tasks/profile`, { token: t, body: { done: true } });
  const mate = await call('POST', '/admin/v1/teammates', { token: ws.key, body: { name: 'Ada' } });
  ids.teammates = mate.body.teammate.id;
  const conv = await call('POST', '/v1/conversations', { token: t, body: { message: { clientId: 'first-message', body: 'Private question' } } });
  assert.equal(conv.status, 201, conv.text);
  ids.conversations = conv.body.conversation.id;
  return { ws, ids, token: t };
}

/** Everything of workspace A a refused call could have changed, read through A's own keys. */
async function snapshot({ ws, ids, token }) {
  const out = {};
  for (const family of ['outbound', 'tooltips', 'tours', 'surveys', 'checklists', 'segments', 'collections', 'articles']) {
    out[family] = (await call('GET', `/admin/v1/${family}`, { token: ws.key })).body;
  }
  out.workspace = (await call('GET', '/admin/v1/workspace', { token: ws.key })).body;
  out.visitor = (await call('GET', `/admin/v1/visitors/${ids.visitors}`, { token: ws.key })).body;
  out.results = (await call('GET', `/admin/v1/surveys/${ids.surveys}/results`, { token: ws.key })).body;
  out.tickets = (await call('GET', '/v1/tickets', { token })).body;
  out.teammates = (await call('GET', '/admin/v1/teammates', { token: ws.key })).body;
  out.inbox = (await call('GET', '/admin/v1/conversations?status=all', { token: ws.key })).body;
  for (const c of out.inbox.conversations) delete c.visitor.presence;
  out.messages = (await call('GET', `/admin/v1/conversations/${ids.conversations}/messages`, { token: ws.key })).body;
  const el = (await call('GET', '/v1/eligible?url=%2Fapp', { token })).body;
  out.progress = { tours: el.tours.map((x) => x.progress), surveys: el.surveys.map((x) => x.response), checklists: el.checklists.map((x) => x.tasks) };
  return out;
}

/** A concrete path for an operation, with A's ids filled in. */
function concrete(path, ids) {
  const family = path.split('/')[path.startsWith('/admin/') ? 3 : 2];
  return path.replace('{id}', ids[family] ?? 'missing').replace('{taskId}', 'profile');
}

/** A valid body for each operation that takes one, so refusals are about authority, not input. */
function bodyFor(o) {
  const p = o.path;
  if (o.method === 'GET' || o.method === 'DELETE') return undefined;
  if (p.endsWith('/progress')) return { action: 'start' };
  if (p.endsWith('/responses')) return { answers: [{ questionId: 'nps', value: 3 }] };
  if (p.includes('/tasks/')) return { done: false };
  if (p.endsWith('/feedback')) return { helpful: false };
  if (p === '/v1/tickets') return { subject: 'x', body: 'y' };
  if (p === '/admin/v1/tickets/{id}/status') return { status: 'closed' };
  if (p.endsWith('/messages')) return { clientId: 'matrix-1', body: 'intrusion' };
  if (p === '/v1/conversations') return {};
  if (p.endsWith('/read')) return {};
  if (p.endsWith('/csat')) return { rating: 5 };
  if (p.endsWith('/assign')) return { teammateId: null };
  if (p === '/admin/v1/teammates') return { name: 'Mallory' };
  if (p === '/v1/events') return { events: [{ name: 'x' }] };
  if (p === '/v1/impressions') return { kind: 'tour', contentId: 'x', action: 'shown' };
  if (p === '/v1/identify') return { name: 'Mallory' };
  if (p === '/admin/v1/workspace') return { name: 'Owned' };
  if (p === '/admin/v1/workspaces') return { name: 'Mallory' };
  if (p.startsWith('/admin/v1/segments')) return { name: 'Everyone', rule: cond('plan', 'free') };
  if (p.startsWith('/admin/v1/collections')) return { name: 'Hijacked' };
  if (p.startsWith('/admin/v1/articles')) return { title: 'Hijacked', body: 'x' };
  const family = p.split('/')[3];
  if (contentOf[family]) return { name: 'Hijacked', ...(p.endsWith('{id}') ? {} : contentOf[family]) };
  return {};
}

test('the matrix: every route refuses the wrong credentials, and workspace A reads back unchanged', async () => {
  const a = await setUp();
  const b = await createWorkspace();
  const bVisitor = (await boot(b.id)).body.sessionToken;
  const a2 = (await boot(a.ws.id, { attributes: { plan: 'pro' } })).body.sessionToken;
  const before = await snapshot(a);
  let checked = 0;
  for (const o of operations) {
    const path = concrete(o.path, a.ids);
    const body = bodyFor(o);
    if (isAdmin(o)) {
      const noKey = await call(o.method, path, { body });
      assert.ok([401].includes(noKey.status), `${o.method} ${o.path} without a key: ${noKey.status}`);
      const asVisitor = await call(o.method, path, { token: a.token, body });
      assert.ok([401, 403].includes(asVisitor.status), `${o.method} ${o.path} with a visitor token: ${asVisitor.status}`);
      if (o.path === '/admin/v1/workspaces') continue; // root key only: a workspace key is refused
      if (o.path.includes('{id}')) {
        const foreign = await call(o.method, path, { token: b.key, body });
        assertError(assert, foreign, 404, 'NOT_FOUND');
      }
      checked++;
    } else if (needsToken(o)) {
      // Refresh and revoke act on the presented token only; they are covered in session tests.
      if (o.path.startsWith('/v1/session/')) continue;
      const noToken = await call(o.method, path, { body });
      assertError(assert, noToken, 401, 'NOT_AUTHENTICATED');
      if (o.path.includes('{id}')) {
        const foreign = await call(o.method, path, { token: bVisitor, body });
        assertError(assert, foreign, 404, 'NOT_FOUND');
      }
      checked++;
    }
  }
  assert.ok(checked >= 60, `the matrix covered ${checked} operations`);
  // Another visitor of the same workspace: someone else's ticket is not found; acting on a tour,
  // a survey or a checklist changes that visitor's own progress only.
  assertError(assert, await call('GET', `/v1/tickets/${a.ids.tickets}`, { token: a2 }), 404, 'NOT_FOUND');
  assert.equal((await call('POST', `/v1/tours/${a.ids.tours}/progress`, { token: a2, body: { action: 'start' } })).status, 200);
  assert.equal((await call('POST', `/v1/tours/${a.ids.tours}/progress`, { token: a2, body: { action: 'dismiss' } })).status, 200);
  assert.equal((await call('POST', `/v1/surveys/${a.ids.surveys}/responses`, { token: a2, body: { answers: [{ questionId: 'nps', value: 0 }], complete: true } })).status, 200);
  assert.equal((await call('POST', `/v1/checklists/${a.ids.checklists}/tasks/profile`, { token: a2, body: { done: false } })).status, 200);
  const after = await snapshot(a);
  // The other visitor's complete response shows in the results; nothing else may differ.
  assert.equal(after.results.responses.total, before.results.responses.total + 1);
  delete after.results; delete before.results;
  assert.deepEqual(after, before);
});

test('no route takes a visitor id from the body as authority', async () => {
  const a = await setUp();
  const victim = a.ids.visitors;
  const attacker = (await boot(a.ws.id)).body;
  const t = attacker.sessionToken;
  // Boot and identify ignore it: the visitor is the token's (or a new one).
  const b = await boot(a.ws.id, { visitorId: victim });
  assert.notEqual(b.body.visitor.id, victim);
  const i = await call('POST', '/v1/identify', { token: t, body: { visitorId: victim, name: 'Mallory' } });
  assert.equal(i.body.visitor.id, attacker.visitor.id);
  // Bodies that name a visitor are refused outright where the body is strict.
  const strict = [
    ['/v1/events', { events: [{ name: 'x', visitorId: victim }] }],
    ['/v1/impressions', { kind: 'tour', contentId: a.ids.tours, action: 'shown', visitorId: victim }],
    [`/v1/tours/${a.ids.tours}/progress`, { action: 'start', visitorId: victim }],
    [`/v1/surveys/${a.ids.surveys}/responses`, { answers: [], visitorId: victim }],
    [`/v1/checklists/${a.ids.checklists}/tasks/profile`, { done: true, visitorId: victim }],
    [`/v1/articles/${a.ids.articles}/feedback`, { helpful: true, visitorId: victim }],
    ['/v1/tickets', { subject: 'x', body: 'y', visitorId: victim }],
    ['/v1/conversations', { visitorId: victim }],
    [`/v1/conversations/${a.ids.conversations}/messages`, { clientId: 'x', body: 'y', visitorId: victim }],
  ];
  for (const [path, body] of strict) assertError(assert, await call('POST', path, { token: t, body }), 400, 'INVALID_INPUT');
  const v = (await call('GET', `/admin/v1/visitors/${victim}`, { token: a.ws.key })).body.visitor;
  assert.notEqual(v.name, 'Mallory');
});

test('a deleted segment hides every kind of item rather than showing it to everyone', async () => {
  const a = await setUp();
  const counts = async () => {
    const { bs, active, ...el } = (await call('GET', '/v1/eligible?url=%2Fapp', { token: a.token })).body;
    return Object.fromEntries(Object.entries(el).map(([k, v]) => [k, v.length]));
  };
  assert.deepEqual(await counts(), { checklists: 1, outbound: 1, surveys: 1, tooltips: 1, tours: 1 });
  const stranger = (await boot(a.ws.id, { attributes: { plan: 'free' } })).body.sessionToken;
  const { bs, active, ...el } = (await call('GET', '/v1/eligible', { token: stranger })).body;
  assert.deepEqual(Object.values(el).flat(), [], 'outside the segment: nothing');
  assert.equal((await call('DELETE', `/admin/v1/segments/${a.ids.segments}`, { token: a.ws.key })).status, 204);
  const gone = await counts();
  // The tour the visitor is in the middle of stays hidden too: its audience no longer resolves.
  assert.deepEqual(gone, { checklists: 0, outbound: 0, surveys: 0, tooltips: 0, tours: 0 });
});

test('bad input on every POST and PATCH body: the right code, and nothing changes', async () => {
  const a = await setUp();
  const before = await snapshot(a);
  const deep = '['.repeat(300) + ']'.repeat(300);
  const huge = JSON.stringify({ name: 'x'.repeat(1024 * 1024) });
  let checked = 0;
  for (const o of operations) {
    if (!['POST', 'PATCH'].includes(o.method) || !o.op.requestBody) continue;
    const path = concrete(o.path, a.ids);
    const token = isAdmin(o) ? (o.path === '/admin/v1/workspaces' ? process.env.ROOT_KEY : a.ws.key) : needsToken(o) ? a.token : undefined;
    const what = `${o.method} ${o.path}`;
    const malformed = await call(o.method, path, { token, raw: '{"name": ' });
    assert.equal(malformed.body?.error?.code, 'INVALID_INPUT', `${what} malformed: ${malformed.text}`);
    const wrongType = await call(o.method, path, { token, raw: '[1, 2, 3]' });
    assert.equal(wrongType.body?.error?.code, 'INVALID_INPUT', `${what} array body: ${wrongType.text}`);
    const nested = await call(o.method, path, { token, raw: deep });
    assert.equal(nested.body?.error?.code, 'INVALID_INPUT', `${what} deep nesting: ${nested.text}`);
    const big = await call(o.method, path, { token, raw: huge });
    assert.equal(big.status, 413, `${what} 1 MB body: ${big.text}`);
    assert.equal(big.body?.error?.code, 'PAYLOAD_TOO_LARGE');
    checked++;
  }
  assert.ok(checked >= 25, `covered ${checked} bodies`);
  assert.deepEqual(await snapshot(a), before);
});

test('HTML and script in every text field of every kind is stored and returned as the same text', async () => {
  const ws = await createWorkspace();
  const evil = '<img src=x onerror=alert(1)></script><script>alert(2)</script>';
  const bodies = {
    outbound: { kind: 'post', content: { title: evil, body: evil, buttons: [{ label: evil.slice(0, 40), action: { type: 'dismiss' } }] } },
    tooltips: { content: { body: evil, selector: '#a' } },
    tours: { content: { steps: [{ kind: 'post', title: evil.slice(0, 120), body: evil }] } },
    surveys: { content: { intro: { title: evil.slice(0, 120), body: evil }, questions: [{ id: 'q', type: 'dropdown', prompt: evil, options: [evil, 'b'] }] } },
    checklists: { content: { title: evil.slice(0, 120), description: evil, tasks: [{ id: 't', title: evil.slice(0, 120), description: evil }] } },
  };
  const texts = {
    outbound: (c) => [c.title, c.body],
    tooltips: (c) => [c.body],
    tours: (c) => [c.steps[0].body],
    surveys: (c) => [c.intro.body, c.questions[0].prompt, c.questions[0].options[0]],
    checklists: (c) => [c.description, c.tasks[0].description],
  };
  for (const [family, body] of Object.entries(bodies)) {
    const r = await call('POST', `/admin/v1/${family}`, { token: ws.key, body: { name: evil.slice(0, 100), ...body } });
    assert.equal(r.status, 201, r.text);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    const back = await call('GET', `/admin/v1/${family}/${r.body.id}`, { token: ws.key });
    assert.equal(back.body.name, evil.slice(0, 100));
    assert.deepEqual(texts[family](back.body.content), texts[family](body.content).map(() => evil), `${family} keeps the text as text`);
  }
});
